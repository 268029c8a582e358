r"""The forward and backward passes in essay A's notation: samples as columns, bias folded in.

Every activation except the output carries the bias unit as its **first**
element, a₀⁽ᵏ⁾ = 1, and the bias weights are **column 0** of Θ⁽ᵏ⁾:

* ``thetas[k-1]`` = Θ⁽ᵏ⁾, shape ``(n[k], n[k-1] + 1)``, k = 1..L
  (column 0: biases; columns 1..n[k-1]: weights),
* a⁽⁰⁾ = [1; x], shape ``(n0 + 1, t)``,
* z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾, shape ``(n[k], t)``,
* a⁽ᵏ⁾ = [1; g(z⁽ᵏ⁾)], shape ``(n[k] + 1, t)`` for k < L, and a⁽ᴸ⁾ = g_out(z⁽ᴸ⁾),
  shape ``(n[L], t)`` (the output has no bias unit).

Θ⁽ᵏ⁾ = [b⁽ᵏ⁾ | W⁽ᵏ⁾] links it to the batch-first layout of
:mod:`~nncomplexity.kernels.mlp` (:func:`params_to_essay`,
:func:`params_from_essay`); the two give equal results (tested). The functions
take the same activation names and defaults as the batch-first ones.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_finite, check_float_array
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, softmax
from .losses import LOSSES, compute_output_delta
from .mlp import OUTPUT_ACTIVATIONS
from .params import Params, check_params

__all__ = ["EssayCache", "backward_essay", "forward_essay", "params_from_essay", "params_to_essay"]


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
        check_float_array(f"thetas[{i}]", th, 2)
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
        check_finite(f"thetas[{i}]", th)
    return list(thetas)


def forward_essay(
    thetas: Sequence[np.ndarray],
    x: np.ndarray,
    activation: str = "relu",
    output_activation: str = "identity",
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
    activation : {"relu", "sigmoid", "tanh", "identity"}
        Hidden g (the same default as :func:`~nncomplexity.kernels.mlp.forward`;
        essay A's network is sigmoid: pass it).
    output_activation : {"identity", "softmax", "sigmoid", "tanh", "relu"}

    Returns
    -------
    EssayCache
        ``a[k]``, ``z[k]`` for k = 0..L (``z[0] = None``).

    Book: chapter 2, {prf:ref}`prop-bias-folded`.

    Cost: 2·t·Σₖ n[k]·(n[k-1] + 1) FLOPs: folding the bias into the product
    costs 2·t·Σₖ n[k] FLOPs more than :func:`~nncomplexity.kernels.mlp.forward`'s GEMMs, in place of its
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
    check_finite("x", x)
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
    loss: str,
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

    Book: chapter 3, {prf:ref}`thm-backward-recursion`.

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


def params_to_essay(params: Params) -> list[np.ndarray]:
    """Θ⁽ᵏ⁾ = [b⁽ᵏ⁾ | W⁽ᵏ⁾] for each layer: batch-first parameters in essay A's form.

    Returns
    -------
    list of ndarray
        ``thetas[k-1]`` of shape (n[k], n[k-1] + 1), bias column first.

    Cost: copies Σₖ n[k]·(n[k-1] + 1) numbers.
    """
    W, b = check_params(params)
    return [np.hstack([bi[:, None], Wi]) for Wi, bi in zip(W, b)]  # (n_out, 1) | (n_out, n_in) -> (n_out, 1 + n_in)


def params_from_essay(thetas: Sequence[np.ndarray]) -> Params:
    """Inverse of :func:`params_to_essay`: split each Θ⁽ᵏ⁾ into W⁽ᵏ⁾ = Θ[:, 1:] and b⁽ᵏ⁾ = Θ[:, 0].

    Also turns :func:`backward_essay`'s gradients into :func:`~nncomplexity.kernels.mlp.backward`'s layout.

    Cost: copies the numbers (contiguous arrays, so later products need no copy).
    """
    thetas = _check_thetas(thetas)
    return {
        "W": [np.ascontiguousarray(th[:, 1:]) for th in thetas],  # (n_out, n_in)
        "b": [th[:, 0].copy() for th in thetas],  # (n_out,)
    }
