"""Blum & Rivest's network: two linear threshold units and an output unit that combines them.

A *3-node network* on inputs x ∈ {0, 1}^n has hidden units h_j(x) = [w_j · x + b_j ≥ 0],
j = 1, 2, and an output that is a threshold function of (h_1, h_2). Up to negating a hidden unit
that output is AND or OR, and OR for the labels y is AND for ¬y. Blum & Rivest (1992) proved
that deciding whether such a network fits a labelled sample is NP-complete.

:func:`find_threshold_network` decides it exactly with a mixed-integer program (SciPy's
``milp``, i.e. HiGHS): with margin 1, every positive example has w_j · x + b_j ≥ 1 for both
units, and a binary z_e picks the unit that puts negative example e at ≤ −1 (big-M). The
weights are bounded by twice Muroga's bound, (n+1)^((n+1)/2) / 2^n, which every threshold
function on {0, 1}^n meets with integer weights, so the bound loses no network: "infeasible"
means no consistent network exists.

:func:`fit_polynomial_threshold` is an improper learner: one threshold unit over all monomials
of degree ≤ d, found by a linear program in polynomial time, when one exists.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

import numpy as np

from .._validate import Int, Real, validate_params
from .hypotheses import read_sample, read_zero_one

__all__ = ["PolynomialThreshold", "ThresholdNetwork", "find_threshold_network", "fit_polynomial_threshold",
           "muroga_bound"]


@dataclass(frozen=True)
class ThresholdNetwork:
    """Hidden units [W x + b ≥ 0] (two of them) combined by ``output`` ("and" or "or")."""

    W: np.ndarray  # (2, n) hidden weights
    b: np.ndarray  # (2,) hidden biases
    output: str  # "and" or "or"

    def predict(self, X) -> np.ndarray:
        """Labels of the rows of ``X`` (m, n): bool (m,). Cost: 4 · m · n FLOPs."""
        X = read_zero_one("X", X)
        H = X @ self.W.T + self.b >= 0  # (m, n) @ (n, 2) -> (m, 2)
        return H.all(axis=1) if self.output == "and" else H.any(axis=1)


@dataclass(frozen=True)
class PolynomialThreshold:
    """[w · φ(x) + b ≥ 0], φ(x) the products of the variables of each monomial."""

    monomials: list[tuple[int, ...]]  # variable indices of each feature
    w: np.ndarray  # (len(monomials),)
    b: float

    def predict(self, X) -> np.ndarray:
        """Labels of the rows of ``X`` (m, n): bool (m,). Cost: O(m · Σ|monomial|)."""
        return features(read_zero_one("X", X), self.monomials) @ self.w + self.b >= 0


@validate_params(n=Int(minimum=1))
def muroga_bound(n: int) -> int:
    """⌈(n+1)^((n+1)/2) / 2^n⌉: integer weights this large represent every threshold function of n bits.

    Book: {prf:ref}`thm-blum-rivest`. Cost: O(1).
    """
    return math.ceil((n + 1) ** ((n + 1) / 2) / 2 ** n)


def features(X: np.ndarray, monomials) -> np.ndarray:
    """φ(X): one column per monomial, the product of its variables (x_i² = x_i on 0/1 inputs)."""
    cols = [X[:, list(mono)].prod(axis=1) if mono else np.ones(len(X)) for mono in monomials]
    return np.stack(cols, axis=1).astype(float) if cols else np.zeros((len(X), 0))  # (m, F)


def _and_network(X, y, deadline, stats):
    """Two units, AND output, fitting (X, y) with margin 1; None if infeasible."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    m, n = X.shape
    P, N = X[y].astype(float), X[~y].astype(float)
    q = len(N)
    B = 2.0 * muroga_bound(n)
    Bb = n * B + 1
    M = n * B + Bb + 1
    nv = 2 * (n + 1) + q  # [w1, b1, w2, b2, z]
    rows, lo, hi = [], [], []
    for j in range(2):
        block = np.zeros((len(P), nv))
        block[:, j * (n + 1): j * (n + 1) + n] = P
        block[:, j * (n + 1) + n] = 1
        rows.append(block), lo.append(np.full(len(P), 1.0)), hi.append(np.full(len(P), np.inf))
    for j, sign in ((0, 1.0), (1, -1.0)):  # z_e = 1: unit 1 rejects e; z_e = 0: unit 2 does
        block = np.zeros((q, nv))
        block[:, j * (n + 1): j * (n + 1) + n] = N
        block[:, j * (n + 1) + n] = 1
        block[:, 2 * (n + 1):] = sign * M * np.eye(q)
        rows.append(block), lo.append(np.full(q, -np.inf)), hi.append(np.full(q, M - 1 if j == 0 else -1.0))
    A = np.concatenate(rows)
    bound = np.concatenate([np.full(n, B), [Bb]] * 2 + [np.ones(q)])
    lower = np.concatenate([-bound[: 2 * (n + 1)], np.zeros(q)])
    if q:
        lower[2 * (n + 1)] = 1.0  # the units are interchangeable: unit 1 rejects the first negative
    integrality = np.concatenate([np.zeros(2 * (n + 1)), np.ones(q)])
    left = deadline - time.perf_counter()
    if left <= 0:
        raise TimeoutError("the MILP ran out of its time budget")
    res = milp(np.zeros(nv), constraints=LinearConstraint(A, np.concatenate(lo), np.concatenate(hi)),
               integrality=integrality, bounds=Bounds(lower, bound), options={"time_limit": left})
    stats["nodes"] = stats.get("nodes", 0) + int(getattr(res, "mip_node_count", 0) or 0)
    if res.status == 1:
        raise TimeoutError("the MILP ran out of its time budget")
    if res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"HiGHS stopped with status {res.status}: {res.message}")
    x = res.x
    W = np.stack([x[: n], x[n + 1: 2 * n + 1]])  # (2, n)
    return W, np.array([x[n], x[2 * n + 1]])


