"""A measured number with its confidence interval, and the ratio of two measured times.

Every number the book measures comes with an interval: a fitted exponent
(:func:`~.fit.fit_power_law`) and a ratio of times (:func:`ratio_of_medians`)
are both an :class:`Estimate`, printed the same way ("1.83 (95% CI 1.71 to
1.95)") and checked the same way (``covers``).

"The backward pass takes 1.8× the forward pass" is a claim about two noisy
quantities. :func:`ratio_of_medians` estimates such a ratio as the median of
the numerator's times over the median of the denominator's, with a percentile
bootstrap interval: resample the repeats with replacement (the same indices
for both series when they are paired, i.e. come from the same rounds),
recompute the ratio, and take the central ``confidence`` share of the
resampled ratios. Medians, not means: one repeat disturbed by another process
can be ten times slower, and a median ignores it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import Bool, Int, Positive1D, Real, validate_params

__all__ = ["Estimate", "ratio_of_medians"]


@dataclass(frozen=True)
class Estimate:
    """A measured value and a two-sided confidence interval for it."""

    value: float  # the point estimate: a fitted exponent, a ratio of medians, ...
    ci_low: float  # lower end of the interval
    ci_high: float  # upper end
    confidence: float  # the interval's level, e.g. 0.95

    @property
    def half_width(self) -> float:
        """Half the interval's width: the '±' to report."""
        return (self.ci_high - self.ci_low) / 2

    def covers(self, value: float) -> bool:
        """True if ``value`` lies inside the interval (ends included)."""
        return self.ci_low <= value <= self.ci_high

    def __str__(self) -> str:
        pct = round(100 * self.confidence)
        return f"{self.value:.2f} ({pct}% CI {self.ci_low:.2f} to {self.ci_high:.2f})"


@validate_params(numerator=Positive1D(min_len=2), denominator=Positive1D(min_len=2),
                 paired=Bool(), confidence=Real(below=1), n_boot=Int(minimum=100))
def ratio_of_medians(numerator, denominator, *, paired: bool = True, confidence: float = 0.95,
                     n_boot: int = 2000, rng: np.random.Generator | None = None) -> Estimate:
    """``median(numerator) / median(denominator)`` with a percentile bootstrap interval.

    Parameters
    ----------
    numerator, denominator : array_like, shape (N,) and (M,)
        Positive times (any unit, the same for both), one per repeat; at least 2 each.
    paired : bool
        True when ``numerator[i]`` and ``denominator[i]`` come from the same
        repeat or round (then N == M and both are resampled with the same
        indices); False resamples each series on its own.
    confidence : float
        Level of the two-sided interval, in (0, 1).
    n_boot : int
        Bootstrap resamples (>= 100).
    rng : numpy.random.Generator, optional
        Draws the resamples; default ``numpy.random.default_rng(0)``, so the
        same times always give the same interval.

    Returns
    -------
    Estimate

    Notes
    -----
    Cost: O(n_boot · (N + M)).
    """
    num, den = numerator, denominator
    if paired and num.size != den.size:
        raise ValueError(f"paired numerator and denominator must have equal lengths, "
                         f"got {num.size} and {den.size}")
    if rng is None:
        rng = np.random.default_rng(0)
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    idx_num = rng.integers(0, num.size, size=(n_boot, num.size))  # (n_boot, N) resampled repeats
    idx_den = idx_num if paired else rng.integers(0, den.size, size=(n_boot, den.size))
    boot = np.median(num[idx_num], axis=1) / np.median(den[idx_den], axis=1)  # (n_boot,)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha])
    return Estimate(value=float(np.median(num) / np.median(den)), ci_low=float(low),
                    ci_high=float(high), confidence=confidence)
