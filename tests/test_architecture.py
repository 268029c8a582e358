"""The library's shape, enforced: the layer rule (import-linter) and one concept per module.

The contracts live in pyproject.toml ([tool.importlinter]): ``cost`` and
``measure`` import nothing from ``kernels`` or each other, nothing below
presentation imports ``grading``, ``widgets`` or ``plotting``, and the layers
form no circle. import-linter reads the real import graph (grimp), including
imports inside functions, so a lazy import cannot slip past it.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "nncomplexity"
MAX_LINES = 320  # "a screen or two": about 300 lines, one concept


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        lint = shutil.which("lint-imports")
    assert lint, "import-linter is not installed (requirements-test.txt)"
    done = subprocess.run([str(lint), str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_a_screen_or_two(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concept"


def test_no_module_is_named_after_a_chapter():
    words = ("chapter", "forward_analysis", "backprop_analysis", "ch1", "ch2", "ch3")
    bad = [p.name for p in PACKAGE.rglob("*.py") if any(w in p.stem for w in words)]
    assert not bad, bad


def test_check_prefix_is_for_argument_checks_only():
    """Names starting with check_ raise on bad arguments; other verbs for other jobs.

    The grading package is the exception: checking a student's answer is its subject.
    """
    allowed = {"check_params", "check_operands"}
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_validate.py" or "grading" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("check_") and node.name not in allowed:
                found.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    assert not found, found


def test_every_count_names_its_place_in_the_book():
    """One hop from code to page: each public count's docstring says where the book defines it."""
    import importlib
    import inspect

    missing = []
    for name in ("flops", "memory", "training", "scenarios", "counting"):
        module = importlib.import_module(f"nncomplexity.cost.{name}")
        for attr in module.__all__:
            obj = getattr(module, attr)
            if callable(obj) and not isinstance(obj, type) and "Book:" not in (inspect.getdoc(obj) or ""):
                missing.append(f"cost.{name}.{attr}")
    assert not missing, missing


def test_one_set_of_activation_names():
    """The counts, the NumPy kernels and the PyTorch model know the same activations."""
    from nncomplexity.cost.flops import ACTIVATION_NAMES
    from nncomplexity.kernels.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
    from nncomplexity.kernels.mlp_torch import TORCH_ACTIVATIONS

    assert set(TORCH_ACTIVATIONS) == set(ACTIVATION_NAMES)
    assert set(HIDDEN_ACTIVATIONS) == set(ACTIVATION_NAMES) - {"gelu"}  # NumPy has no GELU kernel
    assert set(ACTIVATIONS) == set(HIDDEN_ACTIVATIONS) | {"softmax"}  # softmax: output layers only
