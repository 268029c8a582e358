"""Lab 1, matrix multiplication: the triple loop, its FLOP count, its exponent, GFLOP/s.

References: NumPy's BLAS product (``kernels.matmul.matmul_blas``), ``cost.flops.matmul_flops``,
``measure.fit.fit_power_law``, all computed in the grader's own process.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..answers import Array, Count, Real, close, rel_close
from ..core import Case, CheckFailed, Mistake, Task
from ._common import LOOPS, MULTIPLY_ADDS, NUMPY

LAB, TITLE = "lab01", "Lab 1: Matrix multiplication"
EXPONENT_RANGE = (2.3, 3.7)
"""Accepted fitted exponents for the naive product's time: wide, because timings are noisy."""
# (m, k, n): generic and non-square first (they tell mistakes apart best), then the edges.
SHAPES = [(2, 3, 4), (5, 2, 6), (3, 3, 3), (1, 1, 1), (4, 1, 3), (1, 5, 1), (3, 0, 2), (0, 3, 2)]
LOOSE = dict(rtol=1e-5, atol=1e-6)


class IntCount(Count):
    """An exact count that must be an integer (Python or NumPy int): 48.0 is refused with a diagnosis."""

    def coerce(self, case, value):
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return super().coerce(case, value)
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value)) \
                and float(value).is_integer():
            raise CheckFailed(
                f"{self.what} {case.on} is the float {value!r}: the right number, but not an exact integer. "
                "A float holds integers exactly only up to 2⁵³, so large counts go wrong; keep the arithmetic "
                "in integers (2 * m * k * n, not 2.0 * m * k * n; // instead of /), or return int(...)")
        return super().coerce(case, value)


def _flops(m, k, n):
    from ...cost.flops import matmul_flops

    return matmul_flops(m, k, n)


def _product(A, B):
    from ...kernels.matmul import matmul_blas

    return matmul_blas(A, B)  # (m, k) @ (k, n) -> (m, n)


def _operand_cases(rng):
    def case(m, k, n, dtype=np.float64):
        A, B = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        on = f"for A of shape {(m, k)} and B of shape {(k, n)}" + ("" if dtype is np.float64 else f" ({A.dtype})")
        return Case((A, B), on, rtol=None if dtype is np.float64 else 1e-5)
    return [case(*s) for s in SHAPES] + [case(2, 4, 3, np.float32)]


def _upside_down(got, want, m, k, n, s):
    return rel_close(got, 1 / want) or rel_close(got, s / _flops(m, k, n))


def _shape(got, want):
    return got.shape != want.shape


def _running_total(got, want, A, B):
    return want.size > 1 and got.shape == want.shape and any(
        close(got, c, **LOOSE) for c in (np.cumsum(want.reshape(-1)).reshape(want.shape),
                                         np.cumsum(want, axis=1), np.cumsum(want, axis=0)))


def _count_cases(rng):
    shapes = [(2, 3, 4), (7, 5, 3)] + [tuple(int(v) for v in rng.integers(1, 60, size=3)) for _ in range(3)]
    shapes += [(1, 1, 1), (4, 1, 6), (0, 5, 3), (1000, 2000, 3000)]
    return [Case((m, k, n), f"for m={m}, k={k}, n={n}") for m, k, n in shapes]


def _rate_cases(rng):
    cases = [(2, 3, 4, 1e-6), (1, 1, 1, 1.0), (64, 64, 64, 0.25), (1000, 1000, 1000, 0.01)]
    cases += [(*(int(v) for v in rng.integers(1, 500, size=3)), float(10 ** rng.uniform(-6, 0))) for _ in range(2)]
    return [Case(c, f"for m={c[0]}, k={c[1]}, n={c[2]}, seconds={c[3]:.3g}") for c in cases]


