"""A tabular NAS benchmark: every architecture of a space trained with several seeds, stored.

NAS-Bench-101 trained 423k cell architectures on TPUs; the same idea at notebook scale is
one call to the book's trainer per activation: :func:`~nncomplexity.train.train_grid` pads
every architecture of one depth to the largest widths of that depth and trains them all
(× seeds) in one batched run. The table then answers any searcher's query instantly, so
searchers can be run hundreds of times and compared against the *true* best architecture.

Book: chapter 9, "A benchmark built in seconds".
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..cost.flops import forward_flops, training_step_flops
from ..cost.memory import parameter_count
from ..measure.pareto import pareto_front
from ..train import TrainConfig, train_grid
from .space import Architecture, SearchSpace, enumerate_space

if TYPE_CHECKING:  # annotations only
    from ..data import Dataset

__all__ = ["Benchmark", "build_benchmark", "pareto_front"]  # pareto_front: measure.pareto, shared


@dataclass(frozen=True)
class Benchmark:
    """The table: one row per architecture (index = position in ``enumerate_space``), one column per seed."""

    space: SearchSpace
    architectures: list[Architecture]  # A architectures, in enumerate_space order
    seeds: list[int]                   # S init seeds
    steps: int                         # optimiser steps of every run
    batch_size: int                    # t
    test_accuracy: np.ndarray          # (A, S) final test accuracy of each run
    history_steps: np.ndarray          # (K,) steps at which the test loss was recorded (the last = steps)
    history_test_loss: np.ndarray      # (K, A, S) test cross-entropy at those steps: cheap low-fidelity scores
    step_flops: np.ndarray             # (A,) training_step_flops(widths, t): one step of one model
    params: np.ndarray                 # (A,) parameters (weights + biases)
    inference_flops: np.ndarray        # (A,) forward_flops(widths, 1): one example through the network
    executed_flops: int                # FLOPs the padded batched runs actually executed (all models)
    build_time_s: float                # wall-clock seconds of the whole build

    @property
    def true_accuracy(self) -> np.ndarray:
        """(A,) mean test accuracy over seeds: the ground truth a searcher is judged against."""
        return self.test_accuracy.mean(axis=1)

    @property
    def train_flops(self) -> np.ndarray:
        """(A,) FLOPs of training one model of each architecture for ``steps`` steps."""
        return self.step_flops * self.steps

    def index(self, arch: Architecture) -> int:
        """Row of ``arch`` in the table."""
        return self.architectures.index(arch)


def build_benchmark(space: SearchSpace, data: "Dataset", config: TrainConfig,
                    seeds=(0, 1, 2)) -> Benchmark:
    """Train every architecture of ``space`` with every seed on ``data``: one ``train_grid`` per activation.

    Parameters
    ----------
    space : SearchSpace
        Its n_in and n_out must match the data.
    data : nncomplexity.data.Dataset
    config : TrainConfig
        Shared by all runs; its activation is replaced by each architecture's.
    seeds : sequence of int
        Init seeds; each architecture is trained once per seed.

    Returns
    -------
    Benchmark

    Cost: ``Σ_arch S · steps · training_step_flops(widths, t)`` FLOPs of useful work; the padded
    runs execute ``executed_flops`` (each model costs as much as its depth's largest shape).
    """
    if not isinstance(space, SearchSpace):
        raise TypeError(f"space must be a SearchSpace, got {type(space).__name__}")
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
    if (space.n_in, space.n_out) != (data.n_features, data.classes):
        raise ValueError(f"space must have n_in={data.n_features} and n_out={data.classes} to fit the data, "
                         f"got {space.n_in} and {space.n_out}")
    archs, seeds = enumerate_space(space), [int(s) for s in seeds]
    start, rows, executed = time.perf_counter(), {}, 0
    for act in space.activations:
        group = [a for a in archs if a.activation == act]
        widths = [a.widths(space.n_in, space.n_out) for a in group]
        cfg = TrainConfig(**{**config.__dict__, "activation": act})
        runs = train_grid(widths, data, cfg, seeds)
        for a, w in zip(group, widths):
            rows[a] = runs[tuple(w)]
        for depth in {len(w) for w in widths}:  # the padded run of each depth: its largest shape, every model
            same = [w for w in widths if len(w) == depth]
            big = [max(w[k] for w in same) for k in range(depth)]
            executed += len(same) * len(seeds) * training_step_flops(big, cfg.batch_size) * runs[tuple(same[0])].steps
    build = time.perf_counter() - start
    first = rows[archs[0]]
    full = [a.widths(space.n_in, space.n_out) for a in archs]
    return Benchmark(
        space=space, architectures=archs, seeds=seeds, steps=first.steps, batch_size=config.batch_size,
        test_accuracy=np.stack([rows[a].test_accuracy for a in archs]),                    # (A, S)
        history_steps=np.asarray(first.history_steps),
        history_test_loss=np.stack([rows[a].history_test_loss for a in archs], axis=1),  # (K, A, S)
        step_flops=np.array([training_step_flops(w, config.batch_size) for w in full], dtype=np.int64),
        params=np.array([parameter_count(w) for w in full], dtype=np.int64),
        inference_flops=np.array([forward_flops(w, 1) for w in full], dtype=np.int64),
        executed_flops=int(executed), build_time_s=build)
