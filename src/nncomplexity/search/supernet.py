"""Weight sharing (ENAS, once-for-all): one supernet whose sub-networks are scored without training.

The supernet holds the largest architecture of a space of one activation: hidden layers of
the largest width, as many as the largest depth, and one output layer. A sub-network with
hidden widths (n1, ..., nd) uses the first d hidden layers, the top-left n[k]×n[k-1] block of
each weight matrix, and the first nd columns of the output layer. Each training step samples
a few sub-networks (always the largest and the smallest — the "sandwich" of once-for-all —
plus random ones) and descends the sum of their losses on the *shared* weights. Afterwards
any sub-network is scored by its test accuracy with the inherited weights, and the question
is how well that ranking matches the true one (Kendall τ against the benchmark).

This is a different algorithm from training many independent models, so it has its own
short loop (plain ``torch.optim.Adam``) rather than the book's batched trainer.

Book: chapter 9, "Weight sharing".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..cost.flops import training_step_flops
from .space import Architecture, SearchSpace, enumerate_space

if TYPE_CHECKING:  # annotations only
    import torch

    from ..data import Dataset

__all__ = ["Supernet", "inherited_accuracy", "train_supernet"]


@dataclass
class Supernet:
    """Shared weights of the largest network of a one-activation space."""

    space: SearchSpace
    activation: str
    weights: list        # hidden layers (n_max, n_in) then (n_max, n_max)…, output (n_out, n_max)
    biases: list
    flops: int           # training FLOPs spent (sum over sampled sub-networks of their step counts)

    def logits(self, arch: Architecture, X: "torch.Tensor") -> "torch.Tensor":
        """Sub-network ``arch`` on X (t, n_in) -> (t, n_out) with the inherited weights."""
        import torch.nn.functional as F

        from ..train.batched import _ACT

        A, prev = X, self.space.n_in
        for k, n in enumerate(arch.hidden):
            A = _ACT[self.activation](F.linear(A, self.weights[k][:n, :prev], self.biases[k][:n]))  # (t, n)
            prev = n
        return F.linear(A, self.weights[-1][:, :prev], self.biases[-1])  # (t, n_out)


def train_supernet(space: SearchSpace, data: "Dataset", *, activation: str = "relu", steps: int = 300,
                   samples: int = 4, batch_size: int = 64, learning_rate: float = 1e-2,
                   seed: int = 0) -> Supernet:
    """Train the shared weights: each step, the largest, the smallest and ``samples − 2`` random sub-networks.

    Cost: ``Σ_steps Σ_sampled training_step_flops(widths, t)`` FLOPs (returned as ``flops``).
    """
    import torch
    import torch.nn.functional as F

    if activation not in space.activations:
        raise ValueError(f"activation must be one of the space's {space.activations}, got {activation!r}")
    if samples < 2:
        raise ValueError(f"samples must be >= 2 (the largest and the smallest), got {samples}")
    archs = [a for a in enumerate_space(space) if a.activation == activation]
    big = Architecture((max(space.widths),) * max(space.depths), activation)
    small = Architecture((min(space.widths),) * min(space.depths), activation)
    n, gen = max(space.widths), torch.Generator().manual_seed(seed)
    shapes = [(n, space.n_in)] + [(n, n)] * (max(space.depths) - 1) + [(space.n_out, n)]
    weights, biases = [], []
    for rows, cols in shapes:  # PyTorch's default init, U(-1/√fan_in, 1/√fan_in), from our generator
        bound = 1 / np.sqrt(cols)
        weights.append(((torch.rand(rows, cols, generator=gen) * 2 - 1) * bound).requires_grad_())
        biases.append(((torch.rand(rows, generator=gen) * 2 - 1) * bound).requires_grad_())
    net = Supernet(space, activation, weights, biases, 0)
    opt = torch.optim.Adam([*weights, *biases], lr=learning_rate)
    rng = np.random.default_rng(seed)
    n_train = len(data.y_train)
    for _ in range(steps):
        idx = torch.from_numpy(rng.choice(n_train, size=batch_size, replace=False))
        X, y = data.X_train[idx], data.y_train[idx]  # (t, n_in), (t,)
        picks = [big, small] + [archs[j] for j in rng.choice(len(archs), size=samples - 2)]
        loss = sum(F.cross_entropy(net.logits(a, X), y) for a in picks)
        opt.zero_grad()
        loss.backward()
        opt.step()
        net.flops += sum(training_step_flops(a.widths(space.n_in, space.n_out), batch_size) for a in picks)
    return net


def inherited_accuracy(net: Supernet, archs, data: "Dataset") -> np.ndarray:
    """Test accuracy of each sub-network with the supernet's weights, no further training: (A,)."""
    import torch

    with torch.no_grad():
        return np.array([float((net.logits(a, data.X_test).argmax(1) == data.y_test).float().mean())
                         for a in archs])
