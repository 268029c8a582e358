"""The 3-node network decider agrees with an independent exhaustive decider; the LP learner is consistent."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from nncomplexity.learning import (PolynomialThreshold, ThresholdNetwork, find_threshold_network,
                                   fit_polynomial_threshold, threshold_sample)
from nncomplexity.learning.threshold import muroga_bound


def separable(pos, neg):
    """One threshold unit with w·x + b ≥ 1 on pos and ≤ −1 on neg: an LP, no bound on the weights."""
    if len(pos) == 0 or len(neg) == 0:
        return True
    n = pos.shape[1]
    A = np.concatenate([-np.c_[pos, np.ones(len(pos))], np.c_[neg, np.ones(len(neg))]])
    res = linprog(np.zeros(n + 1), A_ub=A, b_ub=-np.ones(len(A)), bounds=(None, None), method="highs")
    return res.status == 0


def exhaustive_decide(X, y):
    """Every split of the negatives between the two units (AND), and the same for ¬y (OR)."""
    for labels in (y, ~y):
        P, N = X[labels], X[~labels]
        for split in itertools.product((0, 1), repeat=len(N)):
            split = np.array(split, dtype=bool)
            if separable(P, N[split]) and separable(P, N[~split]):
                return True
    return False


@pytest.mark.parametrize("seed", range(10))
def test_milp_agrees_with_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5))
    m = int(rng.integers(4, min(2 ** n, 10) + 1))
    X, y = threshold_sample(n, m, rng, "random" if seed % 2 else "planted")
    net = find_threshold_network(X, y)
    assert (net is not None) == exhaustive_decide(X, y)
    if net is not None:
        assert isinstance(net, ThresholdNetwork) and np.array_equal(net.predict(X), y)


def test_three_bit_parity_is_out_of_reach_and_two_bit_parity_is_not():
    X3 = np.array(list(itertools.product((0, 1), repeat=3)), dtype=np.int8)
    assert find_threshold_network(X3, X3.sum(axis=1) % 2 == 1) is None
    assert exhaustive_decide(X3, X3.sum(axis=1) % 2 == 1) is False
    X2 = X3[:4, 1:]
    xor = find_threshold_network(X2, X2.sum(axis=1) == 1)
    assert xor is not None and np.array_equal(xor.predict(X2), X2.sum(axis=1) == 1)


@pytest.mark.parametrize("n", [4, 8, 12])
def test_planted_samples_are_always_fitted(n):
    rng = np.random.default_rng(n)
    X, y = threshold_sample(n, min(6 * n, 2 ** n), rng)
    assert 0 < y.sum() < len(y)
    assert len(np.unique(X, axis=0)) == len(X)
    net = find_threshold_network(X, y, budget_s=30, stats=(stats := {}))
    assert net is not None and np.array_equal(net.predict(X), y) and stats["nodes"] >= 0


def test_muroga_bound_values():
    assert [muroga_bound(n) for n in (1, 2, 3)] == [1, 2, 2]  # 2/2, 3^1.5/4 = 1.3, 16/8
    assert muroga_bound(10) == 522


def test_polynomial_threshold_fits_what_it_returns_and_full_degree_fits_all():
    rng = np.random.default_rng(3)
    for _ in range(5):
        X, y = threshold_sample(5, 20, rng, "random")
        for d in (1, 2):
            h = fit_polynomial_threshold(X, y, d)
            if h is not None:
                assert isinstance(h, PolynomialThreshold) and np.array_equal(h.predict(X), y)
        full = fit_polynomial_threshold(X, y, 5)  # every function of the cube is a degree-n polynomial
        assert full is not None and np.array_equal(full.predict(X), y)


def test_degree_one_is_a_single_unit():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert fit_polynomial_threshold(X, np.array([0, 1, 1, 0], dtype=bool), 1) is None  # XOR
    assert fit_polynomial_threshold(X, np.array([0, 1, 1, 0], dtype=bool), 2) is not None


def test_the_budget_stops_the_milp():
    rng = np.random.default_rng(0)
    X, y = threshold_sample(14, 120, rng, "random")
    with pytest.raises(TimeoutError, match="budget"):
        find_threshold_network(X, y, budget_s=0.01)


def test_bad_inputs_are_refused_by_name():
    with pytest.raises(ValueError, match="m must be"):
        threshold_sample(3, 9, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        threshold_sample(3, 4, 0)
    with pytest.raises(ValueError, match="X"):
        find_threshold_network([[0, 3]], [True])
