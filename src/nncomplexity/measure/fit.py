"""Power-law fits on log-log axes, with a confidence interval for the exponent.

If a cost grows like ``y = c · x^p`` then ``log y = log c + p · log x``: a
straight line whose slope is the exponent ``p``. Ordinary least squares on the
logarithms gives ``p``; under the usual assumption of independent, normally
distributed errors on ``log y`` (multiplicative noise on ``y``), the slope's
standard error and Student's t distribution with ``N - 2`` degrees of freedom
give an exact confidence interval. The fit is an :class:`~.estimate.Estimate`
of the exponent, printed and checked like every other measured number.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import Positive1D, Real, validate_params
from .estimate import Estimate

__all__ = ["ExponentialFit", "PowerLawFit", "fit_exponential", "fit_power_law"]


@dataclass(frozen=True)
class PowerLawFit(Estimate):
    """``y ≈ prefactor · x ** exponent``, fitted on log-log axes; an estimate of the exponent.

    ``value`` (also ``exponent``), ``ci_low``, ``ci_high`` and ``confidence``
    are the exponent's :class:`~.estimate.Estimate`.
    """

    prefactor: float  # c in y = c·x^p
    stderr: float  # standard error of p
    r_squared: float  # fraction of the variance of log y explained
    n_points: int  # points used

    @property
    def exponent(self) -> float:
        """The fitted slope p on log-log axes (the estimate's ``value``)."""
        return self.value

    def predict(self, x):
        """The fitted curve at ``x``."""
        return self.prefactor * np.asarray(x, dtype=float) ** self.exponent


@validate_params(x=Positive1D(min_len=3), y=Positive1D(), confidence=Real(below=1))
def fit_power_law(x, y, *, confidence: float = 0.95) -> PowerLawFit:
    """Fit ``y = c · x^p`` by least squares on ``(log x, log y)``.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        Positive, finite values; at least 3 points with two distinct ``x``.
    confidence : float
        Level of the two-sided interval for the exponent, in (0, 1).

    Returns
    -------
    PowerLawFit
        Exponent, its confidence interval, prefactor and goodness of fit.

    Raises
    ------
    ValueError
        Fewer than 3 points, mismatched lengths, non-positive or non-finite
        values, all ``x`` equal, or ``confidence`` outside (0, 1).

    Notes
    -----
    Cost: O(N).
    """
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    slope, intercept, stderr, r2, half = _line(np.log(x), np.log(y), confidence)
    return PowerLawFit(value=slope, ci_low=slope - half, ci_high=slope + half, prefactor=math.exp(intercept),
                       stderr=stderr, r_squared=r2, n_points=int(x.size), confidence=confidence)


def _line(u: np.ndarray, v: np.ndarray, confidence: float) -> tuple[float, float, float, float, float]:
    """Least-squares line v ≈ a + b·u: (b, a, stderr of b, R², half-width of b's t-interval).

    The one fit behind power laws (log-log) and exponentials (semi-log).
    """
    u_mean = u.mean()
    suu = float(np.sum((u - u_mean) ** 2))
    if suu <= 1e-300:
        raise ValueError("x must hold at least two distinct values")
    slope = float(np.sum((u - u_mean) * (v - v.mean())) / suu)
    intercept = float(v.mean() - slope * u_mean)
    resid = v - (intercept + slope * u)
    dof = u.size - 2
    rss = float(resid @ resid)
    stderr = math.sqrt(rss / dof / suu) if dof > 0 else math.inf
    tss = float(np.sum((v - v.mean()) ** 2))
    r2 = 1.0 - rss / tss if tss > 0 else 1.0
    return slope, intercept, stderr, r2, _student_t_quantile(0.5 + confidence / 2, dof) * stderr


def _student_t_quantile(p: float, dof: int) -> float:
    """Quantile of Student's t distribution (SciPy, which scikit-learn brings)."""
    from scipy.stats import t

    return float(t.ppf(p, dof))


@dataclass(frozen=True)
class ExponentialFit(Estimate):
    """``y ≈ prefactor · exp(rate · x)``, fitted on semi-log axes; an estimate of the rate.

    ``value`` (also ``rate``), ``ci_low``, ``ci_high`` and ``confidence`` are the rate's
    :class:`~.estimate.Estimate`: the growth of ``ln y`` per unit of ``x``.
    """

    prefactor: float  # c in y = c·exp(r·x)
    stderr: float  # standard error of r
    r_squared: float  # fraction of the variance of log y explained
    n_points: int  # points used

    @property
    def rate(self) -> float:
        """The fitted slope r of ``ln y`` against ``x`` (the estimate's ``value``)."""
        return self.value

    @property
    def doubling(self) -> float:
        """How much ``x`` must grow for ``y`` to double: ln 2 / r (inf when r <= 0)."""
        return math.log(2) / self.value if self.value > 0 else math.inf

    def predict(self, x):
        """The fitted curve at ``x``."""
        return self.prefactor * np.exp(self.rate * np.asarray(x, dtype=float))


@validate_params(x=Positive1D(min_len=3), y=Positive1D(), confidence=Real(below=1))
def fit_exponential(x, y, *, confidence: float = 0.95) -> ExponentialFit:
    """Fit ``y = c · exp(r · x)`` by least squares on ``(x, log y)``: exponential growth with a CI.

    The semi-log twin of :func:`fit_power_law`: a cost that grows exponentially in ``x`` is a
    straight line of slope r on axes (x, ln y), and the same t-interval applies to r.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        Positive, finite values; at least 3 points with two distinct ``x``.
    confidence : float
        Level of the two-sided interval for the rate, in (0, 1).

    Returns
    -------
    ExponentialFit
        Rate, its confidence interval, prefactor, goodness of fit; ``doubling`` = ln 2 / r.

    Notes
    -----
    Cost: O(N).
    """
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    rate, intercept, stderr, r2, half = _line(x, np.log(y), confidence)
    # c = e^intercept at x = 0, which may lie far from the data (years, say): inf when beyond float range
    prefactor = math.exp(intercept) if intercept < math.log(np.finfo(float).max) else math.inf
    return ExponentialFit(value=rate, ci_low=rate - half, ci_high=rate + half, prefactor=prefactor,
                          stderr=stderr, r_squared=r2, n_points=int(x.size), confidence=confidence)
