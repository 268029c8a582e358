"""The rules for reading a task's code (never running it): what its functions may use.

A task that asks students to write X is not passed by a function that calls a library's X.
A :class:`Checker` walks a function's code, follows every name it uses through a *resolver*
(what the name means: a module's object, more code to read, a built-in) and checks each
against the task's :class:`~nncomplexity.grading.core.Helpers`:

- a module name it reaches (``np.dot``, ``from nncomplexity.cost.flops import matmul_flops``,
  ``getattr(np, "matmul")``) must be allowed;
- the ``@`` operator and attribute names such as ``.dot`` where the task forbids them;
- no dynamic tricks the grader could not follow: ``eval``/``exec``/``compile``/``__import__``,
  ``getattr`` with a computed name, ``globals()``, special attributes (``__dict__``, ...),
  IPython's ``In``/``get_ipython``, or a variable set by a loop or inside another function;
- no change to a library's names (``np.allclose = ...``).

Two resolvers read the names: :mod:`.static_notebook` from a notebook's source (the
instructor's grader), :mod:`.static_objects` from a running function's globals (``check_task``).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .static_notebook import Binding

__all__ = ["Checker", "Meaning", "Site", "names_in"]

DYNAMIC = {"eval", "exec", "compile", "__import__", "globals", "locals", "vars", "setattr", "delattr",
           "breakpoint", "input", "open", "__builtins__", "__builtin__", "__loader__", "__spec__"}
IPYTHON = {"In", "Out", "_ih", "_oh", "_dh", "_i", "_ii", "_iii", "get_ipython", "exit", "quit"}
SAFE_DUNDERS = {"__name__", "__doc__", "__qualname__", "__init__"}
FRAME_ATTRS = {"f_back", "f_globals", "f_locals", "f_builtins", "f_code", "tb_frame", "tb_next", "gi_frame",
               "cr_frame", "ag_frame", "gi_code", "cr_code"}
_SKIP_FIELDS = {"annotation", "returns", "type_comment"}


# =========================================================================== where code lives
@dataclass(frozen=True)
class Site:
    """A piece of code: its text (for quoting lines) and how to name a line of it."""

    lines: tuple[str, ...]
    cell: int | None = None  # code cell number (1-based), None outside a notebook
    offset: int = 0  # add to a node's line number for the line shown

    def where(self, node: ast.AST) -> str:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ast.unparse(node)
        text = text if len(text) <= 80 else text[:77] + "..."
        place = f"line {line + self.offset}" + (f" of code cell {self.cell}" if self.cell is not None else "")
        return f"`{text}` ({place})"


def names_in(target: ast.AST) -> list[str]:
    """Every name in an assignment target (a, (b, c), *d)."""
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _bound_inside(node: ast.AST) -> tuple[set[str], dict[str, str]]:
    """Names bound anywhere inside ``node`` (parameters, stores, nested defs, imports), and import aliases."""
    bound: set[str] = set()
    origins: dict[str, str] = {}
    declared_global: set[str] = set()
    for n in ast.walk(node):
        if n is node and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pass
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(n.name)
        if isinstance(n, ast.arg):
            bound.add(n.arg)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            bound.add(n.id)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        elif isinstance(n, ast.Global):
            declared_global.update(n.names)
        elif isinstance(n, ast.Import):
            for a in n.names:
                origins[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(n, ast.ImportFrom):
            for a in n.names:
                if a.name != "*":
                    origins[a.asname or a.name] = "." * n.level + f"{n.module or ''}.{a.name}".lstrip(".")
    return bound - declared_global, origins


# =========================================================================== the checker
@dataclass
class Meaning:
    """What a global name means: an origin ("numpy.dot"), code to read, opaque, or a built-in."""

    kind: str  # "origin", "code", "opaque", "builtin", "data"
    origin: str = ""
    node: ast.AST | None = None
    site: Site | None = None
    resolver: object = None
    binding: Binding | None = None
    how: str = ""


class Checker:
    """Walks code for one task and collects findings, and the notebook bindings it needed."""

    def __init__(self, helpers):
        self.helpers = helpers
        self.findings: list[str] = []
        self.bindings: dict[int, Binding] = {}
        self._seen: set[int] = set()

    def find(self, site: Site, node: ast.AST, why: str) -> None:
        text = f"{site.where(node)}: {why}"
        if text not in self.findings:
            self.findings.append(text)

    def code(self, node: ast.AST, site: Site, resolver, binding: Binding | None = None) -> None:
        """Check ``node`` (a def, class, lambda, statement or expression) once."""
        if binding is not None:
            self.bindings[binding.order] = binding
        if id(node) in self._seen:
            return
        self._seen.add(id(node))
        bound, origins = _bound_inside(node)
        if isinstance(node, ast.Assign):  # a module-level assignment binds globals, not locals
            bound -= {n for t in node.targets for n in names_in(t)}
        self._visit(node, site, resolver, bound, origins)

    # ------------------------------------------------------------------ visiting
    def _visit(self, node, site, resolver, bound, origins) -> None:
        if isinstance(node, ast.Name):
            return self._name(node, site, resolver, bound, origins)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, site, resolver, bound, origins)
        if (isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.MatMult)
                and not self.helpers.matmul):
            self.find(site, node, "the @ operator, a library matrix product")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and "getattr" not in bound:
            args = node.args
            if len(args) >= 2 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
                chain = ast.Attribute(value=args[0], attr=args[1].value, ctx=ast.Load(), lineno=node.lineno)
                self._attribute(chain, site, resolver, bound, origins)
                for extra in args[2:]:
                    self._visit(extra, site, resolver, bound, origins)
            else:
                self.find(site, node, "getattr with a computed name, which the grader cannot follow")
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or (alias.name if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0])
                if name in origins:
                    self._origin(origins[name], node, site)
            return
        for name, value in ast.iter_fields(node):
            if name in _SKIP_FIELDS:
                continue
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    self._visit(child, site, resolver, bound, origins)

    def _name(self, node, site, resolver, bound, origins) -> None:
        name = node.id
        if name in origins:
            return self._origin(origins[name], node, site)
        if name in bound:
            return
        for m in resolver.meanings(name):
            self._meaning(m, name, node, site, resolver)

    def _meaning(self, m: Meaning, name, node, site, resolver, attrs=()) -> None:
        if m.binding is not None:
            self.bindings[m.binding.order] = m.binding
        if m.kind == "origin":
            self._origin(".".join((m.origin,) + tuple(attrs)), node, site, store=isinstance(
                getattr(node, "ctx", None), ast.Store) and bool(attrs))
        elif m.kind == "code":
            self.code(m.node, m.site, m.resolver, m.binding)
        elif m.kind == "opaque":
            self.find(site, node, f"uses {name}, {m.how}: a task's function may use arguments, your own "
                                  "functions and imports, and variables set by a plain assignment")
        elif m.kind == "builtin" and (name in DYNAMIC or name in IPYTHON):
            self.find(site, node, f"{name}, which runs or fetches code the grader cannot follow")

    def _attribute(self, node, site, resolver, bound, origins) -> None:
        attrs, cur = [], node
        while isinstance(cur, ast.Attribute):
            attrs.insert(0, cur.attr)
            cur = cur.value
        for attr in attrs:
            if (attr.startswith("__") and attr.endswith("__") and attr not in SAFE_DUNDERS) or attr in FRAME_ATTRS:
                self.find(site, node, f"the special attribute {attr}, which the grader cannot follow")
        meanings = []
        if isinstance(cur, ast.Name) and cur.id in origins:
            meanings = [Meaning("origin", origin=origins[cur.id])]
        elif isinstance(cur, ast.Name) and cur.id not in bound:
            meanings = resolver.meanings(cur.id)
        method = next((a for a in attrs if a in self.helpers.methods), None)  # A.dot(B), np.ndarray.dot
        if method is not None:
            origin = next((m.origin for m in meanings if m.kind == "origin"), "")
            shown = ".".join([origin] + attrs[:attrs.index(method) + 1]) if origin else "." + method
            self.find(site, node, f"{shown}, a library matrix product")
        if not isinstance(cur, ast.Name):
            return self._visit(cur, site, resolver, bound, origins)
        for m in meanings:
            if m.kind != "origin" or method is None:  # the method is the finding; do not name it twice
                self._meaning(m, cur.id, node, site, resolver, attrs)

    def _origin(self, dotted: str, node, site, store: bool = False) -> None:
        if store:
            self.find(site, node, f"changes {dotted}, a library's own name")
        elif dotted.startswith("."):
            self.find(site, node, "a relative import (a file next to the notebook), which the grader does not read")
        elif not self.helpers.allows(dotted):
            ref = ", the book's own reference" if dotted.split(".")[0] == "nncomplexity" else ""
            self.find(site, node, f"uses {dotted}{ref}, which this task does not allow")
