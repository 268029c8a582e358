"""Phrases generated from measurements: each case of the rule, its edges, and bad input."""
from __future__ import annotations

import math

import pytest

from nncomplexity.measure.fit import fit_power_law
from nncomplexity.wording import compare_exponent, compare_speedup


@pytest.mark.parametrize("exponent,expected,lo,hi,phrase", [
    (2.03, 2, 1.99, 2.06, "close to the count's 2"),  # interval holds 2
    (1.88, 2, 1.86, 1.90, "close to the count's 2"),  # outside the interval, within the tolerance
    (1.32, 2, 1.10, 1.54, "below the count's 2"),
    (1.30, 1, 1.25, 1.35, "above the count's 1"),
    (0.62, 1, 0.52, 0.72, "below the count's 1"),
    (-0.1, 1, -0.3, 0.1, "below the count's 1"),  # a negative exponent is a valid measurement
])
def test_compare_exponent(exponent, expected, lo, hi, phrase):
    assert compare_exponent(exponent, expected, lo, hi) == phrase


def test_compare_exponent_on_a_real_fit():
    sizes = [64, 128, 256, 512]
    fit = fit_power_law(sizes, [3e-9 * n**2 for n in sizes])  # an exact square law
    assert compare_exponent(fit.exponent, 2, fit.ci_low, fit.ci_high) == "close to the count's 2"
    assert compare_exponent(fit.exponent, 3, fit.ci_low, fit.ci_high) == "below the count's 3"


@pytest.mark.parametrize("speedup,phrase", [(1.86, "ran 1.86 times as fast"), (1.2, "hardly changed (speed-up 1.20)"),
                                            (0.97, "hardly changed (speed-up 0.97)"),
                                            (0.36, "ran 0.36 times as fast, that is slower")])
def test_compare_speedup(speedup, phrase):
    assert compare_speedup(speedup) == phrase


@pytest.mark.parametrize("args,error,name", [
    ((math.nan, 2, 1, 3), ValueError, "exponent"),
    (("2", 2, 1, 3), TypeError, "exponent"),
    ((2, math.inf, 1, 3), ValueError, "expected"),
    ((2, 2, 2.5, 3), ValueError, "interval"),
    ((2, 2, None, 3), TypeError, "ci_low"),
])
def test_compare_exponent_bad_input(args, error, name):
    with pytest.raises(error, match=name):
        compare_exponent(*args)
    with pytest.raises(ValueError, match="tolerance"):
        compare_exponent(2, 2, 1, 3, tolerance=-0.1)


@pytest.mark.parametrize("speedup,error", [(0, ValueError), (-1.0, ValueError), (math.nan, ValueError),
                                           ("2", TypeError)])
def test_compare_speedup_bad_input(speedup, error):
    with pytest.raises(error, match="speedup"):
        compare_speedup(speedup)
    with pytest.raises(ValueError, match="threshold"):
        compare_speedup(1.0, threshold=1.0)
