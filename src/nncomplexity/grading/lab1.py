"""Checks for Lab 1, matrix multiplication.

=====  ===========================  =============================================
Task   student object               check
=====  ===========================  =============================================
1.1    ``matmul_loops(A, B)``       :func:`check_matmul`
1.2    ``matmul_flop_count(m,k,n)`` :func:`check_flop_count`
1.3    ``naive_sizes, naive_times`` :func:`check_exponent` (a measurement: generous)
1.4    ``gflops(m, k, n, seconds)`` :func:`check_gflops`
1.5    free-text answer             graded by hand
=====  ===========================  =============================================

References: :func:`~nncomplexity.kernels.matmul.matmul_blas` (NumPy's BLAS)
for the product, :func:`~nncomplexity.kernels.matmul.matmul_flops` for the
count, :func:`~nncomplexity.measure.fit.fit_power_law` for the exponent.
"""
from __future__ import annotations

import math

import numpy as np

from ..kernels.matmul import matmul_blas, matmul_flops
from ..measure.fit import fit_power_law
from ._util import as_count, as_float_array, as_real, close, fmt_int, rel_close, shape_str, worst_entry
from .core import CheckFailed, call, manual_task, require_callable, task

__all__ = ["check_exponent", "check_flop_count", "check_gflops", "check_matmul"]

# (m, k, n): generic and non-square first (they tell mistakes apart best), then the edges.
_MATMUL_SHAPES = [(2, 3, 4), (5, 2, 6), (3, 3, 3), (1, 1, 1), (4, 1, 3), (1, 5, 1), (3, 0, 2), (0, 3, 2)]

EXPONENT_RANGE = (2.3, 3.7)
"""Accepted fitted exponents for the naive product's time: wide, because timings are noisy."""


# =========================================================================== Task 1.1
class _UsedBLAS(BaseException):
    """Raised when the function under test calls a library matrix product on a probe array."""


_BLOCKED_FUNCTIONS = {np.matmul, np.dot, np.inner, np.vdot, np.tensordot, np.einsum, np.linalg.multi_dot}


class _LoopsOnly(np.ndarray):
    """An array that refuses library matrix products (@, np.matmul, np.dot, ...): the task is the loops."""

    def __matmul__(self, other):
        raise _UsedBLAS("@")

    def __rmatmul__(self, other):
        raise _UsedBLAS("@")

    def dot(self, *args, **kwargs):
        raise _UsedBLAS("ndarray.dot")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc is np.matmul:
            raise _UsedBLAS("np.matmul")
        inputs = tuple(x.view(np.ndarray) if isinstance(x, _LoopsOnly) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _LoopsOnly) else o for o in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func in _BLOCKED_FUNCTIONS:
            raise _UsedBLAS(f"np.{func.__name__}")
        return super().__array_function__(func, types, args, kwargs)


def _operands(m: int, k: int, n: int, rng: np.random.Generator, dtype=np.float64):
    A = rng.standard_normal((m, k)).astype(dtype)  # (m, k)
    B = rng.standard_normal((k, n)).astype(dtype)  # (k, n)
    return A, B


def _describe(A: np.ndarray, B: np.ndarray) -> str:
    text = f"for A of shape {shape_str(A.shape)} and B of shape {shape_str(B.shape)}"
    if A.dtype != np.float64:
        text += f" ({A.dtype})"
    return text


