"""Quantisation: the scale/2 bound (hypothesis), PyTorch's own quantiser, the exact int32 product."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nncomplexity.compress import dequantize, int8_matmul, quantize, quantize_dynamic_torch
from nncomplexity.cost.memory import quantized_bytes

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=60, deadline=None)
@given(W=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=finite),
       bits=st.integers(2, 16), axis=st.sampled_from([None, 0, 1, -1]), symmetric=st.booleans())
def test_every_value_within_half_a_step(W, bits, axis, symmetric):
    q, scale, zp = quantize(W, bits, axis, symmetric=symmetric)
    assert q.shape == W.shape
    assert q.min() >= -(2 ** (bits - 1)) and q.max() <= 2 ** (bits - 1) - 1
    err = np.abs(dequantize(q, scale, zp) - W)
    assert np.all(err <= np.broadcast_to(scale, W.shape) / 2 * (1 + 1e-9) + 1e-12)


def test_zero_is_exact_and_per_channel_is_finer():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((8, 16)) * np.logspace(-3, 0, 8)[:, None]  # rows of very different size
    W[0, 0] = 0.0
    q, s, z = quantize(W, 8)
    assert dequantize(q, s, z)[0, 0] == 0.0
    qc, sc, zc = quantize(W, 8, axis=0)
    assert sc.shape == (8, 1)
    per_tensor = np.abs(dequantize(q, s, z) - W).mean()
    per_channel = np.abs(dequantize(qc, sc, zc) - W).mean()
    assert per_channel < per_tensor / 3


@pytest.mark.parametrize("axis", [None, 0])
def test_matches_torch_quantizer(axis):
    torch = pytest.importorskip("torch")
    W = np.random.default_rng(1).standard_normal((6, 10)).astype(np.float32)
    q, scale, zp = quantize(W, 8, axis)
    x = torch.from_numpy(W)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the quantized-tensor API's deprecation notice
        if axis is None:
            tq = torch.quantize_per_tensor(x, float(scale), int(zp), torch.qint8)
        else:
            tq = torch.quantize_per_channel(x, torch.from_numpy(scale.ravel()),
                                            torch.from_numpy(zp.ravel().astype(np.int64)), 0, torch.qint8)
    assert np.array_equal(tq.int_repr().numpy(), q)


@pytest.mark.parametrize("kwargs, error, word", [
    ({"bits": 1}, ValueError, "bits"), ({"bits": 17}, ValueError, "bits"),
    ({"axis": 2}, ValueError, "axis"), ({"axis": 1.0}, ValueError, "axis")])
def test_bad_settings(kwargs, error, word):
    with pytest.raises(error, match=word):
        quantize(np.ones((2, 2)), **kwargs)


@pytest.mark.parametrize("W", [np.array([[1.0, np.nan]]), np.array([[np.inf]])])
def test_non_finite_weights_are_refused(W):
    with pytest.raises(ValueError, match="W"):
        quantize(W)


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 5), k=st.integers(1, 300), n=st.integers(1, 5), seed=st.integers(0, 2**31 - 1))
def test_int8_product_is_exact(m, k, n, seed):
    rng = np.random.default_rng(seed)
    qa = rng.integers(-128, 128, size=(m, k), dtype=np.int8)
    qb = rng.integers(-128, 128, size=(k, n), dtype=np.int8)
    out = int8_matmul(qa, qb)
    assert out.dtype == np.int32
    assert np.array_equal(out, qa.astype(np.int64) @ qb.astype(np.int64))


def test_int8_product_at_the_extremes_does_not_overflow():
    k = 4096
    qa = np.full((1, k), -128, dtype=np.int8)
    assert int8_matmul(qa, qa.T.copy())[0, 0] == k * 128 * 128


def test_int8_product_refuses_other_types():
    with pytest.raises(TypeError, match="qa"):
        int8_matmul(np.ones((2, 2)), np.ones((2, 2), dtype=np.int8))
    with pytest.raises(ValueError, match="agree"):
        int8_matmul(np.ones((2, 3), dtype=np.int8), np.ones((2, 2), dtype=np.int8))


def test_torch_dynamic_quantization_reports_its_warnings_and_is_close():
    torch = pytest.importorskip("torch")
    model = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 4))
    qmodel, caught = quantize_dynamic_torch(model)
    assert all(isinstance(m, str) and ":" in m for m in caught)
    x = torch.randn(5, 16, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.allclose(qmodel(x), model(x), atol=0.05)
    with pytest.raises(TypeError, match="model"):
        quantize_dynamic_torch("not a model")


@pytest.mark.parametrize("count, bits, expected", [(10, 32, 40), (10, 8, 10), (10, 1, 2), (64, 1, 8), (3, 4, 2)])
def test_quantized_bytes(count, bits, expected):
    assert quantized_bytes(count, bits) == expected


def test_quantized_bytes_equal_torch_storage():
    torch = pytest.importorskip("torch")
    for dtype, bits in ((torch.int8, 8), (torch.float32, 32), (torch.float16, 16)):
        t = torch.zeros(37, 5, dtype=dtype)
        assert t.nbytes == quantized_bytes(t.numel(), bits)
