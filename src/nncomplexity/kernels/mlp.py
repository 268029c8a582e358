r"""The dense network's forward and backward passes, in two notations.

Symbols (the book's): ``L`` layers, widths ``n = [n0, n1, ..., nL]`` (input
first), batch of ``t`` samples; ``g`` the hidden activation, ``g_out`` the
output layer's.

**Essay A's notation** (:func:`forward_essay`, :func:`backward_essay`):
samples are *columns*; every activation except the output carries the bias
unit as its **first** element, a₀⁽ᵏ⁾ = 1, and the bias weights are **column 0**
of Θ⁽ᵏ⁾:

* ``thetas[k-1]`` = Θ⁽ᵏ⁾, shape ``(n[k], n[k-1] + 1)``, k = 1..L
  (column 0: biases; columns 1..n[k-1]: weights),
* a⁽⁰⁾ = [1; x], shape ``(n0 + 1, t)``,
* z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾, shape ``(n[k], t)``,
* a⁽ᵏ⁾ = [1; g(z⁽ᵏ⁾)], shape ``(n[k] + 1, t)`` for k < L, and a⁽ᴸ⁾ = g_out(z⁽ᴸ⁾),
  shape ``(n[L], t)`` (the output has no bias unit).

**Batch-first notation** (:func:`forward`, :func:`backward`), the layout of
``torch.nn.Linear``: ``X`` has shape ``(t, n0)``, one *row* per sample;
``params = {"W": [W⁽¹⁾, ..., W⁽ᴸ⁾], "b": [b⁽¹⁾, ..., b⁽ᴸ⁾]}`` with ``W[i]`` of
shape ``(n[i+1], n[i])`` and ``b[i]`` of shape ``(n[i+1],)``: **list index i is
layer k = i + 1**. ``A[k]`` = a⁽ᵏ⁾ of shape ``(t, n[k])``, ``A[0] = X``.
Θ⁽ᵏ⁾ = [b⁽ᵏ⁾ | W⁽ᵏ⁾] links the two (:func:`params_to_essay`).

**Mean, not sum.** Every loss is the mean over the batch (see
:mod:`~nncomplexity.kernels.losses`), so δ⁽ᴸ⁾ carries the factor 1/t and every
gradient returned here is the gradient of the batch *mean*:
∂J/∂Θ⁽ᵏ⁾ = δ⁽ᵏ⁾ (a⁽ᵏ⁻¹⁾)ᵀ sums the per-sample products of the already-scaled δ.

**FLOPs.** One multiply-add = 2 FLOPs, and only the matrix products are
counted (as ``torch.utils.flop_counter.FlopCounterMode`` does): bias adds
(t·n[k] per layer) and activation evaluations are listed separately.
Forward: 2·t·Σₖ n[k-1]·n[k]. Backward: the same for the weight gradients plus
the same minus layer 1's share for the deltas.

**Memory.** Backprop keeps the activations a⁽⁰⁾..a⁽ᴸ⁾, t·Σₖ n[k] numbers. The
hidden z⁽ᵏ⁾ are overwritten in place by g(z⁽ᵏ⁾): every hidden backward reads
g′ off a⁽ᵏ⁾ (see :mod:`~nncomplexity.kernels.activations`).
:func:`forward_backward_checkpointed` trades recomputation for less of it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int, check_widths
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, softmax
from .losses import LOSSES, compute_output_delta

__all__ = [
    "CheckpointResult",
    "EssayCache",
    "MLPCache",
    "backward",
    "backward_essay",
    "evaluate_loss",
    "forward",
    "forward_backward_checkpointed",
    "forward_essay",
    "init_params",
    "params_from_essay",
    "params_from_torch",
    "params_to_essay",
]

Params = dict[str, list[np.ndarray]]  # {"W": [W⁽¹⁾..W⁽ᴸ⁾], "b": [b⁽¹⁾..b⁽ᴸ⁾]}

OUTPUT_ACTIVATIONS: tuple[str, ...] = (*HIDDEN_ACTIVATIONS, "softmax")


# =========================================================================== checks
def _check_finite(name: str, x: np.ndarray) -> None:
    # One BLAS pass (x·x) with no boolean temporary: NaN and ±inf make it
    # non-finite. Only then (or when huge values overflow it) does the exact
    # elementwise test run. For a weight matrix this is ~3x faster than x.sum().
    if x.flags.c_contiguous:
        v = x.reshape(-1)  # a view, no copy
        probe = np.dot(v, v)
    else:
        probe = x.sum()
    if not np.isfinite(probe) and not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or infinite values")


def _check_float_array(name: str, x, ndim: int) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must have a floating dtype, got {x.dtype}")
    if x.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {x.shape}")
    return x


def _check_params(params, *, values: bool = True) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Return the lists (W, b) after checking shapes, dtypes and (if ``values``) NaN/inf; raise naming the entry."""
    if not isinstance(params, Mapping) or "W" not in params or "b" not in params:
        raise TypeError('params must be a dict {"W": [W1, ..., WL], "b": [b1, ..., bL]}')
    W, b = params["W"], params["b"]
    for key, v in (("W", W), ("b", b)):
        if not isinstance(v, Sequence) or isinstance(v, (str, bytes)):
            raise TypeError(f"params[{key!r}] must be a list of arrays, got {type(v).__name__}")
    if len(W) == 0 or len(W) != len(b):
        raise ValueError(
            f"params['W'] and params['b'] must be non-empty lists of equal length, "
            f"got {len(W)} and {len(b)}"
        )
    dtype = None
    for i, (Wi, bi) in enumerate(zip(W, b)):
        _check_float_array(f"params['W'][{i}]", Wi, 2)
        _check_float_array(f"params['b'][{i}]", bi, 1)
        dtype = Wi.dtype if dtype is None else dtype
        if 0 in Wi.shape:
            raise ValueError(f"params['W'][{i}] has shape {Wi.shape}: every width must be >= 1")
        for name, v in ((f"params['W'][{i}]", Wi), (f"params['b'][{i}]", bi)):
            if v.dtype != dtype:
                raise TypeError(f"{name} has dtype {v.dtype}, but params['W'][0] has {dtype}")
        if bi.shape != (Wi.shape[0],):
            raise ValueError(
                f"params['b'][{i}] has shape {bi.shape} but params['W'][{i}] has shape "
                f"{Wi.shape}: the bias of layer {i + 1} must have shape ({Wi.shape[0]},)"
            )
        if i > 0 and Wi.shape[1] != W[i - 1].shape[0]:
            raise ValueError(
                f"params['W'][{i}] has shape {Wi.shape} but params['W'][{i - 1}] has shape "
                f"{W[i - 1].shape}: layer {i + 1} must take n[{i}] = {W[i - 1].shape[0]} inputs"
            )
        if values:
            _check_finite(f"params['W'][{i}]", Wi)
            _check_finite(f"params['b'][{i}]", bi)
    return list(W), list(b)


