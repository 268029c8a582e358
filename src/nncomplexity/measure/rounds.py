"""Timing in interleaved rounds: the way to compare times, and to measure their ratios.

On a shared machine the load drifts: a burst of other work slows whatever runs
during it. Timing A ten times and then B ten times lets the burst fall on one of
them and bend their ratio (or a fitted exponent). :func:`time_rounds` instead
runs *rounds*: each round reads every callable once, in order, so a burst
spoils one reading of each, and the median over rounds ignores it. Three uses:

- **Sizes** (chapter 1's exponents): ``{n: prepare(n) for n in sizes}``. The
  first round also fixes, per callable, how many calls make one reading
  (autorange, as in :func:`~.timing.time_call`).
- **Steps of one computation** (``chain=True``): each round runs ``v = first()``,
  then ``second(v)``, ..., back to back, and times each step, e.g. a forward
  pass and the backward pass that consumes it. The two times of one round
  share the machine's state (load, clock speed, caches), so their ratio is
  steadier than either time.
- **Libraries with their own threads** (``pause_s``, ``before_each``): NumPy's
  OpenBLAS and PyTorch's OpenMP threads spin for a while after a call, and two
  spinning pools on two cores slow each other down. A pause before each
  callable's block lets the other's threads go idle; since it lets this
  callable's caches and threads go cold too, the warm-up is repeated after
  every pause, and ``per_round`` readings per block pay for the pause.

Sample ``i`` of every callable comes from the same round, so the result
(a :class:`~.sweep.Sweep`) pairs them in :meth:`~.sweep.Sweep.ratio`.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from .._validate import Bool, Int, Real
from . import timing
from .sweep import Sweep
from .timing import Timing, TimingConfig, autorange, read, resolve_config, synchronizer

__all__ = ["time_rounds"]


def time_rounds(calls: Mapping[object, Callable], config: TimingConfig | None = None, *,
                chain: bool = False, per_round: int = 1, pause_s: float = 0.0,
                before_each: Mapping[object, Callable[[], object]] | None = None,
                **overrides) -> Sweep:
    """Time several callables in interleaved rounds; each one's median over the rounds.

    Parameters
    ----------
    calls : mapping key -> callable
        Zero-argument callables keyed by a size or a name, timed in this order
        in every round. With ``chain=True`` the first takes no argument and each
        later one takes the previous one's result.
    config : TimingConfig, optional
        ``repeats`` is the number of rounds; ``warmup`` untimed calls (passes,
        with ``chain``) come before the first round and after every pause;
        ``number`` calls make one reading (default: autorange in the first
        round; always 1 with ``chain``); after a round that shows the next one
        would overrun ``budget_s``, no more rounds are run (at least two when
        ``repeats`` >= 2, so that a ratio has an interval).
    chain : bool
        Pass each step's result to the next step and time the steps of one pass.
    per_round : int
        Readings of each callable per round (passes, with ``chain``).
    pause_s : float
        Sleep before each callable's block (before each round, with ``chain``).
    before_each : mapping key -> callable, optional
        Run untimed before each block of that key, e.g. to set the threads a
        library may use. Not with ``chain``.
    **overrides
        Fields of ``config`` to change, e.g. ``repeats=11, budget_s=0.6``.

    Returns
    -------
    Sweep
        ``sizes`` are the keys; ``result[key]`` is that callable's :class:`~.timing.Timing`
        over ``rounds · per_round`` readings; ``interleaved`` is True.

    Notes
    -----
    Cost: ``rounds · (per_round · number + warmup)`` calls of each callable
    (warm-up only once without pauses), plus the pauses.
    """
    if not isinstance(calls, Mapping):
        raise TypeError(f"calls must be a mapping key -> callable, got {type(calls).__name__}")
    if not calls:
        raise ValueError("calls must not be empty")
    for key, fn in calls.items():
        if not callable(fn):
            raise TypeError(f"calls[{key!r}] must be callable, got {type(fn).__name__}")
    chain = Bool().check("chain", chain)
    per_round = Int(minimum=1).check("per_round", per_round)
    pause_s = Real(allow_zero=True).check("pause_s", pause_s)
    if before_each is None:
        before_each = {}
    elif not isinstance(before_each, Mapping):
        raise TypeError(f"before_each must be a mapping key -> callable, got {type(before_each).__name__}")
    unknown = [k for k in before_each if k not in calls]
    if unknown:
        raise ValueError(f"before_each names keys that are not in calls: {unknown}")
    for key, fn in before_each.items():
        if not callable(fn):
            raise TypeError(f"before_each[{key!r}] must be callable, got {type(fn).__name__}")
    cfg = resolve_config(config, overrides)
    if chain and before_each:
        raise ValueError("before_each cannot be used with chain=True: it would run between the steps")
    if chain and cfg.number not in (None, 1):
        raise ValueError(f"number must be 1 with chain=True (one pass per reading), got {cfg.number}")

    keys = list(calls)
    sync = synchronizer((), cfg.device)
    samples: dict = {k: [] for k in keys}
    number: dict = {k: 1 if chain else cfg.number for k in keys}
    start = timing.clock()
    done = 0
    while done < cfg.repeats:
        round_start = timing.clock()
        warm = done == 0 or pause_s > 0
        if chain:
            if pause_s:
                time.sleep(pause_s)
            for _ in range(cfg.warmup if warm else 0):
                _one_pass(calls, keys, None, sync)
            for _ in range(per_round):
                _one_pass(calls, keys, samples, sync)
        else:
            for key in keys:
                _block(calls[key], samples[key], number, key, cfg, before_each.get(key),
                       pause_s, warm, per_round, sync)
        done += 1
        now = timing.clock()
        if done >= min(2, cfg.repeats) and now + (now - round_start) > start + cfg.budget_s:
            break  # one more round would overrun the budget
    timings = tuple(Timing.from_samples(samples[k], number[k], cfg.warmup) for k in keys)
    return Sweep(tuple(keys), timings, (), cfg.budget_s, timing.clock() - start, interleaved=True)


def _block(fn, out: list, number: dict, key, cfg: TimingConfig, before, pause_s: float,
           warm: bool, per_round: int, sync) -> None:
    """One callable's turn in a round: set-up, pause, warm-up, then ``per_round`` readings."""
    if before is not None:
        before()
    if pause_s:
        time.sleep(pause_s)
    for _ in range(cfg.warmup if warm else 0):
        fn()
    sync()
    todo = per_round
    if number[key] is None:  # first round: autorange fixes the calls per reading
        number[key], first = autorange(fn, cfg.min_repeat_s, sync)
        out.append(first)
        todo -= 1
    for _ in range(todo):
        out.append(read(fn, number[key], sync))


def _one_pass(calls: Mapping, keys: list, out: dict | None, sync) -> None:
    """``v = calls[k0](); v = calls[k1](v); ...``, each step timed into ``out`` (None: untimed)."""
    value = None
    for i, key in enumerate(keys):
        t0 = timing.clock()
        value = calls[key]() if i == 0 else calls[key](value)
        sync()
        if out is not None:
            out[key].append(timing.clock() - t0)
    del value  # release what the last step returned (e.g. gradients) before the next pass
