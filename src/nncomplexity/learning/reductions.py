"""Pitt & Valiant's reduction: a graph is k-colourable iff a k-term DNF fits its sample.

For a graph on vertices 0 … n−1, :func:`coloring_sample` makes one 0/1 variable per vertex and

- for each vertex i a **positive** example: all ones except x_i = 0;
- for each edge (i, j) a **negative** example: all ones except x_i = x_j = 0.

A k-colouring gives a consistent k-term DNF (:func:`dnf_from_coloring`: term T_c is the
conjunction of x_j over the vertices j *not* of colour c), and a consistent k-term DNF gives a
k-colouring (:func:`coloring_from_dnf`: colour i by a term its positive example satisfies). So
deciding whether a consistent k-term DNF exists is as hard as k-colouring, NP-complete for
k ≥ 3 (and the reduction carries over to k = 2 in Pitt & Valiant's paper by another route).
"""
from __future__ import annotations

import numpy as np

from .._validate import Int, validate_params
from .hypotheses import DNF, read_zero_one

__all__ = ["read_edges", "coloring_from_dnf", "coloring_sample", "dnf_from_coloring", "find_coloring",
           "is_proper_coloring"]


def read_edges(n_vertices: int, edges) -> list[tuple[int, int]]:
    """Edges as a list of (i, j) pairs of distinct vertices in range, or an error naming ``edges``."""
    if isinstance(edges, (str, bytes)) or not hasattr(edges, "__iter__"):
        raise TypeError(f"edges must be a sequence of (i, j) pairs, got {type(edges).__name__}")
    out = []
    for e in edges:
        if isinstance(e, (str, bytes)) or not hasattr(e, "__len__") or len(e) != 2:
            raise ValueError(f"edges must hold pairs (i, j), got {e!r}")
        i, j = (Int(minimum=0).check("edges", int(v) if isinstance(v, np.integer) else v) for v in e)
        if i >= n_vertices or j >= n_vertices:
            raise ValueError(f"edges: vertex out of range in {e!r}; vertices are 0 … {n_vertices - 1}")
        if i == j:
            raise ValueError(f"edges: self-loop ({i}, {j}); a self-loop makes every colouring improper")
        out.append((i, j))
    return out


def read_coloring(n_vertices: int, coloring) -> np.ndarray:
    """A colouring as an int array (n,) of colours >= 0, or an error naming ``coloring``."""
    arr = np.asarray(coloring)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"coloring must be integers, one colour per vertex, got dtype {arr.dtype}")
    if arr.shape != (n_vertices,):
        raise ValueError(f"coloring must have shape ({n_vertices},), got {arr.shape}")
    if np.any(arr < 0):
        raise ValueError("coloring must hold colours >= 0")
    return arr.astype(np.int64)


@validate_params(n_vertices=Int(minimum=1))
def coloring_sample(n_vertices: int, edges) -> tuple[np.ndarray, np.ndarray]:
    """The labelled sample of Pitt & Valiant's reduction.

    Book: {prf:ref}`thm-pitt-valiant`.

    Returns
    -------
    X : ndarray of int8, shape (n_vertices + |E|, n_vertices)
        Rows 0 … n−1 are the vertices' positive examples, then one negative row per edge.
    y : ndarray of bool, shape (n_vertices + |E|,)

    Notes
    -----
    Cost: O((n + |E|) · n).
    """
    edges = read_edges(n_vertices, edges)
    X = np.ones((n_vertices + len(edges), n_vertices), dtype=np.int8)
    X[np.arange(n_vertices), np.arange(n_vertices)] = 0  # positive example of vertex i: x_i = 0
    for r, (i, j) in enumerate(edges, start=n_vertices):
        X[r, [i, j]] = 0  # negative example of edge (i, j)
    y = np.arange(len(X)) < n_vertices
    return X, y


@validate_params(n_vertices=Int(minimum=1))
def is_proper_coloring(n_vertices: int, edges, coloring) -> bool:
    """True if no edge joins two vertices of the same colour. Cost: O(|E|)."""
    edges, c = read_edges(n_vertices, edges), read_coloring(n_vertices, coloring)
    return all(c[i] != c[j] for i, j in edges)


@validate_params(n_vertices=Int(minimum=1), k=Int(minimum=1))
def dnf_from_coloring(n_vertices: int, coloring, k: int) -> DNF:
    """The k-term DNF of a colouring: T_c = ∧ {x_j : colour(j) ≠ c}, for c = 0 … k−1.

    Book: {prf:ref}`thm-pitt-valiant`. Consistent with :func:`coloring_sample` when the colouring
    is proper. Cost: O(k · n).
    """
    c = read_coloring(n_vertices, coloring)
    if np.any(c >= k):
        raise ValueError(f"coloring uses colour {int(c.max())}, but k={k} colours are 0 … {k - 1}")
    return DNF([[j + 1 for j in range(n_vertices) if c[j] != col] for col in range(k)], n_vertices)


def coloring_from_dnf(dnf: DNF, n_vertices: int) -> np.ndarray | None:
    """Colour vertex i with the first term that its positive example satisfies.

    Book: {prf:ref}`thm-pitt-valiant`. If ``dnf`` is consistent with :func:`coloring_sample` of a
    graph, the colouring is proper: two adjacent vertices satisfying one term would make that
    term accept their edge's negative example. Returns None if some vertex's example satisfies
    no term (the DNF misses a positive example). Cost: O(k · n²).
    """
    if not isinstance(dnf, DNF):
        raise TypeError(f"dnf must be a DNF, got {type(dnf).__name__}")
    n = Int(minimum=1).check("n_vertices", n_vertices)
    X = read_zero_one("X", 1 - np.eye(n, dtype=np.int8))  # the positive examples, row i: x_i = 0
    coloring = np.full(n, -1, dtype=np.int64)
    for col, term in enumerate(dnf.terms):
        sat = DNF([term], dnf.n_variables).predict(X)
        coloring[(coloring < 0) & sat] = col
    return None if np.any(coloring < 0) else coloring


@validate_params(n_vertices=Int(minimum=1, maximum=40), k=Int(minimum=1))
def find_coloring(n_vertices: int, edges, k: int) -> np.ndarray | None:
    """A proper k-colouring by exhaustive backtracking (vertex by vertex, colours in order), or None.

    The independent check of the reduction: it knows nothing of DNFs or SAT. Exact, and
    exponential in the worst case, so for small graphs only (n ≤ 40).

    Notes
    -----
    Cost: O(k^n · n) in the worst case; far less on most graphs.
    """
    edges = read_edges(n_vertices, edges)
    earlier = [[] for _ in range(n_vertices)]  # neighbours already coloured when vertex i is reached
    for i, j in edges:
        earlier[max(i, j)].append(min(i, j))
    c = np.full(n_vertices, -1, dtype=np.int64)
    i = 0
    while 0 <= i < n_vertices:
        c[i] += 1
        while c[i] < k and any(c[j] == c[i] for j in earlier[i]):
            c[i] += 1
        if c[i] < k:
            i += 1
        else:  # no colour left: undo and step back
            c[i] = -1
            i -= 1
    return c if i == n_vertices else None