def _check_input(X, W0: np.ndarray) -> np.ndarray:
    _check_float_array("X", X, 2)
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
    _check_finite("X", X)
    return X


# =========================================================================== one layer
def _forward_layer(A_in: np.ndarray, W: np.ndarray, b: np.ndarray, g: str) -> np.ndarray:
    """a = g(A_in Wᵀ + b), overwriting z in place (z is not needed again for an elementwise g)."""
    Z = A_in @ W.T  # (t, n_in) @ (n_in, n_out) -> (t, n_out)
    Z += b  # (n_out,) broadcast over the t rows
    return ACTIVATIONS[g].forward(Z, out=Z)


def _forward_output_layer(A_in: np.ndarray, W: np.ndarray, b: np.ndarray, g_out: str):
    """Return (z⁽ᴸ⁾, a⁽ᴸ⁾); z⁽ᴸ⁾ is kept because the losses read the logits."""
    Z = A_in @ W.T  # (t, n_in) @ (n_in, n_out) -> (t, n_out)
    Z += b
    return Z, ACTIVATIONS[g_out].forward(Z.copy()) if g_out != "identity" else Z


def _backward_layer(dZ, A_in, W, g: str, need_dA: bool, g_is_input: bool):
    """Gradients of one layer from δ = dZ; returns (dW, db, δ of the layer below or dA or None)."""
    dW = dZ.T @ A_in  # (n_out, t) @ (t, n_in) -> (n_out, n_in)
    db = dZ.sum(axis=0)  # (t, n_out) -> (n_out,)
    if not need_dA:
        return dW, db, None
    dA = dZ @ W  # (t, n_out) @ (n_out, n_in) -> (t, n_in)
    if g_is_input:  # A_in is X: no activation below
        return dW, db, dA
    return dW, db, ACTIVATIONS[g].backward(A_in, dA, out=dA)  # ⊙ g′(z), in place


