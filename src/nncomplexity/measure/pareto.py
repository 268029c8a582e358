"""The Pareto front of measured (cost, accuracy) pairs: the models no other model beats on both.

Shared by the chapters that put methods or architectures on one accuracy–cost chart
(the cost of scale, compression, the search for small networks).
"""
from __future__ import annotations

import numpy as np


__all__ = ["pareto_front"]


def pareto_front(cost, accuracy) -> np.ndarray:
    """Indices of the non-dominated points (lower cost, higher accuracy), by increasing cost.

    Parameters
    ----------
    cost, accuracy : array_like, shape (P,), finite (a cost or an accuracy of 0 is allowed)

    Returns
    -------
    numpy.ndarray of int
        Point i is kept unless some j has ``cost[j] <= cost[i]`` and
        ``accuracy[j] >= accuracy[i]`` with one inequality strict.

    Cost: O(P log P) (one sort and one sweep).

    Book: chapter 6 (accuracy against operations), chapter 8 (one chart for all methods) and
    chapter 9 (the benchmark's front).
    """
    cost, accuracy = np.asarray(cost, dtype=float), np.asarray(accuracy, dtype=float)
    for name, arr in (("cost", cost), ("accuracy", accuracy)):
        if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be a non-empty 1-D sequence of finite numbers, got shape {arr.shape}")
    if cost.shape != accuracy.shape:
        raise ValueError(f"cost and accuracy must have the same length, got {cost.size} and {accuracy.size}")
    order = np.lexsort((-accuracy, cost))  # by cost, ties: most accurate first
    front, best = [], -np.inf
    for i in order:
        if accuracy[i] > best:
            front.append(int(i))
            best = accuracy[i]
    return np.array(front, dtype=int)
