"""Answer types: how a task reads the student's answer, compares it, and words a wrong one.

An answer type turns the plain value that came back into the kind the task wants
(:meth:`Answer.coerce`, which fails with a clear message), says whether it is right
(:meth:`~Answer.same`), whether it matches a mistake's value (:meth:`~Answer.like`, perhaps
looser), and gives the head of a message ("your count for m=2, k=3, n=4 is 24; expected 48").
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np

from .core import Case, CheckFailed

__all__ = ["Answer", "Array", "Count", "Gradients", "Real", "as_count", "as_float_array", "as_real", "close", "fmt_int",
           "rel_close", "shape_str", "worst_entry"]


# =========================================================================== readers
def shape_str(shape) -> str:
    """(3, 2) -> '(3, 2)'; (4,) -> '(4,)', as Python prints shapes."""
    return str(tuple(int(s) for s in shape))


def fmt_int(n: int) -> str:
    """12345678 -> '12,345,678' (exact counts stay exact)."""
    return f"{int(n):,}"


def _none(value, what: str, on: str) -> None:
    if value is None:
        raise CheckFailed(f"{what} is None {on}: did you forget the `return`?")


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Fraction, np.integer, np.floating)) and not isinstance(value, bool)


def as_float_array(value, what: str, on: str) -> np.ndarray:
    """``value`` as a float64 array, or CheckFailed saying what came back instead."""
    _none(value, what, on)
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be an array of numbers {on}, got {type(value).__name__}") from None


def as_count(value, what: str, on: str) -> int:
    """An exact count: ints or floats with no fractional part."""
    _none(value, what, on)
    if not _is_number(value) or not math.isfinite(float(value)):
        raise CheckFailed(f"{what} should be a number {on}, got {type(value).__name__} {value!r}")
    if int(value) != value:
        raise CheckFailed(f"{what} is {value!r} {on}: an exact count is a whole number "
                          "(use // for integer division, or int(...))")
    return int(value)


def as_real(value, what: str, on: str) -> float:
    """A real number (int, float, Fraction)."""
    _none(value, what, on)
    if not _is_number(value):
        raise CheckFailed(f"{what} should be a number {on}, got {type(value).__name__} {value!r}")
    return float(value)


def close(a, b, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """Same shape and every entry within ``atol + rtol·max|b|`` (a scale-aware test)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    if not np.all(np.isfinite(a)):
        return False
    scale = float(np.max(np.abs(b)))
    return bool(np.max(np.abs(a - b)) <= atol + rtol * max(scale, 1.0))


def rel_close(a: float, b: float, rtol: float = 1e-9) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300)


def worst_entry(got: np.ndarray, want: np.ndarray) -> str:
    """'entry [1, 2] is 3.5, expected 2.25' for the largest difference."""
    diff = np.abs(np.nan_to_num(got, nan=np.inf) - want)
    idx = np.unravel_index(int(np.argmax(diff)), want.shape)
    where = ", ".join(str(int(i)) for i in idx)
    return f"entry [{where}] is {got[idx]:.6g}, expected {want[idx]:.6g}"


# =========================================================================== answer types
class Answer:
    """Base: compare with ``==``; the head names the answer, the input and both values."""

    what = "your answer"

    def coerce(self, case: Case, value):
        return value

    def same(self, case: Case, got, want) -> bool:
        return got == want

    def like(self, case: Case, got, alt) -> bool:
        return self.same(case, got, alt)

    def context(self, case: Case, got, want) -> dict:
        return {"got": got, "want": want}

    def head(self, case: Case, got, want) -> str:
        return f"{self.what} {case.on} is {got!r}; expected {want!r}"

    def fallback(self, case: Case, got, want) -> str:
        return self.head(case, got, want)

    def diagnose(self, task, case: Case, got, want) -> str:
        """The first of the task's known mistakes the answer matches, worded; else :meth:`fallback`."""
        ctx = {"on": case.on, **self.context(case, got, want), **case.facts}
        ctx["head"] = self.head(case, got, want)
        for m in task.mistakes:
            try:
                if m.when is not None:
                    hit = bool(m.when(got, want, *case.args))
                else:
                    alt = m.alt(*case.args)
                    hit = alt is not None and not self.like(case, alt, want) and self.like(case, got, alt)
            except (ValueError, IndexError, TypeError, ArithmeticError):
                hit = False  # the mistake does not apply to this input's shapes
            if hit:
                text = m.says.format(**ctx)
                return text if m.alone else f"{ctx['head']}: {text}"
        return self.fallback(case, got, want)


