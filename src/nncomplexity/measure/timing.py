"""Timing that can be trusted: warm-up, repeats, medians, spread, and a budget.

A single stopwatch reading of a fast kernel is mostly noise: the first call
pays for imports, page faults and caches; later calls are disturbed by the
operating system. So a measurement here is

1. ``warmup`` untimed calls;
2. ``repeats`` timed repeats, each of ``number`` calls (chosen automatically so
   one repeat lasts at least ``min_repeat_s``, like :mod:`timeit`'s autorange);
3. the median time per call, with the quartiles as its spread.

When a CUDA tensor takes part, the GPU runs asynchronously: the clock is read
only after ``torch.cuda.synchronize()``, otherwise we would time the launch and
not the work.

Sweeps over sizes carry a time budget: they stop cleanly before a size that
would overrun it, and say so in the result and with a :class:`BudgetWarning`.
"""
from __future__ import annotations

import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .._validate import check_int, check_positive_float


class BudgetWarning(UserWarning):
    """A sweep stopped early because its time budget would have been exceeded."""


@dataclass(frozen=True)
class Timing:
    """The result of :func:`time_call`; all times are seconds per call."""

    median: float  # the statistic to report: robust to the odd slow repeat
    q1: float  # first quartile of the per-call times
    q3: float  # third quartile
    minimum: float  # best case; optimistic, shown for reference only
    repeats: int  # timed repeats actually run
    number: int  # calls per repeat
    warmup: int  # untimed calls before the first repeat
    samples: tuple[float, ...] = field(repr=False)  # per-call time of each repeat

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median (0.05 means ±2.5 %)."""
        return (self.q3 - self.q1) / self.median if self.median > 0 else math.inf


def _uses_cuda(args: Iterable, device) -> bool:
    """True if a CUDA device or tensor is involved (without importing torch)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    if device is not None and str(device).startswith("cuda"):
        return True
    return any(isinstance(a, torch.Tensor) and a.is_cuda for a in args)


def _synchronizer(args, device) -> Callable[[], None]:
    if _uses_cuda(args, device):
        torch = sys.modules["torch"]
        return torch.cuda.synchronize
    return lambda: None


