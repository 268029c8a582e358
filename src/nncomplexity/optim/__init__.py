"""Optimisation: how many steps gradient methods need, measured on quadratics where rates are exact.

One concept per module:

- :mod:`.quadratic`: f(x) = ½ Σ λᵢ xᵢ² with a controlled spectrum (L = max λ, μ = min λ,
  κ = L/μ), its value and gradient, and eigenvalue generators;
- :mod:`.methods`: the update rules (GD, heavy ball, Nesterov, SGD with a step schedule, Adam)
  as small pure functions, and :func:`run_method`, which records the histories of f and ‖∇f‖;
- :mod:`.steps`: :func:`steps_to_accuracy`, the first k with f(x_k) ≤ ε·f(x₀) on a quadratic;
- :mod:`.rates`: the theorems' bounds (Nesterov 2018; Bubeck 2015) as functions.

This package uses NumPy only; it may import ``_validate``, ``cost`` and ``measure``.
Book: chapter 4 (gradient descent).
"""
from .methods import (METHODS, STEP_SCHEDULES, History, adam_step, fista_momenta, gd_step, heavy_ball_step,
                      nesterov_step, run_method, sgd_step)
from .quadratic import eigenvalues_geometric, eigenvalues_random, quadratic_grad, quadratic_value, spectrum
from .rates import (gd_convex_bound, gd_strongly_convex_bound, gd_strongly_convex_steps, heavy_ball_rate,
                    nesterov_convex_bound, nesterov_strongly_convex_bound, nesterov_strongly_convex_steps,
                    nonconvex_grad_bound)
from .steps import STEP_METHODS, steps_to_accuracy, tuned_hyperparameters

__all__ = [
    "METHODS", "STEP_METHODS", "STEP_SCHEDULES", "History", "adam_step", "eigenvalues_geometric",
    "eigenvalues_random", "fista_momenta", "gd_convex_bound", "gd_step", "gd_strongly_convex_bound",
    "gd_strongly_convex_steps", "heavy_ball_rate", "heavy_ball_step", "nesterov_convex_bound", "nesterov_step",
    "nesterov_strongly_convex_bound", "nesterov_strongly_convex_steps", "nonconvex_grad_bound",
    "quadratic_grad", "quadratic_value", "run_method", "sgd_step", "spectrum", "steps_to_accuracy",
    "tuned_hyperparameters",
]
