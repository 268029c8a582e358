"""Measured counts: what PyTorch itself counts, the independent check of the analytic counts.

``count_flops_torch`` runs a model (e.g. ``kernels.mlp_torch.mlp_torch``, the
network that ``cost.flops`` and ``cost.memory`` describe) under
``torch.utils.flop_counter.FlopCounterMode``. Both work on
``torch.device("meta")`` tensors, which carry shapes but no data, so counting
a large network costs no arithmetic. torch is imported inside the functions:
importing nncomplexity does not import torch.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .._validate import Bool, Int, Widths, validate_params

if TYPE_CHECKING:  # annotations only; no import at run time
    import torch

__all__ = ["count_flops_bias_folded_torch", "count_flops_torch"]


@validate_params(backward=Bool())
def count_flops_torch(
    model: "torch.nn.Module",
    x: "torch.Tensor",
    backward: bool = False,
    loss_fn: Callable | None = None,
) -> dict[str, int]:
    """FLOPs of ``model(x)`` (and of its backward pass) as PyTorch counts them.

    Forward and backward run under separate ``FlopCounterMode(display=False)``
    contexts so they are reported apart. The loss, ``loss_fn(model(x))`` or by
    default ``model(x).sum()``, is formed outside both counters. Whether the
    input's gradient is computed (and counted) follows ``x.requires_grad``.

    Parameters
    ----------
    model : torch.nn.Module
    x : torch.Tensor
        Input batch, e.g. shape (t, n0); may live on ``"meta"``.
    backward : bool
        Also run and count ``loss.backward()``.
    loss_fn : callable, optional
        Maps the output to a scalar loss.

    Returns
    -------
    dict
        ``{"forward": int, "backward": int, "total": int}``; backward is 0
        when ``backward`` is false.

    Cost: one forward (and backward) pass of the model (none on meta tensors).

    Book: chapters 1–3, the independent check of every count.
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    with torch.set_grad_enabled(backward):  # no graph is built when only counting the forward
        with FlopCounterMode(display=False) as counter:
            out = model(x)
    forward = int(counter.get_total_flops())
    back = 0
    if backward:
        loss = out.sum() if loss_fn is None else loss_fn(out)
        with FlopCounterMode(display=False) as counter:
            loss.backward()
        back = int(counter.get_total_flops())
    return {"forward": forward, "backward": back, "total": forward + back}


@validate_params(widths=Widths(), batch=Int(minimum=1))
def count_flops_bias_folded_torch(widths, batch: int) -> int:
    """FLOPs that ``FlopCounterMode`` counts for essay A's forward pass, bias folded in.

    Runs z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ and a⁽ᵏ⁾ = [1; sigmoid(z⁽ᵏ⁾)] on ``"meta"`` tensors
    (shapes only, no arithmetic), samples as columns, exactly as
    :func:`~nncomplexity.kernels.mlp_essay.forward_essay` does in NumPy.

    Returns
    -------
    int
        Equal to :func:`forward_flops_bias_folded` (tested).

    Cost: no arithmetic (meta tensors); O(L) operator calls.

    Book: chapter 2, {prf:ref}`prop-bias-folded`.
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    n, t = widths, batch
    meta = torch.device("meta")
    thetas = [torch.empty(n[k], n[k - 1] + 1, device=meta) for k in range(1, len(n))]
    with FlopCounterMode(display=False) as counter:
        a = torch.empty(n[0] + 1, t, device=meta)  # (n0 + 1, t): bias unit on top
        for k, theta in enumerate(thetas, start=1):
            z = theta @ a  # (n[k], n[k-1]+1) @ (n[k-1]+1, t) -> (n[k], t)
            if k < len(thetas):
                a = torch.cat([torch.ones(1, t, device=meta), torch.sigmoid(z)])  # (n[k] + 1, t)
    return int(counter.get_total_flops())
