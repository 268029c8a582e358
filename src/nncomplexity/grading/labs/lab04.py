"""Lab 4, gradient descent: steps to accuracy for GD and Nesterov, the κ exponent, the noise scale,
the critical batch size.

References (the grader's own process): ``optim.steps.steps_to_accuracy``, ``measure.fit.fit_power_law``,
``optim.noise.simple_noise_scale``, and an ordinary least-squares fit of S = a + c/B written here.
"""
from __future__ import annotations

import math

import numpy as np

from ..answers import Array, Count, Real, rel_close
from ..core import Case, Mistake, Task
from ._common import NUMPY

LAB, TITLE = "lab04", "Lab 4: Gradient descent"
MAX_STEPS = 20_000  # the grader's own simulations of a mistake stop here (a mistake may never converge)


# =========================================================================== Tasks 4.1 and 4.2
def _steps(eig, eps, method):
    from ...optim.steps import steps_to_accuracy

    return steps_to_accuracy(np.asarray(eig, dtype=float), eps, method)


def _simulate(eig, eps, *, momentum="none", beta_of=math.sqrt, absolute=False, norm=False, lr=None):
    """Count steps with one typical mistake switched on; None if it does not reach ε within MAX_STEPS."""
    lam = np.asarray(eig, dtype=float)
    L, mu = lam.max(), lam.min()
    r = beta_of(L / mu)
    beta = (r - 1) / (r + 1)
    eta = 1 / L if lr is None else lr(L, mu)
    x = x_prev = np.ones_like(lam)

    def size(v):
        return float(v @ v) if norm else float(0.5 * lam @ (v * v))

    goal = eps if absolute else eps * size(x)
    if eps >= 1 and not absolute:
        return 0
    for k in range(1, MAX_STEPS + 1):
        if momentum == "nesterov":
            y = x + beta * (x - x_prev)
            x, x_prev = y - eta * lam * y, x
        elif momentum == "at_x":  # the look-ahead dropped: gradient taken at x, momentum added after
            x, x_prev = x - eta * lam * x + beta * (x - x_prev), x
        else:
            x = x - eta * lam * x
        if size(x) <= goal:
            return k
    return None


def _spectrum_cases(rng):
    specs = [([1.0, 0.5, 0.1], 1e-3), ([2.0, 2.0], 0.5), ([1.0, 0.01], 1e-4), ([3.0, 1.0, 0.3, 0.03], 1e-6),
             ([1.0, 0.2], 1.0), ([0.5], 1e-2)]
    lam = np.sort(rng.uniform(0.002, 1.0, size=12))
    specs += [(lam.tolist(), 1e-5), (np.geomspace(1e-3, 1, 30).tolist(), 1e-8)]
    out = []
    for eig, eps in specs:
        kappa = max(eig) / min(eig)
        out.append(Case((np.array(eig), eps), f"for eigenvalues {np.round(eig, 4).tolist() if len(eig) <= 5 else f'({len(eig)} of them, κ = {kappa:.0f})'} and eps = {eps:g}",
                        facts={"kappa": f"{kappa:.3g}"}))
    return out


def _plus_one(method):
    return lambda eig, eps: None if eps >= 1 else _steps(eig, eps, method) + 1


def _minus_one(method):
    return lambda eig, eps: None if eps >= 1 else _steps(eig, eps, method) - 1


OFF_BY_ONE = ("off by one: count the updates. k = 0 is x₀ itself; the answer is the first k ≥ 0 with "
              "f(x_k) ≤ ε·f(x₀), so 0 when ε ≥ 1")


# =========================================================================== Task 4.3
def _fit_cases(rng):
    cases = []
    for p, c, noise in ((1.0, 0.5, 0.05), (0.5, 3.0, 0.05), (0.87, 1.2, 0.1), (2.0, 0.01, 0.0)):
        kappas = np.geomspace(10, 1e4, int(rng.integers(5, 9)))
        steps = c * kappas ** p * np.exp(rng.normal(0, noise, kappas.size))
        cases.append(Case((kappas, steps), f"for {kappas.size} points with exponent near {p:g}"))
    return cases


def _ref_fit(kappas, steps):
    from ...measure.fit import fit_power_law

    return fit_power_law(kappas, steps).value


