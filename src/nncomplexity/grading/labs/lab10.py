"""Lab 10, beyond deep learning: fit the expert, count the MLP, find a crossover, check a law symbolically.

References (the grader's own process): least squares with ``numpy.linalg.lstsq`` on data the grader
draws, :func:`nncomplexity.cost.flops.forward_flops`, :func:`nncomplexity.laws.harness.crossover`,
and SymPy's ``simplify`` on formulas the grader writes.
"""
from __future__ import annotations

import numpy as np

from ..answers import Answer, Array, Count, Real
from ..core import Case, CheckFailed, Helpers, Mistake, Task
from ._common import MULTIPLY_ADDS, NUMPY

LAB, TITLE = "lab10", "Lab 10: Beyond deep learning"


# =========================================================================== Task 10.1
def _expert_cases(rng):
    cases = []
    for d, c, p, n, noise in ((1, 1.0, [1.5], 40, 0.01), (3, 0.7, [1.0, 1.0, -2.0], 60, 0.0),
                              (2, 2.0, [0.5, 0.25], 25, 0.02), (1, 3.0, [-0.5], 8, 0.0)):
        X = rng.uniform(0.5, 5.0, size=(n, d))
        y = c * np.prod(X ** np.array(p), axis=1) * (1 + noise * rng.standard_normal(n))
        cases.append(Case((X, y), f"for {n} samples of y = {c}·∏ x_i^p_i with p = {p} and noise {noise}"))
    return cases


def _design(X):
    return np.column_stack([np.ones(len(X)), np.log(np.asarray(X, float))])  # (n, 1 + d)


def _expert_ref(X, y):
    return np.linalg.lstsq(_design(X), np.log(y), rcond=None)[0]


def _no_intercept(X, y):
    return np.concatenate([[0.0], np.linalg.lstsq(np.log(np.asarray(X, float)), np.log(y), rcond=None)[0]])


def _linear(X, y):
    return np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y, rcond=None)[0]


# =========================================================================== Task 10.2
def _mlp_cases(rng):
    nets = [[1, 32, 32, 1], [3, 32, 32, 1], [2, 64, 1], [4, 3], [1, 1, 1], [10, 100, 100, 10]]
    nets += [[int(v) for v in rng.integers(1, 60, size=int(rng.integers(2, 6)))] for _ in range(3)]
    return [Case((w,), f"for widths {w}") for w in nets]


def _forward_ref(widths):
    from ...cost.flops import forward_flops

    return forward_flops(list(widths), 1)


def _macs(w):
    return sum(a * b for a, b in zip(w[:-1], w[1:]))


# =========================================================================== Task 10.3
CURVES = [([16, 64, 256, 1024, 4096], [0.077, 0.075, 0.074, 0.074, 0.074], [0.11, 0.056, 0.028, 0.028, 0.029]),
          ([10, 100, 1000], [0.1, 0.1, 0.1], [1.0, 0.1 * 10 ** -0.5, 0.001]),
          ([8, 16, 32, 64], [0.5, 0.4, 0.35, 0.33], [2.0, 0.9, 0.3, 0.1]),
          ([100, 200, 400, 800, 1600], [0.02, 0.02, 0.02, 0.02, 0.02], [0.5, 0.2, 0.08, 0.03, 0.012])]


def _curve_cases(rng):
    return [Case(c, f"for sizes {c[0]}") for c in CURVES]


def _crossover_ref(sizes, err_a, err_b):
    from ...laws.harness import crossover

    return crossover(sizes, err_a, err_b)


def _first_below(sizes, a, b):
    return float(next(n for n, x, y in zip(sizes, a, b) if y < x))


def _lin_interp(sizes, a, b, *, log_n=False, log_e=False):
    n = np.log(sizes) if log_n else np.asarray(sizes, float)
    gap = (np.log(b) - np.log(a)) if log_e else (np.asarray(b) - np.asarray(a))
    i = int(np.flatnonzero(gap < 0)[0])
    if i == 0:
        return float(sizes[0])
    x = n[i - 1] + gap[i - 1] / (gap[i - 1] - gap[i]) * (n[i] - n[i - 1])
    return float(np.exp(x) if log_n else x)


# =========================================================================== Task 10.4
PAIRS = [("a*sqrt(a)", "a**(3/2)", "Kepler written two ways"),
         ("sqrt(a**3)", "a**(3/2)", "a root of a cube, for a > 0"),
         ("q1*q2/r**2", "q1*q2*r**(-2)", "Coulomb's law"),
         ("q1*q2/r", "q1*q2/r**2", "a wrong power of r"),
         ("a**2", "a", "two formulas that agree at a = 1 only"),
         ("2*pi*sqrt(L/g)", "sqrt(4*pi**2*L/g)", "the small-angle period written two ways"),
         ("(x + 1)**2", "x**2 + 2*x + 1", "a square expanded"),
         ("x**2 + 2*x", "x**2 + 2*x + 1", "a constant term missing")]


def _pair_cases(rng):
    return [Case((c, t), f"for {c!r} against {t!r} ({label})") for c, t, label in PAIRS]


def _positive(expr):
    import sympy as sp

    e = sp.sympify(expr)
    return e.xreplace({s: sp.Symbol(s.name, positive=True) for s in e.free_symbols})


def _same_ref(candidate, truth):
    import sympy as sp

    return bool(sp.simplify(_positive(candidate) - _positive(truth)) == 0)


def _plain_simplify(candidate, truth):
    import sympy as sp

    return bool(sp.simplify(sp.sympify(candidate) - sp.sympify(truth)) == 0)


