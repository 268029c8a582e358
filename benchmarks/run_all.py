"""Run every benchmark (benchmarks/bench_*.py) and print its table.

- ``bench_backprop.py``: the library's NumPy training step against PyTorch's;
- ``bench_matmul.py``: the matrix-product kernels against BLAS, PyTorch and the peak;
- ``bench_notebooks.py``: each notebook's run time and peak memory against the
  60 s / 2 GB goal.
- ``bench_train.py``: the batched trainer against training the same models one at a time.

Benchmarks are not tests: they measure speed against targets and report,
they never fail the build. Usage: python benchmarks/run_all.py [NAME ...]
(e.g. ``run_all.py notebooks`` runs only the notebook benchmark).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    if not scripts:
        print("no benchmark matched", names)
        return 1
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        subprocess.run([sys.executable, str(script)], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
