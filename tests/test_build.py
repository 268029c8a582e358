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
