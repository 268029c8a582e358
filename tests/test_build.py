"""The book builds from scratch with no warnings, and loads nothing from the network."""
from __future__ import annotations

import re

from conftest import build_book


def test_book_builds_without_warnings(built_site):
    result = build_book()
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # drop colour codes
    assert result.returncode == 0, log[-3000:]
    assert re.search(r"^build succeeded\.$", log, re.M), "the build reported warnings:\n" + log[-3000:]
    assert (built_site / "index.html").exists()


EXTERNAL = re.compile(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)=["'](https?:)?//""", re.I)


def test_pages_reference_no_external_assets(built_site):
    """Scripts, stylesheets, images and frames all come from the site itself.

    Plain links (<a href>) to other sites are fine: they are not loaded.
    """
    offenders = {}
    for page in built_site.rglob("*.html"):
        hits = [m.group(0) for m in EXTERNAL.finditer(page.read_text(encoding="utf-8"))]
        if hits:
            offenders[str(page.relative_to(built_site))] = hits[:3]
    assert not offenders, offenders


def test_mathjax_is_served_locally(built_site):
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").exists()
    intro = (built_site / "intro.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-chtml.js" in intro


def test_a_failing_cell_fails_the_build(tmp_path):
    """The book's own settings turn an exception in a notebook into a failed build."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from conftest import ROOT

    book = tmp_path / "book"
    book.mkdir()
    for name in ["_config.yml", "references.bib"]:
        shutil.copy(ROOT / name, book / name)
    for name in ["vendor", "book_static"]:
        (book / name).symlink_to(ROOT / name)
    (book / "_toc.yml").write_text("format: jb-book\nroot: broken\n")
    (book / "broken.md").write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n# Broken\n\n"
        "```{code-cell} ipython3\nraise RuntimeError('this cell fails on purpose')\n```\n"
    )
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(book), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "Executing notebook failed" in result.stdout + result.stderr


def test_stored_notebooks_are_not_re_executed(built_site):
    """The site shows the stored outputs that nbval checks; only MyST text
    notebooks (intro.md) run at build time, and student labs never do."""
    log = re.sub(r"\x1b\[[0-9;]*m", "", build_book().stdout)
    executed = re.findall(r"(\S+): Executing notebook", log)
    assert executed and all(path.endswith(".md") for path in executed), executed
