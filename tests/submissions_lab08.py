"""Lab 8's submissions for tests/test_grading.py: the solution and plausible wrong answers per task."""
from __future__ import annotations

import numpy as np


def magnitude_mask(W, sparsity):
    n_cut = int(round(sparsity * W.size))
    mask = np.ones(W.size)
    mask[np.argsort(np.abs(W), axis=None)[:n_cut]] = 0.0
    return mask.reshape(W.shape)


def _signed_mask(W, sparsity):
    n_cut = int(round(sparsity * W.size))
    mask = np.ones(W.size)
    mask[np.argsort(W, axis=None)[:n_cut]] = 0.0
    return mask.reshape(W.shape)


def _row_mask(W, sparsity):
    return np.vstack([magnitude_mask(row[None], sparsity) for row in W])


def break_even_rank(m, n):
    return (m * n - 1) // (m + n)


def int8_roundtrip(W):
    scale = np.abs(W).max() / 127
    return scale * np.clip(np.round(W / scale), -127, 127)


def _int8(W, denom=127, rounding=np.round, signed=False):
    scale = (W.max() if signed else np.abs(W).max()) / denom
    return scale * np.clip(rounding(W / scale), -127, 127)


def binary_dot(a, b, k):
    agree = bin(~(a ^ b) & ((1 << k) - 1)).count("1")
    return 2 * agree - k


def choose_method(methods, budget):
    affordable = [m for m in methods if m[1] <= budget]
    if not affordable:
        return None
    return max(affordable, key=lambda m: (m[2], -m[1]))[0]


SUBMISSIONS = {
    "8.1": ((magnitude_mask,), [
        ((_signed_mask,), ["signed weights", "|w|"]),
        ((lambda W, s: 1 - magnitude_mask(W, s),), ["removes the largest"]),
        ((_row_mask,), ["each row on its own"]),
    ]),
    "8.2": ((break_even_rank,), [
        ((lambda m, n: (m * n) // (m + n),), ["strictly cheaper", "is 64; expected 63"]),
        ((lambda m, n: -(-(m * n) // (m + n)),), ["rounded up"]),
        ((lambda m, n: min(m, n) // 2,), ["only for a square layer"]),
    ]),
    "8.3": ((int8_roundtrip,), [
        ((lambda W: _int8(W, rounding=np.trunc),), ["truncated"]),
        ((lambda W: _int8(W, signed=True),), ["max |W|, not max W"]),
        ((lambda W: _int8(W, denom=128),), ["you used 128"]),
        ((lambda W: _int8(W, denom=255),), ["you used / 255"]),
    ]),
    "8.4": ((binary_dot,), [
        ((lambda a, b, k: 2 * bin((a ^ b) & ((1 << k) - 1)).count("1") - k,), ["XOR", "XNOR"]),
        ((lambda a, b, k: bin(~(a ^ b) & ((1 << k) - 1)).count("1"),), ["2a − k"]),
        ((lambda a, b, k: 2 * bin(~(a ^ b) & ((1 << k) - 1)).count("1"),), ["subtract k"]),
    ]),
    "8.5": ((choose_method,), [
        ((lambda m, b: max(m, key=lambda x: x[2])[0],), ["over the budget"]),
        ((lambda m, b: choose_method([x for x in m if x[1] < b], b),), ["use <="]),
        ((lambda m, b: min(m, key=lambda x: x[1])[0] if any(x[1] <= b for x in m) else None,), ["the fastest"]),
    ]),
}
DIAGNOSE_ONLY: set[str] = set()
