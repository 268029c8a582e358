"""Activation functions g, each beside its backward.

Every backward here reads the derivative off the *output* ``a = g(z)``, not off
``z``:

* sigmoid: g′(z) = σ(z)·(1 − σ(z)) = a·(1 − a)
* tanh:    g′(z) = 1 − tanh²(z)    = 1 − a²
* ReLU:    g′(z) = 1[z > 0]         = 1[a > 0]

so a network only has to keep the activations a⁽ᵏ⁾ for the backward pass and
may overwrite z⁽ᵏ⁾ in place (PyTorch saves the same outputs for these three).
``relu_backward`` takes g′(0) = 0, as PyTorch does.

Signatures are shared: ``g(z, out=None)`` and ``g_backward(a, grad, out=None)``
returning ``grad ⊙ g′(z)``. Passing ``out=z`` (or ``out=grad``) works in place.
Every function keeps the floating dtype of its input: float32 stays float32.

Cost: one evaluation of g (or g′) per element, ``size(z)`` of them; the book
counts these as activation evaluations, not as multiply-add FLOPs.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "Activation",
    "identity",
    "identity_backward",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_backward",
    "tanh",
    "tanh_backward",
]


def _as_float(name: str, x) -> np.ndarray:
    """Return ``x`` as a floating ndarray (no copy when it already is one), or raise naming ``name``."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must be a floating-point array, got dtype {x.dtype}")
    return x


def _check_pair(a: np.ndarray, grad: np.ndarray) -> None:
    if a.shape != grad.shape:
        raise ValueError(f"grad must have the shape of a, got grad {grad.shape} and a {a.shape}")


# --------------------------------------------------------------------------- sigmoid
def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""Logistic function, elementwise.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}}

    Parameters
    ----------
    z : ndarray, any shape, floating dtype
    out : ndarray, optional
        Where to write the result; ``out=z`` overwrites ``z``.

    Returns
    -------
    ndarray, shape and dtype of ``z``

    Cost: ``size(z)`` evaluations.
    """
    z = _as_float("z", z)
    # e^{-z} overflows to inf for z < -709 (float64); 1/(1+inf) = 0 is then the
    # right answer, so the warning is noise. This form keeps full relative
    # accuracy for very negative z, where 0.5·(1 + tanh(z/2)) would cancel.
    with np.errstate(over="ignore"):
        out = np.negative(z, out=out)
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def sigmoid_backward(a: np.ndarray, grad: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""Backward of :func:`sigmoid`: ``grad ⊙ a ⊙ (1 − a)`` with ``a = σ(z)``.

    Parameters
    ----------
    a : ndarray
        The forward output σ(z).
    grad : ndarray, shape of ``a``
        ∂J/∂a.
    out : ndarray, optional
        ``out=grad`` works in place.

    Returns
    -------
    ndarray
        ∂J/∂z, shape of ``a``.

    Cost: ``size(a)`` evaluations (two multiplies and a subtraction each).
    """
    a, grad = _as_float("a", a), _as_float("grad", grad)
    _check_pair(a, grad)
    # a·(1 − a), not a − a·a: the latter cancels catastrophically when a ≈ 1.
    slope = np.subtract(1, a, dtype=a.dtype)
    slope *= a
    return np.multiply(grad, slope, out=out)


# --------------------------------------------------------------------------- tanh
def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""Hyperbolic tangent, elementwise: :math:`\tanh z`.

    Cost: ``size(z)`` evaluations.
    """
    z = _as_float("z", z)
    return np.tanh(z, out=out)


def tanh_backward(a: np.ndarray, grad: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""Backward of :func:`tanh`: ``grad ⊙ (1 − a²)`` with ``a = tanh z``.

    Cost: ``size(a)`` evaluations.
    """
    a, grad = _as_float("a", a), _as_float("grad", grad)
    _check_pair(a, grad)
    slope = np.multiply(a, a)
    np.subtract(1, slope, out=slope)
    return np.multiply(grad, slope, out=out)


