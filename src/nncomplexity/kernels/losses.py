r"""Losses J of a batch, each beside its gradient with respect to the last pre-activation.

Conventions (the book's, used everywhere in the library):

* Batch-first: logits ``Z = z⁽ᴸ⁾`` have shape ``(t, n)``, one row per sample.
* Every loss is a **mean over the t samples** of a per-sample loss that is
  **summed over the n output units**:

  - cross-entropy with softmax: :math:`J = -\frac1t \sum_s \sum_j y_{sj} \log \mathrm{softmax}(z_s)_j`
  - binary cross-entropy with sigmoid: :math:`J = \frac1t \sum_s \sum_j
    \big[-y_{sj}\log\sigma(z_{sj}) - (1-y_{sj})\log(1-\sigma(z_{sj}))\big]`
  - squared error: :math:`J = \frac{1}{2t} \sum_s \lVert g(z_s) - y_s\rVert^2`
    (the ½ cancels the 2 of the derivative; *not* PyTorch's ``MSELoss``, which
    also divides by n and has no ½).

* So the gradients (``*_backward``), δ⁽ᴸ⁾ = ∂J/∂z⁽ᴸ⁾, carry the factor 1/t:

  - softmax + cross-entropy: δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) / t
  - sigmoid + binary cross-entropy: δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) / t
  - squared error: δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ g′(z⁽ᴸ⁾) / t

  and the weight gradients that backprop builds from them are gradients of the
  batch mean.

Targets ``Y``: for cross-entropy and squared error either integer class labels
of shape ``(t,)`` (read as one-hot rows) or a floating array of ``Z``'s shape;
for binary cross-entropy an array of ``Z``'s shape with entries in [0, 1].
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .._validate import check_choice
from .activations import ACTIVATIONS, _as_float, sigmoid, softmax

__all__ = [
    "LOSSES",
    "Loss",
    "binary_cross_entropy_sigmoid",
    "binary_cross_entropy_sigmoid_backward",
    "compute_output_delta",
    "cross_entropy_softmax",
    "cross_entropy_softmax_backward",
    "squared_error",
    "squared_error_backward",
]


# --------------------------------------------------------------------------- checks
def _check_logits(name: str, Z) -> np.ndarray:
    Z = _as_float(name, Z)
    if Z.ndim != 2:
        raise ValueError(f"{name} must have shape (t, n) (batch first), got shape {Z.shape}")
    if not np.isfinite(Z).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return Z


def _check_targets(Y, Z: np.ndarray, *, allow_labels: bool = True) -> np.ndarray:
    """Return ``Y`` as integer labels ``(t,)`` or as a dense array of ``Z``'s shape and dtype."""
    Y = np.asarray(Y)
    t, n = Z.shape
    if allow_labels and np.issubdtype(Y.dtype, np.integer):
        if Y.shape != (t,):
            raise ValueError(f"Y as integer labels must have shape ({t},), got shape {Y.shape}")
        if t and (Y.min() < 0 or Y.max() >= n):
            raise ValueError(f"Y labels must lie in [0, {n - 1}], got range [{Y.min()}, {Y.max()}]")
        return Y
    if not (np.issubdtype(Y.dtype, np.floating) or np.issubdtype(Y.dtype, np.integer)
            or Y.dtype == np.bool_):
        raise TypeError(f"Y must be a real array, got dtype {Y.dtype}")
    if Y.shape != Z.shape:
        raise ValueError(f"Y must have the shape of the output {Z.shape}, got shape {Y.shape}")
    Y = Y.astype(Z.dtype, copy=False)
    if not np.isfinite(Y).all():
        raise ValueError("Y contains NaN or infinite values")
    return Y


def _is_labels(Y: np.ndarray) -> bool:
    return np.issubdtype(Y.dtype, np.integer)


