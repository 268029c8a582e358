"""Small, seeded data sets for the trainer: scikit-learn's digits and a teacher–student task.

Both return a :class:`Dataset` of float32 inputs and int64 class labels, split
into train and test, and draw every random number from an explicit
``numpy.random.Generator`` or ``torch.Generator`` built from ``seed``, so the
same seed gives the same tensors on every machine and in every notebook.

* :func:`load_digits_split` — the 1,797 8×8 images bundled with scikit-learn
  (no download), shuffled and split, each feature standardised with the
  *training* mean and standard deviation.
* :func:`teacher_student` — Gaussian inputs labelled by a fixed random
  teacher network (the argmax of its logits): unlimited data from a known
  function, for scaling studies where digits is too small.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._validate import Choice, Int, Real, Widths, validate_params
from .kernels.mlp_torch import TORCH_ACTIVATIONS, mlp_torch

if TYPE_CHECKING:  # annotations only
    import torch

__all__ = ["Dataset", "breast_cancer_logistic", "load_digits_split", "teacher_student"]


@dataclass(frozen=True)
class Dataset:
    """Train and test tensors of a classification task (or of a regression, for ``loss="mse"``)."""

    X_train: "torch.Tensor"  # (n_train, n0) float32
    y_train: "torch.Tensor"  # (n_train,) int64 class labels in 0..classes-1; regression: (n_train, nL) float32
    X_test: "torch.Tensor"   # (n_test, n0) float32
    y_test: "torch.Tensor"   # (n_test,) int64
    classes: int             # number of classes, nL (regression: the number of outputs)

    @property
    def n_features(self) -> int:
        """Input width n0."""
        return int(self.X_train.shape[1])


@validate_params(test_fraction=Real(below=1.0), seed=Int(minimum=0))
def load_digits_split(test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """scikit-learn's digits, shuffled with ``seed``, split, standardised: (n, 64) float32, 10 classes.

    The test set is the first ``round(test_fraction · 1797)`` rows of a seeded
    permutation. Features are standardised with the training set's mean and
    standard deviation (constant pixels, σ = 0, are only centred), so no test
    statistic leaks into training.

    Cost: O(n·64); reads a file shipped with scikit-learn.
    """
    import torch
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)  # (1797, 64), (1797,)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = round(test_fraction * len(y))
    if n_test < 1 or n_test >= len(y):
        raise ValueError(f"test_fraction must leave both sets non-empty, got {test_fraction}")
    test, train = order[:n_test], order[n_test:]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    std[std == 0] = 1.0
    Z = ((X - mean) / std).astype(np.float32)  # (1797, 64)
    return Dataset(torch.from_numpy(Z[train]), torch.from_numpy(y[train].astype(np.int64)),
                   torch.from_numpy(Z[test]), torch.from_numpy(y[test].astype(np.int64)), classes=10)


@validate_params(n_train=Int(minimum=1), n_test=Int(minimum=1), widths=Widths(),
                 activation=Choice(TORCH_ACTIVATIONS), seed=Int(minimum=0))
def teacher_student(n_train: int, n_test: int = 1000, widths=(16, 32, 4), activation: str = "relu",
                    seed: int = 0) -> "tuple[Dataset, torch.nn.Sequential]":
    """Gaussian inputs labelled by a random teacher MLP of ``widths``; returns ``(data, teacher)``.

    The teacher is ``mlp_torch(widths, activation, generator=seed)``; inputs are
    x ~ N(0, I_{n0}) from a ``torch.Generator`` seeded with ``seed + 1``, and
    each label is the argmax of the teacher's nL logits, so nL = ``widths[-1]``
    classes (≥ 2). The test set is drawn first, then the training set, from one
    stream: the test set does not depend on ``n_train``, and a larger training
    set starts with the rows of a smaller one (nested data sizes for a scaling study).

    Cost: one forward pass of the teacher, ``forward_flops(widths, n_train + n_test)``.
    """
    import torch

    if widths[-1] < 2:
        raise ValueError(f"widths must end in at least 2 classes, got {widths[-1]}")
    teacher = mlp_torch(widths, activation, generator=seed)
    gen = torch.Generator().manual_seed(seed + 1)
    X_test = torch.randn(n_test, widths[0], generator=gen)    # (n_test, n0)
    X_train = torch.randn(n_train, widths[0], generator=gen)  # (n_train, n0)
    with torch.no_grad():
        y_train = teacher(X_train).argmax(dim=1)  # (n_train, nL) -> (n_train,)
        y_test = teacher(X_test).argmax(dim=1)
    for p in teacher.parameters():
        p.requires_grad_(False)
    return Dataset(X_train, y_train, X_test, y_test, classes=widths[-1]), teacher


def breast_cancer_logistic() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's breast-cancer data for logistic regression: X (569, 31) float64, y (569,) in {−1, +1}.

    The 30 features are standardised (whole set: this is an optimisation problem, not a test of
    generalisation) and a column of ones is appended for the intercept; y = +1 for benign.

    Cost: O(569·30); reads a file shipped with scikit-learn (no download).
    """
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)  # (569, 30), (569,) in {0, 1}
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    return np.column_stack([Z, np.ones(len(y))]), np.where(y == 1, 1.0, -1.0)
