"""The one trainer: batched equals alone, masks kept, FLOPs exact, budget kept, bad input named."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from nncomplexity.cost.flops import training_step_flops  # noqa: E402
from nncomplexity.data import load_digits_split, teacher_student  # noqa: E402
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402
from nncomplexity.train import TrainConfig, TrainResult, train_grid, train_mlps  # noqa: E402
from nncomplexity.train.batched import BatchedMLP, distillation_loss  # noqa: E402
from nncomplexity.train.loop import _orders  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(seed=0)


@pytest.fixture(scope="module")
def small():
    return teacher_student(200, 100, widths=[6, 8, 3], seed=1)[0]


def _reference(widths, data, config, seed, lr, steps):
    """One model, the plain PyTorch way: nn.Sequential + torch.optim on the trainer's batches."""
    model = mlp_torch(widths, config.activation, generator=seed)
    opt = {"sgd": lambda p: torch.optim.SGD(p, lr=lr, weight_decay=config.weight_decay),
           "momentum": lambda p: torch.optim.SGD(p, lr=lr, momentum=config.momentum,
                                                 weight_decay=config.weight_decay),
           "adam": lambda p: torch.optim.Adam(p, lr=lr, weight_decay=config.weight_decay)}[config.optimizer](
        model.parameters())
    order = _orders(len(data.y_train), [seed], config)
    for _ in range(steps):
        idx = next(order) if not config.own_order else next(order)[0]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(data.X_train[idx]), data.y_train[idx]).backward()
        opt.step()
    return [m.weight.detach() for m in model if isinstance(m, torch.nn.Linear)]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("own_order", [False, True])
