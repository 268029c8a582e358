"""Matrix-multiplication kernels with one signature: ``matmul_xxx(A, B) -> C``.

Every kernel computes ``C = A @ B`` for ``A`` of shape (m, k) and ``B`` of shape
(k, n), float32 or float64, and returns a new array of shape (m, n) and the
inputs' dtype. They differ only in *how* the m·k·n multiply-adds are scheduled:

- ``naive``    the Θ(m·k·n) triple loop in plain Python, one scalar at a time;
- ``rowwise``  one vector-matrix product per row of C (NumPy, no loop over k, n);
- ``blocked``  explicit cache blocking: loops over tiles, each tile product a small GEMM;
- ``blas``     ``np.matmul``, i.e. the machine's BLAS GEMM (blocked, vectorised, threaded);
- ``torch``    ``torch.mm`` on CPU (or CUDA on request);
- ``strassen`` Strassen's 7-product recursion down to ``cutoff``, then BLAS.

All perform the same arithmetic (Strassen a little less, with extra additions);
the speed differences the book measures come from memory traffic and the
constant factor, not from the big-O.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .._validate import check_choice, check_int

__all__ = [
    "MATMUL_KERNELS",
    "matmul_blas",
    "matmul_blocked",
    "matmul_naive",
    "matmul_rowwise",
    "matmul_strassen",
    "matmul_torch",
]

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_operands(A, B) -> tuple[int, int, int]:
    """Check that ``A @ B`` is a valid float32/float64 matrix product; return (m, k, n).

    Raises ``TypeError`` (not an ndarray, unsupported or mixed dtype) or
    ``ValueError`` (not 2-D, inner dimensions differ), naming ``A`` or ``B``.
    """
    for name, X in (("A", A), ("B", B)):
        if not isinstance(X, np.ndarray):
            raise TypeError(f"{name} must be a numpy.ndarray, got {type(X).__name__}")
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-D, got {X.ndim}-D array of shape {X.shape}")
        if X.dtype not in _DTYPES:
            raise TypeError(f"{name} must have dtype float32 or float64, got dtype {X.dtype}")
    if A.dtype != B.dtype:
        # Silent promotion would make kernels incomparable (float32 vs float64 speed).
        raise TypeError(f"A and B must have the same dtype, got A {A.dtype} and B {B.dtype}")
    if A.shape[1] != B.shape[0]:
        raise ValueError(
            f"inner dimensions of A and B must match: A has shape {A.shape}, B has shape {B.shape}"
        )
    return A.shape[0], A.shape[1], B.shape[1]


def matmul_naive(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The textbook triple loop, one scalar multiply-add at a time, in pure Python.

    ``C[i, j] = Σ_p A[i, p]·B[p, j]``. Slow on purpose: it is the Θ(m·k·n)
    algorithm with no vectorisation and no cache reuse, about four orders of
    magnitude slower than BLAS on the same machine.

    Parameters
    ----------
    A : ndarray, shape (m, k), float32 or float64
    B : ndarray, shape (k, n), same dtype

    Returns
    -------
    C : ndarray, shape (m, n), same dtype

    Cost: 2·m·k·n FLOPs, all interpreted Python (sums in float64, then cast).
    """
    m, k, n = check_operands(A, B)
    a, b = A.tolist(), B.tolist()  # Python floats: the loop below touches no NumPy
    C = [[0.0] * n for _ in range(m)]  # (m, n)
    for i in range(m):
        for j in range(n):
            s = 0.0
            for p in range(k):
                s += a[i][p] * b[p][j]
            C[i][j] = s
    return np.array(C, dtype=A.dtype).reshape(m, n)  # reshape keeps (m, 0) and (0, n) shapes


