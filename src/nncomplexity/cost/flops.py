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

from .._validate import Bool, Choice, Int, Widths, validate_params

__all__ = [
    "ACTIVATION_NAMES",
    "backward_flops",
    "elementwise_flops",
    "forward_backward_ratio",
    "forward_flops",
    "forward_flops_bias_folded",
    "gemv_flops",
    "lowrank_break_even_rank",
    "lowrank_flops",
    "matmul_flops",
    "sparse_matmul_flops",
    "training_step_flops",
    "xnor_popcount_ops",
]

ACTIVATION_NAMES = ("relu", "tanh", "sigmoid", "gelu", "identity")
"""Activation names the counts understand; the kernels' registry
(``kernels.activations.ACTIVATIONS``) implements the same names but gelu (tested)."""


# =========================================================================== one product
@validate_params(m=Int(minimum=0), k=Int(minimum=0), n=Int(minimum=0))
def matmul_flops(m: int, k: int, n: int) -> int:
    """FLOPs of an (m, k) @ (k, n) product: ``2·m·k·n`` (one multiply-add = 2 FLOPs).

    Book: chapter 1, {prf:ref}`thm-naive-count`. This is the convention
    of ``torch.utils.flop_counter.FlopCounterMode``.

    Cost: O(1) (Python ints, exact at any size).
    """
    return 2 * m * k * n


@validate_params(m=Int(minimum=0), n=Int(minimum=0))
def gemv_flops(m: int, n: int) -> int:
    """FLOPs of an (m, n) @ (n,) matrix-vector product: ``2·m·n``.

    Book: chapter 1, {prf:ref}`thm-intensity`. Cost: O(1).
    """
    return 2 * m * n


# =========================================================================== a dense network
@validate_params(widths=Widths(), batch=Int(minimum=1))
def forward_flops(widths, batch: int) -> int:
    """FLOPs of the matrix products of one forward pass.

    Book: chapter 2, {prf:ref}`thm-forward-exact`.

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
    n, t = widths, batch
    # layer k: Z = A @ W.T, (t, n[k-1]) @ (n[k-1], n[k])
    return sum(matmul_flops(t, n[k - 1], n[k]) for k in range(1, len(n)))


@validate_params(widths=Widths(), batch=Int(minimum=1))
def forward_flops_bias_folded(widths, batch: int) -> int:
    """FLOPs of essay A's products z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ with the bias folded into Θ⁽ᵏ⁾.

    Book: chapter 2, {prf:ref}`prop-bias-folded`. Θ⁽ᵏ⁾ has shape (n[k], n[k-1] + 1)
    and a⁽ᵏ⁻¹⁾ shape (n[k-1] + 1, t), so layer k costs ``2·t·n[k]·(n[k-1] + 1)``
    FLOPs: ``forward_flops(widths, batch) + 2·t·Σₖ n[k]`` in all, in place of
    the ``t·Σₖ n[k]`` separate bias adds of :func:`elementwise_flops`.

    Cost: O(L).
    """
    n, t = widths, batch
    return sum(2 * t * n[k] * (n[k - 1] + 1) for k in range(1, len(n)))


@validate_params(widths=Widths(), batch=Int(minimum=1), input_grad=Bool())
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

    Book: chapter 3, {prf:ref}`thm-backward-cost`. Cost: O(L).
    """
    n, t = widths, batch
    # layer k: the weight gradient δᵀ @ A, (n[k], t) @ (t, n[k-1])
    weight_grads = sum(matmul_flops(n[k], t, n[k - 1]) for k in range(1, len(n)))
    # δ passed down, δ @ W, (t, n[k]) @ (n[k], n[k-1]); layer 1's only if the input needs it
    first = 1 if input_grad else 2
    deltas = sum(matmul_flops(t, n[k], n[k - 1]) for k in range(first, len(n)))
    return weight_grads + deltas


@validate_params(widths=Widths(), batch=Int(minimum=1), input_grad=Bool())
def training_step_flops(widths, batch: int, input_grad: bool = False) -> int:
    """FLOPs of the products of one training step: forward + backward.

    About 3× ``forward_flops`` (exactly 3× when ``input_grad``). The optimiser's
    update (O(parameters) elementwise work) is not counted. Book: chapter 3. Cost: O(L).
    """
    return forward_flops(widths, batch) + backward_flops(widths, batch, input_grad)


