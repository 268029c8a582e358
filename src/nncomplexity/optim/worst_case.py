"""Nesterov's worst function: the convex quadratic on which no first-order method is fast.

f(x) = (L/4)·(½ xᵀAx − x₁) on ℝⁿ, with A the tridiagonal matrix of 2 on the diagonal and −1
beside it (a chain of springs). From x₀ = 0, a gradient reaches one more coordinate per step:
∇f at a point supported on the first i coordinates is supported on the first i + 1. So after k
steps any method whose iterates lie in x₀ + span{∇f(x₀), …, ∇f(x_{k−1})} has not touched
coordinates k + 1..n, and on the chain of n = 2k + 1 coordinates this alone forces

    f(x_k) − f* ≥ 3L‖x₀ − x*‖² / (32 (k + 1)²)        (Nesterov 2018, Theorem 2.1.7),

the bound :func:`first_order_lower_bound` returns. Nesterov's accelerated method matches it up
to a constant, so O(1/√ε) steps is the best possible for smooth convex functions.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import Int, Positive1D, Real, validate_params

__all__ = ["WorstCase", "first_order_lower_bound", "nesterov_worst_case"]


@dataclass(frozen=True)
class WorstCase:
    """f(x) = ½ xᵀQx − bᵀx with its minimiser: Q (n, n), b (n,), x* (n,), f*."""

    Q: np.ndarray
    b: np.ndarray
    x_star: np.ndarray
    f_star: float
    L: float

    def value(self, x) -> float:
        """f(x). Cost: 2n² FLOPs (dense Q, kept dense for clarity)."""
        return float(0.5 * x @ self.Q @ x - self.b @ x)

    def grad(self, x) -> np.ndarray:
        """∇f(x) = Qx − b, shape (n,)."""
        return self.Q @ x - self.b


@validate_params(n=Int(minimum=2), L=Real())
def nesterov_worst_case(n: int, L: float = 1.0) -> WorstCase:
    """The function of Nesterov 2018, §2.1.2, in dimension ``n``, L-smooth (λ_max(Q) < L).

    x*ᵢ = 1 − i/(n + 1) and f* = (L/8)(1/(n + 1) − 1), both exact.

    Book: chapter 4 (gradient descent).
    """
    A = 2.0 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)  # (n, n) tridiagonal, eigenvalues in (0, 4)
    e1 = np.zeros(n)
    e1[0] = 1.0
    i = np.arange(1, n + 1)
    return WorstCase(Q=L / 4.0 * A, b=L / 4.0 * e1, x_star=1.0 - i / (n + 1.0),
                     f_star=L / 8.0 * (1.0 / (n + 1.0) - 1.0), L=float(L))


@validate_params(k=Positive1D(any_shape=True), L=Real(), dist_sq=Real(allow_zero=True))
def first_order_lower_bound(k, L: float, dist_sq: float):
    """3L‖x₀ − x*‖²/(32(k + 1)²): no first-order method does better after k steps on the chain n = 2k + 1.

    The worst function depends on k: the bound is for ``nesterov_worst_case(2k + 1, L)`` from
    x₀ = 0 (a longer chain also works, a shorter one need not).

    Book: chapter 4 (gradient descent). Nesterov 2018, Theorem 2.1.7.
    """
    out = 3.0 * L * dist_sq / (32.0 * (np.asarray(k, dtype=float) + 1.0) ** 2)
    return float(out) if out.ndim == 0 else out
