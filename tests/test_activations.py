"""Activations and losses against PyTorch: values, gradients, dtypes, stability, bad input."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nncomplexity.kernels import activations as act
from nncomplexity.kernels import losses

TORCH_G = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}


def _torch_forward_backward(name, z, grad):
    zt = torch.tensor(z, requires_grad=True)
    a = TORCH_G[name](zt)
    a.backward(torch.tensor(grad))
    return a.detach().numpy(), zt.grad.numpy()


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (2, 13)])
def test_activation_and_backward_match_torch(name, shape):
    rng = np.random.default_rng(0)
    z = rng.standard_normal(shape) * 3
    grad = rng.standard_normal(shape)
    fn, fn_backward = act.ACTIVATIONS[name]
    a = fn(z.copy())
    a_ref, dz_ref = _torch_forward_backward(name, z, grad)
    np.testing.assert_allclose(a, a_ref, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(fn_backward(a, grad), dz_ref, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved_and_out_works_in_place(name, dtype):
    rng = np.random.default_rng(1)
    z = rng.standard_normal((4, 5)).astype(dtype)
    fn, fn_backward = act.ACTIVATIONS[name]
    a = fn(z.copy())
    assert a.dtype == dtype
    assert fn_backward(a, np.ones_like(a)).dtype == dtype
    buf = z.copy()
    assert fn(buf, out=buf) is buf
    np.testing.assert_array_equal(buf, a)
    g = np.ones_like(a)
    assert fn_backward(a, g, out=g) is g


def test_relu_backward_at_zero_is_zero_like_torch():
    z = np.array([-1.0, 0.0, 2.0])
    _, dz_ref = _torch_forward_backward("relu", z, np.ones(3))
    np.testing.assert_array_equal(act.relu_backward(act.relu(z), np.ones(3)), dz_ref)
    np.testing.assert_array_equal(dz_ref, [0.0, 0.0, 1.0])


def test_sigmoid_extreme_inputs_no_warning_and_accurate():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act.sigmoid(z)
    np.testing.assert_allclose(a, torch.sigmoid(torch.tensor(z)).numpy(), rtol=1e-15)
    assert a[1] > 0  # 4e-18 kept, not rounded to 0


def test_softmax_is_stable_for_huge_logits():
    z = np.array([[1000.0, 0.0, -1000.0], [1e308, 1e308, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act.softmax(z)
    np.testing.assert_allclose(a, [[1, 0, 0], [0.5, 0.5, 0]], atol=1e-300)


def test_softmax_axis_zero_is_the_column_layout():
    z = np.random.default_rng(2).standard_normal((4, 6))
    np.testing.assert_array_equal(act.softmax(z, axis=0), act.softmax(z.T).T)
    g = np.random.default_rng(3).standard_normal((4, 6))
    a = act.softmax(z, axis=0)
    np.testing.assert_allclose(
        act.softmax_backward(a, g, axis=0), act.softmax_backward(a.T, g.T).T, rtol=1e-15
    )


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)),
           elements=st.floats(-50, 50)),
    st.floats(-100, 100),
)
def test_softmax_rows_sum_to_one_and_ignore_shifts(z, c):
    a = act.softmax(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-12)
    assert (a >= 0).all()
    np.testing.assert_allclose(act.softmax(z + c), a, rtol=1e-9, atol=1e-300)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30)))
def test_derivatives_match_a_difference_quotient(z):
    h = 1e-6
    for name in ("sigmoid", "tanh"):
        fn, fn_backward = act.ACTIVATIONS[name]
        numerical = (fn(z + h) - fn(z - h)) / (2 * h)
        np.testing.assert_allclose(fn_backward(fn(z.copy()), np.ones_like(z)), numerical,
                                   rtol=1e-6, atol=1e-9)


def test_registry_unpacks_as_forward_backward_pairs():
    assert set(act.HIDDEN_ACTIVATIONS) <= set(act.ACTIVATIONS)
    for name, (fn, backward) in act.ACTIVATIONS.items():
        assert fn.__name__ == name
        assert backward.__name__ == f"{name}_backward"


@pytest.mark.parametrize("fn", [act.sigmoid, act.tanh, act.relu, act.softmax, act.identity])
def test_activation_rejects_integer_input(fn):
    with pytest.raises(TypeError, match="z must be a floating-point array"):
        fn(np.arange(3))


def test_backward_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"grad .*\(3,\).*\(2,\)"):
        act.relu_backward(np.ones(2), np.ones(3))


# =========================================================================== losses
def _logits_targets(rng, t, n):
    Z = rng.standard_normal((t, n)) * 4
    labels = rng.integers(0, n, size=t)
    return Z, labels, np.eye(n)[labels]


def _torch_grad(fn, Z):
    zt = torch.tensor(Z, requires_grad=True)
    value = fn(zt)
    value.backward()
    return value.item(), zt.grad.numpy()


@pytest.mark.parametrize("t,n", [(1, 1), (1, 5), (9, 3), (16, 10)])
def test_cross_entropy_matches_torch_labels_and_one_hot(t, n):
    rng = np.random.default_rng(t * 31 + n)
    Z, labels, onehot = _logits_targets(rng, t, n)
    ref, dref = _torch_grad(
        lambda z: torch.nn.functional.cross_entropy(z, torch.tensor(labels)), Z
    )
    for Y in (labels, onehot):
        assert losses.cross_entropy_softmax(Z, Y) == pytest.approx(ref, rel=1e-13, abs=1e-15)
        np.testing.assert_allclose(losses.cross_entropy_softmax_backward(Z, Y), dref,
                                   rtol=1e-12, atol=1e-16)
    # δ⁽ᴸ⁾ = (a − y)/t, from the output itself
    np.testing.assert_allclose(
        losses.compute_output_delta("cross_entropy", act.softmax(Z), labels, "softmax"),
        (act.softmax(Z) - onehot) / t, rtol=1e-14,
    )


def test_cross_entropy_huge_logits_stay_finite():
    Z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    assert losses.cross_entropy_softmax(Z, np.array([1, 1])) == pytest.approx(1000.0)


@pytest.mark.parametrize("t,n", [(1, 1), (5, 3), (12, 7)])
def test_binary_cross_entropy_matches_torch(t, n):
    rng = np.random.default_rng(t + 100 * n)
    Z = rng.standard_normal((t, n)) * 10
    Y = rng.uniform(size=(t, n))
    ref, dref = _torch_grad(
        lambda z: torch.nn.BCEWithLogitsLoss(reduction="sum")(z, torch.tensor(Y)) / t, Z
    )
    assert losses.binary_cross_entropy_sigmoid(Z, Y) == pytest.approx(ref, rel=1e-13)
    np.testing.assert_allclose(losses.binary_cross_entropy_sigmoid_backward(Z, Y), dref,
                               rtol=1e-12, atol=1e-17)


@pytest.mark.parametrize("g", ["identity", "sigmoid", "tanh", "relu", "softmax"])
def test_squared_error_matches_torch(g):
    rng = np.random.default_rng(7)
    t, n = 6, 4
    Z = rng.standard_normal((t, n))
    Y = rng.standard_normal((t, n))
    ref, dref = _torch_grad(
        lambda z: 0.5 * ((TORCH_G[g](z) - torch.tensor(Y)) ** 2).sum() / t, Z
    )
    assert losses.squared_error(Z, Y, g) == pytest.approx(ref, rel=1e-13)
    np.testing.assert_allclose(losses.squared_error_backward(Z, Y, g), dref, rtol=1e-12, atol=1e-17)


def test_squared_error_convention_is_half_mean_over_samples_of_the_sum():
    Z = np.array([[1.0, 2.0], [3.0, 4.0]])
    Y = np.zeros((2, 2))
    assert losses.squared_error(Z, Y) == pytest.approx(0.5 * (1 + 4 + 9 + 16) / 2)
    # integer labels mean one-hot rows
    assert losses.squared_error(Z, np.array([0, 1])) == pytest.approx(0.5 * (0 + 4 + 9 + 9) / 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_gradients_keep_dtype(dtype):
    Z = np.ones((3, 2), dtype=dtype)
    Y = np.array([0, 1, 1])
    assert losses.cross_entropy_softmax_backward(Z, Y).dtype == dtype
    assert losses.binary_cross_entropy_sigmoid_backward(Z, np.ones((3, 2))).dtype == dtype
    assert losses.squared_error_backward(Z, Y, "tanh").dtype == dtype


def test_registry_names_fused_activations():
    assert losses.LOSSES["cross_entropy"].output_activation == "softmax"
    assert losses.LOSSES["binary_cross_entropy"].output_activation == "sigmoid"
    assert losses.LOSSES["squared_error"].output_activation is None


@pytest.mark.parametrize(
    "call, exc, pattern",
    [
        (lambda: losses.cross_entropy_softmax(np.ones(3), np.array([0])), ValueError, r"Z must have shape \(t, n\).*\(3,\)"),
        (lambda: losses.cross_entropy_softmax(np.ones((2, 3)), np.array([0, 3])), ValueError, r"Y labels must lie in \[0, 2\]"),
        (lambda: losses.cross_entropy_softmax(np.ones((2, 3)), np.array([0, 1, 2])), ValueError, r"Y as integer labels must have shape \(2,\)"),
        (lambda: losses.cross_entropy_softmax(np.ones((2, 3)), np.ones((2, 2))), ValueError, r"Y must have the shape of the output \(2, 3\)"),
        (lambda: losses.cross_entropy_softmax(np.array([[np.nan, 1.0]]), np.array([0])), ValueError, "Z contains NaN"),
        (lambda: losses.squared_error(np.ones((1, 2)), np.array([[np.nan, 1.0]])), ValueError, "Y contains NaN"),
        (lambda: losses.squared_error(np.ones((1, 2), dtype=np.int64), np.ones((1, 2))), TypeError, "Z must be a floating-point array"),
        (lambda: losses.squared_error(np.ones((1, 2)), np.ones((1, 2)), "swish"), ValueError, "output_activation must be one of"),
        (lambda: losses.compute_output_delta("hinge", np.ones((1, 2)), np.ones((1, 2)), "identity"), ValueError, "loss must be one of"),
        (lambda: losses.compute_output_delta("cross_entropy", np.ones((1, 2)), np.array([0]), "sigmoid"), ValueError, "defined with output_activation='softmax'"),
    ],
)
def test_losses_reject_bad_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()
