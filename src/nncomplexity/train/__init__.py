"""The book's one trainer for small PyTorch models: many MLPs at once, seeded, FLOPs counted.

Shared by the scale, compression and search chapters::

    from nncomplexity.data import load_digits_split
    from nncomplexity.train import TrainConfig, train_mlps
    data = load_digits_split(seed=0)
    run = train_mlps([64, 32, 10], data, TrainConfig(steps=300), seeds=range(20))
    run.test_accuracy, run.flops          # (20,) each

* :mod:`.config` — :class:`TrainConfig` (frozen, a comment per field) and :class:`TrainResult`.
* :mod:`.batched` — :class:`BatchedMLP`: M models of one shape stacked along a leading axis,
  trained with batched products (``torch.baddbmm``); masks; :func:`distillation_loss`.
* :mod:`.loop` — :func:`train_mlps` (one shape, many seeds / learning rates; masks, a
  rewind init, distillation, a time budget) and :func:`train_grid` (many widths: one padded,
  masked run per depth, each model training exactly as it would alone).

PyTorch is imported when a model is built or trained, not when this package is imported
(``config`` and ``loop`` import it lazily; ``batched`` needs it at import).
"""
from .config import OPTIMIZERS, TrainConfig, TrainResult
from .loop import train_grid, train_mlps

__all__ = ["OPTIMIZERS", "TrainConfig", "TrainResult", "train_grid", "train_mlps"]
