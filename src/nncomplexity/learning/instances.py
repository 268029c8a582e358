"""Seeded instance generators: random graphs, planted colourings, random DNFs, threshold samples.

Randomness only through the explicit ``numpy.random.Generator`` each function takes.
"""
from __future__ import annotations

import numpy as np

from .._validate import Choice, Int, Real, validate_params
from .hypotheses import DNF

__all__ = ["read_rng", "planted_coloring_graph", "random_dnf", "random_graph", "threshold_sample"]


def read_rng(rng) -> np.random.Generator:
    """``rng`` must be a ``numpy.random.Generator`` (a seed is refused: say which stream you mean)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


@validate_params(n_vertices=Int(minimum=1), avg_degree=Real(allow_zero=True))
def random_graph(n_vertices: int, avg_degree: float, rng) -> list[tuple[int, int]]:
    """Erdős–Rényi G(n, p) with p = avg_degree / (n − 1) (capped at 1): edges (i, j), i < j.

    Near avg_degree ≈ 4.69 random graphs pass from 3-colourable to not, and 3-colouring is
    hardest for search there. Cost: O(n²).
    """
    rng = read_rng(rng)
    p = min(1.0, avg_degree / max(n_vertices - 1, 1))
    i, j = np.triu_indices(n_vertices, k=1)
    keep = rng.random(i.size) < p
    return [(int(a), int(b)) for a, b in zip(i[keep], j[keep])]


@validate_params(n_vertices=Int(minimum=1), k=Int(minimum=1), avg_degree=Real(allow_zero=True))
def planted_coloring_graph(n_vertices: int, k: int, avg_degree: float, rng):
    """A random graph with a hidden proper k-colouring: edges only between different colours.

    Returns
    -------
    edges : list of (i, j), i < j
    coloring : ndarray of int, shape (n_vertices,), a proper colouring with colours 0 … k−1

    Notes
    -----
    Cost: O(n²).
    """
    rng = read_rng(rng)
    coloring = rng.integers(0, k, size=n_vertices)
    i, j = np.triu_indices(n_vertices, k=1)
    allowed = coloring[i] != coloring[j]
    p = min(1.0, avg_degree * n_vertices / 2 / max(int(allowed.sum()), 1))
    keep = allowed & (rng.random(i.size) < p)
    return [(int(a), int(b)) for a, b in zip(i[keep], j[keep])], coloring


@validate_params(n_variables=Int(minimum=1), k=Int(minimum=1), term_size=Int(minimum=0))
def random_dnf(n_variables: int, k: int, term_size: int, rng) -> DNF:
    """k terms, each of ``term_size`` literals on distinct random variables with random signs.

    Cost: O(k · term_size).
    """
    rng = read_rng(rng)
    if term_size > n_variables:
        raise ValueError(f"term_size must be <= n_variables={n_variables}, got {term_size}")
    terms = []
    for _ in range(k):
        var = rng.choice(n_variables, size=term_size, replace=False) + 1
        sign = rng.choice((-1, 1), size=term_size)
        terms.append(sorted((int(v) * int(s) for v, s in zip(var, sign)), key=abs))
    return DNF(terms, n_variables)


@validate_params(n_inputs=Int(minimum=1, maximum=40), m=Int(minimum=1),
                 labels=Choice(("planted", "random")))
def threshold_sample(n_inputs: int, m: int, rng, labels: str = "planted"):
    """m distinct 0/1 inputs, labelled by a hidden 3-node threshold network or by coin flips.

    ``"planted"``: two random threshold units (Gaussian weights, biases set so each accepts
    about 70 % of the inputs) and the output AND of both, so a consistent network exists.
    ``"random"``: fair coin labels; for m well above n a consistent network rarely exists.

    Returns
    -------
    X : ndarray of int8, shape (m, n_inputs), rows distinct
    y : ndarray of bool, shape (m,)

    Notes
    -----
    Cost: O(m · n).
    """
    rng = read_rng(rng)
    if m > 2 ** n_inputs:
        raise ValueError(f"m must be <= 2**n_inputs = {2 ** n_inputs} (rows are distinct), got {m}")
    codes = rng.choice(2 ** n_inputs, size=m, replace=False)
    X = ((codes[:, None] >> np.arange(n_inputs)) & 1).astype(np.int8)  # (m, n)
    if labels == "random":
        return X, rng.random(m) < 0.5
    W = rng.standard_normal((2, n_inputs))  # (2, n)
    Z = X @ W.T  # (m, n) @ (n, 2) -> (m, 2)
    b = -np.quantile(Z, 0.3, axis=0)  # each unit accepts ~70 % of the sample
    return X, np.all(Z + b >= 0, axis=1)