# --------------------------------------------------------------------------- ReLU
def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""Rectified linear unit, elementwise: :math:`\max(z, 0)`.

    Cost: ``size(z)`` comparisons.
    """
    z = _as_float("z", z)
    return np.maximum(z, 0, out=out)


def relu_backward(a: np.ndarray, grad: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    r"""Backward of :func:`relu`: ``grad ⊙ 1[a > 0]`` (so g′(0) = 0, as in PyTorch).

    Cost: ``size(a)`` comparisons and multiplies.
    """
    a, grad = _as_float("a", a), _as_float("grad", grad)
    _check_pair(a, grad)
    # Multiplying by the boolean mask is one streaming pass; a masked
    # assignment (grad[a <= 0] = 0) scatters and is slower.
    return np.multiply(grad, a > 0, out=out)


# --------------------------------------------------------------------------- identity
def identity(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Identity ``g(z) = z`` (a linear output layer). Returns ``z`` itself unless ``out`` is given.

    Cost: none.
    """
    z = _as_float("z", z)
    if out is None or out is z:
        return z
    np.copyto(out, z)
    return out


def identity_backward(a: np.ndarray, grad: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Backward of :func:`identity`: ``grad`` unchanged (g′ = 1).

    Cost: none.
    """
    a, grad = _as_float("a", a), _as_float("grad", grad)
    _check_pair(a, grad)
    return identity(grad, out=out)


# --------------------------------------------------------------------------- softmax
def softmax(z: np.ndarray, out: np.ndarray | None = None, axis: int = -1) -> np.ndarray:
    r"""Softmax along ``axis`` (the class axis), numerically stable.

    .. math:: \mathrm{softmax}(z)_j = \frac{e^{z_j - m}}{\sum_i e^{z_i - m}},
              \quad m = \max_i z_i

    Subtracting the maximum changes nothing mathematically but keeps every
    exponent ≤ 0, so nothing overflows (``softmax([1000, 0])`` is ``[1, 0]``).

    Parameters
    ----------
    z : ndarray
        Batch-first logits ``(t, n)`` use ``axis=-1``; essay A's column-stacked
        ``(n, t)`` use ``axis=0``.
    out : ndarray, optional
        ``out=z`` overwrites ``z``.
    axis : int
        The class axis.

    Returns
    -------
    ndarray, shape and dtype of ``z``; sums to 1 along ``axis``.

    Cost: ``size(z)`` exponentials plus ``3·size(z)`` subtractions, additions and divisions.
    """
    z = _as_float("z", z)
    m = z.max(axis=axis, keepdims=True)  # (t, n) -> (t, 1)
    out = np.subtract(z, m, out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=axis, keepdims=True)  # (t, n) / (t, 1) -> (t, n)
    return out


def softmax_backward(
    a: np.ndarray, grad: np.ndarray, out: np.ndarray | None = None, axis: int = -1
) -> np.ndarray:
    r"""Backward of :func:`softmax` (a Jacobian–vector product, not elementwise).

    .. math:: \frac{\partial J}{\partial z} = a \odot \Big(g - \sum_j g_j a_j\Big),
              \quad g = \frac{\partial J}{\partial a}

    Never forms the n×n Jacobian diag(a) − a aᵀ.

    Cost: ``4·size(a)`` multiplies, adds and subtractions.
    """
    a, grad = _as_float("a", a), _as_float("grad", grad)
    _check_pair(a, grad)
    inner = np.multiply(grad, a).sum(axis=axis, keepdims=True)  # (t, n) -> (t, 1)
    out = np.subtract(grad, inner, out=out)  # (t, n) - (t, 1) -> (t, n)
    out *= a
    return out


# --------------------------------------------------------------------------- registry
class Activation(NamedTuple):
    """An activation ``g`` and its backward; unpacks as ``fn, backward = ACTIVATIONS[name]``."""

    forward: Callable[..., np.ndarray]  # g(z, out=None)
    backward: Callable[..., np.ndarray]  # (a, grad, out=None) -> grad ⊙ g′(z), with a = g(z)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(sigmoid, sigmoid_backward),
    "tanh": Activation(tanh, tanh_backward),
    "relu": Activation(relu, relu_backward),
    "identity": Activation(identity, identity_backward),
    # Output layers only: its backward couples the entries of a row.
    "softmax": Activation(softmax, softmax_backward),
}

#: The names allowed for hidden layers (elementwise activations).
HIDDEN_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "identity")
