"""What runs next to the student's code: call it on given inputs, under time limits, and turn
whatever it returns into plain data.

Two places run this module. In a lab notebook, :func:`~nncomplexity.grading.check_task`
imports it as usual. The instructor's grader (:mod:`~nncomplexity.grading.notebook`) instead
sends its *source text* to the student's kernel inside a query cell, so the query depends on
nothing the notebook could have changed. It is therefore self-contained: the standard library,
and NumPy only where the value is a NumPy object.

Plain data is what JSON can carry, tagged where JSON has no word for it::

    None, bool, int, float, str, list            as themselves
    {"t": "nd", "dtype": "float64", "shape": [2, 3], "data": [...]}   a NumPy array (numbers only)
    {"t": "tuple", "items": [...]}   {"t": "dict", "items": [[key, value], ...]}
    {"t": "frac", "n": 1, "d": 3}    a fractions.Fraction
    {"t": "func", "src": "lambda x: ..."}   a function the grader supplies as an input (never a result)
    {"t": "obj", "type": "Yes", "callable": false}   anything else: not plain data, and it fails

A call's outcome is one of ``{"ok": value}`` (with ``"after"``, the arguments as the call left
them, when asked), ``{"raised": [name, message, line]}``, ``{"timeout": seconds}`` and
``{"budget": true}`` (the task's time ran out before this call).
"""
from __future__ import annotations

import contextlib
import io
import json
import signal
import sys
import threading
import time
import traceback

SENTINEL = "@@nncomplexity-grader@@"
"""Each line the query prints for the grader starts with this, then the query's nonce."""

SOURCE_NAME = "<nncomplexity-grader>"
"""The file name this code runs under in the kernel (its frames are not the student's)."""

MAX_ITEMS = 2_000_000  # numbers in one answer
MAX_DEPTH = 32
MAX_STR = 10_000


class TimeUp(BaseException):
    """Raised in the student's code when a call runs out of time (``except Exception`` cannot swallow it)."""


class _TooBig(Exception):
    pass


# =========================================================================== values -> plain data
def encode(value):
    """``value`` as plain data (see the module docstring); anything else becomes an ``obj`` record."""
    budget = [MAX_ITEMS]
    try:
        return _encode(value, 0, budget)
    except _TooBig:
        return {"t": "obj", "type": "a value larger than the grader reads", "callable": False}


def _opaque(value):
    return {"t": "obj", "type": str(type(value).__name__)[:100], "callable": bool(callable(value))}


def _encode(v, depth, budget):
    if depth > MAX_DEPTH:
        raise _TooBig()
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig()
    if v is None or isinstance(v, bool):
        return None if v is None else bool(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)[:MAX_STR]
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(v, np.bool_):
            return bool(v)
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, np.floating):
            return float(v)
        if isinstance(v, np.ndarray):
            a = v.view(np.ndarray)
            if a.dtype.kind in "biuf":
                budget[0] -= a.size
                if budget[0] < 0:
                    raise _TooBig()
                return {"t": "nd", "dtype": a.dtype.name, "shape": [int(s) for s in a.shape],
                        "data": a.ravel().tolist()}
            if a.dtype.kind == "O":
                return _encode(a.tolist(), depth + 1, budget)
            return _opaque(v)
    fractions = sys.modules.get("fractions")
    if fractions is not None and isinstance(v, fractions.Fraction):
        return {"t": "frac", "n": int(v.numerator), "d": int(v.denominator)}
    if isinstance(v, list):
        return [_encode(x, depth + 1, budget) for x in list.__iter__(v)]
    if isinstance(v, tuple):
        return {"t": "tuple", "items": [_encode(x, depth + 1, budget) for x in tuple.__iter__(v)]}
    if isinstance(v, dict):
        return {"t": "dict", "items": [[_encode(k, depth + 1, budget), _encode(x, depth + 1, budget)]
                                       for k, x in dict.items(v)]}
    return _opaque(v)


def decode_inputs(x):
    """Plain data from the grader -> the objects to call the student's function with."""
    if isinstance(x, list):
        return [decode_inputs(v) for v in x]
    if not isinstance(x, dict):
        return x
    tag = x["t"]
    if tag == "nd":
        import numpy as np

        return np.array(x["data"], dtype=x["dtype"]).reshape(x["shape"])
    if tag == "tuple":
        return tuple(decode_inputs(v) for v in x["items"])
    if tag == "dict":
        return {decode_inputs(k): decode_inputs(v) for k, v in x["items"]}
    if tag == "frac":
        from fractions import Fraction

        return Fraction(x["n"], x["d"])
    if tag == "func":
        return make_function(x["src"])
    raise ValueError(f"unknown input tag {tag!r}")


