"""The test function of the chapter: a quadratic whose spectrum we choose.

On f(x) = ½ Σ λᵢ xᵢ² (a diagonal quadratic; any quadratic ½ xᵀAx is one in
A's eigenbasis) every gradient method acts on each coordinate separately, so
its rate is exactly what the theory says it is: L = max λ is the smoothness
constant, μ = min λ the strong-convexity constant, κ = L/μ the condition
number, x* = 0 and f* = 0. Choosing the eigenvalues chooses the difficulty.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

import numpy as np

from .._validate import Int, Positive1D, Real, validate_params

__all__ = ["eigenvalues_geometric", "eigenvalues_random", "quadratic_grad", "quadratic_value", "spectrum"]


def _kappa_at_least_one(kappa: float) -> float:
    if kappa < 1:
        raise ValueError(f"kappa must be >= 1 (kappa = L/mu), got {kappa}")
    return kappa


@validate_params(n=Int(minimum=1), kappa=Real(), L=Real())
def eigenvalues_geometric(n: int, kappa: float, *, L: float = 1.0) -> np.ndarray:
    """``n`` eigenvalues spaced geometrically from μ = L/κ up to L (both ends included).

    Parameters
    ----------
    n : int
        How many eigenvalues (the dimension of x); ``n = 1`` needs ``kappa = 1``.
    kappa : float
        Condition number κ = L/μ, at least 1.
    L : float
        Largest eigenvalue (the smoothness constant).

    Returns
    -------
    ndarray, shape (n,)
        Increasing eigenvalues with max L and min L/κ.

    Book: chapter 4 (gradient descent).
    """
    _kappa_at_least_one(kappa)
    if n == 1 and kappa != 1:
        raise ValueError(f"n must be >= 2 for kappa = {kappa} > 1 (one eigenvalue has kappa 1)")
    return L * np.geomspace(1.0 / kappa, 1.0, n)  # (n,)


@validate_params(n=Int(minimum=2), kappa=Real(), L=Real())
def eigenvalues_random(n: int, kappa: float, rng: np.random.Generator, *, L: float = 1.0) -> np.ndarray:
    """μ = L/κ and L, with ``n − 2`` eigenvalues between them drawn log-uniformly by ``rng``.

    The ends are fixed so that L, μ and κ are exactly as asked whatever ``rng`` draws.

    Returns
    -------
    ndarray, shape (n,)
        Eigenvalues in increasing order.

    Book: chapter 4 (gradient descent).
    """
    _kappa_at_least_one(kappa)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    inner = np.exp(rng.uniform(np.log(1.0 / kappa), 0.0, size=n - 2))  # (n-2,)
    return L * np.sort(np.concatenate([[1.0 / kappa], inner, [1.0]]))  # (n,)


@validate_params(eigenvalues=Positive1D())
def spectrum(eigenvalues) -> tuple[float, float, float]:
    """``(L, mu, kappa)``: largest eigenvalue, smallest, and their ratio κ = L/μ.

    Book: chapter 4 (gradient descent).
    """
    L, mu = float(eigenvalues.max()), float(eigenvalues.min())
    return L, mu, L / mu


def quadratic_value(eigenvalues: np.ndarray, x: np.ndarray) -> np.ndarray:
    """f(x) = ½ Σ λᵢ xᵢ², over the last axis of ``x`` (so a batch of points at once).

    ``eigenvalues`` has shape (n,), ``x`` shape (..., n); the result has shape (...).
    Cost: 3n FLOPs per point. No argument checks: it sits inside the loops (the callers check).
    """
    return 0.5 * (x * x) @ eigenvalues  # (..., n) @ (n,) -> (...)


def quadratic_grad(eigenvalues: np.ndarray, x: np.ndarray) -> np.ndarray:
    """∇f(x) = λ ⊙ x (elementwise), shape like ``x``. Cost: n FLOPs per point."""
    return eigenvalues * x  # (..., n)
