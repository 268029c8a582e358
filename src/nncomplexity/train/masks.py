"""Magnitude pruning masks: the one implementation the compression and search chapters share.

Chapter 8 prunes a trained network by weight magnitude and fine-tunes it; chapter 9 does the
same every round of a lottery-ticket search. Both pass the masks to the trainer
(``train_mlps(masks=...)``), which is why they live here, beside it. The tests check them
against PyTorch's own ``torch.nn.utils.prune`` (``l1_unstructured`` per layer,
``global_unstructured`` for the whole network); this version also counts exactly, breaks
ties by position, takes NumPy or torch, and prunes a trainer's stacked models each on its own.

Book: chapter 8 (pruning) and chapter 9 (lottery tickets).
"""
from __future__ import annotations

import numpy as np

from .._validate import Choice, Real, validate_params

__all__ = ["keep_largest", "magnitude_masks", "mask_sparsity"]


def keep_largest(scores: list[np.ndarray], n_prune: list[int] | int) -> list[np.ndarray]:
    """Boolean keep-masks: drop the ``n_prune`` smallest scores (globally if an int, else per array).

    Ties are broken by position (a stable sort), so the count is exact.
    """
    if isinstance(n_prune, int):
        flat = np.concatenate([s.ravel() for s in scores])  # (total,)
        keep = np.ones(flat.size, bool)
        keep[np.argsort(flat, kind="stable")[:n_prune]] = False
        cuts = np.cumsum([s.size for s in scores])[:-1]
        return [k.reshape(s.shape) for k, s in zip(np.split(keep, cuts), scores)]
    out = []
    for s, n in zip(scores, n_prune):
        keep = np.ones(s.size, bool)
        keep[np.argsort(s.ravel(), kind="stable")[:n]] = False
        out.append(keep.reshape(s.shape))
    return out


def _masks_of_one_network(arrays: list[np.ndarray], sparsity: float, scope: str) -> list[np.ndarray]:
    total = sum(a.size for a in arrays)
    n_prune = round(sparsity * total) if scope == "global" else [round(sparsity * a.size) for a in arrays]
    return keep_largest(arrays, n_prune)


@validate_params(sparsity=Real(allow_zero=True, below=1.0), scope=Choice(("global", "layer")))
def magnitude_masks(weights, sparsity: float, scope: str = "global"):
    """Boolean masks that keep the largest |w|: ``True`` = kept.

    Parameters
    ----------
    weights : list of numpy arrays or torch tensors
        One per layer, each (n[k], n[k-1]); or the trainer's stacked weights, every one
        (M, n[k], n[k-1]), in which case each of the M models is pruned on its own.
    sparsity : float in [0, 1)
        Fraction to zero. ``"global"`` zeroes exactly ``round(sparsity · total)`` entries across
        all layers (small layers may lose more or less than their share); ``"layer"`` zeroes
        ``round(sparsity · size)`` entries of each layer.
    scope : {"global", "layer"}

    Returns
    -------
    list of boolean masks, the same shapes (and kind: NumPy or torch) as ``weights``; the
    trainer accepts them as they are.

    Book: chapter 9, {prf:ref}`def-imp`; chapter 8 (pruning). Cost: O(N log N) for N weights.
    """
    if isinstance(weights, (str, bytes)) or not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(f"weights must be a non-empty list of arrays or tensors, got {type(weights).__name__}")
    is_torch = [type(w).__module__.startswith("torch") for w in weights]
    arrays = [np.abs(w.detach().cpu().numpy() if t else np.asarray(w, dtype=float))
              for w, t in zip(weights, is_torch)]
    for i, a in enumerate(arrays):
        if not np.issubdtype(a.dtype, np.number) or not np.all(np.isfinite(a)):
            raise ValueError(f"weights[{i}] must hold finite numbers")
    dims = {a.ndim for a in arrays}
    if 3 in dims and (dims != {3} or len({a.shape[0] for a in arrays}) != 1):
        raise ValueError("weights must be all per-layer matrices or all stacked (M, n[k], n[k-1]) with one M, "
                         f"got shapes {[a.shape for a in arrays]}")
    if dims == {3}:  # a trainer's M stacked models: each pruned on its own
        per_model = [_masks_of_one_network([a[i] for a in arrays], sparsity, scope)
                     for i in range(arrays[0].shape[0])]
        masks = [np.stack([m[k] for m in per_model]) for k in range(len(arrays))]
    else:
        masks = _masks_of_one_network(arrays, sparsity, scope)
    if any(is_torch):
        import torch

        masks = [torch.from_numpy(m) if t else m for m, t in zip(masks, is_torch)]
    return masks


def mask_sparsity(masks) -> float:
    """Fraction of entries that are pruned (False/0) over all masks. Cost: O(N)."""
    kept = sum(float((np.asarray(m) != 0).sum()) for m in masks)
    total = sum(np.asarray(m).size for m in masks)
    return 1.0 - kept / total
