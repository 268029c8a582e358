"""Lab 7's submissions for tests/test_grading.py: the solution and plausible wrong answers per task."""
from __future__ import annotations

import math

import numpy as np


def ring_bytes(n, p, b, rank):
    if p == 1:
        return 0
    c = [n // p + (1 if i < n % p else 0) for i in range(p)]
    return b * (2 * n - c[(rank + 1) % p] - c[(rank + 2) % p])


def ring_reduce_scatter(vectors, steps=None, left=False, offset=0, add=True, cut="split"):
    """The solution; the keywords switch on a student's mistake."""
    V = np.array(vectors, dtype=float)  # (p, n)
    p, n = V.shape
    if cut == "split":  # np.array_split's cut
        pieces = np.array_split(np.arange(n), p)
    elif cut == "last":  # the remainder in the last chunk
        q = n // p
        pieces = [np.arange(i * q, (i + 1) * q) for i in range(p - 1)] + [np.arange((p - 1) * q, n)]
    else:  # torch.chunk's cut: ceil(n/p) elements until the vector runs out
        q = -(-n // p)
        pieces = [np.arange(min(i * q, n), min((i + 1) * q, n)) for i in range(p)]
    for s in range(p - 1 if steps is None else steps):
        old = V.copy()
        for r in range(p):
            dst = (r - 1) % p if left else (r + 1) % p
            idx = pieces[((r + s) if left else (r - s + offset)) % p]
            V[dst, idx] = (old[dst, idx] if add else 0) + old[r, idx]
    return V


def _all_rows_summed(vectors):
    V = np.array(vectors, dtype=float)
    return np.tile(V.sum(axis=0), (len(V), 1))


def _ring_allreduce(vectors):
    """Reduce-scatter, then the all-gather: what the lab's old Task 7.2 asked for."""
    V = ring_reduce_scatter(vectors)
    p, n = V.shape
    pieces = np.array_split(np.arange(n), p)
    for s in range(p - 1):
        old = V.copy()
        for r in range(p):
            V[(r + 1) % p, pieces[(r + 1 - s) % p]] = old[r, pieces[(r + 1 - s) % p]]
    return V


def min_batch(ridge, n, s):
    if n <= ridge * s:
        return -1
    t = math.ceil(ridge * s * n / (2 * (n - ridge * s)))
    while 2 * (t - 1) * n * n >= ridge * s * (2 * (t - 1) * n + n * n) and t > 1:  # float safety
        t -= 1
    while 2 * t * n * n < ridge * s * (2 * t * n + n * n):
        t += 1
    return t


SUBMISSIONS = {
    "7.1": ((ring_bytes,), [
        ((lambda n, p, b, r: 2 * (p - 1) * n * b,), ["whole vector at every step"]),
        ((lambda n, p, b, r: 2 * (p - 1) * (n // p) * b,), ["⌊n/p⌋"]),
        ((lambda n, p, b, r: ring_bytes(n, p, b, r) // 2,), ["one phase only"]),
        ((lambda n, p, b, r: ring_bytes(n, p, 1, r),), ["bytes per element"]),
    ]),
    "7.2": ((ring_reduce_scatter,), [
        ((_all_rows_summed,), ["every row holds the full sum", "rows simply summed", "chunk (r + 1) mod p"]),
        ((_ring_allreduce,), ["every row holds the full sum", "finished all-reduce"]),
        ((lambda V: [list(map(float, row)) for row in V],), ["the inputs, unchanged"]),
        ((lambda V: ring_reduce_scatter(V, add=False),), ["copies the chunk", "must add"]),
        ((lambda V: ring_reduce_scatter(V, steps=len(V)),), ["ran p steps", "p − 1"]),
        ((lambda V: ring_reduce_scatter(V, offset=-1),), ["chunk r of process r", "one off"]),
        ((lambda V: ring_reduce_scatter(V, offset=1),), ["one off", "(r − s + 1) mod p"]),
        ((lambda V: ring_reduce_scatter(V, left=True),), ["the other way", "(r + 1) mod p"]),
        ((lambda V: ring_reduce_scatter(V, cut="last"),), ["whole remainder in the last one"]),
        ((lambda V: ring_reduce_scatter(V, cut="ceil"),), ["⌈n/p⌉", "torch.chunk"]),
    ]),
    "7.3": ((min_batch,), [
        ((lambda R, n, s: math.ceil(R * s / 2),), ["R·s/2"]),
        ((lambda R, n, s: math.floor(R * s * n / (2 * (n - R * s))) if n > R * s else -1,), ["rounded down"]),
        ((lambda R, n, s: math.ceil(R * s * n / (2 * (n - R * s))) if n > R * s else 0,), ["return -1"]),
    ]),
    "7.4": ((lambda p, m: (p - 1) / (m + p - 1),), [
        ((lambda p, m: (p - 1) / m,), ["m + p − 1 slots, not m"]),
        ((lambda p, m: (p - 1) / (m + p),), ["not m + p"]),
        ((lambda p, m: 1 - 1 / p,), ["1 − 1/p"]),
    ]),
    "7.5": ((lambda S, p: (p / S - 1) / (p - 1),), [
        ((lambda S, p: 1 / S,), ["1/S"]),
        ((lambda S, p: 1 - S / p,), ["lost efficiency"]),
    ]),
}
DIAGNOSE_ONLY: set[str] = set()
