"""Ratios of measured times: the estimate type, the bootstrap interval, ratios of timed rounds."""
from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.measure.estimate import Estimate, ratio_of_medians
from nncomplexity.measure.rounds import time_rounds
from nncomplexity.measure.sweep import Sweep
from nncomplexity.measure.timing import Timing


def test_exact_ratio_has_a_zero_width_interval():
    den = np.linspace(1.0, 2.0, 31)
    est = ratio_of_medians(2 * den, den)
    assert isinstance(est, Estimate)
    assert est.value == pytest.approx(2.0)
    # paired: every resample has ratio exactly 2
    assert est.ci_low == pytest.approx(2.0) and est.ci_high == pytest.approx(2.0)
    assert est.covers(2.0) and est.half_width == pytest.approx(0.0, abs=1e-12)
    assert str(est) == "2.00 (95% CI 2.00 to 2.00)"


def test_unpaired_interval_is_wider_than_paired_for_correlated_noise():
    rng = np.random.default_rng(1)
    load = rng.lognormal(0, 0.3, size=60)  # a common factor: the machine's load
    den = 1.0 * load
    num = 1.8 * load * rng.lognormal(0, 0.02, size=60)
    paired = ratio_of_medians(num, den, paired=True)
    unpaired = ratio_of_medians(num, den, paired=False)
    assert paired.covers(1.8)
    assert paired.half_width < unpaired.half_width


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.2, 5.0))
def test_interval_covers_true_ratio_for_low_noise(seed, true_ratio):
    rng = np.random.default_rng(seed)
    den = rng.lognormal(0, 0.01, size=40)
    num = true_ratio * rng.lognormal(0, 0.01, size=40)
    est = ratio_of_medians(num, den, paired=False)
    assert est.ci_low <= est.value <= est.ci_high
    assert abs(est.value / true_ratio - 1) < 0.05
    assert est.ci_low < true_ratio * 1.05 and est.ci_high > true_ratio * 0.95


def test_deterministic_by_default_and_seedable():
    rng = np.random.default_rng(3)
    a, b = rng.lognormal(size=20), rng.lognormal(size=20)
    assert ratio_of_medians(a, b) == ratio_of_medians(a, b)
    c = ratio_of_medians(a, b, rng=np.random.default_rng(7))
    assert c.value == ratio_of_medians(a, b).value


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(numerator=[1.0], denominator=[1.0, 2.0], paired=False), ValueError, "numerator"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0, 3.0]), ValueError, "equal lengths"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0]), ValueError, "denominator"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0], confidence=0), ValueError, "confidence"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0], n_boot=100.0), TypeError, "n_boot"),
        (dict(numerator=[1.0, -2.0], denominator=[1.0, 2.0]), ValueError, "positive"),
        (dict(numerator=[1.0, float("nan")], denominator=[1.0, 2.0]), ValueError, "finite"),
        (dict(numerator=[[1.0, 2.0]], denominator=[1.0, 2.0]), ValueError, "one-dimensional"),
        (dict(numerator=["a", "b"], denominator=[1.0, 2.0]), TypeError, "numerator"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0], confidence=1.0), ValueError, "confidence"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0], n_boot=10), ValueError, "n_boot"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0], paired="yes"), TypeError, "paired"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0], rng=3), TypeError, "rng"),
    ],
)
def test_ratio_rejects_bad_input(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        ratio_of_medians(**kwargs)


def test_estimate_prints_and_covers():
    est = Estimate(value=1.8, ci_low=1.7, ci_high=1.95, confidence=0.9)
    assert str(est) == "1.80 (90% CI 1.70 to 1.95)"
    assert est.covers(1.7) and est.covers(1.95) and not est.covers(2.0)
    assert est.half_width == pytest.approx(0.125)


def test_paired_steps_give_their_ratio():
    """Forward then backward, back to back in each round: the ratio of the sleeps."""
    def first():
        time.sleep(0.001)
        return 1

    def second(v):
        time.sleep(0.003)

    times = time_rounds({"forward": first, "backward": second}, chain=True, repeats=7, warmup=1)
    est = times.ratio("backward", "forward")  # paired: the rounds were interleaved
    assert isinstance(est, Estimate) and est.ci_low <= est.value <= est.ci_high
    assert 1.5 < est.value < 6  # sleeps of 3 ms against 1 ms; generous for a loaded machine
    assert times["backward"].median > times["forward"].median


def test_ratio_of_two_timings_pairs_rounds_only():
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]
    timings = (Timing.from_samples(a, 1, 0), Timing.from_samples(b, 1, 0))
    rounds = Sweep(("a", "b"), timings, (), 1.0, 0.1, interleaved=True)
    assert rounds.ratio("b", "a") == ratio_of_medians(b, a, paired=True)
    assert rounds.ratio("b", "a").half_width == pytest.approx(0.0)  # the pairs agree exactly
    assert rounds.ratio("b", "a", paired=False) == ratio_of_medians(b, a, paired=False)
    one_after_other = Sweep(("a", "b"), timings, (), 1.0, 0.1)  # a sweep: not paired by default
    assert one_after_other.ratio("b", "a") == ratio_of_medians(b, a, paired=False)
    with pytest.raises(KeyError, match="'c' was not measured"):
        rounds.ratio("c", "a")
