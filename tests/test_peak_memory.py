"""Measured memory: tracemalloc peaks of NumPy work, autograd's saved tensors, checkpointing."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from nncomplexity.cost.memory import backward_memory_bytes
from nncomplexity.kernels.checkpoint import forward_backward_checkpointed
from nncomplexity.kernels.params import init_params
from nncomplexity.measure.peak_memory import PeakMemory, peak_traced_bytes, saved_tensor_bytes


def test_peak_of_a_known_allocation():
    n = 1_000_000

    def work():
        a = np.ones(n)  # 8 MB
        b = a * 2  # 8 MB more at once
        del a, b
        return np.zeros(n // 2)  # 4 MB kept

    result, mem = peak_traced_bytes(work)
    assert isinstance(mem, PeakMemory)
    assert result.shape == (n // 2,)
    assert 16_000_000 <= mem.peak < 16_000_000 + 200_000
    assert 4_000_000 <= mem.retained < 4_000_000 + 100_000
    assert not tracemalloc.is_tracing()  # started and stopped for the call


def test_keeps_the_callers_tracing_on():
    tracemalloc.start()
    try:
        _, mem = peak_traced_bytes(np.ones, 100_000)
        assert tracemalloc.is_tracing()
        assert mem.retained >= 800_000
    finally:
        tracemalloc.stop()


def test_inputs_do_not_count():
    x = np.ones(1_000_000)
    _, mem = peak_traced_bytes(np.sum, x)
    assert mem.peak < 100_000


def test_rejects_non_callable():
    with pytest.raises(TypeError, match="fn"):
        peak_traced_bytes(3)


@pytest.mark.parametrize("segments", [1, 2, 4, 8])
def test_checkpointing_measured_peak_follows_the_count(segments):
    """The measured peak is the counted activations plus a bounded overhead (grads, δ buffers)."""
    widths, t = [64] * 9, 512
    rng = np.random.default_rng(0)
    params = init_params(widths, rng, dtype=np.float32)
    X = rng.standard_normal((t, widths[0])).astype(np.float32)
    Y = rng.integers(0, widths[-1], size=t)
    res, mem = peak_traced_bytes(forward_backward_checkpointed, params, X, Y,
                                 "cross_entropy", segments)
    counted = (res.peak_stored_floats - X.size) * 4  # X was allocated before the call
    grads = sum(w.nbytes + b.nbytes for w, b in zip(params["W"], params["b"]))
    assert counted <= mem.peak <= counted + grads + 6 * t * 64 * 4


def test_saved_tensor_bytes_matches_the_count():
    torch = pytest.importorskip("torch")
    from nncomplexity.kernels.mlp_torch import mlp_torch

    for widths, t in [([3, 5, 7, 2], 4), ([16, 8, 8, 8, 4], 9)]:
        model = mlp_torch(widths, generator=0)
        x = torch.ones(t, widths[0])
        assert saved_tensor_bytes(model, x) == backward_memory_bytes(widths, t)
        with torch.no_grad():  # recording is switched on inside, whatever the caller's mode
            assert saved_tensor_bytes(model, x) == backward_memory_bytes(widths, t)


def test_saved_tensor_bytes_rejects_bad_input():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="model"):
        saved_tensor_bytes("net", torch.ones(1))
    with pytest.raises(TypeError, match="x"):
        saved_tensor_bytes(torch.nn.Linear(2, 2), np.ones(2))
