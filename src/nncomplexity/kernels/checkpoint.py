"""Backprop with activation checkpointing: keep fewer activations, recompute the rest.

Chen et al. (2016) and Griewank & Walther (2008): cut the L layers into s
segments, keep only the segments' boundary activations during the forward
pass, and recompute each segment's interior just before its backward. With
uniform widths the peak memory falls from (L+1)·t·n numbers to about
2√L·t·n at s = √L, for one extra forward pass at most.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int
from .activations import HIDDEN_ACTIVATIONS
from .losses import LOSSES, compute_output_delta
from .mlp import (OUTPUT_ACTIVATIONS, _check_input, backward_layer, forward_layer, forward_output_layer,
                  loss_value)
from .params import Params, check_params

__all__ = ["CheckpointResult", "forward_backward_checkpointed"]


@dataclass(frozen=True)
class CheckpointResult:
    """Gradients of :func:`forward_backward_checkpointed` and what they cost."""

    grads: Params  # equal to backward(params, forward(...), Y=Y, loss=loss)
    loss: float  # J on this batch
    boundaries: tuple[int, ...]  # k of the stored a⁽ᵏ⁾: 0 = b_0 < b_1 < ... < b_s = L
    recomputed_layers: int  # layers whose forward ran twice
    recomputed_flops: int  # their GEMM FLOPs, 2·t·n[k-1]·n[k] each (bias adds not counted)
    peak_stored_floats: int  # most activation numbers held at once
    plain_stored_floats: int  # what plain backprop holds: t·Σ_{k=0..L} n[k]


def forward_backward_checkpointed(
    params: Params,
    X: np.ndarray,
    Y: np.ndarray,
    loss: str,
    segments: int,
    *,
    activation: str = "relu",
    output_activation: str | None = None,
) -> CheckpointResult:
    r"""Forward and backward with activation checkpointing (Chen et al. 2016; Griewank & Walther 2008).

    The L layers are cut into ``s = segments`` contiguous segments at
    boundaries b_j = ⌊j·L/s⌋, j = 0..s. The forward pass keeps only the
    boundary activations a⁽ᵇʲ⁾ and, like ``torch.utils.checkpoint.checkpoint_sequential``,
    all activations of the **last** segment, whose backward comes first. The
    backward pass then, for segment j = s−2..0, recomputes the activations
    *inside* it, a⁽ᵇʲ⁺¹⁾..a⁽ᵇʲ⁺¹⁻¹⁾, from a⁽ᵇʲ⁾ and backpropagates through it.
    Every activation is released as soon as no later step reads it.

    Counts (exact, measured by the loop below, not by formula):

    * recomputed layers: Σ_{j<s−1} (b_{j+1} − b_j − 1); the end activation of a
      segment is a stored boundary, so the segment's last layer never reruns.
    * peak stored floats, with boundaries B_j = t·Σ_{m≤j} n[b_m] and
      I_j = t·Σ_{b_j<k<b_{j+1}} n[k] (the segment's interior):
      max(B_s + I_{s−1}, max_{j<s−1}(B_j + I_j), forward transients).
      With uniform widths n, s | L: recomputed = (s−1)(L/s − 1) layers,
      peak = t·n·(s + L/s), least at s = √L: 2√L·t·n instead of (L+1)·t·n.
    * ``segments=1`` and ``segments=L`` recompute nothing and hold everything,
      like plain backprop.

    Parameters
    ----------
    params, X : as for :func:`~nncomplexity.kernels.mlp.forward`
    Y : ndarray
        Targets for ``loss``.
    loss : {"cross_entropy", "binary_cross_entropy", "squared_error"}
    segments : int, 1 ≤ segments ≤ L
    activation : str
        Hidden g.
    output_activation : str, optional
        Defaults to the loss's own (softmax, sigmoid) or ``"identity"`` for squared error.

    Returns
    -------
    CheckpointResult

    Book: chapter 3, {prf:ref}`thm-checkpointing`.

    Cost: forward + backward as in :func:`~nncomplexity.kernels.mlp.forward` and
    :func:`~nncomplexity.kernels.mlp.backward`, plus
    ``recomputed_flops``. Memory counts only activations a⁽ᵏ⁾ (X included,
    z⁽ᴸ⁾ and the one δ buffer in flight not).
    """
    W, b = check_params(params)
    X = _check_input(X, W[0])
    check_choice("loss", loss, LOSSES)
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    if output_activation is None:
        output_activation = LOSSES[loss].output_activation or "identity"
    check_choice("output_activation", output_activation, OUTPUT_ACTIVATIONS)
    L = len(W)
    s = check_int("segments", segments, minimum=1, maximum=L)  # the bound depends on params
    bounds = tuple((j * L) // s for j in range(s + 1))
    stored = set(bounds)
    last_start = bounds[-2]

    held: dict[int, np.ndarray] = {}  # k -> a⁽ᵏ⁾ currently kept
    now = peak = 0

    def keep(k: int, a: np.ndarray) -> None:
        nonlocal now, peak
        held[k] = a
        now += a.size
        peak = max(peak, now)

    def drop(k: int) -> None:
        nonlocal now
        now -= held.pop(k).size

    # Forward: a non-boundary activation before the last segment is dropped
    # as soon as the next one exists.
    keep(0, X)
    for i in range(L - 1):
        keep(i + 1, forward_layer(held[i], W[i], b[i], activation))
        if i not in stored and i < last_start:
            drop(i)
    Z_L, A_L = forward_output_layer(held[L - 1], W[L - 1], b[L - 1], output_activation)
    keep(L, A_L)  # layer L lies in the last segment: nothing to drop
    value = loss_value(loss, Z_L, Y, output_activation)
    dZ = compute_output_delta(loss, A_L, Y, output_activation)
    drop(L)

    grads_W: list = [None] * L
    grads_b: list = [None] * L
    recomputed_layers = recomputed_flops = 0
    for j in reversed(range(s)):
        lo, hi = bounds[j], bounds[j + 1]
        if j < s - 1:
            for i in range(lo, hi - 1):  # a⁽ʰⁱ⁾ is a stored boundary: stop one short
                keep(i + 1, forward_layer(held[i], W[i], b[i], activation))
                recomputed_layers += 1
                recomputed_flops += 2 * X.shape[0] * W[i].shape[0] * W[i].shape[1]
        for i in reversed(range(lo, hi)):
            grads_W[i], grads_b[i], dZ = backward_layer(dZ, held[i], W[i], activation, need_dA=i > 0)
            drop(i)  # a⁽ⁱ⁾ was read for the last time: by dW and by g′
    return CheckpointResult(
        grads={"W": grads_W, "b": grads_b},
        loss=value,
        boundaries=bounds,
        recomputed_layers=recomputed_layers,
        recomputed_flops=recomputed_flops,
        peak_stored_floats=peak,
        plain_stored_floats=X.shape[0] * (X.shape[1] + sum(Wi.shape[0] for Wi in W)),
    )
