"""The convergence theorems' bounds, as functions to plot and to test measured steps against.

Each bound is for the method run with the step sizes of :func:`~.steps.tuned_hyperparameters`
on an L-smooth f (κ = L/μ when f is also μ-strongly convex). Bounds on f(x_k) − f* are
relative to the starting gap f(x₀) − f* where the theorem allows it, so they compare directly
with :func:`~.steps.steps_to_accuracy`'s ε. Every function accepts an array of k.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

import math

import numpy as np

from .._validate import Positive1D, Real, validate_params

__all__ = ["gd_convex_bound", "gd_strongly_convex_bound", "gd_strongly_convex_steps", "heavy_ball_rate",
           "nesterov_convex_bound", "nesterov_strongly_convex_bound", "nesterov_strongly_convex_steps",
           "nonconvex_grad_bound"]


def _kappa(kappa: float) -> float:
    if kappa < 1:
        raise ValueError(f"kappa must be >= 1 (kappa = L/mu), got {kappa}")
    return kappa


def _out(values: np.ndarray):
    """A float for a scalar k, an array for an array of k."""
    return float(values) if np.ndim(values) == 0 else values


@validate_params(k=Positive1D(any_shape=True), kappa=Real())
def gd_strongly_convex_bound(k, kappa: float):
    """(f(x_k) − f*)/(f(x₀) − f*) ≤ (1 − 1/κ)^k for gradient descent with step 1/L, f μ-strongly convex.

    Proof in two lines: a step 1/L lowers f by at least ‖∇f‖²/(2L), and strong convexity gives
    ‖∇f‖² ≥ 2μ(f − f*). Nesterov 2018, §2.1.5; Bubeck 2015, Theorem 3.10 (the same rate for
    ‖x_k − x*‖²).

    Book: chapter 4 (gradient descent).
    """
    return _out((1.0 - 1.0 / _kappa(kappa)) ** k)


@validate_params(kappa=Real(), eps=Real())
def gd_strongly_convex_steps(kappa: float, eps: float) -> int:
    """⌈κ ln(1/ε)⌉: enough steps of GD (step 1/L) for f(x_k) − f* ≤ ε(f(x₀) − f*); 0 if ε ≥ 1.

    From :func:`gd_strongly_convex_bound` and (1 − 1/κ)^k ≤ e^{−k/κ}: O(κ log 1/ε).
    Nesterov 2018, §2.1.5; Bubeck 2015, §3.4.

    Book: chapter 4 (gradient descent).
    """
    _kappa(kappa)
    return 0 if eps >= 1 else max(1, math.ceil(kappa * math.log(1.0 / eps)))


@validate_params(k=Positive1D(any_shape=True), L=Real(), dist_sq=Real(allow_zero=True))
def gd_convex_bound(k, L: float, dist_sq: float):
    """f(x_k) − f* ≤ L‖x₀ − x*‖²/(2k) for gradient descent with step 1/L on an L-smooth convex f.

    ``dist_sq`` is ‖x₀ − x*‖². O(1/k), so O(1/ε) steps. Nesterov 2018, Corollary 2.1.2 and
    Bubeck 2015, Theorem 3.3 prove it with slightly different constants; this form follows from
    their descent lemma by telescoping.

    Book: chapter 4 (gradient descent).
    """
    return _out(L * dist_sq / (2.0 * k))


@validate_params(k=Positive1D(any_shape=True), L=Real(), dist_sq=Real(allow_zero=True))
def nesterov_convex_bound(k, L: float, dist_sq: float):
    """f(x_k) − f* ≤ 2L‖x₀ − x*‖²/(k + 1)² for Nesterov's method (step 1/L, FISTA momentum), f convex.

    O(1/k²), so O(1/√ε) steps: optimal among first-order methods (Nesterov 2018, §2.1.2 lower bounds).
    Bubeck 2015, Theorem 3.19; Beck & Teboulle 2009, Theorem 4.4.
    Momentum: :func:`~.methods.fista_momenta`.

    Book: chapter 4 (gradient descent).
    """
    return _out(2.0 * L * dist_sq / (k + 1.0) ** 2)


@validate_params(k=Positive1D(any_shape=True), kappa=Real())
def nesterov_strongly_convex_bound(k, kappa: float):
    """(1 − 1/√κ)^k: Nesterov's method with step 1/L and β = (√κ − 1)/(√κ + 1), f μ-strongly convex.

    The theorem: f(x_k) − f* ≤ (1 − 1/√κ)^k (f(x₀) − f* + μ/2 ‖x₀ − x*‖²), and strong convexity
    makes the bracket at most 2(f(x₀) − f*). Nesterov 2018, §2.2.1 (constant step scheme for
    strongly convex f); Bubeck 2015, Theorem 3.18 (the same rate, another constant).

    Book: chapter 4 (gradient descent).
    """
    return _out((1.0 - 1.0 / math.sqrt(_kappa(kappa))) ** k)


@validate_params(kappa=Real(), eps=Real())
def nesterov_strongly_convex_steps(kappa: float, eps: float) -> int:
    """⌈√κ ln(2/ε)⌉: enough Nesterov steps for f(x_k) − f* ≤ ε(f(x₀) − f*); 0 if ε ≥ 1.

    From :func:`nesterov_strongly_convex_bound` (the factor 2 is the bracket's) and
    (1 − 1/√κ)^k ≤ e^{−k/√κ}: O(√κ log 1/ε). Nesterov 2018, §2.2.1; Bubeck 2015, §3.7.

    Book: chapter 4 (gradient descent).
    """
    _kappa(kappa)
    return 0 if eps >= 1 else max(1, math.ceil(math.sqrt(kappa) * math.log(2.0 / eps)))


@validate_params(kappa=Real())
def heavy_ball_rate(kappa: float) -> float:
    """(√κ − 1)/(√κ + 1): the heavy ball's asymptotic contraction of ‖x_k − x*‖ per step on a quadratic.

    With α = 4/(√L + √μ)² and β = ((√κ − 1)/(√κ + 1))² (Polyak 1964), the error falls like
    k·ρ^k for this ρ (f like its square): O(√κ log 1/ε) steps, but only on quadratics; on general
    strongly convex functions these parameters can fail to converge (Lessard et al. 2016).
    Bubeck 2015, §3.7.

    Book: chapter 4 (gradient descent).
    """
    root = math.sqrt(_kappa(kappa))
    return (root - 1.0) / (root + 1.0)


@validate_params(k=Positive1D(any_shape=True), L=Real(), gap0=Real(allow_zero=True))
def nonconvex_grad_bound(k, L: float, gap0: float):
    """min_{i<k} ‖∇f(x_i)‖² ≤ 2L(f(x₀) − f*)/k for gradient descent with step 1/L, f L-smooth (not convex).

    ``gap0`` is f(x₀) − f*. Sum the descent lemma f(x_{i+1}) ≤ f(x_i) − ‖∇f(x_i)‖²/(2L) over
    i < k. O(1/ε²) steps to a point with ‖∇f‖ ≤ ε: a stationary point, not a minimum.
    Nesterov 2018, §1.2.3.

    Book: chapter 4 (gradient descent).
    """
    return _out(2.0 * L * gap0 / k)
