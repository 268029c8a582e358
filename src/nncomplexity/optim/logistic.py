"""Regularised logistic regression: a convex, smooth, strongly convex problem with real data.

f(w) = (1/m) Σᵢ log(1 + exp(−yᵢ xᵢᵀw)) + (λ/2)‖w‖², labels yᵢ ∈ {−1, +1}.

Each term's Hessian is σ(·)(1 − σ(·)) xᵢxᵢᵀ ≼ xᵢxᵢᵀ/4, so f is L-smooth with
L = λ_max(XᵀX)/(4m) + λ and λ-strongly convex: κ ≤ L/λ. Unlike the quadratics of
:mod:`.quadratic`, f* is not known in closed form; :func:`logistic_minimum` finds it
with Newton's method to machine precision, so "steps to accuracy ε" can be counted.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

import numpy as np

from .._validate import Real, check_float_array, validate_params

__all__ = ["logistic_grad", "logistic_loss", "logistic_minimum", "logistic_per_example_grads",
           "logistic_smoothness", "minibatch_grad"]


def _check(X, y, w=None):
    X = check_float_array("X", X, ndim=2)
    y = check_float_array("y", y, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per row of X ({X.shape[0]}), got {y.shape[0]}")
    if not np.all(np.abs(y) == 1):
        raise ValueError("y must hold labels -1 and +1 only")
    if w is not None:
        w = check_float_array("w", w, ndim=1)
        if w.shape[0] != X.shape[1]:
            raise ValueError(f"w must have one entry per column of X ({X.shape[1]}), got {w.shape[0]}")
    return X, y, w


@validate_params(lam=Real(allow_zero=True))
def logistic_loss(w, X, y, lam: float = 0.0) -> float:
    """f(w) = mean log(1 + exp(−y·Xw)) + (λ/2)‖w‖², computed without overflow (logaddexp).

    X (m, n), y (m,) in {−1, +1}, w (n,). Cost: 2mn + O(m) FLOPs.
    """
    X, y, w = _check(X, y, w)
    margins = y * (X @ w)  # (m,)
    return float(np.mean(np.logaddexp(0.0, -margins)) + 0.5 * lam * (w @ w))


@validate_params(lam=Real(allow_zero=True))
def logistic_grad(w, X, y, lam: float = 0.0) -> np.ndarray:
    """∇f(w) = −(1/m) Xᵀ(y·σ(−y·Xw)) + λw, shape (n,). Cost: 4mn + O(m) FLOPs."""
    X, y, w = _check(X, y, w)
    s = -y * np.exp(-np.logaddexp(0.0, y * (X @ w)))  # (m,): −y σ(−y xᵀw), no overflow at any margin
    return X.T @ s / X.shape[0] + lam * w  # (n, m) @ (m,) -> (n,)


def logistic_per_example_grads(w, X, y) -> np.ndarray:
    """The gradient of each example's loss log(1 + exp(−yᵢxᵢᵀw)), without the penalty: (m, n).

    Their mean is ∇f(w) − λw; their spread is the noise an SGD step sees.
    """
    X, y, w = _check(X, y, w)
    s = -y * np.exp(-np.logaddexp(0.0, y * (X @ w)))  # (m,): −y σ(−y xᵀw)
    return s[:, None] * X  # (m, 1) * (m, n) -> (m, n)


def minibatch_grad(w, X, y, lam: float, batch_size: int, rng: np.random.Generator) -> np.ndarray:
    """An unbiased estimate of ∇f(w) from ``batch_size`` rows drawn without replacement by ``rng``."""
    rows = rng.choice(X.shape[0], size=batch_size, replace=False)  # (t,)
    return logistic_grad(w, X[rows], y[rows], lam)


@validate_params(lam=Real(allow_zero=True))
def logistic_smoothness(X, lam: float = 0.0) -> tuple[float, float]:
    """(L, μ): L = λ_max(XᵀX)/(4m) + λ bounds the Hessian everywhere; μ = λ bounds it below.

    Book: chapter 4 (gradient descent).
    """
    X = check_float_array("X", X, ndim=2)
    top = np.linalg.eigvalsh(X.T @ X / X.shape[0])[-1]  # largest eigenvalue of the second moment
    return float(top / 4.0 + lam), float(lam)


@validate_params(lam=Real())
def logistic_minimum(X, y, lam: float, *, tol: float = 1e-13, max_iter: int = 100) -> tuple[np.ndarray, float]:
    """(w*, f*) by Newton's method: quadratic convergence makes f* exact to rounding.

    λ > 0 is required: without the penalty a separable data set has no minimiser.
    """
    X, y, _ = _check(X, y)
    m, n = X.shape
    w = np.zeros(n)
    for _ in range(max_iter):
        g = logistic_grad(w, X, y, lam)
        p = 1.0 / (1.0 + np.exp(-(X @ w)))  # (m,) σ(xᵀw); σ(1−σ) is the same for both labels
        H = (X.T * (p * (1.0 - p))) @ X / m + lam * np.eye(n)  # (n, n)
        w = w - np.linalg.solve(H, g)
        if np.linalg.norm(g) < tol:
            break
    else:
        raise RuntimeError(f"Newton's method did not reach ‖∇f‖ < {tol} in {max_iter} iterations")
    return w, logistic_loss(w, X, y, lam)
