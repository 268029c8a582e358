"""Grade a submitted lab notebook: run it in a fresh kernel, then check every task there.

The notebook runs top to bottom with errors allowed (a broken task must not
hide the others); a cell that runs past its time limit is interrupted. Then,
in the same kernel, the grader looks up each task's objects by name (the
function ``matmul_loops``, the list ``naive_times``, ...) and runs the task's
check on them. So the grade does not depend on what the notebook printed,
and a task whose cell was never run shows as "missing".

This runs the student's code with your permissions: it is a convenience for
honest submissions, not a sandbox. Run it in a container (e.g. Gradescope's)
when that matters.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import nbformat

from .core import FAIL, LABS, MISSING, NOT_IMPLEMENTED, Report, lab_tasks, not_implemented_message

__all__ = ["grade_notebook", "lab_of"]

_GRADE_SOURCE = """\
from nncomplexity.grading.core import grade_namespace as _nnc_grade_namespace
with open({path!r}, "w", encoding="utf-8") as _nnc_file:
    _nnc_file.write(_nnc_grade_namespace({lab!r}, globals()).to_json())
"""


def lab_of(nb: nbformat.NotebookNode, path: Path | None = None) -> str:
    """The lab id of a notebook: its metadata ``nncomplexity.lab``, else its file name (``lab01-...``)."""
    lab = nb.metadata.get("nncomplexity", {}).get("lab")
    if lab in LABS:
        return lab
    match = re.match(r"lab0*(\d+)", path.name if path else "")
    if match and f"lab{int(match.group(1)):02d}" in LABS:
        return f"lab{int(match.group(1)):02d}"
    raise ValueError(f"cannot tell which lab {path or 'this notebook'} is: its metadata has no "
                     f"nncomplexity.lab and its name does not start with one of {sorted(LABS)}; pass lab=...")


def _error_line(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            value = str(out.get("evalue", "")).strip().splitlines()
            return f"{out.get('ename', 'Error')}: {value[0] if value else ''}".rstrip(": ")
    return None


def grade_notebook(path, *, lab: str | None = None, cell_timeout: int = 120,
                   kernel_name: str = "python3") -> Report:
    """Execute the notebook at ``path`` and check every task of its lab.

    Parameters
    ----------
    path : str or Path
        The submitted ``.ipynb``. It is read, never written.
    lab : str, optional
        "lab01", "lab02", ...; by default from the notebook's metadata or file name.
    cell_timeout : int
        Seconds a cell may run before it is interrupted (it then counts as an error).
    kernel_name : str
        The Jupyter kernel to run it in; it must be able to import nncomplexity.

    Returns
    -------
    Report
        Every task's result, plus the cells that raised while the notebook ran.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    lab = lab or lab_of(nb, path)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name=kernel_name, allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            resources={"metadata": {"path": str(path.resolve().parent)}})
    errors: list[str] = []
    fd, result_file = tempfile.mkstemp(prefix="nnc-grade-", suffix=".json")
    os.close(fd)
    number = 0
    try:
        client.reset_execution_trackers()
        with client.setup_kernel():
            for index, cell in enumerate(list(nb.cells)):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                number += 1
                try:
                    client.execute_cell(cell, index, execution_count=number)
                except DeadKernelError:
                    return _all_missing(lab, path, errors, f"the kernel died while running cell [{number}] "
                                                           "(out of memory?); no task could be checked")
                line = _error_line(cell)
                if line:
                    errors.append(f"cell [{number}]: {line}")
            grade_cell = nbformat.v4.new_code_cell(_GRADE_SOURCE.format(path=result_file, lab=lab))
            nb.cells.append(grade_cell)
            client.timeout = int(sum(t.time_limit_s for t in lab_tasks(lab)) + 60)
            try:
                client.execute_cell(grade_cell, len(nb.cells) - 1, execution_count=number + 1)
            except DeadKernelError:
                return _all_missing(lab, path, errors, "the kernel died while the checks ran")
            failure = _error_line(grade_cell)
        text = Path(result_file).read_text(encoding="utf-8")
        if not text:
            return _all_missing(lab, path, errors, f"the grader could not run in this kernel ({failure})")
        report = Report.from_dict(json.loads(text))
    finally:
        os.unlink(result_file)
    report.notebook = str(path)
    report.cell_errors = errors
    _explain_missing(report, lab)
    return report


def _explain_missing(report: Report, lab: str) -> None:
    """A task whose own stub raised while the notebook ran is "not implemented", not missing or failed.

    (Its variables are then undefined or half-filled, e.g. an empty list of times.)
    """
    for i, result in enumerate(report.results):
        if result.status not in (MISSING, FAIL):
            continue
        stub = f"NotImplementedError: Task {result.task}:"
        if any(stub in e for e in report.cell_errors):
            spec = next(t for t in lab_tasks(lab) if t.id == result.task)
            report.results[i] = spec.result(NOT_IMPLEMENTED, not_implemented_message(result.task, f"Task {result.task}:"))


def _all_missing(lab: str, path: Path, errors: list[str], note: str) -> Report:
    results = [t.result(MISSING, "not checked: " + note) if not t.manual else t.run() for t in lab_tasks(lab)]
    return Report(lab, results, notebook=str(path), cell_errors=errors, note=note)
