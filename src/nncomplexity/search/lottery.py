"""Lottery tickets (Frankle & Carbin 2019): magnitude masks and iterative magnitude pruning with rewinding.

Train a dense network; keep the largest-magnitude weights; *rewind* the kept weights to their
initial values and train again with the pruned weights held at zero; repeat. The controls:
the same masks with a fresh random init ("reinit"), and random masks of the same per-layer
size with the original init ("random"). All three branches and all seeds of a round train
together in one batched call of the book's trainer (``train_mlps`` with per-model ``init``
and ``masks``). The known failure of reproductions — masks applied once and then lost during
training — is checked after every round: every pruned weight must be exactly zero.

Book: chapter 9, {prf:ref}`def-imp`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..train import TrainConfig, train_mlps
from ..train.masks import keep_largest, magnitude_masks, mask_sparsity

if TYPE_CHECKING:  # annotations only
    from ..data import Dataset

__all__ = ["BRANCHES", "LotteryResult", "iterative_magnitude_pruning", "magnitude_masks", "mask_sparsity"]

BRANCHES = ("rewind", "reinit", "random")
"""The winning-ticket branch and its two controls, in the order of ``LotteryResult.test_accuracy``."""


@dataclass(frozen=True)
class LotteryResult:
    """Iterative magnitude pruning over rounds; round 0 is the dense network."""

    sparsity: np.ndarray       # (R+1,) fraction of weights pruned in each round (biases are never pruned)
    test_accuracy: np.ndarray  # (R+1, 3, S) for BRANCHES = rewind, reinit, random; round 0 identical
    zero_weights: np.ndarray   # (R+1, 3, S) measured fraction of exactly-zero weights after training
    weights_kept: np.ndarray   # (R+1,) weights that remain
    flops: int                 # training FLOPs of all runs (dense count: masked products still execute)


def iterative_magnitude_pruning(widths, data: "Dataset", config: TrainConfig, seeds=(0, 1, 2), *,
                                rounds: int = 5, rate: float = 0.2, scope: str = "global",
                                rewind_step: int = 0) -> LotteryResult:
    """Frankle & Carbin's IMP: each round prunes ``rate`` of the remaining weights, then rewinds.

    ``rewind_step = 0`` rewinds to the initialisation; ``k > 0`` to the weights after k steps of
    dense training (Frankle et al. 2020; the optimiser state restarts). Per round, one batched
    ``train_mlps`` run trains 3 · S models: the three BRANCHES for each seed. After each round
    the trained weights are checked: exactly the pruned entries are zero (``AssertionError`` if not).

    Cost: ``(1 + 3·rounds) · S · steps · training_step_flops(widths, t)`` FLOPs (dense count).
    """
    import torch

    from ..train.batched import BatchedMLP

    if not 0 < rate < 1:
        raise ValueError(f"rate must be in (0, 1), got {rate}")
    if int(rounds) != rounds or rounds < 1:
        raise ValueError(f"rounds must be an integer >= 1, got {rounds}")
    seeds = [int(s) for s in seeds]
    S, L = len(seeds), len(widths) - 1
    start = BatchedMLP(widths, seeds, config.activation)  # the init each seed gets, θ₀
    init = [[w.detach().clone() for w in start.weights], [b.detach().clone() for b in start.biases]]
    flops = 0
    if rewind_step:
        early = train_mlps(widths, data, TrainConfig(**{**config.__dict__, "steps": rewind_step}), seeds)
        init, flops = [list(early.weights), list(early.biases)], int(early.flops.sum())
    fresh = BatchedMLP(widths, [s + 10_000 for s in seeds], config.activation)  # the reinit control's draw
    dense = train_mlps(widths, data, config, seeds, init=init)
    flops += int(dense.flops.sum())
    total = sum(widths[k] * widths[k + 1] for k in range(L))
    acc = [np.repeat(dense.test_accuracy[None], 3, 0)]
    zeros = [np.repeat(np.array([_zero_fraction(dense.weights, i) for i in range(S)])[None], 3, 0)]
    kept_counts, sparsity = [total], [0.0]
    trained = dense.weights  # the rewind branch's weights after the last round, (S, ...) per layer
    masks = [torch.ones(S, widths[k + 1], widths[k], dtype=torch.bool) for k in range(L)]
    rng = np.random.default_rng(seeds[0])
    for r in range(1, rounds + 1):
        n_prune = round((1 - (1 - rate) ** r) * total) if scope == "global" else None
        new = [[] for _ in range(L)]
        rand = [[] for _ in range(L)]
        for i in range(S):
            # score: |w| where kept, -1 where already pruned, so pruned weights stay pruned
            scores = [np.where(masks[k][i].numpy(), trained[k][i].abs().numpy(), -1.0) for k in range(L)]
            per = n_prune if scope == "global" else [
                round((1 - (1 - rate) ** r) * s.size) for s in scores]
            keep = keep_largest(scores, per)
            for k in range(L):
                new[k].append(torch.from_numpy(keep[k]))
                perm = rng.permutation(keep[k].size)  # random mask with the same count per layer
                rand[k].append(torch.from_numpy(keep[k].ravel()[perm].reshape(keep[k].shape)))
        masks = [torch.stack(m) for m in new]  # (S, n[k+1], n[k]) bool
        rand_masks = [torch.stack(m) for m in rand]
        branch_masks = [torch.cat([m, m, q]).float() for m, q in zip(masks, rand_masks)]  # (3S, ...)
        branch_init = ([torch.cat([w, f, w]) for w, f in zip(init[0], fresh.weights)],
                       [torch.cat([b, f, b]) for b, f in zip(init[1], fresh.biases)])
        run = train_mlps(widths, data, config, seeds * 3, init=branch_init, masks=branch_masks)
        flops += int(run.flops.sum())
        z = np.array([_zero_fraction(run.weights, i) for i in range(3 * S)]).reshape(3, S)
        target = 1 - sum(int(m[0].sum()) for m in masks) / total
        for j in range(3 * S):  # the assertion the reproductions forgot
            for k in range(L):
                if torch.any(run.weights[k][j][branch_masks[k][j] == 0] != 0):
                    raise AssertionError(f"round {r}: model {j} has non-zero pruned weights in layer {k}")
        if not np.all(z >= target - 1e-12):
            raise AssertionError(f"round {r}: zero fraction {z.min():.4f} below the target sparsity {target:.4f}")
        acc.append(run.test_accuracy.reshape(3, S))
        zeros.append(z)
        sparsity.append(target)
        kept_counts.append(total - round(target * total))
        trained = [w[:S] for w in run.weights]
    return LotteryResult(np.array(sparsity), np.stack(acc), np.stack(zeros), np.array(kept_counts), flops)


def _zero_fraction(weights, i: int) -> float:
    """Fraction of exactly-zero entries in model i's weights."""
    zero = sum(int((w[i] == 0).sum()) for w in weights)
    return zero / sum(w[i].numel() for w in weights)
