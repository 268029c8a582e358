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

from .._validate import Bool, Choice, Int, Rule, Widths, check_choice, check_int, validate_params
from .flops import ACTIVATION_NAMES, gemv_flops, matmul_flops

__all__ = [
    "DTYPE_BYTES",
    "activation_bytes",
    "backward_memory_bytes",
    "csr_bytes",
    "dtype_bytes",
    "gemm_bytes",
    "gemm_intensity",
    "gemv_bytes",
    "gemv_intensity",
    "parameter_bytes",
    "parameter_count",
    "quantized_bytes",
]

DTYPE_BYTES = {"int8": 1, "float16": 2, "bfloat16": 2, "float32": 4, "float64": 8}
"""Bytes per element of the number formats the book uses: the one table (NumPy has no bfloat16)."""


def dtype_bytes(dtype) -> int:
    """Bytes per element of ``dtype``.

    Accepts a name from :data:`DTYPE_BYTES`, a positive int (bytes per
    element, returned as is), a NumPy dtype or scalar type (``np.float32``)
    or a torch dtype (``torch.bfloat16``; torch is not imported here).

    Book: the symbol table of the introduction (bytes per number, s).
    """
    if isinstance(dtype, str):
        return DTYPE_BYTES[check_choice("dtype", dtype, DTYPE_BYTES)]
    if isinstance(dtype, int) and not isinstance(dtype, bool):
        return check_int("dtype", dtype, minimum=1)
    if type(dtype).__module__ == "torch" and type(dtype).__name__ == "dtype":
        return int(dtype.itemsize)  # torch.dtype knows its size (torch >= 2.1)
    try:
        if dtype is None or isinstance(dtype, (bool, float)):  # np.dtype(None) would mean float64
            raise TypeError
        return int(np.dtype(dtype).itemsize)
    except TypeError:
        raise TypeError(
            f"dtype must be a dtype name, bytes per element, numpy dtype or torch dtype, "
            f"got {type(dtype).__name__} {dtype!r}"
        ) from None


class DType(Rule):
    """A dtype as :func:`dtype_bytes` accepts it; normalised to bytes per element."""

    def check(self, name, value) -> int:
        try:
            return dtype_bytes(value)
        except (TypeError, ValueError) as err:
            raise type(err)(str(err).replace("dtype must", f"{name} must", 1)) from None

    def example(self):
        return "float32"

    def bad_values(self):
        return [("float128x", ValueError), (None, TypeError), (2.5, TypeError), (0, ValueError)]


# =========================================================================== one product
@validate_params(m=Int(minimum=1), k=Int(minimum=1), n=Int(minimum=1), itemsize=DType())
def gemm_bytes(m: int, k: int, n: int, itemsize=4) -> int:
    """Compulsory bytes of an (m, k) @ (k, n) product: read A and B, write C once.

    ``(m·k + k·n + m·n) · itemsize``. Book: chapter 1, {prf:ref}`thm-intensity`. Cost: O(1).
    """
    return (m * k + k * n + m * n) * itemsize


def gemm_intensity(m: int, k: int, n: int, itemsize=4) -> float:
    """Arithmetic intensity of GEMM, FLOP/byte: ``2·m·k·n / ((m·k + k·n + m·n)·itemsize)``.

    For square n×n float32 matrices this is exactly ``n / 6``. The ratio of two
    Python ints, so it is correctly rounded at any size.
    Book: chapter 1, {prf:ref}`thm-intensity`. Cost: O(1).
    """
    return matmul_flops(m, k, n) / gemm_bytes(m, k, n, itemsize)


@validate_params(m=Int(minimum=1), n=Int(minimum=1), itemsize=DType())
def gemv_bytes(m: int, n: int, itemsize=4) -> int:
    """Compulsory bytes of (m, n) @ (n,): read the matrix and x, write y: ``(m·n + n + m)·itemsize``.

    Book: chapter 1, {prf:ref}`thm-intensity`. Cost: O(1).
    """
    return (m * n + n + m) * itemsize