@validate_params(budget_s=Real())
def find_threshold_network(X, y, *, budget_s: float = 10.0, stats: dict | None = None) -> ThresholdNetwork | None:
    """A 2-layer, 3-node threshold network consistent with the sample, or None when none exists.

    Book: {prf:ref}`thm-blum-rivest`.

    Parameters
    ----------
    X : array_like of 0/1, shape (m, n)
    y : array_like of bool, shape (m,)
    budget_s : float
        Seconds for both MILPs (AND for y, then AND for ¬y); ``TimeoutError`` after that.
    stats : dict, optional
        Filled with ``"nodes"``, the branch-and-bound nodes HiGHS explored.

    Returns
    -------
    ThresholdNetwork or None
        The network is checked on the sample before it is returned.

    Notes
    -----
    Cost: exponential in the worst case (NP-complete); the MILP has 2(n + 1) real and m⁻
    binary variables and 2 m⁺ + 2 m⁻ constraints.
    """
    X, y = read_sample(X, y)
    stats = {} if stats is None else stats
    deadline = time.perf_counter() + budget_s
    for output, labels in (("and", y), ("or", ~y)):
        found = _and_network(X, labels, deadline, stats)
        if found is not None:
            W, b = found
            net = ThresholdNetwork(W, b, "and") if output == "and" else ThresholdNetwork(-W, -b, "or")
            if not np.array_equal(net.predict(X), y):
                raise RuntimeError("the MILP's network misclassifies the sample (numerical trouble)")
            return net
    return None


@validate_params(degree=Int(minimum=1))
def fit_polynomial_threshold(X, y, degree: int = 2) -> PolynomialThreshold | None:
    """One threshold unit over all monomials of degree ≤ ``degree``, fitted by a linear program.

    Book: {prf:ref}`thm-blum-rivest`. Improper for 3-node networks: it is a different class,
    and it fits a sample in polynomial time whenever that class can (else None).

    Notes
    -----
    Cost: one LP with F + 1 variables and m constraints, F = Σ_{s ≤ d} C(n, s) = O(n^d):
    polynomial time (interior-point or simplex in HiGHS).
    """
    from scipy.optimize import linprog

    X, y = read_sample(X, y)
    n = X.shape[1]
    monomials = [mono for s in range(1, min(degree, n) + 1) for mono in itertools.combinations(range(n), s)]
    Phi = features(X, monomials)  # (m, F)
    sign = np.where(y, 1.0, -1.0)[:, None]
    A = -sign * np.concatenate([Phi, np.ones((len(X), 1))], axis=1)  # sign·(w·φ + b) ≥ 1
    res = linprog(np.zeros(Phi.shape[1] + 1), A_ub=A, b_ub=-np.ones(len(X)),
                  bounds=(None, None), method="highs")
    if res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"HiGHS stopped with status {res.status}: {res.message}")
    return PolynomialThreshold(monomials, res.x[:-1], float(res.x[-1]))
