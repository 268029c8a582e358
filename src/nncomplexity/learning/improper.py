"""The improper learner of k-term DNF: learn the equivalent k-CNF by elimination (Valiant 1984).

A k-term DNF ``T_1 ∨ … ∨ T_k`` equals the conjunction of all clauses ``(u_1 ∨ … ∨ u_k)`` with
``u_j`` a literal of ``T_j`` (distribute ∨ over ∧). So every k-term DNF is a k-CNF, and k-CNF is
learnable by *elimination*: start from every clause of at most k literals and delete each clause
that some positive example falsifies. What survives is the most specific k-CNF true on every
positive example; it implies the target's k-CNF (whose clauses all survive), so it is false on
every negative example too. The hypothesis is consistent, found in polynomial time, and it is
not (in general) a k-term DNF: the learner is improper.
"""
from __future__ import annotations

import itertools

import numpy as np

from .._validate import Int, validate_params
from .hypotheses import CNF, read_sample, literal_matrix
from .pac import kcnf_clause_count

__all__ = ["MAX_CLAUSES", "candidate_clauses", "learn_kcnf"]

MAX_CLAUSES = 5_000_000  # refuse (n, k) whose candidate list would not fit a notebook's memory


@validate_params(n=Int(minimum=1), k=Int(minimum=1))
def candidate_clauses(n: int, k: int) -> np.ndarray:
    """Every clause of 1 … k literals over n variables, as literal-matrix columns padded with 2n.

    Returns
    -------
    ndarray of int, shape (kcnf_clause_count(n, k), min(k, n))
        Column ``i`` is ``x_i``, ``n + i`` is ``¬x_i``, ``2n`` is the padding (always false).

    Notes
    -----
    Cost: O(r · k) for r = Σ_s C(n, s) 2^s = O((2n)^k) clauses.
    """
    count = kcnf_clause_count(n, k)
    if count > MAX_CLAUSES:
        raise ValueError(f"k={k} with n={n} variables gives {count:,} candidate clauses, "
                         f"over MAX_CLAUSES={MAX_CLAUSES:,}")
    width = min(k, n)
    blocks = []
    for s in range(1, width + 1):
        chosen = np.array(list(itertools.combinations(range(n), s)), dtype=np.int64)  # (C(n,s), s)
        signs = np.array(list(itertools.product((0, 1), repeat=s)), dtype=np.int64)  # (2^s, s)
        cols = chosen[:, None, :] + n * signs[None, :, :]  # (C(n,s), 2^s, s): ¬x_i is column n + i
        cols = cols.reshape(-1, s)
        pad = np.full((cols.shape[0], width - s), 2 * n, dtype=np.int64)
        blocks.append(np.concatenate([cols, pad], axis=1))
    return np.concatenate(blocks, axis=0)


@validate_params(k=Int(minimum=1))
def learn_kcnf(X, y, k: int) -> CNF:
    """The elimination learner: the k-CNF of every clause that all positive examples satisfy.

    Book: {prf:ref}`thm-kcnf-elimination`.

    Parameters
    ----------
    X : array_like of 0/1, shape (m, n)
    y : array_like of bool, shape (m,)
    k : int
        Largest clause size (k = 1: Valiant's conjunction learner).

    Returns
    -------
    CNF
        Consistent with every sample labelled by a k-CNF, hence by a k-term DNF; on other
        samples it may err on negative examples (then no k-CNF is consistent).

    Notes
    -----
    Cost: O(m⁺ · r · k) for m⁺ positive examples and r = O((2n)^k) candidate clauses,
    polynomial for fixed k; memory O(r · k) plus a chunk of (m⁺, 20 000, k) booleans.
    """
    X, y = read_sample(X, y)
    n = X.shape[1]
    clauses = candidate_clauses(n, k)  # (r, k)
    lit = literal_matrix(X[y])  # positives only: (m+, 2n + 1)
    keep = np.ones(len(clauses), dtype=bool)
    for start in range(0, len(clauses), 20_000):
        block = clauses[start:start + 20_000]  # (r', k)
        keep[start:start + len(block)] = lit[:, block].any(axis=2).all(axis=0)  # (m+, r', k) -> (r',)
    return CNF(clauses[keep], n)
