"""Lab 10's submissions for tests/test_grading.py: the solution and plausible wrong answers of each task."""
from __future__ import annotations

import numpy as np
import sympy as sp


def fit_power_law(X, y):
    F = np.column_stack([np.ones(len(y)), np.log(X)])  # (n, 1 + d)
    return np.linalg.lstsq(F, np.log(y), rcond=None)[0]


def mlp_prediction_flops(widths):
    return sum(2 * a * b for a, b in zip(widths[:-1], widths[1:]))


def crossover_size(sizes, err_expert, err_flexible):
    n, a, b = np.log(sizes), np.log(err_expert), np.log(err_flexible)
    gap = b - a
    i = int(np.flatnonzero(gap < 0)[0])
    if i == 0:
        return float(sizes[0])
    return float(np.exp(n[i - 1] + gap[i - 1] / (gap[i - 1] - gap[i]) * (n[i] - n[i - 1])))


def is_same_law(candidate, truth):
    c, t = sp.sympify(candidate), sp.sympify(truth)
    pos = {s: sp.Symbol(s.name, positive=True) for s in c.free_symbols | t.free_symbols}
    return sp.simplify(c.xreplace(pos) - t.xreplace(pos)) == 0


def _lin(sizes, a, b):
    gap = np.asarray(b) - np.asarray(a)
    i = int(np.flatnonzero(gap < 0)[0])
    return float(sizes[i - 1] + gap[i - 1] / (gap[i - 1] - gap[i]) * (sizes[i] - sizes[i - 1]))


def _at_one(candidate, truth):
    c, t = sp.sympify(candidate), sp.sympify(truth)
    ones = {s: 1 for s in c.free_symbols | t.free_symbols}
    return abs(float(c.subs(ones)) - float(t.subs(ones))) < 1e-12


SUBMISSIONS = {
    "10.1": ((fit_power_law,), [
        ((lambda X, y: np.concatenate([[0.0], np.linalg.lstsq(np.log(X), np.log(y), rcond=None)[0]]),),
         ["intercept"]),
        ((lambda X, y: np.linalg.lstsq(np.column_stack([np.ones(len(y)), np.log10(X)]), np.log10(y),
                                       rcond=None)[0],), ["log10"]),
        ((lambda X, y: np.linalg.lstsq(np.column_stack([np.ones(len(y)), X]), y, rcond=None)[0],), ["after taking logs"]),
    ]),
    "10.2": ((mlp_prediction_flops,), [
        ((lambda w: sum(a * b for a, b in zip(w[:-1], w[1:])),), ["multiply-adds"]),
        ((lambda w: sum(2 * (a + 1) * b for a, b in zip(w[:-1], w[1:])),), ["bias"]),
        ((lambda w: sum(2 * a * b for a, b in zip(w[:-2], w[1:-1])),), ["last layer"]),
    ]),
    "10.3": ((crossover_size,), [
        ((lambda s, a, b: float(next(n for n, x, y in zip(s, a, b) if y < x)),), ["first grid size"]),
        ((_lin,), ["linearly in n and in the error"]),
    ]),
    "10.4": ((is_same_law,), [
        ((lambda c, t: c.replace(" ", "") == t.replace(" ", ""),), ["compared the strings"]),
        ((lambda c, t: sp.simplify(sp.sympify(c) - sp.sympify(t)) == 0,), ["positive"]),
        ((_at_one,), ["agree at one point"]),
    ]),
}
