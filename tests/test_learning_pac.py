"""The finite-class bound, the k-CNF class size, and the exponential fit that times the learners."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.learning import kcnf_clause_count, learn_kcnf, random_dnf, sample_bound
from nncomplexity.learning.pac import epsilon_bound
from nncomplexity.measure.estimate import Estimate
from nncomplexity.measure.fit import ExponentialFit, fit_exponential


def test_sample_bound_by_hand():
    # conjunctions over 10 variables: ln|H| = 10 ln 3 = 10.986; δ = 0.05: ln 20 = 2.996; ε = 0.1
    assert sample_bound(10 * math.log(3), 0.1, 0.05) == 140
    assert sample_bound(0.0, 0.5, 0.5) == 2  # one hypothesis: only ln(1/δ) / ε
    assert epsilon_bound(10 * math.log(3), 140, 0.05) <= 0.1 < epsilon_bound(10 * math.log(3), 139, 0.05)


@settings(max_examples=50, deadline=None)
@given(log_h=st.floats(0, 1e4), eps=st.floats(1e-3, 0.99), delta=st.floats(1e-6, 0.99))
def test_bound_is_the_smallest_m_with_the_union_bound_below_delta(log_h, eps, delta):
    m = sample_bound(log_h, eps, delta)
    assert log_h - eps * m <= math.log(delta) + 1e-9  # |H| e^{-εm} ≤ δ
    assert m == 1 or log_h - eps * (m - 1) > math.log(delta) - 1e-9


def test_kcnf_clause_count_by_hand():
    assert kcnf_clause_count(3, 1) == 6  # x_i, ¬x_i
    assert kcnf_clause_count(3, 2) == 6 + 3 * 4
    assert kcnf_clause_count(2, 5) == 4 + 4  # no clause longer than n
    assert kcnf_clause_count(10, 3) == 20 + 45 * 4 + 120 * 8


def test_measured_error_respects_the_bound():
    """Consistent conjunction learner, uniform inputs: the error exceeds ε in at most about δ of the runs."""
    rng = np.random.default_rng(0)
    n, eps, delta = 10, 0.1, 0.1
    m = sample_bound(n * math.log(3), eps, delta)
    target = random_dnf(n, 1, 3, rng)
    test = rng.integers(0, 2, size=(4000, n))
    bad = 0
    for _ in range(100):
        X = rng.integers(0, 2, size=(m, n))
        h = learn_kcnf(X, target.predict(X), 1)
        bad += np.mean(h.predict(test) != target.predict(test)) > eps
    assert bad <= 20  # the bound says ≤ 10 in expectation, and is loose: usually 0


def test_exponential_fit_is_exact_without_noise():
    x = np.array([10, 20, 30, 40, 50], dtype=float)
    fit = fit_exponential(x, 0.003 * np.exp(0.25 * x))
    assert isinstance(fit, ExponentialFit) and isinstance(fit, Estimate)
    assert fit.rate == pytest.approx(0.25, abs=1e-9) and fit.prefactor == pytest.approx(0.003, rel=1e-9)
    assert fit.doubling == pytest.approx(math.log(2) / 0.25)
    assert fit.predict(60) == pytest.approx(0.003 * math.exp(15), rel=1e-9)
    assert fit.r_squared == pytest.approx(1.0)


def test_exponential_fit_interval_covers_about_95_percent():
    x = np.arange(4, 40, 4, dtype=float)
    hits = sum(fit_exponential(x, np.exp(0.1 * x + rng.normal(0, 0.3, x.size))).covers(0.1)
               for rng in (np.random.default_rng(s) for s in range(1000)))
    assert 920 <= hits <= 980


def test_exponential_and_power_law_fits_tell_growth_apart():
    from nncomplexity.measure.fit import fit_power_law
    x = np.arange(10, 80, 10, dtype=float)
    poly, expo = x ** 3, np.exp(0.2 * x)
    assert fit_exponential(x, poly).r_squared < fit_power_law(x, poly).r_squared == pytest.approx(1)
    assert fit_power_law(x, expo).r_squared < fit_exponential(x, expo).r_squared == pytest.approx(1)
    assert fit_exponential(x, np.ones_like(x)).doubling == math.inf


def test_exponential_fit_bad_input():
    with pytest.raises(ValueError, match="same length"):
        fit_exponential([1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="x"):
        fit_exponential([1, 2], [1, 2])
