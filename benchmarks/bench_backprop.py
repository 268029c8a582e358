"""Benchmark: the library's NumPy forward + backward against PyTorch's, on the same MLP.

Workload: a dense ReLU network of depth L = 4 and uniform width n (256, 1024,
2048), batch t = 256, float32, softmax output with cross-entropy; both
libraries start from the *same* weights (``params_from_torch``) and the same
batch, and their gradients are checked to agree (in float64) before anything
is timed.
One training step = forward + loss + backward (no optimiser update): 11 GEMMs
of size 2·t·n² FLOPs each (4 forward, 4 weight gradients, 3 deltas; layer 1
needs no input gradient in either library).

Target: the library's step within 1.25× of PyTorch's time at every width.

How it is timed, and why (the machine has 2 cores and may be shared):

- Each library runs in its own phase (a block of calls), with a pause before
  every block (``measure.rounds.time_rounds`` with ``pause_s``): NumPy's OpenBLAS threads and PyTorch's OpenMP threads both spin
  for a while after a call, and two spinning thread pools on 2 cores slow
  each other down. Blocks alternate over several rounds, so a drifting load
  from other processes hits both libraries alike.
- Reported: the median time per step of each library, their ratio (NumPy /
  PyTorch) with a 95 % bootstrap interval (``measure.estimate.ratio_of_medians``),
  and the ratio of the fastest steps, which other processes disturb least.
- Why the ratio is what it is: the same 11 GEMMs alone, in each library, split
  every step into "GEMM time" (the BLAS: OpenBLAS for NumPy, MKL for
  PyTorch) and "the rest" (bias adds, activations, softmax, reductions,
  allocation, Python and autograd bookkeeping), both from the fastest runs.
- Two thread settings: the libraries' defaults (2 threads each), and 1 thread
  each, which is far less sensitive to other processes and isolates the BLAS
  kernels from their threading.

Not a test: it prints a table and never fails. Usage:
    python benchmarks/bench_backprop.py [--rounds R] [--per-round K] [--widths 256 1024]
"""
from __future__ import annotations

import argparse
import copy
import ctypes
import os
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout too

import torch  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

from nncomplexity.cost.flops import training_step_flops  # noqa: E402
from nncomplexity.kernels import mlp  # noqa: E402
from nncomplexity.kernels.gradcheck import relative_error  # noqa: E402
from nncomplexity.kernels.mlp_torch import mlp_torch, params_from_torch  # noqa: E402
from nncomplexity.measure.machine import format_stamp  # noqa: E402
from nncomplexity.measure.rounds import time_rounds  # noqa: E402

DEPTH = 4
WIDTHS = (256, 1024, 2048)
BATCH = 256
TARGET = 1.25
SEED = 0


def torch_blas() -> str:
    """The BLAS PyTorch was built with, from its build configuration."""
    config = torch.__config__.show()
    match = re.search(r"Math Kernel Library Version ([\d.]+)", config)
    if match:
        return f"MKL {match.group(1)}"
    match = re.search(r"BLAS_INFO=(\w+)", config)
    return match.group(1) if match else "unknown"


def numpy_threads() -> str:
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    return ", ".join(f"{p['internal_api']} {p.get('version')} ({p['num_threads']} threads, "
                     f"{p.get('architecture', '?')} kernels)" for p in pools) or "unknown"


def make_problem(n: int):
    """The same network, weights and batch for both libraries."""
    widths = [n] * (DEPTH + 1)
    model = mlp_torch(widths, activation="relu", generator=SEED)  # float32, PyTorch's init
    params = params_from_torch(model)  # the same numbers, copied
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((BATCH, n)).astype(np.float32)
    y = rng.integers(0, n, size=BATCH)
    return widths, model, params, X, y


