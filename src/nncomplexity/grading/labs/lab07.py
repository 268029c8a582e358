"""Lab 7, hardware and parallelism: the ring's bytes, its reduce-scatter, the batch for the ridge, bubbles, Amdahl.

References (the grader's own process): ``cost.communication.allreduce_bytes`` and
``pipeline_bubble_fraction``, ``cost.memory.gemm_intensity`` (the least batch is
searched with it, not computed by the closed form the students derive), the
grader's own NumPy reduce-scatter (``_reduce_scatter``: the chunks and send order of
``parallel.ring.ring_allreduce``), ``parallel.amdahl.amdahl_serial_fraction``.
"""
from __future__ import annotations

import numpy as np

from ..answers import Array, Count, Real
from ..core import Case, Mistake, Task
from ._common import NUMPY

LAB, TITLE = "lab07", "Lab 7: Hardware and parallelism"


# =========================================================================== Task 7.1
def _bytes_ref(n, p, b, rank):
    from ...cost.communication import allreduce_bytes

    return allreduce_bytes(n, p, b, rank=rank)


def _bytes_cases(rng):
    cases = [(12, 4, 4, 0), (10, 3, 4, 0), (10, 3, 4, 1), (7, 2, 2, 1), (1000, 1, 4, 0), (5, 8, 4, 3),
             (1_000_003, 4, 2, 2)]
    cases += [(int(rng.integers(1, 10_000)), int(rng.integers(2, 17)), 4, 0) for _ in range(2)]
    return [Case(c, f"for n={c[0]}, p={c[1]}, b={c[2]}, rank={c[3]}") for c in cases]


