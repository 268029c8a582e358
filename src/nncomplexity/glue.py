"""``glue`` that works with or without myst-nb.

In the book, numbers in the prose come from code: a cell calls
``glue("name", value)`` and the text says ``{glue:text}`name:.2f```. myst-nb
provides ``glue``; Colab does not have myst-nb, so this shim falls back to a
no-op (or displays it when ``display=True``) and the
notebook still runs.
"""
from __future__ import annotations

try:  # pragma: no cover - which branch runs depends on the environment
    from myst_nb import glue as _myst_glue
except ImportError:  # Colab, plain Jupyter
    _myst_glue = None


def glue(name: str, value, display: bool = False):
    """Store ``value`` under ``name`` for the book's text (returns None, like myst-nb)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like string, got {name!r}")
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # a NumPy scalar is stored as a plain number ("0.87", not "np.float64(0.87)")
    if _myst_glue is not None:
        _myst_glue(name, value, display=display)
    elif display:
        from IPython.display import display as ipy_display

        ipy_display(value)
