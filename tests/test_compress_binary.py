"""Binary products: XNOR + popcount on packed bits equals the float ±1 product exactly."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.compress import binarize, binary_matmul, pack_signs
from nncomplexity.cost.flops import xnor_popcount_ops


def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


@settings(max_examples=80, deadline=None)
@given(m=st.integers(1, 9), k=st.integers(1, 200), n=st.integers(1, 9), seed=st.integers(0, 2**31 - 1))
def test_xnor_popcount_equals_float_product(m, k, n, seed):
    rng = np.random.default_rng(seed)
    A, B = _signs(rng, (m, k)), _signs(rng, (k, n))
    out = binary_matmul(A, B)
    assert out.dtype == np.int64
    assert np.array_equal(out, (A @ B).astype(np.int64))


@pytest.mark.parametrize("k", [1, 63, 64, 65, 128, 129])
def test_word_boundaries_and_chunks(k):
    rng = np.random.default_rng(k)
    A, B = _signs(rng, (17, k)), _signs(rng, (k, 5))
    assert np.array_equal(binary_matmul(A, B, chunk_elements=7), A @ B)
    assert pack_signs(A).shape == (17, -(-k // 64))


def test_packing_is_one_bit_per_entry():
    A = np.ones((3, 128))
    assert pack_signs(A).nbytes * 8 == A.size
    assert np.all(pack_signs(-A) == 0)


@pytest.mark.parametrize("A, error, word", [(np.array([[1.0, 0.0]]), ValueError, "A"),
                                             (np.ones(3), ValueError, "A"),
                                             (np.array([["a"]]), TypeError, "A")])
def test_bad_inputs(A, error, word):
    with pytest.raises(error, match=word):
        binary_matmul(A, np.ones((2, 2)))


def test_shapes_must_agree():
    with pytest.raises(ValueError, match="agree"):
        binary_matmul(np.ones((2, 3)), np.ones((2, 2)))


def test_binarize_scale_is_optimal():
    W = np.random.default_rng(0).standard_normal((4, 50))
    signs, alpha = binarize(W)
    best = np.sum((W - alpha * signs) ** 2)
    for factor in (0.9, 1.1):
        assert np.sum((W - factor * alpha * signs) ** 2) > best


@pytest.mark.parametrize("m, k, n", [(1, 1, 1), (4, 64, 3), (4, 65, 3)])
def test_word_op_count(m, k, n):
    assert xnor_popcount_ops(m, k, n) == 3 * m * n * -(-k // 64)
