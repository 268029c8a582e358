"""What a lab declares and what a check returns: tasks, cases, mistakes, results, reports.

A lab (a module in :mod:`nncomplexity.grading.labs`) is a table of :class:`Task` rows. A task
that asks for a function gives the inputs the grader chooses (a seeded generator of
:class:`Case`), the reference (computed in the grader's process), the answer's type
(:mod:`~nncomplexity.grading.answers`), the known mistakes as :class:`Mistake` rows and the
:class:`Helpers` its functions may use. A task that asks for values (a measurement, a
prediction) gives a ``judge`` of those values. :mod:`~nncomplexity.grading.engine` runs either
kind; whatever happens, the student gets a :class:`CheckResult`, which prints as one line::

    PASS  Task 1.2 (count the FLOPs of a matrix product): ... [2/2 points]

A :class:`Report` gathers one notebook's results; :mod:`~nncomplexity.grading.export` writes it
in Gradescope's format.
"""
from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["BASE_HELPERS", "Case", "CheckFailed", "CheckResult", "Helpers", "Mistake", "Report", "Task",
           "Unchanged", "not_implemented_message"]

# Statuses of a result. Only "pass" (and partial credit on "fail") scores points.
PASS, FAIL, NOT_IMPLEMENTED, ERROR, MISSING, MANUAL = (
    "pass", "fail", "not implemented", "error", "missing", "manual")
LABELS = {PASS: "PASS", FAIL: "FAIL", NOT_IMPLEMENTED: "TODO", ERROR: "ERROR", MISSING: "MISSING",
          MANUAL: "BY HAND"}

DEFAULT_CALL_LIMIT_S = 10.0  # one call of student code
DEFAULT_CHECK_LIMIT_S = 30.0  # all calls of one check together


# =========================================================================== what a lab declares
@dataclass(frozen=True)
class Case:
    """One input the grader chooses: the arguments, and how messages name it."""

    args: tuple  # plain data: numbers, lists, dicts, NumPy arrays, wire.Func
    on: str  # "for m=2, k=3, n=4"
    facts: Mapping = field(default_factory=dict)  # extra names for message templates, e.g. {"rest": 2}
    rtol: float | None = None  # overrides the answer type's tolerance for this case (e.g. float32)


@dataclass(frozen=True)
class Mistake:
    """A known mistake: how to recognise it, and what to tell the student.

    Recognised when ``when(got, want, *args)`` is true, or when the answer equals
    ``alt(*args)`` (the mistaken computation; None where the input does not allow it) and that
    differs from the right answer. ``says`` is a template ({on}, {got_shape}, the case's facts,
    ...), shown after the answer type's head ("your count for ... is 24; expected 48: ...")
    unless ``alone``.
    """

    says: str
    alt: Callable[..., Any] | None = None
    when: Callable[..., bool] | None = None
    alone: bool = False


@dataclass(frozen=True)
class Unchanged:
    """A function must leave its inputs (those at ``positions``) as they were.

    With no credit the check comes first; with partial credit, after the values are right.
    """

    says: str
    credit: float = 0.0
    positions: tuple[int, ...] | None = None  # None: every argument


BASE_HELPERS = ("math", "fractions", "functools", "itertools", "operator", "typing", "collections", "numbers")
"""Standard-library modules every task allows (they do no linear algebra and count nothing)."""


@dataclass(frozen=True)
class Helpers:
    """What a task's functions may use besides Python's built-ins and the notebook's own functions.

    ``allow`` and ``forbid`` hold dotted names ("numpy", "numpy.zeros") or patterns with ``*``
    ("nncomplexity.*parameter_count"); a name under an entry matches it, ``forbid`` wins.
    ``matmul=False`` forbids the ``@`` operator, ``methods`` attribute names on any object
    (``A.dot(B)``).
    """

    allow: tuple[str, ...]
    forbid: tuple[str, ...] = ()
    matmul: bool = True
    methods: frozenset[str] = frozenset()
    says: str = ""  # the allowed names in words, for messages (default: the list)

    @staticmethod
    def _match(name: str, entry: str) -> bool:
        if "*" in entry:
            return fnmatch.fnmatchcase(name, entry)
        return name == entry or name.startswith(entry + ".")

    def allows(self, name: str) -> bool:
        if any(self._match(name, e) for e in self.forbid):
            return False
        return any(self._match(name, e) for e in BASE_HELPERS + self.allow)

    def describe(self) -> str:
        extra = self.says or ", ".join(e.replace("nncomplexity.*", "the book's ") for e in self.allow)
        return f"Python's built-ins, your own functions, {extra}, and math, functools, itertools"


