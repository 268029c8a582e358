"""Batch size: the gradient noise scale, and the critical batch size fitted from measured steps.

McCandlish et al. (2018) model the steps S and examples E = B·S needed to reach a target with
batch size B (each B with its best step size) by

    S(B) = S_min (1 + B_crit / B),        E(B) = E_min (1 + B / B_crit),    E_min = S_min · B_crit,

so (S/S_min − 1)(E/E_min − 1) = 1: below B_crit a larger batch buys fewer steps almost for free;
above it, it buys few steps and costs examples (and FLOPs) in proportion. They predict
B_crit from gradient statistics, B_simple = tr(Σ)/‖G‖², where G is the full gradient and Σ the
covariance of one example's gradient: a batch of B averages the noise down by B, and B_simple
is where the noise's squared norm equals the signal's.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import Int, Real, check_float_array, validate_params
from ..measure.estimate import Estimate

__all__ = ["CriticalBatch", "fit_critical_batch", "simple_noise_scale"]


def simple_noise_scale(per_example_grads) -> float:
    """B_simple = tr(Σ)/‖G‖² from per-example gradients, shape (m, n), m ≥ 2.

    G is their mean; tr(Σ) the sum of the coordinates' sample variances (ddof = 1); ‖G‖² is
    corrected for the noise in the mean, ‖Ḡ‖² − tr(Σ)/m, so the estimate is not biased low.

    Cost: O(mn).
    """
    g = check_float_array("per_example_grads", per_example_grads, ndim=2)
    m = g.shape[0]
    if m < 2:
        raise ValueError(f"per_example_grads must hold at least 2 examples, got {m}")
    mean = g.mean(axis=0)  # (n,)
    trace = float(g.var(axis=0, ddof=1).sum())
    signal = float(mean @ mean) - trace / m
    if signal <= 0:
        raise ValueError("the mean gradient is indistinguishable from noise: ‖G‖² ≤ tr(Σ)/m")
    return trace / signal


@dataclass(frozen=True)
class CriticalBatch:
    """The fitted S(B) = S_min (1 + B_crit/B), each constant with a bootstrap interval over seeds."""

    s_min: Estimate     # the fewest steps any batch size can reach the target in
    b_crit: Estimate    # the batch size at which S = 2·S_min and E = 2·E_min
    batch_sizes: np.ndarray  # (b,) the B measured
    steps: np.ndarray        # (b,) median steps over seeds at each B

    def predict(self, batch_sizes) -> np.ndarray:
        """S(B) of the fit (point estimates)."""
        return self.s_min.value * (1.0 + self.b_crit.value / np.asarray(batch_sizes, dtype=float))


def _fit(inv_b: np.ndarray, steps: np.ndarray) -> tuple[float, float]:
    # S = a + c/B is linear in 1/B; fit the logs (S spans decades) by Gauss-Newton from the linear fit.
    a, c = np.linalg.lstsq(np.column_stack([np.ones_like(inv_b), inv_b]), steps, rcond=None)[0]
    a, c = max(a, 1e-9 * steps.min()), max(c, 0.0)
    for _ in range(50):
        pred = a + c * inv_b
        r = np.log(steps) - np.log(pred)  # (b,)
        J = np.column_stack([1.0 / pred, inv_b / pred])  # d log(pred) / d(a, c)
        da, dc = np.linalg.lstsq(J, r, rcond=None)[0]
        a, c = max(a + da, 1e-9 * steps.min()), max(c + dc, 0.0)
        if abs(da) < 1e-12 * a and abs(dc) <= 1e-12 * max(c, 1.0):
            break
    return a, c / a


@validate_params(confidence=Real(below=1.0), resamples=Int(minimum=10), seed=Int(minimum=0))
def fit_critical_batch(batch_sizes, steps, *, confidence: float = 0.95, resamples: int = 1000,
                       seed: int = 0) -> CriticalBatch:
    """Fit S(B) = S_min (1 + B_crit/B) to steps measured at several batch sizes and seeds.

    Parameters
    ----------
    batch_sizes : array_like, shape (b,)
        Distinct positive batch sizes, b ≥ 3.
    steps : array_like, shape (b, s)
        Steps to the target at each batch size (rows) for each of s ≥ 2 seeds (columns).

    Returns
    -------
    CriticalBatch
        Point estimates from the medians over seeds; intervals from resampling the seeds
        (columns) with replacement and refitting (percentile bootstrap).
    """
    B = np.asarray(batch_sizes, dtype=float)
    S = np.asarray(steps, dtype=float)
    if B.ndim != 1 or B.size < 3 or np.any(B <= 0) or np.unique(B).size != B.size:
        raise ValueError(f"batch_sizes must be at least 3 distinct positive numbers, got {batch_sizes!r}")
    if S.ndim != 2 or S.shape[0] != B.size or S.shape[1] < 2:
        raise ValueError(f"steps must have shape ({B.size}, seeds >= 2), got {S.shape}")
    if not np.all(np.isfinite(S)) or np.any(S <= 0):
        raise ValueError("steps must be positive and finite (a run that missed the target has no step count)")
    rng = np.random.default_rng(seed)
    median = np.median(S, axis=1)  # (b,)
    s_min, b_crit = _fit(1.0 / B, median)
    boot = np.array([_fit(1.0 / B, np.median(S[:, rng.integers(0, S.shape[1], S.shape[1])], axis=1))
                     for _ in range(resamples)])  # (resamples, 2)
    lo, hi = np.quantile(boot, [(1 - confidence) / 2, (1 + confidence) / 2], axis=0)
    return CriticalBatch(Estimate(s_min, lo[0], hi[0], confidence), Estimate(b_crit, lo[1], hi[1], confidence),
                         B, median)
