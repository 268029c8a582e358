"""Pitt & Valiant's reduction, both ways, checked against an independent colouring search."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.learning import (DNF, coloring_from_dnf, coloring_sample, dnf_from_coloring, find_coloring,
                                   is_proper_coloring, planted_coloring_graph, random_graph)


def brute_colorable(n, edges, k):
    """Every colouring, no pruning: the reference for find_coloring."""
    return any(all(c[i] != c[j] for i, j in edges) for c in itertools.product(range(k), repeat=n))


def test_sample_rows_are_the_papers_examples():
    X, y = coloring_sample(4, [(0, 1), (2, 3)])
    assert X.shape == (6, 4) and X.dtype == np.int8 and y.dtype == bool
    assert np.array_equal(X[:4], 1 - np.eye(4, dtype=np.int8))  # vertex i: all ones but x_i = 0
    assert X[4].tolist() == [0, 0, 1, 1] and X[5].tolist() == [1, 1, 0, 0]
    assert y.tolist() == [True] * 4 + [False] * 2


def test_triangle_needs_three_colours():
    tri = [(0, 1), (1, 2), (0, 2)]
    assert find_coloring(3, tri, 2) is None
    c = find_coloring(3, tri, 3)
    assert is_proper_coloring(3, tri, c) and sorted(c.tolist()) == [0, 1, 2]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 7), seed=st.integers(0, 10**6), degree=st.floats(0, 6), k=st.integers(1, 3))
def test_colouring_gives_a_consistent_dnf_and_back(n, seed, degree, k):
    edges = random_graph(n, degree, np.random.default_rng(seed))
    X, y = coloring_sample(n, edges)
    c = find_coloring(n, edges, k)
    assert (c is None) == (not brute_colorable(n, edges, k))
    if c is None:
        return
    dnf = dnf_from_coloring(n, c, k)
    assert len(dnf.terms) == k
    assert np.array_equal(dnf.predict(X), y)  # a proper colouring gives a consistent DNF
    back = coloring_from_dnf(dnf, n)
    assert is_proper_coloring(n, edges, back)  # and the DNF gives a proper colouring back


def test_an_improper_colouring_gives_an_inconsistent_dnf():
    X, y = coloring_sample(2, [(0, 1)])
    dnf = dnf_from_coloring(2, np.array([0, 0]), 2)
    assert not np.array_equal(dnf.predict(X), y)


def test_decoding_a_dnf_that_misses_a_vertex_returns_none():
    assert coloring_from_dnf(DNF([[1]], 2), 2) is None  # x_0 fails vertex 0's example


def test_planted_graphs_are_coloured_by_their_plant():
    rng = np.random.default_rng(0)
    for n in (5, 20, 60):
        edges, c = planted_coloring_graph(n, 3, 4.0, rng)
        assert is_proper_coloring(n, edges, c) and c.max() < 3
    edges, _ = planted_coloring_graph(200, 3, 4.0, rng)
    assert 300 < len(edges) < 500  # average degree about 4


def test_random_graph_has_the_asked_density():
    edges = random_graph(300, 4.0, np.random.default_rng(1))
    assert 500 < len(edges) < 700 and all(i < j for i, j in edges)
    assert random_graph(5, 0.0, np.random.default_rng(1)) == []


@pytest.mark.parametrize("edges, error, words", [
    ([(0, 0)], ValueError, "self-loop"),
    ([(0, 3)], ValueError, "out of range"),
    ([(0, -1)], ValueError, "edges"),
    ([(0, 1, 2)], ValueError, "pairs"),
    ([(0, 1.0)], TypeError, "edges"),
    ("01", TypeError, "edges"),
])
def test_bad_graphs_are_refused_by_name(edges, error, words):
    with pytest.raises(error, match=words):
        coloring_sample(3, edges)


def test_bad_colourings_are_refused_by_name():
    with pytest.raises(ValueError, match="coloring"):
        dnf_from_coloring(3, [0, 1], 2)
    with pytest.raises(ValueError, match="k=2"):
        dnf_from_coloring(3, [0, 1, 2], 2)
    with pytest.raises(TypeError, match="coloring"):
        is_proper_coloring(2, [(0, 1)], [0.5, 1.0])
    with pytest.raises(TypeError, match="dnf"):
        coloring_from_dnf([[1]], 2)
