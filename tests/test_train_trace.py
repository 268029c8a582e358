"""Full-batch gradient norms and per-example gradients: checked against plain autograd."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nncomplexity.data import teacher_student  # noqa: E402
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402
from nncomplexity.train import TrainConfig, train_mlps  # noqa: E402
from nncomplexity.train.trace import full_batch_gd, per_example_gradients  # noqa: E402

WIDTHS = [6, 8, 3]


@pytest.fixture(scope="module")
def data():
    return teacher_student(64, 16, widths=WIDTHS, seed=1)[0]


def test_full_batch_gd_is_autograd_gradient_descent(data):
    trace = full_batch_gd(WIDTHS, data, lr=0.5, steps=3, seed=2)
    model = mlp_torch(WIDTHS, dtype=torch.float64, generator=2)
    X = data.X_train.double()
    for k in range(4):
        model.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X), data.y_train)
        loss.backward()
        assert trace.loss[k] == pytest.approx(loss.item(), rel=1e-12)
        assert trace.grad_sq[k] == pytest.approx(sum(float((p.grad ** 2).sum()) for p in model.parameters()))
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad


def test_small_steps_satisfy_the_descent_inequality(data):
    t = full_batch_gd(WIDTHS, data, lr=0.05, steps=30)
    assert np.all(t.loss[:-1] - t.loss[1:] >= 0.5 * t.lr * t.grad_sq[:-1] - 1e-12)
    assert t.accuracy.shape == (31,) and np.all((0 <= t.accuracy) & (t.accuracy <= 1))


def test_per_example_gradients_average_to_the_batch_gradient(data):
    run = train_mlps(WIDTHS, data, TrainConfig(steps=3, batch_size=8), seeds=[0, 5])
    g = per_example_gradients(WIDTHS, run.weights, run.biases, data.X_train, data.y_train, model=1)
    model = mlp_torch(WIDTHS, generator=0)
    with torch.no_grad():
        for k, layer in enumerate([m for m in model if isinstance(m, torch.nn.Linear)]):
            layer.weight.copy_(run.weights[k][1])
            layer.bias.copy_(run.biases[k][1])
    torch.nn.functional.cross_entropy(model(data.X_train), data.y_train).backward()
    full = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).double().numpy()
    assert g.shape == (64, 6 * 8 + 8 + 8 * 3 + 3)
    assert np.allclose(g.mean(axis=0), full, atol=1e-6)


def test_bad_inputs(data):
    with pytest.raises(ValueError, match="widths must start"):
        full_batch_gd([5, 8, 3], data, lr=0.1, steps=1)
    run = train_mlps(WIDTHS, data, TrainConfig(steps=1, batch_size=8), seeds=[0])
    with pytest.raises(ValueError, match="model must be <"):
        per_example_gradients(WIDTHS, run.weights, run.biases, data.X_train, data.y_train, model=1)
