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

from ..measure.pareto import pareto_front

__all__ = ["IMAGENET_POINTS", "ImageNetPoint", "pareto_front"]  # pareto_front: measure.pareto, shared


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