def time_call(
    fn: Callable,
    *args,
    repeats: int = 7,
    warmup: int = 1,
    number: int | None = None,
    min_repeat_s: float = 0.01,
    max_total_s: float = 30.0,
    device=None,
    **kwargs,
) -> Timing:
    """Time ``fn(*args, **kwargs)``: median and quartiles of the per-call time.

    Parameters
    ----------
    fn : callable
        What to time. Its result is discarded.
    repeats : int
        Timed repeats (>= 1); the median is taken over these.
    warmup : int
        Untimed calls first (>= 0), to pay one-off costs.
    number : int, optional
        Calls per repeat. By default chosen so that one repeat lasts at least
        ``min_repeat_s``, which keeps timer resolution out of the result.
    min_repeat_s : float
        Target duration of one repeat when ``number`` is automatic.
    max_total_s : float
        Upper bound on the whole measurement. If the calibrated work would
        exceed it, fewer repeats are run (at least one) rather than hanging.
    device : str, optional
        ``"cuda"`` forces GPU synchronisation even when no argument is a CUDA
        tensor (e.g. ``fn`` creates its own).

    Returns
    -------
    Timing
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    repeats = check_int("repeats", repeats, minimum=1)
    warmup = check_int("warmup", warmup, minimum=0)
    if number is not None:
        number = check_int("number", number, minimum=1)
    min_repeat_s = check_positive_float("min_repeat_s", min_repeat_s)
    max_total_s = check_positive_float("max_total_s", max_total_s)
    sync = _synchronizer(list(args) + list(kwargs.values()), device)
    clock = time.perf_counter

    for _ in range(warmup):
        fn(*args, **kwargs)
    sync()

    if number is None:
        # Autorange: grow the call count until one repeat is long enough.
        number = 1
        while True:
            t0 = clock()
            for _ in range(number):
                fn(*args, **kwargs)
            sync()
            elapsed = clock() - t0
            if elapsed >= min_repeat_s or number >= 1_000_000:
                break
            number *= 10 if elapsed < min_repeat_s / 10 else 2
        first = elapsed / number
    else:
        first = None

    samples: list[float] = []
    if first is not None:
        samples.append(first)  # the last calibration run is a valid repeat
    budget_end = clock() + max_total_s
    while len(samples) < repeats:
        t0 = clock()
        for _ in range(number):
            fn(*args, **kwargs)
        sync()
        t1 = clock()
        samples.append((t1 - t0) / number)
        if t1 + (t1 - t0) > budget_end:
            break  # one more repeat would overrun max_total_s

    q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive") if len(samples) > 1 else (
        samples[0], None, samples[0])
    return Timing(
        median=statistics.median(samples),
        q1=q1,
        q3=q3,
        minimum=min(samples),
        repeats=len(samples),
        number=number,
        warmup=warmup,
        samples=tuple(samples),
    )


@dataclass(frozen=True)
class Sweep:
    """Timings of one callable over a range of sizes."""

    sizes: tuple  # the sizes actually measured, in order
    timings: tuple[Timing, ...]  # one per measured size
    skipped: tuple  # sizes not measured because of the budget
    budget_s: float  # the budget the sweep ran under
    elapsed_s: float  # wall time the sweep took

    @property
    def medians(self) -> list[float]:
        return [t.median for t in self.timings]

    @property
    def stopped_early(self) -> bool:
        return bool(self.skipped)

    @property
    def message(self) -> str:
        if not self.skipped:
            return f"measured all {len(self.sizes)} sizes in {self.elapsed_s:.1f} s"
        return (
            f"time budget of {self.budget_s:g} s reached: measured sizes {list(self.sizes)}, "
            f"skipped {list(self.skipped)}"
        )


def sweep(
    make_call: Callable[[object], Callable[[], object]],
    sizes: Sequence,
    *,
    budget_s: float = 20.0,
    growth: float | None = None,
    **timing_kwargs,
) -> Sweep:
    """Time a workload at each size, in order, within a time budget.

    Parameters
    ----------
    make_call : callable
        ``make_call(size)`` prepares inputs (untimed) and returns a zero-argument
        callable that does the work at that size.
    sizes : sequence
        Sizes to measure, smallest first.
    budget_s : float
        The whole sweep must end within this many seconds. Before each size the
        cost is predicted from the last one (time grows like
        ``(size / last) ** growth``); sizes predicted to overrun are skipped and
        reported, never started.
    growth : float, optional
        Exponent used for that prediction (e.g. 3 for a cubic kernel). By
        default it is estimated from the median times of the last two sizes,
        or 3 before that.
    **timing_kwargs
        Passed to :func:`time_call`.

    Returns
    -------
    Sweep
        With ``stopped_early`` and ``message`` telling whether all sizes ran.
    """
    if not callable(make_call):
        raise TypeError(f"make_call must be callable, got {type(make_call).__name__}")
    sizes = list(sizes)
    if not sizes:
        raise ValueError("sizes must not be empty")
    budget_s = check_positive_float("budget_s", budget_s)
    if growth is not None:
        growth = check_positive_float("growth", growth, allow_zero=True)
    repeats = timing_kwargs.get("repeats", 7)
    warmup = timing_kwargs.get("warmup", 1)
    min_repeat_s = timing_kwargs.get("min_repeat_s", 0.01)
    start = time.perf_counter()
    measured, timings = [], []
    skipped: list = []
    for i, size in enumerate(sizes):
        spent = time.perf_counter() - start
        if timings:
            g = growth
            last = timings[-1].median
            if g is None and len(timings) >= 2 and _numeric(measured[-2:]) and measured[-1] != measured[-2]:
                prev = timings[-2].median
                if last > 0 and prev > 0:
                    g = max(0.0, math.log(last / prev) / math.log(measured[-1] / measured[-2]))
            g = 3.0 if g is None else g
            ratio = size / measured[-1] if _numeric([size, measured[-1]]) else 1.0
            per_call = last * max(ratio, 1.0) ** g
            # warm-up and calibration run at least once each; each repeat lasts
            # at least min_repeat_s (autorange) or one call, whichever is longer
            predicted = (warmup + 1) * per_call + repeats * max(per_call, min_repeat_s)
            if spent + predicted > budget_s:
                skipped = sizes[i:]
                break
        call = make_call(size)
        remaining = max(budget_s - spent, 1e-3)
        timings.append(time_call(call, max_total_s=remaining, **timing_kwargs))
        measured.append(size)
    result = Sweep(tuple(measured), tuple(timings), tuple(skipped), budget_s,
                   time.perf_counter() - start)
    if result.stopped_early:
        warnings.warn(result.message, BudgetWarning, stacklevel=2)
    return result


def _numeric(values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in values)


@dataclass(frozen=True)
class Rounds:
    """The result of :func:`time_in_rounds`: seconds per call at each size."""

    sizes: tuple  # the sizes measured, in order
    medians: tuple[float, ...]  # median over rounds of the per-call time
    rounds: int  # rounds actually run (fewer than asked if the budget required)
    readings: tuple[tuple[float, ...], ...] = field(repr=False)  # every reading, per size


def time_in_rounds(
    prepare: Callable[[object], Callable[[], object]],
    sizes: Sequence,
    *,
    rounds: int = 5,
    budget_s: float = 6.0,
    warmup: int = 1,
    min_repeat_s: float = 0.05,
) -> Rounds:
    """Time a workload at several sizes in interleaved rounds; medians over rounds.

    Each round reads every size once, so a burst of other work on a shared
    machine spoils one reading of every size rather than every reading of one
    size, and does not bend a fitted exponent. The first round also fixes how
    many calls make one reading at each size (autorange, as in :func:`time_call`).

    Parameters
    ----------
    prepare : callable
        ``prepare(size)`` builds the inputs (untimed) and returns the call to time.
    sizes : sequence
        The sizes, in order.
    rounds : int
        Rounds wanted (>= 1).
    budget_s : float
        If the first round shows that all rounds would overrun this, fewer are run
        (at least one); the result says how many.
    warmup, min_repeat_s
        As in :func:`time_call`, for the first round.

    Returns
    -------
    Rounds
    """
    if not callable(prepare):
        raise TypeError(f"prepare must be callable, got {type(prepare).__name__}")
    sizes = list(sizes)
    if not sizes:
        raise ValueError("sizes must not be empty")
    rounds = check_int("rounds", rounds, minimum=1)
    budget_s = check_positive_float("budget_s", budget_s)
    calls = {i: prepare(n) for i, n in enumerate(sizes)}
    start = time.perf_counter()
    first = {i: time_call(calls[i], repeats=1, warmup=warmup, min_repeat_s=min_repeat_s)
             for i in calls}
    one_round = max(time.perf_counter() - start, 1e-9)
    rounds = max(1, min(rounds, int(budget_s / one_round)))
    readings = {i: [first[i].median] for i in calls}
    for _ in range(rounds - 1):
        for i in calls:
            readings[i].append(time_call(calls[i], repeats=1, warmup=0, number=first[i].number).median)
    return Rounds(
        sizes=tuple(sizes),
        medians=tuple(statistics.median(readings[i]) for i in calls),
        rounds=rounds,
        readings=tuple(tuple(readings[i]) for i in calls),
    )