def make_function(src: str):
    """A function the grader supplies as an input, from its source (NumPy as ``np``, and ``math``)."""
    import math

    import numpy as np

    return eval(compile(src, SOURCE_NAME, "eval"), {"np": np, "math": math})  # noqa: S307 (the grader's own text)


# =========================================================================== calls
def _own_frame(filename: str) -> bool:
    return (filename == SOURCE_NAME or filename == __file__ or "site-packages" in filename
            or "/lib/python" in filename or filename.startswith(_PACKAGE_DIR))


_PACKAGE_DIR = __file__.rsplit("/", 2)[0] if __file__.count("/") >= 2 else "\0"


def student_line(err: BaseException) -> str:
    """The last line of the student's own code in the traceback, as text ('' if none)."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if not _own_frame(f.filename)]
    return frames[-1].line.strip() if frames and frames[-1].line else ""


def _limited(fn, args, seconds):
    """``fn(*args)``, stopped with :class:`TimeUp` after ``seconds``."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        def on_alarm(signum, frame):
            raise TimeUp()

        old_handler = signal.signal(signal.SIGALRM, on_alarm)
        old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
        start = time.monotonic()
        try:
            return fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
            if old_delay > 0:  # someone else's timer (pytest-timeout, ...): re-arm what is left of it
                signal.setitimer(signal.ITIMER_REAL, max(old_delay - (time.monotonic() - start), 1e-3),
                                 old_interval)
    box = {}  # no SIGALRM here (Windows, or not the main thread): a daemon thread, and stop waiting

    def target():
        try:
            box["value"] = fn(*args)
        except BaseException as err:  # handed to the caller below
            box["error"] = err

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeUp()
    if "error" in box:
        raise box["error"]
    return box["value"]


def call_cases(fn, cases, *, call_limit: float, task_limit: float, keep_args: bool = False):
    """Call ``fn(*args)`` for each ``args`` in ``cases``; yield one outcome each (module docstring).

    Stops after the first outcome that is not ``ok``. What the function prints is swallowed.
    """
    deadline = time.monotonic() + task_limit
    for args in cases:
        left = deadline - time.monotonic()
        if left <= 0:
            yield {"budget": True}
            return
        limit = min(call_limit, left)
        sink = io.StringIO()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                value = _limited(fn, tuple(args), limit)
        except TimeUp:
            yield {"timeout": round(limit, 3)}
            return
        except KeyboardInterrupt:
            raise
        except BaseException as err:  # the student's exception, SystemExit included
            yield {"raised": [type(err).__name__, str(err)[:1000], student_line(err)[:300]]}
            return
        outcome = {"ok": encode(value)}
        if keep_args:
            outcome["after"] = encode(list(args))
        yield outcome


# =========================================================================== the query (kernel side)
def serve(payload: str, user_ns: dict) -> None:
    """Answer one query of the grader: print one sentinel line per record, then ``{"done": true}``.

    ``payload`` (JSON) holds ``nonce``, ``names`` and either ``cases`` (call ``names[0]`` on each)
    or ``values: true`` (read each name), with ``call_limit``, ``task_limit``, ``keep_args`` and
    ``prepare`` (source of a function applied to each value read, or null).
    """
    p = json.loads(payload)
    out = sys.stdout

    def emit(record):
        out.write(f"{SENTINEL} {p['nonce']} {json.dumps(record, allow_nan=True)}\n")
        out.flush()

    missing = [name for name in p["names"] if name not in user_ns]
    if missing:
        emit({"missing": missing})
    elif p.get("values"):
        prepare = make_function(p["prepare"]) if p.get("prepare") else (lambda v: v)
        try:
            emit({"values": [encode(prepare(user_ns[name])) for name in p["names"]]})
        except Exception as err:
            emit({"unreadable": f"{type(err).__name__}: {err}"[:300]})
    else:
        fn = user_ns[p["names"][0]]
        if not callable(fn):
            emit({"notcallable": str(type(fn).__name__)[:100]})
        else:
            cases = [decode_inputs(args) for args in p["cases"]]
            for i, outcome in enumerate(call_cases(fn, cases, call_limit=p["call_limit"],
                                                   task_limit=p["task_limit"], keep_args=p["keep_args"])):
                emit({"i": i, **outcome})
    emit({"done": True})
