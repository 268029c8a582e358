"""The tabular benchmark: one entry equals training that architecture alone; counts exact; Pareto front."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from nncomplexity.cost.flops import forward_flops, training_step_flops  # noqa: E402
from nncomplexity.cost.counting import count_flops_torch  # noqa: E402
from nncomplexity.data import load_digits_split  # noqa: E402
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402
from nncomplexity.search import SearchSpace, build_benchmark, pareto_front  # noqa: E402
from nncomplexity.train import TrainConfig, train_mlps  # noqa: E402

SPACE = SearchSpace(widths=(4, 8), depths=(1, 2), activations=("relu", "tanh"))


@pytest.fixture(scope="module")
def bench():
    data = load_digits_split(seed=0)
    return data, build_benchmark(SPACE, data, TrainConfig(steps=6, checkpoints=3, batch_size=32), seeds=(0, 1))


def test_shapes_and_exact_counts(bench):
    _, b = bench
    A = 2 * (2 + 4)
    assert b.test_accuracy.shape == (A, 2) and b.history_test_loss.shape == (3, A, 2)
    assert list(b.history_steps) == [2, 4, 6] and b.steps == 6
    for i, a in enumerate(b.architectures):
        w = a.widths(64, 10)
        assert b.step_flops[i] == training_step_flops(w, 32)
        assert b.inference_flops[i] == forward_flops(w, 1)
        assert b.params[i] == sum(p.numel() for p in mlp_torch(w).parameters())
        assert b.train_flops[i] == 6 * b.step_flops[i]
    # padded runs execute at least the useful work
    assert b.executed_flops >= 2 * b.train_flops.sum()


def test_inference_flops_match_pytorch_counter(bench):
    _, b = bench
    for a in b.architectures[:4]:
        w = a.widths(64, 10)
        assert count_flops_torch(mlp_torch(w, a.activation), torch.zeros(1, 64))["forward"] == forward_flops(w, 1)


def test_an_entry_equals_training_it_alone(bench):
    data, b = bench
    for i in (0, 7):
        a = b.architectures[i]
        alone = train_mlps(a.widths(64, 10), data,
                           TrainConfig(steps=6, checkpoints=3, batch_size=32, activation=a.activation), (0, 1))
        np.testing.assert_allclose(b.test_accuracy[i], alone.test_accuracy, atol=1e-6)
        np.testing.assert_allclose(b.history_test_loss[:, i], alone.history_test_loss, rtol=1e-4, atol=1e-5)


def test_true_accuracy_and_index(bench):
    _, b = bench
    assert np.allclose(b.true_accuracy, b.test_accuracy.mean(1))
    assert all(b.index(a) == i for i, a in enumerate(b.architectures))


def test_bad_arguments_named(bench):
    data, _ = bench
    with pytest.raises(ValueError, match="n_in"):
        build_benchmark(SearchSpace(n_in=5), data, TrainConfig(steps=1))
    with pytest.raises(TypeError, match="config"):
        build_benchmark(SPACE, data, {"steps": 1})
    with pytest.raises(TypeError, match="space"):
        build_benchmark("space", data, TrainConfig(steps=1))


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=25))
@settings(max_examples=100, deadline=None)
def test_pareto_front_matches_brute_force(points):
    cost, acc = (np.array(v, float) for v in zip(*points))
    front = pareto_front(cost, acc)
    dominated = {i for i, j in itertools.product(range(len(cost)), repeat=2)
                 if cost[j] <= cost[i] and acc[j] >= acc[i] and (cost[j] < cost[i] or acc[j] > acc[i])}
    # the front holds one point per non-dominated (cost, accuracy) pair
    expected = {(cost[i], acc[i]) for i in range(len(cost)) if i not in dominated}
    assert {(cost[i], acc[i]) for i in front} == expected and len(front) == len(expected)
    assert np.all(np.diff(cost[front]) > 0) and np.all(np.diff(acc[front]) > 0)


def test_pareto_front_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="cost and accuracy"):
        pareto_front([1, 2], [1.0])


def test_pareto_front_is_one_function_and_refuses_bad_input():
    from nncomplexity.measure.pareto import pareto_front as shared
    from nncomplexity.scale.pareto import pareto_front as in_scale

    assert pareto_front is shared is in_scale  # chapters 6, 8 and 9 draw the same front
    with pytest.raises(ValueError, match="accuracy must be a non-empty 1-D sequence of finite numbers"):
        shared([1.0, 2.0], [0.5, float("nan")])
    with pytest.raises(ValueError, match="cost must be a non-empty"):
        shared([], [])
