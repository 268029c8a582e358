"""The lab system: student notebooks made from the sources, free of solutions, runnable, gradable.

- labs/student/ is exactly what tools/make_student.py makes from labs/source/;
- no student notebook holds a marker, a model answer or any solution line;
- each student notebook, run top to bottom, runs cleanly up to its first task
  and stops there with NotImplementedError naming that task;
- every auto-graded task has a stub, every written task an answer prompt;
- the grader, run as a student or an instructor would, gives full marks to the
  solutions, "not implemented" to an untouched student notebook, and the
  right diagnosis to a wrong answer; Gradescope's results.json is written;
- the solution notebooks pass nbval against their stored outputs.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nncomplexity.grading import LABS, lab_tasks

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


def test_grader_gives_full_marks_to_the_solutions(tmp_path):
    """The solution notebooks, graded as submissions (measured tasks may fail only on a wild machine)."""
    done = _grade(ROOT / "labs" / "source" / "lab03-backpropagation.ipynb", "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["cell_errors"] == []
    for r in report["results"]:
        assert r["status"] in ("pass", "manual"), r
    assert sum(r["score"] for r in report["results"]) == 10


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
