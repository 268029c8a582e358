"""Accuracy against operations: the Pareto front, and the ImageNet points of Bianco et al. (2018).

A model is on the Pareto front when no other model is at least as accurate for
at most as many operations (and strictly better in one). Bianco et al. plot
ImageNet top-1 accuracy against operations per image for dozens of
architectures; the few points below are *approximate readings* of that figure,
rounded (accuracy to the percent, operations to two significant figures), kept
only where they agree with the architectures' own papers. They show the figure's
shape, not its exact values.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import Positive1D, validate_params

__all__ = ["IMAGENET_POINTS", "ImageNetPoint", "pareto_front"]


@dataclass(frozen=True)
class ImageNetPoint:
    """One architecture in Bianco et al.'s accuracy-against-operations figure (approximate)."""

    name: str          # the architecture
    gflops: float      # G multiply-adds per 224-ish image, forward (Bianco et al.'s "G-FLOPs")
    top1: float        # single-crop ImageNet top-1 accuracy, percent
    params_m: float    # parameters, millions


IMAGENET_POINTS: tuple[ImageNetPoint, ...] = (
    ImageNetPoint("AlexNet", 0.72, 57, 61),
    ImageNetPoint("GoogLeNet", 1.5, 69, 7),
    ImageNetPoint("VGG-16", 15.5, 72, 138),
    ImageNetPoint("ResNet-50", 3.9, 76, 26),
    ImageNetPoint("ResNet-152", 11.3, 78, 60),
    ImageNetPoint("Inception-v3", 5.7, 77, 24),
    ImageNetPoint("MobileNet-v2", 0.3, 72, 3.5),
    ImageNetPoint("NASNet-A-Large", 23.8, 82, 89),
)
"""Approximate readings of Bianco et al. (2018), Fig. 1 (see the module docstring)."""


@validate_params(cost=Positive1D(), accuracy=Positive1D())
def pareto_front(cost, accuracy) -> np.ndarray:
    """Indices of the non-dominated points (lower cost, higher accuracy), by increasing cost.

    Parameters
    ----------
    cost, accuracy : array_like, shape (P,), positive

    Returns
    -------
    numpy.ndarray of int
        Point i is kept unless some j has ``cost[j] <= cost[i]`` and
        ``accuracy[j] >= accuracy[i]`` with one inequality strict.

    Cost: O(P log P) (one sort and one sweep).

    Book: chapter 6, the accuracy-per-operation figure.
    """
    if cost.shape != accuracy.shape:
        raise ValueError(f"cost and accuracy must have the same length, got {cost.size} and {accuracy.size}")
    order = np.lexsort((-accuracy, cost))  # by cost, ties: most accurate first
    front, best = [], -np.inf
    for i in order:
        if accuracy[i] > best:
            front.append(int(i))
            best = accuracy[i]
    return np.array(front, dtype=int)