# =========================================================================== Task 4.4
def _noise_cases(rng):
    cases = []
    for m, n, scale in ((6, 3, 1.0), (10, 5, 0.5), (40, 8, 2.0), (200, 20, 3.0), (3, 2, 0.3)):
        G = rng.normal(0, 1, n)
        g = G + scale * rng.standard_normal((m, n))
        if float(g.mean(0) @ g.mean(0)) - g.var(0, ddof=1).sum() / m <= 0:  # keep the signal measurable
            g = g + 3 * G
        cases.append(Case((g,), f"for per-example gradients of shape ({m}, {n})", facts={"m": m, "n": n}))
    return cases


def _ref_noise(g):
    from ...optim.noise import simple_noise_scale

    return simple_noise_scale(g)


def _noise_variant(g, *, ddof=1, correct=True, mean_var=False):
    m = g.shape[0]
    mean = g.mean(axis=0)
    trace = g.var(axis=0, ddof=ddof).sum() / (g.shape[1] if mean_var else 1)
    signal = float(mean @ mean) - (trace / m if correct else 0.0)
    return trace / signal


# =========================================================================== Task 4.5
def _batch_cases(rng):
    cases = []
    for s_min, b_crit in ((20.0, 100.0), (5.0, 8.0), (100.0, 1000.0), (14.0, 98.0)):
        B = np.array([8, 16, 32, 64, 128, 256, 512], dtype=float)
        S = s_min * (1 + b_crit / B) * np.exp(rng.normal(0, 0.03, B.size))
        cases.append(Case((B, S), f"for steps measured at batch sizes {B.astype(int).tolist()} (S_min ≈ {s_min:g}, "
                                  f"B_crit ≈ {b_crit:g})"))
    return cases


def _ols(x, S):
    A = np.column_stack([np.ones_like(x), x])  # (b, 2)
    return np.linalg.lstsq(A, S, rcond=None)[0]  # (a, c)


def _ref_batch(B, S):
    a, c = _ols(1.0 / np.asarray(B, float), np.asarray(S, float))
    return np.array([a, c / a])


