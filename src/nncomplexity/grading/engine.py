"""One engine runs every lab's table: choose the inputs, get the answers, judge them here.

:func:`run_task` asks a *source* for what the student's code did and judges it in this
process, against references computed in this process:

- :class:`LocalSource` calls the objects it was given, in this process: ``check_task`` in a
  notebook, fast and friendly, but only as trustworthy as the notebook;
- :class:`~nncomplexity.grading.notebook.KernelSource` asks a separate kernel and reads back
  plain data only (the instructor's grader).

Either way the student's answer arrives as plain data (numbers, lists, dicts, NumPy arrays;
:mod:`~nncomplexity.grading.wire`), so the same comparisons and diagnoses apply.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

import numpy as np

from . import runtime, static_objects, wire
from .core import (ERROR, FAIL, MANUAL, MISSING, NOT_IMPLEMENTED, PASS, Case, CheckFailed, CheckResult, Report, Task,
                   not_implemented_message)

__all__ = ["LOCAL_SEED", "LocalSource", "Unavailable", "check_task", "grade_namespace", "run_task"]

LOCAL_SEED = 0
"""Seed of the inputs ``check_task`` draws in a notebook (the same every run: messages do not change)."""


class Unavailable(Exception):
    """The answer could not be had: ``status`` is MISSING, NOT_IMPLEMENTED or FAIL."""

    def __init__(self, message: str, status: str = MISSING):
        super().__init__(message)
        self.message, self.status = message, status


class _NotImplemented(Exception):
    pass


# =========================================================================== judging
def run_task(task: Task, source, seed: int = LOCAL_SEED) -> CheckResult:
    """Check one task with answers from ``source``; never raises (except KeyboardInterrupt)."""
    if task.manual:
        return task.result(MANUAL, "not auto-graded: your instructor reads this answer")
    try:
        if task.kind == "values":
            values = source.values(task)
            for name, value in zip(task.names, values):
                _plain(value, name, "")
            message = task.judge(*values)
        else:
            findings = source.findings(task)
            if findings:
                raise CheckFailed(delegation_message(task, findings))
            cases = task.cases(np.random.default_rng([seed, *task.key]))
            message = _judge_function(task, cases, source.outcomes(task, cases))
    except _NotImplemented as err:
        return task.result(NOT_IMPLEMENTED, not_implemented_message(task.id, str(err)))
    except Unavailable as err:
        return task.result(err.status, err.message)
    except CheckFailed as err:
        return task.result(FAIL, err.message, err.fraction)
    except Exception as err:  # a bug in a check must not crash a notebook
        return task.result(ERROR, f"the check itself failed ({type(err).__name__}: {err}); please tell your instructor")
    return task.result(PASS, message)


def delegation_message(task: Task, findings: list[str]) -> str:
    shown = "; ".join(findings[:3]) + (f"; and {len(findings) - 3} more" if len(findings) > 3 else "")
    return (f"Task {task.id} asks you to write this yourself; the grader read your code and found {shown}. "
            f"A function for this task may use {task.helpers.describe()}")


def _plain(value, what: str, on: str):
    opaque = wire.find_opaque(value)
    if opaque is not None:
        subject = " ".join(part for part in (what, on, "is" if value is opaque else "holds") if part)
        raise CheckFailed(f"{subject} a {opaque.type} object, not plain data: return numbers, lists, dicts or NumPy "
                          "arrays. The grader compares plain values, so an object with its own == (or any other "
                          "object) cannot stand in for an answer")
    return value


def _unwrap(task: Task, case: Case, outcome: Mapping):
    """The decoded answer (and the arguments after the call) from one outcome, or the failure it reports."""
    on = case.on
    if "raised" in outcome:
        name, text, line = outcome["raised"]
        if name == "NotImplementedError":
            raise _NotImplemented(text)
        if name == "RecursionError":
            raise CheckFailed(f"your function recursed without end {on}")
        message = f"your function raised {name}: {text} {on}" + (f' (at the line "{line}")' if line else "")
        if name == "MemoryError":
            message += " (more memory than the grader allows: far more work than the task needs?)"
        for words, hint in task.error_hints:
            if name == "ValueError" and any(w in text for w in words):
                message += ". " + hint
        raise CheckFailed(message)
    if "timeout" in outcome:
        raise CheckFailed(f"your function did not finish within {outcome['timeout']:.3g} s {on} "
                          "(an endless loop, or far more work than the task needs?)")
    if "budget" in outcome:
        raise CheckFailed(f"the check ran out of time before it could try your function {on}: "
                          "is it very slow on small inputs?")
    if "died" in outcome:
        raise CheckFailed(f"your function ended the Python process {on} (the kernel died: os._exit, a crash, or "
                          "more memory than the grader allows)")
    what = task.answer.what if task.answer is not None else "your function's result"
    value = _plain(wire.decode(outcome["ok"]), what, on)
    return value, (wire.decode(outcome["after"]) if "after" in outcome else None)


def _same_data(a, b) -> bool:
    if isinstance(b, wire.Func) or isinstance(a, wire.Opaque):
        return True  # a function input comes back as an object: nothing to compare
    if isinstance(b, np.ndarray) or isinstance(a, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape and \
            bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(b, Mapping):
        return isinstance(a, Mapping) and a.keys() == b.keys() and all(_same_data(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and len(a) == len(b) and all(map(_same_data, a, b))
    return a == b


def _check_unchanged(task: Task, case: Case, after) -> None:
    rule = task.unchanged
    if after is None:
        return
    positions = rule.positions if rule.positions is not None else range(len(case.args))
    if not all(_same_data(after[i], case.args[i]) for i in positions):
        raise CheckFailed(rule.says.format(on=case.on), rule.credit)


def _judge_function(task: Task, cases: list[Case], outcomes: Iterable[Mapping]) -> str:
    checked = 0
    for case, outcome in zip(cases, outcomes):
        value, after = _unwrap(task, case, outcome)
        want = task.reference(*case.args)
        if task.unchanged is not None and not task.unchanged.credit:
            _check_unchanged(task, case, after)
        got = task.answer.coerce(case, value)
        if not task.answer.same(case, got, want):
            raise CheckFailed(task.answer.diagnose(task, case, got, want))
        if task.unchanged is not None and task.unchanged.credit:
            _check_unchanged(task, case, after)
        checked += 1
    if checked < len(cases):
        raise CheckFailed(f"the grader received answers for {checked} of {len(cases)} inputs")
    return task.passed.format(n=len(cases))


# =========================================================================== in this process
class LocalSource:
    """The student's objects, called in this process (``check_task`` in a notebook)."""

    def __init__(self, objects: tuple):
        self.objects = objects

    def _function(self, task: Task):
        fn = self.objects[0]
        if callable(fn):
            return fn
        text = repr(fn)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise CheckFailed(f"expected a function ({task.names[0]}), got {type(fn).__name__} {text}: pass the "
                          f"function itself, e.g. check_task(\"{task.id}\", {task.names[0]}), not its result")

    def findings(self, task: Task) -> list[str]:
        return static_objects.check_callable(self._function(task), task.helpers, task.names[0]) or []

    def outcomes(self, task: Task, cases: list[Case]):
        fn = self._function(task)
        inputs = (copy.deepcopy(c.args) for c in cases)  # the grader's copies stay as they were
        return runtime.call_cases(fn, inputs, call_limit=task.call_limit_s, task_limit=task.time_limit_s,
                                  keep_args=task.unchanged is not None)

    def values(self, task: Task) -> list:
        prepare = runtime.make_function(task.prepare) if task.prepare else (lambda v: v)
        return [wire.decode(runtime.encode(prepare(v))) for v in self.objects]


