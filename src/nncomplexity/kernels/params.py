"""The parameters of a dense network, batch-first: their layout, their checks, their initialisation.

``params = {"W": [W⁽¹⁾, ..., W⁽ᴸ⁾], "b": [b⁽¹⁾, ..., b⁽ᴸ⁾]}`` with ``W[i]`` of
shape ``(n[i+1], n[i])`` and ``b[i]`` of shape ``(n[i+1],)`` — the layout of
``torch.nn.Linear``: **list index i is layer k = i + 1**. Gradients come back
in the same layout. Essay A's Θ⁽ᵏ⁾ = [b⁽ᵏ⁾ | W⁽ᵏ⁾] is the same data
(:mod:`~nncomplexity.kernels.mlp_essay`); PyTorch's models convert with
:mod:`~nncomplexity.kernels.mlp_torch`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .._validate import Choice, Widths, check_finite, check_float_array, validate_params

__all__ = ["Params", "check_params", "init_params"]

Params = dict[str, list[np.ndarray]]  # {"W": [W⁽¹⁾..W⁽ᴸ⁾], "b": [b⁽¹⁾..b⁽ᴸ⁾]}


def check_params(params, *, values: bool = True) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Return the lists (W, b) after checking shapes, dtypes and (if ``values``) NaN/inf; raise naming the entry."""
    if not isinstance(params, Mapping) or "W" not in params or "b" not in params:
        raise TypeError('params must be a dict {"W": [W1, ..., WL], "b": [b1, ..., bL]}')
    W, b = params["W"], params["b"]
    for key, v in (("W", W), ("b", b)):
        if not isinstance(v, Sequence) or isinstance(v, (str, bytes)):
            raise TypeError(f"params[{key!r}] must be a list of arrays, got {type(v).__name__}")
    if len(W) == 0 or len(W) != len(b):
        raise ValueError(
            f"params['W'] and params['b'] must be non-empty lists of equal length, "
            f"got {len(W)} and {len(b)}"
        )
    dtype = None
    for i, (Wi, bi) in enumerate(zip(W, b)):
        check_float_array(f"params['W'][{i}]", Wi, 2)
        check_float_array(f"params['b'][{i}]", bi, 1)
        dtype = Wi.dtype if dtype is None else dtype
        if 0 in Wi.shape:
            raise ValueError(f"params['W'][{i}] has shape {Wi.shape}: every width must be >= 1")
        for name, v in ((f"params['W'][{i}]", Wi), (f"params['b'][{i}]", bi)):
            if v.dtype != dtype:
                raise TypeError(f"{name} has dtype {v.dtype}, but params['W'][0] has {dtype}")
        if bi.shape != (Wi.shape[0],):
            raise ValueError(
                f"params['b'][{i}] has shape {bi.shape} but params['W'][{i}] has shape "
                f"{Wi.shape}: the bias of layer {i + 1} must have shape ({Wi.shape[0]},)"
            )
        if i > 0 and Wi.shape[1] != W[i - 1].shape[0]:
            raise ValueError(
                f"params['W'][{i}] has shape {Wi.shape} but params['W'][{i - 1}] has shape "
                f"{W[i - 1].shape}: layer {i + 1} must take n[{i}] = {W[i - 1].shape[0]} inputs"
            )
        if values:
            check_finite(f"params['W'][{i}]", Wi)
            check_finite(f"params['b'][{i}]", bi)
    return list(W), list(b)


@validate_params(widths=Widths(), scheme=Choice(("he", "xavier")))
def init_params(
    widths: Sequence[int],
    rng: np.random.Generator,
    dtype=np.float64,
    *,
    scheme: str = "he",
) -> Params:
    r"""Random weights and zero biases for the widths ``[n0, ..., nL]``.

    ``W[i]`` ~ N(0, σ²) with σ² = 2/n_in (``"he"``, He et al. 2015, for ReLU)
    or σ² = 2/(n_in + n_out) (``"xavier"``, Glorot & Bengio 2010, for
    sigmoid/tanh): the scale that keeps activations from growing or shrinking
    layer by layer.

    Parameters
    ----------
    widths : sequence of int
        ``[n0, n1, ..., nL]``, each ≥ 1, at least two.
    rng : numpy.random.Generator
        The only source of randomness.
    dtype : floating dtype
        float32 draws the same numbers as float64, rounded.
    scheme : {"he", "xavier"}

    Returns
    -------
    dict
        ``{"W": [(n[1], n[0]), ...], "b": [(n[1],), ...]}``.

    Cost: Σₖ n[k]·n[k-1] normal draws.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    try:
        dtype = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"dtype must be a floating dtype, got {dtype!r}") from err
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"dtype must be a floating dtype, got {dtype}")
    W, b = [], []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        var = 2.0 / n_in if scheme == "he" else 2.0 / (n_in + n_out)
        W.append((rng.standard_normal((n_out, n_in)) * np.sqrt(var)).astype(dtype, copy=False))
        b.append(np.zeros(n_out, dtype=dtype))
    return {"W": W, "b": b}
