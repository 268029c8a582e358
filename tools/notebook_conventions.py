"""The conventions every notebook of the book follows, in one place.

- The first code cell is :data:`SETUP_TEMPLATE` filled with the repository URL
  from ``_config.yml`` (the one setting launch buttons use too).
- Notebooks live in ``chapters/`` and ``labs/``; ``intro.md`` is paired with
  ``intro.ipynb``.

``tools/set_repo_url.py`` rewrites the setting and every setup cell; the tests
in ``tests/test_notebook_conventions.py`` check that they agree.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

SETUP_TEMPLATE = '''# Setup: works locally, on Binder and on Colab.
import sys

if "google.colab" in sys.modules:  # Colab: install the book's library first
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "nncomplexity @ git+{url}"], check=True)

from nncomplexity.glue import glue
from nncomplexity.plotting import apply_style

apply_style()'''

SETUP_PATTERN = re.compile(r'"nncomplexity @ git\+([^"]+)"')


def repo_url(root: Path = ROOT) -> str:
    """The repository URL set in ``_config.yml``."""
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]


def setup_cell(url: str | None = None) -> str:
    """The first code cell of every notebook, for ``url`` (default: the configured one)."""
    return SETUP_TEMPLATE.format(url=url or repo_url())


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook of the book (text and .ipynb), in a stable order."""
    found = [root / "intro.md", root / "intro.ipynb"]
    found += sorted((root / "chapters").glob("*.ipynb"))
    found += sorted(p for p in (root / "labs").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return [p for p in found if p.exists()]