class Count(Answer):
    """An exact integer count, e.g. FLOPs."""

    def __init__(self, what: str = "your count", head: str | None = None):
        self.what = what
        self.template = head or "{what} {on} is {got}; expected {want}"

    def coerce(self, case, value):
        return as_count(value, self.what, case.on)

    def head(self, case, got, want):
        return self.template.format(what=self.what, on=case.on, got=fmt_int(got), want=fmt_int(want))


class Real(Answer):
    """A real number, equal to a relative tolerance (a ratio, a rate, an estimate)."""

    def __init__(self, what: str, unit: str = "", rtol: float = 1e-9):
        self.what, self.unit, self.rtol = what, unit, rtol

    def coerce(self, case, value):
        return as_real(value, self.what, case.on)

    def same(self, case, got, want):
        return rel_close(got, want, case.rtol or self.rtol)

    def like(self, case, got, alt):
        return rel_close(got, float(alt))

    def head(self, case, got, want):
        return f"{self.what} {case.on} is {got:.6g}{self.unit}; expected {want:.6g}"


class Array(Answer):
    """A float array, equal within ``rtol``/``atol``; mistakes are matched within ``loose``."""

    def __init__(self, what: str = "your result", rtol: float = 1e-9, atol: float = 1e-12,
                 loose: tuple[float, float] | None = None, wrong: str = "wrong values"):
        self.what, self.rtol, self.atol, self.wrong = what, rtol, atol, wrong
        self.loose = loose or (rtol, atol)

    def coerce(self, case, value):
        return as_float_array(value, self.what, case.on)

    def same(self, case, got, want):
        return close(got, want, case.rtol or self.rtol, self.atol if case.rtol is None else max(self.atol, 1e-6))

    def like(self, case, got, alt):
        return close(got, alt, *self.loose)

    def context(self, case, got, want):
        return {"got_shape": shape_str(got.shape), "want_shape": shape_str(want.shape)}

    def head(self, case, got, want):
        return f"{self.wrong} {case.on}"

    def fallback(self, case, got, want):
        if got.shape != want.shape:
            return f"{self.what} has shape {shape_str(got.shape)} {case.on}; expected {shape_str(want.shape)}"
        return f"{self.wrong} {case.on}: {worst_entry(got, want)}"


