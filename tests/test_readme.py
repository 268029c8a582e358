"""What the README promises a new user works: its commands exist and its tools are installed."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_make_target_in_the_readme_exists():
    targets = set(re.findall(r"make ([a-z][a-z-]*)", README))
    assert {"book", "test"} <= targets
    defined = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, flags=re.MULTILINE))
    assert targets <= defined, targets - defined


def test_jupyter_lab_opens_from_the_venv():
    """The README says `.venv/bin/jupyter lab`: JupyterLab must be installed by `make book`."""
    assert ".venv/bin/jupyter lab" in README
    jupyter = Path(sys.executable).with_name("jupyter")
    done = subprocess.run([str(jupyter), "lab", "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.match(r"\d+\.\d+", done.stdout.strip()), done.stdout
    assert "jupyterlab==" in (ROOT / "requirements.txt").read_text(encoding="utf-8")