TASKS = [
    Task("4.1", "count gradient descent's steps to accuracy ε", 2, ("gd_steps",),
         "gd_steps(eigenvalues, eps) against the library's steps_to_accuracy(..., 'gd') on 8 quadratics (κ from 1 "
         "to 1000, ε from 1 to 1e-8, one eigenvalue, equal eigenvalues); diagnoses off by one, an absolute "
         "threshold, ‖x‖² instead of f, the step 1/mean instead of 1/L", cases=_spectrum_cases,
         reference=lambda eig, eps: _steps(eig, eps, "gd"), answer=Count("your step count"), helpers=NUMPY,
         mistakes=(
             Mistake("you stopped at f(x_k) ≤ ε; the target is relative: f(x_k) ≤ ε·f(x₀)",
                     lambda eig, eps: _simulate(eig, eps, absolute=True)),
             Mistake("you measured ‖x_k‖² ≤ ε‖x₀‖²; the target is about f(x_k) = ½ Σ λᵢ xᵢ², which weighs each "
                     "coordinate by its eigenvalue", lambda eig, eps: _simulate(eig, eps, norm=True)),
             Mistake("the step must be 1/L with L = max λ (the largest curvature), not 1/mean(λ) or 1/μ",
                     lambda eig, eps: _simulate(eig, eps, lr=lambda L, mu: 1 / float(np.mean(eig)))),
             Mistake(OFF_BY_ONE, _plus_one("gd")),
             Mistake(OFF_BY_ONE, _minus_one("gd")),
         ),
         passed="matches steps_to_accuracy on {n} quadratics, κ up to 1000 and ε down to 1e-8"),
    Task("4.2", "count Nesterov's steps to accuracy ε", 2, ("nesterov_steps",),
         "nesterov_steps(eigenvalues, eps) against steps_to_accuracy(..., 'nesterov') on the same 8 quadratics; "
         "diagnoses the gradient taken at x instead of the look-ahead y, β from κ instead of √κ, no momentum "
         "(gradient descent's count), off by one", cases=_spectrum_cases,
         reference=lambda eig, eps: _steps(eig, eps, "nesterov"), answer=Count("your step count"), helpers=NUMPY,
         mistakes=(
             Mistake("that is gradient descent's count: Nesterov adds the momentum y = x_k + β(x_k − x_{{k−1}}) and "
                     "steps from y", lambda eig, eps: _steps(eig, eps, "gd")),
             Mistake("you took the gradient at x_k and added the momentum afterwards (the heavy ball's order); "
                     "Nesterov takes it at the look-ahead point y_k = x_k + β(x_k − x_{{k−1}})",
                     lambda eig, eps: _simulate(eig, eps, momentum="at_x")),
             Mistake("β = (√κ − 1)/(√κ + 1), with the square root of κ = {kappa}; you used κ itself",
                     lambda eig, eps: _simulate(eig, eps, momentum="nesterov", beta_of=lambda k: k)),
             Mistake(OFF_BY_ONE, _plus_one("nesterov")),
             Mistake(OFF_BY_ONE, _minus_one("nesterov")),
         ),
         passed="matches steps_to_accuracy on {n} quadratics"),
    Task("4.3", "fit the exponent of steps against κ", 1, ("fit_exponent",),
         "fit_exponent(kappas, steps) against fit_power_law's exponent (least squares of log steps on log κ) on 4 "
         "data sets with noise; diagnoses the regression turned around, no logs, one log, the two end points only",
         cases=_fit_cases, reference=_ref_fit, answer=Real("your exponent", rtol=1e-6), helpers=NUMPY,
         mistakes=(
             Mistake("you regressed log κ on log steps (the axes turned around); the exponent is the slope of "
                     "log(steps) against log(κ)", lambda k, s: np.polyfit(np.log(s), np.log(k), 1)[0]),
             Mistake("you used only the first and last points; fit all of them by least squares",
                     lambda k, s: math.log(s[-1] / s[0]) / math.log(k[-1] / k[0])),
             Mistake("fit on logarithms of both: without logs the slope is steps per unit κ, not an exponent",
                     lambda k, s: np.polyfit(k, s, 1)[0]),
             Mistake("take the logarithm of κ too: a power law is a straight line on log-log axes",
                     lambda k, s: np.polyfit(k, np.log(s), 1)[0]),
             Mistake("take the logarithm of the steps too: a power law is a straight line on log-log axes",
                     lambda k, s: np.polyfit(np.log(k), s, 1)[0]),
         ),
         passed="matches the least-squares exponent on {n} data sets"),
    Task("4.4", "estimate the gradient noise scale", 2, ("noise_scale",),
         "noise_scale(per_example_grads) against simple_noise_scale on 5 arrays (m from 3 to 200 examples); "
         "diagnoses ‖G‖² left uncorrected for the noise in the mean, ddof = 0, the mean variance instead of the "
         "trace, the ratio upside down", cases=_noise_cases, reference=_ref_noise,
         answer=Real("your B_simple", rtol=1e-9), helpers=NUMPY,
         mistakes=(
             Mistake("the squared norm of the mean gradient is biased upwards by tr(Σ)/m; subtract it "
                     "(‖Ḡ‖² − tr(Σ)/m)", lambda g: _noise_variant(g, correct=False)),
             Mistake("use the unbiased sample variance (ddof=1): with m = {m} examples the difference is a "
                     "factor (m − 1)/m", lambda g: _noise_variant(g, ddof=0)),
             Mistake("tr(Σ) is the SUM of the {n} coordinates' variances, not their mean",
                     lambda g: _noise_variant(g, mean_var=True)),
             Mistake("upside down: B_simple = tr(Σ) / ‖G‖², noise over signal",
                     when=lambda got, want, g: rel_close(got, 1 / want, 1e-6)),
         ),
         passed="matches simple_noise_scale on {n} arrays, including m = 3"),
    Task("4.5", "fit the critical batch size", 2, ("critical_batch",),
         "critical_batch(batch_sizes, steps) → (S_min, B_crit) against an ordinary least-squares fit of "
         "S = a + c/B (S_min = a, B_crit = c/a) on 4 data sets; diagnoses c returned for B_crit, a fit against B "
         "instead of 1/B, the two constants swapped", cases=_batch_cases, reference=_ref_batch,
         answer=Array("your (S_min, B_crit)", rtol=1e-6, atol=1e-9, wrong="wrong (S_min, B_crit)"), helpers=NUMPY,
         mistakes=(
             Mistake("B_crit = c / S_min: the fit S = a + c/B gives c = S_min·B_crit",
                     lambda B, S: _ols(1.0 / np.asarray(B, float), np.asarray(S, float))),
             Mistake("the model is linear in 1/B, not in B: regress S on 1/B",
                     lambda B, S: (lambda a, c: np.array([a, c / a]))(*_ols(np.asarray(B, float), np.asarray(S, float)))),
             Mistake("the two are swapped: return (S_min, B_crit) in that order",
                     lambda B, S: _ref_batch(B, S)[::-1]),
         ),
         passed="matches the least-squares fit on {n} data sets"),
    Task("4.6", "explain what the number of steps depends on", 0, (),
         "free-text answer, read by the instructor: not auto-graded", kind="manual"),
]