def make_steps(model, params, X, y):
    """Zero-argument callables: one training step, and its 11 GEMMs alone, in each library."""
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step_numpy():
        cache = mlp.forward(params, X, activation="relu", output_activation="softmax")
        mlp.evaluate_loss(cache, y, "cross_entropy")
        return mlp.backward(params, cache, Y=y, loss="cross_entropy")

    def step_torch():
        model.zero_grad(set_to_none=True)  # fresh gradient tensors, as NumPy allocates fresh arrays
        loss = torch.nn.functional.cross_entropy(model(Xt), yt)
        loss.backward()
        return loss

    # The GEMMs of one step, on the step's own arrays and shapes.
    cache = mlp.forward(params, X, activation="relu", output_activation="softmax")
    A, W = cache.A, params["W"]
    D = [np.ascontiguousarray(a) for a in A[1:]]  # stand-ins for δ⁽ᵏ⁾, shape (t, n[k])
    At, Wt, Dt = ([torch.from_numpy(np.ascontiguousarray(v)) for v in vs] for vs in (A, W, D))

    def gemms_numpy():
        for i in range(DEPTH):
            A[i] @ W[i].T  # forward: (t, n) @ (n, n)
            D[i].T @ A[i]  # weight gradient: (n, t) @ (t, n)
            if i > 0:
                D[i] @ W[i]  # delta: (t, n) @ (n, n)

    def gemms_torch():
        with torch.no_grad():
            for i in range(DEPTH):
                At[i] @ Wt[i].T
                Dt[i].T @ At[i]
                if i > 0:
                    Dt[i] @ Wt[i]

    return step_numpy, step_torch, gemms_numpy, gemms_torch


def check_same_gradients(model, params, X, y) -> float:
    """Largest relative error between the two libraries' weight gradients, in float64.

    Checked in float64 on purpose: in float32 a pre-activation within rounding
    of 0 can come out positive in one library and not in the other (their GEMMs
    sum in different orders), and ReLU's derivative jumps there, so one entry
    of δ, and a whole row of the weight gradient, may differ although both
    libraries are right.
    """
    model64 = copy.deepcopy(model).double()
    params64 = {k: [v.astype(np.float64) for v in vs] for k, vs in params.items()}
    step_numpy, step_torch, *_ = make_steps(model64, params64, X.astype(np.float64), y)
    grads = step_numpy()
    step_torch()
    linears = [m for m in model64 if isinstance(m, torch.nn.Linear)]
    return max(relative_error(g, lin.weight.grad.numpy()) for g, lin in zip(grads["W"], linears))


def page_faults_per_call(fn, calls: int = 5) -> float:
    """Minor page faults per call: first touches of memory the allocator got fresh from the OS."""
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory instead of returning it to the OS (mallopt).

    By default glibc serves large blocks with fresh pages (mmap) or trims the
    heap after a free, so every training step's new arrays (activations,
    gradients) are touched for the first time again: one page fault per 4 KiB.
    Raising the mmap and trim thresholds makes later steps reuse the memory.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
    return bool(libc.mallopt(m_mmap_threshold, 256 << 20)) and bool(libc.mallopt(m_trim_threshold, 1 << 30))


def allocation_experiment(widths: list[int], threads: int, before: dict) -> None:
    """Re-time the fastest steps with freed memory kept, to measure what page faults cost."""
    if not keep_freed_memory():
        print("\n(allocation experiment skipped: glibc's mallopt is not available)")
        return
    print(f"\n== allocation: the same steps with glibc told to keep freed memory ({threads} threads) ==")
    print(f"{'width n':>7} | {'page faults per step, NumPy':>27} | {'PyTorch':>15} | "
          f"{'fastest NumPy step':>22} | {'fastest PyTorch step':>22} | {'of minima':>9}")
    torch.set_num_threads(threads)
    with threadpool_limits(limits=threads, user_api="blas"):
        for n in widths:
            _, model, params, X, y = make_problem(n)
            step_numpy, step_torch, *_ = make_steps(model, params, X, y)
            faults = {k: page_faults_per_call(f) for k, f in (("numpy", step_numpy), ("torch", step_torch))}
            times = time_rounds({"numpy": step_numpy, "torch": step_torch}, repeats=3, per_round=5,
                                warmup=1, number=1, pause_s=0.3, budget_s=600)
            best = {k: times[k].minimum for k in times.sizes}
            b0 = before[n]["min"]
            f0 = before[n]["faults"]
            print(f"{n:>7} | {f0['numpy']:>13.0f} -> {faults['numpy']:>9.0f} | "
                  f"{f0['torch']:>5.0f} -> {faults['torch']:>5.0f} | "
                  f"{b0['numpy'] * 1e3:>8.2f} -> {best['numpy'] * 1e3:>8.2f} ms | "
                  f"{b0['torch'] * 1e3:>8.2f} -> {best['torch'] * 1e3:>8.2f} ms | "
                  f"{best['numpy'] / best['torch']:>9.2f}")


