"""Lab 8, compressing trained networks: magnitude masks, break-even rank, int8, XNOR dot, a Pareto choice.

References (the grader's own process): a magnitude mask and symmetric int8 written here in
NumPy, ``cost.flops.lowrank_break_even_rank``, the ±1 dot product computed from the bits'
signs, and the most accurate method within a latency budget.
"""
from __future__ import annotations

import numpy as np

from ..answers import Answer, Array, Count
from ..core import Case, Helpers, Mistake, Task
from ._common import NUMPY, count

LAB, TITLE = "lab08", "Lab 8: Compressing trained networks"


# =========================================================================== Task 8.1
def _mask_cases(rng):
    shapes = [((4, 5), 0.5), ((6, 3), 0.8), ((1, 10), 0.3), ((3, 3), 0.0), ((8, 16), 0.9)]
    cases = []
    for shape, s in shapes:
        W = rng.permutation(np.arange(1, np.prod(shape) + 1)).reshape(shape) * rng.choice([-1.0, 1.0], size=shape)
        W = W / W.size  # distinct magnitudes: no ties
        cases.append(Case((W, s), f"for W of shape {shape}, sparsity {s}"))
    return cases


def _mask(W, s, key=np.abs, per_row=False, keep_small=False):
    if per_row:
        return np.vstack([_mask(row[None], s, key) for row in W])
    n_cut = int(round(s * W.size))
    order = np.argsort(key(W), axis=None)  # ascending
    mask = np.ones(W.size)
    cut = order[W.size - n_cut:] if keep_small else order[:n_cut]
    mask[cut] = 0.0
    return mask.reshape(W.shape)


# =========================================================================== Task 8.2
def _rank_cases(rng):
    pairs = [(64, 128), (128, 128), (2, 2), (4, 4), (3, 6), (10, 1000), (1, 1), (4096, 1000)]
    pairs += [tuple(int(v) for v in rng.integers(1, 300, size=2)) for _ in range(3)]
    return [Case(p, f"for W of shape ({p[0]}, {p[1]})") for p in pairs]


# =========================================================================== Task 8.3
def _int8_cases(rng):
    Ws = [rng.standard_normal((4, 6)), rng.standard_normal((1, 8)) * 10, -np.abs(rng.standard_normal((3, 5))),
          rng.standard_normal((5, 5)) * 1e-3, np.array([[0.5, -1.0, 0.25, 0.999]])]
    return [Case((W,), f"for W of shape {W.shape} (max |w| = {np.abs(W).max():.3g})") for W in Ws]


def _int8(W, denom=127, key=np.abs, rounding=np.round):
    scale = key(W).max() / denom
    return scale * np.clip(rounding(W / scale), -127, 127)


# =========================================================================== Task 8.4
def _bits(rng, k):
    return int(rng.integers(0, 2, size=k) @ (1 << np.arange(k, dtype=object))) if k else 0


def _dot_cases(rng):
    cases = []
    for k in (8, 1, 64, 65, 13, 100):
        a, b = _bits(rng, k), _bits(rng, k)
        cases.append(Case((a, b, k), f"for k = {k}"))
    cases.append(Case((0, 0, 5), "for k = 5, all −1"))
    return cases


def _signs(x, k):
    return np.array([1 if (x >> i) & 1 else -1 for i in range(k)], dtype=np.int64)


def _dot(a, b, k):
    return int(_signs(a, k) @ _signs(b, k))


def _agree(a, b, k):
    return k - bin((a ^ b) & ((1 << k) - 1)).count("1")


# =========================================================================== Task 8.5
METHODS = [("dense", 1.00, 0.971), ("pruned 90%, dense kernel", 0.98, 0.958), ("pruned 90%, CSR", 0.86, 0.958),
           ("neurons 64", 0.44, 0.973), ("neurons 32", 0.23, 0.951), ("neurons 16", 0.17, 0.865),
           ("rank 8", 0.47, 0.950), ("rank 16", 0.62, 0.973), ("int8 torch", 1.14, 0.967)]


def _pareto_cases(rng):
    budgets = [0.5, 0.44, 0.3, 1.2, 0.17, 0.1]
    return [Case(([list(m) for m in METHODS], b), f"for latency budget {b}") for b in budgets]


def _choose(methods, budget, strict=False, ignore=False, fastest=False):
    ok = [m for m in methods if ignore or (m[1] < budget if strict else m[1] <= budget)]
    if not ok:
        return None
    if fastest:
        return min(ok, key=lambda m: m[1])[0]
    return max(ok, key=lambda m: (m[2], -m[1]))[0]


class Name(Answer):
    """A method's name, or None."""

    what = "your choice"

    def coerce(self, case, value):
        return value if value is None else str(value)


