"""Small helpers shared by the labs' checks: comparing arrays and counts, describing inputs."""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from .core import CheckFailed, is_integral, is_number


def shape_str(shape) -> str:
    """(3, 2) -> '(3, 2)'; (4,) -> '(4,)', as Python prints shapes."""
    return str(tuple(int(s) for s in shape))


def as_float_array(value, what: str, on: str) -> np.ndarray:
    """``value`` as a float64 array, or CheckFailed saying what came back instead."""
    if value is None:
        raise CheckFailed(f"{what} is None {on}: did you forget the `return`?")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be an array of numbers {on}, got {type(value).__name__}") from None
    return arr


def close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """Same shape and every entry within ``atol + rtol·max|b|`` (a scale-aware test)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    if not np.all(np.isfinite(a)):
        return False
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    return bool(np.max(np.abs(a - b)) <= atol + rtol * max(scale, 1.0))


def worst_entry(got: np.ndarray, want: np.ndarray) -> str:
    """'entry [1, 2] is 3.5, expected 2.25' for the largest difference."""
    diff = np.abs(np.nan_to_num(got, nan=np.inf) - want)
    idx = np.unravel_index(int(np.argmax(diff)), want.shape)
    where = ", ".join(str(int(i)) for i in idx)
    return f"entry [{where}] is {got[idx]:.6g}, expected {want[idx]:.6g}"


def as_count(value, what: str, on: str) -> int:
    """An exact count: ints (also NumPy's) or floats with no fractional part."""
    if value is None:
        raise CheckFailed(f"{what} is None {on}: did you forget the `return`?")
    if isinstance(value, bool) or not is_number(value):
        raise CheckFailed(f"{what} should be a number {on}, got {type(value).__name__} {value!r}")
    if not is_integral(value):
        raise CheckFailed(f"{what} is {value!r} {on}: an exact count is a whole number "
                          "(use // for integer division, or int(...))")
    return int(value)


def as_real(value, what: str, on: str) -> float:
    """A real number (int, float, Fraction, NumPy scalar)."""
    if value is None:
        raise CheckFailed(f"{what} is None {on}: did you forget the `return`?")
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, bool) or not is_number(value):
        raise CheckFailed(f"{what} should be a number {on}, got {type(value).__name__} {value!r}")
    return float(value)


def rel_close(a: float, b: float, rtol: float = 1e-9) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300)


def fmt_int(n: int) -> str:
    """12345678 -> '12,345,678' (exact counts stay exact)."""
    return f"{int(n):,}"
