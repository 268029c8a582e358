"""Re-execute the book's notebooks and store their outputs (``make outputs``).

Stored outputs are the book's contract: the website shows them and nbval
re-runs each notebook and compares. Never edit outputs by hand; run this.

- ``chapters/*.ipynb`` and the labs' solution notebooks are executed in place.
- ``intro.md`` (a MyST Markdown notebook, executed by the book at build time)
  is paired with ``intro.ipynb``, written here with outputs, which is what
  Binder and Colab open and nbval checks. A test keeps the pair in sync.

Usage: python tools/execute_notebooks.py [NOTEBOOK ...]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PAIRED = {ROOT / "intro.md": ROOT / "intro.ipynb"}


def read_myst_notebook(path: Path) -> nbformat.NotebookNode:
    """A MyST Markdown notebook as an nbformat notebook (myst-nb's own reader)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    nb = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def execute(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Run every cell top to bottom in a fresh kernel; fail on the first error."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}},
                            record_timing=False, store_widget_state=True)
    client.execute()
    return nb


def targets(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    found = [ROOT / "intro.md"]
    found += sorted((ROOT / "chapters").glob("*.ipynb"))
    found += sorted((ROOT / "labs" / "source").glob("*.ipynb"))
    return found


def main(args: list[str]) -> None:
    for path in targets(args):
        start = time.perf_counter()
        if path in PAIRED:
            nb, out = read_myst_notebook(path), PAIRED[path]
        elif path.suffix == ".ipynb":
            nb, out = nbformat.read(path, as_version=4), path
        else:
            sys.exit(f"don't know how to execute {path}")
        execute(nb, path.parent)
        nbformat.write(nb, out)
        print(f"{out.relative_to(ROOT)}: executed in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
