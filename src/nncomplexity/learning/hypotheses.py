"""Boolean hypotheses over 0/1 inputs: k-term DNFs and k-CNFs, with literals in DIMACS style.

Variable ``x_i`` (column ``i`` of ``X``) is the literal ``+(i+1)``, its negation ``¬x_i`` is
``-(i+1)``, as in SAT solvers' DIMACS format. A term is a conjunction of literals (the empty
term is true), a clause a disjunction (the empty clause is false). Both classes evaluate a whole
sample at once through the *literal matrix* ``[X, 1 − X]``, shape (m, 2n): column ``i`` is
``x_i``, column ``n + i`` is ``¬x_i``.

:func:`read_sample` is the argument check every learner runs first.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CNF", "DNF", "read_sample", "read_zero_one", "literal_columns", "literal_matrix"]


def read_zero_one(name: str, X) -> np.ndarray:
    """``X`` as an (m, n) int8 array of 0/1 values, or a TypeError/ValueError naming ``name``."""
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(f"{name} must be a 2-D array of 0/1 values, got {type(X).__name__}")
    arr = np.asarray(X)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool
                                   or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must hold numbers 0 and 1, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional (examples × variables), got shape {arr.shape}")
    if arr.shape[1] < 1:
        raise ValueError(f"{name} must have at least one variable (column), got shape {arr.shape}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold only 0 and 1")
    return arr.astype(np.int8)


def read_sample(X, y) -> tuple[np.ndarray, np.ndarray]:
    """A labelled sample: ``X`` (m, n) of 0/1 and ``y`` (m,) of bools (or 0/1), checked and normalised."""
    X = read_zero_one("X", X)
    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise TypeError(f"y must be a 1-D array of labels, got {type(y).__name__}")
    lab = np.asarray(y)
    if lab.dtype == object or not (lab.dtype == bool or np.issubdtype(lab.dtype, np.integer)
                                   or np.issubdtype(lab.dtype, np.floating)):
        raise TypeError(f"y must hold booleans (or 0/1), got dtype {lab.dtype}")
    if lab.ndim != 1 or lab.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},), one label per row of X, got {lab.shape}")
    if not np.all((lab == 0) | (lab == 1)):
        raise ValueError("y must hold only booleans (or 0 and 1)")
    return X, lab.astype(bool)


def literal_matrix(X: np.ndarray) -> np.ndarray:
    """``[X, 1 − X]`` with one extra all-false column (the padding literal): shape (m, 2n + 1)."""
    m, _ = X.shape
    return np.concatenate([X, 1 - X, np.zeros((m, 1), dtype=X.dtype)], axis=1).astype(bool)


def literal_columns(literals, n: int) -> np.ndarray:
    """DIMACS literals -> columns of :func:`literal_matrix` (``+(i+1)`` -> i, ``-(i+1)`` -> n + i)."""
    lits = np.asarray(literals, dtype=np.int64)
    if lits.size and (np.any(lits == 0) or np.any(np.abs(lits) > n)):
        raise ValueError(f"literals must be ±1 … ±{n} (DIMACS, no 0), got {lits.tolist()}")
    return np.where(lits > 0, lits - 1, n - lits - 1)


@dataclass(frozen=True)
class DNF:
    """``T_1 ∨ … ∨ T_k``: each term a list of DIMACS literals, all of which must hold."""

    terms: list[list[int]]  # k terms; literal +(i+1) is x_i, -(i+1) is ¬x_i
    n_variables: int  # n, the number of input variables

    def predict(self, X) -> np.ndarray:
        """Labels of the rows of ``X`` (m, n): a bool array (m,). Cost: O(m · Σ|T_j|)."""
        X = read_zero_one("X", X)
        if X.shape[1] != self.n_variables:
            raise ValueError(f"X must have {self.n_variables} columns, got {X.shape[1]}")
        lit = literal_matrix(X)  # (m, 2n + 1)
        out = np.zeros(X.shape[0], dtype=bool)
        for term in self.terms:
            out |= lit[:, literal_columns(term, self.n_variables)].all(axis=1)
        return out

    def __str__(self) -> str:
        def name(lit):
            return f"x{lit - 1}" if lit > 0 else f"¬x{-lit - 1}"
        return " ∨ ".join("(" + " ∧ ".join(map(name, t)) + ")" if t else "(true)" for t in self.terms)


@dataclass(frozen=True)
class CNF:
    """``C_1 ∧ … ∧ C_r``: each clause a row of ``columns``, literal-matrix columns (2n pads)."""

    columns: np.ndarray  # (r, k) int: columns of literal_matrix; 2n stands for "no literal"
    n_variables: int  # n

    @property
    def clauses(self) -> list[list[int]]:
        """The clauses as lists of DIMACS literals (padding dropped)."""
        n = self.n_variables
        return [[int(c + 1) if c < n else int(-(c - n + 1)) for c in row if c < 2 * n]
                for row in self.columns]

    def predict(self, X) -> np.ndarray:
        """Labels of the rows of ``X`` (m, n): a bool array (m,). Cost: O(m · r · k), in chunks."""
        X = read_zero_one("X", X)
        if X.shape[1] != self.n_variables:
            raise ValueError(f"X must have {self.n_variables} columns, got {X.shape[1]}")
        lit = literal_matrix(X)  # (m, 2n + 1)
        out = np.ones(X.shape[0], dtype=bool)
        for start in range(0, len(self.columns), 20_000):
            block = self.columns[start:start + 20_000]  # (r', k)
            sat = lit[:, block].any(axis=2)  # (m, r', k) -> (m, r')
            out &= sat.all(axis=1)
        return out
