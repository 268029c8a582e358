"""Read a running function's code (``check_task`` in a notebook): the same rules, as advice.

The function's source comes from :mod:`inspect` (IPython keeps each cell's source); the names
it uses are resolved from its globals: a module, a library's object (by its module and name),
or another function defined outside any library, whose code is read in turn. A function whose
source cannot be read is not judged here; the instructor's grader reads the notebook itself.
"""
from __future__ import annotations

import ast
import builtins
import inspect
import sysconfig
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path

from .static import IPYTHON, Checker, Meaning, Site

__all__ = ["check_callable"]

_LIBRARY_DIRS = tuple(str(Path(p)) for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                                               sysconfig.get_paths()["platlib"]})
_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def _is_library(obj) -> bool:
    try:
        path = inspect.getsourcefile(obj)
    except TypeError:
        return True
    if not path:
        return True
    path = str(Path(path).resolve())
    return path.startswith(_LIBRARY_DIRS) or path.startswith(_PACKAGE_DIR) or "site-packages" in path


def _origin_of(obj) -> str:
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    module = getattr(obj, "__module__", None) or getattr(type(obj), "__module__", "?")
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__qualname__
    return f"{module}.{name}"


def _source_nodes(obj) -> tuple[list[ast.AST], Site] | None:
    """The def (or the lambdas) of a function defined outside any library, with its site."""
    try:
        lines, start = inspect.getsourcelines(obj)
    except (OSError, TypeError):
        return None
    text = textwrap.dedent("".join(lines))
    for attempt in (text, "(\n" + text + "\n)"):
        try:
            tree = ast.parse(attempt)
            break
        except SyntaxError:
            continue
    else:
        return None
    shift = 1 if attempt is not text else 0
    site = Site(tuple(attempt.split("\n")), offset=start - 1 - shift)
    if getattr(obj, "__name__", "") == "<lambda>":
        code = obj.__code__
        names = list(code.co_varnames[:code.co_argcount])
        nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)
                 and [a.arg for a in n.args.posonlyargs + n.args.args] == names
                 and n.lineno + site.offset == code.co_firstlineno]
        return (nodes, site) if nodes else None
    nodes = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return (nodes[:1], site) if nodes else None


@dataclass
class _ObjectResolver:
    """Global names of a function defined in a running notebook or module, from its globals."""

    namespace: dict
    cache: dict = field(default_factory=dict)

    def meanings(self, name: str) -> list[Meaning]:
        if name not in self.namespace:
            return [Meaning("builtin")] if name in vars(builtins) or name in IPYTHON else []
        return _meaning_of(self.namespace[name], self.cache)


def _meaning_of(value, cache) -> list[Meaning]:
    if isinstance(value, types.ModuleType):
        return [Meaning("origin", origin=value.__name__)]
    if not (callable(value) or isinstance(value, type)):
        return [Meaning("data")]
    if isinstance(value, (types.FunctionType, type)) and not _is_library(value):
        found = _source_nodes(value)
        if found is None:
            return [Meaning("data")]
        nodes, site = found
        namespace = getattr(value, "__globals__", None) or vars(inspect.getmodule(value) or types)
        resolver = cache.setdefault(id(namespace), _ObjectResolver(namespace, cache))
        return [Meaning("code", node=n, site=site, resolver=resolver) for n in nodes]
    if getattr(builtins, getattr(value, "__name__", ""), None) is value:
        return [Meaning("builtin")]
    return [Meaning("origin", origin=_origin_of(value))]


def check_callable(fn, helpers, name: str) -> list[str] | None:
    """Findings for a function object under ``helpers``; None when its source cannot be read."""
    checker = Checker(helpers)
    meanings = _meaning_of(fn, {})
    if meanings and meanings[0].kind == "data" and not isinstance(fn, types.BuiltinFunctionType):
        return None  # a function with no readable source (defined by exec, say): cannot tell
    for m in meanings:
        if m.kind == "code":
            checker.code(m.node, m.site, m.resolver)
        elif m.kind in ("origin", "builtin"):
            origin = m.origin or f"builtins.{getattr(fn, '__name__', '?')}"
            if not helpers.allows(origin):
                ref = ", the book's own reference" if origin.startswith("nncomplexity") else ""
                checker.findings.append(f"{name} is {origin}{ref}, not a function you wrote")
    return checker.findings
