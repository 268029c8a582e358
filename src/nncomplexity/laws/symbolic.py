"""Is a recovered formula the law? SymPy decides, after turning a gplearn program into SymPy.

Two checks, strict first:

* **exact**: ``simplify(candidate − truth) == 0``, after snapping each fitted
  constant to the nearest simple rational within ``rel_tol`` (1.4998 → 3/2);
* **up to a constant**: ``simplify(candidate / truth)`` contains no variable and lies
  within ``rel_tol`` of 1 (the right form with a slightly wrong fitted constant).

A formula that passes neither is reported as a different law, with the simplified
difference as the evidence.

Book: chapter "Beyond deep learning", section "Was the law recovered?".
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .._validate import Real, validate_params

__all__ = ["Equivalence", "count_operations", "gplearn_to_sympy", "same_law"]

# gplearn's functions as SymPy sees them. gplearn protects sqrt and log by taking |x| (kept here, so
# sqrt(a − 0.65) evolved on a < 0.65 means what gplearn computed), and div by returning 1 where
# |b| < 0.001 (dropped: a set of measure zero for the book's data, noted on the page).
_GPLEARN = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
            "div": lambda a, b: a / b, "sqrt": lambda a: sp.sqrt(sp.Abs(a)),
            "log": lambda a: sp.log(sp.Abs(a)), "neg": lambda a: -a,
            "inv": lambda a: 1 / a, "abs": sp.Abs, "max": sp.Max, "min": sp.Min,
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan}


def gplearn_to_sympy(program, variables) -> sp.Expr:
    """The SymPy expression of a fitted gplearn program (``est._program``) over ``variables``.

    gplearn stores a program as a prefix list of functions (with ``.name`` and
    ``.arity``), feature indices (int) and constants (float); it is rebuilt here
    with a stack, right to left. Cost: O(program length).
    """
    nodes = getattr(program, "program", program)
    if not isinstance(nodes, (list, tuple)) or not nodes:
        raise TypeError(f"program must be a gplearn program or its node list, got {type(program).__name__}")
    variables = list(variables)
    stack: list[sp.Expr] = []
    for node in reversed(nodes):
        if isinstance(node, (int,)) and not isinstance(node, bool):
            if not 0 <= node < len(variables):
                raise ValueError(f"program uses feature X{node} but only {len(variables)} variables were given")
            stack.append(variables[node])
        elif isinstance(node, float):
            stack.append(sp.Float(node))
        else:
            name, arity = getattr(node, "name", None), getattr(node, "arity", None)
            if name not in _GPLEARN:
                raise ValueError(f"program uses the function {name!r}, which has no SymPy translation")
            args = [stack.pop() for _ in range(arity)]
            stack.append(_GPLEARN[name](*args))
    if len(stack) != 1:
        raise ValueError("program is not a well-formed prefix expression")
    return stack[0]


def count_operations(expr) -> int:
    """Arithmetic operations to evaluate ``expr`` once, as SymPy counts them (``count_ops``).

    Each +, −, ×, ÷, power and function call (sqrt, K, sin, …) counts one; a
    special function is thus one operation, a convention the page states; a rational exponent
    such as 3/2 also counts its division. Cost: O(tree size).
    """
    return int(sp.count_ops(sp.sympify(expr)))


@dataclass(frozen=True)
class Equivalence:
    """The verdict of :func:`same_law`."""

    exact: bool            # candidate − truth simplifies to 0 (constants snapped to simple rationals)
    up_to_constant: bool   # candidate / truth simplifies to a constant within rel_tol of 1
    ratio: sp.Expr         # simplified candidate / truth
    difference: sp.Expr    # simplified candidate − truth (after snapping)

    @property
    def recovered(self) -> bool:
        """The law's form was found (exactly, or with a constant within tolerance)."""
        return self.exact or self.up_to_constant


def _simplest_rational(x: float, rel_tol: float) -> sp.Expr:
    """p/q with the smallest q ≤ 12 within rel_tol of x (x itself when none is)."""
    for q in range(1, 13):
        p = round(x * q)
        if p and abs(p / q - x) <= rel_tol * abs(x):
            return sp.Rational(p, q)
    return sp.Float(x)


def _snap(expr: sp.Expr, rel_tol: float) -> sp.Expr:
    """Replace each float constant by the simplest rational within rel_tol of it (1.4998 → 3/2)."""
    return expr.xreplace({f: _simplest_rational(float(f), rel_tol) for f in expr.atoms(sp.Float) if f != 0})


@validate_params(rel_tol=Real())
def same_law(candidate, truth, rel_tol: float = 0.02) -> Equivalence:
    """Decide whether ``candidate`` is the law ``truth`` (both SymPy expressions or strings).

    Cost: a few ``sympy.simplify`` calls (milliseconds for the book's formulas).
    """
    cand, true = sp.sympify(candidate), sp.sympify(truth)
    # the same symbols with the same assumptions, so sqrt(a)**3 == a**(3/2) for positive a
    positive = {s: sp.Symbol(s.name, positive=True) for s in cand.free_symbols | true.free_symbols}
    cand, true = cand.xreplace(positive), true.xreplace(positive)
    difference = sp.simplify(_snap(cand, rel_tol) - true)
    ratio = sp.simplify(cand / true)
    const = not ratio.free_symbols and ratio.is_finite is not False
    close = bool(const and abs(complex(ratio.evalf()) - 1) <= rel_tol)
    return Equivalence(exact=difference == 0, up_to_constant=close, ratio=ratio, difference=difference)
