"""Every notebook starts with the same setup cell, and intro.ipynb matches intro.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_conventions import notebooks, setup_cell  # noqa: E402

IPYNBS = [p for p in notebooks() if p.suffix == ".ipynb"]


def code_cells(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    from myst_nb.core.read import read_myst_markdown_notebook

    nb = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    return [c.source for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_first_code_cell_is_the_setup_cell(path):
    cells = code_cells(path)
    assert cells, f"{path.name} has no code cell"
    assert cells[0].strip() == setup_cell().strip(), (
        f"{path.name}: the first code cell must be the setup cell for the configured repository "
        "(run `make set-repo-url URL=...` after changing _config.yml)")


def test_intro_ipynb_is_intro_md_executed():
    """intro.ipynb (what Binder, Colab and nbval use) has intro.md's cells."""
    from myst_nb.core.read import read_myst_markdown_notebook

    md = read_myst_markdown_notebook((ROOT / "intro.md").read_text(encoding="utf-8"))
    nb = json.loads((ROOT / "intro.ipynb").read_text(encoding="utf-8"))
    want = [(c.cell_type, c.source.strip()) for c in md.cells]
    got = [(c["cell_type"], "".join(c["source"]).strip()) for c in nb["cells"]]
    assert got == want, "intro.ipynb is stale: run `make outputs`"
    assert all(c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("path", IPYNBS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_was_run_top_to_bottom(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    if "student" in path.parts:  # student versions are stored without outputs
        return
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(counts), f"{path.name}: some code cells have no stored output; run `make outputs`"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: cells not run top to bottom"


def test_set_repo_url_rewrites_config_and_notebooks(tmp_path):
    """The one setting propagates; run on a copy of the repository."""
    copy = tmp_path / "book"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(copy)], check=True)
    for rel in ["_config.yml", "intro.md", "intro.ipynb", "tools"]:  # include uncommitted work
        src = ROOT / rel
        if src.is_dir():
            subprocess.run(["cp", "-r", str(src), str(copy)], check=True)
        else:
            (copy / rel).write_bytes(src.read_bytes())
    url = "https://github.com/someone/fork-of-book"
    subprocess.run([sys.executable, str(copy / "tools" / "set_repo_url.py"), url], check=True,
                   capture_output=True)
    assert f"url: {url}" in (copy / "_config.yml").read_text()
    for name in ["intro.md", "intro.ipynb"]:
        assert f"nncomplexity @ git+{url}" in (copy / name).read_text()
    bad = subprocess.run([sys.executable, str(copy / "tools" / "set_repo_url.py"), "not-a-url"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "URL must look like" in bad.stderr
