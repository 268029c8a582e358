"""Ratios of measured times: the bootstrap interval, paired timing, alternating phases."""
from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.measure.ratio import (
    PairedTimes,
    flatten_rounds,
    ratio_of_medians,
    time_paired,
    time_phases,
)


def test_exact_ratio_has_a_zero_width_interval():
    den = np.linspace(1.0, 2.0, 31)
    est = ratio_of_medians(2 * den, den)
    assert est.ratio == pytest.approx(2.0)
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
    assert est.ci_low <= est.ratio <= est.ci_high
    assert abs(est.ratio / true_ratio - 1) < 0.05
    assert est.ci_low < true_ratio * 1.05 and est.ci_high > true_ratio * 0.95


def test_deterministic_by_default_and_seedable():
    rng = np.random.default_rng(3)
    a, b = rng.lognormal(size=20), rng.lognormal(size=20)
    assert ratio_of_medians(a, b) == ratio_of_medians(a, b)
    c = ratio_of_medians(a, b, rng=np.random.default_rng(7))
    assert c.ratio == ratio_of_medians(a, b).ratio


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        (dict(numerator=[1.0], denominator=[1.0, 2.0], paired=False), ValueError, "numerator"),
        (dict(numerator=[1.0, 2.0], denominator=[1.0, 2.0, 3.0]), ValueError, "equal lengths"),
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


def test_time_paired_passes_the_value_and_orders_the_steps():
    seen = []

    def first():
        time.sleep(0.001)
        return len(seen)

    def second(v):
        seen.append(v)
        time.sleep(0.003)

    times = time_paired(first, second, repeats=5, warmup=1)
    assert isinstance(times, PairedTimes)
    assert len(times.first) == len(times.second) == 5
    assert seen == list(range(6))  # one warm-up, then five repeats, each given first's value
    est = times.ratio()
    assert 1.5 < est.ratio < 6  # sleeps of 3 ms against 1 ms; generous for a loaded machine
    m1, m2 = times.medians
    assert m2 > m1


def test_time_paired_respects_the_budget():
    times = time_paired(lambda: time.sleep(0.02), lambda v: None, repeats=1000, warmup=0,
                        max_total_s=0.1)
    assert 2 <= len(times.first) < 20


def test_time_paired_rejects_bad_input():
    with pytest.raises(TypeError, match="callable"):
        time_paired(1, lambda v: v)
    with pytest.raises(ValueError, match="repeats"):
        time_paired(lambda: 1, lambda v: v, repeats=1)
    with pytest.raises(ValueError, match="max_total_s"):
        time_paired(lambda: 1, lambda v: v, max_total_s=0)


def test_time_phases_alternates_blocks():
    log = []
    calls = {"a": lambda: log.append("a"), "b": lambda: log.append("b")}
    before = {"b": lambda: log.append("setup-b")}
    out = time_phases(calls, rounds=2, per_round=3, warmup=1, pause_s=0, before_each=before)
    assert set(out) == {"a", "b"}
    assert [len(block) for block in out["a"]] == [3, 3]
    assert len(flatten_rounds(out["b"])) == 6
    block = ["a"] * 4 + ["setup-b"] + ["b"] * 4
    assert log == block * 2


def test_time_phases_rejects_bad_input():
    with pytest.raises(TypeError, match="mapping"):
        time_phases({})
    with pytest.raises(TypeError, match="callable"):
        time_phases({"a": 3})
    with pytest.raises(ValueError, match="unknown"):
        time_phases({"a": lambda: None}, before_each={"b": lambda: None})
    with pytest.raises(ValueError, match="rounds"):
        time_phases({"a": lambda: None}, rounds=0)
    with pytest.raises(ValueError, match="pause_s"):
        time_phases({"a": lambda: None}, pause_s=-1)
