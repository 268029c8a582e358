"""PAC learning of a finite class: how many examples a consistent learner needs.

In the realizable setting (some h* in H labels every example), a learner that outputs *any*
hypothesis of H consistent with m examples drawn i.i.d. from a distribution D has, with
probability at least 1 − δ, true error at most ε as soon as

    m ≥ (ln |H| + ln(1/δ)) / ε.

Proof sketch (the book derives it): a fixed "bad" h with error > ε survives m examples with
probability < (1 − ε)^m ≤ e^{−εm}; a union bound over at most |H| bad hypotheses gives
|H| e^{−εm} ≤ δ. The bound does not care how the consistent hypothesis is *found*: that is the
computational question of the rest of the chapter.
"""
from __future__ import annotations

import math

from .._validate import Int, Real, validate_params

__all__ = ["kcnf_clause_count", "sample_bound", "epsilon_bound"]


@validate_params(log_class_size=Real(allow_zero=True), epsilon=Real(below=1), delta=Real(below=1))
def sample_bound(log_class_size: float, epsilon: float, delta: float) -> int:
    """Examples that suffice for a consistent learner of a finite class: ⌈(ln|H| + ln(1/δ)) / ε⌉.

    Book: {prf:ref}`thm-finite-class-bound`.

    Parameters
    ----------
    log_class_size : float
        ln |H| (natural logarithm; >= 0). For conjunctions over n variables, n ln 3; for
        k-CNF, ``kcnf_clause_count(n, k) · ln 2``.
    epsilon, delta : float
        Accuracy and confidence, each in (0, 1).

    Returns
    -------
    int
        The smallest integer m meeting the bound.

    Notes
    -----
    Cost: O(1).
    """
    return math.ceil((log_class_size + math.log(1 / delta)) / epsilon)


@validate_params(log_class_size=Real(allow_zero=True), m=Int(minimum=1), delta=Real(below=1))
def epsilon_bound(log_class_size: float, m: int, delta: float) -> float:
    """The same bound solved for ε: (ln|H| + ln(1/δ)) / m, the error guaranteed after m examples.

    Book: {prf:ref}`thm-finite-class-bound`. Cost: O(1).
    """
    return (log_class_size + math.log(1 / delta)) / m


@validate_params(n=Int(minimum=1), k=Int(minimum=1))
def kcnf_clause_count(n: int, k: int) -> int:
    """Clauses of 1 … k literals over n variables, no variable twice: Σ_{s=1..k} C(n, s) · 2^s.

    Book: {prf:ref}`thm-kcnf-elimination`. The class k-CNF is every subset of these clauses,
    so ln |H| = this count · ln 2 = O((2n)^k).

    Notes
    -----
    Cost: O(k).
    """
    return sum(math.comb(n, s) * 2 ** s for s in range(1, min(k, n) + 1))
