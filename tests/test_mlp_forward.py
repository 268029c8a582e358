"""Forward passes (essay A's notation and batch-first) against torch.nn models, and bad input."""
from __future__ import annotations

import zlib

import numpy as np
import pytest
import torch

from nncomplexity.kernels import mlp, mlp_essay
from nncomplexity.kernels.mlp_torch import params_from_torch
from nncomplexity.kernels.params import init_params

TORCH_ACT = {
    "sigmoid": torch.nn.Sigmoid,
    "tanh": torch.nn.Tanh,
    "relu": torch.nn.ReLU,
    "identity": torch.nn.Identity,
    "softmax": lambda: torch.nn.Softmax(dim=1),
}


def make_torch_mlp(widths, activation, output_activation, dtype=torch.float64, seed=0):
    """Sequential(Linear, g, ..., Linear, g_out) with N(0, 1/n_in) weights and N(0, 1) biases.

    The parameters are drawn from an explicit torch.Generator (nn.Linear's own
    initialisation is overwritten), so the model depends on ``seed`` only.
    """
    gen = torch.Generator().manual_seed(seed)
    layers = []
    L = len(widths) - 1
    for k in range(1, L + 1):
        lin = torch.nn.Linear(widths[k - 1], widths[k], dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.randn(lin.weight.shape, generator=gen, dtype=dtype) / widths[k - 1] ** 0.5)
            lin.bias.copy_(torch.randn(lin.bias.shape, generator=gen, dtype=dtype))
        layers += [lin, TORCH_ACT[activation if k < L else output_activation]()]
    return torch.nn.Sequential(*layers)


ARCHITECTURES = [
    [1, 1],
    [3, 1],
    [1, 5, 1],
    [4, 8, 3],
    [7, 1, 1, 2],
    [10, 32, 16, 8, 4],
    [5, 3, 3, 3, 3, 3, 3, 2],
]


