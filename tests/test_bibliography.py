"""The bibliography holds no placeholder, and the page prints only what the book cites."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "references.bib"

# A field value that admits it was not verified: "Year: check", "doi ...: check", "TODO", "??".
PLACEHOLDER = re.compile(r"\bcheck\b|\bTODO\b|\bTBD\b|\bFIXME\b|\?\?|\bXXX\b", re.IGNORECASE)


def _fields(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every field line, comments left out."""
    return [(i, line) for i, line in enumerate(text.splitlines(), start=1)
            if "=" in line and not line.lstrip().startswith("%")]


def test_no_placeholder_in_references():
    bad = [f"references.bib:{i}: {line.strip()}" for i, line in _fields(BIB.read_text())
           if PLACEHOLDER.search(line)]
    assert not bad, "placeholders in the bibliography:\n" + "\n".join(bad)


@pytest.mark.parametrize("line, found", [
    ("  note = {Year: check}", True),
    ("  note = {doi 10.1145/3178454: check}", True),
    ("  year = {??}", True),
    ("  title = {Checking the Checkers}", False),
    ("  doi = {10.1109/SC.2016.58}", False),
])
def test_placeholder_pattern(line, found):
    assert bool(PLACEHOLDER.search(line)) is found


def test_every_entry_has_a_year_or_says_undated():
    entries = re.split(r"\n@", "\n" + BIB.read_text())[1:]
    missing = [e.split(",", 1)[0] for e in entries
               if not re.search(r"^\s*year\s*=", e, re.MULTILINE) and "Undated" not in e]
    assert not missing, f"entries without a year: {missing}"


def test_bibliography_page_prints_only_cited_works():
    page = (ROOT / "bibliography.md").read_text()
    assert ":cited:" in page and ":all:" not in page
