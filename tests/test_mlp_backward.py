"""Backward passes against PyTorch autograd and central differences; checkpointing; bad input."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nncomplexity.kernels import mlp, mlp_essay
from nncomplexity.kernels.checkpoint import forward_backward_checkpointed
from nncomplexity.kernels.params import init_params
from nncomplexity.kernels.gradcheck import verify_gradients, relative_error
from nncomplexity.kernels.losses import LOSSES

TORCH_G = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "identity": lambda z: z,
    "softmax": lambda z: torch.softmax(z, dim=1),
}
HIDDEN = ["sigmoid", "tanh", "relu"]
# (loss, the output activation our forward uses)
LOSS_CASES = [("cross_entropy", "softmax"), ("squared_error", "identity")]
N_ARCHITECTURES = 20  # per (activation, loss) pair: 3 × 2 × 20 = 120 architectures


def random_problem(rng, loss, output_activation, *, max_width=64, max_depth=6, max_batch=16):
    """A random network (widths 1..max_width, depth 1..max_depth), batch and targets, float64."""
    L = int(rng.integers(1, max_depth + 1))
    widths = [int(w) for w in rng.integers(1, max_width + 1, size=L + 1)]
    t = int(rng.integers(1, max_batch + 1))
    params = init_params(widths, rng, scheme="xavier")
    params["b"] = [rng.standard_normal(b.shape) * 0.5 for b in params["b"]]
    X = rng.standard_normal((t, widths[0]))
    if loss == "cross_entropy":
        Y = rng.integers(0, widths[-1], size=t)
    elif loss == "binary_cross_entropy":
        Y = rng.uniform(size=(t, widths[-1]))
    else:
        Y = rng.standard_normal((t, widths[-1]))
    return widths, params, X, Y


def torch_gradients(params, X, Y, activation, loss, output_activation):
    """Autograd's gradients of the same J (batch mean), float64, and ∂J/∂X."""
    Ws = [torch.tensor(W, requires_grad=True) for W in params["W"]]
    bs = [torch.tensor(b, requires_grad=True) for b in params["b"]]
    Xt = torch.tensor(X, requires_grad=True)
    a = Xt
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = torch.nn.functional.linear(a, W, b)
        a = TORCH_G[activation](z) if i < len(Ws) - 1 else z
    t = X.shape[0]
    if loss == "cross_entropy":
        J = torch.nn.functional.cross_entropy(a, torch.tensor(Y))
    elif loss == "binary_cross_entropy":
        J = torch.nn.BCEWithLogitsLoss(reduction="sum")(a, torch.tensor(Y)) / t
    else:
        J = 0.5 * ((TORCH_G[output_activation](a) - torch.tensor(Y)) ** 2).sum() / t
    J.backward()
    grads = {"W": [W.grad.numpy() for W in Ws], "b": [b.grad.numpy() for b in bs]}
    return J.item(), grads, Xt.grad.numpy()


def max_relative_error(ours, ref):
    return max(relative_error(u, v) for key in ("W", "b") for u, v in zip(ours[key], ref[key]))


@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("loss, output_activation", LOSS_CASES)
def test_gradients_match_autograd_on_random_architectures(activation, loss, output_activation):
    rng = np.random.default_rng([HIDDEN.index(activation), LOSS_CASES.index((loss, output_activation))])
    worst = 0.0
    for _ in range(N_ARCHITECTURES):
        widths, params, X, Y = random_problem(rng, loss, output_activation)
        J_ref, ref, dX_ref = torch_gradients(params, X, Y, activation, loss, output_activation)

        cache = mlp.forward(params, X, activation, output_activation)
        assert mlp.evaluate_loss(cache, Y, loss) == pytest.approx(J_ref, rel=1e-12, abs=1e-14)
        grads = mlp.backward(params, cache, Y=Y, loss=loss, input_grad=True)
        err = max(max_relative_error(grads, ref), relative_error(grads["X"], dX_ref))
        assert err < 1e-8, (widths, X.shape[0], err)

        thetas = mlp_essay.params_to_essay(params)
        ec = mlp_essay.forward_essay(thetas, X.T, activation, output_activation)
        g_theta = mlp_essay.backward_essay(thetas, ec, Y.T if Y.ndim == 2 else Y, loss)
        assert [g.shape for g in g_theta] == [th.shape for th in thetas]
        err_essay = max_relative_error(mlp_essay.params_from_essay(g_theta), ref)
        assert err_essay < 1e-8, (widths, X.shape[0], err_essay)
        worst = max(worst, err, err_essay)
    assert worst < 1e-8


