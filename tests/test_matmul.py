"""Every matmul kernel against np.matmul, on edge shapes, with both dtypes; bad input."""
from __future__ import annotations

import functools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.cost.flops import matmul_flops
from nncomplexity.kernels.matmul import (
    MATMUL_KERNELS,
    matmul_blocked,
    matmul_naive,
    matmul_strassen,
    matmul_torch,
)

# Small block / cutoff variants so the tiling and the recursion really run on small shapes.
VARIANTS = {
    **MATMUL_KERNELS,
    "blocked_b3": functools.partial(matmul_blocked, block=3),
    "strassen_c1": functools.partial(matmul_strassen, cutoff=1),
    "strassen_c4": functools.partial(matmul_strassen, cutoff=4),
}
SHAPES = [  # (m, k, n): ones, primes, non-square, tall, wide
    (1, 1, 1), (1, 5, 1), (5, 1, 7), (2, 3, 4), (7, 13, 5), (13, 7, 1), (16, 16, 16),
    (17, 19, 23), (24, 24, 24), (1, 40, 33), (64, 31, 65), (130, 70, 129), (257, 9, 3),
]
NAIVE_MAX = 24  # the pure-Python loop is slow; keep it to small sizes


def _operands(m, k, n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype))


def _assert_close(C, A, B, name):
    ref = A.astype(np.float64) @ B.astype(np.float64)
    k = max(A.shape[1], 1)
    # Rounding error grows with k (and with Strassen's extra additions); scale the tolerance.
    eps = np.finfo(A.dtype).eps * (64 if name.startswith("strassen") else 8)
    np.testing.assert_allclose(C, ref, rtol=0, atol=eps * k * 4, err_msg=f"kernel {name}")


def _fast_enough(name, shape):
    """The pure-Python loop and Strassen down to 1x1 are slow: small shapes only
    (strassen_c4 covers the large ones)."""
    limit = {"naive": NAIVE_MAX, "strassen_c1": 64}.get(name)
    return limit is None or max(shape) <= limit


KERNEL_CASES = [(name, shape) for name in sorted(VARIANTS) for shape in SHAPES
                if _fast_enough(name, shape)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, shape", KERNEL_CASES,
                         ids=[f"{n}-{'x'.join(map(str, s))}" for n, s in KERNEL_CASES])
def test_kernel_matches_numpy(name, shape, dtype):
    A, B = _operands(*shape, dtype)
    C = VARIANTS[name](A, B)
    assert isinstance(C, np.ndarray)
    assert C.shape == (shape[0], shape[2])
    assert C.dtype == dtype
    _assert_close(C, A, B, name)


@pytest.mark.parametrize("shape", [(3, 0, 4), (0, 5, 2), (4, 5, 0), (0, 0, 0), (0, 3, 0)])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_empty_but_valid_shapes(name, shape):
    m, k, n = shape
    A, B = np.ones((m, k), np.float32), np.ones((k, n), np.float32)
    C = VARIANTS[name](A, B)
    assert C.shape == (m, n) and C.dtype == np.float32
    assert np.all(C == 0)  # an empty sum is zero


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_non_contiguous_inputs(name):
    A, B = _operands(9, 11, 6, np.float64)
    At, Bt = np.asfortranarray(A), B.T.copy().T  # column-major inputs
    _assert_close(VARIANTS[name](At, Bt), A, B, name)
    Ar = A[::-1]  # negative strides
    _assert_close(VARIANTS[name](Ar, B), Ar, B, name)


def test_inputs_not_modified():
    A, B = _operands(33, 21, 17, np.float64)
    A0, B0 = A.copy(), B.copy()
    for name, kernel in VARIANTS.items():
        kernel(A, B)
        assert np.array_equal(A, A0) and np.array_equal(B, B0), name


@settings(max_examples=40, deadline=None)
@given(m=st.integers(0, 20), k=st.integers(0, 20), n=st.integers(0, 20), cutoff=st.integers(1, 5))
def test_strassen_any_shape(m, k, n, cutoff):
    A, B = _operands(m, k, n, np.float64, seed=m * 441 + k * 21 + n)
    C = matmul_strassen(A, B, cutoff=cutoff)
    assert C.shape == (m, n) and C.flags.c_contiguous
    _assert_close(C, A, B, "strassen")


