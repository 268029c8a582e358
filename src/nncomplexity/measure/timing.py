"""Timing that can be trusted: warm-up, repeats, the median and its spread, within a budget.

A single stopwatch reading of a fast kernel is mostly noise: the first call
pays for imports, page faults and caches; later calls are disturbed by the
operating system. So a measurement here is

1. ``warmup`` untimed calls;
2. ``repeats`` timed repeats, each of ``number`` calls (chosen automatically so
   one repeat lasts at least ``min_repeat_s``, like :mod:`timeit`'s autorange);
3. the median time per call, with the quartiles as its spread,

all within ``budget_s`` seconds: when the work is slower than expected, fewer
repeats are run (at least one) rather than overrunning. One
:class:`TimingConfig` holds these settings for every timing function of
:mod:`nncomplexity.measure` (:func:`time_call`, :func:`~.sweep.sweep`,
:func:`~.rounds.time_rounds`), and one :class:`Timing` is the result of each
measured callable.

When a CUDA tensor takes part, the GPU runs asynchronously: the clock is read
only after ``torch.cuda.synchronize()``, otherwise we would time the launch and
not the work.
"""
from __future__ import annotations

import dataclasses
import functools
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .._validate import Choice, Int, Real

__all__ = ["Timing", "TimingConfig", "time_call"]

clock = time.perf_counter  # the clock every timing function reads (tests replace it with a fake one)


