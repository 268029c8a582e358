"""The one trainer: many small MLPs of one shape at once, seeded, FLOPs counted, time-boxed.

:func:`train_mlps` trains M models (one per seed, optionally one learning rate
each) on a :class:`~nncomplexity.data.Dataset` in one batched run and returns
a :class:`~nncomplexity.train.config.TrainResult`; :func:`train_grid` groups
architectures of different widths by shape and trains group by group.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace
from collections.abc import Sequence

import numpy as np

from .._validate import Widths, check_widths, validate_params
from ..cost.flops import training_step_flops
from .config import TrainConfig, TrainResult

__all__ = ["train_grid", "train_mlps"]


@contextmanager
def _torch_threads(n: int | None):
    """Run with ``n`` intra-op threads (None: unchanged), restoring PyTorch's setting after."""
    import torch

    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _orders(n: int, seeds: list[int], config: TrainConfig):
    """Yield index batches for ever, one epoch at a time: (t,) shared, or (M, t) with ``own_order``.

    Each epoch is a fresh permutation from the stream's generator; its last partial batch is dropped
    so every step costs the same. Drawn lazily: a long run under a time budget draws only what it uses.
    """
    import torch

    t, per_epoch = config.batch_size, n // config.batch_size
    gens = [torch.Generator().manual_seed(int(s)) for s in (seeds if config.own_order else [config.seed])]
    while True:
        perms = [torch.randperm(n, generator=g)[: per_epoch * t].view(per_epoch, t) for g in gens]
        epoch = perms[0] if not config.own_order else torch.stack(perms, dim=1)  # (per_epoch, [M,] t)
        yield from epoch


@validate_params(widths=Widths())
def train_mlps(widths, data, config: TrainConfig, seeds: Sequence[int] = (0,), *,
               learning_rates=None, masks=None, init=None, teacher_logits=None) -> TrainResult:
    """Train M = len(seeds) MLPs of ``widths`` on ``data`` together; model i starts from ``seeds[i]``.

    Parameters
    ----------
    widths : sequence of int, [n0, ..., nL]; n0 = data's features, nL = its classes
    data : nncomplexity.data.Dataset
    config : TrainConfig
    seeds : sequence of int >= 0
        Init seed of each model: model i starts as ``mlp_torch(widths, generator=seeds[i])``.
    learning_rates : sequence of float, optional
        One η per model (default ``config.learning_rate`` for all): a learning-rate grid in one run.
    masks : list of tensors, optional
        Per layer, 0/1, broadcastable to (M, n[k], n[k-1]); applied at init and after every step.
    init : (weights, biases), optional
        Start from these stacked tensors instead of the seeds' draws (a lottery-ticket rewind).
    teacher_logits : tensor (n_train, nL), optional
        Train on the distillation loss with ``config.distill_temperature`` and ``distill_alpha``.

    Returns
    -------
    TrainResult
        ``flops[i] = training_step_flops(widths, t) · steps`` exactly (evaluation not included).

    Cost: ``M · training_step_flops(widths, t)`` FLOPs per step, plus
    ``M · forward_flops(widths, n_test)`` per checkpoint for the test history.
    """
    import torch

    from ..data import Dataset
    from .batched import BatchedMLP

    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a Dataset, got {type(data).__name__}")
    if isinstance(seeds, (int, str)) or len(seeds) < 1:
        raise TypeError(f"seeds must be a non-empty sequence of integers, got {seeds!r}")
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0 for s in seeds):
        raise ValueError(f"seeds must be integers >= 0, got {list(seeds)}")
    if config.loss == "mse" and (teacher_logits is not None or data.y_train.dim() != 2):
        raise ValueError("loss='mse' needs float targets of shape (n, nL) in data.y_train and no teacher_logits")
    if widths[0] != data.n_features or widths[-1] != data.classes:
        raise ValueError(f"widths must start at the data's {data.n_features} features and end at its "
                         f"{data.classes} classes, got {widths}")
    M, n, t = len(seeds), len(data.y_train), config.batch_size
    if t > n:
        raise ValueError(f"batch_size must be <= the {n} training examples, got {t}")
    lr = np.full(M, config.learning_rate) if learning_rates is None else np.asarray(learning_rates, float)
    if lr.shape != (M,) or not np.all(np.isfinite(lr)) or np.any(lr <= 0):
        raise ValueError(f"learning_rates must be {M} positive finite numbers, got {learning_rates!r}")
    if teacher_logits is not None and tuple(teacher_logits.shape) != (n, data.classes):
        raise ValueError(f"teacher_logits must be ({n}, {data.classes}), got {tuple(teacher_logits.shape)}")

    per_epoch = n // t
    planned = config.epochs * per_epoch if config.epochs is not None else config.steps
    order = _orders(n, list(seeds), config)
    net = BatchedMLP(widths, seeds, config.activation, masks=masks, init=init, loss=config.loss)
    lr_t = torch.tensor(lr, dtype=torch.float32)
    checkpoints = sorted({max(1, round(planned * (c + 1) / config.checkpoints)) for c in range(config.checkpoints)})
    has_test = len(data.y_test) > 0
    hist_steps, hist_loss, hist_test, hist_acc = [], [], [], []

    def record(step, losses):
        hist_steps.append(step)
        hist_loss.append(losses.numpy())  # (M,)
        loss, acc = net.evaluate(data.X_test, data.y_test) if has_test else (None, None)
        hist_test.append(loss.numpy() if has_test else np.full(M, np.nan))
        hist_acc.append(acc.numpy() if has_test else np.full(M, np.nan))

    loss_kw = {} if teacher_logits is None else {
        "temperature": config.distill_temperature, "alpha": config.distill_alpha}

    with _torch_threads(config.threads):
        start, steps, stopped = time.perf_counter(), 0, False
        while steps < planned:
            # checked before each step but the first, so every run has a result to report
            if steps and config.time_budget_s is not None and time.perf_counter() - start > config.time_budget_s:
                stopped = True
                break
            idx = next(order)  # (t,) or (M, t)
            if teacher_logits is not None:
                loss_kw["teacher_logits"] = teacher_logits[idx]
            losses = net.step(data.X_train[idx], data.y_train[idx], lr_t, config.optimizer,
                              config.momentum, config.weight_decay, **loss_kw)
            steps += 1
            if steps in checkpoints:
                record(steps, losses)
        if stopped and hist_steps[-1:] != [steps]:
            record(steps, losses)  # the last point is always the final step

        train_loss, train_acc = (v.numpy() for v in net.evaluate(data.X_train, data.y_train))
        if has_test:
            test_loss, test_acc = (v.numpy() for v in net.evaluate(data.X_test, data.y_test))
        else:
            test_loss = test_acc = np.full(M, np.nan)
        wall = time.perf_counter() - start
    per_step = training_step_flops(widths, t)
    return TrainResult(
        widths=list(widths), seeds=[int(s) for s in seeds], learning_rates=lr,
        train_loss=train_loss, train_accuracy=train_acc, test_loss=test_loss, test_accuracy=test_acc,
        history_steps=hist_steps, history_loss=np.array(hist_loss).reshape(-1, M),
        history_test_loss=np.array(hist_test).reshape(-1, M),
        history_test_accuracy=np.array(hist_acc).reshape(-1, M), steps_planned=planned, steps=steps,
        stopped_by_budget=stopped, wall_time_s=wall, flops=np.full(M, per_step * steps, dtype=np.int64),
        weights=[w.detach() for w in net.weights], biases=[b.detach() for b in net.biases])


