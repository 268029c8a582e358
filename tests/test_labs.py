"""The lab system: student notebooks made from the sources, free of solutions, runnable, gradable;
and the instructor's grader, which no submission can fool.

- labs/student/ is exactly what tools/make_student.py makes from labs/source/;
- no student notebook holds a marker, a model answer or any solution line;
- each student notebook, run top to bottom, runs cleanly up to its first task
  and stops there with NotImplementedError naming that task;
- every auto-graded task has a stub, every written task an answer prompt;
- the grader, run as a student or an instructor would, gives full marks to the
  solutions, "not implemented" to an untouched student notebook, and the
  right diagnosis to a wrong answer; Gradescope's results.json is written;
- the solution notebooks pass nbval against their stored outputs;
- adversarial submissions, each a real notebook graded through the instructor's path, earn
  nothing: patching the grader, its references or comparisons, forging results, an always-equal
  object, a library's product or count instead of the student's own; a notebook that kills its
  kernel or loops forever is reported per task, in bounded time, and leaves no process behind.

These tests execute notebooks (seconds each); ``make test-fast`` skips this file.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from lab_answers import LOOPS

from nncomplexity.grading import LABS, grade_notebook, lab_tasks
from nncomplexity.grading.runtime import SENTINEL

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_student  # noqa: E402

SOURCES = sorted((ROOT / "labs" / "source").glob("lab*.ipynb"))
STUDENTS = sorted((ROOT / "labs" / "student").glob("lab*.ipynb"))
LAB_OF = {p.name: "lab" + p.name[3:5] for p in SOURCES}


def student_of(source: Path) -> Path:
    return ROOT / "labs" / "student" / source.name


def ids(paths):
    return [p.name for p in paths]


def test_one_source_per_lab_and_one_student_per_source():
    assert [LAB_OF[p.name] for p in SOURCES] == sorted(LABS)
    assert ids(STUDENTS) == ids(SOURCES)
    for src in SOURCES:
        nb = nbformat.read(src, as_version=4)
        assert nb.metadata["nncomplexity"]["lab"] == LAB_OF[src.name]


def test_student_notebooks_are_what_make_student_makes(tmp_path):
    out = tmp_path / "student"
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for student in STUDENTS:
        assert (out / student.name).read_bytes() == student.read_bytes(), (
            f"{student.name} is stale: run python tools/make_student.py")
    check = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_make_student_is_deterministic():
    for src in SOURCES:
        assert make_student.make_student(src) == make_student.make_student(src)


def test_check_mode_notices_a_stale_student_notebook(tmp_path):
    out = tmp_path / "student"
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--out", str(out)], check=True,
                   capture_output=True)
    victim = out / STUDENTS[0].name
    victim.write_text(victim.read_text().replace("Task 1.1", "Task 1.1 (edited)"))
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--check", "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and victim.name in done.stderr


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_student_notebook_holds_no_solution(source):
    src = nbformat.read(source, as_version=4)
    stu = nbformat.read(student_of(source), as_version=4)
    text = "\n".join(c.source for c in stu.cells)
    for marker in make_student.MARKERS:
        assert marker not in text, f"marker {marker!r} left in {source.name}"
    student_lines = {ln.strip() for c in stu.cells for ln in c.source.split("\n")}
    secret = make_student.solution_lines(src)
    assert len(secret) >= 10
    leaked = [ln for ln in secret if ln in student_lines]
    assert not leaked, f"solution lines in the student version of {source.name}: {leaked}"
    for cell in stu.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "language_info" not in stu.metadata and "widgets" not in stu.metadata


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_every_task_has_its_stub_or_answer_prompt(source):
    stu = nbformat.read(student_of(source), as_version=4)
    code = "\n".join(c.source for c in stu.cells if c.cell_type == "code")
    markdown = "\n".join(c.source for c in stu.cells if c.cell_type == "markdown")
    for task in lab_tasks(LAB_OF[source.name]):
        if task.manual:
            assert f"Task {task.id} (written answer, not auto-graded)" in markdown
        else:
            assert f'raise NotImplementedError("Task {task.id}: ' in code, task.id
            assert f'check_task("{task.id}"' in code
    assert make_student.MD_STUB in markdown or not any(t.manual for t in lab_tasks(LAB_OF[source.name]))


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_grading_table_matches_the_checks(source):
    """The table 'How this lab is graded' is generated from the registry: it must still agree."""
    intro = nbformat.read(source, as_version=4).cells[0].source
    assert "Expected time:" in intro and "Learning goals" in intro
    for task in lab_tasks(LAB_OF[source.name]):
        row = next((ln for ln in intro.split("\n") if ln.startswith(f"| {task.id} |")), None)
        assert row, f"no row for Task {task.id}"
        points = "by hand" if task.manual else f"{task.points:g}"
        assert row.endswith(f"| {points} |") and task.tests in row, row


@pytest.mark.parametrize("student", STUDENTS, ids=ids(STUDENTS))
def test_student_notebook_runs_up_to_its_first_task(student):
    """Run top to bottom, stopping at the first error: it must be the first task's NotImplementedError."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(student, as_version=4)
    first = lab_tasks(LAB_OF[student.name])[0].id
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(student.parent)}})
    with pytest.raises(CellExecutionError) as info:
        client.execute()
    err = info.value
    assert err.ename == "NotImplementedError", f"{student.name} failed before its first task: {err}"
    assert err.evalue.startswith(f"Task {first}:"), err.evalue
    ran = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count")]
    assert len(ran) >= 3  # the setup cell, the imports, the task's function at least
    for cell in ran[:-1]:
        assert not any(o.output_type == "error" for o in cell.outputs)