@pytest.mark.parametrize("widths", ARCHITECTURES, ids=lambda w: "-".join(map(str, w)))
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output_activation", ["identity", "softmax", "sigmoid"])
@pytest.mark.parametrize("t", [1, 2, 17])
def test_forward_matches_torch_float64(widths, activation, output_activation, t):
    seed = zlib.crc32(repr((widths, activation, output_activation, t)).encode())
    model = make_torch_mlp(widths, activation, output_activation, seed=seed)
    params = params_from_torch(model)
    X = np.random.default_rng(seed).standard_normal((t, widths[0]))
    with torch.no_grad():
        ref = model(torch.from_numpy(X)).numpy()

    cache = mlp.forward(params, X, activation, output_activation)
    assert cache.output.shape == (t, widths[-1])
    assert [a.shape for a in cache.A] == [(t, n) for n in widths]
    assert cache.A[0] is X
    np.testing.assert_allclose(cache.output, ref, rtol=1e-12, atol=1e-14)

    thetas = mlp_essay.params_to_essay(params)
    ec = mlp_essay.forward_essay(thetas, X.T, activation, output_activation)
    L = len(widths) - 1
    assert [a.shape for a in ec.a] == [(n + 1, t) for n in widths[:-1]] + [(widths[-1], t)]
    assert ec.z[0] is None and [z.shape for z in ec.z[1:]] == [(n, t) for n in widths[1:]]
    for k in range(L):
        np.testing.assert_array_equal(ec.a[k][0], 1.0)  # the bias unit on top
        np.testing.assert_allclose(ec.a[k][1:], cache.A[k].T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ec.a[L], ref.T, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("widths", [[1, 1], [4, 8, 3], [6, 1, 5]])
def test_essay_single_sample_gives_vectors(widths):
    model = make_torch_mlp(widths, "sigmoid", "sigmoid", seed=3)
    thetas = mlp_essay.params_to_essay(params_from_torch(model))
    x = np.random.default_rng(3).standard_normal(widths[0])
    ec = mlp_essay.forward_essay(thetas, x, "sigmoid", "sigmoid")  # the essay's network: sigmoid everywhere
    assert [a.shape for a in ec.a] == [(n + 1,) for n in widths[:-1]] + [(widths[-1],)]
    assert ec.a[0][0] == 1.0 and np.array_equal(ec.a[0][1:], x)
    with torch.no_grad():
        ref = model(torch.from_numpy(x[None, :])).numpy()[0]
    np.testing.assert_allclose(ec.a[-1], ref, rtol=1e-12)
    # z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾, literally
    for k in range(1, len(widths)):
        np.testing.assert_allclose(ec.z[k], thetas[k - 1] @ ec.a[k - 1], rtol=1e-14)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_float32_stays_float32_and_matches_torch(activation):
    widths = [16, 64, 64, 10]
    model = make_torch_mlp(widths, activation, "softmax", dtype=torch.float32, seed=5)
    params = params_from_torch(model)
    assert all(W.dtype == np.float32 for W in params["W"])
    X = np.random.default_rng(5).standard_normal((32, 16)).astype(np.float32)
    cache = mlp.forward(params, X, activation, "softmax")
    assert all(a.dtype == np.float32 for a in cache.A)
    with torch.no_grad():
        ref = model(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(cache.output, ref, rtol=1e-5, atol=1e-6)
    ec = mlp_essay.forward_essay(mlp_essay.params_to_essay(params), np.ascontiguousarray(X.T), activation, "softmax")
    assert all(a.dtype == np.float32 for a in ec.a)
    np.testing.assert_allclose(ec.a[-1], ref.T, rtol=1e-5, atol=1e-6)


def test_forward_does_not_modify_its_inputs():
    params = init_params([3, 4, 2], np.random.default_rng(0))
    X = np.random.default_rng(1).standard_normal((5, 3))
    before = (X.copy(), [W.copy() for W in params["W"]])
    mlp.forward(params, X, "relu", "softmax")
    mlp_essay.forward_essay(mlp_essay.params_to_essay(params), X.T, "relu", "softmax")
    np.testing.assert_array_equal(X, before[0])
    for W, W0 in zip(params["W"], before[1]):
        np.testing.assert_array_equal(W, W0)


# =========================================================================== parameters
def test_init_params_shapes_dtype_determinism_and_scale():
    widths = [400, 300, 1, 7]
    p = init_params(widths, np.random.default_rng(42))
    q = init_params(widths, np.random.default_rng(42))
    assert [W.shape for W in p["W"]] == [(300, 400), (1, 300), (7, 1)]
    assert [b.shape for b in p["b"]] == [(300,), (1,), (7,)]
    for W, V in zip(p["W"], q["W"]):
        np.testing.assert_array_equal(W, V)
    assert p["W"][0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)  # He
    x = init_params(widths, np.random.default_rng(42), scheme="xavier")
    assert x["W"][0].std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)  # Glorot
    f = init_params(widths, np.random.default_rng(42), np.float32)
    assert all(W.dtype == np.float32 for W in f["W"] + f["b"])
    np.testing.assert_allclose(f["W"][0], p["W"][0], rtol=1e-7)


def test_essay_conversion_round_trip():
    p = init_params([3, 5, 2], np.random.default_rng(0))
    p["b"] = [np.arange(5.0), np.arange(2.0) + 10]
    thetas = mlp_essay.params_to_essay(p)
    assert [th.shape for th in thetas] == [(5, 4), (2, 6)]
    np.testing.assert_array_equal(thetas[1][:, 0], [10.0, 11.0])  # bias column first
    back = mlp_essay.params_from_essay(thetas)
    for key in ("W", "b"):
        for u, v in zip(back[key], p[key]):
            np.testing.assert_array_equal(u, v)
            assert u.flags.c_contiguous


def test_params_from_torch_copies_and_handles_missing_bias():
    model = torch.nn.Sequential(torch.nn.Linear(3, 4, bias=False, dtype=torch.float64), torch.nn.Tanh(),
                                torch.nn.Linear(4, 2, dtype=torch.float64))
    p = params_from_torch(model)
    np.testing.assert_array_equal(p["b"][0], np.zeros(4))
    p["W"][0][:] = 0
    assert model[0].weight.abs().sum() > 0  # not sharing memory
    with pytest.raises(ValueError, match="no torch.nn.Linear"):
        params_from_torch(torch.nn.Sequential(torch.nn.ReLU()))
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        params_from_torch([np.ones((2, 2))])


# =========================================================================== bad input
@pytest.fixture
def net():
    params = init_params([3, 4, 2], np.random.default_rng(0))
    return params, np.ones((5, 3))


def _bad(params, key, i, value):
    """A copy of params with params[key][i] replaced."""
    p = {"W": list(params["W"]), "b": list(params["b"])}
    p[key][i] = value
    return p


@pytest.mark.parametrize(
    "make, exc, pattern",
    [
        (lambda p, X: (p, np.ones((5, 4))), ValueError, r"X has shape \(5, 4\) but params\['W'\]\[0\] has shape \(4, 3\)"),
        (lambda p, X: (p, np.ones(3)), ValueError, r"X must be 2-dimensional, got shape \(3,\)"),
        (lambda p, X: (p, np.ones((0, 3))), ValueError, "at least one sample"),
        (lambda p, X: (p, np.full((5, 3), np.nan)), ValueError, "X contains NaN"),
        (lambda p, X: (p, np.array([[1.0, np.inf, 0.0]])), ValueError, "X contains NaN or infinite"),
        (lambda p, X: (p, np.ones((5, 3), dtype=np.int64)), TypeError, "X must have a floating dtype, got int64"),
        (lambda p, X: (p, np.ones((5, 3), dtype=np.float32)), TypeError, "X has dtype float32 but the parameters have dtype float64"),
        (lambda p, X: (p, [[1.0, 2.0, 3.0]]), TypeError, "X must be a numpy array"),
        (lambda p, X: ({"W": p["W"]}, X), TypeError, "params must be a dict"),
        (lambda p, X: ({"W": p["W"], "b": p["b"][:1]}, X), ValueError, "equal length, got 2 and 1"),
        (lambda p, X: (_bad(p, "W", 1, np.ones((2, 5))), X), ValueError,
         r"params\['W'\]\[1\] has shape \(2, 5\) but params\['W'\]\[0\] has shape \(4, 3\)"),
        (lambda p, X: (_bad(p, "b", 0, np.ones(3)), X), ValueError, r"params\['b'\]\[0\] has shape \(3,\)"),
        (lambda p, X: (_bad(p, "W", 1, np.ones((2, 4), dtype=np.float32)), X), TypeError, r"params\['W'\]\[1\] has dtype float32"),
        (lambda p, X: (_bad(p, "W", 0, np.full((4, 3), np.nan)), X), ValueError, r"params\['W'\]\[0\] contains NaN"),
    ],
)
def test_forward_rejects_bad_input(net, make, exc, pattern):
    params, X = make(*net)
    with pytest.raises(exc, match=pattern):
        mlp.forward(params, X)


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        ({"activation": "swish"}, "activation must be one of"),
        ({"activation": "softmax"}, "activation must be one of"),  # output layers only
        ({"output_activation": "gelu"}, "output_activation must be one of"),
    ],
)
def test_unknown_activation_names(net, kwargs, pattern):
    params, X = net
    with pytest.raises(ValueError, match=pattern):
        mlp.forward(params, X, **kwargs)
    with pytest.raises(ValueError, match=pattern):
        mlp_essay.forward_essay(mlp_essay.params_to_essay(params), X.T, **kwargs)