def test_batched_equals_each_model_alone(small, optimizer, own_order):
    widths, steps, seeds = [6, 8, 3], 15, [3, 1, 4, 5]
    lrs = [0.05, 0.1, 0.02, 0.07] if optimizer != "adam" else [0.01, 0.003, 0.02, 0.005]
    config = TrainConfig(steps=steps, batch_size=32, optimizer=optimizer, weight_decay=1e-3,
                         own_order=own_order, seed=9)
    run = train_mlps(widths, small, config, seeds, learning_rates=lrs)
    for i, (seed, lr) in enumerate(zip(seeds, lrs)):
        alone = train_mlps(widths, small, config, [seed], learning_rates=[lr])
        ref = _reference(widths, small, config, seed, lr, steps)
        for k in range(len(widths) - 1):
            torch.testing.assert_close(run.weights[k][i], alone.weights[k][0], rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(run.weights[k][i], ref[k], rtol=1e-4, atol=1e-5)
        assert run.test_loss[i] == pytest.approx(alone.test_loss[0], rel=1e-4)


def test_result_structure_and_flops(small):
    config = TrainConfig(steps=23, batch_size=16, checkpoints=4)
    run = train_mlps([6, 8, 3], small, config, seeds=range(5))
    assert isinstance(run, TrainResult) and run.n_models == 5 and run.steps == run.steps_planned == 23
    assert not run.stopped_by_budget and run.status == "completed 23 steps"
    assert run.history_steps[-1] == 23 and len(run.history_steps) == 4
    assert run.history_loss.shape == run.history_test_loss.shape == run.history_test_accuracy.shape == (4, 5)
    assert np.allclose(run.history_test_accuracy[-1], run.test_accuracy)
    for a in (run.train_loss, run.train_accuracy, run.test_loss, run.test_accuracy, run.flops):
        assert a.shape == (5,) and np.all(np.isfinite(a))
    assert run.flops.tolist() == [training_step_flops([6, 8, 3], 16) * 23] * 5
    assert run.weights[0].shape == (5, 8, 6) and run.biases[1].shape == (5, 3)


@pytest.mark.parametrize("widths, M, t", [([6, 8, 3], 5, 16), ([6, 5, 7, 3], 3, 1), ([6, 3], 2, 32)])
def test_step_flops_equal_pytorch_counter(small, widths, M, t):
    from torch.utils.flop_counter import FlopCounterMode

    net = BatchedMLP(widths, range(M))
    X, y = small.X_train[:t], small.y_train[:t]
    lr = torch.full((M,), 0.1)
    with FlopCounterMode(display=False) as counter:
        net.step(X, y, lr, "adam")
    assert counter.get_total_flops() == M * training_step_flops(widths, t)


def test_masks_stay_applied_after_every_step(small):
    gen = torch.Generator().manual_seed(0)
    widths, M = [6, 8, 3], 4
    masks = [(torch.rand(M, 8, 6, generator=gen) > 0.6).float(), (torch.rand(8, 3, generator=gen).T > 0.3).float()]
    net = BatchedMLP(widths, range(M), masks=masks)
    lr = torch.full((M,), 0.05)
    for s in range(10):
        idx = torch.arange(s * 16, s * 16 + 16)
        net.step(small.X_train[idx], small.y_train[idx], lr, "momentum")
        for W, m in zip(net.weights, masks):
            assert torch.all(W.expand_as(W)[m.expand_as(W) == 0] == 0)
    run = train_mlps(widths, small, TrainConfig(steps=30, batch_size=16), range(M), masks=masks)
    sparsity = (run.weights[0] == 0).float().mean().item()
    assert sparsity == pytest.approx((masks[0] == 0).float().mean().item())
    assert torch.all(run.weights[1][:, masks[1] == 0] == 0)


def test_masks_of_wrong_shape_are_refused(small):
    with pytest.raises(ValueError, match="masks"):
        train_mlps([6, 8, 3], small, TrainConfig(steps=1), [0], masks=[torch.ones(8, 5), torch.ones(3, 8)])
    with pytest.raises(ValueError, match="masks"):
        train_mlps([6, 8, 3], small, TrainConfig(steps=1), [0], masks=[torch.ones(8, 6)])


def test_a_small_digits_mlp_learns(digits):
    run = train_mlps([64, 32, 10], digits, TrainConfig(steps=300, batch_size=64, seed=0), seeds=[0])
    assert run.test_accuracy[0] > 0.9 and run.train_accuracy[0] > 0.95
    assert run.history_loss[-1, 0] < run.history_loss[0, 0]


def test_a_grid_of_100_digits_mlps_in_one_run(digits):
    seeds = range(100)
    lrs = np.geomspace(1e-3, 3e-2, 100)
    run = train_mlps([64, 16, 10], digits, TrainConfig(steps=200, batch_size=64), seeds, learning_rates=lrs)
    assert run.test_accuracy.shape == (100,) and run.steps == 200
    assert np.median(run.test_accuracy) > 0.85 and run.test_accuracy.min() > 0.5
    assert run.test_accuracy[50:].mean() > run.test_accuracy[:10].mean()  # larger η learns faster here


def test_init_rewinds_to_given_weights(small):
    config = TrainConfig(steps=10, batch_size=16)
    start = BatchedMLP([6, 8, 3], [2, 5])
    a = train_mlps([6, 8, 3], small, config, [2, 5], init=(start.weights, start.biases))
    b = train_mlps([6, 8, 3], small, config, [2, 5])
    assert all(torch.equal(x, y) for x, y in zip(a.weights, b.weights))


def test_distillation_loss(small):
    gen = torch.Generator().manual_seed(0)
    s, t = torch.randn(7, 3, generator=gen), torch.randn(7, 3, generator=gen)
    y = torch.randint(0, 3, (7,), generator=gen)
    ce = torch.nn.functional.cross_entropy(s, y)
    assert distillation_loss(s, t, y, 2.0, 0.0).item() == pytest.approx(ce.item())
    assert distillation_loss(s, s, y, 3.0, 1.0).item() == pytest.approx(0.0, abs=1e-6)
    net = BatchedMLP([6, 8, 3], [0, 1])
    X, y = small.X_train[:20], small.y_train[:20]
    teacher = torch.randn(20, 3, generator=gen)
    batched = net.loss(X, y, teacher_logits=teacher, temperature=2.5, alpha=0.3)
    with torch.no_grad():
        Z = net.forward(X)
    for i in range(2):
        assert batched[i].item() == pytest.approx(distillation_loss(Z[i], teacher, y, 2.5, 0.3).item(), rel=1e-5)
    config = TrainConfig(steps=40, batch_size=20, distill_temperature=2.0, distill_alpha=0.7)
    run = train_mlps([6, 8, 3], small, config, [0, 1], teacher_logits=torch.randn(200, 3, generator=gen))
    assert np.all(np.isfinite(run.train_loss))


def test_time_budget_stops_cleanly(small):
    config = TrainConfig(steps=10**7, batch_size=16, time_budget_s=0.2)
    run = train_mlps([6, 8, 3], small, config, seeds=[0, 1])
    assert run.stopped_by_budget and 0 < run.steps < run.steps_planned
    assert run.status.startswith("stopped by the time budget")
    assert run.history_steps[-1] == run.steps and np.all(np.isfinite(run.test_loss))
    assert run.flops.tolist() == [training_step_flops([6, 8, 3], 16) * run.steps] * 2
    tiny = train_mlps([6, 8, 3], small, TrainConfig(steps=50, batch_size=16, time_budget_s=1e-9), seeds=[0])
    assert tiny.stopped_by_budget and tiny.steps == 1 and tiny.history_steps == [1]  # the first step always runs


def test_epochs_and_grid(small):
    run = train_mlps([6, 8, 3], small, TrainConfig(epochs=3, batch_size=32), [0])
    assert run.steps == 3 * (200 // 32)
    grid = train_grid([[6, 4, 3], [6, 8, 3], [6, 4, 3]], small, TrainConfig(steps=5, batch_size=16), seeds=[0, 1, 2],
                      pad=False)
    assert list(grid) == [(6, 4, 3), (6, 8, 3)] and all(r.n_models == 3 for r in grid.values())


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_padded_grid_equals_each_architecture_alone(small, optimizer):
    archs = [[6, 4, 3], [6, 8, 3], [6, 2, 5, 3], [6, 7, 3, 3], [6, 3]]
    config = TrainConfig(steps=20, batch_size=16, optimizer=optimizer, learning_rate=0.05, weight_decay=1e-3)
    grid = train_grid(archs, small, config, seeds=[4, 2])
    assert list(grid) == [tuple(w) for w in archs]
    for w in archs:
        run, alone = grid[tuple(w)], train_mlps(w, small, config, [4, 2])
        assert run.widths == w and run.n_models == 2 and run.steps == 20
        assert run.flops.tolist() == alone.flops.tolist() == [training_step_flops(w, 16) * 20] * 2
        for a, b in zip(run.weights + run.biases, alone.weights + alone.biases):
            assert a.shape == b.shape
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(run.test_loss, alone.test_loss, rtol=1e-5)
        np.testing.assert_allclose(run.history_loss, alone.history_loss, rtol=1e-5)


def test_threads_are_restored(small):
    before = torch.get_num_threads()
    train_mlps([6, 8, 3], small, TrainConfig(steps=2, batch_size=16, threads=1), [0])
    assert torch.get_num_threads() == before


def test_runs_are_deterministic(small):
    a = train_mlps([6, 8, 3], small, TrainConfig(steps=20, batch_size=16), [0, 1])
    b = train_mlps([6, 8, 3], small, TrainConfig(steps=20, batch_size=16), [0, 1])
    assert np.array_equal(a.test_loss, b.test_loss) and np.array_equal(a.history_loss, b.history_loss)


@pytest.mark.parametrize("field, value, error", [
    ("steps", 0, ValueError), ("steps", 2.0, TypeError), ("epochs", 0, ValueError),
    ("batch_size", 0, ValueError), ("optimizer", "rmsprop", ValueError), ("learning_rate", 0.0, ValueError),
    ("learning_rate", float("nan"), ValueError), ("momentum", 1.0, ValueError), ("weight_decay", -1.0, ValueError),
    ("activation", "swish", ValueError), ("seed", -1, ValueError), ("own_order", 1, TypeError),
    ("time_budget_s", 0.0, ValueError), ("threads", 0, ValueError), ("checkpoints", 0, ValueError),
    ("distill_temperature", 0.0, ValueError), ("distill_alpha", 1.5, ValueError)])
def test_bad_config_is_named(field, value, error):
    with pytest.raises(error, match=field):
        TrainConfig(**{field: value})


@pytest.mark.parametrize("kwargs, name, error", [
    ({"widths": [5, 8, 3]}, "widths", ValueError), ({"widths": [6, 8, 4]}, "widths", ValueError),
    ({"config": {"steps": 3}}, "config", TypeError), ({"data": (1, 2)}, "data", TypeError),
    ({"seeds": 3}, "seeds", TypeError), ({"seeds": []}, "seeds", TypeError), ({"seeds": [0, -1]}, "seeds", ValueError),
    ({"learning_rates": [0.1, 0.2]}, "learning_rates", ValueError),
    ({"learning_rates": [-0.1]}, "learning_rates", ValueError),
    ({"config": TrainConfig(batch_size=1000)}, "batch_size", ValueError),
    ({"teacher_logits": torch.zeros(10, 3)}, "teacher_logits", ValueError)])
def test_bad_train_arguments_are_named(small, kwargs, name, error):
    args = {"widths": [6, 8, 3], "data": small, "config": TrainConfig(steps=1), "seeds": [0]} | kwargs
    with pytest.raises(error, match=name):
        train_mlps(**args)


@pytest.mark.parametrize("archs, error", [([], TypeError), ("643", TypeError), ([[6, 0, 3]], ValueError),
                                          ([[6, 4.0, 3]], TypeError)])
def test_bad_grid_is_named(small, archs, error):
    with pytest.raises(error, match="architectures"):
        train_grid(archs, small, TrainConfig(steps=1))


def test_students_of_a_teacher_improve_with_size():
    """The scaling study's shape: bigger students reach a lower test loss on the teacher's task."""
    data, _ = teacher_student(2000, 500, widths=[16, 32, 4], seed=0)
    grid = train_grid([[16, h, 4] for h in (4, 16, 64)], data, TrainConfig(steps=300, batch_size=64), seeds=[0, 1])
    losses = [grid[(16, h, 4)].test_loss.mean() for h in (4, 16, 64)]
    assert losses[0] > losses[1] > losses[2]
    assert grid[(16, 64, 4)].test_accuracy.min() > 0.7  # the largest class is 41 %


def test_importing_the_trainer_imports_no_torch():
    import subprocess
    import sys

    code = "import sys, nncomplexity.train, nncomplexity.data; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_evaluation_in_chunks_equals_at_once(small):
    net = BatchedMLP([6, 8, 3], [0, 1, 2])
    whole = net.evaluate(small.X_test, small.y_test)
    chunked = net.evaluate(small.X_test, small.y_test, max_elements=7 * 3 * 8)  # 7 rows at a time
    torch.testing.assert_close(chunked[0], whole[0])
    torch.testing.assert_close(chunked[1], whole[1])
