"""The best rank-r approximation of a weight matrix: truncated SVD (Eckart–Young).

A dense layer's weight W (m, n) is replaced by two factors U (m, r) and V (r, n);
the layer then costs r·(m + n) multiply-adds per sample instead of m·n
(``cost.flops.lowrank_flops``). Among all matrices of rank ≤ r, ``U @ V`` from the
truncated SVD is the closest to W in the Frobenius (and spectral) norm, and its
squared error is the sum of the discarded squared singular values.

Book: chapter 8, {prf:ref}`thm-eckart-young`.
"""
from __future__ import annotations

import numpy as np

from .._validate import Int, check_finite, check_float_array, validate_params

__all__ = ["lowrank", "lowrank_error"]


def _matrix(W) -> np.ndarray:
    """W as a finite 2-D float64 array (a torch tensor is converted)."""
    if hasattr(W, "detach"):
        W = W.detach().cpu().numpy()
    W = check_float_array("W", W, ndim=2).astype(np.float64, copy=False)
    check_finite("W", W)
    return W


@validate_params(rank=Int(minimum=1))
def lowrank(W, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """Factors U (m, r), V (r, n) with ``U @ V`` the best rank-r approximation of W (m, n).

    Parameters
    ----------
    W : array_like, shape (m, n)
        Finite real matrix (a NumPy array or a torch tensor).
    rank : int
        r, with 1 <= r <= min(m, n).

    Returns
    -------
    U : ndarray, shape (m, r)
        ``U[:, i] = σ_i · u_i``: the singular values are folded into U.
    V : ndarray, shape (r, n)
        ``V[i] = v_iᵀ``, orthonormal rows.

    Notes
    -----
    ‖W − U V‖_F² = Σ_{i > r} σ_i² (Eckart–Young); :func:`lowrank_error` gives it.
    Cost: one thin SVD, O(m·n·min(m, n)) FLOPs.
    """
    W = _matrix(W)
    m, n = W.shape
    if rank > min(m, n):
        raise ValueError(f"rank must be <= min(m, n) = {min(m, n)} for W of shape {W.shape}, got {rank}")
    left, s, right = np.linalg.svd(W, full_matrices=False)  # (m, p), (p,), (p, n) with p = min(m, n)
    U = left[:, :rank] * s[:rank]  # (m, r): column i scaled by σ_i
    V = right[:rank]  # (r, n)
    return U, V


@validate_params(rank=Int(minimum=0))
def lowrank_error(W, rank: int) -> float:
    """Squared Frobenius error of the best rank-r approximation: Σ_{i > r} σ_i².

    ``rank = 0`` gives ‖W‖_F². Cost: the singular values of W, O(m·n·min(m, n)).
    """
    W = _matrix(W)
    if rank > min(W.shape):
        raise ValueError(f"rank must be <= min(m, n) = {min(W.shape)} for W of shape {W.shape}, got {rank}")
    s = np.linalg.svd(W, compute_uv=False)  # (min(m, n),) descending
    return float(np.sum(s[rank:] ** 2))