def _at_one(candidate, truth):
    import sympy as sp

    c, t = sp.sympify(candidate), sp.sympify(truth)
    ones = {s: 1 for s in c.free_symbols | t.free_symbols}
    return bool(abs(float(c.subs(ones)) - float(t.subs(ones))) < 1e-12)


class Verdict(Answer):
    """True or False."""

    what = "your verdict"

    def coerce(self, case, value):
        if not isinstance(value, (bool, np.bool_)):
            raise CheckFailed(f"{self.what} should be True or False {case.on}, got {type(value).__name__} {value!r}")
        return bool(value)


SYMPY = Helpers(allow=("sympy",), says="SymPy (sympify, simplify, Symbol, ...)")


TASKS = [
    Task("10.1", "fit the expert's power law", 2, ("fit_power_law",),
         "fit_power_law(X, y) against least squares of log y on [1, log x] for 4 data sets (1 to 3 variables, noisy "
         "and exact, 8 to 60 samples); diagnoses the intercept left out, log10, c returned for log c, a fit of y on x",
         helpers=NUMPY, answer=Array("your coefficients", rtol=1e-6, atol=1e-9, loose=(1e-6, 1e-9),
                                     wrong="wrong coefficients"),
         cases=_expert_cases, reference=_expert_ref,
         mistakes=(
             Mistake("you left out the intercept: log y = log c + Σ p_i log x_i needs a column of ones in the "
                     "design matrix, and the first coefficient is log c", _no_intercept),
             Mistake("you used log10; use the natural log (np.log) so that c = exp(first coefficient)",
                     lambda X, y: _expert_ref(X, y) / np.array([np.log(10)] + [1.0] * np.shape(X)[1])),
             Mistake("you returned c; the task asks for log c as the first coefficient (c = exp of it)",
                     lambda X, y: np.concatenate([[np.exp(_expert_ref(X, y)[0])], _expert_ref(X, y)[1:]])),
             Mistake("you fitted y on x; a power law is linear only after taking logs of both",
                     _linear),
         ),
         passed="within 1e-6 of the least-squares coefficients on {n} data sets"),
    Task("10.2", "count an MLP's FLOPs per prediction", 2, ("mlp_prediction_flops",),
         "mlp_prediction_flops(widths) against forward_flops(widths, 1), the products only, on 9 networks "
         "(deep, width 1, random); diagnoses multiply-adds, biases folded in, one layer left out",
         helpers=NUMPY, answer=Count("your count"), cases=_mlp_cases, reference=_forward_ref,
         mistakes=(
             Mistake(MULTIPLY_ADDS, _macs),
             Mistake("you counted the bias as an extra input (2·(n_in + 1)·n_out); the book counts the products "
                     "only, 2·n_in·n_out per layer",
                     lambda w: 2 * sum((a + 1) * b for a, b in zip(w[:-1], w[1:]))),
             Mistake("you left out the last layer: a network [n0, ..., nL] has L products",
                     lambda w: 2 * _macs(w[:-1]) if len(w) > 2 else None),
             Mistake("you left out the first layer: a network [n0, ..., nL] has L products",
                     lambda w: 2 * _macs(w[1:]) if len(w) > 2 else None),
         ),
         passed="exact on {n} networks"),
    Task("10.3", "find where a flexible model passes the expert", 2, ("crossover_size",),
         "crossover_size(sizes, err_expert, err_flexible) against log–log interpolation on 4 pairs of curves; "
         "diagnoses the first grid size below, interpolation linear in n or in the error",
         helpers=NUMPY, answer=Real("your crossover size", rtol=1e-6), cases=_curve_cases,
         reference=_crossover_ref,
         mistakes=(
             Mistake("that is the first grid size where the flexible model is better; interpolate between it "
                     "and the size before, on log–log axes", _first_below),
             Mistake("you interpolated linearly in n and in the error; learning curves are straight on log–log "
                     "axes, so interpolate log(error) against log(n)", _lin_interp),
             Mistake("you interpolated in log n but on the errors themselves; use log(error) too",
                     lambda s, a, b: _lin_interp(s, a, b, log_n=True)),
             Mistake("you interpolated log(error) but linearly in n; use log(n) too",
                     lambda s, a, b: _lin_interp(s, a, b, log_e=True)),
         ),
         passed="within 1e-6 of the log–log crossover on {n} pairs of curves"),
    Task("10.4", "check a formula symbolically", 2, ("is_same_law",),
         "is_same_law(candidate, truth) against sympy.simplify of the difference with positive symbols on 8 pairs "
         "(equal, different, equal at one point only, needing a > 0); diagnoses comparing strings, evaluating at "
         "one point, symbols not declared positive",
         helpers=SYMPY, answer=Verdict(), cases=_pair_cases, reference=_same_ref,
         mistakes=(
             Mistake("you compared the strings; the same law can be written many ways. Subtract the two "
                     "expressions and simplify",
                     when=lambda got, want, c, t: want and not got and _plain_simplify(c, t)),
             Mistake("sqrt(a**3) equals a**(3/2) only for a ≥ 0: declare the symbols positive "
                     "(sp.Symbol(name, positive=True)) before simplifying",
                     when=lambda got, want, c, t: want and not got and not _plain_simplify(c, t)),
             Mistake("two formulas that agree at one point need not be equal: a**2 and a agree at a = 1. "
                     "Simplify the difference instead of evaluating it",
                     when=lambda got, want, c, t: got and not want and _at_one(c, t)),
         ),
         passed="right on {n} pairs of formulas"),
    Task("10.5", "when is structure worth it?", 0, (), "free-text answer, read by the instructor: not auto-graded",
         kind="manual"),
]