# =========================================================================== batch-first
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
    W, b = _check_params(params)
    X = _check_input(X, W[0])
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    check_choice("output_activation", output_activation, OUTPUT_ACTIVATIONS)
    L = len(W)
    A = [X]
    for i in range(L - 1):
        A.append(_forward_layer(A[i], W[i], b[i], activation))  # (t, n[i]) -> (t, n[i+1])
    Z_L, A_L = _forward_output_layer(A[L - 1], W[L - 1], b[L - 1], output_activation)
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
    return _loss_value(loss, cache.Z_L, Y, cache.output_activation)


def _loss_value(loss: str, Z_L: np.ndarray, Y, output_activation: str) -> float:
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
    W, _ = _check_params(params, values=False)
    cache = _check_cache(cache, W)
    dZ = _initial_delta(cache.A[-1], cache.output_activation, dZ_L, Y, loss)
    L = len(W)
    grads_W: list = [None] * L
    grads_b: list = [None] * L
    for i in reversed(range(L)):
        need = i > 0 or input_grad
        grads_W[i], grads_b[i], dZ = _backward_layer(
            dZ, cache.A[i], W[i], cache.activation, need, g_is_input=(i == 0)
        )
    grads: Params = {"W": grads_W, "b": grads_b}
    if input_grad:
        grads["X"] = dZ  # (t, n0)
    return grads


def _initial_delta(A_L, output_activation, dZ_L, Y, loss) -> np.ndarray:
    if dZ_L is not None:
        if Y is not None or loss is not None:
            raise ValueError("give either dZ_L or (Y and loss), not both")
        _check_float_array("dZ_L", dZ_L, 2)
        if dZ_L.shape != A_L.shape:
            raise ValueError(f"dZ_L must have the output's shape {A_L.shape}, got shape {dZ_L.shape}")
        if dZ_L.dtype != A_L.dtype:
            raise TypeError(f"dZ_L has dtype {dZ_L.dtype} but the parameters have dtype {A_L.dtype}")
        _check_finite("dZ_L", dZ_L)
        return dZ_L
    if Y is None or loss is None:
        raise ValueError("backward needs dZ_L, or both Y and loss")
    check_choice("loss", loss, LOSSES)
    return compute_output_delta(loss, A_L, Y, output_activation)


