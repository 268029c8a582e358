"""Summaries over seeds and runs with a bootstrap interval: a mean, and Kendall's τ of two rankings.

Every result of the search chapter is a statistic of a few seeds or of repeated searches;
each is reported with a percentile-bootstrap interval (resample the units with replacement,
recompute, take the central share), the same recipe as :mod:`nncomplexity.measure.estimate`.

Book: chapter 9.
"""
from __future__ import annotations

import numpy as np

from ..measure.estimate import Estimate

__all__ = ["kendall_tau_ci", "mean_ci"]


def _rng(rng):
    if rng is None:
        return np.random.default_rng(0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng


def mean_ci(values, axis: int = -1, *, confidence: float = 0.95, n_boot: int = 2000,
            rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean along ``axis`` and its bootstrap interval: three arrays (mean, low, high) of the other axes.

    NaNs are ignored (``nanmean``). Cost: O(n_boot · size).
    """
    x = np.moveaxis(np.asarray(values, float), axis, -1)  # (..., n)
    if x.shape[-1] < 2:
        raise ValueError(f"values must hold at least 2 samples along axis {axis}, got {x.shape[-1]}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    idx = _rng(rng).integers(0, x.shape[-1], size=(n_boot, x.shape[-1]))  # (n_boot, n)
    boot = np.nanmean(x[..., idx], axis=-1)  # (..., n_boot)
    a = (1 - confidence) / 2
    return np.nanmean(x, axis=-1), np.nanquantile(boot, a, axis=-1), np.nanquantile(boot, 1 - a, axis=-1)


def kendall_tau_ci(x, y, *, confidence: float = 0.95, n_boot: int = 1000,
                   rng: np.random.Generator | None = None) -> Estimate:
    """Kendall's τ-b of ``x`` against ``y`` (``scipy.stats.kendalltau``) with a bootstrap interval.

    The units (here: architectures) are resampled in pairs. τ = 1: the same order; 0: unrelated.
    Cost: O(n_boot · n log n).
    """
    from scipy.stats import kendalltau

    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 3:
        raise ValueError(f"x and y must be 1-D of one length >= 3, got {x.shape} and {y.shape}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    g = _rng(rng)
    boot = []
    for _ in range(n_boot):
        i = g.integers(0, x.size, size=x.size)
        tau = kendalltau(x[i], y[i]).statistic
        if np.isfinite(tau):
            boot.append(tau)
    a = (1 - confidence) / 2
    low, high = np.quantile(boot, [a, 1 - a])
    return Estimate(float(kendalltau(x, y).statistic), float(low), float(high), confidence)