@validate_params(widths=Widths(), batch=Int(minimum=1), input_grad=Bool())
def forward_backward_ratio(widths, batch: int, input_grad: bool = False) -> Fraction:
    """Exact ratio ``backward_flops / forward_flops`` as a Fraction.

    It is 2 when ``input_grad`` and ``2 − n0·n1 / Σ_k n[k-1]·n[k]`` otherwise,
    so between 1 and 2, independent of the batch. Book: chapter 3. Cost: O(L).
    """
    return Fraction(backward_flops(widths, batch, input_grad), forward_flops(widths, batch))


@validate_params(widths=Widths(), batch=Int(minimum=1), activation=Choice(ACTIVATION_NAMES), bias=Bool())
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

    Book: chapter 2. Cost: O(L).
    """
    n, t = widths, batch
    bias_adds = t * sum(n[1:]) if bias else 0
    activations = 0 if activation == "identity" else t * sum(n[1:-1])
    return bias_adds + activations


# =========================================================================== compressed layers
@validate_params(n_in=Int(minimum=1), n_out=Int(minimum=1), rank=Int(minimum=1), batch=Int(minimum=1))
def lowrank_flops(n_in: int, n_out: int, rank: int, batch: int) -> int:
    """FLOPs of a layer whose (n_out, n_in) weight is stored as U (n_out, r) @ V (r, n_in).

    ``Z = (A @ V.T) @ U.T``: (t, n_in) @ (n_in, r) -> (t, r), then (t, r) @ (r, n_out)
    -> (t, n_out), so ``2·t·r·(n_in + n_out)`` in place of ``2·t·n_in·n_out``;
    FlopCounterMode counts the same for two bias-free ``nn.Linear`` (tested).

    Book: chapter 8, {prf:ref}`thm-lowrank-cost`. Cost: O(1).
    """
    return matmul_flops(batch, n_in, rank) + matmul_flops(batch, rank, n_out)


@validate_params(n_in=Int(minimum=1), n_out=Int(minimum=1))
def lowrank_break_even_rank(n_in: int, n_out: int) -> int:
    """The largest rank r at which the factored layer is strictly cheaper: r·(m + n) < m·n.

    With m = n_out and n = n_in, r < m·n / (m + n), so ``(m·n − 1) // (m + n)``;
    0 when no rank saves anything (a layer of width 1 or 2). The same r makes
    the factors' parameters fewer than the dense weight's.

    Book: chapter 8, {prf:ref}`thm-lowrank-cost`. Cost: O(1).
    """
    m, n = n_out, n_in
    return (m * n - 1) // (m + n)


@validate_params(nnz=Int(minimum=0), batch=Int(minimum=1))
def sparse_matmul_flops(nnz: int, batch: int) -> int:
    """FLOPs of (t, n_in) @ W.T when only W's ``nnz`` stored entries are multiplied: ``2·t·nnz``.

    The count a sparse kernel (CSR) performs and the count "on paper" of a pruned
    layer; a dense kernel still performs ``2·t·n_in·n_out`` whatever the zeros.

    Book: chapter 8, {prf:ref}`thm-sparse-cost`. Cost: O(1).
    """
    return 2 * batch * nnz


@validate_params(m=Int(minimum=1), k=Int(minimum=1), n=Int(minimum=1), word_bits=Int(minimum=1))
def xnor_popcount_ops(m: int, k: int, n: int, word_bits: int = 64) -> int:
    """Word operations of a ±1 product (m, k) @ (k, n) on packed bits: XNOR, popcount, add.

    Each of the m·n dot products covers k bits in ``ceil(k / word_bits)`` words,
    and each word costs one XNOR, one popcount and one integer add, so
    ``3·m·n·ceil(k / word_bits)`` operations in place of ``2·m·k·n`` FLOPs.

    Book: chapter 8, {prf:ref}`thm-xnor-dot`. Cost: O(1).
    """
    return 3 * m * n * (-(-k // word_bits))