def train_grid(architectures, data, config: TrainConfig, seeds: Sequence[int] = (0, 1, 2), *,
               pad: bool = True) -> dict:
    """Train every architecture (a list of widths) with every seed; returns ``{tuple(widths): TrainResult}``.

    With ``pad`` (default), all architectures of one depth are trained in *one* batched run:
    each is embedded in the largest widths of its depth, its init is its own
    ``mlp_torch(widths, generator=seed)`` placed in the top-left corner, and a 0/1 mask keeps
    the padding at zero. A padded neuron has zero weights in and out and a bias with zero
    gradient, so each model trains exactly as it would alone (tested). Without ``pad``, one
    run per distinct shape. Each result reports its *own* exact FLOPs,
    ``training_step_flops(widths, t) · steps``; the padded run executes more (the largest
    shape's count per model): the price of one batched call. A time budget applies per run.

    Cost: one run per depth (pad) or per shape, M = architectures of that depth × len(seeds).
    """
    import torch

    from .batched import BatchedMLP

    if isinstance(architectures, (str, bytes)) or not isinstance(architectures, Sequence) or not architectures:
        raise TypeError(f"architectures must be a non-empty list of widths, got {architectures!r}")
    checked = [tuple(check_widths(f"architectures[{i}]", w)) for i, w in enumerate(architectures)]
    shapes = list(dict.fromkeys(checked))  # distinct, in order
    if not pad:
        return {w: train_mlps(list(w), data, config, seeds) for w in shapes}
    out = {}
    for depth in sorted({len(w) for w in shapes}):
        group = [w for w in shapes if len(w) == depth]
        big = [max(w[k] for w in group) for k in range(depth)]
        ws, bs, masks = [], [], []
        for k in range(depth - 1):
            W = torch.zeros(len(group) * len(seeds), big[k + 1], big[k])  # (M, n[k+1], n[k]) padded
            b, m = torch.zeros(W.shape[:2]), torch.zeros(W.shape)
            ws.append(W)
            bs.append(b)
            masks.append(m)
        for a, w in enumerate(group):
            own = BatchedMLP(list(w), seeds, config.activation)  # the init it would get alone
            rows = slice(a * len(seeds), (a + 1) * len(seeds))
            for k in range(depth - 1):
                ws[k][rows, : w[k + 1], : w[k]] = own.weights[k].detach()
                bs[k][rows, : w[k + 1]] = own.biases[k].detach()
                masks[k][rows, : w[k + 1], : w[k]] = 1.0
        run = train_mlps(big, data, config, list(seeds) * len(group), init=(ws, bs), masks=masks)
        per_step = {w: training_step_flops(list(w), config.batch_size) for w in group}
        for a, w in enumerate(group):
            rows = slice(a * len(seeds), (a + 1) * len(seeds))
            pick = {f: getattr(run, f)[rows] for f in ("learning_rates", "train_loss", "train_accuracy",
                                                       "test_loss", "test_accuracy")}
            out[w] = replace(
                run, widths=list(w), seeds=run.seeds[rows], **pick,
                history_loss=run.history_loss[:, rows], history_test_loss=run.history_test_loss[:, rows],
                history_test_accuracy=run.history_test_accuracy[:, rows],
                flops=np.full(len(seeds), per_step[w] * run.steps, dtype=np.int64),
                weights=[W[rows, : w[k + 1], : w[k]] for k, W in enumerate(run.weights)],
                biases=[b[rows, : w[k + 1]] for k, b in enumerate(run.biases)])
    return {w: out[w] for w in shapes}
