"""Knowledge distillation (Hinton et al. 2015): the loss, validated, and a temperature × α grid.

A student is trained on ``α·T²·KL(softmax(z_teacher/T) ‖ softmax(z_student/T)) + (1 − α)·CE``:
at a high temperature T the teacher's softened outputs carry how it ranks the *wrong*
classes ("dark knowledge"); T² keeps that term's gradient on the scale of the hard one.
The trainer already knows this loss (``train_mlps(..., teacher_logits=...)``); this module
checks its arguments and runs the grid of T and α over seeds that the chapter plots.

Book: chapter 9, {prf:ref}`def-distillation`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._validate import Real, validate_params
from ..train import TrainConfig, train_mlps

if TYPE_CHECKING:  # annotations only
    from ..data import Dataset

__all__ = ["distill_grid", "distillation_loss", "teacher_logits"]


@validate_params(temperature=Real(), alpha=Real(allow_zero=True))
def distillation_loss(student_logits, teacher_logits, labels, temperature: float, alpha: float):
    """α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α)·CE(student, labels), batch means.

    Parameters
    ----------
    student_logits, teacher_logits : torch.Tensor, (t, c)
    labels : torch.Tensor of int64, (t,)
    temperature : float > 0
    alpha : float in [0, 1]

    Returns
    -------
    torch scalar, differentiable in ``student_logits``.

    Book: chapter 9, {prf:ref}`def-distillation`. Cost: O(t·c).
    """
    import torch

    from ..train.batched import distillation_loss as _loss

    if alpha > 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    for name, z in (("student_logits", student_logits), ("teacher_logits", teacher_logits)):
        if not isinstance(z, torch.Tensor) or z.dim() != 2 or not z.is_floating_point():
            raise TypeError(f"{name} must be a 2-D floating torch tensor (t, c)")
    if teacher_logits.shape != student_logits.shape:
        raise ValueError(f"teacher_logits must have the student's shape {tuple(student_logits.shape)}, "
                         f"got {tuple(teacher_logits.shape)}")
    if not isinstance(labels, torch.Tensor) or labels.shape != student_logits.shape[:1] or labels.is_floating_point():
        raise ValueError(f"labels must be an integer tensor of shape ({student_logits.shape[0]},)")
    return _loss(student_logits, teacher_logits, labels, temperature, alpha)


def teacher_logits(run, X) -> "torch.Tensor":
    """Logits of model 0 of a finished ``train_mlps`` run on inputs X: (n, nL), no gradient."""
    import torch

    from ..train.batched import BatchedMLP

    net = BatchedMLP(run.widths, run.seeds[:1], init=([w[:1] for w in run.weights], [b[:1] for b in run.biases]))
    with torch.no_grad():
        return net.forward(X)[0]  # (n, nL)


def distill_grid(teacher_widths, student_widths, data: "Dataset", config: TrainConfig, *,
                 temperatures=(1.0, 4.0), alphas=(0.5, 0.9), seeds=(0, 1, 2), teacher_seed: int = 0,
                 teacher_config: TrainConfig | None = None) -> dict:
    """Train one teacher, then students for every (T, α) and seed, plus the α = 0 baseline.

    Returns a dict: ``accuracy`` (len(T), len(α), S), ``baseline`` (S,) trained on labels only,
    ``teacher_accuracy`` (float), ``flops`` {"teacher", "students"} training FLOPs.
    Cost: one teacher run and ``len(T)·len(α) + 1`` student runs of S models each.
    """
    tcfg = teacher_config or config
    teacher = train_mlps(list(teacher_widths), data, tcfg, [teacher_seed])
    logits = teacher_logits(teacher, data.X_train)
    seeds = [int(s) for s in seeds]
    base = train_mlps(list(student_widths), data, config, seeds)
    acc = np.zeros((len(temperatures), len(alphas), len(seeds)))
    flops = int(base.flops.sum())
    for a, T in enumerate(temperatures):
        for b, alpha in enumerate(alphas):
            cfg = TrainConfig(**{**config.__dict__, "distill_temperature": float(T), "distill_alpha": float(alpha)})
            run = train_mlps(list(student_widths), data, cfg, seeds, teacher_logits=logits)
            acc[a, b] = run.test_accuracy
            flops += int(run.flops.sum())
    return {"accuracy": acc, "baseline": base.test_accuracy, "teacher_accuracy": float(teacher.test_accuracy[0]),
            "flops": {"teacher": int(teacher.flops.sum()), "students": flops}}