class Gradients(Answer):
    """A backward pass's answer ``{"W": [dW1, ..., dWL], "b": [db1, ..., dbL]}``, diagnosed layer by layer.

    The case's facts give ``L`` (layers) and ``t`` (batch). A mistake row's ``alt`` returns the
    mistaken pass's (list of dW, list of db); the first wrong layer, in the order backprop visits
    them, is the one reported.
    """

    what = "your gradients"

    def coerce(self, case, value):
        on, L = case.on, case.facts["L"]
        if not isinstance(value, Mapping) or "W" not in value or "b" not in value:
            raise CheckFailed(f"return a dict {{\"W\": [dW1, ..., dWL], \"b\": [db1, ..., dbL]}} {on}, "
                              f"got {type(value).__name__}")
        for key in ("W", "b"):
            lst = value[key]
            if not isinstance(lst, Sequence) or isinstance(lst, str):
                raise CheckFailed(f"grads[{key!r}] should be a list with one array per layer {on}, "
                                  f"got {type(lst).__name__}")
            if len(lst) != L:
                hint = (": off by one in the layer loop (does it reach layer 1, list index 0?)"
                        if len(lst) == L - 1 else "")
                raise CheckFailed(f"grads[{key!r}] has {len(lst)} entries {on}; the network has L = {L} layers{hint}")
        return ([as_float_array(g, f"grads['W'][{i}]", on) for i, g in enumerate(value["W"])],
                [as_float_array(g, f"grads['b'][{i}]", on) for i, g in enumerate(value["b"])])

    def same(self, case, got, want):
        return all(close(g, r) for g, r in zip(got[0] + got[1], want["W"] + want["b"]))

    def diagnose(self, task, case, got, want) -> str:
        got_W, got_b = got
        if len(got_W) > 1 and all(close(g, r) for g, r in zip(got_W[::-1], want["W"])):
            return (f"your lists are in reverse order {case.on}: grads['W'][0] must be layer 1's gradient "
                    "(build the list backwards, then reverse it, or fill a list of length L by index)")
        for i in reversed(range(len(got_W))):
            message = self._layer(task, case, i, got_W[i], got_b[i], want["W"][i], want["b"][i])
            if message:
                return message
        return f"wrong gradients {case.on}"

    @staticmethod
    def _layer(task, case, i, gw, gb, rw, rb) -> str | None:
        """What is wrong with layer k = i + 1 (None if nothing)."""
        on, t, name = case.on, case.facts["t"], f"layer {i + 1} (grads['W'][{i}])"
        if not close(gw, rw):
            if gw.shape == rw.T.shape != rw.shape and close(gw.T, rw):
                return (f"dW of {name} has shape {shape_str(gw.shape)} {on}: transposed. It must have W's shape "
                        f"{shape_str(rw.shape)} (n_out, n_in): δᵀ @ a⁽ᵏ⁻¹⁾, not a⁽ᵏ⁻¹⁾ᵀ @ δ")
            if gw.shape != rw.shape:
                return f"dW of {name} has shape {shape_str(gw.shape)} {on}; expected W's shape {shape_str(rw.shape)}"
            if t > 1 and close(gw, rw / t):
                return (f"dW of {name} is 1/t times too small {on}: mean vs sum. δ⁽ᴸ⁾ = dZ already carries the 1/t "
                        "of the mean loss, so sum over the batch (δᵀ @ a) and do not divide by t again")
            if t > 1 and close(gw, rw * t):
                return (f"dW of {name} is t times too large {on}: dZ already is the gradient of the mean loss; "
                        "do not multiply by t")
            for m in task.mistakes:
                try:
                    alt = m.alt(*case.args)[0][i]
                except ValueError:  # the shapes do not allow this mistake
                    continue
                if not close(alt, rw) and close(gw, alt):
                    return f"dW of {name} is wrong {on}: {m.says}"
            return f"dW of {name} is wrong {on}: {worst_entry(gw, rw)}"
        if not close(gb, rb):
            bname = f"db of layer {i + 1} (grads['b'][{i}])"
            if gb.shape == (t, rb.size) and t > 1:
                return (f"{bname} has shape {shape_str(gb.shape)} {on}: one row per sample. Sum δ over the batch "
                        f"(axis 0) to get shape {shape_str(rb.shape)}")
            if gb.shape != rb.shape:
                return f"{bname} has shape {shape_str(gb.shape)} {on}; expected {shape_str(rb.shape)}"
            if t > 1 and close(gb, rb / t):
                return (f"{bname} is 1/t times too small {on}: mean vs sum. dZ already carries the 1/t of the mean "
                        "loss: db = δ summed over the rows, not averaged")
            if not np.any(gb):
                return f"{bname} is zero {on}: ∂J/∂b is δ summed over the samples"
            return f"{bname} is wrong {on}: {worst_entry(gb, rb)}"
        return None
