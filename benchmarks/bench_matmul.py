"""Matrix-multiplication kernels against NumPy's BLAS, PyTorch and the machine's peak.

Not a test: it measures and reports, and never fails. For each kernel and size
it prints the median time per product, GFLOP/s (2·n³ FLOPs per product), the
fraction of this CPU's theoretical peak for the dtype (see
``nncomplexity.hardware.peak`` for how the peak is computed and what it
assumes), and the time relative to NumPy's BLAS and to PyTorch at the same size
and dtype (> 1: slower). Then it checks two targets:

- the blocked pure-NumPy kernel is within 3× of BLAS at n = 1024 (float32);
- BLAS reaches at least 60 % of the stated peak in float32 at n = 2048.

Threads: NumPy's OpenBLAS and PyTorch's OpenMP pools would fight over the
cores if both were busy at once, so all NumPy kernels are timed first, then
PyTorch (imported only then), with a pause between the phases so that idle
BLAS threads stop spinning. Each library uses all cores this process may use,
or ``--threads N`` (then the peak is computed for N cores): on a machine shared
with other jobs, one thread per library is far less disturbed, since a
multithreaded GEMM waits for its slowest thread at every synchronisation.

Usage: python benchmarks/bench_matmul.py [--sizes 256 512 1024 2048] [--repeats 7] [--threads N]
"""
from __future__ import annotations

import argparse
import functools
import time

import numpy as np

from nncomplexity.cost.flops import matmul_flops
from nncomplexity.hardware.peak import theoretical_peak
from nncomplexity.kernels.matmul import (
    matmul_blas,
    matmul_blocked,
    matmul_naive,
    matmul_rowwise,
    matmul_strassen,
    matmul_torch,
)
from nncomplexity.measure.machine import format_stamp
from nncomplexity.measure.timing import time_call

NAIVE_SIZES = (64, 128, 256)  # pure Python: 0.05 GFLOP/s, so n = 256 already takes ~1 s
ROWWISE_MAX = 2048


def operands(n: int, dtype, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.random((n, n), dtype=dtype), rng.random((n, n), dtype=dtype)  # (n, n), (n, n)


def measure(kernel, n: int, dtype, repeats: int):
    A, B = operands(n, dtype)
    # Slow kernels get fewer repeats (budget_s); fast ones are autoranged by time_call.
    return time_call(kernel, A, B, repeats=repeats, warmup=1, budget_s=20.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for BLAS and PyTorch (default: all usable CPUs)")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    if args.threads is not None:
        from threadpoolctl import threadpool_limits  # scikit-learn's dependency; limits OpenBLAS

        _limits = threadpool_limits(args.threads)  # kept referenced: applies until exit  # noqa: F841
    peaks = {dt: theoretical_peak(dtype=np.dtype(dt).name, cores=args.threads) for dt in (np.float32, np.float64)}
    jobs = []  # (kernel name, dtype, n, callable)
    for n in NAIVE_SIZES:
        jobs.append(("naive", np.float32, n, matmul_naive))
    for n in sizes:
        if n <= ROWWISE_MAX:
            jobs.append(("rowwise", np.float32, n, matmul_rowwise))
        jobs.append(("blocked", np.float32, n, functools.partial(matmul_blocked, block=256)))
        jobs.append(("strassen", np.float32, n, functools.partial(matmul_strassen, cutoff=128)))
        jobs.append(("blas", np.float32, n, matmul_blas))
        jobs.append(("blas", np.float64, n, matmul_blas))

    start = time.perf_counter()
    results = {}  # (name, dtype, n) -> Timing
    for name, dtype, n, kernel in jobs:  # phase 1: NumPy only; torch is not even imported
        results[(name, dtype, n)] = measure(kernel, n, dtype, args.repeats)
    time.sleep(0.5)  # let OpenBLAS's worker threads go idle before OpenMP's start
    import torch  # phase 2

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    for dtype in (np.float32, np.float64):
        for n in sizes:
            results[("torch", dtype, n)] = measure(matmul_torch, n, dtype, args.repeats)
    elapsed = time.perf_counter() - start

    print("Machine:", format_stamp())
    print(f"torch threads {torch.get_num_threads()}; NumPy kernels timed first, then PyTorch (separate phases)")
    for dt, p in peaks.items():
        print(f"Theoretical peak {np.dtype(dt).name}: {p.formula}")
    print()
    header = (f"{'kernel':<9}{'dtype':<8}{'n':>6}{'median ms':>12}{'IQR %':>7}{'GFLOP/s':>10}"
              f"{'% peak':>8}{'× BLAS':>9}{'× torch':>9}")
    print(header)
    print("-" * len(header))
    order = ["naive", "rowwise", "blocked", "strassen", "blas", "torch"]
    for name, dtype, n in sorted(results, key=lambda r: (np.dtype(r[1]).itemsize, order.index(r[0]), r[2])):
        t = results[(name, dtype, n)]
        gflops = matmul_flops(n, n, n) / t.median / 1e9
        pct = 100 * gflops / peaks[dtype].gflops
        blas = results.get(("blas", dtype, n))
        tor = results.get(("torch", dtype, n))
        rb = f"{t.median / blas.median:9.2f}" if blas else f"{'–':>9}"
        rt = f"{t.median / tor.median:9.2f}" if tor else f"{'–':>9}"
        print(f"{name:<9}{np.dtype(dtype).name:<8}{n:>6}{t.median * 1e3:>12.3f}{100 * t.spread:>7.0f}"
              f"{gflops:>10.2f}{pct:>8.1f}{rb}{rt}")
    print()
    print("Targets")
    if 1024 in sizes:
        ratio = results[("blocked", np.float32, 1024)].median / results[("blas", np.float32, 1024)].median
        print(f"  blocked (pure NumPy, block 256) within 3× of BLAS at n = 1024, float32: "
              f"{ratio:.2f}× -> {'MET' if ratio <= 3 else 'NOT MET'}")
    else:
        print("  blocked within 3× of BLAS at n = 1024: not measured (1024 not in --sizes)")
    if 2048 in sizes:
        t = results[("blas", np.float32, 2048)]
        frac = matmul_flops(2048, 2048, 2048) / t.median / peaks[np.float32].flops_per_s
        print(f"  BLAS >= 60% of the stated float32 peak ({peaks[np.float32].gflops:.1f} GFLOP/s) "
              f"at n = 2048: {100 * frac:.1f}% -> {'MET' if frac >= 0.6 else 'NOT MET'}")
    else:
        print("  BLAS >= 60% of peak at n = 2048: not measured (2048 not in --sizes)")
    best = max(matmul_flops(n, n, n) / results[(k, np.float32, n)].median
               for k in ("blas", "torch") for n in sizes)
    if best > peaks[np.float32].flops_per_s:
        print(f"  note: the best float32 rate, {best / 1e9:.1f} GFLOP/s, exceeds the theoretical peak; "
              f"it needs a clock of at least {peaks[np.float32].ghz_needed_for(best):.2f} GHz "
              f"(cpuinfo says {peaks[np.float32].ghz:.2f} GHz: turbo, which a VM's cpuinfo does not show)")
    print(f"\n(measured in {elapsed:.0f} s; medians of up to {args.repeats} repeats after one warm-up)")


if __name__ == "__main__":
    main()