def matmul_rowwise(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """One vector-matrix product per row: ``C[i, :] = A[i, :] @ B``.

    The loop over rows stays in Python; each row is a (k,) @ (k, n) product
    (a GEMV), which reads all of B once per row: low arithmetic intensity.

    Parameters
    ----------
    A : ndarray, shape (m, k), float32 or float64
    B : ndarray, shape (k, n), same dtype

    Returns
    -------
    C : ndarray, shape (m, n), same dtype

    Cost: 2·m·k·n FLOPs in m vector-matrix products; B is streamed m times.
    """
    m, k, n = check_operands(A, B)
    C = np.zeros((m, n), dtype=A.dtype)  # (m, n)
    for i in range(m):
        C[i] = A[i] @ B  # (k,) @ (k, n) -> (n,)
    return C


def matmul_blocked(A: np.ndarray, B: np.ndarray, *, block: int = 256) -> np.ndarray:
    """Cache-blocked product: three loops over ``block``-sized tiles.

    ``C[I, J] = Σ_P A[I, P] @ B[P, J]`` over tiles I, J, P. Each tile product is
    itself a small GEMM handed to ``np.matmul`` (so to BLAS): this kernel does not
    hide that. What it shows is the *schedule* of blocking: a tile of A, a tile
    of B and a tile of C are small enough to stay in cache while
    ``2·block³`` FLOPs are done on them, so memory traffic per FLOP falls as
    ``1/block``. Too small a block and Python's loop overhead dominates.

    Parameters
    ----------
    A : ndarray, shape (m, k), float32 or float64
    B : ndarray, shape (k, n), same dtype
    block : int, keyword-only
        Tile edge, >= 1. Edge tiles are smaller when block does not divide a size.

    Returns
    -------
    C : ndarray, shape (m, n), same dtype

    Cost: 2·m·k·n FLOPs in ⌈m/b⌉·⌈n/b⌉·⌈k/b⌉ tile products of at most 2·b³ FLOPs.
    """
    m, k, n = check_operands(A, B)
    block = check_int("block", block, minimum=1)
    C = np.zeros((m, n), dtype=A.dtype)  # (m, n)
    for i0 in range(0, m, block):
        i1 = min(i0 + block, m)
        for j0 in range(0, n, block):
            j1 = min(j0 + block, n)
            acc = np.zeros((i1 - i0, j1 - j0), dtype=A.dtype)  # (bi, bj): this C tile stays hot
            prod = np.empty_like(acc)  # (bi, bj): reused so the inner loop allocates nothing
            for p0 in range(0, k, block):
                p1 = min(p0 + block, k)
                np.matmul(A[i0:i1, p0:p1], B[p0:p1, j0:j1], out=prod)  # (bi, bp) @ (bp, bj) -> (bi, bj)
                acc += prod
            C[i0:i1, j0:j1] = acc
    return C


def matmul_blas(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``np.matmul``: the BLAS GEMM NumPy is linked against (OpenBLAS, MKL, ...).

    Parameters
    ----------
    A : ndarray, shape (m, k), float32 or float64
    B : ndarray, shape (k, n), same dtype

    Returns
    -------
    C : ndarray, shape (m, n), same dtype

    Cost: 2·m·k·n FLOPs, blocked for the cache hierarchy, SIMD and multithreaded.
    """
    check_operands(A, B)
    return np.matmul(A, B)  # (m, k) @ (k, n) -> (m, n)


def matmul_torch(A: np.ndarray, B: np.ndarray, *, device: str = "cpu") -> np.ndarray:
    """``torch.mm`` on NumPy inputs (CPU by default, ``device="cuda"`` on a GPU).

    On CUDA the inputs are copied to the device and the result back, and the
    device is synchronised, so a timer around this call measures the whole
    product (including the transfers).

    Parameters
    ----------
    A : ndarray, shape (m, k), float32 or float64
    B : ndarray, shape (k, n), same dtype
    device : {"cpu", "cuda"}, keyword-only

    Returns
    -------
    C : ndarray, shape (m, n), same dtype

    Cost: 2·m·k·n FLOPs (+ 4·(m·k + k·n + m·n) bytes of transfers per float32 call on CUDA).
    """
    check_operands(A, B)
    check_choice("device", device, {"cpu", "cuda"})
    import torch  # lazy: importing nncomplexity must not import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("matmul_torch(device='cuda') needs CUDA, but torch.cuda.is_available() is False")
    # from_numpy shares memory; ascontiguousarray only copies for negative/odd strides.
    a = torch.from_numpy(np.ascontiguousarray(A)).to(device)  # (m, k)
    b = torch.from_numpy(np.ascontiguousarray(B)).to(device)  # (k, n)
    c = torch.mm(a, b)  # (m, k) @ (k, n) -> (m, n)
    if device == "cuda":
        torch.cuda.synchronize()  # kernels are asynchronous: wait so timings are honest
    return c.cpu().numpy()


def matmul_strassen(A: np.ndarray, B: np.ndarray, *, cutoff: int = 128) -> np.ndarray:
    """Strassen's algorithm (1969): 7 half-size products instead of 8.

    Split A (m, k) and B (k, n) into 2×2 blocks, form the seven products
    M1..M7 recursively and combine them with 18 block additions. Odd sizes are
    zero-padded by one row/column at each level (and the padding sliced off),
    so every shape, including non-square and empty ones, is handled. Below
    ``cutoff`` (smallest of m, k, n) it falls back to BLAS, as practical
    implementations do: the extra additions and memory traffic make Strassen
    slower than blocked GEMM at small sizes.

    Parameters
    ----------
    A : ndarray, shape (m, k), float32 or float64
    B : ndarray, shape (k, n), same dtype
    cutoff : int, keyword-only
        Recurse only while min(m, k, n) > cutoff; >= 1.

    Returns
    -------
    C : ndarray, shape (m, n), same dtype

    Cost: Θ(n^log2(7)) ≈ Θ(n^2.807) FLOPs for n×n inputs, with a constant larger
    than the naive 2·n³; slightly less accurate than GEMM in floating point.
    ``cost.strassen.strassen_plan`` gives the exact schedule and count, padding
    included: an odd size such as 181 is padded to 182 and ends in 91×91 leaves.

    Book: chapter 1, {prf:ref}`thm-strassen`.
    """
    check_operands(A, B)
    cutoff = check_int("cutoff", cutoff, minimum=1)
    return np.ascontiguousarray(_strassen(A, B, cutoff))  # a fresh array, not a view of padding


def _strassen(A: np.ndarray, B: np.ndarray, cutoff: int) -> np.ndarray:
    m, k = A.shape
    n = B.shape[1]
    if min(m, k, n) <= cutoff:
        return A @ B  # (m, k) @ (k, n) -> (m, n): BLAS below the cutoff
    # Pad odd sizes to even (cheap: one row/column) so the 2x2 split is exact.
    me, ke, ne = m + m % 2, k + k % 2, n + n % 2
    if (me, ke, ne) != (m, k, n):
        A = np.pad(A, ((0, me - m), (0, ke - k)))  # (m, k) -> (me, ke)
        B = np.pad(B, ((0, ke - k), (0, ne - n)))  # (k, n) -> (ke, ne)
    h, q, r = me // 2, ke // 2, ne // 2
    A11, A12, A21, A22 = A[:h, :q], A[:h, q:], A[h:, :q], A[h:, q:]  # each (h, q)
    B11, B12, B21, B22 = B[:q, :r], B[:q, r:], B[q:, :r], B[q:, r:]  # each (q, r)
    M1 = _strassen(A11 + A22, B11 + B22, cutoff)  # (h, r)
    M2 = _strassen(A21 + A22, B11, cutoff)
    M3 = _strassen(A11, B12 - B22, cutoff)
    M4 = _strassen(A22, B21 - B11, cutoff)
    M5 = _strassen(A11 + A12, B22, cutoff)
    M6 = _strassen(A21 - A11, B11 + B12, cutoff)
    M7 = _strassen(A12 - A22, B21 + B22, cutoff)
    C = np.empty((me, ne), dtype=A.dtype)  # (me, ne)
    C[:h, :r] = M1 + M4 - M5 + M7
    C[:h, r:] = M3 + M5
    C[h:, :r] = M2 + M4
    C[h:, r:] = M1 - M2 + M3 + M6
    return C[:m, :n]  # (me, ne) -> (m, n): drop the padding


MATMUL_KERNELS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "naive": matmul_naive,
    "rowwise": matmul_rowwise,
    "blocked": matmul_blocked,
    "blas": matmul_blas,
    "torch": matmul_torch,
    "strassen": matmul_strassen,
}
"""Every kernel by name; all share the signature ``kernel(A, B) -> C``. Their count is
``cost.flops.matmul_flops(m, k, n)`` (Strassen does fewer multiplications).
"""

