"""Read a notebook's code cells (never run them): the top-level bindings of every name.

For a task's function, :meth:`NotebookCode.examine` returns the findings of
:class:`~nncomplexity.grading.static.Checker` (what the function uses that the task does not
allow, and whether its name is bound by its ``def`` only: ``matmul_loops = np.matmul`` after it
is not) and every binding the function needs: its def, the notebook's functions, classes and
variables it uses, and their imports. That is all the grader's clean kernel runs
(:mod:`~nncomplexity.grading.notebook`).
"""
from __future__ import annotations

import ast
import builtins
import itertools
import textwrap
from collections import defaultdict
from dataclasses import dataclass

from .static import IPYTHON, Checker, Meaning, Site, names_in

__all__ = ["Binding", "NotebookCode"]


@dataclass
class Binding:
    """One way a notebook binds a top-level name: def, class, import, an expression, or opaque."""

    name: str
    kind: str  # "def", "class", "import", "expr", "opaque", "del"
    node: ast.AST  # the statement (what the clean kernel runs)
    value: ast.AST | None  # what to read: the def, the assigned expression, the whole statement
    origin: str | None  # imports: the dotted name
    site: Site
    conditional: bool  # inside if/for/while/try/with at top level
    order: int
    how: str = ""  # opaque: how the name is set

    def text(self) -> str:
        """The statement's own source, dedented (or unparsed if it shares its lines)."""
        node = self.node
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        lines = list(self.site.lines[first - 1:node.end_lineno])
        head = lines[0].encode()[:node.col_offset].decode(errors="ignore") if first == node.lineno else ""
        tail = self.site.lines[node.end_lineno - 1].encode()[node.end_col_offset:].decode(errors="ignore")
        if head.strip() or tail.strip().lstrip(";").strip() and not tail.strip().startswith("#"):
            return ast.unparse(node)
        return textwrap.dedent("\n".join(lines))


def _transformer():
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # no IPython: plain Python only
        return lambda source: source
    manager = TransformerManager()
    return manager.transform_cell


class NotebookCode:
    """The top-level bindings of a notebook's code cells, read without running them."""

    def __init__(self, cells: list[tuple[int, str]]):
        """``cells``: (code cell number, source) in notebook order."""
        self.bindings: dict[str, list[Binding]] = defaultdict(list)
        self.stars: list[Binding] = []
        self._order = itertools.count()
        transform = _transformer()
        for number, source in cells:
            try:
                text = transform(source)
                tree = ast.parse(text)
            except Exception:  # noqa: BLE001 (a SyntaxError, or IPython's transformer refusing it)
                continue  # it does not run in the kernel either
            site = Site(tuple(text.split("\n")), cell=number)
            self._collect(tree.body, site, conditional=False)
            for fn in ast.walk(tree):  # names a function declares global, and then sets
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for g in (n for n in ast.walk(fn) if isinstance(n, ast.Global)):
                        for name in g.names:
                            self._add(name, "opaque", fn, None, site, True, how=f"which {fn.name} sets (global)")

    def _add(self, name, kind, node, value, site, conditional, origin=None, how="") -> None:
        self.bindings[name].append(Binding(name, kind, node, value, origin, site, conditional,
                                           next(self._order), how))

    def _collect(self, stmts, site: Site, conditional: bool) -> None:
        for s in stmts:
            def add(name, kind, value=None, origin=None, how="", s=s):
                self._add(name, kind, s, value, site, conditional, origin, how)

            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                add(s.name, "def", s)
            elif isinstance(s, ast.ClassDef):
                add(s.name, "class", s)
            elif isinstance(s, ast.Import):
                for a in s.names:
                    add(a.asname or a.name.split(".")[0], "import",
                        origin=a.name if a.asname else a.name.split(".")[0])
            elif isinstance(s, ast.ImportFrom):
                module = "." * s.level + (s.module or "")
                for a in s.names:
                    if a.name == "*":
                        self.stars.append(Binding("*", "import", s, None, module, site, conditional,
                                                  next(self._order)))
                    else:
                        add(a.asname or a.name, "import", origin=f"{module}.{a.name}" if s.module else module + a.name)
            elif isinstance(s, ast.Assign):
                for name in {n for t in s.targets for n in names_in(t)}:
                    add(name, "expr", s.value)
            elif isinstance(s, (ast.AnnAssign, ast.AugAssign)) and isinstance(s.target, ast.Name):
                add(s.target.id, "expr", s)
            elif isinstance(s, ast.Delete):
                for name in {n for t in s.targets for n in names_in(t)}:
                    add(name, "del")
            else:
                for target, how in self._opaque_targets(s):
                    for name in names_in(target):
                        add(name, "opaque", how=how)
                for body in ("body", "orelse", "finalbody", "handlers", "cases"):
                    for block in getattr(s, body, []) or []:
                        inner = block.body if isinstance(block, (ast.ExceptHandler, ast.match_case)) else [block]
                        self._collect(inner, site, conditional=True)
            if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for n in ast.walk(s):  # := binds in the enclosing (module) scope
                    if isinstance(n, ast.NamedExpr):
                        add(n.target.id, "opaque", how="set by :=")

    @staticmethod
    def _opaque_targets(s):
        line = f"line {s.lineno}"
        if isinstance(s, (ast.For, ast.AsyncFor)):
            yield s.target, f"set by the for loop at {line}"
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                if item.optional_vars is not None:
                    yield item.optional_vars, f"set by the with statement at {line}"
        elif isinstance(s, ast.Try):
            for h in s.handlers:
                if h.name:
                    yield ast.Name(id=h.name, ctx=ast.Store()), f"set by the except clause at {line}"

    # ------------------------------------------------------------------ resolving names
    def meanings(self, name: str) -> list[Meaning]:
        found = self.bindings.get(name)
        if not found:
            if self.stars and name not in vars(builtins):
                return [Meaning("origin", origin=f"{b.origin}.{name}", binding=b) for b in self.stars]
            return [Meaning("builtin")] if name in vars(builtins) or name in IPYTHON else []
        out = []
        for b in found:
            if b.kind == "import":
                out.append(Meaning("origin", origin=b.origin, binding=b))
            elif b.kind in ("def", "class", "expr"):
                out.append(Meaning("code", node=b.value, site=b.site, resolver=self, binding=b))
            elif b.kind == "opaque":
                out.append(Meaning("opaque", how=b.how or "set where the grader cannot follow it"))
        return out

    # ------------------------------------------------------------------ a task
    def examine(self, name: str, helpers) -> tuple[list[str], list[Binding]]:
        """Findings for the function ``name`` under ``helpers``, and the bindings it needs, in order.

        No bindings and no findings: the notebook never defines ``name``.
        """
        found = self.bindings.get(name, [])
        if not found:
            return [], []
        checker = Checker(helpers)
        defs = [b for b in found if b.kind == "def"]
        others = [b for b in found if b.kind != "def"]
        if not defs and others and all(b.kind == "expr" and isinstance(b.value, ast.Lambda) for b in others):
            defs, others = others, []
        for b in others:
            why = (f"binds {name} again after its def: the grader checks the function you wrote with def, "
                   "so keep the name for it") if defs else f"{name} must be a function you write with def"
            checker.find(b.site, b.node, why)
        if defs:
            last = max((i for i, b in enumerate(defs) if not b.conditional), default=0)
            for b in defs[last:]:
                checker.code(b.value, b.site, self, b)
        return checker.findings, [checker.bindings[k] for k in sorted(checker.bindings)]
