"""The proper learners (SAT and backtracking) decide exactly; the k-CNF learner is always consistent."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.learning import (CNF, DNF, candidate_clauses, coloring_sample, find_coloring,
                                   find_consistent_dnf, kcnf_clause_count, learn_kcnf, random_dnf, random_graph)
from nncomplexity.learning.hypotheses import read_sample


def all_inputs(n):
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8)


def brute_dnf_exists(X, y, k):
    """Every k-tuple of terms (each literal in, out, or negated in): the reference for tiny n."""
    n = X.shape[1]
    terms = [[(i + 1) * s for i, s in enumerate(signs) if s] for signs in itertools.product((0, 1, -1), repeat=n)]
    terms.append([1, -1])  # x ∧ ¬x: the term that is always false
    return any(np.array_equal(DNF(list(ts), n).predict(X), y) for ts in itertools.combinations_with_replacement(terms, k))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), m=st.integers(1, 8), k=st.integers(1, 2), seed=st.integers(0, 10**6))
def test_both_methods_decide_exactly(n, m, k, seed):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 2, size=(m, n))
    y = rng.random(m) < 0.5
    keep = np.unique(X, axis=0, return_index=True)[1]  # a row labelled both ways is never consistent
    X, y = X[keep], y[keep]
    truth = brute_dnf_exists(X, y, k)
    for method in ("sat", "search"):
        h = find_consistent_dnf(X, y, k, method=method)
        assert (h is not None) == truth, method
        if h is not None:
            assert len(h.terms) == k and np.array_equal(h.predict(X), y)
            assert all(isinstance(lit, int) and lit != 0 and abs(lit) <= n for t in h.terms for lit in t)


@pytest.mark.parametrize("seed", range(12))
def test_proper_learners_agree_with_colouring_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 12))
    edges = random_graph(n, 4.6, rng)
    X, y = coloring_sample(n, edges)
    colourable = find_coloring(n, edges, 3) is not None
    for method in ("sat", "search"):
        stats = {}
        h = find_consistent_dnf(X, y, 3, method=method, stats=stats)
        assert (h is not None) == colourable
        assert stats and all(v >= 0 for v in stats.values())


def test_the_budget_stops_the_search():
    rng = np.random.default_rng(0)
    X, y = coloring_sample(60, random_graph(60, 4.6, rng))
    with pytest.raises(TimeoutError, match="budget_s"):
        find_consistent_dnf(X, y, 3, method="search", budget_s=0.05)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 8), k=st.integers(1, 3), size=st.integers(0, 3), m=st.integers(1, 60),
       seed=st.integers(0, 10**6))
def test_kcnf_learner_is_consistent_with_any_k_term_dnf(n, k, size, m, seed):
    rng = np.random.default_rng(seed)
    target = random_dnf(n, k, min(size, n), rng)
    X = rng.integers(0, 2, size=(m, n))
    h = learn_kcnf(X, target.predict(X), k)
    assert isinstance(h, CNF) and np.array_equal(h.predict(X), target.predict(X))


def test_kcnf_learner_implies_the_target_everywhere():
    """The learned CNF is the most specific: wherever it says yes, the target does (on all 2^n inputs)."""
    rng = np.random.default_rng(5)
    target = random_dnf(6, 3, 2, rng)
    X = rng.integers(0, 2, size=(40, 6))
    h = learn_kcnf(X, target.predict(X), 3)
    every = all_inputs(6)
    assert not np.any(h.predict(every) & ~target.predict(every))


def test_kcnf_learner_fits_every_colouring_sample():
    """Improper escape: the edges' clauses (x_i ∨ x_j) fit the sample whether or not the graph is 3-colourable."""
    k4 = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    X, y = coloring_sample(4, k4)
    assert find_consistent_dnf(X, y, 3) is None
    assert np.array_equal(learn_kcnf(X, y, 2).predict(X), y)


@pytest.mark.parametrize("n, k", [(1, 1), (1, 3), (3, 2), (5, 3), (7, 1), (6, 4)])
def test_candidate_clauses_are_every_clause_once(n, k):
    cols = candidate_clauses(n, k)
    assert len(cols) == kcnf_clause_count(n, k)
    clauses = {frozenset(int(c) for c in row if c < 2 * n) for row in cols}
    assert len(clauses) == len(cols)
    expect = sum(1 for s in range(1, min(k, n) + 1) for _ in itertools.combinations(range(n), s)) 
    assert len({frozenset(int(c) % n for c in cl) for cl in clauses}) == expect  # variable sets
    assert all(len({c % n for c in cl}) == len(cl) for cl in clauses)  # no variable twice


def test_cnf_clauses_read_back_in_dimacs():
    h = CNF(np.array([[0, 5], [4, 6]]), 3)  # (x0 ∨ ¬x2), (¬x1)
    assert h.clauses == [[1, -3], [-2]]
    assert h.predict(np.array([[1, 0, 1], [0, 0, 1], [0, 1, 0]])).tolist() == [True, False, False]


def test_too_many_clauses_are_refused():
    with pytest.raises(ValueError, match="MAX_CLAUSES"):
        candidate_clauses(400, 4)


@pytest.mark.parametrize("X, y, error, words", [
    ([[0, 2]], [True], ValueError, "X must hold only 0 and 1"),
    ([0, 1], [True, False], ValueError, "X must be 2-dimensional"),
    ([["a"]], [True], TypeError, "X"),
    ([[0, 1]], [True, False], ValueError, "y must have shape"),
    ([[0, 1]], [2], ValueError, "y must hold only"),
    ([[0, 1]], "1", TypeError, "y"),
    (5, [True], TypeError, "X"),
])
def test_bad_samples_are_refused_by_name(X, y, error, words):
    with pytest.raises(error, match=words):
        read_sample(X, y)
    with pytest.raises(error, match=words):
        learn_kcnf(X, y, 2)