def check_task(task_id: str, *objects) -> CheckResult:
    """Check your answer to Task ``task_id``, e.g. ``check_task("1.2", matmul_flop_count)``.

    Prints as a PASS line, or says what is wrong and for which input.
    """
    from .labs import TASKS

    if not isinstance(task_id, str) or task_id not in TASKS:
        known = ", ".join(sorted(TASKS, key=lambda s: TASKS[s].key))
        raise ValueError(f"unknown task {task_id!r}; tasks are {known}")
    task = TASKS[task_id]
    if not task.manual and len(objects) != len(task.names):
        return task.result(ERROR, f"the check could not run: it takes {len(task.names)} object(s), got "
                           f"{len(objects)}. Call it as check_task(\"{task.id}\", {', '.join(task.names)}).")
    return run_task(task, LocalSource(objects))


def grade_namespace(lab: str, namespace: Mapping) -> Report:
    """Run every check of ``lab`` on the objects a notebook defined (its globals), in this process."""
    from .labs import LABS, lab_tasks

    results = []
    for task in lab_tasks(lab):
        missing = [name for name in task.names if name not in namespace]
        if missing and not task.manual:
            results.append(task.result(MISSING, f"{', '.join(missing)} is not defined: did the cell "
                                       "that defines it run without an error?"))
        else:
            results.append(check_task(task.id, *(namespace[name] for name in task.names)))
    return Report(lab, results, title=LABS[lab])