@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("loss, output_activation", [
    ("binary_cross_entropy", "sigmoid"), ("squared_error", "softmax"),
    ("squared_error", "sigmoid"), ("squared_error", "tanh"),
])
def test_other_loss_output_pairs_match_autograd(activation, loss, output_activation):
    rng = np.random.default_rng(99)
    for _ in range(5):
        widths, params, X, Y = random_problem(rng, loss, output_activation)
        _, ref, _ = torch_gradients(params, X, Y, activation, loss, output_activation)
        grads = mlp.backward(params, mlp.forward(params, X, activation, output_activation), Y=Y, loss=loss)
        assert max_relative_error(grads, ref) < 1e-8
        thetas = mlp_essay.params_to_essay(params)
        g_theta = mlp_essay.backward_essay(thetas, mlp_essay.forward_essay(thetas, X.T, activation, output_activation), Y.T, loss)
        assert max_relative_error(mlp_essay.params_from_essay(g_theta), ref) < 1e-8


def test_essay_single_sample_with_a_label():
    rng = np.random.default_rng(5)
    params = init_params([4, 6, 3], rng)
    x, label = rng.standard_normal(4), np.int64(2)
    thetas = mlp_essay.params_to_essay(params)
    ec = mlp_essay.forward_essay(thetas, x, "tanh", "softmax")
    g = mlp_essay.backward_essay(thetas, ec, label, "cross_entropy")
    _, ref, _ = torch_gradients(params, x[None, :], np.array([2]), "tanh", "cross_entropy", "softmax")
    assert max_relative_error(mlp_essay.params_from_essay(g), ref) < 1e-12
    # the essay's formulas, literally: δ⁽ᴸ⁾ = a⁽ᴸ⁾ − y and ∂J/∂Θ⁽ᴸ⁾ = δ⁽ᴸ⁾ a⁽ᴸ⁻¹⁾ᵀ
    delta_L = ec.a[2] - np.eye(3)[2]
    np.testing.assert_allclose(g[1], np.outer(delta_L, ec.a[1]), rtol=1e-14)


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 2e-4), (np.float64, 1e-12)])
def test_float32_gradients_stay_float32(dtype, rtol):
    rng = np.random.default_rng(11)
    params = init_params([20, 30, 10], rng, dtype)
    X = rng.standard_normal((8, 20)).astype(dtype)
    Y = rng.integers(0, 10, 8)
    grads = mlp.backward(params, mlp.forward(params, X, "relu", "softmax"), Y=Y, loss="cross_entropy")
    assert all(g.dtype == dtype for g in grads["W"] + grads["b"])
    p64 = {k: [v.astype(np.float64) for v in vs] for k, vs in params.items()}
    _, ref, _ = torch_gradients(p64, X.astype(np.float64), Y, "relu", "cross_entropy", "softmax")
    assert max_relative_error(grads, ref) < rtol


def test_backward_with_given_dZ_L_and_no_side_effects():
    rng = np.random.default_rng(2)
    params = init_params([3, 5, 4], rng)
    X = rng.standard_normal((6, 3))
    cache = mlp.forward(params, X, "tanh")
    dZ = rng.standard_normal((6, 4))
    dZ_copy = dZ.copy()
    A_copy = [a.copy() for a in cache.A]
    g = mlp.backward(params, cache, dZ)
    np.testing.assert_array_equal(dZ, dZ_copy)
    for a, a0 in zip(cache.A, A_copy):
        np.testing.assert_array_equal(a, a0)
    # the δ given is taken as is (a sum over its rows): J = Σ dZ ⊙ Z⁽ᴸ⁾
    Ws = [torch.tensor(W, requires_grad=True) for W in params["W"]]
    z = torch.tanh(torch.tensor(X) @ Ws[0].T) @ Ws[1].T
    (z * torch.tensor(dZ)).sum().backward()
    assert relative_error(g["W"][0], Ws[0].grad.numpy()) < 1e-12
    assert "X" not in g


# =========================================================================== central differences
def essay_loss(thetas, x, y, activation, output_activation, loss):
    ec = mlp_essay.forward_essay(thetas, x, activation, output_activation)
    z = ec.z[-1].reshape(ec.z[-1].shape[0], -1).T  # (n[L], t) -> (t, n[L])
    y_rows = y if y.dtype.kind == "i" else y.reshape(z.shape[1], -1).T
    if LOSSES[loss].output_activation is None:
        return LOSSES[loss].value(z, y_rows, output_activation)
    return LOSSES[loss].value(z, y_rows)