@dataclass(frozen=True)
class TimingConfig:
    """How to time a call: warm-up, repeats, calls per repeat and a time budget.

    Every timing function takes one (``config=``) and single fields as keywords:
    ``time_call(f, repeats=3)`` is ``time_call(f, config=TimingConfig(repeats=3))``.
    A bad value raises ``ValueError``/``TypeError`` naming the field.
    """

    repeats: int = 7  # timed repeats (rounds, in time_rounds); the median is taken over them
    warmup: int = 1  # untimed calls first: imports, page faults, caches, thread start-up are paid here
    number: int | None = None  # calls per repeat; None: autorange, so that one repeat lasts min_repeat_s
    min_repeat_s: float = 0.01  # autorange's target: long enough that the clock's resolution is lost
    budget_s: float = 20.0  # the whole measurement (a whole sweep) ends within this: fewer repeats or
    #                         sizes rather than an overrun, and always at least one repeat
    device: str | None = None  # "cuda": synchronise the GPU before each clock reading even when no
    #                            argument is a CUDA tensor (the callable makes its own)

    def __post_init__(self):
        checked = {
            "repeats": Int(minimum=1).check("repeats", self.repeats),
            "warmup": Int(minimum=0).check("warmup", self.warmup),
            "number": None if self.number is None else Int(minimum=1).check("number", self.number),
            "min_repeat_s": Real().check("min_repeat_s", self.min_repeat_s),
            "budget_s": Real().check("budget_s", self.budget_s),
            "device": None if self.device is None else Choice(("cpu", "cuda")).check(
                "device", str(self.device).split(":")[0]),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def replace(self, **overrides) -> TimingConfig:
        """A copy with some fields changed; an unknown name raises ``TypeError`` naming it."""
        names = [f.name for f in dataclasses.fields(self)]
        unknown = sorted(set(overrides) - set(names))
        if unknown:
            raise TypeError(f"unknown timing setting {', '.join(unknown)}: the settings are "
                            f"{', '.join(names)} (pass arguments of the timed function positionally, "
                            "or bind them with functools.partial)")
        return dataclasses.replace(self, **overrides) if overrides else self


def resolve_config(config: TimingConfig | None, overrides: Mapping) -> TimingConfig:
    """``config`` (default: ``TimingConfig()``) with ``overrides`` applied; checks both."""
    if config is None:
        config = TimingConfig()
    elif not isinstance(config, TimingConfig):
        raise TypeError(f"config must be a TimingConfig, got {type(config).__name__}")
    return config.replace(**overrides)


@dataclass(frozen=True)
class Timing:
    """Seconds per call of one measured callable: the median over repeats, and its spread."""

    median: float  # the statistic to report: robust to the odd slow repeat
    q1: float  # first quartile of the per-call times
    q3: float  # third quartile
    minimum: float  # best case; optimistic, shown for reference only
    repeats: int  # timed repeats actually run (fewer than asked when the budget required)
    number: int  # calls per repeat
    warmup: int  # untimed calls before the first repeat
    samples: tuple[float, ...] = field(repr=False)  # per-call time of each repeat, in order

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median (0.05 means ±2.5 %)."""
        return (self.q3 - self.q1) / self.median if self.median > 0 else float("inf")

    @classmethod
    def from_samples(cls, samples, number: int, warmup: int) -> Timing:
        """Summarise per-call times (one per repeat, at least one)."""
        samples = tuple(float(s) for s in samples)
        if not samples:
            raise ValueError("samples must hold at least one time")
        if len(samples) > 1:
            q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
        else:
            q1 = q3 = samples[0]
        return cls(median=statistics.median(samples), q1=q1, q3=q3, minimum=min(samples),
                   repeats=len(samples), number=number, warmup=warmup, samples=samples)


# ---------------------------------------------------------------- helpers shared by the timers
def synchronizer(args, device: str | None) -> Callable[[], None]:
    """``torch.cuda.synchronize`` if CUDA takes part, else a no-op (torch is never imported here)."""
    torch = sys.modules.get("torch")
    if torch is not None and (device == "cuda" or any(
            isinstance(a, torch.Tensor) and a.is_cuda for a in args)):
        return torch.cuda.synchronize
    return lambda: None


def read(call: Callable[[], object], number: int, sync: Callable[[], None]) -> float:
    """Seconds per call of ``number`` back-to-back calls (one repeat)."""
    t0 = clock()
    for _ in range(number):
        call()
    sync()
    return (clock() - t0) / number


def autorange(call: Callable[[], object], min_repeat_s: float,
              sync: Callable[[], None]) -> tuple[int, float]:
    """Grow the calls per repeat until one repeat lasts ``min_repeat_s``: (number, seconds per call).

    The last, long enough run is a valid repeat: callers keep its reading.
    """
    number = 1
    while True:
        per_call = read(call, number, sync)
        elapsed = per_call * number
        if elapsed >= min_repeat_s or number >= 1_000_000:
            return number, per_call
        number *= 10 if elapsed < min_repeat_s / 10 else 2


def time_call(fn: Callable, *args, config: TimingConfig | None = None, **overrides) -> Timing:
    """Time ``fn(*args)``: the median and quartiles of the seconds per call.

    Parameters
    ----------
    fn : callable
        What to time; its result is discarded.
    *args
        Passed to ``fn`` (bind keyword arguments with :func:`functools.partial`).
    config : TimingConfig, optional
        Repeats, warm-up, calls per repeat and the budget; default ``TimingConfig()``.
    **overrides
        Fields of ``config`` to change for this call, e.g. ``repeats=3``.

    Returns
    -------
    Timing
        At least one repeat, more as ``config.repeats`` and ``config.budget_s`` allow.

    Raises
    ------
    TypeError
        ``fn`` is not callable, or an override is not a field of :class:`TimingConfig`.
    ValueError
        A setting out of range (``repeats`` < 1, ``budget_s`` <= 0, ...), named.

    Notes
    -----
    Cost: ``warmup + repeats · number`` calls of ``fn``, plus autorange's
    shorter runs, and never (much) more than ``budget_s`` seconds: a repeat is
    started only if the last one says it will end in time.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    cfg = resolve_config(config, overrides)
    call = functools.partial(fn, *args) if args else fn
    sync = synchronizer(args, cfg.device)
    end = clock() + cfg.budget_s
    for _ in range(cfg.warmup):
        call()
    sync()
    samples: list[float] = []
    number = cfg.number
    if number is None:
        number, first = autorange(call, cfg.min_repeat_s, sync)
        samples.append(first)
    while len(samples) < cfg.repeats:
        if samples and clock() + samples[-1] * number > end:
            break  # one more repeat would overrun the budget
        samples.append(read(call, number, sync))
    return Timing.from_samples(samples, number, cfg.warmup)
