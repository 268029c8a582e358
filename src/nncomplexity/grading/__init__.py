"""Automatic checks for the book's labs, and a grader for submitted notebooks.

In a lab notebook, after writing a task's function, run its check::

    from nncomplexity.grading import check_task
    check_task("1.2", matmul_flop_count)
    # PASS  Task 1.2 (count the FLOPs of a matrix product): exact on 9 shapes ... [2/2 points]

Each lab's checks are also available by name (``grading.lab1.check_flop_count``).
A check compares the student's function with the library's reference on
seeded random inputs and on edge cases, and when the answer is wrong it says
for which input, and which typical mistake explains it.

An instructor grades a submitted notebook from the command line::

    python -m nncomplexity.grading submission.ipynb                       # per-task report
    python -m nncomplexity.grading submission.ipynb --gradescope results.json

Importing this package imports neither torch nor nbclient.
"""
from . import lab1, lab2, lab3
from .core import LABS, TASKS, CheckResult, Report, Task, check_task, grade_namespace, lab_tasks
from .export import to_gradescope, write_gradescope

__all__ = [
    "LABS", "TASKS", "CheckResult", "Report", "Task", "check_task", "grade_namespace", "grade_notebook",
    "lab1", "lab2", "lab3", "lab_tasks", "to_gradescope", "write_gradescope",
]


def grade_notebook(path, **kwargs) -> Report:
    """Execute a submitted lab notebook and check every task; see :func:`.notebook.grade_notebook`."""
    from .notebook import grade_notebook as _grade

    return _grade(path, **kwargs)