def _diagnose_matmul(A: np.ndarray, B: np.ndarray, got: np.ndarray, want: np.ndarray, on: str) -> str:
    m, k = A.shape
    n = B.shape[1]
    tol = dict(rtol=1e-5, atol=1e-6)
    if got.shape != want.shape:
        if got.shape == (n, m) and close(got, want.T, **tol):
            return (f"your result has shape {shape_str(got.shape)} {on}: it is C transposed. "
                    f"C = A @ B has shape (m, n) = {shape_str(want.shape)}, with C[i, j] = Σ_p A[i, p]·B[p, j]")
        if 0 in want.shape:
            return (f"your result has shape {shape_str(got.shape)} {on}; expected {shape_str(want.shape)}: "
                    "an empty matrix still has a shape. Create C as np.zeros((m, n)) (or reshape to (m, n)) "
                    "so that m = 0 or n = 0 keeps the other dimension")
        return (f"your result has shape {shape_str(got.shape)} {on}; expected (m, n) = {shape_str(want.shape)}: "
                "one row per row of A, one column per column of B")
    if k > 1 and close(got, A[:, :-1] @ B[:-1, :], **tol):
        return (f"wrong values {on}: your sum leaves out the last term p = k − 1 "
                "(off by one: range(k - 1) instead of range(k)?)")
    if k > 1 and close(got, A[:, 1:] @ B[1:, :], **tol):
        return f"wrong values {on}: your sum leaves out the first term p = 0 (range(1, k) instead of range(k)?)"
    if want.size > 1 and (close(got.reshape(-1), np.cumsum(want.reshape(-1)), **tol)
                          or close(got, np.cumsum(want, axis=1), **tol)
                          or close(got, np.cumsum(want, axis=0), **tol)):
        return (f"wrong values {on}: each entry holds a running total over earlier entries; "
                "set the sum to 0 before the innermost loop, once for every entry C[i, j]")
    if m == k == n and close(got, B @ A, **tol) and not close(want, B @ A, **tol):
        return f"wrong values {on}: you computed B @ A; the order matters, C[i, j] = Σ_p A[i, p]·B[p, j]"
    if k == n and close(got, A @ B.T, **tol) and not close(want, A @ B.T, **tol):
        return f"wrong values {on}: you read B[j, p] instead of B[p, j] (that computes A @ B.T)"
    if m == k and close(got, A.T @ B, **tol) and not close(want, A.T @ B, **tol):
        return f"wrong values {on}: you read A[p, i] instead of A[i, p] (that computes A.T @ B)"
    return f"wrong values {on}: {worst_entry(got, want)}"


@task("1.1", "implement the triple loop", points=3, names=("matmul_loops",),
      tests="matmul_loops(A, B) against NumPy's BLAS product on 9 shapes (non-square, 1×1, k = 1, "
            "k = 0, m = 0, float32); diagnoses transposed results, off-by-one sums, running totals, "
            "swapped indices; a probe array detects @/np.matmul/np.dot (half credit)")
def check_matmul(matmul_loops) -> str:
    """Check ``matmul_loops(A, B)``: equal to ``A @ B`` on non-square, 1×1 and empty-but-valid shapes."""
    fn = require_callable(matmul_loops, "matmul_loops(A, B)", "1.1")
    rng = np.random.default_rng(101)
    cases = [_operands(m, k, n, rng) for m, k, n in _MATMUL_SHAPES]
    cases.append(_operands(2, 4, 3, rng, np.float32))
    for A, B in cases:
        want = matmul_blas(A, B)  # (m, k) @ (k, n) -> (m, n)
        on = _describe(A, B)
        got = as_float_array(call(fn, A.copy(), B.copy(), on=on), "your result", on)
        rtol = 1e-9 if A.dtype == np.float64 else 1e-5
        if not close(got, want, rtol=rtol, atol=1e-6 if A.dtype == np.float32 else 1e-12):
            raise CheckFailed(_diagnose_matmul(A, B, got, want, on))
    # Values are right. Were they computed with loops, as the task asks?
    A, B = cases[0]
    try:
        call(fn, A.copy().view(_LoopsOnly), B.copy().view(_LoopsOnly), on=_describe(A, B))
    except _UsedBLAS as used:
        raise CheckFailed(f"correct values, but your function called {used} (a library matrix product). "
                          "Task 1.1 asks for three explicit loops over i, j and p: Task 1.3 times them "
                          "against BLAS", fraction=0.5) from None
    except CheckFailed:
        pass  # it failed only on the probe array type: the values above were right
    return (f"correct on {len(cases)} products, including 1×1, k = 1, k = 0 (a sum of nothing is 0), "
            "m = 0 and float32")


# =========================================================================== Task 1.2
def _diagnose_count(m: int, k: int, n: int, got: int, want: int, on: str) -> str:
    head = f"your count {on} is {fmt_int(got)}; expected {fmt_int(want)}"
    if got == m * k * n:
        return head + (": did you count multiply-adds instead of FLOPs? One multiply-add "
                       "is 2 FLOPs (a multiplication and an addition)")
    if got == m * n * (2 * k - 1) and k > 1:
        return head + (": you counted k − 1 additions per entry (the first product needs no add). "
                       "The book's convention, PyTorch's too, counts every multiply-add as 2 FLOPs")
    if len({m, k, n}) > 1 and got in {2 * m ** 3, 2 * k ** 3, 2 * n ** 3, m ** 3, k ** 3, n ** 3}:
        return head + ": your count uses one dimension only, as if the matrices were square; use all of m, k, n"
    if got in {2 * m * n, m * n, 2 * (m * k + k * n), m * k + k * n}:
        return head + (": your count grows like the size of the matrices, but each of the m·n entries "
                       "of C needs k multiply-adds")
    return head


