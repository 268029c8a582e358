"""The search space: MLPs described by a depth, a width per hidden layer and one activation.

An architecture is ``Architecture(hidden=(n1, ..., n_{L-1}), activation)``; its layer widths are
``[n0, *hidden, nL]`` with n0 and nL fixed by the data. With W allowed widths, depths
D = {d1, ...} and A activations the space holds ``A · Σ_{d∈D} W^d`` architectures
(:func:`space_size`), and :func:`enumerate_space` lists them in a fixed order, which is
the index every table of the benchmark uses.

Book: chapter 9, {prf:ref}`prop-space-size`.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._validate import check_choice, check_int
from ..kernels.mlp_torch import TORCH_ACTIVATIONS

__all__ = ["Architecture", "SearchSpace", "enumerate_space", "mutate", "sample_architecture", "space_size"]


class Architecture(NamedTuple):
    """One point of the space: hidden widths (n1, ..., n_{L-1}) and the hidden activation."""

    hidden: tuple[int, ...]  # widths of the hidden layers, 1 or more
    activation: str          # a name of kernels.mlp_torch.TORCH_ACTIVATIONS

    def widths(self, n_in: int, n_out: int) -> list[int]:
        """Layer widths ``[n0, n1, ..., nL]``."""
        return [n_in, *self.hidden, n_out]

    def label(self) -> str:
        """Short name, e.g. ``'32-16 relu'``."""
        return "-".join(map(str, self.hidden)) + " " + self.activation


@dataclass(frozen=True)
class SearchSpace:
    """Depths × widths per layer × activations; n_in and n_out come from the data."""

    widths: tuple[int, ...] = (8, 16, 32)                      # allowed width of each hidden layer
    depths: tuple[int, ...] = (1, 2, 3)                        # allowed numbers of hidden layers
    activations: tuple[str, ...] = ("relu", "tanh", "sigmoid")  # allowed hidden activations
    n_in: int = 64                                             # n0, the data's features (digits: 8×8)
    n_out: int = 10                                            # nL, the classes

    def __post_init__(self):
        for name in ("widths", "depths", "activations"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not value or len(set(value)) != len(value):
                raise ValueError(f"{name} must be a non-empty tuple of distinct values, got {value!r}")
        for i, w in enumerate(self.widths):
            check_int(f"widths[{i}]", w, minimum=1)
        for i, d in enumerate(self.depths):
            check_int(f"depths[{i}]", d, minimum=1)
        for a in self.activations:
            check_choice("activations", a, TORCH_ACTIVATIONS)
        check_int("n_in", self.n_in, minimum=1)
        check_int("n_out", self.n_out, minimum=1)


def space_size(space: SearchSpace) -> int:
    """``A · Σ_{d ∈ depths} W^d``: the number of architectures. Book: chapter 9. Cost: O(|depths|)."""
    return len(space.activations) * sum(len(space.widths) ** d for d in space.depths)


def enumerate_space(space: SearchSpace) -> list[Architecture]:
    """Every architecture, ordered by activation, then depth, then widths (lexicographic).

    Cost: O(space_size) tuples.
    """
    if not isinstance(space, SearchSpace):
        raise TypeError(f"space must be a SearchSpace, got {type(space).__name__}")
    return [Architecture(tuple(h), a) for a in space.activations for d in sorted(space.depths)
            for h in itertools.product(sorted(space.widths), repeat=d)]


def sample_architecture(space: SearchSpace, rng: np.random.Generator) -> Architecture:
    """Uniform over the space (depth drawn in proportion to how many architectures it holds)."""
    depths = sorted(space.depths)
    counts = np.array([len(space.widths) ** d for d in depths], float)  # (|D|,)
    d = depths[rng.choice(len(depths), p=counts / counts.sum())]
    hidden = tuple(int(w) for w in rng.choice(space.widths, size=d))
    return Architecture(hidden, str(space.activations[rng.integers(len(space.activations))]))


def mutate(arch: Architecture, space: SearchSpace, rng: np.random.Generator) -> Architecture:
    """One random edit that changes the architecture (regularised evolution's mutation).

    Edits: change one layer's width, change the activation, add layers or remove layers (to the
    next allowed depth up or down, usually one layer). An edit that would leave the architecture
    unchanged is not offered.
    """
    d = len(arch.hidden)
    up = [x for x in space.depths if x > d]
    down = [x for x in space.depths if x < d]
    edits = []
    if len(space.widths) > 1:
        edits.append("width")
    if len(space.activations) > 1:
        edits.append("activation")
    if up:
        edits.append("add")
    if down:
        edits.append("remove")
    if not edits:
        raise ValueError("space has a single architecture: nothing to mutate")
    edit, h = edits[rng.integers(len(edits))], list(arch.hidden)
    if edit == "width":
        k = int(rng.integers(len(h)))
        h[k] = int(rng.choice([w for w in space.widths if w != h[k]]))
    elif edit == "activation":
        return Architecture(arch.hidden, str(rng.choice([a for a in space.activations if a != arch.activation])))
    elif edit == "add":
        for _ in range(min(up) - d):
            h.insert(int(rng.integers(len(h) + 1)), int(rng.choice(space.widths)))
    else:
        for _ in range(d - max(down)):
            del h[int(rng.integers(len(h)))]
    return Architecture(tuple(h), arch.activation)