def _subtract_targets(D: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``D −= Y`` in place, where integer labels mean one-hot rows."""
    if _is_labels(Y):
        D[np.arange(D.shape[0]), Y] -= 1  # touches t entries, not t·n
    else:
        D -= Y
    return D


# --------------------------------------------------------------------------- softmax + CE
def cross_entropy_softmax(Z: np.ndarray, Y: np.ndarray) -> float:
    r"""Mean cross-entropy of softmax(Z) against Y.

    .. math:: J = -\frac1t \sum_{s=1}^{t} \sum_{j=1}^{n} y_{sj}\,
              \big(z_{sj} - \log\textstyle\sum_i e^{z_{si}}\big)

    Computed through the log-sum-exp with the row maximum subtracted, so no
    probability is formed, nothing overflows and log never sees 0.
    Equals ``torch.nn.functional.cross_entropy(Z, Y)`` (reduction ``"mean"``).

    Parameters
    ----------
    Z : ndarray, shape (t, n)
        Logits z⁽ᴸ⁾.
    Y : ndarray, shape (t,) integer labels, or (t, n) one-hot / probability rows

    Returns
    -------
    float

    Cost: ``t·n`` exponentials plus ``O(t·n)`` additions.
    """
    Z = _check_logits("Z", Z)
    Y = _check_targets(Y, Z)
    t = Z.shape[0]
    shifted = Z - Z.max(axis=1, keepdims=True)  # (t, n) - (t, 1) -> (t, n)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (t, n)
    if _is_labels(Y):
        picked = log_probs[np.arange(t), Y]  # (t, n) -> (t,)
        return float(-picked.sum() / t)
    return float(-(Y * log_probs).sum() / t)


def cross_entropy_softmax_backward(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""∂J/∂Z of :func:`cross_entropy_softmax`: :math:`\delta^{(L)} = (\mathrm{softmax}(Z) - Y)/t`.

    Returns
    -------
    ndarray, shape (t, n), dtype of ``Z``

    Cost: ``t·n`` exponentials plus ``O(t·n)`` additions.
    """
    Z = _check_logits("Z", Z)
    Y = _check_targets(Y, Z)
    D = softmax(Z)  # (t, n), a new array
    _subtract_targets(D, Y)
    D /= Z.shape[0]
    return D


# --------------------------------------------------------------------------- sigmoid + BCE
def binary_cross_entropy_sigmoid(Z: np.ndarray, Y: np.ndarray) -> float:
    r"""Mean over samples (sum over output units) of the binary cross-entropy of σ(Z) against Y.

    Uses :math:`-y\log\sigma(z) - (1-y)\log(1-\sigma(z)) = \mathrm{softplus}(z) - y z`
    with the stable :math:`\mathrm{softplus}(z) = \max(z, 0) + \log(1 + e^{-|z|})`.
    Equals ``BCEWithLogitsLoss(reduction="sum")(Z, Y) / t``.

    Parameters
    ----------
    Z : ndarray, shape (t, n)
        Logits.
    Y : ndarray, shape (t, n)
        Targets in [0, 1].

    Cost: ``t·n`` exponentials and logarithms plus ``O(t·n)`` additions.
    """
    Z = _check_logits("Z", Z)
    Y = _check_targets(Y, Z, allow_labels=False)
    softplus = np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))  # (t, n)
    return float((softplus - Y * Z).sum() / Z.shape[0])


