"""The results model, the task registry, and safe calls of student code.

A lab task is checked by a function registered with :func:`task`. The check
calls the student's code through :func:`call`, which

- turns ``NotImplementedError`` (the stub left in the student notebook) into
  the status "not implemented";
- catches every other exception and reports it with the input that triggered
  it and the line of student code that raised it;
- stops a call that runs past its time limit (a check never hangs).

A check returns a short message on success, or raises :class:`CheckFailed`
with a message that says what is wrong, for which input, and (when it can
tell) which typical mistake explains it. Whatever happens, the student gets a
:class:`CheckResult`, which prints as one line::

    PASS  Task 1.2 (count the FLOPs of a matrix product): ... [2/2 points]

A :class:`Report` gathers the results of one notebook (see
:mod:`~nncomplexity.grading.notebook`); :mod:`~nncomplexity.grading.export`
writes it in Gradescope's format.
"""
from __future__ import annotations

import contextlib
import inspect
import json
import math
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "CheckFailed",
    "CheckResult",
    "LABS",
    "Report",
    "TASKS",
    "Task",
    "call",
    "check_task",
    "grade_namespace",
    "lab_tasks",
    "manual_task",
    "task",
]

# Statuses of a result. Only "pass" (and partial credit on "fail") scores points.
PASS, FAIL, NOT_IMPLEMENTED, ERROR, MISSING, MANUAL = (
    "pass", "fail", "not implemented", "error", "missing", "manual")
_LABELS = {PASS: "PASS", FAIL: "FAIL", NOT_IMPLEMENTED: "TODO", ERROR: "ERROR",
           MISSING: "MISSING", MANUAL: "BY HAND"}

DEFAULT_CALL_LIMIT_S = 10.0  # one call of student code
DEFAULT_CHECK_LIMIT_S = 30.0  # all calls of one check together

LABS: dict[str, str] = {
    "lab01": "Lab 1: Matrix multiplication",
    "lab02": "Lab 2: Forward propagation",
    "lab03": "Lab 3: Backpropagation",
}
"""Lab id -> title. A lab id is the prefix of its notebook's file name."""


# =========================================================================== results
@dataclass(frozen=True)
class CheckResult:
    """The outcome of one task's check; prints as one line."""

    task: str  # "1.2"
    title: str  # what the task asks, e.g. "count the FLOPs of a matrix product"
    status: str  # "pass", "fail", "not implemented", "error", "missing" or "manual"
    message: str  # what was found, for which input, and the likely mistake
    score: float  # points earned
    max_score: float  # points available (0 for tasks graded by hand)

    @property
    def passed(self) -> bool:
        return self.status == PASS

    def __str__(self) -> str:
        points = "" if self.status == MANUAL else f" [{_num(self.score)}/{_num(self.max_score)} points]"
        return f"{_LABELS[self.status]}  Task {self.task} ({self.title}): {self.message}{points}"

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the line, not the dataclass
        printer.text(str(self))


def _num(x: float) -> str:
    return f"{x:g}"


@dataclass
class Report:
    """Every task's result for one notebook, plus what went wrong while running it."""

    lab: str  # "lab01"
    results: list[CheckResult]  # in task order
    notebook: str | None = None  # the file graded
    cell_errors: list[str] = field(default_factory=list)  # "cell 7: NotImplementedError: Task 1.3 ..."
    note: str = ""  # e.g. "the kernel died while running cell 5"

    @property
    def title(self) -> str:
        return LABS.get(self.lab, self.lab)

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)

    def to_dict(self) -> dict:
        return {"lab": self.lab, "notebook": self.notebook, "note": self.note,
                "cell_errors": list(self.cell_errors), "results": [asdict(r) for r in self.results]}

    @classmethod
    def from_dict(cls, data: Mapping) -> Report:
        return cls(lab=data["lab"], results=[CheckResult(**r) for r in data["results"]],
                   notebook=data.get("notebook"), cell_errors=list(data.get("cell_errors", [])),
                   note=data.get("note", ""))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False)

    def summary(self) -> str:
        """A per-task table, the total, and every message in full."""
        head = self.title + (f" — {self.notebook}" if self.notebook else "")
        lines = [head, "=" * len(head)]
        width = max((len(r.title) for r in self.results), default=10)
        for r in self.results:
            pts = "-" if r.status == MANUAL else f"{_num(r.score):>4}/{_num(r.max_score)}"
            lines.append(f"Task {r.task:<5} {r.title:<{width}}  {pts:>8}  {_LABELS[r.status]}")
        manual = [r.task for r in self.results if r.status == MANUAL]
        total = f"Score: {_num(self.score)}/{_num(self.max_score)} (automatic checks)"
        if manual:
            total += f"; graded by hand: Task {', '.join(manual)}"
        lines += ["", total]
        if self.note:
            lines += ["", "Note: " + self.note]
        if self.cell_errors:
            lines += ["", "Cells that raised an error while the notebook ran:"]
            lines += [f"  {e}" for e in self.cell_errors]
        lines += ["", "Details:"]
        lines += [f"  {r}" for r in self.results]
        return "\n".join(lines)

    __str__ = summary


