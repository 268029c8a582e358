"""Exact memory counts (bytes) of a dense network: parameters and activations.

Widths ``n = [n0, ..., nL]``, batch ``t``, as in ``cost.flops``. All counts are
Python ints.

What a ``Linear + activation`` MLP keeps for its backward pass (measured with
``torch.autograd.graph.saved_tensors_hooks`` in tests/test_memory.py):

- each ``Linear`` (``addmm``) saves its input ``a[k-1]`` (for ``dW = δᵀ·a``) and its
  weight (for ``δ·W``); the weight is a parameter, stored anyway, so it costs
  no extra memory. The network's input ``x = a[0]`` is saved even when it does
  not require grad, because layer 1's weight gradient needs it;
- ReLU, tanh and sigmoid save their *output* ``a[k]``, the very tensor the next
  ``Linear`` saves as its input: one shared storage, counted once;
- GELU saves its *input* ``z[k]`` instead, so a GELU network also keeps every
  hidden pre-activation: ``t·Σ_{k=1..L-1} n[k]`` more numbers;
- the output ``z[L]`` is not saved by the network (a loss may save it).
"""
from __future__ import annotations

import numpy as np

from .._validate import check_choice, check_int, check_widths
from .flops import ACTIVATIONS

__all__ = [
    "activation_bytes",
    "backward_memory_bytes",
    "dtype_bytes",
    "parameter_bytes",
    "parameter_count",
]

_NAMED_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "int8": 1}


def dtype_bytes(dtype) -> int:
    """Bytes per element of ``dtype``.

    Accepts a name (``"float16"``, ``"bfloat16"``, ``"float32"``, ``"float64"``,
    ``"int8"``), a NumPy dtype or scalar type (``np.float32``) or a torch dtype
    (``torch.bfloat16``; torch is not imported here).
    """
    if isinstance(dtype, str):
        return _NAMED_BYTES[check_choice("dtype", dtype, _NAMED_BYTES)]
    if type(dtype).__module__ == "torch" and type(dtype).__name__ == "dtype":
        return int(dtype.itemsize)  # torch.dtype knows its size (torch >= 2.1)
    try:
        if dtype is None:  # np.dtype(None) would silently mean float64
            raise TypeError
        return int(np.dtype(dtype).itemsize)
    except TypeError:
        raise TypeError(
            f"dtype must be a dtype name, numpy dtype or torch dtype, got {type(dtype).__name__} {dtype!r}"
        ) from None


def parameter_count(widths, bias: bool = True) -> int:
    """Number of parameters: ``Σ_k n[k-1]·n[k]`` weights ``(+ Σ_k n[k]`` biases).

    Cost: O(L).
    """
    n = check_widths("widths", widths)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be a bool, got {type(bias).__name__}")
    weights = sum(n[k - 1] * n[k] for k in range(1, len(n)))
    return weights + (sum(n[1:]) if bias else 0)


def parameter_bytes(widths, dtype="float32", bias: bool = True) -> int:
    """Bytes of the parameters, ``parameter_count(widths, bias) · dtype_bytes(dtype)``."""
    return parameter_count(widths, bias) * dtype_bytes(dtype)


def activation_bytes(widths, batch: int, dtype="float32") -> int:
    """Bytes of the layer outputs of one forward pass, input included.

    One tensor of shape (t, n[k]) per k = 0..L: ``t·Σ_{k=0..L} n[k]`` numbers.
    (With the pre-activations z[k] kept separately, a hidden layer holds twice
    that; see ``backward_memory_bytes`` for what is actually kept.) Cost: O(L).
    """
    n = check_widths("widths", widths)
    t = check_int("batch", batch, minimum=1)
    return t * sum(n) * dtype_bytes(dtype)


def backward_memory_bytes(widths, batch: int, dtype="float32", activation: str = "relu") -> int:
    """Bytes that autograd holds from the forward pass for the backward pass.

    The tensors saved by ``mlp_torch(widths, activation)`` (parameters
    excluded, shared storages counted once; see the module docstring):
    the input and every hidden activation, ``t·Σ_{k=0..L-1} n[k]`` numbers,
    plus the hidden pre-activations ``t·Σ_{k=1..L-1} n[k]`` for GELU.
    This is the Θ(t·Σ n[k]) memory that backpropagation trades for speed.

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
    batch : int, t >= 1
    dtype : str, numpy or torch dtype
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}

    Returns
    -------
    int
        Bytes; matches the sum over storages seen by ``saved_tensors_hooks``.

    Cost: O(L).
    """
    n = check_widths("widths", widths)
    t = check_int("batch", batch, minimum=1)
    check_choice("activation", activation, ACTIVATIONS)
    numbers = t * sum(n[:-1])  # a[0..L-1]: inputs of the L Linear layers
    if activation == "gelu":
        numbers += t * sum(n[1:-1])  # GELU's backward needs z[k], not a[k]
    return numbers * dtype_bytes(dtype)
