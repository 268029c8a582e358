"""Grade a submitted notebook; the grade is computed here, never in the student's kernel.

1. The grader reads the notebook's code (:mod:`~nncomplexity.grading.static`): for each task
   that asks for a function, the function's def, what it uses, and whether that is allowed.
2. It runs the notebook top to bottom in a fresh kernel (errors allowed, each cell under a time
   limit, the kernel under a memory limit; the in-notebook ``check_task`` cells are skipped).
   A cell that kills the kernel or cannot be interrupted is reported, and the notebook is run
   again without it. Tasks that ask for values (a measurement) read them from this kernel.
3. The task functions run in a *second* fresh kernel that holds only what they need: their
   defs, the notebook functions and variables they use, and those imports, nothing else of
   the notebook. Whatever else the notebook did (patch a module, the grader, a built-in) never
   happened there.
4. For each task the grader sends a query: the inputs it drew with a fresh seed, as plain data.
   The kernel prints each answer as plain data on a line of its own; the grader reads those
   lines strictly (:mod:`~nncomplexity.grading.wire`) and judges them against references it
   computes itself (:mod:`~nncomplexity.grading.engine`).

This runs the student's code with your permissions; see ``labs/instructor.md`` for what that
means and how to contain it.
"""
from __future__ import annotations

import ast
import json
import re
import secrets
import sys
import time
from pathlib import Path

import nbformat

from . import runtime, static_notebook, wire
from .core import ERROR, FAIL, MISSING, NOT_IMPLEMENTED, Report, Task, not_implemented_message
from .engine import Unavailable, run_task
from .kernel import Kernel
from .labs import LABS, lab_tasks

__all__ = ["grade_notebook", "lab_of"]

RUNTIME_SOURCE = Path(runtime.__file__).read_text(encoding="utf-8")  # read once, before any notebook runs
QUERY = """def _nncomplexity_query():
    namespace = {{"__name__": "nncomplexity_grader_runtime", "__file__": {name!r}}}
    exec(compile({runtime!r}, {name!r}, "exec"), namespace)
    namespace["serve"]({payload!r}, globals())
_nncomplexity_query()
del _nncomplexity_query
"""
FORGED = "the grader received answer lines it did not ask for (printed by the notebook?), so it trusts none of them"
QUERY_SLACK_S = 10.0  # beyond a task's own time limit: starting, encoding, printing


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


