r"""The dense network's forward and backward passes, batch first (the layout of ``torch.nn.Linear``).

Symbols (the book's): ``L`` layers, widths ``n = [n0, n1, ..., nL]`` (input
first), batch of ``t`` samples; ``g`` the hidden activation, ``g_out`` the
output layer's. ``X`` has shape ``(t, n0)``, one *row* per sample; the
parameters are laid out as in :mod:`~nncomplexity.kernels.params`;
``A[k]`` = a⁽ᵏ⁾ of shape ``(t, n[k])``, ``A[0] = X``. Essay A's column
notation, with the bias folded into Θ⁽ᵏ⁾, is :mod:`~nncomplexity.kernels.mlp_essay`;
checkpointed backprop is :mod:`~nncomplexity.kernels.checkpoint`.

One layer is :func:`forward_layer` and :func:`backward_layer`: the two
functions the book shows. :func:`forward` and :func:`backward` loop over the
layers after checking their input once, at the edge.

**Mean, not sum.** Every loss is the mean over the batch (see
:mod:`~nncomplexity.kernels.losses`), so δ⁽ᴸ⁾ carries the factor 1/t and every
gradient returned here is the gradient of the batch *mean*.

**FLOPs** (:mod:`~nncomplexity.cost.flops`): one multiply-add = 2 FLOPs, only
the matrix products counted, as ``torch.utils.flop_counter.FlopCounterMode``
does. Forward: 2·t·Σₖ n[k-1]·n[k]. Backward: the same for the weight gradients
plus the same minus layer 1's share for the deltas.

**Memory.** Backprop keeps the activations a⁽⁰⁾..a⁽ᴸ⁾, t·Σₖ n[k] numbers. The
hidden z⁽ᵏ⁾ are overwritten in place by g(z⁽ᵏ⁾): every hidden backward reads
g′ off a⁽ᵏ⁾ (see :mod:`~nncomplexity.kernels.activations`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_finite, check_float_array
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from .losses import LOSSES, compute_output_delta
from .params import Params, check_params

__all__ = [
    "MLPCache", "OUTPUT_ACTIVATIONS", "backward", "backward_layer", "evaluate_loss", "forward",
    "forward_layer", "forward_output_layer", "loss_value",
]

OUTPUT_ACTIVATIONS: tuple[str, ...] = (*HIDDEN_ACTIVATIONS, "softmax")


# =========================================================================== one layer
def forward_layer(A_in: np.ndarray, W: np.ndarray, b: np.ndarray, g: str) -> np.ndarray:
    """One hidden layer, a⁽ᵏ⁾ = g(a⁽ᵏ⁻¹⁾ W⁽ᵏ⁾ᵀ + b⁽ᵏ⁾).

    z is overwritten in place by g(z): an elementwise g's backward reads g′ off
    a⁽ᵏ⁾, so z is never needed again. Book: chapter 2, {prf:ref}`thm-forward-exact`.

    Cost: 2·t·n_in·n_out FLOPs (the GEMM), t·n_out bias adds and activations.
    """
    Z = A_in @ W.T  # (t, n_in) @ (n_in, n_out) -> (t, n_out)
    Z += b  # (n_out,) broadcast over the t rows
    return ACTIVATIONS[g].forward(Z, out=Z)


def forward_output_layer(A_in: np.ndarray, W: np.ndarray, b: np.ndarray, g_out: str):
    """The output layer: return (z⁽ᴸ⁾, a⁽ᴸ⁾); z⁽ᴸ⁾ is kept because the losses read the logits."""
    Z = A_in @ W.T  # (t, n_in) @ (n_in, n_out) -> (t, n_out)
    Z += b
    return Z, ACTIVATIONS[g_out].forward(Z.copy()) if g_out != "identity" else Z


def backward_layer(dZ: np.ndarray, A_in: np.ndarray, W: np.ndarray, g_below: str | None,
                   *, need_dA: bool = True):
    r"""Gradients of one layer from its δ = ∂J/∂z⁽ᵏ⁾; returns (∂J/∂W⁽ᵏ⁾, ∂J/∂b⁽ᵏ⁾, δ below).

    .. math:: \frac{\partial J}{\partial W^{(k)}} = \delta^{(k)\top} a^{(k-1)},\quad
              \frac{\partial J}{\partial b^{(k)}} = \textstyle\sum_s \delta^{(k)}_s,\quad
              \delta^{(k-1)} = \big(\delta^{(k)} W^{(k)}\big) \odot g'(z^{(k-1)})

    ``g_below`` is the activation that produced ``A_in`` (g′ is read off
    a⁽ᵏ⁻¹⁾ in place); ``None`` when ``A_in`` is the network's input X, and then
    the third result is ∂J/∂X. With ``need_dA=False`` (layer 1, no input
    gradient) the GEMM for it is skipped and the third result is None.
    Book: chapter 3, {prf:ref}`thm-backward-recursion`.

    Cost: 2·t·n_in·n_out FLOPs for dW, as many for δ below (if needed), t·n_out adds for db.
    """
    dW = dZ.T @ A_in  # (n_out, t) @ (t, n_in) -> (n_out, n_in)
    db = dZ.sum(axis=0)  # (t, n_out) -> (n_out,)
    if not need_dA:
        return dW, db, None
    dA = dZ @ W  # (t, n_out) @ (n_out, n_in) -> (t, n_in)
    if g_below is None:  # A_in is X: no activation below
        return dW, db, dA
    return dW, db, ACTIVATIONS[g_below].backward(A_in, dA, out=dA)  # ⊙ g′(z), in place


# =========================================================================== the network
def _check_input(X, W0: np.ndarray) -> np.ndarray:
    check_float_array("X", X, 2)
    if X.shape[1] != W0.shape[1]:
        raise ValueError(
            f"X has shape {X.shape} but params['W'][0] has shape {W0.shape}: "
            f"X must have shape (t, {W0.shape[1]})"
        )
    if X.shape[0] == 0:
        raise ValueError("X must hold at least one sample, got shape (0, ...)")
    if X.dtype != W0.dtype:
        # NumPy would silently promote float32 @ float64 to float64.
        raise TypeError(f"X has dtype {X.dtype} but the parameters have dtype {W0.dtype}")
    check_finite("X", X)
    return X


@dataclass(frozen=True)
class MLPCache:
    """What :func:`forward` keeps for :func:`backward`."""

    A: list[np.ndarray]  # A[k] = a⁽ᵏ⁾, (t, n[k]), k = 0..L; A[0] is X itself, not a copy
    Z_L: np.ndarray  # z⁽ᴸ⁾, (t, n[L]), the logits; the same array as A[L] for an identity output
    activation: str  # hidden g
    output_activation: str  # g_out

    @property
    def output(self) -> np.ndarray:
        """a⁽ᴸ⁾, shape (t, n[L])."""
        return self.A[-1]


def forward(
    params: Params,
    X: np.ndarray,
    activation: str = "relu",
    output_activation: str = "identity",
) -> MLPCache:
    r"""Forward pass, batch first: ``A[k] = g(A[k-1] @ W[k-1].T + b[k-1])``.

    .. math:: a^{(k)} = g\big(a^{(k-1)} W^{(k)\top} + b^{(k)}\big),\quad
              a^{(0)} = X,\quad a^{(L)} = g_\text{out}(z^{(L)})

    Parameters
    ----------
    params : dict
        ``{"W": [...], "b": [...]}``; ``W[i]`` (n[i+1], n[i]), ``b[i]`` (n[i+1],).
    X : ndarray, shape (t, n0)
        One sample per row, the parameters' dtype.
    activation : {"sigmoid", "tanh", "relu", "identity"}
        Hidden layers' g.
    output_activation : {"identity", "softmax", "sigmoid", "tanh", "relu"}

    Returns
    -------
    MLPCache
        ``A`` (all activations, ``A[-1]`` the output), ``Z_L`` and the names.

    Cost: 2·t·Σₖ n[k-1]·n[k] FLOPs, plus t·Σₖ n[k] bias adds and as many
    activation evaluations. Memory: t·Σₖ n[k] activations kept.
    """
    W, b = check_params(params)
    X = _check_input(X, W[0])
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    check_choice("output_activation", output_activation, OUTPUT_ACTIVATIONS)
    L = len(W)
    A = [X]
    for i in range(L - 1):
        A.append(forward_layer(A[i], W[i], b[i], activation))  # (t, n[i]) -> (t, n[i+1])
    Z_L, A_L = forward_output_layer(A[L - 1], W[L - 1], b[L - 1], output_activation)
    A.append(A_L)  # (t, n[L])
    return MLPCache(A, Z_L, activation, output_activation)


def evaluate_loss(cache: MLPCache, Y: np.ndarray, loss: str) -> float:
    """The loss J (batch mean) of a forward pass against targets ``Y``.

    Parameters
    ----------
    cache : MLPCache
    Y : ndarray
        Integer labels (t,) or targets (t, n[L]); see :mod:`~nncomplexity.kernels.losses`.
    loss : {"cross_entropy", "binary_cross_entropy", "squared_error"}

    Cost: O(t·n[L]).
    """
    if not isinstance(cache, MLPCache):
        raise TypeError(f"cache must be the MLPCache returned by forward, got {type(cache).__name__}")
    return loss_value(loss, cache.Z_L, Y, cache.output_activation)


def loss_value(loss: str, Z_L: np.ndarray, Y, output_activation: str) -> float:
    """J (batch mean) from the logits z⁽ᴸ⁾, for a loss paired with its output activation. Cost: O(t·n[L])."""
    check_choice("loss", loss, LOSSES)
    spec = LOSSES[loss]
    if spec.output_activation is None:
        return spec.value(Z_L, Y, output_activation=output_activation)
    if output_activation != spec.output_activation:
        raise ValueError(
            f"loss={loss!r} is defined with output_activation={spec.output_activation!r}, "
            f"got output_activation={output_activation!r}"
        )
    return spec.value(Z_L, Y)


def _check_cache(cache, W: list[np.ndarray]) -> MLPCache:
    if not isinstance(cache, MLPCache):
        raise TypeError(f"cache must be the MLPCache returned by forward, got {type(cache).__name__}")
    if len(cache.A) != len(W) + 1:
        raise ValueError(f"cache holds {len(cache.A) - 1} layers but params hold {len(W)}")
    for i, Wi in enumerate(W):
        if cache.A[i + 1].shape[1] != Wi.shape[0] or cache.A[i].shape[1] != Wi.shape[1]:
            raise ValueError(f"cache does not match params at layer {i + 1}: run forward with these params")
    return cache


def backward(
    params: Params,
    cache: MLPCache,
    dZ_L: np.ndarray | None = None,
    *,
    Y: np.ndarray | None = None,
    loss: str | None = None,
    input_grad: bool = False,
) -> Params:
    r"""Backward pass (backprop), batch first.

    Starting from δ⁽ᴸ⁾ = ∂J/∂Z⁽ᴸ⁾, for k = L..1:

    .. math:: \frac{\partial J}{\partial W^{(k)}} = \delta^{(k)\top} a^{(k-1)},\quad
              \frac{\partial J}{\partial b^{(k)}} = \textstyle\sum_s \delta^{(k)}_s,\quad
              \delta^{(k-1)} = \big(\delta^{(k)} W^{(k)}\big) \odot g'(z^{(k-1)})

    Parameters
    ----------
    params : dict
        The parameters ``forward`` ran with.
    cache : MLPCache
        From :func:`forward`.
    dZ_L : ndarray, shape (t, n[L]), optional
        δ⁽ᴸ⁾ given directly (any J); the gradients then sum over the rows as
        given. Not modified.
    Y, loss : optional
        Instead of ``dZ_L``: targets and a loss name; δ⁽ᴸ⁾ is then
        ``compute_output_delta(loss, a⁽ᴸ⁾, Y, output_activation)`` and carries 1/t.
    input_grad : bool
        Also return ∂J/∂X as ``grads["X"]`` (one more GEMM).

    Returns
    -------
    dict
        ``{"W": [...], "b": [...]}`` shaped like ``params`` (+ ``"X"``: (t, n0)).

    Cost: 2·t·Σₖ n[k-1]·n[k] FLOPs for the weight gradients plus
    2·t·Σ_{k≥2} n[k-1]·n[k] for the deltas (layer 1 needs no δ for its input
    unless ``input_grad``), t·Σₖ n[k] additions for the bias gradients, and
    t·Σ_{k<L} n[k] derivative evaluations.
    """
    # Values were checked by forward; re-reading every weight for NaN here
    # would cost a tenth of a small network's backward pass.
    W, _ = check_params(params, values=False)
    cache = _check_cache(cache, W)
    dZ = _initial_delta(cache.A[-1], cache.output_activation, dZ_L, Y, loss)
    L = len(W)
    grads_W: list = [None] * L
    grads_b: list = [None] * L
    for i in reversed(range(L)):
        # Layer 1's input is X: no g′ below it, and its gradient only if asked for.
        grads_W[i], grads_b[i], dZ = backward_layer(
            dZ, cache.A[i], W[i], cache.activation if i > 0 else None, need_dA=i > 0 or input_grad
        )
    grads: Params = {"W": grads_W, "b": grads_b}
    if input_grad:
        grads["X"] = dZ  # (t, n0)
    return grads


def _initial_delta(A_L, output_activation, dZ_L, Y, loss) -> np.ndarray:
    if dZ_L is not None:
        if Y is not None or loss is not None:
            raise ValueError("give either dZ_L or (Y and loss), not both")
        check_float_array("dZ_L", dZ_L, 2)
        if dZ_L.shape != A_L.shape:
            raise ValueError(f"dZ_L must have the output's shape {A_L.shape}, got shape {dZ_L.shape}")
        if dZ_L.dtype != A_L.dtype:
            raise TypeError(f"dZ_L has dtype {dZ_L.dtype} but the parameters have dtype {A_L.dtype}")
        check_finite("dZ_L", dZ_L)
        return dZ_L
    if Y is None or loss is None:
        raise ValueError("backward needs dZ_L, or both Y and loss")
    check_choice("loss", loss, LOSSES)
    return compute_output_delta(loss, A_L, Y, output_activation)