@pytest.mark.parametrize(
    "make, exc, pattern",
    [
        (lambda th, x: (th, np.ones((4, 5))), ValueError, r"x has shape \(4, 5\) but thetas\[0\] has shape \(4, 4\): x must have shape \(3,\) or \(3, t\)"),
        (lambda th, x: (th, np.ones((3, 5), dtype=np.float32)), TypeError, "x has dtype float32"),
        (lambda th, x: (th, np.ones((3, 5), dtype=int)), TypeError, "x must have a floating dtype"),
        (lambda th, x: (th, np.full((3, 5), np.nan)), ValueError, "x contains NaN"),
        (lambda th, x: ([th[0], np.ones((2, 4))], x), ValueError,
         r"thetas\[1\] has shape \(2, 4\) but thetas\[0\] has shape \(4, 4\): Theta\^\(2\) must have n\[1\] \+ 1 = 5 columns"),
        (lambda th, x: (th[0], x), TypeError, "thetas must be a non-empty list"),
        (lambda th, x: ([], x), TypeError, "thetas must be a non-empty list"),
    ],
)
def test_forward_essay_rejects_bad_input(net, make, exc, pattern):
    params, X = net
    thetas, x = make(mlp_essay.params_to_essay(params), np.ascontiguousarray(X.T))
    with pytest.raises(exc, match=pattern):
        mlp_essay.forward_essay(thetas, x)


@pytest.mark.parametrize(
    "args, kwargs, exc, pattern",
    [
        (([3, 0, 2], np.random.default_rng(0)), {}, ValueError, r"widths\[1\] must be >= 1"),
        (([3], np.random.default_rng(0)), {}, ValueError, "widths must hold at least 2"),
        (([3, 2], 0), {}, TypeError, "rng must be a numpy.random.Generator"),
        (([3, 2], np.random.default_rng(0), np.int32), {}, TypeError, "dtype must be a floating dtype"),
        (([3, 2], np.random.default_rng(0)), {"scheme": "lecun"}, ValueError, "scheme must be one of"),
    ],
)
def test_init_params_rejects_bad_input(args, kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        init_params(*args, **kwargs)