# =========================================================================== failures
class CheckFailed(Exception):
    """Raised by a check: ``message`` says what is wrong; ``fraction`` of the points is still earned."""

    def __init__(self, message: str, fraction: float = 0.0):
        super().__init__(message)
        self.message = message
        self.fraction = fraction


class _NotImplemented(Exception):
    """The student's code raised NotImplementedError (the stub is still there)."""


class _TimeUp(BaseException):
    """Raised in the student's code by the alarm; a BaseException so ``except Exception`` cannot swallow it."""


_deadline: list[float] = []  # monotonic end of the running check (a stack: checks do not nest, but be safe)


@contextlib.contextmanager
def _check_deadline(seconds: float) -> Iterator[None]:
    _deadline.append(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.pop()


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimeUp` in this (main) thread after ``seconds``; restores any outer timer."""
    def on_alarm(signum, frame):
        raise _TimeUp()

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay > 0:  # someone else's timer (pytest-timeout, another alarm): re-arm it
            signal.setitimer(signal.ITIMER_REAL, max(old_delay - (time.monotonic() - start), 1e-3),
                             old_interval)


def _run_limited(fn: Callable, args: tuple, kwargs: dict, seconds: float):
    """``fn(*args, **kwargs)``, giving up after ``seconds``."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            return fn(*args, **kwargs)
    # No SIGALRM (Windows) or not the main thread: run in a daemon thread and stop waiting.
    box: dict = {}

    def target():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as err:  # handed to the caller below
            box["error"] = err

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _TimeUp()
    if "error" in box:
        raise box["error"]
    return box["value"]


_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def _student_line(err: BaseException) -> str:
    """The last traceback line in the student's own code (not this package, not an installed library)."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if not f.filename.startswith(_PACKAGE_DIR) and "site-packages" not in f.filename
              and "/lib/python" not in f.filename]
    if not frames or not frames[-1].line:
        return ""
    return f' (at the line "{frames[-1].line.strip()}")'


def call(fn: Callable, *args, on: str, limit_s: float | None = None, **kwargs):
    """Call the student's ``fn(*args, **kwargs)`` safely.

    ``on`` describes the input for messages, e.g. ``"for A of shape (2, 3) and
    B of shape (3, 4)"``. NotImplementedError becomes "not implemented"; any
    other exception, or running past the time limit (``limit_s``, default
    ``DEFAULT_CALL_LIMIT_S``, and what is left of the check's own limit),
    becomes a :class:`CheckFailed` naming the input.
    """
    limit = DEFAULT_CALL_LIMIT_S if limit_s is None else limit_s
    if _deadline:
        limit = min(limit, _deadline[-1] - time.monotonic())
        if limit <= 0:
            raise CheckFailed(f"the check ran out of time before it could try your function {on}: "
                              "is it very slow on small inputs?")
    try:
        return _run_limited(fn, args, kwargs, limit)
    except NotImplementedError as err:
        raise _NotImplemented(str(err)) from None
    except _TimeUp:
        raise CheckFailed(f"your function did not finish within {limit:.3g} s {on} "
                          "(an endless loop, or far more work than the task needs?)") from None
    except (CheckFailed, _NotImplemented):
        raise
    except RecursionError:
        raise CheckFailed(f"your function recursed without end {on}") from None
    except Exception as err:
        raise CheckFailed(f"your function raised {type(err).__name__}: {err} {on}{_student_line(err)}") from None


def require_callable(obj, what: str, task_id: str) -> Callable:
    """Raise a helpful CheckFailed when a value is passed instead of a function."""
    if callable(obj):
        return obj
    raise CheckFailed(f"expected a function ({what}), got {type(obj).__name__} {_short(obj)}: pass the "
                      f"function itself, e.g. check_task(\"{task_id}\", my_function), not its result")


def _short(obj, limit: int = 60) -> str:
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# =========================================================================== registry
@dataclass(frozen=True)
class Task:
    """One task of a lab and its check."""

    id: str  # "1.2"
    lab: str  # "lab01"
    title: str  # short imperative: "count the FLOPs of a matrix product"
    points: float  # 0 for tasks graded by hand
    names: tuple[str, ...]  # notebook variables the grader passes to the check, in order
    tests: str  # what the check tests, in one sentence (shown on the instructor page)
    check: Callable | None = field(default=None, repr=False)  # None: graded by hand
    time_limit_s: float = DEFAULT_CHECK_LIMIT_S  # all calls of student code in one check

    @property
    def manual(self) -> bool:
        return self.check is None

    def result(self, status: str, message: str, fraction: float = 0.0) -> CheckResult:
        fraction = 1.0 if status == PASS else max(0.0, min(1.0, fraction))
        return CheckResult(self.id, self.title, status, message,
                           round(self.points * fraction, 3), float(self.points))

    def run(self, *args, **kwargs) -> CheckResult:
        """Run the check on the student's objects; never raises (except KeyboardInterrupt)."""
        if self.manual:
            return self.result(MANUAL, "not auto-graded: your instructor reads this answer")
        try:
            inspect.signature(self.check).bind(*args, **kwargs)
        except TypeError as err:  # wrong arguments to the check itself
            return self.result(ERROR, f"the check could not run: {err}. Call it as "
                               f"check_task(\"{self.id}\", {', '.join(self.names)}).")
        try:
            with _check_deadline(self.time_limit_s):
                message = self.check(*args, **kwargs)
        except _NotImplemented as err:
            return self.result(NOT_IMPLEMENTED, not_implemented_message(self.id, str(err)))
        except CheckFailed as err:
            return self.result(FAIL, err.message, err.fraction)
        except _TimeUp:
            return self.result(FAIL, f"the check stopped after {self.time_limit_s:g} s")
        except Exception as err:  # a bug in a check must not crash a notebook
            return self.result(ERROR, f"the check itself failed ({type(err).__name__}: {err}); "
                               "please tell your instructor")
        return self.result(PASS, message)


def not_implemented_message(task_id: str, error: str) -> str:
    """'not implemented yet: Task 1.2 ...', naming another task when its stub is what raised."""
    text = f"not implemented yet: Task {task_id}. Replace the `raise NotImplementedError(...)` line with your code"
    if not error.startswith(f"Task {task_id}:"):
        text += f" (your code raised NotImplementedError: {error})"
    return text


TASKS: dict[str, Task] = {}
"""Every registered task by id ("1.1", "2.3", ...)."""


def task(id: str, title: str, *, points: float, names: tuple[str, ...], tests: str,
         time_limit_s: float = DEFAULT_CHECK_LIMIT_S):
    """Register a check function as the check of Task ``id``.

    The decorated function takes the student's objects and returns a success
    message or raises :class:`CheckFailed`. The name it is bound to returns a
    :class:`CheckResult` (it runs :meth:`Task.run`).
    """
    def decorate(check: Callable) -> Callable[..., CheckResult]:
        lab = "lab%02d" % int(id.split(".")[0])
        spec = Task(id, lab, title, points, tuple(names), tests, check, time_limit_s)
        TASKS[id] = spec

        def run(*args, **kwargs) -> CheckResult:
            return spec.run(*args, **kwargs)

        run.__name__ = check.__name__
        run.__qualname__ = check.__qualname__
        run.__doc__ = check.__doc__
        run.__module__ = check.__module__
        run.task = spec  # type: ignore[attr-defined]
        return run

    return decorate


def manual_task(id: str, title: str, *, tests: str) -> Task:
    """Register a task graded by hand (a free-text answer): no points from the checks."""
    lab = "lab%02d" % int(id.split(".")[0])
    spec = Task(id, lab, title, 0, (), tests, None)
    TASKS[id] = spec
    return spec


def lab_tasks(lab: str) -> list[Task]:
    """The tasks of ``lab`` ("lab01", ...) in order."""
    if lab not in LABS:
        raise ValueError(f"lab must be one of {sorted(LABS)}, got {lab!r}")
    found = [t for t in TASKS.values() if t.lab == lab]
    return sorted(found, key=lambda t: tuple(int(p) for p in t.id.split(".")))


def check_task(task_id: str, *objects, **kwargs) -> CheckResult:
    """Check your answer to Task ``task_id``, e.g. ``check_task("1.2", matmul_flop_count)``.

    Prints as a PASS line, or says what is wrong and for which input.
    """
    if not isinstance(task_id, str) or task_id not in TASKS:
        known = ", ".join(sorted(TASKS, key=lambda s: tuple(map(int, s.split(".")))))
        raise ValueError(f"unknown task {task_id!r}; tasks are {known}")
    return TASKS[task_id].run(*objects, **kwargs)


def grade_namespace(lab: str, namespace: Mapping) -> Report:
    """Run every check of ``lab`` on the objects the notebook defined (its globals)."""
    results = []
    for spec in lab_tasks(lab):
        missing = [name for name in spec.names if name not in namespace]
        if spec.manual:
            results.append(spec.run())
        elif missing:
            results.append(spec.result(MISSING, f"{', '.join(missing)} is not defined: did the cell "
                                       "that defines it run without an error?"))
        else:
            results.append(spec.run(*(namespace[name] for name in spec.names)))
    return Report(lab, results)


def is_integral(value) -> bool:
    """True for ints (NumPy's too) and for floats with no fractional part."""
    try:
        return float(value).is_integer() if isinstance(value, float) else int(value) == value
    except (TypeError, ValueError, OverflowError):
        return False


def is_number(value) -> bool:
    try:
        return not isinstance(value, (bool, str, bytes)) and math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False
