"""The supernet: a sub-network is the sliced weights run as an ordinary MLP; training helps; FLOPs counted."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nncomplexity.cost.flops import training_step_flops  # noqa: E402
from nncomplexity.data import teacher_student  # noqa: E402
from nncomplexity.search import Architecture, SearchSpace, inherited_accuracy, train_supernet  # noqa: E402

SPACE = SearchSpace(widths=(3, 5), depths=(1, 2), activations=("tanh",), n_in=6, n_out=3)


@pytest.fixture(scope="module")
def data():
    return teacher_student(300, 200, widths=[6, 16, 3], seed=4)[0]


def test_subnetwork_is_the_sliced_mlp(data):
    net = train_supernet(SPACE, data, activation="tanh", steps=3, samples=3, batch_size=16)
    arch = Architecture((3, 5), "tanh")
    seq = torch.nn.Sequential(torch.nn.Linear(6, 3), torch.nn.Tanh(), torch.nn.Linear(3, 5), torch.nn.Tanh(),
                              torch.nn.Linear(5, 3))
    with torch.no_grad():
        seq[0].weight.copy_(net.weights[0][:3, :6]); seq[0].bias.copy_(net.biases[0][:3])  # noqa: E702
        seq[2].weight.copy_(net.weights[1][:5, :3]); seq[2].bias.copy_(net.biases[1][:5])  # noqa: E702
        seq[4].weight.copy_(net.weights[2][:, :5]); seq[4].bias.copy_(net.biases[2])  # noqa: E702
        assert torch.allclose(seq(data.X_test), net.logits(arch, data.X_test), atol=1e-6)


def test_training_improves_every_subnetwork_and_flops_are_counted(data):
    archs = [Architecture(h, "tanh") for h in [(3,), (5,), (3, 3), (5, 5)]]
    before = inherited_accuracy(train_supernet(SPACE, data, activation="tanh", steps=1, samples=2), archs, data)
    net = train_supernet(SPACE, data, activation="tanh", steps=300, samples=2, batch_size=32)
    after = inherited_accuracy(net, archs, data)
    assert np.all(after > before) and after.min() > 0.6
    # samples=2: the largest (5, 5) and the smallest (3,) every step
    per = training_step_flops([6, 5, 5, 3], 32) + training_step_flops([6, 3, 3], 32)
    assert net.flops == 300 * per


def test_deterministic_for_a_seed(data):
    a = train_supernet(SPACE, data, activation="tanh", steps=5, seed=1)
    b = train_supernet(SPACE, data, activation="tanh", steps=5, seed=1)
    assert all(torch.equal(x, y) for x, y in zip(a.weights, b.weights))


def test_bad_arguments_named(data):
    with pytest.raises(ValueError, match="activation"):
        train_supernet(SPACE, data, activation="relu")
    with pytest.raises(ValueError, match="samples"):
        train_supernet(SPACE, data, activation="tanh", samples=1)
