"""Automatic checks for the book's labs, and a grader for submitted notebooks that cannot be fooled.

In a lab notebook, after writing a task's function, run its check::

    from nncomplexity.grading import check_task
    check_task("1.2", matmul_flop_count)
    # PASS  Task 1.2 (count the FLOPs of a matrix product): exact on 9 shapes ... [2/2 points]

A check compares the student's answer with the library's reference on inputs it chooses
(random ones and edge cases), and when the answer is wrong it says for which input, and which
typical mistake explains it. Each lab is a table of tasks (:mod:`.labs`); one engine runs them
(:mod:`.engine`).

An instructor grades a submitted notebook from the command line::

    python -m nncomplexity.grading submission.ipynb                       # per-task report
    python -m nncomplexity.grading submission.ipynb --gradescope results.json

The command line computes the grade in its own process from plain data that fresh kernels
return for inputs it draws (:mod:`.notebook`); ``check_task`` runs in the student's own kernel
and is feedback, not a grade. Importing this package imports neither torch nor nbclient.
"""
from .core import CheckResult, Report, Task
from .engine import check_task, grade_namespace
from .export import to_gradescope, write_gradescope
from .labs import LABS, TASKS, lab_tasks

__all__ = [
    "LABS", "TASKS", "CheckResult", "Report", "Task", "check_task", "grade_namespace", "grade_notebook",
    "lab_tasks", "to_gradescope", "write_gradescope",
]


def grade_notebook(path, **kwargs) -> Report:
    """Grade a submitted lab notebook; see :func:`.notebook.grade_notebook`."""
    from .notebook import grade_notebook as _grade

    return _grade(path, **kwargs)
