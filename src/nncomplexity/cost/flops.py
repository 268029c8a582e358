"""Exact FLOP counts of a dense network (an MLP), as Python ints.

Symbols (the book's table): a network with ``L`` layers has widths
``n = [n0, n1, ..., nL]`` (input width first); layer k maps ``n[k-1] -> n[k]``;
``t`` is the batch size.

Convention: one multiply-add (MAC) = 2 FLOPs, and only matrix products count,
exactly as ``torch.utils.flop_counter.FlopCounterMode`` counts. What that
counter does with a ``Linear + ReLU`` network (checked in tests/test_flops.py):

- forward: ``nn.Linear`` with bias runs ``aten.addmm(bias, x, W.T)``, counted as
  the product alone, ``2·t·n[k-1]·n[k]``; the bias add and the ReLU count 0;
- backward: ``AddmmBackward`` runs two ``aten.mm`` of the forward's size, one for
  the weight gradient ``δᵀ·a`` and one for the input gradient ``δ·W``; the bias
  gradient (a sum) counts 0; the first layer's input gradient is computed only
  when the input requires grad.

Bias adds and activations are counted separately by ``elementwise_flops`` with
this book's own convention, since PyTorch's counter ignores them.
"""
from __future__ import annotations

from fractions import Fraction

from .._validate import check_choice, check_int, check_widths

__all__ = [
    "ACTIVATIONS",
    "backward_flops",
    "elementwise_flops",
    "forward_backward_ratio",
    "forward_flops",
    "forward_macs",
    "training_step_flops",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "identity")
"""Activation names understood by the cost functions and by ``counting.mlp_torch``."""


def _layer_macs(widths, batch) -> list[int]:
    """MACs of each layer's forward product, ``t·n[k-1]·n[k]`` for k = 1..L."""
    n = check_widths("widths", widths)
    t = check_int("batch", batch, minimum=1)
    return [t * n[k - 1] * n[k] for k in range(1, len(n))]


def forward_flops(widths, batch: int) -> int:
    """FLOPs of the matrix products of one forward pass.

    Layer k computes ``Z = A @ W.T``: (t, n[k-1]) @ (n[k-1], n[k]) -> (t, n[k]).

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
        Layer widths ``[n0, ..., nL]``, each >= 1.
    batch : int
        Samples per pass, t >= 1.

    Returns
    -------
    int
        ``Σ_k 2·t·n[k-1]·n[k]``; equals FlopCounterMode's forward total for
        ``mlp_torch(widths)`` (bias adds and activations count 0 there).

    Cost: O(L) integer operations.
    """
    return 2 * sum(_layer_macs(widths, batch))


def forward_macs(widths, batch: int) -> int:
    """Multiply-adds of one forward pass, ``t·Σ_k n[k-1]·n[k]`` (the essay's count).

    Equals ``forward_flops(widths, batch) // 2``. Cost: O(L).
    """
    return sum(_layer_macs(widths, batch))


def backward_flops(widths, batch: int, input_grad: bool = False) -> int:
    """FLOPs of the matrix products of one backward pass.

    Layer k needs the weight gradient ``dW = δᵀ @ A``
    ((n[k], t) @ (t, n[k-1]) -> (n[k], n[k-1])) and the gradient passed down,
    ``δ_prev = δ @ W`` ((t, n[k]) @ (n[k], n[k-1]) -> (t, n[k-1])), each the
    size of the forward product. Layer 1's ``δ_prev`` is the gradient with
    respect to the input, computed only when ``input_grad`` is true.

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
    batch : int, t >= 1
    input_grad : bool
        Whether the input requires a gradient (``x.requires_grad``).

    Returns
    -------
    int
        ``2·forward_flops − (0 if input_grad else 2·t·n0·n1)``; equals
        FlopCounterMode's count around ``loss.backward()``.

    Cost: O(L).
    """
    if not isinstance(input_grad, bool):
        raise TypeError(f"input_grad must be a bool, got {type(input_grad).__name__}")
    macs = _layer_macs(widths, batch)
    skipped = 0 if input_grad else macs[0]  # no δ for an input that needs no gradient
    return 2 * (2 * sum(macs) - skipped)


def training_step_flops(widths, batch: int, input_grad: bool = False) -> int:
    """FLOPs of the products of one training step: forward + backward.

    About 3× ``forward_flops`` (exactly 3× when ``input_grad``). The optimiser's
    update (O(parameters) elementwise work) is not counted. Cost: O(L).
    """
    return forward_flops(widths, batch) + backward_flops(widths, batch, input_grad)


def forward_backward_ratio(widths, batch: int, input_grad: bool = False) -> Fraction:
    """Exact ratio ``backward_flops / forward_flops`` as a Fraction.

    It is 2 when ``input_grad`` and ``2 − n0·n1 / Σ_k n[k-1]·n[k]`` otherwise,
    so between 1 and 2, independent of the batch. Cost: O(L).
    """
    return Fraction(backward_flops(widths, batch, input_grad), forward_flops(widths, batch))


def elementwise_flops(widths, batch: int, activation: str = "relu", bias: bool = True) -> int:
    """FLOPs of the non-matrix work of one forward pass: bias adds and activations.

    Convention (the book's, since FlopCounterMode counts these as 0): one FLOP
    per bias add and one per activation evaluation, whatever the activation
    (``identity`` counts 0). Each of the L layers adds a bias to t·n[k] values;
    the activation acts between layers, on layers 1..L-1, not after the output
    layer (as in ``mlp_torch``).

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
    batch : int, t >= 1
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}
    bias : bool

    Returns
    -------
    int
        ``t·Σ_{k=1..L} n[k]`` (if bias) ``+ t·Σ_{k=1..L-1} n[k]`` (unless identity).

    Cost: O(L).
    """
    n = check_widths("widths", widths)
    t = check_int("batch", batch, minimum=1)
    check_choice("activation", activation, ACTIVATIONS)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be a bool, got {type(bias).__name__}")
    bias_adds = t * sum(n[1:]) if bias else 0
    activations = 0 if activation == "identity" else t * sum(n[1:-1])
    return bias_adds + activations
