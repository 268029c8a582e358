"""Steps to accuracy ε on a quadratic: the number the convergence theorems bound.

On f(x) = ½ Σ λᵢ xᵢ² from x₀ = (1, …, 1), with f* = 0, count the first k with
f(x_k) ≤ ε·f(x₀). Each method runs with the step sizes its theorem prescribes,
computed from L = max λ and μ = min λ alone (the methods are told L and μ, not
the spectrum), and with the update rules of :mod:`.methods`, so what is counted
here is what the chapter shows.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

import math

import numpy as np

from .._validate import Choice, Int, Positive1D, Real, validate_params
from .methods import gd_step, heavy_ball_step, nesterov_step
from .quadratic import quadratic_grad, quadratic_value

__all__ = ["STEP_METHODS", "steps_to_accuracy", "tuned_hyperparameters"]

STEP_METHODS = ("gd", "heavy_ball", "nesterov")
"""The methods :func:`steps_to_accuracy` knows, each with its theorem's step sizes."""


@validate_params(method=Choice(STEP_METHODS), L=Real(), mu=Real())
def tuned_hyperparameters(method: str, L: float, mu: float) -> dict[str, float]:
    """The step size (and momentum) each method's theorem prescribes for an L-smooth, μ-strongly convex f.

    - ``"gd"``: η = 1/L.
    - ``"heavy_ball"``: α = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))² (Polyak 1964; optimal on
      quadratics).
    - ``"nesterov"``: η = 1/L, β = (√κ − 1)/(√κ + 1) (Nesterov 2018, §2.2.1).

    Returns
    -------
    dict
        Keyword arguments for the method's rule in :mod:`.methods` (``lr``, and ``momentum``).

    Book: chapter 4 (gradient descent).
    """
    if mu > L:
        raise ValueError(f"mu must be <= L, got mu = {mu} > L = {L}")
    root_kappa = math.sqrt(L / mu)
    if method == "gd":
        return {"lr": 1.0 / L}
    if method == "heavy_ball":
        return {"lr": 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2,
                "momentum": ((root_kappa - 1.0) / (root_kappa + 1.0)) ** 2}
    return {"lr": 1.0 / L, "momentum": (root_kappa - 1.0) / (root_kappa + 1.0)}


_RULES = {"gd": gd_step, "heavy_ball": heavy_ball_step, "nesterov": nesterov_step}


@validate_params(eigenvalues=Positive1D(), eps=Real(), method=Choice(STEP_METHODS), max_steps=Int(minimum=1))
def steps_to_accuracy(eigenvalues, eps: float, method: str, *, max_steps: int = 100_000) -> int:
    """The first k with f(x_k) ≤ ε·f(x₀) for f(x) = ½ Σ λᵢ xᵢ², x₀ = (1, …, 1); 0 if ε ≥ 1.

    Parameters
    ----------
    eigenvalues : array_like, shape (n,)
        The λᵢ, positive and finite. L = max λ, μ = min λ, κ = L/μ.
    eps : float
        Relative accuracy ε > 0 (f* = 0, so f(x_k) − f* ≤ ε·(f(x₀) − f*)).
    method : {"gd", "heavy_ball", "nesterov"}
        - ``"gd"``: x ← x − ∇f(x)/L.
        - ``"heavy_ball"``: x_{k+1} = x_k − α∇f(x_k) + β(x_k − x_{k−1}),
          α = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))², x₋₁ = x₀.
        - ``"nesterov"``: y_k = x_k + β(x_k − x_{k−1}), x_{k+1} = y_k − ∇f(y_k)/L,
          β = (√κ − 1)/(√κ + 1), x₋₁ = x₀.
    max_steps : int
        Give up (raise) after this many steps rather than run on.

    Returns
    -------
    int
        The number of steps k. Cost: about 5n FLOPs per step for GD, 8n with momentum.

    Raises
    ------
    ValueError
        Non-positive or non-finite eigenvalues, ε ≤ 0, an unknown method, or accuracy
        not reached within ``max_steps`` steps.

    Theory: at most ⌈κ ln(1/ε)⌉ steps for GD (:func:`~.rates.gd_strongly_convex_steps`) and
    ⌈√κ ln(2/ε)⌉ for Nesterov (:func:`~.rates.nesterov_strongly_convex_steps`).
    Book: chapter 4 (gradient descent).
    """
    if eps >= 1:
        return 0
    lam = eigenvalues  # (n,)
    hyper = tuned_hyperparameters(method, float(lam.max()), float(lam.min()))
    step = _RULES[method]

    def grad(x):
        return quadratic_grad(lam, x)

    x = np.ones_like(lam)  # (n,)
    target = eps * quadratic_value(lam, x)
    state: dict = {}
    for k in range(1, max_steps + 1):
        x, state = step(x, state, grad, **hyper)
        if quadratic_value(lam, x) <= target:
            return k
    raise ValueError(f"max_steps = {max_steps} reached before f(x_k) <= eps·f(x0) with eps = {eps:g} and "
                     f"kappa = {lam.max() / lam.min():g} ({method}); raise max_steps or eps")