@settings(max_examples=25, deadline=None)
@given(m=st.integers(0, 12), k=st.integers(0, 12), n=st.integers(0, 12), block=st.integers(1, 13))
def test_blocked_any_block(m, k, n, block):
    A, B = _operands(m, k, n, np.float64)
    _assert_close(matmul_blocked(A, B, block=block), A, B, "blocked")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("name", sorted(MATMUL_KERNELS))
def test_inner_dimension_mismatch_names_both(name):
    A, B = np.ones((2, 3)), np.ones((4, 5))
    with pytest.raises(ValueError, match=r"A has shape \(2, 3\), B has shape \(4, 5\)"):
        MATMUL_KERNELS[name](A, B)


@pytest.mark.parametrize("name", sorted(MATMUL_KERNELS))
@pytest.mark.parametrize("bad_arg", ["A", "B"])
def test_wrong_ndim(name, bad_arg):
    good, bad = np.ones((3, 3)), np.ones(3)
    args = (bad, good) if bad_arg == "A" else (good, bad)
    with pytest.raises(ValueError, match=rf"^{bad_arg} must be 2-D"):
        MATMUL_KERNELS[name](*args)


@pytest.mark.parametrize("name", sorted(MATMUL_KERNELS))
@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.complex128, bool])
def test_wrong_dtype(name, dtype):
    A = np.ones((2, 2), dtype=dtype)
    with pytest.raises(TypeError, match=rf"A must have dtype float32 or float64, got dtype {np.dtype(dtype)}"):
        MATMUL_KERNELS[name](A, np.ones((2, 2)))


@pytest.mark.parametrize("name", sorted(MATMUL_KERNELS))
def test_mixed_dtype_and_non_array(name):
    kernel = MATMUL_KERNELS[name]
    with pytest.raises(TypeError, match="A float32 and B float64"):
        kernel(np.ones((2, 2), np.float32), np.ones((2, 2), np.float64))
    with pytest.raises(TypeError, match="B must be a numpy.ndarray, got list"):
        kernel(np.ones((2, 2)), [[1.0, 2.0], [3.0, 4.0]])


def test_keyword_checks():
    A = np.ones((2, 2))
    with pytest.raises(ValueError, match="block"):
        matmul_blocked(A, A, block=0)
    with pytest.raises(TypeError, match="block"):
        matmul_blocked(A, A, block=2.0)
    with pytest.raises(ValueError, match="cutoff"):
        matmul_strassen(A, A, cutoff=0)
    with pytest.raises(ValueError, match="device"):
        matmul_torch(A, A, device="tpu")


def test_torch_cuda_option():
    torch = pytest.importorskip("torch")
    A, B = _operands(5, 7, 3, np.float32)
    if torch.cuda.is_available():
        _assert_close(matmul_torch(A, B, device="cuda"), A, B, "torch")
    else:
        with pytest.raises(RuntimeError, match="CUDA"):
            matmul_torch(A, B, device="cuda")


def test_matmul_flops():
    assert matmul_flops(2, 3, 4) == 48
    assert matmul_flops(0, 3, 4) == 0
    assert isinstance(matmul_flops(10**6, 10**6, 10**6), int)
    assert matmul_flops(10**6, 10**6, 10**6) == 2 * 10**18
    with pytest.raises(ValueError, match="k"):
        matmul_flops(2, -1, 4)
    with pytest.raises(TypeError, match="n"):
        matmul_flops(2, 3, 4.0)


def test_naive_is_plain_python():
    """The naive kernel does no NumPy arithmetic: result equals an exact float64 loop."""
    A, B = _operands(4, 6, 5, np.float64)
    C = matmul_naive(A, B)
    expected = [[sum(A[i, p] * B[p, j] for p in range(6)) for j in range(5)] for i in range(4)]
    np.testing.assert_allclose(C, expected, rtol=1e-15, atol=1e-15)


def test_import_does_not_import_torch():
    code = "import sys, nncomplexity.kernels.matmul; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