def _grade(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nncomplexity.grading", str(path), *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_grader_on_an_untouched_student_notebook(tmp_path):
    results = tmp_path / "results.json"
    done = _grade(STUDENTS[0], "--gradescope", str(results))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Lab 1: Matrix multiplication" in out and "Score: 0/8" in out
    assert "not implemented yet: Task 1.1" in out and "graded by hand: Task 1.5" in out
    assert "NotImplementedError: Task 1.1" in out  # the cells that raised are listed
    for task in ["1.1", "1.2", "1.3", "1.4"]:  # 1.3's list of times is empty: its stub raised, so TODO
        assert f"TODO  Task {task}" in out
    data = json.loads(results.read_text())
    assert data["score"] == 0 and len(data["tests"]) == 5
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output"}


@pytest.mark.parametrize("source", SOURCES, ids=ids(SOURCES))
def test_grader_gives_full_marks_to_the_solutions(tmp_path, source):
    """Each solution notebook, graded as a submission through the instructor's path, earns every point
    (measured tasks may fail only on a wild machine)."""
    done = _grade(source, "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["cell_errors"] == []
    for r in report["results"]:
        assert r["status"] in ("pass", "manual"), r
    assert sum(r["score"] for r in report["results"]) == sum(t.points for t in lab_tasks(LAB_OF[source.name]))


def test_grader_diagnoses_a_submission_with_a_wrong_and_a_right_answer(tmp_path):
    """A student fills Task 1.1 wrongly (transposed result) and Task 1.2 rightly; the rest untouched."""
    nb = nbformat.read(STUDENTS[0], as_version=4)
    wrong_1_1 = ("    m, n = A.shape[0], B.shape[1]\n"
                 "    C = np.zeros((n, m))\n"
                 "    for i in range(m):\n"
                 "        for j in range(n):\n"
                 "            for p in range(A.shape[1]):\n"
                 "                C[j, i] += A[i, p] * B[p, j]\n"
                 "    return C")
    right_1_2 = "    return 2 * m * k * n"
    for cell in nb.cells:
        if 'raise NotImplementedError("Task 1.1:' in cell.source:
            cell.source = cell.source.split("    # YOUR CODE HERE")[0] + wrong_1_1
        if 'raise NotImplementedError("Task 1.2:' in cell.source:
            cell.source = cell.source.split("    # YOUR CODE HERE")[0] + right_1_2
    submission = tmp_path / "lab01-matrix-multiplication.ipynb"
    nbformat.write(nb, submission)
    csv_path = tmp_path / "grades.csv"
    done = _grade(submission, "--csv", str(csv_path))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "FAIL  Task 1.1" in out and "transposed" in out
    assert "PASS  Task 1.2" in out
    assert "Score: 2/8" in out
    # the sample report on the instructor page is what the grader really prints for this submission
    sample = [ln.strip() for ln in (ROOT / "labs" / "instructor.md").read_text().splitlines()
              if ln.startswith(("  FAIL  ", "  PASS  ", "  TODO  "))]
    assert len(sample) == 3
    for line in sample:
        assert line in out, f"labs/instructor.md shows a report line the grader no longer prints: {line}"
    rows = csv_path.read_text().splitlines()
    assert rows[0].startswith("notebook,lab,score,max_score,task 1.1")
    assert rows[1].split(",")[2:6] == ["2", "8", "0", "2"]


def test_grader_list_and_usage():
    listing = subprocess.run([sys.executable, "-m", "nncomplexity.grading", "--list"], capture_output=True,
                             text=True, check=True).stdout
    for lab in LABS:
        for task in lab_tasks(lab):
            assert f"Task {task.id}" in listing
    bad = subprocess.run([sys.executable, "-m", "nncomplexity.grading"], capture_output=True, text=True)
    assert bad.returncode != 0 and "at least one notebook" in bad.stderr


# The solution notebooks are validated by nbval in `make test` itself (Makefile NOTEBOOKS).


def test_markers_are_strict():
    with pytest.raises(make_student.MarkerError, match="write the task"):
        make_student.strip_code("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "cell")
    with pytest.raises(make_student.MarkerError, match="not closed"):
        make_student.strip_code("### BEGIN SOLUTION Task 1.1: x\nx = 1", "cell")
    with pytest.raises(make_student.MarkerError, match="without BEGIN"):
        make_student.strip_code("x = 1\n### END SOLUTION", "cell")
    with pytest.raises(make_student.MarkerError, match="inside another"):
        make_student.strip_code("### BEGIN SOLUTION Task 1.1: a\n### BEGIN SOLUTION Task 1.1: b\n", "cell")
    with pytest.raises(make_student.MarkerError, match="without"):
        make_student.strip_markdown("a <!-- BEGIN SOLUTION --> b", "cell")
    stub = make_student.strip_code("def f(x):\n    ### BEGIN SOLUTION Task 9.9: do it\n    return x\n"
                                   "    ### END SOLUTION\n", "cell")
    assert stub == 'def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError("Task 9.9: do it")\n'
    assert make_student.strip_markdown("Q?\n<!-- BEGIN SOLUTION -->\nA.\n<!-- END SOLUTION -->\n", "c") == \
        "Q?\n*Write your answer here.*\n"


def test_instructor_page_matches_the_labs():
    page = (ROOT / "labs" / "instructor.md").read_text(encoding="utf-8")
    assert "python -m nncomplexity.grading" in page and "--gradescope" in page
    for key in ('"score"', '"tests"', '"name"', '"max_score"', '"output"'):
        assert key in page  # the documented results.json schema
    for student in STUDENTS:
        lab = LAB_OF[student.name]
        row = next(ln for ln in page.splitlines() if f"<student/{student.stem}>" in ln)
        tasks = lab_tasks(lab)
        points = f"{sum(t.points for t in tasks):g}"
        expected = points + (" + written answer" if any(t.manual for t in tasks) else "")
        assert row.rstrip().endswith(f"| {expected} |"), row


# =========================================================================== adversarial submissions


def minimal(tmp_path: Path, name: str, *cells: str, lab: str = "lab01") -> Path:
    """A small submission: just these code cells (fast to run)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "nncomplexity": {"lab": lab}}
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c).strip("\n")) for c in cells]
    path = tmp_path / f"{lab}-{name}.ipynb"
    nbformat.write(nb, path)
    return path


def student_with(tmp_path: Path, name: str, cell: str, at_end: bool = False) -> Path:
    """The untouched Lab 1 student notebook (every stub left) plus one cell, after its imports or at the end."""
    nb = nbformat.read(STUDENTS[0], as_version=4)
    at = len(nb.cells) if at_end else next(
        i for i, c in enumerate(nb.cells) if "from nncomplexity.grading import check_task" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(textwrap.dedent(cell).strip("\n")))
    path = tmp_path / f"lab01-{name}.ipynb"
    nbformat.write(nb, path)
    return path


def children() -> set[int]:
    psutil = pytest.importorskip("psutil")
    return {p.pid for p in psutil.Process().children(recursive=True)}


def graded(path: Path, **kwargs):
    """Grade through the instructor's path; check that it leaves no process behind."""
    before = children()
    report = grade_notebook(path, **{"cell_timeout": 30, **kwargs})
    deadline = time.monotonic() + 10
    while children() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not children() - before, "the grader left processes behind"
    return report, {r.task: r for r in report.results}


def test_patching_the_grader_earns_nothing(tmp_path):
    """(a) Every stub left, and a cell that makes the grader's functions and results say PASS."""
    path = student_with(tmp_path, "patch-grader", """
        import nncomplexity.grading as grading
        import nncomplexity.grading.core as core
        import nncomplexity.grading.engine as engine
        import nncomplexity.grading.notebook as notebook
        from nncomplexity.grading.core import CheckResult

        def full_marks(self, status, message, fraction=0.0):
            return CheckResult(self.id, self.title, "pass", "ok", float(self.points), float(self.points))

        core.Task.result = full_marks
        engine.run_task = lambda task, *a, **k: full_marks(task, "pass", "")
        grading.check_task = engine.check_task = lambda task_id, *a: full_marks(engine.TASKS[task_id], "pass", "")
        notebook.grade_notebook = lambda *a, **k: None
        print(check_task("1.1", None))
    """)
    report, by_task = graded(path)
    assert report.score == 0 and report.max_score == 8
    assert all(by_task[t].status == "not implemented" for t in ("1.1", "1.2", "1.3", "1.4"))


def test_patching_references_and_comparisons_earns_nothing(tmp_path):
    """(b) Wrong answers, and a notebook that makes every comparison and reference agree with them."""
    path = minimal(tmp_path, "patch-references", """
        import builtins, math
        import numpy as np
        import numpy.testing
        import nncomplexity.cost.flops as flops
        import nncomplexity.kernels.matmul as kmatmul
        import nncomplexity.measure.fit as fit

        np.allclose = np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        math.isclose = lambda *a, **k: True
        builtins.abs = lambda x: 0
        kmatmul.matmul_blas = lambda A, B: np.zeros((A.shape[0], B.shape[1]))
        flops.matmul_flops = lambda m, k, n: 0
        fit.fit_power_law = lambda x, y: type("Fit", (), {"exponent": 3.0})()
    """, """
        def matmul_loops(A, B):
            return np.zeros((A.shape[0], B.shape[1]))

        def matmul_flop_count(m, k, n):
            np.allclose = lambda *a, **k: True  # patching from inside a task function: seen when reading it
            return 0

        def gflops(m, k, n, seconds):
            return 0.0

        naive_sizes, naive_times = [16, 24, 32, 48, 64], [1.0, 1.1, 1.2, 1.3, 1.4]
    """)
    report, by_task = graded(path)
    assert report.score == 0
    assert "wrong values" in by_task["1.1"].message
    assert "changes numpy.allclose" in by_task["1.2"].message
    assert "is 0 GFLOP/s" in by_task["1.4"].message
    assert "below 2.3" in by_task["1.3"].message


def test_forged_results_earn_nothing(tmp_path):
    """(c) Grader lines printed by a cell, by a background thread, by a task function, and by an object that
    finds the query's nonce while the grader reads it; fake results files where the old grader wrote one."""
    path = minimal(tmp_path, "forge", f"""
        import json, os, sys, tempfile, threading, time
        SENTINEL = {SENTINEL!r}
        for i in range(3):  # where the old grader wrote its results
            with open(os.path.join(tempfile.gettempdir(), f"nnc-grade-forged{{i}}.json"), "w") as fh:
                fh.write(json.dumps({{"lab": "lab01", "results": []}}))
        for i in range(9):
            print(SENTINEL, "0" * 32, json.dumps({{"i": i, "ok": 48}}))
        RIGHT = {{"values": [[16, 24, 32, 48], [1e-6, 8e-6, 27e-6, 64e-6]]}}

        def spam(out=sys.stdout):
            while True:
                out.write(SENTINEL + " " + "0" * 32 + " " + json.dumps(RIGHT) + "\\n")
                time.sleep(0.005)

        threading.Thread(target=spam, daemon=True).start()

        class Forger:  # isinstance() asks for __class__: it runs while the grader's query reads the value
            @property
            def __class__(self):
                frame = sys._getframe(1)
                while frame is not None and not isinstance(frame.f_locals.get("p"), dict):
                    frame = frame.f_back
                if frame is not None:
                    print(SENTINEL, frame.f_locals["p"]["nonce"], json.dumps(RIGHT), flush=True)
                return Forger

        naive_sizes, naive_times = Forger(), Forger()

        def matmul_flop_count(m, k, n):
            print(SENTINEL, "0" * 32, '{{"i": 0, "ok": 48}}')
            return 0
    """)
    try:
        report, by_task = graded(path)
    finally:
        import tempfile
        for forged in Path(tempfile.gettempdir()).glob("nnc-grade-forged*.json"):
            forged.unlink()
    assert report.score == 0
    assert "did not ask for" in by_task["1.3"].message
    assert "is 0; expected" in by_task["1.2"].message


def test_an_always_equal_object_earns_nothing(tmp_path):
    """(d) Objects whose == always says yes, returned by the task functions and stored as values."""
    path = minimal(tmp_path, "always-equal", """
        import numpy as np

        class Yes:
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False

        class YesArray(np.ndarray):
            def __eq__(self, other):
                return np.ones(np.shape(other), dtype=bool)

        class YesInt(int):
            def __eq__(self, other):
                return True

        def matmul_loops(A, B):
            return Yes()

        def matmul_flop_count(m, k, n):
            return YesInt(0)

        def gflops(m, k, n, seconds):
            return np.zeros(()).view(YesArray)

        naive_sizes, naive_times = Yes(), Yes()
    """)
    report, by_task = graded(path)
    assert report.score == 0
    assert "a Yes object, not plain data" in by_task["1.1"].message
    assert "is 0; expected" in by_task["1.2"].message
    assert "not plain data" in by_task["1.3"].message


DELEGATIONS = [
    ("matmul", "return A @ B", "the @ operator"),
    ("dot", "return np.dot(A, B)", "numpy.dot"),
    ("einsum", "return np.einsum('ik,kj->ij', A, B)", "numpy.einsum"),
    ("getattr", "return getattr(np, 'mat' + 'mul')(A, B)", "getattr with a computed name"),
]


@pytest.mark.parametrize("name, body, seen", DELEGATIONS, ids=[d[0] for d in DELEGATIONS])
def test_a_library_product_earns_nothing(tmp_path, name, body, seen):
    """(e) The loop task done by a library; the count done by the book's own function."""
    path = minimal(tmp_path, f"delegate-{name}", "import numpy as np", f"""
        def matmul_loops(A, B):
            {body}
    """, """
        from nncomplexity.cost.flops import matmul_flops

        def matmul_flop_count(m, k, n):
            return matmul_flops(m, k, n)

        def gflops(m, k, n, seconds):
            return matmul_flops(m, k, n) / seconds / 1e9
    """)
    report, by_task = graded(path)
    assert report.score == 0
    assert seen in by_task["1.1"].message and "of code cell 2" in by_task["1.1"].message
    for task in ("1.2", "1.4"):
        assert "nncomplexity.cost.flops.matmul_flops, the book's own reference" in by_task[task].message


def test_rebinding_a_task_name_earns_nothing(tmp_path):
    """(e) Loops written with def, then the name pointed at NumPy's product."""
    path = minimal(tmp_path, "rebind", "import numpy as np", LOOPS, "matmul_loops = np.matmul")
    report, by_task = graded(path)
    assert report.score == 0
    assert "binds matmul_loops again after its def" in by_task["1.1"].message


def test_a_kernel_killed_in_a_cell_or_a_task_is_reported_per_task(tmp_path):
    """(f) os._exit in a cell, a crash and a memory hog in task functions: each reported, the rest graded."""
    path = minimal(tmp_path, "kill", "import numpy as np", LOOPS, "import os\nos._exit(1)", """
        def matmul_flop_count(m, k, n):  # reads far outside its one-element array: a segmentation fault
            return int(np.lib.stride_tricks.as_strided(np.zeros(1), shape=(10 ** 6,), strides=(10 ** 9,)).sum())

        def gflops(m, k, n, seconds):
            x = np.ones(5 * 10 ** 8)  # 4 GB, over the grader's memory limit
            return 2 * m * k * n / seconds / 1e9
    """)
    start = time.monotonic()
    report, by_task = graded(path, memory_mb=3072)
    assert time.monotonic() - start < 90
    assert by_task["1.1"].status == "pass"  # graded although a later cell killed the notebook's kernel
    assert by_task["1.2"].score == 0 and "ended the Python process" in by_task["1.2"].message
    assert by_task["1.4"].score == 0 and "MemoryError" in by_task["1.4"].message
    assert "cell [3] ended the kernel" in report.note


def test_endless_loops_are_reported_per_task_in_bounded_time(tmp_path):
    """(f) A loop the alarm stops, one that swallows every interrupt (the kernel is killed), and a cell that hangs."""
    path = minimal(tmp_path, "hang", "import numpy as np", """
        def matmul_loops(A, B):
            while True:
                pass

        def matmul_flop_count(m, k, n):
            while True:
                try:
                    sum(range(10 ** 6))
                except BaseException:
                    pass

        def gflops(m, k, n, seconds):
            return 2 * m * k * n / seconds / 1e9
    """, "matmul_flop_count(1, 1, 1)")
    start = time.monotonic()
    report, by_task = graded(path, cell_timeout=2, call_timeout=1)
    assert time.monotonic() - start < 60
    assert by_task["1.1"].score == 0 and "did not finish within 1 s" in by_task["1.1"].message
    assert by_task["1.2"].score == 0 and "did not finish" in by_task["1.2"].message
    assert by_task["1.4"].status == "pass"  # checked in a fresh kernel after the stuck one was killed
    assert "cell [3] ran past 2 s and could not be interrupted" in report.note
