"""Grade submitted lab notebooks from the command line.

    python -m nncomplexity.grading SUBMISSION.ipynb [MORE.ipynb ...]
        [--gradescope results.json] [--json report.json] [--csv grades.csv]
        [--lab lab01] [--cell-timeout 120] [--memory-mb 4096] [--seed N] [--quiet]
    python -m nncomplexity.grading --list          # every lab's tasks, points, checks, allowed helpers

Each notebook runs in a fresh kernel (errors allowed, slow cells interrupted, memory limited);
its task functions are called in a second fresh kernel that holds only them, on inputs the
grader draws; the answers come back as plain data and are judged in this process. A per-task
report is printed. ``--gradescope`` writes Gradescope's results.json (one notebook only);
``--csv`` writes one row per notebook (score, then each task's score).
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from .export import write_gradescope
from .labs import LABS, lab_tasks


def _list_tasks() -> str:
    lines = []
    for lab, title in LABS.items():
        tasks = lab_tasks(lab)
        lines.append(f"{lab}  {title}  ({sum(t.points for t in tasks):g} points from automatic checks)")
        for t in tasks:
            pts = "by hand" if t.manual else f"{t.points:g} pt"
            lines.append(f"  Task {t.id:<4} {pts:>7}  {t.title}  [{', '.join(t.names) or '-'}]")
            lines.append(f"             checks: {t.tests}")
            if t.helpers is not None:
                lines.append(f"             may use: {t.helpers.describe()}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nncomplexity.grading",
                                     description="Run submitted lab notebooks and check every task.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="submitted .ipynb files")
    parser.add_argument("--lab", choices=sorted(LABS), help="lab id (default: from the notebook)")
    parser.add_argument("--gradescope", type=Path, metavar="PATH", help="write Gradescope's results.json here")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the full report(s) as JSON here")
    parser.add_argument("--csv", type=Path, metavar="PATH", help="write one row per notebook here")
    parser.add_argument("--cell-timeout", type=float, default=120, metavar="S",
                        help="interrupt a cell after S seconds (default 120)")
    parser.add_argument("--memory-mb", type=int, default=4096, metavar="MB",
                        help="address-space limit of the kernels in MiB (default 4096; 0: none)")
    parser.add_argument("--seed", type=int, help="seed of the grader's inputs (default: a fresh one per notebook)")
    parser.add_argument("--quiet", action="store_true", help="print one line per notebook")
    parser.add_argument("--list", action="store_true", help="list every lab's tasks and exit")
    args = parser.parse_args(argv)
    if args.list:
        print(_list_tasks())
        return 0
    if not args.notebooks:
        parser.error("give at least one notebook (or --list)")
    if args.gradescope and len(args.notebooks) != 1:
        parser.error("--gradescope takes exactly one notebook")
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")

    from .notebook import grade_notebook

    reports = []
    for path in args.notebooks:
        report = grade_notebook(path, lab=args.lab, cell_timeout=args.cell_timeout, memory_mb=args.memory_mb,
                                seed=args.seed)
        reports.append(report)
        if args.quiet:
            print(f"{path}: {report.score:g}/{report.max_score:g}")
        else:
            print(report.summary(), end="\n\n")
    if args.gradescope:
        write_gradescope(reports[0], args.gradescope)
        print(f"wrote {args.gradescope}")
    if args.json:
        data = [r.to_dict() for r in reports]
        args.json.write_text(json.dumps(data[0] if len(data) == 1 else data, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"wrote {args.json}")
    if args.csv:
        ids = sorted({r.task for rep in reports for r in rep.results}, key=lambda s: tuple(map(int, s.split("."))))
        with args.csv.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["notebook", "lab", "score", "max_score"] + [f"task {i}" for i in ids])
            for rep in reports:
                by_id = {r.task: r for r in rep.results}
                writer.writerow([rep.notebook, rep.lab, f"{rep.score:g}", f"{rep.max_score:g}"]
                                + [("by hand" if by_id[i].status == "manual" else f"{by_id[i].score:g}")
                                   if i in by_id else "" for i in ids])
        print(f"wrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