@pytest.mark.parametrize("activation", HIDDEN)
@pytest.mark.parametrize("loss, output_activation", [
    ("cross_entropy", "softmax"), ("squared_error", "identity"),
    ("binary_cross_entropy", "sigmoid"), ("squared_error", "softmax"),
])
@pytest.mark.parametrize("widths, t", [([1, 1], 1), ([3, 4, 2], 5), ([2, 3, 1, 3], 4)])
def test_gradients_match_central_differences(activation, loss, output_activation, widths, t):
    rng = np.random.default_rng(len(widths) * 100 + t)
    params = init_params(widths, rng, scheme="xavier")
    params["b"] = [rng.standard_normal(b.shape) * 0.5 for b in params["b"]]
    X = rng.standard_normal((t, widths[0]))
    Y = (rng.integers(0, widths[-1], t) if loss == "cross_entropy"
         else rng.uniform(size=(t, widths[-1])))
    grads = mlp.backward(params, mlp.forward(params, X, activation, output_activation), Y=Y, loss=loss)
    err = verify_gradients(
        lambda p: mlp.evaluate_loss(mlp.forward(p, X, activation, output_activation), Y, loss),
        params, grads,
    )
    assert err < 1e-6

    thetas = mlp_essay.params_to_essay(params)
    y = Y if Y.ndim == 1 else Y.T
    g = mlp_essay.backward_essay(thetas, mlp_essay.forward_essay(thetas, X.T, activation, output_activation), y, loss)
    verify_gradients(
        lambda p: essay_loss(p["Theta"], X.T, y, activation, output_activation, loss),
        {"Theta": thetas}, {"Theta": g},
    )


def test_gradcheck_names_the_corrupted_parameter_and_index():
    rng = np.random.default_rng(8)
    params = init_params([3, 4, 5, 2], rng)
    X = rng.standard_normal((4, 3))
    Y = rng.integers(0, 2, 4)

    def f(p):
        return mlp.evaluate_loss(mlp.forward(p, X, "tanh", "softmax"), Y, "cross_entropy")

    grads = mlp.backward(params, mlp.forward(params, X, "tanh", "softmax"), Y=Y, loss="cross_entropy")
    before = [W.copy() for W in params["W"]]
    grads["W"][1][3, 2] += 0.05
    with pytest.raises(AssertionError) as info:
        verify_gradients(f, params, grads)
    message = str(info.value)
    assert "W[1][3, 2]" in message
    assert "analytic" in message and "numerical" in message and "relative error" in message
    assert "1 of 53 checked entries failed" in message
    for W, W0 in zip(params["W"], before):  # every entry restored exactly
        np.testing.assert_array_equal(W, W0)

    thetas = mlp_essay.params_to_essay(params)
    g = mlp_essay.backward_essay(thetas, mlp_essay.forward_essay(thetas, X.T, "tanh", "softmax"), Y, "cross_entropy")
    g[2][1, 0] -= 0.01  # a bias entry of Θ⁽³⁾
    with pytest.raises(AssertionError, match=r"Theta\[2\]\[1, 0\]: analytic .* numerical .* relative error"):
        verify_gradients(lambda p: essay_loss(p["Theta"], X.T, Y, "tanh", "softmax", "cross_entropy"),
                        {"Theta": thetas}, {"Theta": g})


def test_gradcheck_sampling_and_bad_input():
    rng = np.random.default_rng(4)
    params = init_params([30, 20, 3], rng)
    X = rng.standard_normal((5, 30))
    Y = rng.standard_normal((5, 3))

    def f(p):
        return mlp.evaluate_loss(mlp.forward(p, X, "sigmoid"), Y, "squared_error")

    calls = []

    def counted(p):
        calls.append(1)
        return f(p)

    grads = mlp.backward(params, mlp.forward(params, X, "sigmoid"), Y=Y, loss="squared_error")
    verify_gradients(counted, params, grads, n_samples=3)  # evenly spaced
    assert len(calls) == 1 + 2 * 3 * 4
    verify_gradients(f, params, grads, n_samples=5, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"W\[0\] must be a float64 array"):
        p32 = {k: [v.astype(np.float32) for v in vs] for k, vs in params.items()}
        verify_gradients(f, p32, grads)
    with pytest.raises(ValueError, match=r"the gradient of b\[1\] has shape \(2,\)"):
        verify_gradients(f, params, {"W": grads["W"], "b": [grads["b"][0], np.zeros(2)]})
    with pytest.raises(ValueError, match="eps must be > 0"):
        verify_gradients(f, params, grads, eps=0.0)
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        verify_gradients(f, params, grads, n_samples=0)


