"""Pruning: masks as torch.nn.utils.prune makes them, neurons removed exactly, sparse counts and crossover."""
from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nncomplexity.compress import crossover, magnitude_masks, prune_neurons  # noqa: E402
from nncomplexity.cost.flops import forward_flops, sparse_matmul_flops  # noqa: E402
from nncomplexity.cost.memory import csr_bytes  # noqa: E402


def _weights(M=None, seed=0):
    g = torch.Generator().manual_seed(seed)
    shape = (lambda *s: s) if M is None else (lambda *s: (M, *s))
    return [torch.randn(*shape(12, 8), generator=g), torch.randn(*shape(6, 12), generator=g),
            torch.randn(*shape(3, 6), generator=g)]


@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.5, 0.9])
def test_layer_masks_remove_the_smallest(sparsity):
    ws = _weights()
    masks = magnitude_masks(ws, sparsity, scope="layer")
    for W, m in zip(ws, masks):
        removed = int(round(sparsity * W.numel()))
        assert int((m == 0).sum()) == removed
        if 0 < removed < W.numel():
            assert W.abs()[m == 0].max() <= W.abs()[m == 1].min()


def test_global_masks_rank_all_weights_together():
    ws = _weights()
    masks = magnitude_masks(ws, 0.5, scope="global")
    kept = torch.cat([W.abs()[m == 1] for W, m in zip(ws, masks)])
    cut = torch.cat([W.abs()[m == 0] for W, m in zip(ws, masks)])
    assert len(cut) == round(0.5 * sum(W.numel() for W in ws))
    assert cut.max() <= kept.min()


def test_stacked_models_are_pruned_each_on_its_own():
    ws = _weights(M=3)
    masks = magnitude_masks(ws, 0.6, scope="global")
    for i in range(3):
        alone = magnitude_masks([W[i] for W in ws], 0.6, scope="global")
        for k in range(3):
            assert torch.equal(masks[k][i], alone[k])


def test_pruning_bad_inputs():
    with pytest.raises(TypeError, match="weights"):
        magnitude_masks(torch.ones(3, 3), 0.5)
    with pytest.raises(ValueError, match="weights"):
        magnitude_masks([torch.ones(3, 3), torch.ones(2, 3, 3)], 0.5)
    with pytest.raises(ValueError, match="weights"):
        magnitude_masks([torch.full((3, 3), math.nan)], 0.5)


def _forward(ws, bs, x):
    for k, (W, b) in enumerate(zip(ws, bs)):
        x = x @ W.T + b
        if k < len(ws) - 1:
            x = torch.relu(x)
    return x


def test_removing_dead_neurons_keeps_the_function():
    ws = _weights()
    bs = [torch.randn(W.shape[0]) for W in ws]
    ws[0][[1, 5, 9]] = 0.0  # three neurons with no input and no bias: they output relu(0) = 0
    bs[0][[1, 5, 9]] = 0.0
    small_w, small_b, kept = prune_neurons(ws, bs, [9, 6])
    assert [tuple(W.shape) for W in small_w] == [(9, 8), (6, 9), (3, 6)]
    assert set(kept[0].tolist()).isdisjoint({1, 5, 9})
    x = torch.randn(10, 8)
    torch.testing.assert_close(_forward(small_w, small_b, x), _forward(ws, bs, x))
    assert forward_flops([8, 9, 6, 3], 10) < forward_flops([8, 12, 6, 3], 10)


def test_scores_ignore_relu_rescaling_and_stack():
    ws, bs = _weights(M=2), [torch.randn(2, n) for n in (12, 6, 3)]
    scaled_w = [W.clone() for W in ws]
    scaled_b = [b.clone() for b in bs]
    scaled_w[0][:, 4] *= 10.0  # neuron 4: in × 10, out ÷ 10, same function
    scaled_b[0][:, 4] *= 10.0
    scaled_w[1][:, :, 4] /= 10.0
    a = prune_neurons(ws, bs, [7, 4])[2]
    b = prune_neurons(scaled_w, scaled_b, [7, 4])[2]
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert a[0].shape == (2, 7)


@pytest.mark.parametrize("keep", [[0, 3], [13, 3], [5], "ab", [2.0, 3]])
def test_bad_keep(keep):
    ws, bs = _weights(), [torch.zeros(n) for n in (12, 6, 3)]
    with pytest.raises(ValueError, match="keep"):
        prune_neurons(ws, bs, keep)


def test_sparse_counts_match_csr_storage():
    W = torch.randn(50, 40)
    W[W.abs() < 1.0] = 0.0
    csr = W.to_sparse_csr()
    nnz = int(csr.values().numel())
    stored = csr.values().nbytes + csr.col_indices().nbytes + csr.crow_indices().nbytes
    assert stored == csr_bytes(nnz, 50)
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as counter:
        torch.randn(7, 40) @ W.T  # the dense kernel: zeros and all
    assert counter.get_total_flops() == 2 * 7 * 40 * 50 > sparse_matmul_flops(nnz, 7)


def test_crossover_reads_the_first_crossing():
    est = crossover([0.5, 0.8, 0.9, 0.99], [4.0, 2.0, 1.5, 0.5], [3.0, 1.5, 0.9, 0.4], [5.0, 3.0, 2.0, 1.2])
    assert est.value == pytest.approx(0.945)
    assert est.ci_low == pytest.approx(0.8 + 0.5 / 0.6 * 0.1)
    assert est.ci_high == math.inf
    assert crossover([0.1, 0.2], [0.5, 0.4], [0.4, 0.3], [0.6, 0.5]).value == 0.1
    with pytest.raises(ValueError, match="ratio_low"):
        crossover([0.1, 0.2], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0])
    with pytest.raises(ValueError, match="sparsity"):
        crossover([0.2, 0.1], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0])