def _is_check_cell(source: str) -> bool:
    """A cell that only calls check_task (the student's own feedback): the grader skips it."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
                              and isinstance(s.value.func, ast.Name) and s.value.func.id == "check_task" for s in body)


def _cell_number(error: str) -> int:
    return int(re.match(r"cell \[(\d+)\]", error).group(1))


def _died(status: str, timeout: float) -> str:
    if status == "dead":
        return "ended the kernel (the Python process died: os._exit, a crash, or more memory than the grader allows)"
    return f"ran past {timeout:g} s and could not be interrupted"


class _Grading:
    """One notebook's grading: its kernels, what they said, and the report's notes."""

    def __init__(self, path: Path, lab: str, *, cell_timeout, memory_mb, seed, python, total_timeout, max_restarts,
                 call_timeout):
        self.path, self.lab, self.seed, self.call_timeout = path, lab, seed, call_timeout
        self.cell_timeout, self.total_timeout = float(cell_timeout), float(total_timeout)
        self.max_restarts = max_restarts
        self.kernel_args = dict(cwd=path.resolve().parent, memory_mb=memory_mb, python=python)
        nb = nbformat.read(path, as_version=4)
        sources = [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]
        self.cells = list(enumerate(sources, start=1))
        self.code = static_notebook.NotebookCode(self.cells)
        self.notes: list[str] = []
        self.errors: list[str] = []  # "cell [n]: ...", in cell order
        self.kernels: list[Kernel] = []
        self.full = self.clean = None
        self.clean_defined = False  # the clean kernel holds the task functions
        self.findings: dict[str, list[str]] = {}
        self.needs: dict[str, list[static_notebook.Binding]] = {}
        for task in lab_tasks(lab):
            if task.kind == "function":
                self.findings[task.id], self.needs[task.id] = self.code.examine(task.names[0], task.helpers)
        self.program = sorted({b.order: b for task_id, needed in self.needs.items() if not self.findings[task_id]
                               for b in needed}.values(), key=lambda b: b.order)
        self.killers: set[int] = set()  # clean-program statements that killed the kernel

    def _kernel(self) -> Kernel:
        kernel = Kernel(**self.kernel_args).start()
        self.kernels.append(kernel)
        return kernel

    def stop(self) -> None:
        for kernel in self.kernels:
            kernel.stop()

    # ------------------------------------------------------------------ the whole notebook
    def run_notebook(self) -> None:
        skip = {n for n, source in self.cells if _is_check_cell(source)}
        deadline = time.monotonic() + self.total_timeout
        lost: list[str] = []
        for _ in range(self.max_restarts + 1):
            kernel, errors, failed = self.full or self._kernel(), [], None
            self.full = None
            try:
                kernel.ready()
            except RuntimeError as err:  # it could not start (too little memory? no ipykernel?)
                self.notes.append(f"the notebook's kernel did not start ({err}).")
                kernel.stop()
                return
            for number, source in self.cells:
                if number in skip:
                    continue
                if time.monotonic() > deadline:
                    self.notes.append(f"the notebook ran longer than {self.total_timeout:g} s in all; cells from "
                                      f"[{number}] on did not run")
                    break
                run = kernel.run(source, self.cell_timeout)
                if run.status == "error":
                    errors.append(f"cell [{number}]: {run.error_line}")
                elif run.status == "timeout":
                    errors.append(f"cell [{number}]: interrupted after {self.cell_timeout:g} s")
                elif run.status in ("dead", "hung"):
                    failed = (number, run.status)
                    break
            if failed is None:
                self.full, self.errors = kernel, sorted(lost + errors, key=_cell_number)
                return
            kernel.stop()
            number, status = failed
            what = _died(status, self.cell_timeout)
            lost.append(f"cell [{number}]: {what}")
            self.notes.append(f"cell [{number}] {what}; the notebook was run again without it.")
            skip.add(number)
        self.errors = sorted(lost, key=_cell_number)
        self.notes.append("the grader gave up running the notebook; values it should have set were not read.")

    # ------------------------------------------------------------------ the clean kernel
    def clean_kernel(self) -> Kernel:
        """The kernel holding only the task functions and what they need (defined on first use)."""
        for _ in range(self.max_restarts + 1):
            if self.clean is not None and self.clean_defined and self.clean.alive():
                return self.clean
            if self.clean is None or self.clean_defined or not self.clean.alive():
                if self.clean is not None:
                    self.clean.stop()
                self.clean = self._kernel()
            try:
                kernel, self.clean_defined = self.clean.ready(), True
            except RuntimeError as err:
                raise Unavailable(f"not checked: the grader could not start a kernel ({err})", ERROR) from None
            for binding in self.program:
                if binding.order in self.killers:
                    continue
                run = kernel.run(binding.text(), self.cell_timeout)
                if run.status in ("dead", "hung"):
                    self.killers.add(binding.order)
                    self.notes.append(f"while defining the task functions alone, line {binding.node.lineno} of code "
                                      f"cell {binding.site.cell} {_died(run.status, self.cell_timeout)}.")
                    kernel.stop()
                    break
            else:
                return kernel
        raise Unavailable("not checked: the grader could not define the task's functions in a fresh kernel", ERROR)

    def query(self, kernel: Kernel, payload: dict, timeout: float, progress: float | None = None):
        """Send one query; return (status, records): records parsed strictly, forged lines rejected."""
        nonce = secrets.token_hex(16)
        code = QUERY.format(name=runtime.SOURCE_NAME, runtime=RUNTIME_SOURCE,
                            payload=json.dumps({**payload, "nonce": nonce}, allow_nan=True))
        run = kernel.run(code, timeout, keep=lambda line: runtime.SENTINEL in line, progress=progress,
                         store_history=False)
        if run.status in ("dead", "hung"):
            kernel.stop()  # the next query that needs it starts a fresh one
        prefix, records = f"{runtime.SENTINEL} {nonce} ", []
        for line in run.lines:
            record = wire.parse_json(line[len(prefix):]) if line.startswith(prefix) else None
            if type(record) is not dict:
                raise Unavailable(FORGED, FAIL)
            records.append(record)
        if run.status == "error" and not any("done" in r for r in records):
            raise Unavailable(f"the grader's query failed in the kernel ({run.error_line})", ERROR)
        return run.status, records


class KernelSource:
    """Answers for :func:`~nncomplexity.grading.engine.run_task`, from the grader's kernels."""

    def __init__(self, grading: _Grading):
        self.g = grading

    def findings(self, task: Task) -> list[str]:
        if not self.g.needs[task.id] and not self.g.findings[task.id]:
            raise Unavailable(f"{task.names[0]} is not defined: did the cell that defines it run without an error?")
        return self.g.findings[task.id]

    def outcomes(self, task: Task, cases):
        g, name = self.g, task.names[0]
        call_limit = min(task.call_limit_s, g.call_timeout or task.call_limit_s)
        payload = {"names": [name], "cases": [wire.encode_inputs(list(c.args)) for c in cases],
                   "call_limit": call_limit, "task_limit": task.time_limit_s, "keep_args": task.unchanged is not None}
        timeout = min(task.time_limit_s, call_limit * len(cases)) + QUERY_SLACK_S
        status, records = g.query(g.clean_kernel(), payload, timeout, progress=call_limit + QUERY_SLACK_S / 2)
        head = records[0] if len(records) == 2 and records[1] == {"done": True} else {}
        if "missing" in head:
            raise Unavailable(f"{name} is not defined when the grader defines the task's functions alone: "
                              "does its cell run without an error?")
        if "notcallable" in head:
            raise Unavailable(f"{name} is a {head['notcallable']}, not a function", FAIL)
        calls = records[:-1] if records and records[-1] == {"done": True} else records
        if [r.get("i") for r in calls] != list(range(len(calls))) or len(calls) > len(cases) or any(
                sum(k in r for k in ("ok", "raised", "timeout", "budget")) != 1 or len(r) > 3 for r in calls):
            raise Unavailable(FORGED, FAIL)
        outcomes = [{k: v for k, v in r.items() if k != "i"} for r in calls]
        if status == "dead":
            outcomes.append({"died": True})
        elif status in ("timeout", "hung") and (not outcomes or "ok" in outcomes[-1]):
            outcomes.append({"timeout": timeout})
        return outcomes

    def values(self, task: Task) -> list:
        g = self.g
        if g.full is None or not g.full.alive():
            raise Unavailable("not checked: " + " ".join(g.notes or ["the notebook's kernel is gone"]))
        payload = {"names": list(task.names), "values": True, "prepare": task.prepare}
        status, records = g.query(g.full, payload, task.time_limit_s + QUERY_SLACK_S)
        if len(records) > 2 or (len(records) == 2 and records[1] != {"done": True}) or any(
                len(r) != 1 for r in records):
            raise Unavailable(FORGED, FAIL)
        record = records[0] if records else {}
        if "missing" in record:
            raise Unavailable(f"{', '.join(record['missing'])} is not defined: did the cell that defines it run "
                              "without an error?")
        if "unreadable" in record:
            raise Unavailable(f"the grader could not read {', '.join(task.names)}: {record['unreadable']}", FAIL)
        if "values" not in record or len(record["values"]) != len(task.names):
            raise Unavailable(f"the grader could not read {', '.join(task.names)} (the kernel {status})", FAIL)
        return [wire.decode(v) for v in record["values"]]


