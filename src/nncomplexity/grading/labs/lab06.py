"""Lab 6, the cost of scale: a doubling time, a data exponent, a compute-optimal split, a run's emissions.

References (the grader's own process): least squares with ``numpy.polyfit`` on plain arrays the
grader draws, :func:`nncomplexity.cost.training.compute_optimal` with a
:class:`~nncomplexity.measure.scaling.ScalingLaw`, and :func:`nncomplexity.scale.energy.energy_kwh`.
"""
from __future__ import annotations

import math

import numpy as np

from ..answers import Array, Real, rel_close
from ..core import Case, Mistake, Task
from ._common import NUMPY

LAB, TITLE = "lab06", "Lab 6: The cost of scale"


# =========================================================================== Task 6.1
def _trend_cases(rng):
    cases = []
    for months, n, noise in ((6.0, 8, 0.5), (20.0, 12, 1.0), (3.4, 5, 0.0), (12.0, 30, 2.0)):
        years = np.sort(rng.uniform(1990, 2024, size=n)).round(1)
        years[0], years[-1] = years[0] - 1, years[-1] + 1  # two distinct end points
        log2 = 40 + 12 / months * (years - 2000) + rng.normal(0, noise, n)
        cases.append(Case((years, 2.0 ** log2), f"for {n} models with a true doubling time of {months} months"))
    return cases


def _slope(x, y):
    return float(np.polyfit(np.asarray(x, float), np.asarray(y, float), 1)[0])


def _doubling(years, flops):
    return 12 / _slope(years, np.log2(flops))


# =========================================================================== Task 6.2
def _exponent_cases(rng):
    cases = []
    for beta, E, noise in ((0.45, 0.2, 0.02), (0.3, 1.69, 0.01), (0.8, 0.05, 0.05), (0.35, 0.0, 0.0)):
        D = np.geomspace(1e3, 1e7, 9) * rng.uniform(0.9, 1.1, 9)
        L = E + 50.0 * D ** -beta * np.exp(rng.normal(0, noise, 9))
        cases.append(Case((D, L, E), f"for 9 runs with β = {beta} and E = {E}"))
    return cases


def _beta(D, L, E):
    return -_slope(np.log(D), np.log(np.asarray(L) - E))


# =========================================================================== Task 6.3
SPLITS = [(1e20, 406.4, 410.7, 0.34, 0.28), (1e24, 406.4, 410.7, 0.34, 0.28), (3.3e7, 4.6, 19.2, 0.5, 0.45),
          (1e12, 10.0, 10.0, 0.5, 0.5), (5e15, 100.0, 20.0, 0.2, 0.6)]


def _split_cases(rng):
    return [Case(c, f"for C = {c[0]:g}, A = {c[1]}, B = {c[2]}, α = {c[3]}, β = {c[4]}") for c in SPLITS]


def _split(C, A, B, alpha, beta, *, six=6.0, swap=False, invert=False):
    g = (alpha * A / (beta * B)) ** ((-1 if invert else 1) / (alpha + beta))
    a = (alpha if swap else beta) / (alpha + beta)
    n = g * (C / six) ** a
    return np.array([n, C / six / n])


def _split_ref(C, A, B, alpha, beta):
    from ...cost.training import compute_optimal
    from ...measure.scaling import ScalingLaw

    return np.array(compute_optimal(C, ScalingLaw(0.0, A, B, alpha, beta)))


# =========================================================================== Task 6.4
RUNS = [(8, 250.0, 1000.0, 84.0, 1.58, 0.433), (64, 400.0, 6000.0, 504.0, 1.1, 0.05),
        (1, 300.0, 0.0, 24.0, 1.0, 0.9), (512, 300.0, 40000.0, 720.0, 1.2, 0.2)]


def _run_cases(rng):
    return [Case(r, f"for {r[0]} GPUs at {r[1]:g} W, hosts {r[2]:g} W, {r[3]:g} h, PUE {r[4]}, {r[5]} kg/kWh",
                 facts={"pue": r[4]}) for r in RUNS]


def _emissions(gpus, gpu_w, host_w, hours, pue, kg_per_kwh):
    from ...scale.energy import energy_kwh

    return energy_kwh(gpus * gpu_w + host_w, hours, pue) * kg_per_kwh


