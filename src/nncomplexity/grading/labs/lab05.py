"""Lab 5, proper learning: the Pitt–Valiant sample, a colouring's DNF, k-CNF elimination, DNF evaluation.

References (the grader's own process): ``learning.coloring_sample``, ``learning.dnf_from_coloring``,
``learning.learn_kcnf`` and ``learning.DNF.predict``.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..answers import Answer, Array, as_float_array
from ..core import Case, CheckFailed, Mistake, Task
from ._common import NUMPY

LAB, TITLE = "lab05", "Lab 5: Proper learning"


# =========================================================================== Task 5.1
class Sample(Answer):
    """A labelled sample ``(X, y)``: X (m, n) of 0/1, y (m,) of bools."""

    what = "your sample"

    def coerce(self, case, value):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise CheckFailed(f"return a pair (X, y) {case.on}, got {type(value).__name__}")
        X = as_float_array(value[0], "X", case.on)
        y = as_float_array(value[1], "y", case.on)
        if X.ndim != 2:
            raise CheckFailed(f"X should be 2-dimensional (examples × variables) {case.on}, got shape {X.shape}")
        return X, y

    @staticmethod
    def _norm(v):
        return np.asarray(v[0], dtype=float), np.asarray(v[1], dtype=float)

    def same(self, case, got, want):
        (gx, gy), (wx, wy) = self._norm(got), self._norm(want)
        return gx.shape == wx.shape and gy.shape == wy.shape and np.array_equal(gx, wx) and np.array_equal(gy, wy)

    def head(self, case, got, want):
        return f"wrong sample {case.on}"

    def fallback(self, case, got, want):
        (gx, gy), (wx, wy) = self._norm(got), self._norm(want)
        if gx.shape != wx.shape:
            return f"X has shape {gx.shape} {case.on}; expected {wx.shape}: one row per vertex, then one per edge"
        if not np.array_equal(gx, wx):
            r = int(np.flatnonzero(np.any(gx != wx, axis=1))[0])
            return f"row {r} of X is {gx[r].astype(int).tolist()} {case.on}; expected {wx[r].astype(int).tolist()}"
        return f"y is {gy.astype(int).tolist()} {case.on}; expected {wy.astype(int).tolist()} (True = 1)"


def _sample_ref(n, edges):
    from ...learning import coloring_sample

    return coloring_sample(n, [tuple(e) for e in edges])


def _sample_variant(n, edges, *, flip=False, complement=False, one_zero=False, no_edges=False, edges_first=False):
    X, y = _sample_ref(n, edges)
    if one_zero:
        for r, (i, j) in enumerate(edges, start=n):
            X[r, j] = 1
    if complement:
        X = 1 - X
    if flip:
        y = ~y
    if no_edges:
        X, y = X[:n], y[:n]
    if edges_first:
        X, y = np.concatenate([X[n:], X[:n]]), np.concatenate([y[n:], y[:n]])
    return X, y


def _graph_cases(rng):
    graphs = [(3, [[0, 1], [1, 2], [0, 2]]), (4, [[0, 1], [1, 2], [2, 3]]), (1, []), (5, [[0, 4], [1, 3]])]
    for _ in range(2):
        n = int(rng.integers(4, 8))
        pairs = [[i, j] for i, j in itertools.combinations(range(n), 2) if rng.random() < 0.4] or [[0, 1]]
        graphs.append((n, pairs))
    return [Case((n, e), f"for {n} vertices and edges {e}") for n, e in graphs]


# =========================================================================== Task 5.2
class Terms(Answer):
    """k terms, each a list of DIMACS literals; the order of literals inside a term does not matter."""

    what = "your terms"

    def coerce(self, case, value):
        if not isinstance(value, (list, tuple)) or not all(isinstance(t, (list, tuple)) for t in value):
            raise CheckFailed(f"return a list of k lists of literals {case.on}, got {type(value).__name__}")
        for t in value:
            for lit in t:
                if isinstance(lit, bool) or not isinstance(lit, (int, np.integer)):
                    raise CheckFailed(f"literals are integers (+(j+1) for x_j) {case.on}, got {lit!r}")
        return [sorted(int(v) for v in t) for t in value]

    def same(self, case, got, want):
        return [sorted(t) for t in got] == [sorted(t) for t in want]

    def head(self, case, got, want):
        return f"{self.what} {case.on} are {got}; expected {[sorted(t) for t in want]}"


def _terms_ref(n, coloring, k):
    from ...learning import dnf_from_coloring

    return dnf_from_coloring(n, np.array(coloring), k).terms


def _coloring_cases(rng):
    cases = [(5, [0, 1, 2, 0, 1], 3), (3, [0, 0, 1], 3), (4, [1, 0, 1, 0], 2), (2, [0, 0], 1)]
    n = int(rng.integers(5, 9))
    cases.append((n, [int(c) for c in rng.integers(0, 3, size=n)], 3))
    return [Case(c, f"for n_vertices {c[0]}, coloring {c[1]}, k {c[2]}") for c in cases]


# =========================================================================== Task 5.3
class Clauses(Answer):
    """A k-CNF as a list of clauses (lists of DIMACS literals), compared as a set of sets."""

    what = "your clauses"

    def coerce(self, case, value):
        if not isinstance(value, (list, tuple)) or not all(isinstance(c, (list, tuple)) for c in value):
            raise CheckFailed(f"return a list of clauses, each a list of literals {case.on}, "
                              f"got {type(value).__name__}")
        return value

    @staticmethod
    def _norm(v):
        return {frozenset(int(x) for x in c) for c in v}

    def same(self, case, got, want):
        return self._norm(got) == self._norm(want)

    def context(self, case, got, want):
        g, w = self._norm(got), self._norm(want)
        extra = sorted(sorted(c, key=abs) for c in g - w)[:3]
        missing = sorted(sorted(c, key=abs) for c in w - g)[:3]
        return {"extra": extra, "missing": missing, "n_got": len(g), "n_want": len(w)}

    def head(self, case, got, want):
        ctx = self.context(case, got, want)
        return f"{self.what} {case.on} are {ctx['n_got']} clauses; expected {ctx['n_want']}"

    def fallback(self, case, got, want):
        ctx = self.context(case, got, want)
        return (f"{self.head(case, got, want)}: for example, extra {ctx['extra']}, missing {ctx['missing']}")


def _all_clauses(n, k, tautologies=False, exact=False):
    lits = [v for i in range(1, n + 1) for v in (i, -i)]
    out = []
    for s in range(k if exact else 1, k + 1):
        for c in itertools.combinations(lits, s):
            if tautologies or len({abs(v) for v in c}) == s:
                out.append(list(c))
    return out


def _satisfied(clause, x):
    return any((x[v - 1] == 1) if v > 0 else (x[-v - 1] == 0) for v in clause)


def _kcnf_ref(X, y, k):
    from ...learning import learn_kcnf

    return learn_kcnf(X, y, k).clauses


def _kcnf_variant(X, y, k, *, by_negatives=False, any_positive=False, tautologies=False, exact=False):
    rows = [x for x, label in zip(X, y) if label != by_negatives]
    test = any if any_positive else all
    return [c for c in _all_clauses(X.shape[1], k, tautologies, exact) if test(_satisfied(c, x) for x in rows)]


def _kcnf_cases(rng):
    from ...learning import random_dnf

    cases = []
    for n, k, m in [(4, 2, 8), (3, 1, 6), (5, 2, 12), (4, 3, 10), (6, 3, 16)]:
        target = random_dnf(n, k, min(2, n), rng)
        X = rng.integers(0, 2, size=(m, n)).astype(np.int64)
        cases.append(Case((X, target.predict(X), k), f"for n = {n}, k = {k} and a sample of {m} examples"))
    X = rng.integers(0, 2, size=(4, 3)).astype(np.int64)
    cases.append(Case((X, np.zeros(4, dtype=bool), 2), "for a sample with no positive example, k = 2"))
    return cases


# =========================================================================== Task 5.4
def _predict_ref(terms, X):
    from ...learning import DNF

    return DNF([list(t) for t in terms], X.shape[1]).predict(X)


def _predict_variant(terms, X, *, abs_lits=False, swap=False, empty_false=False):
    lit = lambda x, v: x[abs(v) - 1] == 1 if (abs_lits or v > 0) else x[-v - 1] == 0  # noqa: E731
    inner, outer = (any, all) if swap else (all, any)
    return np.array([outer((inner(lit(x, v) for v in t) if t or not empty_false else False) for t in terms)
                     for x in X], dtype=bool)


def _predict_cases(rng):
    cases = [([[1, -2], [3]], np.array(list(itertools.product((0, 1), repeat=3)))),
             ([[-1], [2, 3]], np.array(list(itertools.product((0, 1), repeat=3)))),
             ([[], [1]], np.array([[0, 1], [1, 0]])),
             ([[1, -1]], np.array([[0], [1]]))]
    for _ in range(2):
        n = int(rng.integers(3, 7))
        terms = [[int(v) * int(rng.choice((-1, 1))) for v in rng.choice(np.arange(1, n + 1), size=2, replace=False)]
                 for _ in range(3)]
        cases.append((terms, rng.integers(0, 2, size=(12, n))))
    return [Case(c, f"for terms {c[0]} on {c[1].shape[0]} inputs of {c[1].shape[1]} variables") for c in cases]


TASKS = [
    Task("5.1", "build the reduction's sample", 2, ("reduction_sample",),
         "reduction_sample(n_vertices, edges) against the library's coloring_sample on 6 graphs (a triangle, a "
         "path, one vertex, random); diagnoses swapped labels, complemented rows, one zero per edge row, missing "
         "edge rows, edges first", cases=_graph_cases, reference=_sample_ref, answer=Sample(), helpers=NUMPY,
         mistakes=(
             Mistake("the labels are swapped: each vertex gives a positive example (True), each edge a negative "
                     "one (False)", lambda n, e: _sample_variant(n, e, flip=True)),
             Mistake("your rows are complemented: a vertex's example is all ones except x_i = 0, an edge's all "
                     "ones except x_i = x_j = 0", lambda n, e: _sample_variant(n, e, complement=True)),
             Mistake("an edge (i, j) sets both x_i = 0 and x_j = 0, not only x_i",
                     lambda n, e: _sample_variant(n, e, one_zero=True)),
             Mistake("the edges' negative examples are missing: one row per edge follows the vertices' rows",
                     lambda n, e: _sample_variant(n, e, no_edges=True)),
             Mistake("the rows are in another order: first the n vertices (row i for vertex i), then the edges in "
                     "the order given", lambda n, e: _sample_variant(n, e, edges_first=True)),
         ),
         passed="equals the reduction's sample on {n} graphs, including one without edges"),
    Task("5.2", "write a colouring as a k-term DNF", 2, ("dnf_terms",),
         "dnf_terms(n_vertices, coloring, k) against dnf_from_coloring on 5 colourings (an unused colour, k = 1, "
         "random); diagnoses the vertices of colour c instead of the others, 0-based or negated literals, "
         "unused colours dropped", cases=_coloring_cases, reference=_terms_ref, answer=Terms(), helpers=NUMPY,
         mistakes=(
             Mistake("term c must hold x_j for the vertices *not* of colour c (its positive examples have their "
                     "zero at a vertex of colour c)",
                     lambda n, c, k: [[j + 1 for j in range(n) if c[j] == col] for col in range(k)]),
             Mistake("literals are 1-based in DIMACS style: x_j is +(j+1), so x_0 is 1",
                     lambda n, c, k: [[j for j in range(n) if c[j] != col] for col in range(k)]),
             Mistake("the terms use un-negated variables: x_j is +(j+1), not -(j+1)",
                     lambda n, c, k: [[-(j + 1) for j in range(n) if c[j] != col] for col in range(k)]),
             Mistake("return k terms, one per colour, even for a colour no vertex has (its term holds every "
                     "variable)", when=lambda got, want, n, c, k: len(got) < k),
         ),
         passed="right on {n} colourings, including an unused colour and k = 1"),
    Task("5.3", "learn a k-CNF by elimination", 3, ("learn_kcnf_clauses",),
         "learn_kcnf_clauses(X, y, k) against the library's learn_kcnf on 6 samples (k = 1 to 3, no positive "
         "example); diagnoses elimination by negatives, keeping a clause one positive satisfies, tautologies, "
         "clauses of exactly k literals only", cases=_kcnf_cases, reference=_kcnf_ref, answer=Clauses(),
         helpers=NUMPY,
         mistakes=(
             Mistake("you returned no clause at all: elimination starts from every clause of 1 … k literals and "
                     "deletes only those that a positive example makes false",
                     when=lambda got, want, X, y, k: len(got) == 0 and len(want) > 0),
             Mistake("you eliminated with the negative examples; a clause is deleted when a *positive* example "
                     "makes it false", lambda X, y, k: _kcnf_variant(X, y, k, by_negatives=True)),
             Mistake("a clause survives only if *every* positive example satisfies it, not just one",
                     lambda X, y, k: _kcnf_variant(X, y, k, any_positive=True)),
             Mistake("your clauses include tautologies such as (x_1 ∨ ¬x_1): use each variable at most once",
                     lambda X, y, k: _kcnf_variant(X, y, k, tautologies=True)),
             Mistake("clauses of fewer than k literals are candidates too (sizes 1 … k)",
                     lambda X, y, k: _kcnf_variant(X, y, k, exact=True)),
         ),
         passed="the same clauses as the library's learner on {n} samples"),
    Task("5.4", "evaluate a DNF", 2, ("dnf_predict",),
         "dnf_predict(terms, X) against DNF.predict on 6 inputs (negated literals, an empty term, x ∧ ¬x); "
         "diagnoses ignored negations, ∧ and ∨ swapped, an empty term taken as false",
         cases=_predict_cases, reference=_predict_ref, helpers=NUMPY,
         answer=Array("your predictions", wrong="wrong predictions"),
         mistakes=(
             Mistake("a negative literal -(j+1) means ¬x_j: true where x_j = 0",
                     lambda t, X: _predict_variant(t, X, abs_lits=True)),
             Mistake("∧ and ∨ are swapped: a term needs all its literals, the DNF any of its terms",
                     lambda t, X: _predict_variant(t, X, swap=True)),
             Mistake("an empty term is true (the conjunction of nothing), so a DNF holding one accepts everything",
                     lambda t, X: _predict_variant(t, X, empty_false=True)),
         ),
         passed="right on {n} inputs, including an empty term and x ∧ ¬x"),
    Task("5.5", "explain the essay's 'contradiction'", 0, (), "free-text answer, read by the instructor: not "
         "auto-graded", kind="manual"),
]
