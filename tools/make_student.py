"""Make the labs' student notebooks from their solution sources.

Each lab has ONE source notebook, ``labs/source/labNN-*.ipynb``, with the
solutions in place and stored outputs (nbval checks it). This script writes
``labs/student/labNN-*.ipynb``:

- in code cells, every region

      ### BEGIN SOLUTION Task 1.2: count the FLOPs of a matrix product
      ...solution lines...
      ### END SOLUTION

  becomes, at the marker's indentation,

      # YOUR CODE HERE
      raise NotImplementedError("Task 1.2: count the FLOPs of a matrix product")

  (the text after ``SOLUTION`` must start with "Task N.M"; it is the stub's message);
- in markdown cells, ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->``
  (a model answer) becomes ``*Write your answer here.*``;
- cells tagged ``solution-only`` are removed;
- every output and execution count is cleared, cell metadata is reduced to its
  tags, and notebook metadata to the kernelspec and the lab id.

The output is deterministic: the same sources give byte-identical notebooks.

Usage:
    python tools/make_student.py            # regenerate labs/student/ from labs/source/
    python tools/make_student.py --check    # exit 1 if labs/student/ differs from what it would write
    python tools/make_student.py --out DIR  # write into DIR instead
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "labs" / "source"
STUDENT_DIR = ROOT / "labs" / "student"

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION(?:[ \t]+(?P<task>\S.*?))?[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
TASK = re.compile(r"^Task \d+\.\d+: \S")
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
MD_STUB = "*Write your answer here.*"
SOLUTION_ONLY = "solution-only"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", MD_BEGIN, MD_END)


class MarkerError(ValueError):
    """A solution region is malformed (nested, unclosed, or without a task)."""


def strip_code(source: str, where: str) -> str:
    """Replace every solution region of a code cell by a stub that raises NotImplementedError."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise MarkerError(f"{where}, line {number}: BEGIN SOLUTION inside another solution region")
            task = begin["task"] or ""
            if not TASK.match(task):
                raise MarkerError(f"{where}, line {number}: write the task after the marker, e.g. "
                                  f"'### BEGIN SOLUTION Task 1.2: count the FLOPs'")
            indent = begin["indent"]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}raise NotImplementedError({json.dumps(task, ensure_ascii=False)})")
            inside = True
        elif END.match(line):
            if not inside:
                raise MarkerError(f"{where}, line {number}: END SOLUTION without BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: a solution region is not closed with '### END SOLUTION'")
    return "\n".join(out)


def strip_markdown(source: str, where: str) -> str:
    """Replace every model answer of a markdown cell by a prompt."""
    out, rest = [], source
    while MD_BEGIN in rest:
        head, _, tail = rest.partition(MD_BEGIN)
        if MD_END not in tail:
            raise MarkerError(f"{where}: {MD_BEGIN} without {MD_END}")
        if MD_BEGIN in tail.partition(MD_END)[0]:
            raise MarkerError(f"{where}: nested {MD_BEGIN}")
        out += [head, MD_STUB]
        rest = tail.partition(MD_END)[2]
    if MD_END in rest:
        raise MarkerError(f"{where}: {MD_END} without {MD_BEGIN}")
    return "".join(out) + rest


def solution_lines(nb: nbformat.NotebookNode) -> list[str]:
    """Every non-blank line inside a solution region (code and markdown), stripped: what students must not see."""
    lines: list[str] = []
    for cell in nb.cells:
        if SOLUTION_ONLY in cell.get("metadata", {}).get("tags", []):
            lines += [ln.strip() for ln in cell.source.split("\n") if ln.strip()]
            continue
        inside = False
        for line in cell.source.split("\n"):
            if BEGIN.match(line) or line.strip() == MD_BEGIN:
                inside = True
            elif END.match(line) or line.strip() == MD_END:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def make_student(source: Path) -> str:
    """The student notebook for ``source``, as the exact text to write."""
    nb = nbformat.read(source, as_version=4)
    student = nbformat.v4.new_notebook()
    student.nbformat, student.nbformat_minor = nb.nbformat, nb.nbformat_minor
    student.metadata = {"kernelspec": dict(nb.metadata["kernelspec"])}
    lab = dict(nb.metadata.get("nncomplexity", {}))
    if lab:
        student.metadata["nncomplexity"] = lab
    for index, cell in enumerate(nb.cells):
        tags = list(cell.get("metadata", {}).get("tags", []))
        if SOLUTION_ONLY in tags:
            continue
        where = f"{source.name}, cell {index}"
        metadata = {"tags": tags} if tags else {}
        if cell.cell_type == "code":
            code = strip_code(cell.source, where)
            try:
                ast.parse(code)
            except SyntaxError as err:
                raise MarkerError(f"{where}: the student version does not parse ({err.msg}, line {err.lineno}); "
                                  "put solution regions around whole statements") from None
            new = nbformat.v4.new_code_cell(code, metadata=metadata)
            new.outputs, new.execution_count = [], None
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(strip_markdown(cell.source, where), metadata=metadata)
        else:
            new = nbformat.v4.new_raw_cell(cell.source, metadata=metadata)
        if "id" in cell:
            new["id"] = cell["id"]  # the source's ids: stable, so the output is too
        else:
            new.pop("id", None)
        student.cells.append(new)
    nbformat.validate(student)
    return nbformat.writes(student) + "\n"


def sources() -> list[Path]:
    return sorted(SOURCE_DIR.glob("lab*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the labs' student notebooks from their sources.")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the student notebooks are not what this script makes")
    parser.add_argument("--out", type=Path, default=STUDENT_DIR, help="output folder (default labs/student)")
    args = parser.parse_args(argv)
    found = sources()
    if not found:
        print(f"no lab sources in {SOURCE_DIR}", file=sys.stderr)
        return 1
    wanted = {src.name: make_student(src) for src in found}
    if args.check:
        stale = [name for name, text in wanted.items()
                 if not (args.out / name).is_file() or (args.out / name).read_text(encoding="utf-8") != text]
        extra = sorted(p.name for p in args.out.glob("*.ipynb") if p.name not in wanted)
        for name in stale:
            print(f"{args.out / name}: differs from its source; run python tools/make_student.py", file=sys.stderr)
        for name in extra:
            print(f"{args.out / name}: has no source in {SOURCE_DIR}", file=sys.stderr)
        if stale or extra:
            return 1
        print(f"{len(wanted)} student notebooks are up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in wanted.items():
        path = args.out / name
        path.write_text(text, encoding="utf-8")
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
