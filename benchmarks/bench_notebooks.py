"""Benchmark: each notebook's run time and peak memory against Binder's limits (60 s, 2 GB).

Every notebook of the book (``intro.ipynb``, ``chapters/*.ipynb``,
``labs/source/*.ipynb``) is executed top to bottom in a fresh kernel with
nbclient, in memory and with a temporary working directory: the repository's
files are never rewritten. Each notebook runs in its own Python process, so one
notebook's imports, caches and memory cannot help or hurt the next.

- **Time** is the wall time of the whole execution, kernel start included: what
  a reader on Binder waits for.
- **Peak memory** is the largest resident set (RSS) of the kernel and all its
  child processes together, sampled every 50 ms (psutil, or ``/proc`` without
  it), and at least the kernel's own peak as the operating system reports it
  (``getrusage(RUSAGE_CHILDREN).ru_maxrss``), which no sampling can miss.

The goal (``DESIGN.md``): every notebook in well under a minute and under
2 GB on a 2-core machine. Times depend on the machine and on what else runs on
it; the machine stamp and the load average are printed with the table. Not a
test: it never fails on a slow notebook, it reports.

Usage: python benchmarks/bench_notebooks.py [NOTEBOOK ...] [--timeout SECONDS]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout too

GOAL_S = 60.0  # seconds per notebook (Binder: a reader waits for it)
GOAL_BYTES = 2 * 10**9  # 2 GB: Binder's memory limit
SAMPLE_S = 0.05  # how often the kernel's memory is sampled


def notebooks() -> list[Path]:
    """The notebooks a reader runs: the introduction, the chapters, the labs' solutions."""
    found = [ROOT / "intro.ipynb"]
    found += sorted((ROOT / "chapters").glob("*.ipynb"))
    found += sorted((ROOT / "labs" / "source").glob("*.ipynb"))
    return [p for p in found if p.exists()]


# ---------------------------------------------------------------- memory of a process tree
def _tree_rss_psutil(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _tree_rss_proc(pid: int) -> int:
    """The same from /proc (Linux) when psutil is missing."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
        todo += children.get(p, [])
    return total


def tree_rss(pid: int) -> int:
    """Resident bytes of process ``pid`` and all its descendants."""
    try:
        return _tree_rss_psutil(pid)
    except ImportError:
        return _tree_rss_proc(pid)


# ---------------------------------------------------------------- one notebook (child process)
def run_one(path: Path, timeout: float) -> dict:
    """Execute one notebook in a fresh kernel; its time, peak memory and error (if any)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)  # in memory: the file is never written
    # The kernel imports this checkout's library, whatever is installed.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src")] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    peak = 0
    done = threading.Event()
    error = None
    with tempfile.TemporaryDirectory(prefix="bench_nb_") as cwd:
        client = NotebookClient(nb, timeout=int(timeout), kernel_name="python3",
                                resources={"metadata": {"path": cwd}})

        def sample():
            nonlocal peak
            while not done.is_set():
                km = client.km
                pid = getattr(getattr(km, "provisioner", None), "pid", None) if km else None
                if pid:
                    peak = max(peak, tree_rss(pid))
                done.wait(SAMPLE_S)

        sampler = threading.Thread(target=sample, daemon=True)
        start = time.perf_counter()
        sampler.start()
        try:
            client.execute()
        except Exception as exc:  # report it in the table; the benchmark goes on
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:120] if str(exc).strip() else ''}"
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    # ru_maxrss: the largest single child (the kernel) this process waited for, in KiB on Linux.
    kernel_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"notebook": str(path.relative_to(ROOT)), "seconds": wall,
            "peak_bytes": max(peak, kernel_max), "error": error}


def measure(path: Path, timeout: float) -> dict:
    """Run :func:`run_one` in a fresh Python process and read its result."""
    proc = subprocess.run([sys.executable, __file__, "--one", str(path), "--timeout", str(timeout)],
                          capture_output=True, text=True, cwd=ROOT)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"notebook": str(path.relative_to(ROOT)), "seconds": float("nan"), "peak_bytes": 0,
            "error": f"the runner failed: {tail[:120]}"}


def print_table(rows: list[dict]) -> None:
    head = f"{'notebook':<46} {'time':>8} {'peak memory':>12}  within 60 s / 2 GB"
    print(head)
    print("-" * len(head))
    for r in rows:
        ok_t = r["seconds"] <= GOAL_S
        ok_m = r["peak_bytes"] <= GOAL_BYTES
        verdict = "yes" if ok_t and ok_m and not r["error"] else (
            "ERROR" if r["error"] else ", ".join(
                w for w, ok in (("TOO SLOW", ok_t), ("TOO BIG", ok_m)) if not ok))
        print(f"{r['notebook']:<46} {r['seconds']:>6.1f} s {r['peak_bytes'] / 1e9:>9.2f} GB  {verdict}")
        if r["error"]:
            print(f"    {r['error']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per cell before giving up")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # internal: the child process
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one.resolve(), args.timeout)))
        return 0

    from nncomplexity.measure.machine import format_stamp

    paths = [p.resolve() for p in args.notebooks] or notebooks()
    print("machine:", format_stamp())
    load0 = os.getloadavg()[0]
    print(f"load average before: {load0:.2f} on {os.cpu_count()} CPUs "
          f"(above ~0.5, other processes share the cores and times grow)\n")
    rows = []
    for path in paths:
        rows.append(measure(path, args.timeout))
        r = rows[-1]
        print(f"  ran {r['notebook']} in {r['seconds']:.1f} s", file=sys.stderr, flush=True)
    print_table(rows)
    total = sum(r["seconds"] for r in rows)
    print(f"\n{len(rows)} notebooks, {total:.0f} s in all; load average after: "
          f"{os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
