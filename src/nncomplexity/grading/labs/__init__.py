"""The labs' tables, one module per lab (``lab01.py``, ...), found here rather than listed.

Each module defines ``LAB`` ("lab01"), ``TITLE`` ("Lab 1: Matrix multiplication") and
``TASKS``, a list of :class:`~nncomplexity.grading.core.Task` in order. A new lab is a new
module; nothing else needs to name it. Modules whose names start with ``_`` hold what several
labs share.
"""
from __future__ import annotations

import importlib
import pkgutil

from ..core import Task

__all__ = ["LABS", "TASKS", "get_task", "lab_tasks"]


def _discover() -> tuple[dict[str, str], dict[str, Task]]:
    labs: dict[str, str] = {}
    tasks: dict[str, Task] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        labs[module.LAB] = module.TITLE
        for task in module.TASKS:
            if task.id in tasks or task.lab != module.LAB:
                raise RuntimeError(f"{info.name}: task {task.id} is repeated or belongs to another lab")
            tasks[task.id] = task
    return labs, tasks


LABS, TASKS = _discover()
"""Lab id -> title (a lab id is the prefix of its notebook's file name); task id -> task."""


def lab_tasks(lab: str) -> list[Task]:
    """The tasks of ``lab`` ("lab01", ...) in order."""
    if lab not in LABS:
        raise ValueError(f"lab must be one of {sorted(LABS)}, got {lab!r}")
    return sorted((t for t in TASKS.values() if t.lab == lab), key=lambda t: t.key)


def get_task(task_id: str) -> Task:
    return TASKS[task_id]
