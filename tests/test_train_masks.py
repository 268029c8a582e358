"""The shared magnitude masks agree with PyTorch's own pruning, per layer and globally, on stacked models too."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch.nn.utils import prune  # noqa: E402

from nncomplexity.train.masks import magnitude_masks, mask_sparsity  # noqa: E402


def _holders(ws):
    out = []
    for W in ws:
        h = torch.nn.Module()
        h.weight = torch.nn.Parameter(W.clone())
        out.append(h)
    return out


@pytest.mark.parametrize("sparsity", [0.0, 0.25, 0.5, 0.9])
@pytest.mark.parametrize("seed", [0, 1])
def test_per_layer_and_global_masks_equal_torch_prune(sparsity, seed):
    g = torch.Generator().manual_seed(seed)
    ws = [torch.randn(12, 8, generator=g), torch.randn(5, 12, generator=g)]
    holders = _holders(ws)
    for h in holders:
        prune.l1_unstructured(h, "weight", amount=sparsity)
    for m, h in zip(magnitude_masks(ws, sparsity, scope="layer"), holders):
        assert torch.equal(m.float(), h.weight_mask)
    holders = _holders(ws)
    prune.global_unstructured([(h, "weight") for h in holders], pruning_method=prune.L1Unstructured,
                              amount=sparsity)
    for m, h in zip(magnitude_masks(ws, sparsity, scope="global"), holders):
        assert torch.equal(m.float(), h.weight_mask)


def test_stacked_numpy_and_bad_shapes():
    rng = np.random.default_rng(0)
    ws = [rng.standard_normal((3, 6, 4)), rng.standard_normal((3, 2, 6))]
    masks = magnitude_masks(ws, 0.5)
    assert all(isinstance(m, np.ndarray) and m.dtype == bool for m in masks)
    for i in range(3):
        alone = magnitude_masks([w[i] for w in ws], 0.5)
        assert all(np.array_equal(m[i], a) for m, a in zip(masks, alone))
    assert mask_sparsity(masks) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="weights must be all per-layer"):
        magnitude_masks([rng.standard_normal((6, 4)), rng.standard_normal((3, 2, 6))], 0.5)
