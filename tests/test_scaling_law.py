"""fit_scaling_law recovers a known law; compute_optimal solves the constrained minimum."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nncomplexity.cost.training import compute_optimal
from nncomplexity.measure import ScalingLaw, fit_scaling_law

TRUE = ScalingLaw(E=0.2, A=30.0, B=50.0, alpha=0.5, beta=0.4)


def _grid(law, noise, seed):
    n, d = np.meshgrid(np.geomspace(1e2, 1e5, 6), np.geomspace(1e3, 1e6, 6))
    n, d = n.ravel(), d.ravel()
    loss = law.loss(n, d) * np.exp(np.random.default_rng(seed).normal(0, noise, n.size))
    return n, d, loss


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_exponents_from_noisy_runs(seed):
    fit = fit_scaling_law(*_grid(TRUE, 0.02, seed), n_boot=60)
    assert fit.alpha == pytest.approx(0.5, abs=0.05)
    assert fit.beta == pytest.approx(0.4, abs=0.05)
    assert fit.E == pytest.approx(0.2, abs=0.05)
    for name in ("alpha", "beta"):
        est = fit.estimate(name)
        assert est.ci_low <= est.value <= est.ci_high
    assert fit.rmse_log < 0.04 and fit.n_points == 36


def test_exact_data_fits_exactly():
    fit = fit_scaling_law(*_grid(TRUE, 0.0, 0), n_boot=20)
    for name in ("E", "A", "B", "alpha", "beta"):
        assert getattr(fit, name) == pytest.approx(getattr(TRUE, name), rel=1e-4)
    assert fit.rmse_log < 1e-6


def test_intervals_cover_the_truth_mostly():
    covered = sum(fit_scaling_law(*_grid(TRUE, 0.03, s), n_boot=60).estimate("alpha").covers(0.5)
                  for s in range(6))
    assert covered >= 4


@pytest.mark.parametrize("bad, match", [
    (dict(n_params=[1, 2, 3, 4, 5]), "at least 6"),
    (dict(loss=[1, 2, 3, np.nan, 5, 6, 7]), "finite"),
    (dict(n_params=[1, 2, 3, 0, 5, 6, 7]), "positive"),
    (dict(n_tokens=[5.0] * 7), "two distinct"),
    (dict(loss=[1, 2, 3, 4, 5, 6]), "same length"),
])
def test_bad_runs_are_refused(bad, match):
    args = dict(n_params=[1, 2, 3, 4, 5, 6, 7], n_tokens=[7, 6, 5, 4, 3, 2, 1], loss=[1, 2, 3, 4, 5, 6, 7])
    args.update(bad)
    with pytest.raises(ValueError, match=match):
        fit_scaling_law(**args, n_boot=20)


def test_estimate_names_checked():
    fit = fit_scaling_law(*_grid(TRUE, 0.0, 0), n_boot=20)
    with pytest.raises(ValueError, match="name"):
        fit.estimate("gamma")


def _brute(compute, law):
    n = np.geomspace(1, compute / 6, 200_001)  # N, with D = C / (6N)
    return n[np.argmin(law.loss(n, compute / (6 * n)))]


@pytest.mark.parametrize("compute", [1e10, 1e15, 1e21])
def test_compute_optimal_matches_brute_force(compute):
    n, d = compute_optimal(compute, TRUE)
    assert 6 * n * d == pytest.approx(compute, rel=1e-12)
    assert n == pytest.approx(_brute(compute, TRUE), rel=1e-3)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 2.0), st.floats(0.1, 2.0), st.floats(1.0, 1e3), st.floats(1.0, 1e3), st.floats(1e6, 1e24))
def test_compute_optimal_is_a_minimum(alpha, beta, a, b, compute):
    law = ScalingLaw(0.0, a, b, alpha, beta)
    n, d = compute_optimal(compute, law)
    best = law.loss(n, d)
    for f in (0.9, 1.1):
        assert best <= law.loss(n * f, d / f) * (1 + 1e-12)
    # the exponents of the allocation: N_opt ∝ C^(β/(α+β))
    n2, _ = compute_optimal(compute * 10, law)
    assert np.log10(n2 / n) == pytest.approx(beta / (alpha + beta), rel=1e-9)


def test_compute_optimal_refuses_a_non_law():
    with pytest.raises(TypeError, match="law"):
        compute_optimal(1e10, {"A": 1})
    with pytest.raises(ValueError, match="law"):
        compute_optimal(1e10, ScalingLaw(0.0, -1.0, 1.0, 0.5, 0.5))


def test_allocation_exponent():
    fit = fit_scaling_law(*_grid(TRUE, 0.02, 0), n_boot=60)
    est = fit.allocation_exponent()
    assert est.value == pytest.approx(fit.beta / (fit.alpha + fit.beta))
    assert est.covers(0.4 / 0.9)
    assert fit.samples.shape == (fit.n_boot, 5)
