"""Arguments without a declared rule for the search package's validated functions (see test_validation)."""
from __future__ import annotations

import numpy as np


def _logits():
    import torch

    g = torch.Generator().manual_seed(0)
    return torch.randn(4, 3, generator=g)


def _labels():
    import torch

    return torch.tensor([0, 1, 2, 0])


OTHER_ARGS = {
    "nncomplexity.train.masks.magnitude_masks": {"weights": lambda: [np.arange(6.0).reshape(2, 3)]},
    "nncomplexity.search.distill.distillation_loss": {"student_logits": _logits, "teacher_logits": _logits,
                                                      "labels": _labels},
}
