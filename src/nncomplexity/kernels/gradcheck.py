r"""Gradient checking by central differences.

For a scalar function f of parameters p, each checked entry p_i is compared
with the difference quotient

.. math:: \frac{\partial f}{\partial p_i} \approx
          \frac{f(p + h e_i) - f(p - h e_i)}{2h},

whose truncation error is O(h²) and whose rounding error is about
ε_mach·|f|/h. With h = 10⁻⁶ in float64 both are near 10⁻¹⁰·|f|, so an
analytic gradient that is right agrees to about 10⁻⁸ relative, and one that is
wrong (a dropped term, a transposed matrix) is off by O(1). That gap is what
makes the check decisive. It needs float64: in float32 ε_mach·|f|/h ≈ 0.1.

Cost: two evaluations of f per checked entry, so a full check of P parameters
costs 2P forward passes, against backprop's ~2 forward passes for all P at once
(the cheap-gradient principle). Hence ``n_samples``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._validate import check_int, check_positive_float

__all__ = ["verify_gradients", "relative_error"]


def relative_error(a, b, floor: float = 0.0) -> float:
    r"""Relative distance of two arrays (or numbers) in the max-norm.

    .. math:: \frac{\max_i |a_i - b_i|}{\max(\max_i |a_i|,\ \max_i |b_i|,\ \text{floor})}

    Returns 0 when both are zero (and ``floor`` is 0). Symmetric in a and b.

    Parameters
    ----------
    a, b : array_like, same shape
    floor : float, ≥ 0
        Lower bound on the denominator, so entries that should be 0 but carry
        rounding noise do not count as 100 % wrong.

    Cost: 3·size(a) comparisons and subtractions.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    floor = check_positive_float("floor", floor, allow_zero=True)
    if a.size == 0:
        return 0.0
    num = float(np.max(np.abs(a - b)))
    den = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), floor)
    if den == 0.0:
        return 0.0
    return num / den


def _entries(params, grads) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Flatten ``{"W": [W0, W1], "b": [...]}`` (or ``{"Theta": [...]}``, or name -> array) into named triples."""
    if not isinstance(params, Mapping):
        raise TypeError('params must be a dict such as {"W": [...], "b": [...]} or {"Theta": [...]}')
    if not isinstance(grads, Mapping):
        raise TypeError("grads must be a dict with the keys of params")
    out = []
    for key, value in params.items():
        if key not in grads:
            raise ValueError(f"grads has no entry {key!r}")
        g = grads[key]
        if isinstance(value, np.ndarray):
            pairs = [(key, value, g)]
        else:
            if not isinstance(value, Sequence) or not isinstance(g, Sequence) or len(g) != len(value):
                raise ValueError(f"grads[{key!r}] must be a list as long as params[{key!r}]")
            pairs = [(f"{key}[{i}]", p, gi) for i, (p, gi) in enumerate(zip(value, g))]
        for name, p, gi in pairs:
            if not isinstance(p, np.ndarray) or p.dtype != np.float64:
                raise TypeError(
                    f"{name} must be a float64 array for central differences, got "
                    f"{getattr(p, 'dtype', type(p).__name__)}"
                )
            gi = np.asarray(gi)
            if gi.shape != p.shape:
                raise ValueError(f"the gradient of {name} has shape {gi.shape}, the parameter {p.shape}")
            out.append((name, p, gi))
    return out


def verify_gradients(
    f: Callable[[Mapping], float],
    params: Mapping,
    grads: Mapping,
    eps: float = 1e-6,
    rtol: float = 1e-6,
    n_samples: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    atol: float | None = None,
) -> float:
    r"""Compare analytic gradients with central differences; raise naming the worst bad entry.

    Each checked entry passes when

    .. math:: |g_\text{analytic} - g_\text{numerical}| \le
              \text{rtol}\cdot\max(|g_\text{analytic}|, |g_\text{numerical}|, \text{atol}/\text{rtol}),

    i.e. its :func:`relative_error` with floor atol/rtol is at most ``rtol``.

    Parameters
    ----------
    f : callable
        ``f(params) -> float``, the loss. It is called with ``params`` after
        one entry has been changed *in place*; every entry is restored after.
    params : dict
        ``name -> array`` or ``name -> list of arrays``, e.g. ``{"W": [...], "b": [...]}``
        or ``{"Theta": thetas}``; float64 only. Entry names in messages are
        ``W[2]`` (list index 2, layer k = 3) and a NumPy index.
    grads : dict
        The analytic gradients, same keys and shapes (extra keys such as
        ``"X"`` are ignored).
    eps : float
        The step h.
    rtol : float
        Allowed relative error.
    n_samples : int, optional
        Check only this many entries of each array (all when None or larger).
    rng : numpy.random.Generator, optional
        Picks the sampled entries; without it they are evenly spaced (deterministic).
    atol : float, optional
        Absolute floor; default 100·ε_mach·max(1, |f(p)|)/eps, the rounding
        level of the difference quotient.

    Returns
    -------
    float
        The largest relative error (with the floor) over the checked entries.

    Raises
    ------
    AssertionError
        Naming the worst entry, e.g. ``W[2][0, 3]``, with the analytic and
        numerical values and the relative error, and how many entries failed.

    Cost: 2 evaluations of f per checked entry, plus one.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    eps = check_positive_float("eps", eps)
    rtol = check_positive_float("rtol", rtol)
    if n_samples is not None:
        n_samples = check_int("n_samples", n_samples, minimum=1)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    entries = _entries(params, grads)
    f0 = float(f(params))
    if atol is None:
        atol = 100 * np.finfo(np.float64).eps * max(1.0, abs(f0)) / eps
    atol = check_positive_float("atol", atol, allow_zero=True)
    floor = atol / rtol

    worst = None  # (rel, name, index, analytic, numerical)
    n_failed = n_checked = 0
    worst_rel = 0.0
    for name, p, g in entries:
        size = p.size
        if n_samples is None or n_samples >= size:
            flat = range(size)
        elif rng is None:
            flat = np.unique(np.linspace(0, size - 1, n_samples).round().astype(np.int64))
        else:
            flat = rng.choice(size, size=n_samples, replace=False)
        for j in flat:
            idx = np.unravel_index(int(j), p.shape)
            orig = p[idx]
            try:
                # The step actually taken, (orig + h) − (orig − h), differs
                # from 2h by rounding; dividing by it removes that error.
                p[idx] = orig + eps
                hi = p[idx]
                f_plus = float(f(params))
                p[idx] = orig - eps
                lo = p[idx]
                f_minus = float(f(params))
            finally:
                p[idx] = orig
            numerical = (f_plus - f_minus) / (hi - lo)
            analytic = float(g[idx])
            rel = relative_error(analytic, numerical, floor)
            n_checked += 1
            worst_rel = max(worst_rel, rel)
            if rel > rtol:
                n_failed += 1
                if worst is None or rel > worst[0]:
                    worst = (rel, name, idx, analytic, numerical)
    if worst is not None:
        rel, name, idx, analytic, numerical = worst
        index = ", ".join(str(int(i)) for i in idx)
        raise AssertionError(
            f"gradient check failed for {name}[{index}]: analytic {analytic:.10g}, "
            f"numerical {numerical:.10g}, relative error {rel:.3g} > rtol {rtol:g} "
            f"({n_failed} of {n_checked} checked entries failed; the worst is shown)"
        )
    return worst_rel