@task("1.2", "count the FLOPs of a matrix product", points=2, names=("matmul_flop_count",),
      tests="matmul_flop_count(m, k, n) against the library's matmul_flops on 9 shapes (random, 1×1×1, "
            "m = 0, k = 1, a large one); diagnoses multiply-adds counted instead of FLOPs, 2k − 1 per entry, "
            "square-only formulas, non-integer counts")
def check_flop_count(matmul_flop_count) -> str:
    """Check ``matmul_flop_count(m, k, n)`` against :func:`~nncomplexity.kernels.matmul.matmul_flops`."""
    fn = require_callable(matmul_flop_count, "matmul_flop_count(m, k, n)", "1.2")
    rng = np.random.default_rng(102)
    shapes = [(2, 3, 4), (7, 5, 3)] + [tuple(int(v) for v in rng.integers(1, 60, size=3)) for _ in range(3)]
    shapes += [(1, 1, 1), (4, 1, 6), (0, 5, 3), (1000, 2000, 3000)]
    for m, k, n in shapes:
        on = f"for m={m}, k={k}, n={n}"
        want = matmul_flops(m, k, n)
        got = as_count(call(fn, m, k, n, on=on), "your count", on)
        if got != want:
            raise CheckFailed(_diagnose_count(m, k, n, got, want, on))
    return f"exact on {len(shapes)} shapes, including 1×1×1, m = 0 and a 1000×2000 by 2000×3000 product"


# =========================================================================== Task 1.3
@task("1.3", "measure and fit the naive product's exponent", points=2,
      names=("naive_sizes", "naive_times"),
      tests=f"fits naive_times against naive_sizes (≥ 4 sizes spanning ≥ 3×) with fit_power_law and accepts "
            f"an exponent in [{EXPONENT_RANGE[0]}, {EXPONENT_RANGE[1]}] (timings are noisy); "
            "diagnoses FLOPs passed as sizes, swapped arguments, overhead-dominated small sizes")
def check_exponent(naive_sizes, naive_times) -> str:
    """Check a measured exponent of ``matmul_loops``'s time against n: generous, since it is measured."""
    try:
        sizes = [float(s) for s in naive_sizes]
        times = [float(t) for t in naive_times]
    except (TypeError, ValueError):
        raise CheckFailed("naive_sizes and naive_times must be lists of numbers (sizes n, and seconds per call)") from None
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


# =========================================================================== Task 1.4
@task("1.4", "convert a time into GFLOP/s", points=1, names=("gflops",),
      tests="gflops(m, k, n, seconds) against matmul_flops(m, k, n) / seconds / 1e9 on 6 inputs; "
            "diagnoses multiply-adds for FLOPs, a missing 10⁹, 2³⁰ for 10⁹, inverted ratios")
def check_gflops(gflops) -> str:
    """Check ``gflops(m, k, n, seconds)``: the FLOP rate in units of 10⁹ FLOP/s."""
    fn = require_callable(gflops, "gflops(m, k, n, seconds)", "1.4")
    rng = np.random.default_rng(104)
    cases = [(2, 3, 4, 1e-6), (1, 1, 1, 1.0), (64, 64, 64, 0.25), (1000, 1000, 1000, 0.01)]
    cases += [(*(int(v) for v in rng.integers(1, 500, size=3)), float(10 ** rng.uniform(-6, 0)))
              for _ in range(2)]
    for m, k, n, seconds in cases:
        on = f"for m={m}, k={k}, n={n}, seconds={seconds:.3g}"
        flops = matmul_flops(m, k, n)
        want = flops / seconds / 1e9
        got = as_real(call(fn, m, k, n, seconds, on=on), "your rate", on)
        if rel_close(got, want):
            continue
        head = f"your rate {on} is {got:.6g} GFLOP/s; expected {want:.6g}"
        if rel_close(got, want / 2):
            raise CheckFailed(head + ": did you count multiply-adds instead of FLOPs? One multiply-add is 2 FLOPs")
        if rel_close(got, want * 1e9):
            raise CheckFailed(head + ": that is FLOP/s; divide by 10⁹ for GFLOP/s")
        if rel_close(got, want * 1e9 / 2 ** 30):
            raise CheckFailed(head + ": the G of GFLOP/s is 10⁹, not 2³⁰")
        if rel_close(got, 1 / want) or rel_close(got, seconds / flops):
            raise CheckFailed(head + ": your ratio is upside down (seconds per FLOP); a rate is FLOPs / seconds")
        if rel_close(got, flops * seconds / 1e9):
            raise CheckFailed(head + ": multiply by seconds? A rate divides the work by the time")
        raise CheckFailed(head)
    return f"correct on {len(cases)} inputs"


manual_task("1.5", "explain the gap to BLAS",
            tests="free-text answer, read by the instructor: not auto-graded")
