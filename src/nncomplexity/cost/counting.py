"""Measured counts: what PyTorch itself counts, to check the analytic counts against.

``mlp_torch`` builds the network that ``cost.flops`` and ``cost.memory``
describe; ``count_flops_torch`` runs it under
``torch.utils.flop_counter.FlopCounterMode``. Both also work on
``torch.device("meta")`` tensors, which carry shapes but no data, so counting
a large network costs no arithmetic. torch is imported inside the functions:
importing nncomplexity does not import torch.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Callable

from .._validate import check_choice, check_widths
from .flops import ACTIVATIONS

if TYPE_CHECKING:  # annotations only; no import at run time
    import torch

__all__ = ["count_flops_torch", "mlp_torch"]


def mlp_torch(
    widths,
    activation: str = "relu",
    bias: bool = True,
    dtype: "torch.dtype | None" = None,
    generator: "torch.Generator | int | None" = None,
    *,
    device="cpu",
) -> "torch.nn.Sequential":
    """The dense network of widths ``[n0, ..., nL]`` as a ``torch.nn.Sequential``.

    ``Linear(n[k-1], n[k])`` for k = 1..L with an activation between layers
    (none after the last). Weights and biases are drawn as PyTorch's default
    does, ``U(−1/√n[k-1], 1/√n[k-1])``, but from ``generator`` so the global RNG
    is never touched.

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}
    bias : bool
    dtype : torch.dtype, optional
        Default ``torch.float32``.
    generator : torch.Generator or int, optional
        A CPU generator, or a seed for a fresh one; default seed 0.
    device : str or torch.device, keyword-only
        ``"meta"`` builds shapes only (no data, no initialisation).

    Returns
    -------
    torch.nn.Sequential
        Forward: (t, n0) -> (t, nL).

    Cost: O(Σ n[k-1]·n[k]) time and memory to initialise (none on meta).
    """
    import torch

    n = check_widths("widths", widths)
    check_choice("activation", activation, ACTIVATIONS)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be a bool, got {type(bias).__name__}")
    dtype = torch.float32 if dtype is None else dtype
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    if generator is None or isinstance(generator, int) and not isinstance(generator, bool):
        generator = torch.Generator().manual_seed(0 if generator is None else generator)
    elif not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or an int seed, got {type(generator).__name__}")

    make_activation = {
        "relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
        "gelu": torch.nn.GELU, "identity": torch.nn.Identity,
    }[activation]
    layers: list[torch.nn.Module] = []
    for k in range(1, len(n)):
        # Built on meta so nn.Linear's own init (which draws from the global RNG) never runs.
        layers.append(torch.nn.Linear(n[k - 1], n[k], bias=bias, device="meta", dtype=dtype))
        if k < len(n) - 1:
            layers.append(make_activation())
    model = torch.nn.Sequential(*layers)
    if torch.device(device).type == "meta":
        return model
    model = model.to_empty(device="cpu")  # a CPU generator fills CPU tensors
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, torch.nn.Linear):
                bound = 1.0 / math.sqrt(layer.in_features)
                for p in layer.parameters():
                    p.uniform_(-bound, bound, generator=generator)
    return model.to(device)


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
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if not isinstance(backward, bool):
        raise TypeError(f"backward must be a bool, got {type(backward).__name__}")
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
