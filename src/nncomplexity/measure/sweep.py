"""A sweep: one workload timed at growing sizes, cheapest first, within one time budget.

The sizes may be numbers (a width ``n``) or tuples (a grid point ``(n, L, t)``).
Before each size the sweep predicts what measuring it will cost, from the
last measured time and how the work grows, and stops cleanly before a size
that would overrun the budget: the sizes not measured are listed in the result,
named in its ``message`` and reported with a :class:`BudgetWarning`, never
started. How the work grows:

- with ``cost`` (a key such as the exact FLOP count of a size), time is taken
  to grow like ``cost ** growth`` (``growth`` 1 by default: time ∝ count), and
  the sizes are measured in order of cost;
- with numeric sizes and no ``cost``, time grows like ``size ** growth``, the
  exponent estimated from the last two sizes (3, a cubic kernel, before that);
- otherwise the next size is predicted to cost what the last one did.

:class:`Sweep` is also what :func:`~.rounds.time_rounds` returns: a
:class:`~.timing.Timing` per size (or per named callable), in order.
"""
from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .._validate import Real
from . import timing
from .estimate import Estimate, ratio_of_medians
from .timing import Timing, TimingConfig, resolve_config, time_call

__all__ = ["BudgetWarning", "Sweep", "sweep"]


class BudgetWarning(UserWarning):
    """A sweep stopped early because its time budget would have been exceeded."""


@dataclass(frozen=True)
class Sweep:
    """Timings of several measurements: one per size (:func:`sweep`) or per callable (``time_rounds``)."""

    sizes: tuple  # what was measured, in the order measured: sizes, grid points or names
    timings: tuple[Timing, ...]  # one per entry of sizes
    skipped: tuple  # sizes not measured because they would have overrun the budget
    budget_s: float  # the budget the measurement ran under
    elapsed_s: float  # wall time it took
    interleaved: bool = False  # taken in rounds: sample i of every timing comes from round i

    @property
    def medians(self) -> list[float]:
        """Median seconds per call, one per measured size."""
        return [t.median for t in self.timings]

    def __getitem__(self, size) -> Timing:
        try:
            return self.timings[self.sizes.index(size)]
        except ValueError:
            raise KeyError(f"{size!r} was not measured (measured: {list(self.sizes)})") from None

    def __contains__(self, size) -> bool:
        return size in self.sizes

    def __len__(self) -> int:
        return len(self.sizes)

    @property
    def stopped_early(self) -> bool:
        """True if the budget left sizes unmeasured."""
        return bool(self.skipped)

    @property
    def message(self) -> str:
        """One line saying whether every size was measured."""
        if not self.skipped:
            return f"measured all {len(self.sizes)} sizes in {self.elapsed_s:.1f} s"
        return (f"time budget of {self.budget_s:g} s reached: measured sizes {list(self.sizes)}, "
                f"skipped {list(self.skipped)}")

    def ratio(self, numerator, denominator, *, paired: bool | None = None, **kwargs) -> Estimate:
        """``median(self[numerator]) / median(self[denominator])`` with a bootstrap interval.

        ``paired`` defaults to :attr:`interleaved`: samples from the same round
        are resampled together. Other keywords go to :func:`~.estimate.ratio_of_medians`.
        """
        if paired is None:
            paired = self.interleaved
        return ratio_of_medians(self[numerator].samples, self[denominator].samples,
                                paired=paired, **kwargs)


def _positive_number(value) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0)


def predicted_seconds(per_call: float, config: TimingConfig) -> float:
    """What :func:`~.timing.time_call` will take for a call of ``per_call`` seconds."""
    if config.number is None:  # autorange: every repeat lasts at least min_repeat_s
        repeat = max(per_call, config.min_repeat_s)
        return (config.warmup + 1) * per_call + config.repeats * repeat
    return (config.warmup + config.repeats * config.number) * per_call


