"""Argument checks shared by the library.

Every public function checks its input with these helpers so that bad input
raises a clear ``TypeError``/``ValueError`` that names the argument, instead of
hanging or returning a wrong answer.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name``.

    Booleans and floats are rejected even when integral: ``widths=[3.0]`` is
    more likely a bug than an intention.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_widths(name: str, widths, *, min_len: int = 2, minimum: int = 1) -> list[int]:
    """Return the layer widths ``[n0, n1, ..., nL]`` as a list of ints, or raise.

    A network with L layers has L + 1 widths (input width first).
    """
    if isinstance(widths, (str, bytes)) or not isinstance(widths, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of integers, got {type(widths).__name__}")
    if len(widths) < min_len:
        raise ValueError(
            f"{name} must hold at least {min_len} widths (input and output), got {len(widths)}"
        )
    return [check_int(f"{name}[{i}]", w, minimum=minimum) for i, w in enumerate(widths)]


def check_positive_float(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite positive float, or raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else raise listing them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_positive_array(name: str, values) -> np.ndarray:
    """Return ``values`` as a 1-D float array of positive, finite numbers, or raise."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a sequence of numbers") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)][:3].tolist()}")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive, got {arr[arr <= 0][:3].tolist()}")
    return arr
