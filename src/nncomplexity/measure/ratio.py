"""Ratios of two measured times, with a confidence interval.

"The backward pass takes 1.8× the forward pass" is a claim about two noisy
quantities. This module measures such a ratio so that the noise shows:

1. **Paired repeats** (:func:`time_paired`): each repeat times ``first()`` and
   then ``second(first's result)`` back to back, e.g. a forward pass and the
   backward pass that consumes it. Both times of one repeat share the state
   of the machine (its load, its clock speed, its caches), so the pair varies
   together and their ratio is steadier than either time.
2. **Alternating phases** (:func:`time_phases`): to compare two libraries that
   both start worker threads (NumPy's OpenBLAS, PyTorch's OpenMP), run each in
   its own block of calls, with a pause between blocks so the idle threads of
   one library stop spinning before the other starts, and alternate the blocks
   over several rounds so a slow drift of the machine's load hits both.
3. **The estimate** (:func:`ratio_of_medians`): median of the numerator's
   times over median of the denominator's, with a percentile bootstrap
   interval: resample the repeats with replacement (the same indices for both
   series when they are paired), recompute the ratio, and take the central
   ``confidence`` share of the resampled ratios.

Medians, not means: one repeat disturbed by another process can be ten times
slower, and a median ignores it.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import check_int, check_positive_array, check_positive_float

__all__ = [
    "PairedTimes", "RatioEstimate", "flatten_rounds", "ratio_of_medians", "time_paired", "time_phases",
]


@dataclass(frozen=True)
class RatioEstimate:
    """A ratio of medians and its bootstrap confidence interval."""

    ratio: float  # median(numerator) / median(denominator)
    ci_low: float  # lower end of the percentile bootstrap interval
    ci_high: float  # upper end
    confidence: float  # e.g. 0.95
    n_numerator: int  # repeats in the numerator
    n_denominator: int  # repeats in the denominator
    paired: bool  # whether the repeats were resampled as pairs

    @property
    def half_width(self) -> float:
        """Half the interval's width: the '±' to report."""
        return (self.ci_high - self.ci_low) / 2

    def covers(self, value: float) -> bool:
        """True if ``value`` lies inside the interval."""
        return self.ci_low <= value <= self.ci_high

    def __str__(self) -> str:
        pct = round(100 * self.confidence)
        return f"{self.ratio:.2f} ({pct}% CI {self.ci_low:.2f} to {self.ci_high:.2f})"


def _as_times(name: str, values) -> np.ndarray:
    arr = check_positive_array(name, values)
    if arr.size < 2:
        raise ValueError(f"{name} must hold at least 2 repeats for an interval, got {arr.size}")
    return arr


def ratio_of_medians(
    numerator,
    denominator,
    *,
    paired: bool = True,
    confidence: float = 0.95,
    n_boot: int = 2000,
    rng: np.random.Generator | None = None,
) -> RatioEstimate:
    """``median(numerator) / median(denominator)`` with a percentile bootstrap interval.

    Parameters
    ----------
    numerator, denominator : array_like, shape (N,) and (M,)
        Positive times (any unit, the same for both), one per repeat.
    paired : bool
        True when ``numerator[i]`` and ``denominator[i]`` come from the same
        repeat (then N == M and both are resampled with the same indices);
        False resamples each series on its own.
    confidence : float
        Level of the two-sided interval, in (0, 1).
    n_boot : int
        Bootstrap resamples (>= 100).
    rng : numpy.random.Generator, optional
        Draws the resamples; default ``numpy.random.default_rng(0)``, so the
        same times always give the same interval.

    Returns
    -------
    RatioEstimate

    Cost: O(n_boot · (N + M)).
    """
    num = _as_times("numerator", numerator)
    den = _as_times("denominator", denominator)
    if not isinstance(paired, bool):
        raise TypeError(f"paired must be a bool, got {type(paired).__name__}")
    if paired and num.size != den.size:
        raise ValueError(
            f"paired times must have equal lengths, got {num.size} and {den.size}")
    confidence = check_positive_float("confidence", confidence)
    if not confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    n_boot = check_int("n_boot", n_boot, minimum=100)
    if rng is None:
        rng = np.random.default_rng(0)
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")

    idx_num = rng.integers(0, num.size, size=(n_boot, num.size))  # (n_boot, N) resampled repeats
    idx_den = idx_num if paired else rng.integers(0, den.size, size=(n_boot, den.size))
    boot = np.median(num[idx_num], axis=1) / np.median(den[idx_den], axis=1)  # (n_boot,)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha])
    return RatioEstimate(
        ratio=float(np.median(num) / np.median(den)),
        ci_low=float(low),
        ci_high=float(high),
        confidence=confidence,
        n_numerator=int(num.size),
        n_denominator=int(den.size),
        paired=paired,
    )