TASKS = [
    Task("8.1", "build a magnitude pruning mask", 2, ("magnitude_mask",),
         "magnitude_mask(W, sparsity) against a mask removing the round(s·size) smallest |w| on 5 matrices "
         "(sparsity 0 and 0.9, one row, signed weights); diagnoses signed values, keeping the smallest, "
         "pruning each row on its own", cases=_mask_cases, reference=_mask, helpers=NUMPY,
         answer=Array("your mask", wrong="wrong mask"),
         mistakes=(
             Mistake("you ranked the signed weights; magnitude pruning ranks |w|, so a large negative weight stays",
                     lambda W, s: _mask(W, s, key=lambda x: x)),
             Mistake("your mask keeps the smallest weights and removes the largest; 0 marks a removed weight",
                     lambda W, s: _mask(W, s, keep_small=True)),
             Mistake("you pruned each row on its own; the task prunes the whole matrix at once (per layer)",
                     lambda W, s: _mask(W, s, per_row=True)),
             Mistake("your mask is inverted: 1 must mark a weight that is kept", lambda W, s: 1 - _mask(W, s)),
         ),
         passed="removes exactly the smallest magnitudes on {n} matrices"),
    Task("8.2", "find the low-rank break-even rank", 1, ("break_even_rank",),
         "break_even_rank(m, n) against the largest r with r·(m + n) < m·n on 11 shapes (square, 2 × 2, 1 × 1, "
         "exact divisions); diagnoses <= instead of <, rounding up, min(m, n) // 2", cases=_rank_cases,
         reference=lambda m, n: count("lowrank_break_even_rank", n, m), helpers=NUMPY, answer=Count("your rank"),
         mistakes=(
             Mistake("at r = m·n/(m + n) the factored layer costs exactly as much as the dense one: it must be "
                     "strictly cheaper, r·(m + n) < m·n", lambda m, n: (m * n) // (m + n)),
             Mistake("you rounded up; the rank must satisfy r·(m + n) < m·n",
                     when=lambda got, want, m, n: got * (m + n) >= m * n and got == -(-(m * n) // (m + n))),
             Mistake("min(m, n) // 2 is right only for a square layer; solve r·(m + n) < m·n",
                     lambda m, n: min(m, n) // 2),
         ),
         passed="exact on {n} shapes"),
    Task("8.3", "quantise to symmetric int8 and back", 2, ("int8_roundtrip",),
         "int8_roundtrip(W) against scale·clip(round(W/scale), −127, 127) with scale = max|W|/127 on 5 matrices "
         "(all negative, tiny, one row); diagnoses truncation, max W instead of max |W|, 128 or 255 levels",
         cases=_int8_cases, reference=_int8, helpers=NUMPY, answer=Array("your values", wrong="wrong values"),
         mistakes=(
             Mistake("you truncated (astype(int) or np.trunc) instead of rounding: errors reach a whole step",
                     lambda W: _int8(W, rounding=np.trunc)),
             Mistake("the scale must come from max |W|, not max W: negative weights are clipped",
                     lambda W: _int8(W, key=lambda x: x) if W.max() > 0 else None),
             Mistake("symmetric int8 uses the levels −127..127, so scale = max|W| / 127 (you used 128)",
                     lambda W: _int8(W, denom=128)),
             Mistake("255 levels span −max|W|..max|W|, so the step is max|W| / 127 (you used / 255)",
                     lambda W: _int8(W, denom=255)),
         ),
         passed="matches on {n} matrices"),
    Task("8.4", "compute a ±1 dot product by XNOR and popcount", 2, ("binary_dot",),
         "binary_dot(a, b, k) for k-bit integers (bit i = 1 means +1) against the ±1 dot product on 7 cases "
         "(k = 1, 64, 65, all −1); diagnoses XOR for XNOR, the agreements without 2a − k, bits above k counted",
         cases=_dot_cases, reference=_dot, helpers=NUMPY, answer=Count("your dot product"),
         mistakes=(
             Mistake("you counted disagreements (XOR); the product is +1 where the bits agree (XNOR)",
                     lambda a, b, k: 2 * (k - _agree(a, b, k)) - k),
             Mistake("that is the number of agreements a; the dot product is a − (k − a) = 2a − k",
                     lambda a, b, k: _agree(a, b, k)),
             Mistake("you forgot to subtract k: the dot product is 2·popcount(XNOR) − k",
                     lambda a, b, k: 2 * _agree(a, b, k)),
         ),
         passed="exact on {n} cases"),
    Task("8.5", "choose a method under a latency budget", 1, ("choose_method",),
         "choose_method(methods, budget) on a Pareto table of 9 methods (name, latency, accuracy) for 6 budgets "
         "(one exactly on a latency, one below all); diagnoses the budget ignored, < for <=, the fastest chosen",
         cases=_pareto_cases, reference=_choose, helpers=NUMPY, answer=Name(),
         mistakes=(
             Mistake("that method is over the budget: keep only methods with latency <= budget",
                     lambda m, b: _choose(m, b, ignore=True)),
             Mistake("a latency equal to the budget meets it: use <=", lambda m, b: _choose(m, b, strict=True)),
             Mistake("you chose the fastest; choose the most accurate within the budget",
                     lambda m, b: _choose(m, b, fastest=True)),
         ),
         passed="right on {n} budgets, including none affordable (None)"),
    Task("8.6", "explain why zeros did not speed up the product", 0, (),
         "free-text answer, read by the instructor: not auto-graded", kind="manual"),
]
