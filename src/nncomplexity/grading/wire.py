"""The grader's side of plain data: inputs out, answers in, read strictly.

:func:`encode_inputs` turns the inputs the grader chose (arrays, numbers, :class:`Func`) into
plain data for the kernel; :func:`decode` turns what the kernel printed back into Python values
(numbers, strings, lists, tuples, dicts, NumPy arrays, Fractions) and nothing else: it never
evaluates code, and an object the student's code returned that is not plain data arrives as an
:class:`Opaque` marker, which fails with a clear message. Standard library and NumPy only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import runtime

__all__ = ["Func", "Opaque", "WireError", "decode", "encode_inputs", "find_opaque", "parse_json"]

_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "longdouble", "float128"}
MAX_JSON_CHARS = 64_000_000


class WireError(ValueError):
    """What the kernel sent is not plain data in the expected form."""


@dataclass(frozen=True)
class Func:
    """A function input the grader supplies, by its source (NumPy as ``np``, and ``math``).

    Callable in the grader's process (references and mistakes use it); sent to the kernel as text.
    """

    src: str

    def __call__(self, *args):
        fn = self.__dict__.get("_fn")
        if fn is None:
            fn = runtime.make_function(self.src)
            object.__setattr__(self, "_fn", fn)
        return fn(*args)

    def __deepcopy__(self, memo):
        return self


@dataclass(frozen=True)
class Opaque:
    """Stands for a value that was not plain data (e.g. an object whose ``==`` always says yes)."""

    type: str
    callable: bool = False


def encode_inputs(value):
    """The grader's inputs as plain data; :class:`Func` as its source."""
    if isinstance(value, Func):
        return {"t": "func", "src": value.src}
    if isinstance(value, list):
        return [encode_inputs(v) for v in value]
    if isinstance(value, tuple):
        return {"t": "tuple", "items": [encode_inputs(v) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "items": [[encode_inputs(k), encode_inputs(v)] for k, v in value.items()]}
    return runtime.encode(value)


def parse_json(text: str):
    """JSON text -> dict/list/str/number (no other types); :class:`WireError` when it is not."""
    if len(text) > MAX_JSON_CHARS:
        raise WireError("answer too large")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        raise WireError(f"not JSON: {err}") from None


def decode(x, depth: int = 0):
    """Plain data -> Python values, strictly (see the module docstring)."""
    if depth > runtime.MAX_DEPTH + 2:
        raise WireError("nested too deeply")
    if x is None or type(x) in (bool, int, float, str):
        return x
    if type(x) is list:
        return [decode(v, depth + 1) for v in x]
    if type(x) is not dict:
        raise WireError(f"unexpected {type(x).__name__}")
    tag = x.get("t")
    if tag == "nd":
        dtype, shape, data = x.get("dtype"), x.get("shape"), x.get("data")
        if dtype not in _DTYPES or type(shape) is not list or type(data) is not list:
            raise WireError("malformed array")
        if any(type(s) is not int or s < 0 for s in shape) or int(np.prod(shape, dtype=object)) != len(data):
            raise WireError("array shape and data disagree")
        if any(type(v) not in (bool, int, float) for v in data):
            raise WireError("array of non-numbers")
        return np.array(data, dtype=dtype).reshape(shape)
    if tag == "tuple" and type(x.get("items")) is list:
        return tuple(decode(v, depth + 1) for v in x["items"])
    if tag == "dict" and type(x.get("items")) is list:
        out = {}
        for pair in x["items"]:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("malformed dict")
            key = decode(pair[0], depth + 1)
            if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                key = Opaque("unhashable key")
            out[key] = decode(pair[1], depth + 1)
        return out
    if tag == "frac" and type(x.get("n")) is int and type(x.get("d")) is int and x["d"] != 0:
        return Fraction(x["n"], x["d"])
    if tag == "obj":
        return Opaque(str(x.get("type", "?"))[:100], bool(x.get("callable")))
    raise WireError(f"unknown record {str(tag)[:20]!r}")


def find_opaque(value) -> Opaque | None:
    """The first :class:`Opaque` inside ``value`` (lists, tuples, dict keys and values), else None."""
    if isinstance(value, Opaque):
        return value
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, dict):
        items = [v for pair in value.items() for v in pair]
    else:
        return None
    for item in items:
        found = find_opaque(item)
        if found is not None:
            return found
    return None