# =========================================================================== Task 7.2
def _cut(n, p, cut="split"):
    """The ``p`` chunks of ``range(n)`` as slices: np.array_split's cut, or a mistaken one ("last", "ceil")."""
    q, rest = divmod(n, p)
    if cut == "split":  # the first n mod p chunks one larger (np.array_split, torch.tensor_split)
        sizes = [q + 1 if i < rest else q for i in range(p)]
    elif cut == "last":  # the remainder all in the last chunk
        sizes = [q] * (p - 1) + [n - q * (p - 1)]
    else:  # "ceil": chunks of ceil(n/p) until the vector runs out (torch.chunk)
        step = -(-n // p)
        sizes = [max(0, min(step, n - i * step)) for i in range(p)]
    bounds = np.cumsum([0] + sizes)
    return [slice(int(bounds[i]), int(bounds[i + 1])) for i in range(p)]


def _reduce_scatter(V, steps=None, right=True, offset=0, add=True, cut="split"):
    """The grader's own reduce-scatter on plain arrays: V (p, n) after ``steps`` (default p − 1) steps.

    At step s process r sends chunk (r − s) mod p to process (r + 1) mod p, which adds it to its
    copy; every step is computed from the state before it (all sends of a step happen at once).
    The keywords switch on a mistake: the other direction, a chunk index ``offset``, a copy for
    an add, another ``cut``.
    """
    V = np.array(V, dtype=float)  # (p, n)
    p, n = V.shape
    chunk = _cut(n, p, cut)
    for s in range(p - 1 if steps is None else steps):
        old = V.copy()
        for r in range(p):
            if right:
                c, to = chunk[(r - s + offset) % p], (r + 1) % p
            else:  # the mirror image: to the left, chunk (r + s) mod p
                c, to = chunk[(r + s - offset) % p], (r - 1) % p
            V[to, c] = (old[to, c] if add else 0.0) + old[r, c]
    return V


def _ring_ref(V):
    return _reduce_scatter(V)


def _ring_cases(rng):
    shapes = [(3, 7), (4, 10), (2, 5), (5, 13), (4, 8), (3, 2), (1, 4)]
    return [Case((rng.integers(-9, 10, size=s).astype(float).tolist(),), f"for {s[0]} process{'es' if s[0] > 1 else ''}, n = {s[1]}")
            for s in shapes]


# =========================================================================== Task 7.3
def _batch_ref(ridge, n, s):
    from ...cost.memory import gemm_intensity

    if n <= ridge * s:
        return -1
    lo, hi = 1, 1
    while gemm_intensity(hi, n, n, s) < ridge:
        hi *= 2
    while lo < hi:  # least t with intensity >= ridge
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if gemm_intensity(mid, n, n, s) < ridge else (lo, mid)
    return lo


def _batch_cases(rng):
    cases = [(295.0, 8192, 2), (2706.0, 8192, 1), (139.0, 4096, 2), (5.0, 1024, 4), (300.0, 512, 2),
             (10.0, 20, 4)]
    return [Case(c, f"for ridge={c[0]:g}, n={c[1]}, s={c[2]}") for c in cases]


# =========================================================================== Tasks 7.4, 7.5
def _bubble_ref(p, m):
    from ...cost.communication import pipeline_bubble_fraction

    return float(pipeline_bubble_fraction(p, m))


def _bubble_cases(rng):
    return [Case(c, f"for p={c[0]}, m={c[1]}") for c in [(4, 8), (8, 63), (2, 1), (1, 5), (16, 4), (3, 100)]]


def _amdahl_ref(S, p):
    from ...parallel.amdahl import amdahl_serial_fraction

    return amdahl_serial_fraction(S, p)


def _amdahl_cases(rng):
    return [Case(c, f"for speed-up {c[0]:g} at p={c[1]}") for c in [(1.6, 2), (5.9, 8), (1.0, 4), (2.0, 2),
                                                                      (20.0, 64)]]


TASKS = [
    Task("7.1", "count the bytes a ring all-reduce sends", 2, ("ring_bytes",),
         "ring_bytes(n, p, b, rank) against cost.communication.allreduce_bytes on 9 inputs (p dividing n or not, "
         "p = 1, p > n, a large n); diagnoses 2(p − 1)·n·b (whole vectors per step), one phase only, ⌊n/p⌋-sized "
         "chunks for every rank, a float", cases=_bytes_cases, reference=_bytes_ref, answer=Count("your byte count"),
         helpers=NUMPY,
         mistakes=(
             Mistake("you sent the whole vector at every step; each step of the ring sends one chunk of about n/p",
                     alt=lambda n, p, b, r: 2 * (p - 1) * n * b),
             Mistake("that is one phase only: the reduce-scatter leaves each process one summed chunk, and the "
                     "all-gather sends p − 1 more chunks", alt=lambda n, p, b, r: _bytes_ref(n, p, b, r) // 2
                     if _bytes_ref(n, p, b, r) % 2 == 0 else None),
             Mistake("you assumed every chunk has ⌊n/p⌋ elements; when p does not divide n the first n mod p chunks "
                     "have one more (torch.tensor_split's cut), and the count depends on which two chunks the rank "
                     "does not send", alt=lambda n, p, b, r: 2 * (p - 1) * (n // p) * b),
             Mistake("you forgot the bytes per element b", alt=lambda n, p, b, r: _bytes_ref(n, p, 1, r)),
         ),
         passed="exact on {n} inputs, including uneven chunks, p = 1 and p > n"),
    Task("7.2", "simulate the ring's reduce-scatter", 3, ("ring_reduce_scatter",),
         "ring_reduce_scatter(vectors) (a list of p lists of numbers) against the grader's own NumPy ring after "
         "its p − 1 reduce-scatter steps on 7 rings (p = 1 to 5, n not a multiple of p, n < p); diagnoses every "
         "row the full sum (a plain sum or the finished all-reduce), a copy for an add, p steps, a chunk index "
         "one off, the other direction, chunks not cut like np.array_split, inputs returned unchanged",
         cases=_ring_cases, reference=_ring_ref, answer=Array("your vectors", rtol=1e-12, atol=1e-12),
         helpers=NUMPY,
         mistakes=(
             Mistake("every row holds the full sum: that is the finished all-reduce (or the rows simply summed), "
                     "not the state after the reduce-scatter. After its p − 1 steps process r holds the full sum "
                     "only in chunk (r + 1) mod p; its other chunks hold partial sums, and chunk r is still its own "
                     "input", alt=lambda V: np.repeat(np.sum(np.array(V, dtype=float), axis=0, keepdims=True),
                                                      len(V), axis=0)),
             Mistake("these are the inputs, unchanged: run the p − 1 reduce-scatter steps on a copy of them",
                     alt=lambda V: np.array(V, dtype=float)),
             Mistake("the receiving process copies the chunk over its own; in the reduce-scatter it must add the "
                     "chunk to its copy (copying is the all-gather's rule)",
                     alt=lambda V: _reduce_scatter(V, add=False)),
             Mistake("you ran p steps; the reduce-scatter has p − 1 (steps s = 0, ..., p − 2)",
                     alt=lambda V: _reduce_scatter(V, steps=len(V))),
             Mistake("the full sums sit in chunk r of process r: your chunk index is one off. At step s process r "
                     "sends chunk (r − s) mod p, its own chunk r first, so the full sum ends in chunk (r + 1) mod p",
                     alt=lambda V: _reduce_scatter(V, offset=-1)),
             Mistake("your chunk index is one off: at step s process r sends chunk (r − s) mod p, not "
                     "(r − s + 1) mod p", alt=lambda V: _reduce_scatter(V, offset=1)),
             Mistake("your ring runs the other way: process r sends to its right-hand neighbour (r + 1) mod p "
                     "and receives from (r − 1) mod p", alt=lambda V: _reduce_scatter(V, right=False)),
             Mistake("your chunks put the whole remainder in the last one; cut as np.array_split does, the first "
                     "n mod p chunks one element longer", alt=lambda V: _reduce_scatter(V, cut="last")),
             Mistake("your chunks have ⌈n/p⌉ elements until the vector runs out (torch.chunk's cut); cut as "
                     "np.array_split does, the first n mod p chunks one element longer",
                     alt=lambda V: _reduce_scatter(V, cut="ceil")),
         ),
         passed="every process's chunks, partial and full sums, right on {n} rings"),
    Task("7.3", "find the batch that reaches the ridge", 2, ("min_batch",),
         "min_batch(ridge, n, s) against a search with cost.memory.gemm_intensity on 6 inputs, -1 when no batch "
         "suffices; diagnoses the large-n approximation R·s/2, a missing s, rounding down",
         cases=_batch_cases, reference=_batch_ref, answer=Count("your batch"), helpers=NUMPY,
         mistakes=(
             Mistake("R·s/2 is the limit for n much larger than R·s; use the exact threshold R·s·n / (2(n − R·s))",
                     alt=lambda R, n, s: int(np.ceil(R * s / 2))),
             Mistake("you rounded down: the least integer t with intensity >= ridge is the ceiling",
                     alt=lambda R, n, s: int(np.floor(R * s * n / (2 * (n - R * s)))) if n > R * s else None),
             Mistake("the bytes per number s are missing: intensity is FLOPs over bytes",
                     alt=lambda R, n, s: int(np.ceil(R * n / (2 * (n - R)))) if n > R and s != 1 else None),
             Mistake("when n <= R·s no batch reaches the ridge: return -1",
                     when=lambda got, want, R, n, s: want == -1),
         ),
         passed="exact on {n} inputs, including one where no batch suffices"),
    Task("7.4", "compute the pipeline bubble", 1, ("bubble_fraction",),
         "bubble_fraction(p, m) against (p − 1)/(m + p − 1) on 6 inputs; diagnoses (p − 1)/m, (p − 1)/(m + p), "
         "1 − 1/p", cases=_bubble_cases, reference=_bubble_ref, answer=Real("your fraction"), helpers=NUMPY,
         mistakes=(
             Mistake("the pass lasts m + p − 1 slots, not m: divide the idle slots by the whole length",
                     alt=lambda p, m: (p - 1) / m),
             Mistake("the pass lasts m + p − 1 slots (the last micro-batch enters stage p at slot m + p − 2, "
                     "counting from 0), not m + p", alt=lambda p, m: (p - 1) / (m + p)),
             Mistake("1 − 1/p is the idle share without micro-batches only for m = 1; use m",
                     alt=lambda p, m: 1 - 1 / p if m > 1 else None),
         ),
         passed="correct on {n} inputs"),
    Task("7.5", "fit Amdahl's serial fraction", 1, ("serial_fraction",),
         "serial_fraction(S, p) against (p/S − 1)/(p − 1) on 5 inputs; diagnoses 1/S, 1 − S/p",
         cases=_amdahl_cases, reference=_amdahl_ref, answer=Real("your fraction"), helpers=NUMPY,
         mistakes=(
             Mistake("1/S is the bound as p → ∞ read backwards; solve S = 1/(f + (1 − f)/p) for f at the given p",
                     alt=lambda S, p: 1 / S),
             Mistake("1 − S/p is the lost efficiency, not the serial fraction; solve S = 1/(f + (1 − f)/p) for f",
                     alt=lambda S, p: 1 - S / p),
         ),
         passed="correct on {n} inputs"),
    Task("7.6", "explain the measured data-parallel step", 0, (), "free-text answer, read by the instructor: "
         "not auto-graded", kind="manual"),
]