def grade_notebook(path, *, lab: str | None = None, cell_timeout: float = 120, memory_mb: int = 4096,
                   seed: int | None = None, python: str = sys.executable, total_timeout: float = 1800,
                   max_restarts: int = 3, call_timeout: float | None = None) -> Report:
    """Grade the notebook at ``path``: run it, then check every task of its lab (module docstring).

    Parameters
    ----------
    path : str or Path
        The submitted ``.ipynb``. It is read, never written.
    lab : str, optional
        "lab01", "lab02", ...; by default from the notebook's metadata or file name.
    cell_timeout : float
        Seconds a cell may run before it is interrupted (it then counts as an error).
    memory_mb : int
        The kernels' address-space limit in MiB (0: none).
    seed : int, optional
        Seed of the inputs the grader draws; by default a fresh one (the report gives it).
    python : str
        The interpreter of the kernels; it must be able to import nncomplexity and ipykernel.
    total_timeout : float
        Seconds the whole notebook may run (cells after that are not run).
    max_restarts : int
        How often a kernel that died is started again.
    call_timeout : float, optional
        Seconds one call of a task function may take (default: each task's own limit, 10 s or more).
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    lab = lab or lab_of(nb, path)
    seed = secrets.randbits(32) if seed is None else int(seed)
    grading = _Grading(path, lab, cell_timeout=cell_timeout, memory_mb=memory_mb, seed=seed, python=python,
                       total_timeout=total_timeout, max_restarts=max_restarts, call_timeout=call_timeout)
    try:
        if grading.program:
            grading.clean = grading._kernel()  # starts while the notebook runs
        grading.run_notebook()
        source = KernelSource(grading)
        results = [run_task(task, source, seed) for task in lab_tasks(lab)]
    finally:
        grading.stop()
    for i, (task, result) in enumerate(zip(lab_tasks(lab), results)):
        stub = f"NotImplementedError: Task {task.id}:"
        if task.kind == "values" and result.status in (MISSING, FAIL) and any(stub in e for e in grading.errors):
            results[i] = task.result(NOT_IMPLEMENTED, not_implemented_message(task.id, f"Task {task.id}:"))
    return Report(lab, results, notebook=str(path), cell_errors=grading.errors, note=" ".join(grading.notes),
                  seed=seed, title=LABS[lab])
