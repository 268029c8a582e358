"""Proper learning of k-term DNF: find a k-term DNF consistent with a sample, or prove none exists.

Two exact deciders of the same NP-complete question (Pitt & Valiant 1988):

- ``method="sat"`` encodes it for a kept SAT solver (Glucose 4 through python-sat). Variable
  s(t, l) says "literal l is in term t"; z(e, t) says "positive example e satisfies term t".
  Every positive example satisfies some term (∨_t z(e, t)); a term it satisfies holds none of
  the literals false on it (z(e, t) → ¬s(t, l)); and every term holds a literal false on each
  negative example (∨_{l false on e} s(t, l)).
- ``method="search"`` is plain backtracking: put the positive examples one by one into one of
  k groups; a group's term is the conjunction of the literals true on all its members (the most
  specific term that accepts them), and a group is abandoned as soon as its term accepts a
  negative example.

Both take a time budget and raise ``TimeoutError`` when it runs out, so nothing can hang.
"""
from __future__ import annotations

import threading
import time

import numpy as np

from .._validate import Choice, Int, Real, validate_params
from .hypotheses import DNF, read_sample, literal_matrix

__all__ = ["find_consistent_dnf"]


@validate_params(k=Int(minimum=1), method=Choice(("sat", "search")), budget_s=Real())
def find_consistent_dnf(X, y, k: int, *, method: str = "sat", budget_s: float = 10.0,
                        stats: dict | None = None) -> DNF | None:
    """A k-term DNF consistent with the sample, or None when there is none.

    Book: {prf:ref}`thm-pitt-valiant`.

    Parameters
    ----------
    X : array_like of 0/1, shape (m, n)
    y : array_like of bool, shape (m,)
    k : int
        Number of terms.
    method : {"sat", "search"}
        The SAT solver Glucose 4 or exhaustive backtracking (see the module's docstring).
    budget_s : float
        Seconds allowed; ``TimeoutError`` after that.
    stats : dict, optional
        Filled with the work done: ``"conflicts"`` and ``"decisions"`` (SAT) or ``"nodes"``
        (search), deterministic for a given sample.

    Returns
    -------
    DNF or None
        ``terms``: k lists of DIMACS literals (an unused term is the contradiction [1, -1]).

    Notes
    -----
    Cost: exponential in the worst case (the problem is NP-complete for k ≥ 2); the SAT
    encoding has k · 2n + m⁺ · k variables and O(m · k · n) clauses.
    """
    X, y = read_sample(X, y)
    stats = {} if stats is None else stats
    if method == "sat":
        return _by_sat(X, y, k, budget_s, stats)
    return _by_search(X, y, k, budget_s, stats)


def _terms_from_columns(columns_per_term, n: int) -> list[list[int]]:
    terms = []
    for cols in columns_per_term:
        lits = [int(c + 1) if c < n else int(-(c - n + 1)) for c in cols]
        terms.append(sorted(lits, key=abs) if lits else [])
    return terms


def _by_sat(X, y, k, budget_s, stats):
    from pysat.solvers import Glucose4

    m, n = X.shape
    lit = literal_matrix(X)[:, : 2 * n]  # (m, 2n): literal c true on example e
    pos, neg = lit[y], lit[~y]

    def s(t, c):  # literal c in term t
        return 1 + t * 2 * n + c

    def z(e, t):  # positive example e satisfies term t
        return 1 + k * 2 * n + e * k + t

    clauses = []
    for e, row in enumerate(pos):
        clauses.append([z(e, t) for t in range(k)])
        false_cols = np.flatnonzero(~row)
        clauses += [[-z(e, t), -s(t, int(c))] for t in range(k) for c in false_cols]
    for row in neg:
        false_cols = np.flatnonzero(~row)
        clauses += [[s(t, int(c)) for c in false_cols] for t in range(k)]
    with Glucose4(bootstrap_with=clauses) as solver:
        timer = threading.Timer(budget_s, solver.interrupt)
        timer.start()
        try:
            found = solver.solve_limited(expect_interrupt=True)
        finally:
            timer.cancel()
        stats.update({key: int(v) for key, v in solver.accum_stats().items()
                      if key in ("conflicts", "decisions", "propagations")})
        if found is None:
            raise TimeoutError(f"the SAT solver ran out of budget_s={budget_s:g} s")
        if not found:
            return None
        model = set(v for v in solver.get_model() if v > 0)
    chosen = [[c for c in range(2 * n) if s(t, c) in model] for t in range(k)]
    dnf = DNF(_terms_from_columns(chosen, n), n)
    return dnf


def _by_search(X, y, k, budget_s, stats):
    m, n = X.shape
    lit = literal_matrix(X)[:, : 2 * n]  # (m, 2n)
    pos, neg_false = lit[y], ~lit[~y]  # literals true on positives; literals false on negatives
    deadline = time.perf_counter() + budget_s
    groups = np.ones((k, 2 * n), dtype=bool)  # a group's term: literals true on all members
    used = [False] * k
    nodes = 0

    def rejects_all(term) -> bool:  # each negative example falsifies a literal of the term
        return bool(np.all(neg_false @ term)) if len(neg_false) else True

    def place(e: int) -> bool:
        nonlocal nodes
        if e == len(pos):
            return True
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the search ran out of budget_s={budget_s:g} s")
        first_empty = used.index(False) if False in used else k
        for t in range(min(first_empty + 1, k)):  # empty groups are interchangeable: try one
            nodes += 1
            term = groups[t] & pos[e]
            if not rejects_all(term):
                continue
            saved, was_used = groups[t].copy(), used[t]
            groups[t], used[t] = term, True
            if place(e + 1):
                return True
            groups[t], used[t] = saved, was_used
        return False

    try:
        found = place(0)
    finally:
        stats["nodes"] = nodes
    if not found:
        return None
    chosen = [np.flatnonzero(groups[t]) if used[t] else None for t in range(k)]
    terms = _terms_from_columns([c if c is not None else [] for c in chosen], n)
    terms = [t if used[i] else [1, -1] for i, t in enumerate(terms)]
    return DNF(terms, n)
