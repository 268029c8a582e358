"""Lab 5's grading table for tests/test_grading.py: each task's solution and plausible wrong answers."""
from __future__ import annotations

import itertools

import numpy as np


def reduction_sample(n_vertices, edges):
    X = np.ones((n_vertices + len(edges), n_vertices), dtype=int)
    for i in range(n_vertices):
        X[i, i] = 0
    for r, (i, j) in enumerate(edges):
        X[n_vertices + r, i] = 0
        X[n_vertices + r, j] = 0
    y = np.array([True] * n_vertices + [False] * len(edges))
    return X, y


def _sample_wrong(n_vertices, edges, *, flip=False, one_zero=False, no_edges=False):
    X, y = reduction_sample(n_vertices, edges)
    if one_zero:
        for r, (i, j) in enumerate(edges):
            X[n_vertices + r, j] = 1
    if no_edges:
        X, y = X[:n_vertices], y[:n_vertices]
    return X, (~y if flip else y)


def dnf_terms(n_vertices, coloring, k):
    return [[j + 1 for j in range(n_vertices) if coloring[j] != c] for c in range(k)]


def learn_kcnf_clauses(X, y, k):
    n = X.shape[1]
    clauses = []
    for s in range(1, k + 1):
        for variables in itertools.combinations(range(n), s):
            for signs in itertools.product((1, -1), repeat=s):
                clause = [sign * (v + 1) for v, sign in zip(variables, signs)]
                if all(any(x[abs(l) - 1] == (l > 0) for l in clause) for x, label in zip(X, y) if label):
                    clauses.append(clause)
    return clauses


def _kcnf_wrong(X, y, k, *, negatives=False, exact=False):
    n = X.shape[1]
    keep = []
    for s in range(k if exact else 1, k + 1):
        for variables in itertools.combinations(range(n), s):
            for signs in itertools.product((1, -1), repeat=s):
                clause = [sign * (v + 1) for v, sign in zip(variables, signs)]
                rows = [x for x, label in zip(X, y) if label != negatives]
                if all(any(x[abs(l) - 1] == (l > 0) for l in clause) for x in rows):
                    keep.append(clause)
    return keep


def dnf_predict(terms, X):
    out = np.zeros(len(X), dtype=bool)
    for term in terms:
        ok = np.ones(len(X), dtype=bool)
        for lit in term:
            ok &= (X[:, abs(lit) - 1] == 1) if lit > 0 else (X[:, abs(lit) - 1] == 0)
        out |= ok
    return out


def _predict_wrong(terms, X, *, abs_lits=False, swap=False):
    out = np.ones(len(X), dtype=bool) if swap else np.zeros(len(X), dtype=bool)
    for term in terms:
        ok = np.zeros(len(X), dtype=bool) if swap else np.ones(len(X), dtype=bool)
        for lit in term:
            val = (X[:, abs(lit) - 1] == 1) if (lit > 0 or abs_lits) else (X[:, abs(lit) - 1] == 0)
            ok = (ok | val) if swap else (ok & val)
        out = (out & ok) if swap else (out | ok)
    return out


def _predict_empty_false(terms, X):
    return np.array([any(bool(t) and all(x[abs(v) - 1] == (v > 0) for v in t) for t in terms) for x in X])


SUBMISSIONS = {
    "5.1": ((reduction_sample,), [
        ((lambda n, e: _sample_wrong(n, e, flip=True),), ["labels are swapped"]),
        ((lambda n, e: _sample_wrong(n, e, one_zero=True),), ["both x_i = 0 and x_j = 0"]),
        ((lambda n, e: _sample_wrong(n, e, no_edges=True),), ["negative examples are missing"]),
        ((lambda n, e: reduction_sample(n, e)[0],), ["return a pair (X, y)"]),
    ]),
    "5.2": ((dnf_terms,), [
        ((lambda n, c, k: [[j + 1 for j in range(n) if c[j] == col] for col in range(k)],), ["*not* of colour c"]),
        ((lambda n, c, k: [[j for j in range(n) if c[j] != col] for col in range(k)],), ["1-based"]),
        ((lambda n, c, k: [[j + 1 for j in range(n) if c[j] != col] for col in sorted(set(c))],),
         ["even for a colour no vertex has"]),
    ]),
    "5.3": ((learn_kcnf_clauses,), [
        ((lambda X, y, k: _kcnf_wrong(X, y, k, negatives=True),), ["*positive* example"]),
        ((lambda X, y, k: _kcnf_wrong(X, y, k, exact=True),), ["fewer than k literals"]),
        ((lambda X, y, k: [],), ["no clause at all"]),
    ]),
    "5.4": ((dnf_predict,), [
        ((lambda t, X: _predict_wrong(t, X, abs_lits=True),), ["¬x_j"]),
        ((lambda t, X: _predict_wrong(t, X, swap=True),), ["swapped"]),
        ((_predict_empty_false,), ["empty term is true"]),
    ]),
}
DIAGNOSE_ONLY: set[str] = set()