def measure(n: int, threads: int, rounds: int, per_round: int) -> dict:
    widths, model, params, X, y = make_problem(n)
    err = check_same_gradients(model, params, X, y)
    step_numpy, step_torch, gemms_numpy, gemms_torch = make_steps(model, params, X, y)
    torch.set_num_threads(threads)
    with threadpool_limits(limits=threads, user_api="blas"):
        times = time_rounds(
            {"numpy": step_numpy, "torch": step_torch, "numpy_gemm": gemms_numpy, "torch_gemm": gemms_torch},
            repeats=rounds, per_round=per_round, warmup=1, number=1, pause_s=0.3, budget_s=600,
        )
    faults = {k: page_faults_per_call(f) for k, f in (("numpy", step_numpy), ("torch", step_torch))}
    med = {k: times[k].median for k in times.sizes}
    best = {k: times[k].minimum for k in times.sizes}
    return {
        "n": n,
        "threads": threads,
        "grad_err": err,
        "flops": training_step_flops(widths, BATCH),
        "median": med,
        "min": best,
        "faults": faults,
        "ratio": times.ratio("numpy", "torch", paired=False),
        "gemm_ratio": times.ratio("numpy_gemm", "torch_gemm", paired=False),
        "repeats": times["numpy"].repeats,
    }


def print_table(rows: list[dict], title: str) -> None:
    print(f"\n{title}")
    head = (f"{'width n':>7} | {'NumPy':>9} | {'PyTorch':>9} | {'NumPy / PyTorch, medians':>29} | "
            f"{'<= 1.25':>7} | {'of minima':>9} | {'GEMMs only':>10} | {'rest NumPy':>10} | "
            f"{'rest PyTorch':>12}")
    print(head)
    print("-" * len(head))
    for r in rows:
        m, b = r["median"], r["min"]
        print(f"{r['n']:>7} | {m['numpy'] * 1e3:>6.2f} ms | {m['torch'] * 1e3:>6.2f} ms | "
              f"{str(r['ratio']):>29} | {'yes' if r['ratio'].value <= TARGET else 'NO':>7} | "
              f"{b['numpy'] / b['torch']:>9.2f} | {b['numpy_gemm'] / b['torch_gemm']:>10.2f} | "
              f"{(b['numpy'] - b['numpy_gemm']) * 1e3:>7.2f} ms | "
              f"{(b['torch'] - b['torch_gemm']) * 1e3:>9.2f} ms")
    print("GFLOP/s of the fastest step (NumPy / PyTorch): " + ", ".join(
        f"n={r['n']}: {r['flops'] / r['min']['numpy'] / 1e9:.0f} / "
        f"{r['flops'] / r['min']['torch'] / 1e9:.0f}" for r in rows))


def explain(rows: list[dict]) -> None:
    """Say, per width, where NumPy's extra time goes (or that there is none), from the minima."""
    for r in rows:
        b = r["min"]
        extra = b["numpy"] - b["torch"]
        gemm_part = b["numpy_gemm"] - b["torch_gemm"]
        rest_part = extra - gemm_part
        verdict = "meets the target" if r["ratio"].value <= TARGET else "MISSES the target"
        print(f"  n={r['n']} ({r['threads']} thread{'s' if r['threads'] > 1 else ''}): {verdict} "
              f"(medians); fastest steps differ by {extra * 1e3:+.2f} ms (NumPy - PyTorch): "
              f"{gemm_part * 1e3:+.2f} ms in the GEMMs (OpenBLAS vs MKL), "
              f"{rest_part * 1e3:+.2f} ms in the rest; page faults per step "
              f"{r['faults']['numpy']:.0f} (NumPy), {r['faults']['torch']:.0f} (PyTorch)")


