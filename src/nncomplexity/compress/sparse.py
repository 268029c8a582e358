"""Where a sparse kernel overtakes the dense one: a crossover read from measured ratios.

Given, at growing sparsity s, the measured ratio ρ(s) = time(sparse) / time(dense)
with a confidence interval, the crossover is the s at which ρ first falls to 1,
by linear interpolation between the two measured sparsities around it. Its
interval comes from the same reading on the interval's ends: the upper curve
crosses later, the lower one earlier.

Book: chapter 8, {prf:ref}`thm-sparse-cost`.
"""
from __future__ import annotations

import math

import numpy as np

from .._validate import Positive1D, check_positive_array, validate_params
from ..measure.estimate import Estimate

__all__ = ["crossover"]


def _first_crossing(x: np.ndarray, y: np.ndarray) -> float:
    """First x where y (> 1 before) reaches 1, interpolated; x[0] if y[0] <= 1, inf if never."""
    if y[0] <= 1:
        return float(x[0])
    for i in range(1, len(x)):
        if y[i] <= 1:
            return float(x[i - 1] + (y[i - 1] - 1) / (y[i - 1] - y[i]) * (x[i] - x[i - 1]))
    return math.inf


@validate_params(ratio=Positive1D(min_len=2), ratio_low=Positive1D(min_len=2), ratio_high=Positive1D(min_len=2))
def crossover(sparsity, ratio, ratio_low, ratio_high, confidence: float = 0.95) -> Estimate:
    """The sparsity at which time(sparse) / time(dense) first drops to 1, with an interval.

    Parameters
    ----------
    sparsity : array_like, shape (N,), increasing, in (0, 1]
    ratio : array_like, shape (N,)
        Measured ratio of medians at each sparsity (e.g. ``Sweep.ratio(...).value``).
    ratio_low, ratio_high : array_like, shape (N,)
        Its confidence interval's ends.
    confidence : float
        The level of those intervals, carried to the result.

    Returns
    -------
    Estimate
        value from ``ratio``, ci_low from ``ratio_low`` and ci_high from ``ratio_high``;
        ``inf`` where a curve never reaches 1 within the measured sparsities.

    Cost: O(N).
    """
    x, y, lo, hi = check_positive_array("sparsity", sparsity), ratio, ratio_low, ratio_high
    if not (len(x) == len(y) == len(lo) == len(hi)):
        raise ValueError(f"sparsity, ratio, ratio_low and ratio_high must have equal lengths, got "
                         f"{len(x)}, {len(y)}, {len(lo)}, {len(hi)}")
    if np.any(np.diff(x) <= 0) or x[-1] > 1:
        raise ValueError("sparsity must be increasing and at most 1")
    if np.any(lo > y) or np.any(hi < y):
        raise ValueError("ratio_low <= ratio <= ratio_high must hold at every sparsity")
    return Estimate(value=_first_crossing(x, y), ci_low=_first_crossing(x, lo),
                    ci_high=_first_crossing(x, hi), confidence=confidence)
