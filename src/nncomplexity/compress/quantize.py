"""Affine integer quantisation, per tensor or per channel; an exact int8 product; PyTorch's own.

A real number w is stored as an integer q with ``w ≈ scale · (q − zero_point)``
(Jacob et al. 2018). The range [lo, hi] of the values (widened to contain 0, so
that 0 is stored exactly) is mapped onto the 2^b integers [−2^(b−1), 2^(b−1) − 1];
``symmetric`` fixes zero_point = 0. Every value is then within scale/2 of its
dequantised copy ({prf:ref}`thm-quant-error`).

Book: chapter 8, "Quantisation".
"""
from __future__ import annotations

import warnings

import numpy as np

from .._validate import Bool, Int, check_finite, validate_params

__all__ = ["dequantize", "int8_matmul", "quantize", "quantize_dynamic_torch"]

INT32_SAFE_K = 2 ** 17  # k·128·128 < 2^31: an int8 dot product of length k fits an int32 accumulator


def _real_array(name: str, W) -> np.ndarray:
    if hasattr(W, "detach"):  # a torch tensor
        W = W.detach().cpu().numpy()
    if not isinstance(W, np.ndarray) or not np.issubdtype(W.dtype, np.floating):
        raise TypeError(f"{name} must be a floating NumPy array or torch tensor, got {type(W).__name__}")
    if W.size == 0:
        raise ValueError(f"{name} must not be empty")
    check_finite(name, W)
    return W.astype(np.float64, copy=False)


@validate_params(bits=Int(minimum=2, maximum=16), symmetric=Bool())
def quantize(W, bits: int = 8, axis: int | None = None, *, symmetric: bool = False):
    """Affine quantisation of W to signed ``bits``-bit integers: ``(q, scale, zero_point)``.

    Parameters
    ----------
    W : array_like of floats, any shape
        Finite values (a NumPy array or a torch tensor).
    bits : int
        b, 2 <= b <= 16; integers in [−2^(b−1), 2^(b−1) − 1].
    axis : int, optional
        None: one scale for the whole tensor; an axis: one scale per index along
        it (per output channel is ``axis=0`` for a (n_out, n_in) weight).
    symmetric : bool
        Range [−max|W|, max|W|] and zero_point 0 (the usual choice for weights).

    Returns
    -------
    q : ndarray, W's shape, int8 (b <= 8) or int16
    scale : ndarray of float64, broadcastable to W (shape () or 1 except along ``axis``)
    zero_point : ndarray of int32, same shape as ``scale``

    Notes
    -----
    ``|dequantize(q, scale, zero_point) − W| <= scale / 2`` elementwise.
    Cost: O(W.size).
    """
    W = _real_array("W", W)
    if axis is not None:
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -W.ndim <= axis < W.ndim:
            raise ValueError(f"axis must be None or an axis of W (ndim {W.ndim}), got {axis!r}")
        reduce = tuple(i for i in range(W.ndim) if i != axis % W.ndim)
    else:
        reduce = None
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    keep = axis is not None  # per tensor: 0-d scale and zero point
    lo = np.minimum(W.min(axis=reduce, keepdims=keep), 0.0)  # the range contains 0 ...
    hi = np.maximum(W.max(axis=reduce, keepdims=keep), 0.0)  # ... so 0 is stored exactly
    if symmetric:
        hi = np.maximum(-lo, hi)
        scale = hi / qmax
        zero_point = np.zeros(scale.shape, dtype=np.int32)
    else:
        scale = (hi - lo) / (qmax - qmin)
    scale = np.asarray(np.where(scale > 0, scale, 1.0))  # an all-zero group: any scale is exact
    if not symmetric:
        zero_point = np.asarray(np.clip(np.round(qmin - lo / scale), qmin, qmax)).astype(np.int32)
    q = np.clip(np.round(W / scale) + zero_point, qmin, qmax)
    return q.astype(np.int8 if bits <= 8 else np.int16), scale, zero_point


def dequantize(q, scale, zero_point) -> np.ndarray:
    """The real values ``scale · (q − zero_point)`` (float64), broadcasting per channel.

    Cost: O(q.size).
    """
    q, scale, zero_point = np.asarray(q), np.asarray(scale, dtype=np.float64), np.asarray(zero_point)
    if not np.issubdtype(q.dtype, np.integer):
        raise TypeError(f"q must hold integers, got {q.dtype}")
    if not np.issubdtype(zero_point.dtype, np.integer):
        raise TypeError(f"zero_point must hold integers, got {zero_point.dtype}")
    if not np.all(np.isfinite(scale)) or np.any(scale <= 0):
        raise ValueError("scale must be positive and finite")
    return scale * (q.astype(np.int64) - zero_point)


def int8_matmul(qa, qb) -> np.ndarray:
    """The exact integer product of int8 matrices, accumulated in int32: (m, k) @ (k, n) -> (m, n).

    Each entry is a sum of k products of magnitude at most 2^14, so it fits an
    int32 while k <= 2^17: the result is exact, no rounding anywhere. An int8
    layer computes ``scale_a · scale_b · (qa @ qb)`` (zero points 0) from it.

    Cost: 2·m·k·n integer operations.
    """
    qa, qb = np.asarray(qa), np.asarray(qb)
    for name, x in (("qa", qa), ("qb", qb)):
        if x.dtype != np.int8 or x.ndim != 2:
            raise TypeError(f"{name} must be a 2-D int8 array, got {x.dtype} with shape {x.shape}")
    if qa.shape[1] != qb.shape[0]:
        raise ValueError(f"qa (m, k) and qb (k, n) must agree in k, got {qa.shape} and {qb.shape}")
    if qa.shape[1] > INT32_SAFE_K:
        raise ValueError(f"qa's k = {qa.shape[1]} could overflow int32 (k must be <= {INT32_SAFE_K})")
    return qa.astype(np.int32) @ qb.astype(np.int32)  # (m, k) @ (k, n) -> (m, n), int32


def quantize_dynamic_torch(model):
    """PyTorch's dynamic int8 quantisation of every ``nn.Linear``: ``(quantized_model, warnings)``.

    ``torch.ao.quantization.quantize_dynamic`` stores each weight as int8 (per
    tensor) and quantises activations on the fly. Recent PyTorch versions mark
    the ``torch.ao.quantization`` API deprecated (its successor is the separate
    ``torchao`` package). The warnings are caught here, not hidden: they are
    returned as ``"Category: first line"`` strings so the page can show them.

    Cost: O(parameters) to quantise the weights.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        qmodel = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    seen = dict.fromkeys(f"{w.category.__name__}: {str(w.message).strip().splitlines()[0]}"
                         for w in caught)
    return qmodel, list(seen)
