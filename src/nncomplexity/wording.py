"""Words for measured results, so that prose generated from a run cannot contradict it.

A sentence such as "the fitted exponent is close to the count's 2" depends on
the measurement; a re-run on another machine may make it false. These helpers
return the phrase that the numbers support, for a notebook to ``glue`` into its
text. Presentation layer: plain strings from plain numbers.

Book: the forward-propagation chapter's measured sweeps (width, depth, batch,
threads) use them.
"""
from __future__ import annotations

import math
import numbers

from ._validate import Real, validate_params

__all__ = ["compare_exponent", "compare_speedup"]


def _finite(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def compare_exponent(exponent: float, expected: float, ci_low: float, ci_high: float, *,
                     tolerance: float = 0.15) -> str:
    """How a fitted exponent of time compares with the count's exponent, in words.

    Parameters
    ----------
    exponent : float
        The fitted exponent.
    expected : float
        The count's exponent (2 for the width of a dense layer, 1 for depth or batch).
    ci_low, ci_high : float
        Its 95 % confidence interval.
    tolerance : float
        How far from ``expected`` still reads as "close", ≥ 0.

    Returns
    -------
    str
        ``"close to the count's 2"`` when the interval holds ``expected`` or the
        exponent is within ``tolerance`` of it, otherwise ``"below the count's 2"``
        or ``"above the count's 2"``.

    Cost: O(1).
    """
    exponent, expected = _finite("exponent", exponent), _finite("expected", expected)
    ci_low, ci_high = _finite("ci_low", ci_low), _finite("ci_high", ci_high)
    tolerance = Real(allow_zero=True).check("tolerance", tolerance)
    if not ci_low <= exponent <= ci_high:
        raise ValueError(f"exponent must lie in its interval [ci_low, ci_high], got {exponent} "
                         f"outside [{ci_low}, {ci_high}]")
    want = f"{expected:g}"
    if ci_low <= expected <= ci_high or abs(exponent - expected) <= tolerance:
        return f"close to the count's {want}"
    return f"{'below' if exponent < expected else 'above'} the count's {want}"


@validate_params(speedup=Real(), threshold=Real(allow_zero=True, below=1))
def compare_speedup(speedup: float, *, threshold: float = 0.2) -> str:
    """How a second thread changed a time (``speedup`` = one thread's time / two threads'), in words.

    Returns ``"ran 1.85 times as fast"`` above ``1 + threshold``, ``"ran 0.60 times
    as fast, that is slower"`` below ``1 - threshold``, and ``"hardly changed
    (speed-up 1.03)"`` between.

    Cost: O(1).
    """
    if speedup > 1 + threshold:
        return f"ran {speedup:.2f} times as fast"
    if speedup < 1 - threshold:
        return f"ran {speedup:.2f} times as fast, that is slower"
    return f"hardly changed (speed-up {speedup:.2f})"
