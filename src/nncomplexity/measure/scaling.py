"""A scaling law ``L(N, D) = E + A/N^α + B/D^β`` fitted to runs, with bootstrap intervals.

Hoffmann et al. (2022) model the loss of a model of N parameters trained on D
tokens as an irreducible loss E plus one power law that falls with size and one
that falls with data. Given the final losses of a grid of runs,
:func:`fit_scaling_law` finds the five numbers by least squares on the
*logarithm* of the loss (a run with loss 0.3 counts as much as one with 3),
from several starting points (the problem is not convex), and gives each
number a percentile bootstrap interval: resample the runs with replacement,
refit, and take the central ``confidence`` share of the refitted values.

E and the power-law terms trade off against each other when the data cannot
tell a slowly falling term from a constant, so wide intervals for E, A or α are
information, not a bug.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validate import Int, Positive1D, Real, validate_params
from .estimate import Estimate

__all__ = ["ScalingLaw", "ScalingLawFit", "fit_scaling_law"]

PARAMETERS = ("E", "A", "B", "alpha", "beta")


class _Runs(Positive1D):
    """Positive, finite, one per run, at least 6 (more runs than the law's five numbers)."""

    def __init__(self):
        super().__init__(min_len=6)

    def example(self):
        return [10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0]


@dataclass(frozen=True)
class ScalingLaw:
    """``L(N, D) = E + A / N**alpha + B / D**beta``: loss of N parameters trained on D examples."""

    E: float      # irreducible loss (what infinite size and data would leave)
    A: float      # scale of the finite-size term
    B: float      # scale of the finite-data term
    alpha: float  # exponent of size, α
    beta: float   # exponent of data, β

    def loss(self, n_params, n_tokens):
        """The law at ``(N, D)`` (broadcasts over arrays)."""
        n = np.asarray(n_params, dtype=float)
        d = np.asarray(n_tokens, dtype=float)
        return self.E + self.A / n ** self.alpha + self.B / d ** self.beta


@dataclass(frozen=True)
class ScalingLawFit(ScalingLaw):
    """A :class:`ScalingLaw` fitted to runs, with a bootstrap interval for each of its five numbers."""

    intervals: dict = field(default_factory=dict)  # name -> (low, high), names as in PARAMETERS
    confidence: float = 0.95   # level of the intervals
    rmse_log: float = 0.0      # root-mean-square residual of log L at the fit
    n_points: int = 0          # runs used
    n_boot: int = 0            # bootstrap refits behind the intervals
    samples: np.ndarray | None = field(default=None, repr=False, compare=False)  # (n_boot, 5) the refits

    def estimate(self, name: str) -> Estimate:
        """One of ``E, A, B, alpha, beta`` as an :class:`~.estimate.Estimate` (value and interval)."""
        if name not in PARAMETERS:
            raise ValueError(f"name must be one of {list(PARAMETERS)}, got {name!r}")
        low, high = self.intervals[name]
        return Estimate(value=float(getattr(self, name)), ci_low=low, ci_high=high,
                        confidence=self.confidence)

    def allocation_exponent(self) -> Estimate:
        """a = β/(α + β), with N_opt ∝ C^a under 6ND = C; its interval from the same bootstrap refits."""
        a = self.samples[:, 4] / (self.samples[:, 3] + self.samples[:, 4])  # (n_boot,)
        q = (1 - self.confidence) / 2
        low, high = np.quantile(a, [q, 1 - q])
        return Estimate(value=self.beta / (self.alpha + self.beta), ci_low=float(low), ci_high=float(high),
                        confidence=self.confidence)


def _solve(log_n, log_d, log_l, starts):
    """Best least-squares fit of log L over ``starts``; returns (theta, rss), theta = (e, a, b, α, β)."""
    from scipy.optimize import least_squares

    def terms(th):
        e, a, b, al, be = th
        return np.stack([np.full_like(log_n, e), a - al * log_n, b - be * log_d])  # (3, P) logs

    def resid(th):
        return np.logaddexp.reduce(terms(th), axis=0) - log_l  # log(E + A/N^α + B/D^β) − log L

    def jac(th):
        t = terms(th)
        w = np.exp(t - np.logaddexp.reduce(t, axis=0))  # (3, P): each term's share of the law
        return np.stack([w[0], w[1], w[2], -w[1] * log_n, -w[2] * log_d], axis=1)  # (P, 5)

    best, best_rss = None, np.inf
    lower, upper = [-30.0, -30.0, -30.0, 0.0, 0.0], [10.0, 60.0, 60.0, 4.0, 4.0]
    for th0 in starts:
        sol = least_squares(resid, th0, jac=jac, bounds=(lower, upper), method="trf", x_scale="jac")
        rss = float(sol.fun @ sol.fun)
        if rss < best_rss:
            best, best_rss = sol.x, rss
    return best, best_rss


@validate_params(n_params=_Runs(), n_tokens=_Runs(), loss=_Runs(),
                 confidence=Real(below=1), n_boot=Int(minimum=20), seed=Int(minimum=0))
def fit_scaling_law(n_params, n_tokens, loss, *, confidence: float = 0.95, n_boot: int = 200,
                    seed: int = 0) -> ScalingLawFit:
    """Fit ``L = E + A/N^α + B/D^β`` to runs of N parameters on D examples with final loss L.

    Parameters
    ----------
    n_params, n_tokens, loss : array_like, shape (P,)
        One entry per run: its size N, its data D (examples or tokens seen) and its
        final loss L, all positive and finite; P >= 6 (more runs than the law's five
        numbers) with at least two distinct N and two distinct D.
    confidence : float
        Level of the two-sided intervals, in (0, 1).
    n_boot : int
        Bootstrap refits (>= 20); each refit starts from the full fit.
    seed : int
        Seeds the resampling (``numpy.random.default_rng(seed)``): the same runs
        always give the same intervals.

    Returns
    -------
    ScalingLawFit
        ``E, A, B, alpha, beta``, their ``intervals``, the RMS log residual.

    Raises
    ------
    ValueError
        Fewer than 6 runs, lengths that differ, non-positive or non-finite values,
        a single distinct N or D, or ``confidence`` outside (0, 1).

    Notes
    -----
    Cost: O(starts + n_boot) least-squares solves of P residuals each (SciPy's
    trust-region reflective solver); about a second for P = 50 and ``n_boot`` = 200.
    """
    if not n_params.shape == n_tokens.shape == loss.shape:
        raise ValueError(f"n_params, n_tokens and loss must have the same length, got "
                         f"{n_params.size}, {n_tokens.size} and {loss.size}")
    if np.unique(n_params).size < 2 or np.unique(n_tokens).size < 2:
        raise ValueError("n_params and n_tokens must each hold at least two distinct values")
    log_n, log_d, log_l = np.log(n_params), np.log(n_tokens), np.log(loss)
    floor = float(np.log(loss.min()))
    starts = [np.array([e, floor + al * log_n.mean(), floor + be * log_d.mean(), al, be])
              for e in (floor - 3.0, floor - 0.7) for al in (0.3, 1.0) for be in (0.3, 1.0)]
    theta, rss = _solve(log_n, log_d, log_l, starts)
    rng = np.random.default_rng(seed)
    P = loss.size
    boot = []
    for _ in range(n_boot):
        idx = rng.integers(0, P, size=P)  # (P,) resampled runs
        if np.unique(n_params[idx]).size < 2 or np.unique(n_tokens[idx]).size < 2:
            continue  # a resample that cannot identify both terms says nothing; skip it
        th, _ = _solve(log_n[idx], log_d[idx], log_l[idx], [theta])
        boot.append(th)
    boot = np.exp(np.array(boot)[:, :3]), np.array(boot)[:, 3:]  # (K, 3) E, A, B; (K, 2) α, β
    values = np.hstack(boot)  # (K, 5)
    q = (1 - confidence) / 2
    low, high = np.quantile(values, [q, 1 - q], axis=0)  # (5,) each
    point = [*np.exp(theta[:3]), *theta[3:]]
    return ScalingLawFit(
        E=float(point[0]), A=float(point[1]), B=float(point[2]), alpha=float(point[3]), beta=float(point[4]),
        intervals={k: (float(lo), float(hi)) for k, lo, hi in zip(PARAMETERS, low, high)},
        confidence=confidence, rmse_log=float(np.sqrt(rss / P)), n_points=int(P), n_boot=len(values),
        samples=values)