@dataclass(frozen=True)
class PairedTimes:
    """Per-repeat times (seconds) of two steps run back to back."""

    first: tuple[float, ...]  # time of first() in each repeat
    second: tuple[float, ...]  # time of second(first()) in the same repeat

    def ratio(self, **kwargs) -> RatioEstimate:
        """``median(second) / median(first)``, paired; keywords go to :func:`ratio_of_medians`."""
        return ratio_of_medians(self.second, self.first, paired=True, **kwargs)

    @property
    def medians(self) -> tuple[float, float]:
        """(median of first, median of second)."""
        return statistics.median(self.first), statistics.median(self.second)


def time_paired(
    first: Callable[[], object],
    second: Callable[[object], object],
    *,
    repeats: int = 21,
    warmup: int = 2,
    max_total_s: float = 30.0,
) -> PairedTimes:
    """Time ``v = first()`` and then ``second(v)``, back to back, in every repeat.

    Typical use: ``first`` runs a forward pass and returns what the backward
    pass needs; ``second`` runs the backward pass.

    Parameters
    ----------
    first : callable
        ``first()``; its result is passed to ``second``.
    second : callable
        ``second(result_of_first)``.
    repeats : int
        Timed repeats (>= 2); fewer are run if ``max_total_s`` would be exceeded.
    warmup : int
        Untimed pairs first (>= 0).
    max_total_s : float
        Bound on the timed part; stops early (after at least 2 repeats).

    Returns
    -------
    PairedTimes

    Cost: ``warmup + repeats`` calls of each.
    """
    if not callable(first) or not callable(second):
        raise TypeError("first and second must be callable")
    repeats = check_int("repeats", repeats, minimum=2)
    warmup = check_int("warmup", warmup, minimum=0)
    max_total_s = check_positive_float("max_total_s", max_total_s)
    clock = time.perf_counter
    for _ in range(warmup):
        second(first())
    t_first: list[float] = []
    t_second: list[float] = []
    end = clock() + max_total_s
    while len(t_first) < repeats:
        t0 = clock()
        value = first()
        t1 = clock()
        second(value)
        t2 = clock()
        del value  # release the forward's activations before the next repeat
        t_first.append(t1 - t0)
        t_second.append(t2 - t1)
        if len(t_first) >= 2 and t2 + (t2 - t0) > end:
            break
    return PairedTimes(tuple(t_first), tuple(t_second))


def time_phases(
    calls: Mapping[str, Callable[[], object]],
    *,
    rounds: int = 5,
    per_round: int = 5,
    warmup: int = 2,
    pause_s: float = 0.2,
    before_each: Mapping[str, Callable[[], object]] | None = None,
) -> dict[str, list[list[float]]]:
    """Time several callables in alternating blocks ("phases"), one library at a time.

    Each round runs, for every name in order: ``pause_s`` of sleep, ``warmup``
    untimed calls, then ``per_round`` timed calls. The pause lets the worker
    threads of the previous block go idle (OpenBLAS and OpenMP threads spin
    for a while after a call), so two threaded libraries do not fight over the
    cores; alternating the blocks over ``rounds`` spreads a drifting machine
    load over all of them.

    Parameters
    ----------
    calls : mapping name -> callable
        Zero-argument callables, e.g. ``{"numpy": step_np, "torch": step_torch}``.
    rounds, per_round : int
        Blocks per callable and timed calls per block (each >= 1).
    warmup : int
        Untimed calls at the start of every block (>= 0).
    pause_s : float
        Sleep before every block (>= 0).
    before_each : mapping name -> callable, optional
        Run (untimed) before every block of that name, e.g. to set the
        number of threads the library may use.

    Returns
    -------
    dict name -> list of rounds, each a list of ``per_round`` times (seconds)

    Cost: ``rounds · (warmup + per_round)`` calls of each callable.
    """
    if not isinstance(calls, Mapping) or not calls:
        raise TypeError("calls must be a non-empty mapping name -> callable")
    for name, fn in calls.items():
        if not callable(fn):
            raise TypeError(f"calls[{name!r}] must be callable, got {type(fn).__name__}")
    before_each = dict(before_each or {})
    unknown = set(before_each) - set(calls)
    if unknown:
        raise ValueError(f"before_each names unknown calls: {sorted(unknown)}")
    rounds = check_int("rounds", rounds, minimum=1)
    per_round = check_int("per_round", per_round, minimum=1)
    warmup = check_int("warmup", warmup, minimum=0)
    pause_s = check_positive_float("pause_s", pause_s, allow_zero=True)
    clock = time.perf_counter
    out: dict[str, list[list[float]]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, fn in calls.items():
            if name in before_each:
                before_each[name]()
            if pause_s:
                time.sleep(pause_s)
            for _ in range(warmup):
                fn()
            block = []
            for _ in range(per_round):
                t0 = clock()
                fn()
                block.append(clock() - t0)
            out[name].append(block)
    return out


def flatten_rounds(blocks: Sequence[Sequence[float]]) -> list[float]:
    """The per-call times of :func:`time_phases`' rounds as one list."""
    return [t for block in blocks for t in block]