def judge_exponent(naive_sizes, naive_times) -> str:
    """A measured exponent of ``matmul_loops``'s time against n: generous, since it is measured."""
    from ...measure.fit import fit_power_law

    try:
        sizes, times = [float(s) for s in naive_sizes], [float(t) for t in naive_times]
    except (TypeError, ValueError):
        raise CheckFailed("naive_sizes and naive_times must be lists of numbers (sizes n, and seconds per "
                          "call)") from None
    if len(times) == 0:
        raise CheckFailed("naive_times is empty: did the timing cell run to the end (is the line "
                          "`raise NotImplementedError(\"Task 1.3: ...\")` still there)?")
    if len(sizes) != len(times):
        raise CheckFailed(f"naive_sizes has {len(sizes)} entries but naive_times has {len(times)}: "
                          "one median time per size (did the timing cell stop early?)")
    if any(not math.isfinite(v) or v <= 0 for v in sizes + times):
        raise CheckFailed("sizes and times must be positive numbers (a time of 0 means the timer "
                          "did not see the call: use time_call, which repeats fast calls)")
    if len(set(sizes)) < 4:
        raise CheckFailed(f"only {len(set(sizes))} distinct sizes: fit at least 4, so that the exponent has "
                          "a useful confidence interval")
    if max(sizes) / min(sizes) < 3:
        raise CheckFailed("your sizes span less than a factor 3: with so short a range, noise decides the slope. "
                          "Use e.g. n from 16 to 64")
    if max(times) > 1 and min(sizes) < 1:
        raise CheckFailed("your sizes are below 1 and your times above 1 second: did you swap the arguments? "
                          "The sizes n come first, the times second")
    fit = fit_power_law(sizes, times)
    lo, hi = EXPONENT_RANGE
    if lo <= fit.exponent <= hi:
        return (f"fitted exponent {fit}, inside the accepted range [{lo}, {hi}] around the count's 3. "
                "The range is wide because measured times are noisy: other programs, caches and the CPU's "
                "clock speed change from run to run")
    if min(sizes) >= 1000 and 0.6 <= fit.exponent <= 1.4:
        raise CheckFailed(f"fitted exponent {fit}: close to 1. Did you pass the FLOP counts (which grow like n³) "
                          "as sizes instead of n? Fit the time against n")
    if fit.exponent < lo:
        raise CheckFailed(f"fitted exponent {fit} is below {lo}. At small n the fixed cost of each call "
                          "(calling the function, creating the result) is a large part of the time, and it grows "
                          "more slowly than n³: use larger sizes (e.g. 16 to 64). If you timed BLAS (A @ B) "
                          "instead of your loops, its time hardly grows at these sizes")
    raise CheckFailed(f"fitted exponent {fit} is above {hi}: probably noise (another program was busy while the "
                      "largest sizes ran). Re-run the timing cell, with repeats >= 3")


