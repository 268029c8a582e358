"""The book's dense network in PyTorch, and its parameters to and from NumPy.

:func:`mlp_torch` builds the network that :mod:`~nncomplexity.cost.flops` and
:mod:`~nncomplexity.cost.memory` count, seeded and without touching PyTorch's
global random state; :func:`params_from_torch` and :func:`params_to_torch`
move its parameters to and from the batch-first layout of
:mod:`~nncomplexity.kernels.params`, so the NumPy kernels and PyTorch can be
run on the very same network. torch is imported inside the functions.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .._validate import Bool, Choice, Widths, validate_params
from .params import Params, check_params

if TYPE_CHECKING:  # annotations only; no import at run time
    import torch

__all__ = ["TORCH_ACTIVATIONS", "mlp_torch", "params_from_torch", "params_to_torch"]

TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "gelu": "GELU", "identity": "Identity"}
"""Activation name -> ``torch.nn`` module; the same names as ``cost.flops.ACTIVATION_NAMES`` (tested)."""


@validate_params(widths=Widths(), activation=Choice(TORCH_ACTIVATIONS), bias=Bool())
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

    n = widths
    dtype = torch.float32 if dtype is None else dtype
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    if generator is None or isinstance(generator, int) and not isinstance(generator, bool):
        generator = torch.Generator().manual_seed(0 if generator is None else generator)
    elif not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or an int seed, got {type(generator).__name__}")

    make_activation = getattr(torch.nn, TORCH_ACTIVATIONS[activation])
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


def params_from_torch(model) -> Params:
    """Copy the ``torch.nn.Linear`` layers of ``model``, in module order, into NumPy parameters.

    Works for a ``torch.nn.Sequential`` of Linear and activation modules (the
    activations themselves are not read: pass their names to :func:`forward`).
    A Linear without bias gets zero biases. The dtype is kept.

    Cost: copies the parameters.
    """
    import torch  # lazily: the library does not need torch otherwise

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError("model holds no torch.nn.Linear layer")
    W, b = [], []
    for lin in linears:
        Wi = lin.weight.detach().cpu().numpy().copy()  # (n_out, n_in), not sharing torch's memory
        W.append(Wi)
        b.append(
            lin.bias.detach().cpu().numpy().copy() if lin.bias is not None
            else np.zeros(Wi.shape[0], dtype=Wi.dtype)
        )
    return {"W": W, "b": b}


def params_to_torch(params: Params, model) -> None:
    """Copy batch-first NumPy ``params`` into the ``torch.nn.Linear`` layers of ``model``, in order.

    The inverse of :func:`params_from_torch`: the layers' shapes must match
    (e.g. ``model = mlp_torch(widths)``); values are cast to the model's dtype.

    Cost: copies the parameters.
    """
    import torch

    W, b = check_params(params)
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if len(linears) != len(W):
        raise ValueError(f"model has {len(linears)} Linear layers but params hold {len(W)}")
    with torch.no_grad():
        for i, (lin, Wi, bi) in enumerate(zip(linears, W, b)):
            if tuple(lin.weight.shape) != Wi.shape:
                raise ValueError(f"params['W'][{i}] has shape {Wi.shape} but layer {i + 1} of model "
                                 f"has weight shape {tuple(lin.weight.shape)}")
            lin.weight.copy_(torch.from_numpy(Wi))
            if lin.bias is not None:
                lin.bias.copy_(torch.from_numpy(bi))