def diagnose(tables: dict[int, list[dict]]) -> None:
    """Compare the thread settings: which part of the gap grows with threads."""
    if len(tables) < 2:
        return
    print("\n== why: NumPy/PyTorch ratios of the fastest runs, by part and thread setting ==")
    print(f"{'width n':>7} | " + " | ".join(
        f"{t} thread{'s' if t > 1 else ''}: GEMMs, rest" for t in tables))
    for i, n in enumerate(r["n"] for r in next(iter(tables.values()))):
        cells = []
        for rows in tables.values():
            b = rows[i]["min"]
            rest_np, rest_t = b["numpy"] - b["numpy_gemm"], b["torch"] - b["torch_gemm"]
            # A negative "rest" means the fastest GEMMs ran slower than the fastest whole step:
            # load from other processes, not a property of either library.
            rest = f"{rest_np / rest_t:>4.2f}" if rest_np > 0 and rest_t > 0 else "n/a (load)"
            cells.append(f"{b['numpy_gemm'] / b['torch_gemm']:>12.2f}, {rest}")
        print(f"{n:>7} | " + " | ".join(f"{c:>20}" for c in cells))
    print("GEMMs: the same 11 products in OpenBLAS (NumPy) and MKL (PyTorch). rest: everything else in\n"
          "a step. NumPy's element-wise functions (ufuncs: bias add, ReLU, softmax, sums) run on one\n"
          "core whatever the thread setting; PyTorch's element-wise kernels use its intra-op threads.\n"
          "So with one thread each the rest should match, and with more threads NumPy's rest should\n"
          "fall behind, while the GEMM ratio shows how well each BLAS uses the threads at this size.")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating blocks per library")
    parser.add_argument("--per-round", type=int, default=5, help="timed steps per block")
    parser.add_argument("--widths", type=int, nargs="+", default=list(WIDTHS))
    parser.add_argument("--threads", type=int, nargs="+", default=None,
                        help="thread settings to run (default: the libraries' default, then 1)")
    parser.add_argument("--no-allocation", action="store_true",
                        help="skip the allocation experiment (glibc mallopt) at the end")
    args = parser.parse_args(argv)

    default_threads = torch.get_num_threads()
    settings = args.threads or sorted({default_threads, 1}, reverse=True)
    print(f"MLP depth {DEPTH}, widths {args.widths}, batch {BATCH}, float32, ReLU + softmax/cross-entropy; "
          f"same weights in both libraries")
    print("machine:", format_stamp())
    print(f"NumPy BLAS: {numpy_threads()}")
    print(f"PyTorch {torch.__version__}: BLAS {torch_blas()}, {default_threads} intra-op threads "
          f"(OpenMP), {torch.get_num_interop_threads()} inter-op threads")
    load0 = os.getloadavg()
    print(f"load average before: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} "
          f"(on {os.cpu_count()} CPUs; above ~0.5 other processes compete with these timings)")
    print("Columns: NumPy, PyTorch = median time of one step (forward + loss + backward); 'of minima' = the\n"
          "same ratio from each library's fastest step, the least disturbed by other processes; 'GEMMs only' =\n"
          "NumPy/PyTorch for the step's 11 matrix products alone (fastest runs); 'rest' = fastest step minus\n"
          "fastest GEMMs: bias adds, activations, softmax, reductions, allocation, Python/autograd bookkeeping.")
    start = time.perf_counter()
    tables = {}
    for threads in settings:
        rows = [measure(n, threads, args.rounds, args.per_round) for n in args.widths]
        tables[threads] = rows
        print_table(rows, f"== {threads} thread{'s' if threads > 1 else ''} per library "
                          f"(median of {rows[0]['repeats']} steps each, {args.rounds} alternating phases) ==")
        print("same gradients (largest relative error, float64 copies of the same weights): " + ", ".join(
            f"n={r['n']}: {r['grad_err']:.1e}" for r in rows))
        explain(rows)
    diagnose(tables)
    if not args.no_allocation:  # last: it changes how this process allocates
        allocation_experiment(args.widths, settings[0], {r["n"]: r for r in tables[settings[0]]})
    load1 = os.getloadavg()
    if max(load0[0], load1[0]) > 0.5:
        print(f"\nWARNING: the load average reached {max(load0[0], load1[0]):.1f} on {os.cpu_count()} CPUs: other\n"
              "processes ran during this benchmark. A multi-threaded BLAS call waits for its slowest thread,\n"
              "so one descheduled thread can slow a step several-fold: the medians, and the multi-thread\n"
              "table above all, are then unreliable. The minima and the 1-thread table are the better\n"
              "comparison; rerun on a quiet machine for the medians.")
    print(f"\nload average after: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}; "
          f"benchmark took {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
