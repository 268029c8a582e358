"""Amdahl's law: the speed-up ``p`` workers give when a share ``f`` of the work cannot be split.

If one worker needs time ``T`` and a fraction ``f`` of it is serial, ``p``
workers need ``f·T + (1 − f)·T/p`` (Amdahl 1967), so the speed-up is

    S(p) = 1 / (f + (1 − f)/p)  <  1/f.

Given a measured speed-up at ``p`` workers the law can be solved for the serial
fraction that would explain it, ``f = (p/S − 1)/(p − 1)``: the number the book
fits to the thread scaling of a GEMM and of element-wise work.
"""
from __future__ import annotations

from .._validate import Int, Real, validate_params

__all__ = ["amdahl_serial_fraction", "amdahl_speedup"]


@validate_params(serial_fraction=Real(allow_zero=True), workers=Int(minimum=1))
def amdahl_speedup(serial_fraction: float, workers: int) -> float:
    """``1 / (f + (1 − f)/p)`` for ``0 <= f <= 1``. Book: chapter 7, {prf:ref}`thm-amdahl`. Cost: O(1)."""
    if serial_fraction > 1:
        raise ValueError(f"serial_fraction must be <= 1, got {serial_fraction}")
    return 1.0 / (serial_fraction + (1.0 - serial_fraction) / workers)


@validate_params(speedup=Real(), workers=Int(minimum=2))
def amdahl_serial_fraction(speedup: float, workers: int) -> float:
    """The serial fraction that explains ``speedup`` at ``workers``: ``(p/S − 1)/(p − 1)``.

    Below 0 when the speed-up is super-linear (``S > p``, e.g. more cache), above
    1 when adding workers slowed the work down (``S < 1``); both are returned as
    they are, since they say the law does not describe the measurement.

    Book: chapter 7, {prf:ref}`thm-amdahl`. Cost: O(1).
    """
    return (workers / speedup - 1.0) / (workers - 1)
