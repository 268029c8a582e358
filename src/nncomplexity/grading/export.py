"""Export a :class:`~nncomplexity.grading.core.Report` to Gradescope's autograder format.

Gradescope reads ``/autograder/results/results.json``::

    {"score": 7.0,
     "output": "Lab 1: Matrix multiplication ...",
     "tests": [{"name": "Task 1.1: implement the triple loop", "score": 3.0, "max_score": 3.0,
                "status": "passed", "output": "PASS ..."}, ...]}

``score`` is the total; each test carries its own ``score``, ``max_score`` and
``output`` (the check's message). Tasks graded by hand appear with
``max_score`` 0 so students see that they exist; grade them in Gradescope with
a manual question. Standard library only (json).
"""
from __future__ import annotations

import json
from pathlib import Path

from .core import MANUAL, PASS, Report

__all__ = ["to_gradescope", "write_gradescope"]


def to_gradescope(report: Report) -> dict:
    """The results.json dictionary for ``report``."""
    if not isinstance(report, Report):
        raise TypeError(f"report must be a Report, got {type(report).__name__}")
    tests = []
    for r in report.results:
        test = {"name": f"Task {r.task}: {r.title}", "score": r.score, "max_score": r.max_score,
                "output": str(r)}
        if r.status != MANUAL:
            test["status"] = "passed" if r.status == PASS else "failed"
        tests.append(test)
    lines = [report.title]
    if report.note:
        lines.append("Note: " + report.note)
    if report.cell_errors:
        lines.append("Cells that raised an error while your notebook ran:")
        lines += ["  " + e for e in report.cell_errors]
    return {"score": report.score, "output": "\n".join(lines), "tests": tests}


def write_gradescope(report: Report, path) -> Path:
    """Write ``to_gradescope(report)`` to ``path`` (creating its folder); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_gradescope(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
