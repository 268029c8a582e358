"""Magnitude masks (exact counts, the largest kept, PyTorch's pruning agrees) and IMP with its assertions."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from nncomplexity.data import teacher_student  # noqa: E402
from nncomplexity.search import iterative_magnitude_pruning, magnitude_masks, mask_sparsity  # noqa: E402
from nncomplexity.search.lottery import BRANCHES  # noqa: E402
from nncomplexity.train import TrainConfig  # noqa: E402

shapes = st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=1, max_size=4)


@given(shapes, st.floats(0, 0.99), st.integers(0, 1000), st.sampled_from(["global", "layer"]))
@settings(max_examples=80, deadline=None)
def test_exact_count_and_largest_kept(shape_list, sparsity, seed, scope):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(size=s) for s in shape_list]
    masks = magnitude_masks(ws, sparsity, scope=scope)
    assert [m.shape for m in masks] == [w.shape for w in ws] and all(m.dtype == bool for m in masks)
    if scope == "global":
        total = sum(w.size for w in ws)
        assert sum(int((~m).sum()) for m in masks) == round(sparsity * total)
        groups = [(np.concatenate([np.abs(w).ravel() for w in ws]), np.concatenate([m.ravel() for m in masks]))]
    else:
        assert all(int((~m).sum()) == round(sparsity * w.size) for w, m in zip(ws, masks))
        groups = [(np.abs(w).ravel(), m.ravel()) for w, m in zip(ws, masks)]
    for mag, keep in groups:
        if keep.any() and (~keep).any():
            assert mag[keep].min() >= mag[~keep].max()  # nothing pruned is larger than anything kept


def test_agrees_with_pytorch_global_l1_pruning():
    import torch.nn.utils.prune as prune

    gen = torch.Generator().manual_seed(0)
    layers = [torch.nn.Linear(20, 30), torch.nn.Linear(30, 10)]
    for lin in layers:
        lin.weight.data = torch.randn(lin.weight.shape, generator=gen)
    ours = magnitude_masks([lin.weight for lin in layers], 0.6)
    n_prune = round(0.6 * (600 + 300))
    prune.global_unstructured([(lin, "weight") for lin in layers], prune.L1Unstructured, amount=n_prune)
    for lin, m in zip(layers, ours):
        assert isinstance(m, torch.Tensor) and m.dtype == torch.bool
        assert torch.equal(lin.weight_mask.bool(), m)


def test_layer_scope_agrees_with_pytorch_l1_pruning():
    import torch.nn.utils.prune as prune

    lin = torch.nn.Linear(13, 7)
    ours = magnitude_masks([lin.weight.detach()], 0.3, scope="layer")[0]
    prune.l1_unstructured(lin, "weight", amount=round(0.3 * 91))
    assert torch.equal(lin.weight_mask.bool(), ours)


def test_ties_still_give_the_exact_count_and_sparsity_helper():
    ws = [np.zeros((4, 4)), np.ones((2, 2))]
    masks = magnitude_masks(ws, 0.5)
    assert sum(int((~m).sum()) for m in masks) == 10 and masks[1].all()
    assert mask_sparsity(masks) == pytest.approx(0.5)
    assert mask_sparsity(magnitude_masks(ws, 0.0)) == 0.0


@pytest.mark.parametrize("sparsity, exc", [(1.0, ValueError), (-0.1, ValueError), (float("nan"), ValueError),
                                           ("0.5", TypeError)])
def test_bad_sparsity_named(sparsity, exc):
    with pytest.raises(exc, match="sparsity"):
        magnitude_masks([np.ones(3)], sparsity)


def test_bad_weights_and_scope_named():
    with pytest.raises(TypeError, match="weights"):
        magnitude_masks(np.ones(3), 0.5)
    with pytest.raises(ValueError, match="weights"):
        magnitude_masks([np.array([1.0, np.nan])], 0.5)
    with pytest.raises(ValueError, match="scope"):
        magnitude_masks([np.ones(3)], 0.5, scope="row")


@pytest.fixture(scope="module")
def imp():
    data = teacher_student(256, 128, widths=[6, 16, 3], seed=2)[0]
    cfg = TrainConfig(steps=40, batch_size=32)
    return iterative_magnitude_pruning([6, 16, 12, 3], data, cfg, seeds=(0, 1), rounds=3, rate=0.3)


def test_imp_prunes_the_schedule_and_keeps_masks(imp):
    total = 6 * 16 + 16 * 12 + 12 * 3
    expected = [0.0] + [round((1 - 0.7 ** r) * total) / total for r in (1, 2, 3)]
    assert np.allclose(imp.sparsity, expected)
    assert imp.test_accuracy.shape == imp.zero_weights.shape == (4, len(BRANCHES), 2)
    # every branch holds at least the target share of exact zeros after training (masks re-applied)
    assert np.all(imp.zero_weights >= imp.sparsity[:, None, None] - 1e-12)
    assert list(imp.weights_kept) == [total - round(s * total) for s in imp.sparsity]
    from nncomplexity.cost.flops import training_step_flops
    assert imp.flops == (1 + 3 * 3) * 2 * 40 * training_step_flops([6, 16, 12, 3], 32)


def test_imp_catches_masks_that_are_not_reapplied(monkeypatch):
    """The reproduction bug: a mask applied at init only. The round's assertion must fire."""
    from nncomplexity.train.batched import BatchedMLP

    monkeypatch.setattr(BatchedMLP, "apply_masks", lambda self: None)
    data = teacher_student(128, 64, widths=[4, 8, 2], seed=0)[0]
    with pytest.raises(AssertionError, match="non-zero pruned weights"):
        iterative_magnitude_pruning([4, 8, 2], data, TrainConfig(steps=5, batch_size=16), seeds=(0,), rounds=1)


def test_imp_bad_arguments():
    data = teacher_student(64, 16, widths=[4, 8, 2], seed=0)[0]
    with pytest.raises(ValueError, match="rate"):
        iterative_magnitude_pruning([4, 8, 2], data, TrainConfig(steps=2), rate=1.0)
    with pytest.raises(ValueError, match="rounds"):
        iterative_magnitude_pruning([4, 8, 2], data, TrainConfig(steps=2), rounds=0)