@dataclass(frozen=True)
class Task:
    """One task of a lab: what the student writes, how it is checked, and for how many points."""

    id: str  # "1.2"
    title: str  # short imperative: "count the FLOPs of a matrix product"
    points: float  # 0 for tasks graded by hand
    names: tuple[str, ...]  # the notebook names the grader reads, in order
    tests: str  # what the check tests, in one sentence (shown on the instructor page)
    kind: str = "function"  # "function", "values" or "manual"
    cases: Callable | None = field(default=None, repr=False)  # cases(rng) -> list[Case]
    reference: Callable | None = field(default=None, repr=False)  # reference(*args) -> right answer
    answer: Any = field(default=None, repr=False)  # an answers.Answer: reads, compares, words the head
    mistakes: tuple[Mistake, ...] = field(default=(), repr=False)
    helpers: Helpers | None = None  # function tasks: what the functions may use
    judge: Callable | None = field(default=None, repr=False)  # values tasks: judge(*values) -> message
    passed: str = ""  # success message; {n} is the number of cases
    unchanged: Unchanged | None = None
    error_hints: tuple[tuple[tuple[str, ...], str], ...] = ()  # (words in a ValueError, hint to add)
    prepare: str | None = None  # values: source of a function applied to each value where it lives
    time_limit_s: float = DEFAULT_CHECK_LIMIT_S  # all calls of student code in one check
    call_limit_s: float = DEFAULT_CALL_LIMIT_S  # one call

    @property
    def lab(self) -> str:
        return "lab%02d" % int(self.id.split(".")[0])

    @property
    def manual(self) -> bool:
        return self.kind == "manual"

    @property
    def key(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.id.split("."))

    def result(self, status: str, message: str, fraction: float = 0.0) -> CheckResult:
        fraction = 1.0 if status == PASS else max(0.0, min(1.0, fraction))
        return CheckResult(self.id, self.title, status, message, round(self.points * fraction, 3),
                           float(self.points))


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
        points = "" if self.status == MANUAL else f" [{self.score:g}/{self.max_score:g} points]"
        return f"{LABELS[self.status]}  Task {self.task} ({self.title}): {self.message}{points}"

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the line, not the dataclass
        printer.text(str(self))


@dataclass
class Report:
    """Every task's result for one notebook, plus what went wrong while running it."""

    lab: str  # "lab01"
    results: list[CheckResult]  # in task order
    notebook: str | None = None  # the file graded
    cell_errors: list[str] = field(default_factory=list)  # "cell [7]: NotImplementedError: Task 1.3 ..."
    note: str = ""  # e.g. "cell [5] ended the kernel; the notebook was run again without it"
    seed: int | None = None  # the grader's inputs: rerun with --seed to see the same ones
    title: str = ""  # "Lab 1: Matrix multiplication"

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)

    def to_dict(self) -> dict:
        return {"lab": self.lab, "title": self.title, "notebook": self.notebook, "seed": self.seed,
                "note": self.note, "cell_errors": list(self.cell_errors),
                "results": [asdict(r) for r in self.results]}

    @classmethod
    def from_dict(cls, data: Mapping) -> Report:
        return cls(lab=data["lab"], results=[CheckResult(**r) for r in data["results"]],
                   notebook=data.get("notebook"), cell_errors=list(data.get("cell_errors", [])),
                   note=data.get("note", ""), seed=data.get("seed"), title=data.get("title", ""))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False)

    def summary(self) -> str:
        """A per-task table, the total, and every message in full."""
        head = (self.title or self.lab) + (f" — {self.notebook}" if self.notebook else "")
        lines = [head, "=" * len(head)]
        width = max((len(r.title) for r in self.results), default=10)
        for r in self.results:
            pts = "-" if r.status == MANUAL else f"{r.score:>4g}/{r.max_score:g}"
            lines.append(f"Task {r.task:<5} {r.title:<{width}}  {pts:>8}  {LABELS[r.status]}")
        manual = [r.task for r in self.results if r.status == MANUAL]
        total = f"Score: {self.score:g}/{self.max_score:g} (automatic checks)"
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
        if self.seed is not None:
            lines += ["", f"(inputs drawn with seed {self.seed})"]
        return "\n".join(lines)

    __str__ = summary


# =========================================================================== failures
class CheckFailed(Exception):
    """Raised by a check: ``message`` says what is wrong; ``fraction`` of the points is still earned."""

    def __init__(self, message: str, fraction: float = 0.0):
        super().__init__(message)
        self.message = message
        self.fraction = fraction


def not_implemented_message(task_id: str, error: str) -> str:
    """'not implemented yet: Task 1.2 ...', naming another task when its stub is what raised."""
    text = f"not implemented yet: Task {task_id}. Replace the `raise NotImplementedError(...)` line with your code"
    if not error.startswith(f"Task {task_id}:"):
        text += f" (your code raised NotImplementedError: {error})"
    return text