# =========================================================================== checkpointing
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
    params, X : as for :func:`forward`
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

    Cost: forward + backward as in :func:`forward` and :func:`backward`, plus
    ``recomputed_flops``. Memory counts only activations a⁽ᵏ⁾ (X included,
    z⁽ᴸ⁾ and the one δ buffer in flight not).
    """
    W, b = _check_params(params)
    X = _check_input(X, W[0])
    check_choice("loss", loss, LOSSES)
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    if output_activation is None:
        output_activation = LOSSES[loss].output_activation or "identity"
    check_choice("output_activation", output_activation, OUTPUT_ACTIVATIONS)
    L = len(W)
    s = check_int("segments", segments, minimum=1, maximum=L)
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
        keep(i + 1, _forward_layer(held[i], W[i], b[i], activation))
        if i not in stored and i < last_start:
            drop(i)
    Z_L, A_L = _forward_output_layer(held[L - 1], W[L - 1], b[L - 1], output_activation)
    keep(L, A_L)  # layer L lies in the last segment: nothing to drop
    value = _loss_value(loss, Z_L, Y, output_activation)
    dZ = compute_output_delta(loss, A_L, Y, output_activation)
    drop(L)

    grads_W: list = [None] * L
    grads_b: list = [None] * L
    recomputed_layers = recomputed_flops = 0
    for j in reversed(range(s)):
        lo, hi = bounds[j], bounds[j + 1]
        if j < s - 1:
            for i in range(lo, hi - 1):  # a⁽ʰⁱ⁾ is a stored boundary: stop one short
                keep(i + 1, _forward_layer(held[i], W[i], b[i], activation))
                recomputed_layers += 1
                recomputed_flops += 2 * X.shape[0] * W[i].shape[0] * W[i].shape[1]
        for i in reversed(range(lo, hi)):
            grads_W[i], grads_b[i], dZ = _backward_layer(
                dZ, held[i], W[i], activation, need_dA=i > 0, g_is_input=False
            )
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


# =========================================================================== essay A
@dataclass(frozen=True)
class EssayCache:
    """All activations and pre-activations of :func:`forward_essay`, indexed like the essay.

    With a single sample ``x`` of shape (n0,) every entry is a vector (the t axis dropped).
    """

    a: list[np.ndarray]  # a[k] = a⁽ᵏ⁾, k = 0..L: (n[k]+1, t) with a[k][0] = 1 for k < L; a[L] (n[L], t)
    z: list[np.ndarray | None]  # z[k] = z⁽ᵏ⁾, (n[k], t), k = 1..L; z[0] is None (the input has none)
    activation: str
    output_activation: str


def _check_thetas(thetas) -> list[np.ndarray]:
    if isinstance(thetas, np.ndarray) or not isinstance(thetas, Sequence) or len(thetas) == 0:
        raise TypeError("thetas must be a non-empty list [Theta1, ..., ThetaL] of 2-D arrays")
    for i, th in enumerate(thetas):
        _check_float_array(f"thetas[{i}]", th, 2)
        if th.dtype != thetas[0].dtype:
            raise TypeError(f"thetas[{i}] has dtype {th.dtype}, but thetas[0] has {thetas[0].dtype}")
        if th.shape[0] < 1 or th.shape[1] < 2:
            raise ValueError(
                f"thetas[{i}] has shape {th.shape}: it needs ≥ 1 row and a bias column "
                f"plus ≥ 1 weight column"
            )
        if i > 0 and th.shape[1] != thetas[i - 1].shape[0] + 1:
            raise ValueError(
                f"thetas[{i}] has shape {th.shape} but thetas[{i - 1}] has shape "
                f"{thetas[i - 1].shape}: Theta^({i + 1}) must have n[{i}] + 1 = "
                f"{thetas[i - 1].shape[0] + 1} columns (bias column first)"
            )
        _check_finite(f"thetas[{i}]", th)
    return list(thetas)


def forward_essay(
    thetas: Sequence[np.ndarray],
    x: np.ndarray,
    activation: str = "sigmoid",
    output_activation: str = "sigmoid",
) -> EssayCache:
    r"""Forward propagation in essay A's notation: z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾, a⁽ᵏ⁾ = g(z⁽ᵏ⁾).

    .. math:: a^{(0)} = \begin{bmatrix}1\\ x\end{bmatrix},\quad
              z^{(k)} = \Theta^{(k)} a^{(k-1)},\quad
              a^{(k)} = \begin{bmatrix}1\\ g(z^{(k)})\end{bmatrix}\ (k<L),\quad
              a^{(L)} = g_\text{out}(z^{(L)})

    Parameters
    ----------
    thetas : list of ndarray
        ``thetas[k-1]`` = Θ⁽ᵏ⁾ of shape (n[k], n[k-1] + 1); column 0 holds the biases.
    x : ndarray, shape (n0,) or (n0, t)
        One sample, or t samples as columns, *without* the bias unit (added here).
    activation : {"sigmoid", "tanh", "relu", "identity"}
    output_activation : {"sigmoid", "softmax", "identity", "tanh", "relu"}

    Returns
    -------
    EssayCache
        ``a[k]``, ``z[k]`` for k = 0..L (``z[0] = None``).

    Cost: 2·t·Σₖ n[k]·(n[k-1] + 1) FLOPs: folding the bias into the product
    costs 2·t·Σₖ n[k] FLOPs more than :func:`forward`'s GEMMs, in place of its
    t·Σₖ n[k] separate bias adds; plus t·Σₖ n[k] activation evaluations.
    """
    thetas = _check_thetas(thetas)
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    check_choice("output_activation", output_activation, OUTPUT_ACTIVATIONS)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy array, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must have a floating dtype, got {x.dtype}")
    dtype = thetas[0].dtype
    n0 = thetas[0].shape[1] - 1
    if x.ndim not in (1, 2) or x.shape[0] != n0 or (x.ndim == 2 and x.shape[1] == 0):
        raise ValueError(
            f"x has shape {x.shape} but thetas[0] has shape {thetas[0].shape}: x must have "
            f"shape ({n0},) or ({n0}, t) (no bias unit; it is added here)"
        )
    if x.dtype != dtype:
        raise TypeError(f"x has dtype {x.dtype} but thetas have dtype {dtype}")
    _check_finite("x", x)
    single = x.ndim == 1
    xc = x.reshape(n0, -1)  # (n0,) -> (n0, 1); (n0, t) unchanged
    t = xc.shape[1]
    L = len(thetas)

    a0 = np.empty((n0 + 1, t), dtype=dtype)  # (n0 + 1, t): bias unit on top
    a0[0] = 1
    a0[1:] = xc
    a: list[np.ndarray] = [a0]
    z: list[np.ndarray | None] = [None]
    for k in range(1, L + 1):
        zk = thetas[k - 1] @ a[k - 1]  # (n[k], n[k-1]+1) @ (n[k-1]+1, t) -> (n[k], t)
        if k < L:
            ak = np.empty((zk.shape[0] + 1, t), dtype=dtype)  # (n[k] + 1, t)
            ak[0] = 1
            ACTIVATIONS[activation].forward(zk, out=ak[1:])
        elif output_activation == "softmax":
            ak = softmax(zk, axis=0)  # samples are columns: normalise down each column
        else:
            ak = ACTIVATIONS[output_activation].forward(zk.copy())  # (n[L], t)
        a.append(ak)
        z.append(zk)
    if single:
        a = [v[:, 0] for v in a]
        z = [None] + [v[:, 0] for v in z[1:]]
    return EssayCache(a, z, activation, output_activation)


def backward_essay(
    thetas: Sequence[np.ndarray],
    cache: EssayCache,
    y: np.ndarray,
    loss: str = "cross_entropy",
) -> list[np.ndarray]:
    r"""Backpropagation in essay A's notation.

    .. math:: \delta^{(L)} = \tfrac1t\,(a^{(L)} - y)\ \text{(softmax or sigmoid with cross-entropy)},
              \quad \tfrac1t\,(a^{(L)} - y)\odot g'(z^{(L)})\ \text{(squared error)}

    .. math:: \delta^{(k)} = \big(\Theta^{(k+1)\top}\delta^{(k+1)}\big)_{1:}\odot g'(z^{(k)}),
              \qquad \frac{\partial J}{\partial\Theta^{(k)}} = \delta^{(k)}\,a^{(k-1)\top}

    The subscript ``1:`` drops the bias row: the bias unit a₀ = 1 is a
    constant and gets no δ. Multiplying by Θ⁽ᵏ⁺¹⁾[:, 1:]ᵀ does exactly that
    without computing the row. The 1/t of the batch mean sits in δ⁽ᴸ⁾, so the
    product δ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ᵀ — a sum over the t columns — is the gradient of the mean J.

    Parameters
    ----------
    thetas : list of ndarray
        As for :func:`forward_essay`.
    cache : EssayCache
        From :func:`forward_essay` with these ``thetas``.
    y : ndarray
        Targets shaped like a⁽ᴸ⁾, (n[L],) or (n[L], t); or integer class labels,
        shape (t,) (or a 0-d integer for one sample).
    loss : {"cross_entropy", "binary_cross_entropy", "squared_error"}
        Cross-entropy needs a softmax output, binary cross-entropy a sigmoid one.

    Returns
    -------
    list of ndarray
        ``grads[k-1]`` = ∂J/∂Θ⁽ᵏ⁾, shape of Θ⁽ᵏ⁾ (column 0: the bias gradient).

    Cost: 2·t·Σₖ n[k]·(n[k-1] + 1) FLOPs for the gradients, 2·t·Σ_{k≥2} n[k]·n[k-1]
    for the deltas, t·Σ_{k<L} n[k] derivative evaluations.
    """
    thetas = _check_thetas(thetas)
    if not isinstance(cache, EssayCache):
        raise TypeError(f"cache must be the EssayCache returned by forward_essay, got {type(cache).__name__}")
    L = len(thetas)
    if len(cache.a) != L + 1 or any(
        cache.a[k].shape[0] != thetas[k].shape[1] for k in range(L)
    ) or cache.a[L].shape[0] != thetas[L - 1].shape[0]:
        raise ValueError("cache does not match thetas: run forward_essay with these thetas")
    check_choice("loss", loss, LOSSES)
    a = [v.reshape(v.shape[0], -1) for v in cache.a]  # vectors -> single columns
    nL, t = a[L].shape
    y = np.asarray(y)
    if np.issubdtype(y.dtype, np.integer) and loss != "binary_cross_entropy":
        if y.size != t or y.ndim > 1:
            raise ValueError(f"y as integer labels must have shape ({t},), got shape {y.shape}")
        y_rows = y.reshape(t)  # (t,)
    else:
        if y.shape != cache.a[L].shape:
            raise ValueError(f"y must have the shape of a^(L) {cache.a[L].shape}, got shape {y.shape}")
        y_rows = y.reshape(nL, t).T  # (n[L], t) -> (t, n[L]), a view

    # δ⁽ᴸ⁾ by the batch-first code on the transposed view a⁽ᴸ⁾ᵀ, (t, n[L]):
    # its last axis is the class axis that a softmax's backward needs.
    delta = compute_output_delta(loss, a[L].T, y_rows, cache.output_activation).T  # (n[L], t)

    g_back = ACTIVATIONS[cache.activation].backward
    grads: list = [None] * L
    for k in range(L, 0, -1):
        grads[k - 1] = delta @ a[k - 1].T  # (n[k], t) @ (t, n[k-1]+1) -> (n[k], n[k-1]+1)
        if k > 1:
            delta = thetas[k - 1][:, 1:].T @ delta  # (n[k-1], n[k]) @ (n[k], t) -> (n[k-1], t)
            g_back(a[k - 1][1:], delta, out=delta)  # ⊙ g′(z⁽ᵏ⁻¹⁾), read off a⁽ᵏ⁻¹⁾ without its bias row
    return grads


# =========================================================================== parameters
def init_params(
    widths: Sequence[int],
    rng: np.random.Generator,
    dtype=np.float64,
    *,
    scheme: str = "he",
) -> Params:
    r"""Random weights and zero biases for the widths ``[n0, ..., nL]``.

    ``W[i]`` ~ N(0, σ²) with σ² = 2/n_in (``"he"``, He et al. 2015, for ReLU)
    or σ² = 2/(n_in + n_out) (``"xavier"``, Glorot & Bengio 2010, for
    sigmoid/tanh): the scale that keeps activations from growing or shrinking
    layer by layer.

    Parameters
    ----------
    widths : sequence of int
        ``[n0, n1, ..., nL]``, each ≥ 1, at least two.
    rng : numpy.random.Generator
        The only source of randomness.
    dtype : floating dtype
        float32 draws the same numbers as float64, rounded.
    scheme : {"he", "xavier"}

    Returns
    -------
    dict
        ``{"W": [(n[1], n[0]), ...], "b": [(n[1],), ...]}``.

    Cost: Σₖ n[k]·n[k-1] normal draws.
    """
    widths = check_widths("widths", widths)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    check_choice("scheme", scheme, ("he", "xavier"))
    try:
        dtype = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"dtype must be a floating dtype, got {dtype!r}") from err
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"dtype must be a floating dtype, got {dtype}")
    W, b = [], []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        var = 2.0 / n_in if scheme == "he" else 2.0 / (n_in + n_out)
        W.append((rng.standard_normal((n_out, n_in)) * np.sqrt(var)).astype(dtype, copy=False))
        b.append(np.zeros(n_out, dtype=dtype))
    return {"W": W, "b": b}


def params_to_essay(params: Params) -> list[np.ndarray]:
    """Θ⁽ᵏ⁾ = [b⁽ᵏ⁾ | W⁽ᵏ⁾] for each layer: batch-first parameters in essay A's form.

    Returns
    -------
    list of ndarray
        ``thetas[k-1]`` of shape (n[k], n[k-1] + 1), bias column first.

    Cost: copies Σₖ n[k]·(n[k-1] + 1) numbers.
    """
    W, b = _check_params(params)
    return [np.hstack([bi[:, None], Wi]) for Wi, bi in zip(W, b)]  # (n_out, 1) | (n_out, n_in) -> (n_out, 1 + n_in)


def params_from_essay(thetas: Sequence[np.ndarray]) -> Params:
    """Inverse of :func:`params_to_essay`: split each Θ⁽ᵏ⁾ into W⁽ᵏ⁾ = Θ[:, 1:] and b⁽ᵏ⁾ = Θ[:, 0].

    Also turns :func:`backward_essay`'s gradients into :func:`backward`'s layout.

    Cost: copies the numbers (contiguous arrays, so later products need no copy).
    """
    thetas = _check_thetas(thetas)
    return {
        "W": [np.ascontiguousarray(th[:, 1:]) for th in thetas],  # (n_out, n_in)
        "b": [th[:, 0].copy() for th in thetas],  # (n_out,)
    }


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