def test_relative_error():
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0, -4.0], [1.0, -2.0]) == pytest.approx(0.5)
    assert relative_error(1e-12, 0.0, floor=1e-6) == pytest.approx(1e-6)
    assert relative_error(3.0, 1.0) == relative_error(1.0, 3.0)
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.ones(2), np.ones(3))


# =========================================================================== checkpointing
def expected_checkpoint_counts(widths, t, s):
    """Recomputed layers, recomputed GEMM FLOPs and peak stored floats, as documented."""
    L = len(widths) - 1
    b = [(j * L) // s for j in range(s + 1)]

    def size(k):
        return t * widths[k]

    def stored(j):  # boundaries b_0..b_j
        return sum(size(b[m]) for m in range(j + 1))

    def interior(j):
        return sum(size(k) for k in range(b[j] + 1, b[j + 1]))

    layers = [i for j in range(s - 1) for i in range(b[j], b[j + 1] - 1)]
    peaks = [stored(s) + interior(s - 1)] + [stored(j) + interior(j) for j in range(s - 1)]
    for j in range(s - 1):  # forward transients: a⁽ⁱ⁾ still held while a⁽ⁱ⁺¹⁾ is made
        for i in range(b[j], b[j + 1]):
            peaks.append(stored(j) + (size(i) if i != b[j] else 0) + size(i + 1))
    return len(layers), sum(2 * t * widths[i] * widths[i + 1] for i in layers), max(peaks)


@pytest.mark.parametrize("widths, t, segments", [
    ([5, 8, 8, 8, 8, 3], 4, 1), ([5, 8, 8, 8, 8, 3], 4, 2), ([5, 8, 8, 8, 8, 3], 4, 3),
    ([5, 8, 8, 8, 8, 3], 4, 5), ([7, 1, 30, 2, 9, 4, 6, 11, 3], 3, 3),
    ([7, 1, 30, 2, 9, 4, 6, 11, 3], 1, 4), ([2, 3], 2, 1), ([16] * 17, 8, 4),
])
@pytest.mark.parametrize("loss, output_activation", [("cross_entropy", "softmax"), ("squared_error", "identity")])
def test_checkpointing_equals_plain_backward_and_counts(widths, t, segments, loss, output_activation):
    rng = np.random.default_rng(sum(widths) + t + segments)
    params = init_params(widths, rng)
    params["b"] = [rng.standard_normal(b.shape) for b in params["b"]]
    X = rng.standard_normal((t, widths[0]))
    Y = rng.integers(0, widths[-1], t) if loss == "cross_entropy" else rng.standard_normal((t, widths[-1]))
    cache = mlp.forward(params, X, "relu", output_activation)
    plain = mlp.backward(params, cache, Y=Y, loss=loss)
    res = forward_backward_checkpointed(params, X, Y, loss, segments, activation="relu",
                                            output_activation=output_activation)
    for key in ("W", "b"):
        for u, v in zip(res.grads[key], plain[key]):
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=0)
    assert res.loss == mlp.evaluate_loss(cache, Y, loss)
    layers, flops, peak = expected_checkpoint_counts(widths, t, segments)
    assert (res.recomputed_layers, res.recomputed_flops, res.peak_stored_floats) == (layers, flops, peak)
    assert res.plain_stored_floats == sum(a.size for a in cache.A)
    assert res.peak_stored_floats <= res.plain_stored_floats