TASKS = [
    Task("6.1", "fit the doubling time of training compute", 2, ("doubling_time_months",),
         "doubling_time_months(years, flops) against 12 / (least-squares slope of log2 FLOPs on years) for 4 "
         "trends (noisy, exact, 5 to 30 models); diagnoses log10 or ln instead of log2, years instead of months, "
         "the slope returned instead of the time, the two end points instead of a fit",
         helpers=NUMPY, answer=Real("your doubling time", " months", rtol=1e-6), cases=_trend_cases,
         reference=_doubling,
         mistakes=(
             Mistake("you fitted log10 of the FLOPs: a slope in decades per year. One doubling is log10(2) decades, "
                     "so take log2 (or divide the slope by log10(2))",
                     lambda y, f: _doubling(y, f) / math.log10(2)),
             Mistake("you fitted the natural log of the FLOPs: a slope in e-foldings per year; use log2, whose unit "
                     "is one doubling", lambda y, f: _doubling(y, f) / math.log(2)),
             Mistake("that is in years; the task asks for months (12 / slope)",
                     lambda y, f: _doubling(y, f) / 12),
             Mistake("that is the slope, doublings per year; the doubling time is its inverse, in months",
                     lambda y, f: _slope(y, np.log2(f))),
             Mistake("you used the first and last model only; fit a least-squares line through every point "
                     "(np.polyfit(years, np.log2(flops), 1))",
                     lambda y, f: 12 * (y[-1] - y[0]) / (np.log2(f[-1]) - np.log2(f[0]))),
         ),
         passed="within 1e-6 of the least-squares doubling time on {n} trends"),
    Task("6.2", "fit the data exponent of a scaling law", 2, ("data_exponent",),
         "data_exponent(D, L, E) against minus the least-squares slope of log(L − E) on log D for 4 sets of runs "
         "(noisy and exact, E = 0 to 1.69); diagnoses E ignored, the sign, a semi-log fit, the end points only",
         helpers=NUMPY, answer=Real("your β", rtol=1e-6), cases=_exponent_cases, reference=_beta,
         mistakes=(
             Mistake("you fitted log L; the power law is in the reducible part, L − E. Subtract E first",
                     when=lambda got, want, D, L, E: E > 0 and rel_close(got, -_slope(np.log(D), np.log(L)), 1e-6)),
             Mistake("β is positive: the loss falls as D^(−β), so β is minus the slope",
                     when=lambda got, want, D, L, E: rel_close(got, -want, 1e-6)),
             Mistake("you fitted against D itself; a power law is a straight line on log–log axes (log D)",
                     when=lambda got, want, D, L, E: rel_close(abs(got), abs(_slope(D, np.log(L - E))), 1e-6)),
             Mistake("you used the first and last run only; fit a least-squares line through every run",
                     when=lambda got, want, D, L, E: rel_close(
                         got, -(np.log(L[-1] - E) - np.log(L[0] - E)) / (np.log(D[-1]) - np.log(D[0])), 1e-6)),
         ),
         passed="within 1e-6 of the least-squares exponent on {n} sets of runs"),
    Task("6.3", "split a compute budget between parameters and data", 2, ("optimal_split",),
         "optimal_split(C, A, B, alpha, beta) against compute_optimal on 5 budgets (Hoffmann et al.'s constants, "
         "this chapter's, α = β, α < β); diagnoses N·D = C without the 6, the exponents swapped, G inverted, an "
         "equal split", helpers=NUMPY, answer=Array("your (N, D)", rtol=1e-6, loose=(1e-6, 0.0), wrong="wrong split"),
         cases=_split_cases, reference=_split_ref,
         mistakes=(
             Mistake("you used N·D = C; the constraint is 6·N·D = C (6 FLOPs per parameter per example)",
                     lambda C, A, B, a, b: _split(C, A, B, a, b, six=1.0)),
             Mistake("the exponents are swapped: N_opt grows as C^(β/(α+β)), the data as C^(α/(α+β))",
                     lambda C, A, B, a, b: _split(C, A, B, a, b, swap=True)),
             Mistake("G is inverted: setting dL/dN = 0 gives α·A/N^α = β·B/D^β, so G = (α·A/(β·B))^(1/(α+β))",
                     lambda C, A, B, a, b: _split(C, A, B, a, b, invert=True)),
             Mistake("N = D = √(C/6) is optimal only by accident; minimise A/N^α + B/D^β on the constraint",
                     lambda C, A, B, a, b: np.array([math.sqrt(C / 6)] * 2)),
         ),
         passed="within 1e-6 of the compute-optimal split on {n} budgets, and 6·N·D = C"),
    Task("6.4", "estimate a run's energy and emissions", 2, ("run_emissions_kg",),
         "run_emissions_kg(gpus, gpu_watts, host_watts, hours, pue, kg_per_kwh) against energy_kwh × intensity on "
         "4 runs; diagnoses watts not converted to kW, PUE left out or divided, hosts left out, one GPU counted",
         helpers=NUMPY, answer=Real("your emissions", " kg", rtol=1e-9), cases=_run_cases, reference=_emissions,
         mistakes=(
             Mistake("you forgot to divide the watts by 1000: energy in kWh is kW × h",
                     lambda g, w, h, t, p, i: 1000 * _emissions(g, w, h, t, p, i)),
             Mistake("you left out the PUE ({pue}): the facility draws PUE times what the hardware draws",
                     lambda g, w, h, t, p, i: _emissions(g, w, h, t, p, i) / p),
             Mistake("you divided by the PUE; the facility draws *more* than the IT equipment, so multiply",
                     lambda g, w, h, t, p, i: _emissions(g, w, h, t, p, i) / p ** 2),
             Mistake("you left out the hosts' power (CPUs, memory: Strubell's p_c + p_r)",
                     lambda g, w, h, t, p, i: _emissions(g, w, 0.0, t, p, i)),
             Mistake("you counted one GPU; multiply the GPU power by the number of GPUs",
                     lambda g, w, h, t, p, i: _emissions(1, w, h, t, p, i)),
         ),
         passed="correct on {n} runs, from one GPU for a day to 512 GPUs for a month"),
    Task("6.5", "power law or exponential?", 0, (), "free-text answer, read by the instructor: not auto-graded",
         kind="manual"),
]
