"""Binary (±1) matrices: packed into bits, multiplied by XNOR and popcount.

For x, y in {−1, +1}^k coded as bits (1 for +1), x_i·y_i = +1 exactly when the
bits agree, so ``x · y = 2·popcount(XNOR(x, y)) − k`` ({prf:ref}`thm-xnor-dot`):
64 multiply-adds become one XNOR and one popcount on a 64-bit word
(Hubara et al. 2016; Rastegari et al. 2016).

Book: chapter 8, "Binary networks".
"""
from __future__ import annotations

import numpy as np

__all__ = ["binarize", "binary_matmul", "pack_signs"]


def _signs(name: str, X) -> np.ndarray:
    if hasattr(X, "detach"):
        X = X.detach().cpu().numpy()
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-dimensional, got shape {X.shape}")
    if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers ±1, got {X.dtype}")
    if X.size and not np.all((X == 1) | (X == -1)):
        raise ValueError(f"{name} must hold only +1 and -1")
    return X


def pack_signs(X) -> np.ndarray:
    """Pack the rows of a ±1 matrix X (m, k) into 64-bit words: (m, ceil(k / 64)) uint64.

    Bit j of a row is 1 where X is +1; the padding bits at the end are 0.
    Cost: O(m·k) bit operations; 1 bit per entry instead of 32.
    """
    X = _signs("X", X)
    m, k = X.shape
    bits = np.packbits(X > 0, axis=1, bitorder="little")  # (m, ceil(k/8)) uint8
    words = -(-k // 64)
    padded = np.zeros((m, 8 * words), dtype=np.uint8)  # (m, 8·words) bytes
    padded[:, : bits.shape[1]] = bits
    return padded.view(np.uint64)  # (m, words): 8 bytes per word, native order


def binary_matmul(A, B, *, chunk_elements: int = 1 << 22) -> np.ndarray:
    """The exact product A @ B of ±1 matrices, A (m, k) and B (k, n), from packed bits.

    Entry (i, j) is ``2·popcount(XNOR(a_i, b_j)) − k`` over the packed words of
    row i of A and column j of B. Zero padding is equal in both, so XNOR counts
    it as agreement; the ``64·words − k`` padding bits are subtracted.

    Returns
    -------
    ndarray of int64, shape (m, n), equal to ``A @ B`` computed in floats.

    Cost: m·n·ceil(k/64) XNORs and popcounts (``cost.flops.xnor_popcount_ops``);
    rows are processed in chunks of at most ``chunk_elements`` words of temporaries.
    """
    A, B = _signs("A", A), _signs("B", B)
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"A (m, k) and B (k, n) must agree in k, got {A.shape} and {B.shape}")
    (m, k), n = A.shape, B.shape[1]
    pa, pb = pack_signs(A), pack_signs(B.T)  # (m, w), (n, w)
    pad = 64 * pa.shape[1] - k
    out = np.empty((m, n), dtype=np.int64)
    rows = max(1, chunk_elements // max(1, n * pa.shape[1]))
    for lo in range(0, m, rows):
        agree = ~(pa[lo: lo + rows, None, :] ^ pb[None, :, :])  # (r, n, w): XNOR, bit = 1 where signs agree
        matches = np.bitwise_count(agree).sum(axis=2, dtype=np.int64) - pad  # (r, n)
        out[lo: lo + rows] = 2 * matches - k
    return out


def binarize(W):
    """XNOR-Net's binary weights: W ≈ α · sign(W) with one α per row, α = mean |W| of the row.

    Returns ``(signs, alpha)``: signs (m, n) float ±1 (sign(0) taken as +1) and alpha (m, 1),
    the α that minimises ‖W − α·sign(W)‖_F for each row (Rastegari et al. 2016).
    Cost: O(m·n).
    """
    if hasattr(W, "detach"):
        W = W.detach().cpu().numpy()
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must be 2-dimensional, got shape {W.shape}")
    if not np.all(np.isfinite(W)):
        raise ValueError("W contains NaN or infinite values")
    signs = np.where(W >= 0, 1.0, -1.0)  # (m, n)
    alpha = np.abs(W).mean(axis=1, keepdims=True)  # (m, 1)
    return signs, alpha