@pytest.mark.parametrize("L, s", [(4, 2), (8, 2), (9, 3), (16, 4), (16, 8), (12, 1), (12, 12)])
def test_checkpoint_uniform_closed_form(L, s):
    n, t = 6, 5
    params = init_params([n] * (L + 1), np.random.default_rng(L))
    X = np.random.default_rng(0).standard_normal((t, n))
    res = forward_backward_checkpointed(params, X, np.zeros((t, n)), "squared_error", s, activation="tanh")
    if s in (1, L):
        assert res.recomputed_layers == 0 and res.peak_stored_floats == (L + 1) * t * n
    else:
        assert res.recomputed_layers == (s - 1) * (L // s - 1)
        assert res.recomputed_flops == res.recomputed_layers * 2 * t * n * n
        assert res.peak_stored_floats == t * n * (s + L // s)
    assert res.plain_stored_floats == (L + 1) * t * n
    assert res.boundaries == tuple(j * L // s for j in range(s + 1))


def test_checkpoint_float32():
    rng = np.random.default_rng(3)
    params = init_params([8, 16, 16, 16, 4], rng, np.float32)
    X = rng.standard_normal((10, 8)).astype(np.float32)
    Y = rng.integers(0, 4, 10)
    res = forward_backward_checkpointed(params, X, Y, "cross_entropy", 2)
    plain = mlp.backward(params, mlp.forward(params, X, "relu", "softmax"), Y=Y, loss="cross_entropy")
    for u, v in zip(res.grads["W"], plain["W"]):
        assert u.dtype == np.float32
        np.testing.assert_array_equal(u, v)


# =========================================================================== bad input
@pytest.fixture
def trained():
    rng = np.random.default_rng(0)
    params = init_params([3, 4, 2], rng)
    X = rng.standard_normal((5, 3))
    return params, X, mlp.forward(params, X, "relu", "softmax")


@pytest.mark.parametrize(
    "call, exc, pattern",
    [
        (lambda p, X, c: mlp.backward(p, c, np.ones((5, 3))), ValueError, r"dZ_L must have the output's shape \(5, 2\), got shape \(5, 3\)"),
        (lambda p, X, c: mlp.backward(p, c, np.ones((5, 2), dtype=np.float32)), TypeError, "dZ_L has dtype float32"),
        (lambda p, X, c: mlp.backward(p, c, np.full((5, 2), np.nan)), ValueError, "dZ_L contains NaN"),
        (lambda p, X, c: mlp.backward(p, c, np.ones((5, 2)), Y=np.zeros(5, int), loss="cross_entropy"), ValueError, "either dZ_L or"),
        (lambda p, X, c: mlp.backward(p, c), ValueError, "needs dZ_L, or both Y and loss"),
        (lambda p, X, c: mlp.backward(p, c, Y=np.zeros(5, int), loss="hinge"), ValueError, "loss must be one of"),
        (lambda p, X, c: mlp.backward(p, c, Y=np.zeros((5, 2)), loss="binary_cross_entropy"), ValueError, "defined with output_activation='sigmoid'"),
        (lambda p, X, c: mlp.backward(p, c, Y=np.array([0, 1, 2, 0, 1]), loss="cross_entropy"), ValueError, r"labels must lie in \[0, 1\]"),
        (lambda p, X, c: mlp.backward(p, c, Y=np.zeros((5, 3)), loss="cross_entropy"), ValueError, r"Y must have the shape of the output \(5, 2\), got shape \(5, 3\)"),
        (lambda p, X, c: mlp.backward(p, (c.A, c.Z_L), Y=np.zeros(5, int), loss="cross_entropy"), TypeError, "cache must be the MLPCache"),
        (lambda p, X, c: mlp.backward(init_params([3, 4, 4, 2], np.random.default_rng(0)), c, Y=np.zeros(5, int), loss="cross_entropy"), ValueError, "cache holds 2 layers but params hold 3"),
        (lambda p, X, c: mlp.evaluate_loss(c, np.zeros((5, 2)), "squared_error") and mlp.evaluate_loss(c, np.zeros(5, int), "binary_cross_entropy"), ValueError, "output_activation"),
        (lambda p, X, c: forward_backward_checkpointed(p, X, np.zeros(5, int), "cross_entropy", 0), ValueError, "segments must be >= 1"),
        (lambda p, X, c: forward_backward_checkpointed(p, X, np.zeros(5, int), "cross_entropy", 3), ValueError, "segments must be <= 2"),
        (lambda p, X, c: forward_backward_checkpointed(p, X, np.zeros(5, int), "cross_entropy", 1.0), TypeError, "segments must be an integer"),
        (lambda p, X, c: forward_backward_checkpointed(p, X[:, :2], np.zeros(5, int), "cross_entropy", 1), ValueError, r"X has shape \(5, 2\)"),
    ],
)
def test_backward_rejects_bad_input(trained, call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call(*trained)


@pytest.mark.parametrize(
    "y, pattern",
    [
        (np.zeros((2, 4)), r"y must have the shape of a\^\(L\) \(2, 5\), got shape \(2, 4\)"),
        (np.zeros((5, 2)), r"y must have the shape of a\^\(L\) \(2, 5\), got shape \(5, 2\)"),
        (np.zeros(4, dtype=int), r"y as integer labels must have shape \(5,\), got shape \(4,\)"),
    ],
)
def test_backward_essay_rejects_bad_targets(trained, y, pattern):
    params, X, _ = trained
    thetas = mlp_essay.params_to_essay(params)
    ec = mlp_essay.forward_essay(thetas, X.T, "relu", "softmax")
    with pytest.raises(ValueError, match=pattern):
        mlp_essay.backward_essay(thetas, ec, y, "cross_entropy")
    with pytest.raises(TypeError, match="cache must be the EssayCache"):
        mlp_essay.backward_essay(thetas, ec.a, np.zeros(5, int), "cross_entropy")