def sweep(prepare: Callable[[object], Callable[[], object]], sizes: Sequence,
          config: TimingConfig | None = None, *, cost: Callable[[object], float] | None = None,
          growth: float | None = None, **overrides) -> Sweep:
    """Time ``prepare(size)()`` at each size, cheapest first, within ``config.budget_s``.

    Parameters
    ----------
    prepare : callable
        ``prepare(size)`` builds the inputs (untimed, but inside the budget) and
        returns the zero-argument callable to time at that size.
    sizes : sequence
        Numbers or tuples such as ``(n, L, t)``; smallest first unless ``cost`` orders them.
    config : TimingConfig, optional
        Repeats, warm-up and the budget of the *whole* sweep (``budget_s``).
    cost : callable, optional
        ``cost(size)``: a positive number that time grows with, e.g. the exact
        FLOPs; the sizes are then measured in increasing cost (ties in the given order).
    growth : float, optional
        Time ∝ ``cost(size) ** growth`` (default 1), or ∝ ``size ** growth``
        without ``cost`` (default: estimated from the last two sizes, 3 before).
    **overrides
        Fields of ``config`` to change, e.g. ``repeats=5, budget_s=8``.

    Returns
    -------
    Sweep
        ``stopped_early`` and ``message`` say whether every size was measured.

    Warns
    -----
    BudgetWarning
        When sizes are skipped.

    Notes
    -----
    Cost: one :func:`~.timing.time_call` per measured size, each bounded by the
    budget still left, so the sweep ends within ``budget_s`` up to one repeat.
    """
    if not callable(prepare):
        raise TypeError(f"prepare must be callable, got {type(prepare).__name__}")
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of sizes, got {type(sizes).__name__}")
    if not sizes:
        raise ValueError("sizes must not be empty")
    if cost is not None and not callable(cost):
        raise TypeError(f"cost must be callable, got {type(cost).__name__}")
    if growth is not None:
        growth = Real(allow_zero=True).check("growth", growth)
    cfg = resolve_config(config, overrides)
    sizes = list(sizes)
    if cost is not None:
        scales = [cost(s) for s in sizes]
        for s, c in zip(sizes, scales):
            if not _positive_number(c):
                raise ValueError(f"cost must return a positive finite number, got {c!r} for {s!r}")
        order = sorted(range(len(sizes)), key=scales.__getitem__)
        sizes, scales = [sizes[i] for i in order], [scales[i] for i in order]
    else:
        scales = [s if _positive_number(s) else None for s in sizes]

    start = timing.clock()
    measured: list = []
    scale_of: list = []
    timings: list[Timing] = []
    skipped: list = []
    for i, (size, scale) in enumerate(zip(sizes, scales)):
        spent = timing.clock() - start
        if timings:
            per_call = timings[-1].median * _growth_factor(scale, scale_of, timings, growth, cost)
            if spent + predicted_seconds(per_call, cfg) > cfg.budget_s:
                skipped = sizes[i:]
                break
        call = prepare(size)
        remaining = cfg.budget_s - (timing.clock() - start)
        timings.append(time_call(call, config=cfg.replace(budget_s=max(remaining, 1e-3))))
        measured.append(size)
        scale_of.append(scale)
    result = Sweep(tuple(measured), tuple(timings), tuple(skipped), cfg.budget_s,
                   timing.clock() - start)
    if result.stopped_early:
        warnings.warn(result.message, BudgetWarning, stacklevel=2)
    return result


def _growth_factor(scale, scale_of: list, timings: list[Timing], growth, cost) -> float:
    """How many times longer a call at ``scale`` takes than the last measured call."""
    last = scale_of[-1]
    if scale is None or last is None:
        return 1.0  # nothing to scale by: predict the last time again
    g = growth
    if g is None and cost is not None:
        g = 1.0  # time ∝ count
    if g is None:
        g = 3.0
        if len(timings) >= 2 and scale_of[-2] not in (None, last):
            t1, t2 = timings[-2].median, timings[-1].median
            if t1 > 0 and t2 > 0:
                g = max(0.0, math.log(t2 / t1) / math.log(last / scale_of[-2]))
    return max(scale / last, 1.0) ** g