TASKS = [
    Task("1.1", "implement the triple loop", 3, ("matmul_loops",),
         "matmul_loops(A, B) against NumPy's BLAS product on 9 shapes (non-square, 1×1, k = 1, k = 0, m = 0, "
         "float32); diagnoses transposed results, off-by-one sums, running totals, swapped indices; the grader "
         "reads the code: a library product (@, np.dot, np.matmul, einsum, ...) earns nothing",
         cases=_operand_cases, reference=_product, helpers=LOOPS,
         answer=Array("your result", loose=(1e-5, 1e-6)),
         mistakes=(
             Mistake("your result has shape {got_shape} {on}: it is C transposed. C = A @ B has shape (m, n) = "
                     "{want_shape}, with C[i, j] = Σ_p A[i, p]·B[p, j]", alone=True,
                     when=lambda got, want, A, B: _shape(got, want) and close(got, want.T, **LOOSE)),
             Mistake("your result has shape {got_shape} {on}; expected {want_shape}: an empty matrix still has a "
                     "shape. Create C as np.zeros((m, n)) (or reshape to (m, n)) so that m = 0 or n = 0 keeps the "
                     "other dimension", alone=True, when=lambda got, want, A, B: _shape(got, want) and 0 in want.shape),
             Mistake("your result has shape {got_shape} {on}; expected (m, n) = {want_shape}: one row per row of "
                     "A, one column per column of B", alone=True, when=lambda got, want, A, B: _shape(got, want)),
             Mistake("your sum leaves out the last term p = k − 1 (off by one: range(k - 1) instead of range(k)?)",
                     alt=lambda A, B: A[:, :-1] @ B[:-1, :] if A.shape[1] > 1 else None),
             Mistake("your sum leaves out the first term p = 0 (range(1, k) instead of range(k)?)",
                     alt=lambda A, B: A[:, 1:] @ B[1:, :] if A.shape[1] > 1 else None),
             Mistake("each entry holds a running total over earlier entries; set the sum to 0 before the "
                     "innermost loop, once for every entry C[i, j]", when=_running_total),
             Mistake("you computed B @ A; the order matters, C[i, j] = Σ_p A[i, p]·B[p, j]",
                     alt=lambda A, B: B @ A if A.shape[0] == A.shape[1] == B.shape[1] else None),
             Mistake("you read B[j, p] instead of B[p, j] (that computes A @ B.T)",
                     alt=lambda A, B: A @ B.T if B.shape[0] == B.shape[1] else None),
             Mistake("you read A[p, i] instead of A[i, p] (that computes A.T @ B)",
                     alt=lambda A, B: A.T @ B if A.shape[0] == A.shape[1] else None),
         ),
         passed="correct on {n} products, including 1×1, k = 1, k = 0 (a sum of nothing is 0), m = 0 and float32"),
    Task("1.2", "count the FLOPs of a matrix product", 2, ("matmul_flop_count",),
         "matmul_flop_count(m, k, n) against the library's matmul_flops on 9 shapes (random, 1×1×1, m = 0, k = 1, "
         "a large one); diagnoses multiply-adds counted instead of FLOPs, 2k − 1 per entry, square-only formulas, "
         "non-integer counts and floats (an exact count is an int)", cases=_count_cases, reference=_flops,
         answer=IntCount(), helpers=NUMPY,
         mistakes=(
             Mistake(MULTIPLY_ADDS + " (a multiplication and an addition)",
                     when=lambda got, want, m, k, n: got == m * k * n),
             Mistake("you counted k − 1 additions per entry (the first product needs no add). The book's convention, "
                     "PyTorch's too, counts every multiply-add as 2 FLOPs",
                     when=lambda got, want, m, k, n: k > 1 and got == m * n * (2 * k - 1)),
             Mistake("your count uses one dimension only, as if the matrices were square; use all of m, k, n",
                     when=lambda got, want, m, k, n: len({m, k, n}) > 1 and got in {
                         2 * m ** 3, 2 * k ** 3, 2 * n ** 3, m ** 3, k ** 3, n ** 3}),
             Mistake("your count grows like the size of the matrices, but each of the m·n entries of C needs k "
                     "multiply-adds", when=lambda got, want, m, k, n: got in {
                         2 * m * n, m * n, 2 * (m * k + k * n), m * k + k * n}),
         ),
         passed="exact on {n} shapes, including 1×1×1, m = 0 and a 1000×2000 by 2000×3000 product"),
    Task("1.3", "measure and fit the naive product's exponent", 2, ("naive_sizes", "naive_times"),
         f"fits naive_times against naive_sizes (≥ 4 sizes spanning ≥ 3×) with fit_power_law and accepts an "
         f"exponent in [{EXPONENT_RANGE[0]}, {EXPONENT_RANGE[1]}] (timings are noisy); diagnoses FLOPs passed as "
         "sizes, swapped arguments, overhead-dominated small sizes", kind="values", judge=judge_exponent),
    Task("1.4", "convert a time into GFLOP/s", 1, ("gflops",),
         "gflops(m, k, n, seconds) against matmul_flops(m, k, n) / seconds / 1e9 on 6 inputs; diagnoses "
         "multiply-adds for FLOPs, a missing 10⁹, 2³⁰ for 10⁹, inverted ratios",
         cases=_rate_cases, reference=lambda m, k, n, s: _flops(m, k, n) / s / 1e9, helpers=NUMPY,
         answer=Real("your rate", " GFLOP/s"),
         mistakes=(
             Mistake(MULTIPLY_ADDS, alt=lambda m, k, n, s: _flops(m, k, n) / s / 1e9 / 2),
             Mistake("that is FLOP/s; divide by 10⁹ for GFLOP/s", alt=lambda m, k, n, s: _flops(m, k, n) / s),
             Mistake("the G of GFLOP/s is 10⁹, not 2³⁰", alt=lambda m, k, n, s: _flops(m, k, n) / s / 2 ** 30),
             Mistake("your ratio is upside down (seconds per FLOP); a rate is FLOPs / seconds",
                     when=lambda got, want, m, k, n, s: _upside_down(got, want, m, k, n, s)),
             Mistake("multiply by seconds? A rate divides the work by the time",
                     alt=lambda m, k, n, s: _flops(m, k, n) * s / 1e9),
         ),
         passed="correct on {n} inputs"),
    Task("1.5", "explain the gap to BLAS", 0, (), "free-text answer, read by the instructor: not auto-graded",
         kind="manual"),
]
