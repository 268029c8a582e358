"""The roofline model: arithmetic intensity, memory bandwidth, attainable FLOP/s.

Williams, Waterman and Patterson (2009): a kernel that does ``F`` FLOPs while
moving ``Q`` bytes between memory and the processor has *arithmetic intensity*
``I = F / Q`` (FLOP/byte). With peak compute ``P`` (FLOP/s) and memory
bandwidth ``β`` (byte/s) it cannot run faster than

    attainable(I) = min(P, I · β).

Left of the *ridge point* ``I = P / β`` a kernel is memory-bound, right of it
compute-bound. The byte counts here are the compulsory traffic: each operand
read once and the result written once, the least any schedule can move (a
real kernel moves more when its working set does not fit in cache).

The byte counts and intensities themselves are analytic counts and live in
:mod:`~nncomplexity.cost.memory` (``gemm_bytes``, ``gemm_intensity``, ``gemv_bytes``,
``gemv_intensity``):

- GEMM, (m, k) @ (k, n): ``2·m·k·n`` FLOPs over ``(m·k + k·n + m·n)·s`` bytes
  (``s`` bytes per element). For square n it is ``2n³ / (3n²·s) = 2n / (3s)``:
  it grows with n, so a large enough product is compute-bound.
- GEMV, (m, n) @ (n,): ``2·m·n`` FLOPs over ``(m·n + n + m)·s`` bytes, which
  stays below ``2 / s`` (0.5 FLOP/byte in float32) at every size: memory-bound.

:func:`measure_bandwidth` measures ``β`` the way STREAM does (copy and triad
over arrays much larger than the L2 caches), with NumPy and one thread per core,
and adds a read-only stream (one large array read, almost nothing written): the
traffic of a matrix–vector product, which reads its matrix once.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from threadpoolctl import threadpool_limits

from .._validate import Positive1D, check_choice, check_int, check_positive_float

_ROW = 512  # numbers per row of the read-only stream's matrix–vector products

__all__ = [
    "Bandwidth",
    "attainable",
    "measure_bandwidth",
    "plot_roofline",
    "ridge_intensity",
]


def attainable(intensity, peak: float, bandwidth: float):
    """Roofline bound ``min(peak, intensity · bandwidth)``, in the units of ``peak``.

    Parameters
    ----------
    intensity : float or array_like
        Arithmetic intensity, FLOP/byte, > 0.
    peak : float
        Peak compute, FLOP/s (or GFLOP/s: the result has the same unit), > 0.
    bandwidth : float
        Memory bandwidth, byte/s (or GB/s to match GFLOP/s), > 0.

    Returns
    -------
    float, or ndarray of the shape of ``intensity``

    Cost: O(size of intensity).
    """
    i = Positive1D(any_shape=True).check("intensity", intensity)
    peak = check_positive_float("peak", peak)
    bandwidth = check_positive_float("bandwidth", bandwidth)
    out = np.minimum(peak, i * bandwidth)
    return float(out) if out.ndim == 0 else out


def ridge_intensity(peak: float, bandwidth: float) -> float:
    """The ridge point ``peak / bandwidth``: the least intensity that can reach peak."""
    return check_positive_float("peak", peak) / check_positive_float("bandwidth", bandwidth)


@dataclass(frozen=True)
class Bandwidth:
    """A measured memory bandwidth."""

    bytes_per_s: float  # bytes counted / median time
    kind: str  # "copy" (b = a), "triad" (a = b + s·c) or "read" (sum of a)
    array_bytes: int  # size of each array
    bytes_counted: int  # per call: 2 arrays for copy, 3 for triad (STREAM's counts), 1 for read
    threads: int  # threads that shared the work
    seconds: float  # median time per call
    best_seconds: float = float("nan")  # fastest repeat: STREAM's statistic, least disturbed by other work

    @property
    def gb_per_s(self) -> float:
        return self.bytes_per_s / 1e9

    @property
    def best_gb_per_s(self) -> float:
        """Bytes counted / fastest repeat, in GB/s (what STREAM itself reports)."""
        return self.bytes_counted / self.best_seconds / 1e9


def measure_bandwidth(kind: str = "triad", *, mbytes: float = 64, threads: int | None = None,
                      block_kbytes: int = 512, repeats: int = 7) -> Bandwidth:
    """Measure memory bandwidth STREAM-style with NumPy, one chunk per thread.

    ``copy``: ``b[:] = a``, counted as 2 arrays moved. ``triad``:
    ``a[:] = b + 3·c``, counted as 3 arrays, as STREAM counts them. ``read``:
    the row sums of ``a`` viewed as rows of 512 numbers, by BLAS (one
    ``(rows, 512) @ ones(512)`` product per thread, one BLAS thread each):
    1 array counted, the matrix traffic of a matrix–vector product, with no
    write-allocate traffic and a vectorised loop (NumPy's own ``sum`` is slower
    than memory on one core of some machines). NumPy would
    make the triad two full passes (``a = 3·c``, then ``a += b``: 5 arrays of
    traffic), so each thread walks its chunk in blocks of ``block_kbytes`` that
    stay in cache between the two passes: memory then sees 3 arrays, as in
    STREAM's fused loop. Neither counts write-allocate traffic (reading a
    destination line before overwriting it), again like STREAM. NumPy releases
    the GIL in these loops, so the threads run in parallel.

    Parameters
    ----------
    kind : {"copy", "triad", "read"}
    mbytes : float
        Size of each float64 array in MiB; keep it well above the L2 caches.
    threads : int, optional
        Default: the CPUs this process may use.
    block_kbytes : int
        Block size for the triad's cache-resident inner passes, in KiB.
    repeats : int
        Timed repeats (median reported), after one warm-up.

    Returns
    -------
    Bandwidth

    Cost: 2 (copy), 3 (triad) or 1 (read) arrays of ``mbytes`` MiB; about ``repeats + 2`` passes.

    Book: {prf:ref}`thm-forward-exact`'s chapter compares the read-only stream with a
    one-sample forward pass, whose weights are read once and used once.
    """
    from ..measure.timing import time_call

    check_choice("kind", kind, {"copy", "triad", "read"})
    mbytes = check_positive_float("mbytes", mbytes)
    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threads = check_int("threads", threads, minimum=1)
    block = check_int("block_kbytes", block_kbytes, minimum=1) * 1024 // 8  # float64 elements
    repeats = check_int("repeats", repeats, minimum=1)
    size = max(int(mbytes * 2**20) // 8, threads)  # float64 elements per array
    a = np.ones(size)
    b = np.full(size, 2.0) if kind != "read" else None
    c = np.full(size, 0.5) if kind == "triad" else None
    sums = np.zeros(threads)  # kept, so the reads are not dead code
    ones_row = np.ones(_ROW)
    bounds = np.linspace(0, size, threads + 1).astype(int)
    chunks = list(zip(bounds[:-1], bounds[1:]))

    def copy_chunk(lo, hi):
        np.copyto(b[lo:hi], a[lo:hi])

    def triad_chunk(lo, hi):
        for s in range(lo, hi, block):
            e = min(s + block, hi)
            np.multiply(c[s:e], 3.0, out=a[s:e])  # a-block now in cache
            np.add(a[s:e], b[s:e], out=a[s:e])  # reads it back from cache, b from memory

    def read_chunk(lo, hi):
        whole = lo + (hi - lo) // _ROW * _ROW  # rows of 512; a short tail is summed on its own
        rows = a[lo:whole].reshape(-1, _ROW)  # (r, 512)
        total = float((rows @ ones_row).sum()) + float(a[whole:hi].sum())  # (r, 512) @ (512,) -> (r,)
        sums[np.searchsorted(bounds, lo, side="right") - 1] = total

    work = {"copy": copy_chunk, "triad": triad_chunk, "read": read_chunk}[kind]
    with threadpool_limits(limits=1), ThreadPoolExecutor(max_workers=threads) as pool:
        def run():
            for f in [pool.submit(work, lo, hi) for lo, hi in chunks]:
                f.result()

        timing = time_call(run, repeats=repeats, warmup=1)
    arrays = {"copy": 2, "triad": 3, "read": 1}[kind]
    counted = arrays * size * 8
    return Bandwidth(bytes_per_s=counted / timing.median, kind=kind, array_bytes=size * 8,
                     bytes_counted=counted, threads=threads, seconds=timing.median,
                     best_seconds=timing.minimum)


def plot_roofline(ax, peak: float, bandwidth: float, *, intensity_range=(1 / 16, 1024),
                  label: str = "roofline", color="black"):
    """Draw ``min(peak, I·bandwidth)`` on log-log axes and mark the ridge point.

    ``peak`` and ``bandwidth`` in matching units (GFLOP/s with GB/s). The line's
    label is ``label``; numbers go to the caller's alt text, not to the legend.
    Returns the line.
    """
    peak = check_positive_float("peak", peak)
    bandwidth = check_positive_float("bandwidth", bandwidth)
    lo, hi = (check_positive_float("intensity_range", v) for v in intensity_range)
    if not lo < hi:
        raise ValueError(f"intensity_range must be increasing, got {intensity_range}")
    ridge = ridge_intensity(peak, bandwidth)
    xs = np.array(sorted({lo, hi, min(max(ridge, lo), hi)}))
    (line,) = ax.plot(xs, attainable(xs, peak, bandwidth), color=color, marker="", linewidth=2,
                      label=label)
    if lo < ridge < hi:
        ax.axvline(ridge, color=color, linestyle=":", linewidth=1, marker="", label="_ridge")
    ax.set_xscale("log")
    ax.set_yscale("log")
    return line
