"""Training memory: the count of weights, gradients, optimiser state and activations against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

from nncomplexity.cost.memory import backward_memory_bytes, parameter_count
from nncomplexity.cost.training_memory import OPTIMIZER_STATE_COPIES, training_memory_bytes

torch = pytest.importorskip("torch")
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402
from nncomplexity.measure.peak_memory import saved_tensor_bytes, training_state_bytes  # noqa: E402

OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1),
    "momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-3),
}


def measured_step(widths, batch, optimizer, dtype=torch.float32):
    """What PyTorch holds after one real step: parameters, grads, state, and the saved activations."""
    model = mlp_torch(widths, dtype=dtype, generator=0)
    opt = OPTIMIZERS[optimizer](model.parameters())
    x = torch.randn(batch, widths[0], dtype=dtype, generator=torch.Generator().manual_seed(1))
    y = torch.zeros(batch, dtype=torch.long)
    torch.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()
    held = training_state_bytes(model, opt)
    held["activations"] = saved_tensor_bytes(model, x)
    return held


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_count_equals_what_pytorch_allocates(optimizer, dtype):
    rng = np.random.default_rng(5)
    for _ in range(4):
        widths = [int(w) for w in rng.integers(1, 40, size=int(rng.integers(2, 6)))]
        batch = int(rng.integers(1, 20))
        count = training_memory_bytes(widths, batch, optimizer, dtype)
        held = measured_step(widths, batch, optimizer, dtype)
        assert held == {"weights": count.weights, "gradients": count.gradients,
                        "optimizer_state": count.optimizer_state,
                        "step_counters": count.step_counters,
                        "activations": count.activations}, (widths, batch, optimizer)


def test_hand_example_adam_float32():
    widths, t = [3, 5, 2], 4  # P = 15 + 5 + 10 + 2 = 32
    m = training_memory_bytes(widths, t, "adam")
    assert parameter_count(widths) == 32
    assert (m.weights, m.gradients, m.optimizer_state) == (128, 128, 256)
    assert m.activations == 4 * t * (3 + 5) and m.step_counters == 4 * 2 * 2
    assert m.parameter_state == 16 * 32
    assert m.total == 512 + 128 + 16


@pytest.mark.parametrize("optimizer,per_param", [("sgd", 8), ("momentum", 12), ("adam", 16)])
def test_mixed_precision_bytes_per_parameter(optimizer, per_param):
    widths = [7, 11, 3]
    m = training_memory_bytes(widths, 2, optimizer, mixed_precision=True)
    assert m.parameter_state == per_param * parameter_count(widths)
    assert m.master_weights == 4 * parameter_count(widths)
    assert m.activations == backward_memory_bytes(widths, 2, "float16")


def test_state_copies_table():
    assert OPTIMIZER_STATE_COPIES == {"sgd": 0, "momentum": 1, "adam": 2}
    for opt, copies in OPTIMIZER_STATE_COPIES.items():
        m = training_memory_bytes([4, 4], 1, opt, "float64")
        assert m.optimizer_state == 8 * copies * parameter_count([4, 4])


@pytest.mark.parametrize("kwargs,error", [
    (dict(optimizer="rmsprop"), ValueError),
    (dict(batch=0), ValueError),
    (dict(dtype="float128x"), ValueError),
    (dict(mixed_precision=1), TypeError),
])
def test_bad_input(kwargs, error):
    args = dict(widths=[3, 4], batch=2) | kwargs
    name = next(iter(kwargs))
    with pytest.raises(error, match=name):
        training_memory_bytes(**args)


def test_training_state_bytes_rejects_non_torch():
    with pytest.raises(TypeError, match="model"):
        training_state_bytes(object(), None)
