"""How fast training compute grows: a log-linear fit over years, and its doubling time with an interval.

If compute grows exponentially, ``log2 C = c + s · year`` is a straight line whose
slope s is the number of doublings per year, so the doubling time is ``12 / s``
months. The fit is :func:`~nncomplexity.measure.fit.fit_exponential` (ordinary least squares
of ln C on the year, s = r / ln 2, with Student's t on ``P − 2`` degrees of freedom); since ``12 / s`` is monotone in s, the ends of s's
interval map to the ends of the doubling time's (swapped). Sevilla et al. (2022)
fit the same line to about a hundred models.
"""
from __future__ import annotations

import math

import numpy as np

from .._validate import Positive1D, Real, validate_params
from ..measure.estimate import Estimate
from ..measure.fit import fit_exponential

__all__ = ["fit_doubling_time"]


@validate_params(years=Positive1D(min_len=3), flops=Positive1D(min_len=3), confidence=Real(below=1))
def fit_doubling_time(years, flops, *, confidence: float = 0.95) -> Estimate:
    """Doubling time, in months, of ``flops`` against ``years`` from a least-squares line of log2 FLOPs.

    Parameters
    ----------
    years : array_like, shape (P,)
        Year of each model (fractions allowed), at least 3, two distinct.
    flops : array_like, shape (P,)
        Its training FLOPs, positive and finite.
    confidence : float
        Level of the two-sided interval, in (0, 1).

    Returns
    -------
    Estimate
        Doubling time in months. When the slope's interval reaches 0 or below (no
        significant growth), the upper end is ``inf``.

    Cost: O(P).

    Book: chapter 6, {prf:ref}`def-doubling-time`.
    """
    if years.shape != flops.shape:
        raise ValueError(f"years and flops must have the same length, got {years.size} and {flops.size}")
    if np.ptp(years) == 0:
        raise ValueError("years must hold at least two distinct values")
    fit = fit_exponential(years, flops, confidence=confidence)  # ln C = c + r · year
    if fit.rate <= 0:
        raise ValueError(f"flops do not grow with years (slope {fit.rate / math.log(2):.3g} doublings per year)")
    months = 12 * math.log(2)  # a doubling takes ln 2 / r years
    return Estimate(value=months / fit.rate, ci_low=months / fit.ci_high,
                    ci_high=months / fit.ci_low if fit.ci_low > 0 else math.inf, confidence=confidence)
