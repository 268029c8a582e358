"""Memory counts against PyTorch: parameters and the tensors autograd saves."""
from __future__ import annotations

import numpy as np
import pytest

from nncomplexity.cost.memory import (
    activation_bytes,
    backward_memory_bytes,
    dtype_bytes,
    parameter_bytes,
    parameter_count,
)

torch = pytest.importorskip("torch")
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402
from nncomplexity.measure.peak_memory import saved_tensor_bytes as measure_saved_bytes  # noqa: E402


def _architectures(seed, count, max_width=48, max_depth=6):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        depth = int(rng.integers(1, max_depth + 1))
        yield [int(w) for w in rng.integers(1, max_width + 1, size=depth + 1)], int(rng.integers(1, 17))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "gelu", "identity"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_backward_memory_matches_saved_tensors(activation, dtype):
    for widths, batch in _architectures(seed=3, count=8):
        for input_grad in (False, True):  # the input is saved either way (for dW of layer 1)
            model = mlp_torch(widths, activation=activation, dtype=dtype, generator=1)
            x = torch.ones(batch, widths[0], dtype=dtype, requires_grad=input_grad)
            measured = measure_saved_bytes(model, x)
            expected = backward_memory_bytes(widths, batch, dtype, activation=activation)
            assert measured == expected, f"widths={widths}, batch={batch}, {activation}, {dtype}"


def test_backward_memory_hand_example():
    # [3, 5, 7, 2], batch 4, ReLU: saves x (4·3), a1 (4·5), a2 (4·7) = 60 float32 numbers
    assert backward_memory_bytes([3, 5, 7, 2], 4) == 240
    assert backward_memory_bytes([3, 5, 7, 2], 4, "float64", activation="gelu") == 8 * (60 + 48)
    assert activation_bytes([3, 5, 7, 2], 4) == 4 * 4 * 17


@pytest.mark.parametrize("bias", [True, False])
def test_parameter_count_matches_torch(bias):
    for widths, _ in _architectures(seed=4, count=20, max_width=300, max_depth=8):
        model = mlp_torch(widths, bias=bias, device="meta")
        assert parameter_count(widths, bias) == sum(p.numel() for p in model.parameters())
        assert parameter_bytes(widths, "float64", bias) == 8 * parameter_count(widths, bias)


def test_parameter_count_hand_example():
    assert parameter_count([784, 100, 10]) == 784 * 100 + 100 + 100 * 10 + 10 == 79_510
    assert parameter_count([784, 100, 10], bias=False) == 79_400
    assert parameter_bytes([784, 100, 10]) == 4 * 79_510
    assert type(parameter_count([12288] * 97)) is int


@pytest.mark.parametrize(
    "dtype, size",
    [
        ("float16", 2), ("bfloat16", 2), ("float32", 4), ("float64", 8), ("int8", 1),
        (np.float32, 4), (np.dtype("float64"), 8), (np.int8, 1), (np.float16, 2),
        (torch.bfloat16, 2), (torch.float16, 2), (torch.float32, 4), (torch.float64, 8), (torch.int8, 1),
    ],
)
def test_dtype_bytes(dtype, size):
    assert dtype_bytes(dtype) == size


@pytest.mark.parametrize("dtype, error", [("float8", ValueError), ("Float32", ValueError), (None, TypeError), (3.5, TypeError)])
def test_dtype_bytes_rejects(dtype, error):
    with pytest.raises(error, match="dtype"):
        dtype_bytes(dtype)


def test_bad_input():
    with pytest.raises(ValueError, match="widths"):
        parameter_count([5])
    with pytest.raises(ValueError, match=r"widths\[0\]"):
        activation_bytes([0, 3], 2)
    with pytest.raises(ValueError, match="batch"):
        backward_memory_bytes([4, 3], 0)
    with pytest.raises(TypeError, match="batch"):
        activation_bytes([4, 3], 2.0)
    with pytest.raises(ValueError, match="activation"):
        backward_memory_bytes([4, 3], 2, activation="softmax")
    with pytest.raises(TypeError, match="bias"):
        parameter_count([4, 3], bias="yes")
    with pytest.raises(ValueError, match="dtype"):
        parameter_bytes([4, 3], dtype="float128")


def test_import_does_not_import_torch():
    import subprocess
    import sys

    modules = "nncomplexity.cost.memory, nncomplexity.cost.flops, nncomplexity.cost.training, nncomplexity.cost.counting"
    code = f"import sys, {modules}; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
