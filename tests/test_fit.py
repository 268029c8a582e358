"""The power-law fit: exact on noiseless data, honest intervals on noisy data."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.measure.estimate import Estimate
from nncomplexity.measure.fit import PowerLawFit, fit_power_law


def test_recovers_cubic_exponent_from_noiseless_data():
    n = np.array([32, 64, 128, 256, 512, 1024])
    fit = fit_power_law(n, 7.5 * n.astype(float) ** 3)
    assert fit.exponent == pytest.approx(3.0, abs=1e-9)
    assert abs(fit.exponent - 3.00) <= 0.01 and fit.half_width <= 0.01
    assert fit.prefactor == pytest.approx(7.5, rel=1e-9)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.covers(3.0)
    assert isinstance(fit, Estimate) and fit.value == fit.exponent  # the exponent's estimate
    assert fit.predict(2.0) == pytest.approx(7.5 * 8)


@settings(max_examples=50, deadline=None)
@given(p=st.floats(-3, 5), c=st.floats(1e-6, 1e6), n_points=st.integers(3, 12))
def test_recovers_any_exponent_without_noise(p, c, n_points):
    x = np.geomspace(2, 2000, n_points)
    fit = fit_power_law(x, c * x**p)
    assert fit.exponent == pytest.approx(p, abs=1e-8)


def test_interval_covers_true_exponent_about_95_percent_of_the_time():
    """Multiplicative log-normal noise meets the fit's assumptions exactly, so the
    95% interval should contain the true exponent in 95% of seeds; with 2000 seeds
    the observed rate lies within ±1.5 points of 95% with >99.9% probability."""
    x = np.array([16, 32, 64, 128, 256, 512], dtype=float)
    hits = 0
    seeds = 2000
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        y = 3e-9 * x**3 * np.exp(rng.normal(0, 0.2, x.size))
        hits += fit_power_law(x, y).covers(3.0)
    coverage = hits / seeds
    assert 0.935 <= coverage <= 0.965, coverage


def test_confidence_level_changes_width():
    rng = np.random.default_rng(1)
    x = np.geomspace(10, 1000, 8)
    y = x**2 * np.exp(rng.normal(0, 0.1, x.size))
    narrow, wide = fit_power_law(x, y, confidence=0.5), fit_power_law(x, y, confidence=0.99)
    assert wide.half_width > narrow.half_width
    assert narrow.exponent == wide.exponent
    assert "95% CI" in str(fit_power_law(x, y))


@pytest.mark.parametrize("x, y, match", [
    ([1, 2], [1, 4], "x must hold at least 3"),
    ([1, 2, 3], [1, 4], "same length"),
    ([0, 2, 3], [1, 4, 9], "x must be positive"),
    ([1, 2, 3], [1, -4, 9], "y must be positive"),
    ([1, 2, math.nan], [1, 4, 9], "x must be finite"),
    ([1, 2, 3], [1, math.inf, 9], "y must be finite"),
    ([2, 2, 2], [1, 4, 9], "two distinct values"),
    ([[1, 2, 3]], [[1, 4, 9]], "one-dimensional"),
])
def test_bad_input_is_a_clear_value_error(x, y, match):
    with pytest.raises(ValueError, match=match):
        fit_power_law(x, y)


def test_bad_confidence():
    with pytest.raises(ValueError, match="confidence"):
        fit_power_law([1, 2, 3], [1, 2, 3], confidence=1.0)
    with pytest.raises(ValueError, match="confidence"):
        fit_power_law([1, 2, 3], [1, 2, 3], confidence=0.0)
    with pytest.raises(TypeError, match="confidence"):
        fit_power_law([1, 2, 3], [1, 2, 3], confidence="95%")
    with pytest.raises(TypeError, match="x must be a sequence of numbers"):
        fit_power_law(["a", "b", "c"], [1, 2, 3])


def test_str_is_the_estimates():
    fit = fit_power_law([1, 2, 4, 8], [1, 8, 64, 512])
    assert isinstance(fit, PowerLawFit)
    assert str(fit) == "3.00 (95% CI 3.00 to 3.00)"