def gemv_intensity(m: int, n: int, itemsize=4) -> float:
    """Arithmetic intensity of GEMV, FLOP/byte: ``2·m·n / ((m·n + n + m)·itemsize)`` < ``2 / itemsize``.

    Every matrix element is used once, so the intensity cannot grow with size:
    at most 0.5 FLOP/byte in float32, 0.25 in float64.
    Book: chapter 1, {prf:ref}`thm-intensity`. Cost: O(1).
    """
    return gemv_flops(m, n) / gemv_bytes(m, n, itemsize)


# =========================================================================== a dense network
@validate_params(widths=Widths(), bias=Bool())
def parameter_count(widths, bias: bool = True) -> int:
    """Number of parameters: ``Σ_k n[k-1]·n[k]`` weights ``(+ Σ_k n[k]`` biases).

    Book: chapter 2. Cost: O(L).
    """
    n = widths
    weights = sum(n[k - 1] * n[k] for k in range(1, len(n)))
    return weights + (sum(n[1:]) if bias else 0)


@validate_params(widths=Widths(), dtype=DType(), bias=Bool())
def parameter_bytes(widths, dtype="float32", bias: bool = True) -> int:
    """Bytes of the parameters, ``parameter_count(widths, bias) · dtype_bytes(dtype)``.

    Book: chapter 2 (the weights a batch-1 pass must read). Cost: O(L).
    """
    return parameter_count(widths, bias) * dtype


@validate_params(widths=Widths(), batch=Int(minimum=1), dtype=DType())
def activation_bytes(widths, batch: int, dtype="float32") -> int:
    """Bytes of the layer outputs of one forward pass, input included.

    One tensor of shape (t, n[k]) per k = 0..L: ``t·Σ_{k=0..L} n[k]`` numbers.
    (With the pre-activations z[k] kept separately, a hidden layer holds twice
    that; see ``backward_memory_bytes`` for what is actually kept.) Cost: O(L).

    Book: chapter 3, "What backprop keeps".
    """
    return batch * sum(widths) * dtype


@validate_params(widths=Widths(), batch=Int(minimum=1), dtype=DType(), activation=Choice(ACTIVATION_NAMES))
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

    Book: chapter 3, {prf:ref}`thm-checkpointing`. Cost: O(L).
    """
    n, t = widths, batch
    numbers = t * sum(n[:-1])  # a[0..L-1]: inputs of the L Linear layers
    if activation == "gelu":
        numbers += t * sum(n[1:-1])  # GELU's backward needs z[k], not a[k]
    return numbers * dtype


# =========================================================================== compressed weights
@validate_params(count=Int(minimum=0), bits=Int(minimum=1, maximum=64))
def quantized_bytes(count: int, bits: int) -> int:
    """Bytes of ``count`` numbers stored with ``bits`` bits each, packed: ``ceil(count·bits / 8)``.

    32 bits is float32, 8 an int8 tensor, 1 the packed signs of a binary layer.
    Scales and zero points are counted separately (one float per tensor or per channel).

    Book: chapter 8, {prf:ref}`thm-quant-error`. Cost: O(1).
    """
    return -(-count * bits // 8)


@validate_params(nnz=Int(minimum=0), rows=Int(minimum=1), value_bytes=Int(minimum=1),
                 index_bytes=Int(minimum=1))
def csr_bytes(nnz: int, rows: int, value_bytes: int = 4, index_bytes: int = 8) -> int:
    """Bytes of a matrix in compressed sparse row form: values, column indices, row pointers.

    ``nnz·(value_bytes + index_bytes) + (rows + 1)·index_bytes``; PyTorch's CSR
    tensors use int64 indices (8 bytes), SciPy's int32 (4) when they fit. A
    float32 matrix with 64-bit indices is smaller than dense only below 1/3 density.

    Book: chapter 8, {prf:ref}`thm-sparse-cost`. Cost: O(1).
    """
    return nnz * (value_bytes + index_bytes) + (rows + 1) * index_bytes
