"""The trainer's configuration and its result: two frozen dataclasses, a comment per field."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .._validate import check_choice, check_int, check_positive_float
from ..kernels.mlp_torch import TORCH_ACTIVATIONS

if TYPE_CHECKING:  # annotations only
    import torch

__all__ = ["LOSSES", "OPTIMIZERS", "TrainConfig", "TrainResult"]

LOSSES = ("cross_entropy", "mse")
"""Training losses: cross-entropy on integer labels (classification), or mean squared error on float
targets of shape (n, nL) (regression; the chapter on learning laws)."""

OPTIMIZERS = ("sgd", "momentum", "adam")
"""Update rules, each as ``torch.optim`` defines it (SGD, SGD with momentum, Adam with L2 decay)."""


@dataclass(frozen=True)
class TrainConfig:
    """How to train: the same for every model of a batched run (learning rates may differ, see ``train_mlps``)."""

    steps: int = 200                 # optimiser steps (ignored when ``epochs`` is set)
    epochs: int | None = None        # if set, steps = epochs · ⌊n_train / batch_size⌋ (whole passes)
    batch_size: int = 64             # t, examples per step; the last partial batch of an epoch is dropped
    optimizer: str = "adam"          # "sgd", "momentum" or "adam" (OPTIMIZERS)
    learning_rate: float = 1e-2      # η; a per-model list can be passed to train_mlps instead
    momentum: float = 0.9            # μ of "momentum" (β1 of "adam" is fixed at 0.9, β2 at 0.999)
    weight_decay: float = 0.0        # L2 coefficient added to the gradient, as torch.optim does
    activation: str = "relu"         # hidden activation (a name of kernels.mlp_torch.TORCH_ACTIVATIONS)
    loss: str = "cross_entropy"      # "cross_entropy" (int labels) or "mse" (float targets (n, nL); LOSSES)
    seed: int = 0                    # seeds the data order (shared by all models unless own_order)
    own_order: bool = False          # each model shuffles the data with its own init seed
    time_budget_s: float | None = None  # stop cleanly once this many seconds have passed (checked before
                                        # each step; the first step always runs); None: no limit
    threads: int | None = 1          # torch intra-op threads during the run, restored after (None: leave
                                     # PyTorch's); small models gain nothing from threads on a shared CPU
    checkpoints: int = 5             # loss-history points, evenly spaced, the last at the final step
    distill_temperature: float = 4.0  # T of the distillation loss (used only with teacher logits)
    distill_alpha: float = 0.5       # α, weight of the distillation term (1 − α on the labels)

    def __post_init__(self):
        check_int("steps", self.steps, minimum=1)
        if self.epochs is not None:
            check_int("epochs", self.epochs, minimum=1)
        check_int("batch_size", self.batch_size, minimum=1)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_positive_float("learning_rate", self.learning_rate)
        check_positive_float("momentum", self.momentum, allow_zero=True)
        if self.momentum >= 1:
            raise ValueError(f"momentum must be < 1, got {self.momentum}")
        check_positive_float("weight_decay", self.weight_decay, allow_zero=True)
        check_choice("activation", self.activation, TORCH_ACTIVATIONS)
        check_choice("loss", self.loss, LOSSES)
        check_int("seed", self.seed, minimum=0)
        if not isinstance(self.own_order, bool):
            raise TypeError(f"own_order must be a bool, got {self.own_order!r}")
        if self.time_budget_s is not None:
            check_positive_float("time_budget_s", self.time_budget_s)
        if self.threads is not None:
            check_int("threads", self.threads, minimum=1)
        check_int("checkpoints", self.checkpoints, minimum=1)
        check_positive_float("distill_temperature", self.distill_temperature)
        check_positive_float("distill_alpha", self.distill_alpha, allow_zero=True)
        if self.distill_alpha > 1:
            raise ValueError(f"distill_alpha must be <= 1, got {self.distill_alpha}")


@dataclass(frozen=True)
class TrainResult:
    """What a batched run returns; arrays have one entry per model (leading axis M)."""

    widths: list[int]                # [n0, ..., nL], the same for every model of the run
    seeds: list[int]                 # init seed of each model
    learning_rates: np.ndarray       # (M,) η of each model
    train_loss: np.ndarray           # (M,) mean cross-entropy (MSE with loss="mse") on the whole training set
    train_accuracy: np.ndarray       # (M,) fraction correct on the training set (NaN with loss="mse")
    test_loss: np.ndarray            # (M,) on the test set (NaN when there is none)
    test_accuracy: np.ndarray        # (M,)
    history_steps: list[int]         # steps at which the history was taken
    history_loss: np.ndarray         # (checkpoints, M) training mini-batch loss at those steps
    history_test_loss: np.ndarray    # (checkpoints, M) test loss at those steps (NaN without a test set)
    history_test_accuracy: np.ndarray  # (checkpoints, M) test accuracy at those steps (NaN without a test set)
    steps_planned: int               # steps the config asked for
    steps: int                       # steps run (fewer when the budget ran out)
    stopped_by_budget: bool          # True if time_budget_s ended the run early
    wall_time_s: float               # seconds spent in the training loop (evaluation included)
    flops: np.ndarray                # (M,) int64: training_step_flops(widths, t) · steps, per model
    weights: "list[torch.Tensor]" = field(repr=False)  # per layer (M, n[k], n[k-1]), final
    biases: "list[torch.Tensor]" = field(repr=False)   # per layer (M, n[k]), final

    @property
    def n_models(self) -> int:
        """M, the number of models trained together."""
        return len(self.seeds)

    @property
    def status(self) -> str:
        """One line: how the run ended."""
        if self.stopped_by_budget:
            return f"stopped by the time budget after {self.steps} of {self.steps_planned} steps"
        return f"completed {self.steps} steps"