def binary_cross_entropy_sigmoid_backward(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    r"""∂J/∂Z of :func:`binary_cross_entropy_sigmoid`: :math:`(\sigma(Z) - Y)/t`.

    Cost: ``t·n`` exponentials plus ``O(t·n)`` additions.
    """
    Z = _check_logits("Z", Z)
    Y = _check_targets(Y, Z, allow_labels=False)
    D = sigmoid(Z)  # (t, n), a new array
    D -= Y
    D /= Z.shape[0]
    return D


# --------------------------------------------------------------------------- squared error
def squared_error(Z: np.ndarray, Y: np.ndarray, output_activation: str = "identity") -> float:
    r"""Half the mean over samples of the squared distance between the output and Y.

    .. math:: J = \frac{1}{2t}\sum_{s=1}^{t}\lVert g(z_s) - y_s\rVert^2

    Parameters
    ----------
    Z : ndarray, shape (t, n)
        Last pre-activation z⁽ᴸ⁾.
    Y : ndarray, shape (t, n), or integer labels (t,) read as one-hot rows
    output_activation : str
        The output layer's g, a key of ``ACTIVATIONS``; ``"identity"`` for
        plain regression.

    Cost: ``t·n`` activation evaluations plus ``3·t·n`` FLOPs.
    """
    Z = _check_logits("Z", Z)
    check_choice("output_activation", output_activation, ACTIVATIONS)
    Y = _check_targets(Y, Z)
    A = ACTIVATIONS[output_activation].forward(Z.copy())  # (t, n), never aliases Z
    _subtract_targets(A, Y)
    return float(0.5 * np.vdot(A, A) / Z.shape[0])


def squared_error_backward(Z: np.ndarray, Y: np.ndarray, output_activation: str = "identity") -> np.ndarray:
    r"""∂J/∂Z of :func:`squared_error`: :math:`(g(Z) - Y) \odot g'(Z) / t`.

    For softmax the product with g′ is the Jacobian–vector product of
    :func:`~nncomplexity.kernels.activations.softmax_backward`.

    Cost: ``t·n`` activation and derivative evaluations plus ``O(t·n)`` FLOPs.
    """
    Z = _check_logits("Z", Z)
    check_choice("output_activation", output_activation, ACTIVATIONS)
    Y = _check_targets(Y, Z)
    A = ACTIVATIONS[output_activation].forward(Z.copy())  # (t, n)
    return compute_output_delta("squared_error", A, Y, output_activation)


# --------------------------------------------------------------------------- registry
class Loss(NamedTuple):
    """A loss, its gradient w.r.t. z⁽ᴸ⁾, and the output activation it is fused with."""

    value: Callable[..., float]  # (Z, Y) -> J
    backward: Callable[..., np.ndarray]  # (Z, Y) -> ∂J/∂Z
    output_activation: str | None  # the g it requires; None: any (passed as a keyword)


LOSSES: dict[str, Loss] = {
    "cross_entropy": Loss(cross_entropy_softmax, cross_entropy_softmax_backward, "softmax"),
    "binary_cross_entropy": Loss(
        binary_cross_entropy_sigmoid, binary_cross_entropy_sigmoid_backward, "sigmoid"
    ),
    "squared_error": Loss(squared_error, squared_error_backward, None),
}


def compute_output_delta(
    loss: str, A: np.ndarray, Y: np.ndarray, output_activation: str
) -> np.ndarray:
    r"""δ⁽ᴸ⁾ = ∂J/∂z⁽ᴸ⁾ from the output a⁽ᴸ⁾ the forward pass already computed.

    The networks call this instead of the ``*_backward`` functions so that the
    softmax or sigmoid is not evaluated a second time.

    Parameters
    ----------
    loss : {"cross_entropy", "binary_cross_entropy", "squared_error"}
    A : ndarray, shape (t, n)
        The output a⁽ᴸ⁾ = g(z⁽ᴸ⁾); may be a transposed view.
    Y : ndarray
        Targets as in the module docstring (already checked or raw).
    output_activation : str
        The g that produced ``A``; must match the loss's fused activation.

    Returns
    -------
    ndarray, shape (t, n), dtype of ``A``; a new array (``A`` is not modified).

    Cost: ``O(t·n)`` FLOPs.
    """
    check_choice("loss", loss, LOSSES)
    need = LOSSES[loss].output_activation
    if need is not None and output_activation != need:
        raise ValueError(
            f"loss={loss!r} is defined with output_activation={need!r}, "
            f"got output_activation={output_activation!r}"
        )
    check_choice("output_activation", output_activation, ACTIVATIONS)
    Y = _check_targets(Y, A, allow_labels=loss != "binary_cross_entropy")
    t = A.shape[0]
    D = np.array(A, copy=True)  # (t, n); keeps A's memory layout, so D.T of a transposed view is C-ordered
    _subtract_targets(D, Y)  # a⁽ᴸ⁾ − y
    D /= t
    if loss == "squared_error":
        # The fused pairs above need no g′: it cancels against the loss's
        # derivative. Squared error does not, so multiply it in.
        ACTIVATIONS[output_activation].backward(A, D, out=D)
    return D
