"""The α–β model of communication, fitted to measured all-reduce times.

A collective that moves ``B`` bytes takes about ``α + β·B`` seconds: ``α`` the
fixed cost of starting (latency, software overhead, synchronisation), ``β`` the
time per byte. :func:`fit_alpha_beta` fits that straight line by least squares,
with Student-t intervals for both coefficients, and :func:`time_allreduce` makes
the measurements inside a process group: every process runs the same fixed
number of calls (a collective that one process skipped would hang the others),
and the medians of rank 0's times are returned.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import Bool, Positive1D, Real, validate_params
from ..measure.estimate import Estimate

__all__ = ["AlphaBetaFit", "fit_alpha_beta", "time_allreduce"]


@dataclass(frozen=True)
class AlphaBetaFit:
    """``seconds ≈ alpha + beta · bytes``, each coefficient an :class:`Estimate`."""

    alpha: Estimate  # seconds per call, whatever its size
    beta: Estimate  # seconds per byte
    r_squared: float  # share of the variance of the (unweighted) times explained
    n_points: int

    @property
    def bandwidth(self) -> float:
        """``1 / β`` in bytes per second: the effective bandwidth of large messages."""
        return 1.0 / self.beta.value

    def predict(self, n_bytes):
        """The fitted line at ``n_bytes``."""
        return self.alpha.value + self.beta.value * np.asarray(n_bytes, dtype=float)


@validate_params(n_bytes=Positive1D(min_len=3), seconds=Positive1D(), confidence=Real(below=1),
                 relative=Bool())
def fit_alpha_beta(n_bytes, seconds, *, confidence: float = 0.95, relative: bool = True) -> AlphaBetaFit:
    """Least-squares fit of ``seconds = α + β · n_bytes`` with confidence intervals.

    Parameters
    ----------
    n_bytes, seconds : array_like, shape (N,)
        Message sizes and measured times, positive; at least 3 points, two distinct sizes.
    confidence : float
        Level of the two-sided intervals, in (0, 1).
    relative : bool
        Minimise relative errors, ``Σ ((t − α − β n)/t)²`` (default): timing noise is
        roughly proportional to the time, and plain least squares would let the
        largest messages decide everything, ``α`` included. False: plain least squares.

    Returns
    -------
    AlphaBetaFit

    Notes
    -----
    Weighted least squares with weights ``1/t²`` (or 1), intervals from Student's t
    with ``N − 2`` degrees of freedom and the usual covariance ``s² (XᵀWX)⁻¹``.
    Cost: O(N).
    """
    x, y = n_bytes, seconds
    if x.shape != y.shape:
        raise ValueError(f"n_bytes and seconds must have the same length, got {x.size} and {y.size}")
    if np.ptp(x) <= 0:
        raise ValueError("n_bytes must hold at least two distinct values")
    w = 1 / y if relative else np.ones_like(y)  # square roots of the weights
    X = np.column_stack([np.ones_like(x), x]) * w[:, None]  # (N, 2)
    coef, *_ = np.linalg.lstsq(X, y * w, rcond=None)
    alpha, beta = float(coef[0]), float(coef[1])
    resid = (y - (alpha + beta * x)) * w
    dof = x.size - 2
    s2 = float(resid @ resid) / dof if dof > 0 else 0.0
    cov = s2 * np.linalg.inv(X.T @ X)  # (2, 2)
    from scipy.stats import t as student_t

    q = float(student_t.ppf(0.5 + confidence / 2, dof)) if dof > 0 else math.inf
    se_a, se_b = math.sqrt(cov[0, 0]), math.sqrt(cov[1, 1])
    raw = y - (alpha + beta * x)
    syy = float(np.sum((y - y.mean()) ** 2))
    return AlphaBetaFit(
        alpha=Estimate(alpha, alpha - q * se_a, alpha + q * se_a, confidence),
        beta=Estimate(beta, beta - q * se_b, beta + q * se_b, confidence),
        r_squared=1 - float(raw @ raw) / syy if syy > 0 else 1.0,
        n_points=int(x.size),
    )


def time_allreduce(sizes, *, reduce: str = "torch", repeats: int = 9, warmup: int = 2) -> dict[int, float]:
    """Median seconds of one all-reduce of ``n`` float32 numbers, for each ``n`` in ``sizes``.

    Call in every process of a group. Each call is preceded by a barrier, so all
    processes start together, and timed on its own; rank 0's median is returned
    (every process returns it, broadcast from rank 0).

    Parameters
    ----------
    sizes : sequence of int
        Element counts.
    reduce : {"torch", "ring"}
        ``dist.all_reduce`` or the book's :func:`~.ring.ring_allreduce`.
    repeats, warmup : int
        Timed and untimed calls per size, the same on every process.

    Returns
    -------
    dict
        ``{n: median seconds}``.

    Notes
    -----
    Cost: ``(repeats + warmup)·len(sizes)`` all-reduces.
    """
    import time

    import torch
    import torch.distributed as dist

    from .data_parallel import REDUCERS

    if reduce not in REDUCERS:
        raise ValueError(f"reduce must be one of {sorted(REDUCERS)}, got {reduce!r}")
    out = {}
    for n in sizes:
        buf = torch.ones(int(n))  # (n,) float32
        times = []
        for i in range(warmup + repeats):
            dist.barrier()
            start = time.perf_counter()
            REDUCERS[reduce](buf)
            if i >= warmup:
                times.append(time.perf_counter() - start)
        median = torch.tensor([float(np.median(times))], dtype=torch.float64)
        dist.broadcast(median, 0)
        out[int(n)] = float(median)
    return out
