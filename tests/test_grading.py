"""The labs' checks are not vacuous, and the grader reads code and data strictly (no notebook runs here).

For every auto-graded task, from one table (SUBMISSIONS): the check passes the reference
solution, reports "not implemented" on the student stub, and fails at least two plausible wrong
answers, each with the diagnosis a student needs in the message; the book's own reference
functions do not pass a task that asks students to write them. Also: the static reading of
code (what a task's functions may use), the plain-data wire format, time limits, the results
model and the Gradescope exporter. Notebooks are executed in tests/test_labs.py.
"""
from __future__ import annotations

import importlib.util
import json
import math
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from lab_answers import LOOPS

from nncomplexity.cost.flops import forward_flops, matmul_flops, training_step_flops
from nncomplexity.cost.memory import parameter_count
from nncomplexity.cost.training import flops_6nd, training_flops
from nncomplexity.grading import LABS, TASKS, CheckResult, Report, check_task, grade_namespace, lab_tasks, \
    to_gradescope, write_gradescope
from nncomplexity.grading import runtime, static_notebook, static_objects, wire
from nncomplexity.grading.labs._common import backward_variant, make_network
from nncomplexity.kernels.mlp import backward, forward


def stub(task_id: str, what: str = "something"):
    """What make_student.py leaves in a student notebook."""
    def f(*args, **kwargs):
        raise NotImplementedError(f"Task {task_id}: {what}")
    return f


def assert_pass(result: CheckResult):
    assert isinstance(result, CheckResult)
    assert result.status == "pass", str(result)
    assert result.score == result.max_score > 0
    assert str(result).startswith("PASS  Task")


def assert_fail(result: CheckResult, *fragments: str):
    assert result.status == "fail", str(result)
    assert result.score < result.max_score
    text = str(result)
    assert text.startswith("FAIL  Task")
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


# =========================================================================== reference solutions and mistakes
def matmul_loops(A, B):
    m, k = A.shape
    n = B.shape[1]
    C = np.zeros((m, n))
    for i in range(m):
        for j in range(n):
            s = 0.0
            for p in range(k):
                s += A[i, p] * B[p, j]
            C[i, j] = s
    return C


def _loops(A, B, *, skip_last=False, transpose_out=False, keep_running=False, swap_b=False, as_list=False):
    m, k = A.shape
    n = B.shape[1]
    C = [[0.0] * n for _ in range(m)]
    s = 0.0
    for i in range(m):
        for j in range(n):
            if not keep_running:
                s = 0.0
            for p in range(k - 1 if skip_last else k):
                s += A[i, p] * (B[j, p] if swap_b else B[p, j])
            C[i][j] = s
    if as_list:
        return np.array(C)  # loses the (m, 0) / (0, n) shape
    C = np.array(C).reshape(m, n)
    return C.T if transpose_out else C


def forward_pass(params, X):
    A = X
    L = len(params["W"])
    for i, (W, b) in enumerate(zip(params["W"], params["b"])):
        Z = A @ W.T + b
        A = np.maximum(Z, 0) if i < L - 1 else Z
    return A


def _forward(params, X, *, bias=True, relu_out=False, relu=True, transpose=True, one_sample=False, out_T=False,
             stop_early=False, in_place=False):
    A = X[:1] if one_sample else X
    L = len(params["W"])
    for i, (W, b) in enumerate(zip(params["W"], params["b"])):
        if stop_early and i == L - 1:
            break
        Z = A @ (W.T if transpose else W) + (b if bias else 0)
        A = np.maximum(Z, 0) if (relu and (i < L - 1 or relu_out)) else Z
    if in_place:
        X *= 0
    return A.T if out_T else A


def torch_forward_flops(widths, batch, backward=False, batch_used=None, drop_last_layer=False):
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from nncomplexity.kernels.mlp_torch import mlp_torch

    model = mlp_torch(widths[:-1] if drop_last_layer else widths)
    x = torch.randn(batch_used or batch, widths[0])
    with FlopCounterMode(display=False) as counter:
        out = model(x)
        if backward:
            out.sum().backward()
    return counter.get_total_flops()


def backward_pass(params, A, dZ):
    L = len(params["W"])
    gW, gb = [None] * L, [None] * L
    for i in reversed(range(L)):
        gW[i] = dZ.T @ A[i]
        gb[i] = dZ.sum(axis=0)
        if i > 0:
            dZ = (dZ @ params["W"][i]) * (A[i] > 0)
    return {"W": gW, "b": gb}


def _backward(params, A, dZ, *, transpose_dW=False, mean_b=False, mean_W=False, no_mask=False, reverse=False,
              unsummed_b=False, skip_first=False, use_WT=False, mask_above=False, mask_output=False, square_only=False):
    if square_only and len({a.shape[1] for a in A}) > 1:
        return backward_pass(params, A, dZ)  # right where the shapes would not allow the mistake
    L = len(params["W"])
    t = dZ.shape[0]
    if mask_output:
        dZ = dZ * (A[L] > 0)
    gW, gb = [], []
    for i in reversed(range(L)):
        if skip_first and i == 0:
            break
        dW = dZ.T @ A[i]
        gW.append((dW.T if transpose_dW else dW) / (t if mean_W else 1))
        gb.append(dZ if unsummed_b else dZ.mean(axis=0) if mean_b else dZ.sum(axis=0))
        if i > 0:
            W = params["W"][i]
            dZ = dZ @ (W.T if use_WT else W)
            if not no_mask:
                dZ = dZ * (A[i + 1 if mask_above else i] > 0)
    if not reverse:
        gW, gb = gW[::-1], gb[::-1]
    return {"W": gW, "b": gb}


def central_difference(f, x, h=1e-5):
    g = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = f(x)
        x[idx] = old - h
        fm = f(x)
        x[idx] = old
        g[idx] = (fp - fm) / (2 * h)
    return g


def _differences(f, x, h=1e-5, *, one_sided=False, precedence=False, no_restore=False, all_at_once=False,
                 flatten=False, only_h=False):
    g = np.zeros(x.size) if flatten else np.zeros_like(x)
    if all_at_once:
        return np.full_like(x, (f(x + h) - f(x - h)) / (2 * h))
    for j, idx in enumerate(np.ndindex(x.shape)):
        old = x[idx]
        x[idx] = old + h
        fp = f(x)
        x[idx] = old if one_sided else old - h
        fm = f(x)
        if not no_restore:
            x[idx] = old
        d = (fp - fm) / h if (one_sided or only_h) else (fp - fm) / 2 * h if precedence else (fp - fm) / (2 * h)
        g[j if flatten else idx] = d
    return g


def _ratio(widths):
    macs = [a * b for a, b in zip(widths, widths[1:])]
    return Fraction(2 * sum(macs) - macs[0], sum(macs))


def _skip_last(widths):
    macs = [a * b for a, b in zip(widths, widths[1:])]
    return 2 - macs[-1] / sum(macs)


def _fit(x, y):
    from nncomplexity.measure.fit import fit_power_law

    return fit_power_law(x, y)


SIZES = [16, 24, 32, 48, 64]
_noise = np.random.default_rng(0).uniform(0.8, 1.25, size=5)

# task id -> (the solution's objects, [(a wrong answer's objects, fragments its message must hold), ...])
SUBMISSIONS = {
    "1.1": ((matmul_loops,), [
        ((lambda A, B: _loops(A, B, skip_last=True),),
         ["leaves out the last term", "range(k - 1)", "A of shape (2, 3)"]),
        ((lambda A, B: _loops(A, B, transpose_out=True),), ["shape (4, 2)", "transposed"]),
        ((lambda A, B: _loops(A, B, keep_running=True),), ["running total", "set the sum to 0"]),
        ((lambda A, B: _loops(A, B, as_list=True),), ["shape (0,)", "expected (0, 2)", "np.zeros((m, n))"]),
        ((lambda A, B: _loops(A, B, swap_b=True),),
         ["IndexError", "for A of shape (2, 3) and B of shape (3, 4)", "B[j, p]"]),
    ]),
    "1.2": ((lambda m, k, n: 2 * m * k * n,), [
        ((lambda m, k, n: m * k * n,), ["for m=2, k=3, n=4 is 24; expected 48", "multiply-adds instead of FLOPs"]),
        ((lambda m, k, n: m * n * (2 * k - 1),), ["k − 1 additions"]),
        ((lambda m, k, n: 2 * n ** 3,), ["square"]),
        ((lambda m, k, n: 2 * m * k * n / 7,), ["whole number"]),
        ((lambda m, k, n: 2.0 * m * k * n,), ["is the float 48.0", "not an exact integer", "int(...)"]),
        ((lambda m, k, n: float(2 * m * k * n),), ["is the float 48.0"]),
        ((lambda m, k, n: 2 * max(m, 1) * k * n,), ["m=0"]),  # caught by the edge case, not by random shapes
    ]),
    "1.3": ((SIZES, [1e-7 * n ** 3 * e for n, e in zip(SIZES, _noise)]), [
        ((SIZES, [1e-6 * n ** 1.5 for n in SIZES]), ["below 2.3", "larger sizes"]),
        (([2 * n ** 3 for n in SIZES], [1e-8 * n ** 3 for n in SIZES]), ["FLOP counts"]),
        ((SIZES, [1e-9 * n ** 5 for n in SIZES]), ["above 3.7", "noise"]),
        ((SIZES, []), ["empty"]),
        ((SIZES, [1.0, 2.0]), ["5 entries but naive_times has 2"]),
        (([16, 17, 18, 19], [1, 2, 3, 4]), ["factor 3"]),
        ((SIZES, [0.0] * 5), ["positive"]),
    ]),
    "1.4": ((lambda m, k, n, s: 2 * m * k * n / s / 1e9,), [
        ((lambda m, k, n, s: m * k * n / s / 1e9,), ["multiply-adds"]),
        ((lambda m, k, n, s: 2 * m * k * n / s,), ["divide by 10⁹"]),
        ((lambda m, k, n, s: s / (2 * m * k * n) * 1e9,), ["upside down"]),
        ((lambda m, k, n, s: 2 * m * k * n / s / 2 ** 30,), ["2³⁰"]),
    ]),
    "2.1": ((forward_pass,), [
        ((lambda p, X: _forward(p, X, bias=False),), ["forget to add b", "widths [3, 5, 2], batch 4"]),
        ((lambda p, X: _forward(p, X, relu_out=True),), ["ReLU after the last layer"]),
        ((lambda p, X: _forward(p, X, relu=False),), ["no ReLU between layers"]),
        ((lambda p, X: _forward(p, X, one_sample=True),), ["only the first sample", "forget the", "batch"]),
        ((lambda p, X: _forward(p, X, out_T=True),), ["shape (2, 4)", "transposed", "Batch first"]),
        ((lambda p, X: _forward(p, X, stop_early=True),), ["one layer early", "len(params['W'])"]),
        ((lambda p, X: _forward(p, X, transpose=False),),
         ["ValueError", "widths [3, 5, 2], batch 4", "A @ (W.T if transpose else W)", "A shape mismatch",
          "A @ W.T + b"]),
        ((lambda p, X: _forward(p, X, in_place=True),), ["changed its input"]),  # half credit, tested below
    ]),
    "2.2": ((lambda w, t: sum(2 * t * a * b for a, b in zip(w, w[1:])),), [
        ((lambda w, t: t * sum(a * b for a, b in zip(w, w[1:])),), ["is 100; expected 200", "multiply-adds"]),
        ((lambda w, t: 2 * sum(a * b for a, b in zip(w, w[1:])),), ["forget the batch"]),
        ((lambda w, t: sum(2 * t * a * b for a, b in zip(w, w[1:])) + t * sum(w[1:]),), ["bias adds"]),
        ((lambda w, t: 2 * t * sum(a * b for a, b in zip(w[:-1], w[1:-1])),), ["off by one", "last layer"]),
        ((lambda w, t: 2 * t * sum((a + 1) * b for a, b in zip(w, w[1:])),), ["extra input"]),
        ((lambda w, t: 2 * t * sum(a * a for a in w[1:]),), ["squared each width", "widths [3, 5, 2], batch 4"]),
    ]),
    "2.3": ((torch_forward_flops,), [
        ((lambda w, t: torch_forward_flops(w, t, backward=True),), ["backward pass"]),
        ((lambda w, t: torch_forward_flops(w, t, batch_used=1),), ["one sample"]),
        ((lambda w, t: torch_forward_flops(w, t, drop_last_layer=True),), ["one layer short"]),
        ((lambda w, t: 0,), ["saw no product"]),
    ]),
    "2.4": (({"width": 2, "depth": 1, "batch": 1},), [
        (({"width": 3, "depth": 1, "batch": 1},), ["2 of 3 right", "width", "L = n layers and one sample",
                                                   "t = n samples"]),
        (({"width": 4, "depth": 1, "batch": 1},), ["2 of 3 right", "essay A", "L = n layers, t = n samples"]),
        (({"width": 4, "depth": 2, "batch": 0},), ["0 of 3 right", "depth", "batch"]),
        (({"width": 2},), ["no entry for depth, batch"]),
        (([2, 1, 1],), ["should be a dict"]),
    ]),
    "2.5": (({"width": _fit([128, 256, 512, 1024], [1e-9 * v ** 1.9 for v in [128, 256, 512, 1024]]),
              "depth": 1.05, "batch": 0.9},), [
        (({"width": 1.1, "depth": 1.0, "batch": 1.0},), ["width 1.10 is outside [1.4, 2.6]", "fixed cost per call",
                                                          "noisy"]),
        (({"width": 2, "depth": 3.0, "batch": 1},), ["depth 3.00"]),
        (({"width": 2, "depth": 1},), ["no entry for batch"]),
    ]),
    "3.1": ((backward_pass,), [
        ((lambda p, A, dZ: _backward(p, A, dZ, transpose_dW=True),), ["transposed", "(n_out, n_in)", "layer 2"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, mean_b=True),), ["mean vs sum", "db of layer 2"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, mean_W=True),), ["mean vs sum", "dW of layer 2"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, no_mask=True),), ["forgot ⊙ g′(z)", "layer 1"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, reverse=True),), ["reverse order"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, unsummed_b=True),), ["one row per sample", "axis 0"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, skip_first=True),), ["has 1 entries", "off by one"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, use_WT=True),), ["ValueError", "widths [3, 5, 2], batch 4",
                                                               "(W.T if use_WT else W)"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, use_WT=True, square_only=True),), ["widths [5, 5, 5]", "with W.T"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, mask_above=True, square_only=True),), ["mask of the layer above"]),
        ((lambda p, A, dZ: _backward(p, A, dZ, mask_output=True),), ["output layer is linear"]),
    ]),
    "3.2": ((central_difference,), [
        ((lambda f, x, h=1e-5: _differences(f, x, h, one_sided=True),), ["one-sided difference", "error"]),
        ((lambda f, x, h=1e-5: _differences(f, x, h, precedence=True),), ["operator precedence", "/ (2*h)"]),
        ((lambda f, x, h=1e-5: _differences(f, x, h, no_restore=True),), ["left x changed"]),
        ((lambda f, x, h=1e-5: _differences(f, x, h, all_at_once=True),), ["all entries of x at once"]),
        ((lambda f, x, h=1e-5: _differences(f, x, h, flatten=True),), ["flattened"]),
        ((lambda f, x, h=1e-5: _differences(f, x, h, only_h=True),), ["2h apart"]),
    ]),
    "3.3": ((_ratio,), [
        ((lambda w: 2,), ["layer 1", "no δ for x"]),
        ((lambda w: 1 + _ratio(w),), ["training step"]),
        ((lambda w: 1 / _ratio(w),), ["upside down"]),
        ((_skip_last,), ["last layer's δ"]),
    ]),
    "3.4": ((lambda w, N, e, t: e * ((N // t) * (3 * forward_flops(w, t) - 2 * t * w[0] * w[1])
                                     + (3 * forward_flops(w, N % t) - 2 * (N % t) * w[0] * w[1] if N % t else 0)),), [
        ((lambda w, N, e, t: e * (N // t) * training_step_flops(w, t),),
         ["dropped the last, partial batch of N mod t = 2", "dataset_size 10, epochs 2, batch 4"]),
        ((lambda w, N, e, t: e * math.ceil(N / t) * training_step_flops(w, t),), ["as a full batch of 4"]),
        ((lambda w, N, e, t: e * N * forward_flops(w, 1),), ["only the forward"]),
        ((lambda w, N, e, t: e * N * 3 * forward_flops(w, 1),), ["for the input x"]),
        ((lambda w, N, e, t: training_flops(w, N, 1, t),), ["one epoch"]),
    ]),
    "3.5": ((lambda w, N, e: 6 * parameter_count(w) * N * e,), [
        ((lambda w, N, e: 6 * parameter_count(w, bias=False) * N * e,), ["biases"]),
        ((lambda w, N, e: 2 * parameter_count(w) * N * e,), ["forward pass alone"]),
        ((lambda w, N, e: 6 * parameter_count(w) * N,), ["dataset_size × epochs"]),
    ]),
}
"""Wrong answers that use a book's function for a *different* quantity (3.4 with training_flops for one
epoch) are flagged as delegation first; their diagnoses are reached through DIAGNOSE_ONLY below."""

# Labs 4 onwards keep their tables in tests/submissions_labNN.py: SUBMISSIONS of the same shape, and
# DIAGNOSE_ONLY (a set, possibly empty). Files, not one dict, so labs written side by side do not collide.
DIAGNOSE_ONLY: set[str] = set()
for _path in sorted(Path(__file__).parent.glob("submissions_lab*.py")):
    _spec = importlib.util.spec_from_file_location(_path.stem, _path)
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    for _task_id in _module.SUBMISSIONS:
        if _task_id in SUBMISSIONS:
            raise RuntimeError(f"{_path.name}: task {_task_id} already has its submissions elsewhere")
    SUBMISSIONS.update(_module.SUBMISSIONS)
    DIAGNOSE_ONLY |= set(getattr(_module, "DIAGNOSE_ONLY", ()))

AUTO = [t for t in TASKS.values() if not t.manual]


def _needs_torch(task_id):
    if task_id == "2.3":
        pytest.importorskip("torch")


@pytest.mark.parametrize("task_id", [t.id for t in AUTO])
def test_every_check_passes_the_solution(task_id):
    _needs_torch(task_id)
    assert_pass(check_task(task_id, *SUBMISSIONS[task_id][0]))


@pytest.mark.parametrize("task_id", [t.id for t in AUTO])
def test_every_check_reports_the_stub(task_id):
    task = TASKS[task_id]
    if task.kind == "values":  # a stub at top level raises before any check runs; the grader says TODO
        with pytest.raises(NotImplementedError):
            stub(task_id)()
        return
    result = check_task(task_id, stub(task_id))
    assert result.status == "not implemented", str(result)
    assert result.score == 0 and f"not implemented yet: Task {task_id}" in str(result)


def test_every_check_has_two_or_more_wrong_answers():
    for task in AUTO:
        assert len(SUBMISSIONS[task.id][1]) >= 2, task.id


WRONG = [(tid, i) for tid, (_, wrongs) in SUBMISSIONS.items() for i in range(len(wrongs))]
DIAGNOSE_ONLY |= {"3.4", "3.5"}  # wrong answers built from the book's counts: judge them without the code reading


@pytest.mark.parametrize("task_id, index", WRONG, ids=[f"{t}-{i}" for t, i in WRONG])
def test_every_check_diagnoses_wrong_answers(task_id, index, monkeypatch):
    _needs_torch(task_id)
    objects, fragments = SUBMISSIONS[task_id][1][index]
    if task_id in DIAGNOSE_ONLY:
        monkeypatch.setattr(static_objects, "check_callable", lambda *a: [])
    assert_fail(check_task(task_id, *objects), *fragments)


def test_partial_credit():
    changed = check_task("2.1", lambda p, X: _forward(p, X, in_place=True))
    assert 0 < changed.score < changed.max_score
    assert check_task("2.4", {"width": 3, "depth": 1, "batch": 1}).score == pytest.approx(2)
    assert check_task("2.4", {"width": 4, "depth": 2, "batch": 0}).score == 0
    assert check_task("2.5", {"width": 1.1, "depth": 1.0, "batch": 1.0}).score == pytest.approx(2 / 3, abs=1e-3)
    # the answer is not given away in a wrong answer's message
    assert "Θ(t·L·n²)" not in str(check_task("2.4", {"width": 1, "depth": 1, "batch": 1}))


def test_other_right_answers_pass():
    assert_pass(check_task("2.4", {"width": 2.0, "depth": 1.0, "batch": 1.0}))
    assert_pass(check_task("3.3", lambda w: float(_ratio(w))))


def test_the_checks_own_backward_variant_is_the_library():
    """The mistake-free variant the check diagnoses with is the library's backward (so diagnoses are trustworthy)."""
    rng = np.random.default_rng(0)
    params, X = make_network([3, 5, 4, 2], 6, rng)
    cache = forward(params, X)
    dZ = rng.standard_normal((6, 2))
    gW, gb = backward_variant(params["W"], cache.A, dZ)
    ref = backward(params, cache, dZ_L=dZ)
    for a, b in zip(gW + gb, ref["W"] + ref["b"]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# =========================================================================== the book's own functions do not pass
@pytest.mark.parametrize("task_id, objects, seen", [
    ("1.1", (lambda A, B: A @ B,), "the @ operator"),
    ("1.1", (lambda A, B: np.dot(A, B),), "numpy.dot, a library matrix product"),
    ("1.1", (lambda A, B: A.dot(B),), ".dot, a library matrix product"),
    ("1.1", (lambda A, B: np.einsum("ik,kj->ij", A, B),), "numpy.einsum"),
    ("1.1", (lambda A, B: getattr(np, "mat" + "mul")(A, B),), "getattr with a computed name"),
    ("1.1", (np.matmul,), "is numpy.matmul"),
    ("1.2", (matmul_flops,), "the book's own reference"),
    ("1.2", (lambda m, k, n: matmul_flops(m, k, n),), "nncomplexity.cost.flops.matmul_flops"),
    ("2.1", (lambda p, X: forward(p, X).output,), "nncomplexity.kernels.mlp.forward"),
    ("2.2", (forward_flops,), "the book's own reference"),
    ("3.1", (lambda p, A, dZ: backward(p, forward(p, A[0]), dZ_L=dZ),), "nncomplexity.kernels.mlp.backward"),
    ("3.4", (lambda w, N, e, t: training_flops(w, N, e, t),), "nncomplexity.cost.training.training_flops"),
    ("3.5", (lambda w, N, e: flops_6nd(parameter_count(w), N * e),), "flops_6nd"),
])
def test_delegating_to_a_library_earns_nothing(task_id, objects, seen):
    result = check_task(task_id, *objects)
    assert_fail(result, f"Task {task_id} asks you to write this yourself", seen, "may use")
    assert result.score == 0


def test_allowed_helpers_are_allowed():
    assert_pass(check_task("3.5", lambda w, N, e: 6 * parameter_count(w) * N * e))  # the task names parameter_count
    assert_pass(check_task("3.4", SUBMISSIONS["3.4"][0][0]))  # forward_flops is allowed in 3.4


def test_an_always_equal_object_is_not_an_answer():
    class Yes:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    class Int(int):
        def __eq__(self, other):
            return True

    assert_fail(check_task("1.2", lambda m, k, n: Yes()), "a Yes object, not plain data")
    assert_fail(check_task("1.1", lambda A, B: [[Yes()]]), "holds a Yes object")
    assert_fail(check_task("1.2", lambda m, k, n: Int(7)), "is 7; expected 48")  # compared by its plain value


def test_task_1_2_accepts_numpy_integers():
    assert_pass(check_task("1.2", lambda m, k, n: np.int64(2) * m * k * n))
    assert_pass(check_task("1.2", lambda m, k, n: int(np.int32(2) * np.int32(m) * np.int32(k)) * n))


# =========================================================================== reading code: what a task may use
def examine(*cells, name="matmul_loops", task="1.1"):
    code = static_notebook.NotebookCode([(i, textwrap.dedent(c)) for i, c in enumerate(cells, start=1)])
    return code.examine(name, TASKS[task].helpers)


HEAD = "import numpy as np\n"


def test_reading_code_accepts_loops_and_collects_what_they_need():
    findings, needed = examine(HEAD + "import nncomplexity.grading\n", LOOPS, "print(matmul_loops(np.eye(2), 1))")
    assert findings == []
    assert [b.text() for b in needed] == ["import numpy as np", LOOPS.strip()]


@pytest.mark.parametrize("body, seen", [
    ("return A @ B", "the @ operator"),
    ("return np.dot(A, B)", "numpy.dot"),
    ("return np.einsum('ik,kj->ij', A, B)", "numpy.einsum"),
    ("return np.tensordot(A, B, 1)", "numpy.tensordot"),
    ("return np.linalg.multi_dot([A, B])", "numpy.linalg.multi_dot"),
    ("return A.dot(B)", ".dot, a library matrix product"),
    ("return getattr(np, 'mat' + 'mul')(A, B)", "getattr with a computed name"),
    ("return getattr(np, 'matmul')(A, B)", "numpy.matmul"),
    ("import operator\n    return operator.matmul(A, B)", "operator.matmul"),
    ("import operator\n    return operator.methodcaller('dot', B)(A)", "operator.methodcaller"),
    ("return np.ndarray.dot(A, B)", "numpy.ndarray.dot, a library matrix product"),
    ("from numpy import matmul as mm\n    return mm(A, B)", "numpy.matmul"),
    ("return eval('A @ B')", "eval"),
    ("exec('C = A @ B')\n    return C", "exec"),
    ("return __import__('numpy').matmul(A, B)", "__import__"),
    ("return np.__dict__['matmul'](A, B)", "special attribute __dict__"),
    ("return globals()['np'].matmul(A, B)", "globals"),
    ("import torch\n    return torch.mm(torch.tensor(A), torch.tensor(B)).numpy()", "torch"),
])
def test_reading_code_sees_a_library_product(body, seen):
    findings, _ = examine(HEAD, f"def matmul_loops(A, B):\n    {body}\n")
    assert any(seen in f for f in findings), findings
    assert "of code cell 2" in findings[0]


def test_reading_code_follows_helpers_aliases_and_rebinding():
    helper = examine(HEAD, "def dot(u, v):\n    return np.dot(u, v)\n",
                     "def matmul_loops(A, B):\n    return dot(A, B)\n")[0]
    assert any("numpy.dot" in f and "code cell 2" in f for f in helper)
    alias = examine(HEAD + "mm = np.matmul\n", "def matmul_loops(A, B):\n    return mm(A, B)\n")[0]
    assert any("numpy.matmul" in f for f in alias)
    rebound = examine(HEAD, LOOPS, "matmul_loops = np.matmul\n")[0]
    assert any("binds matmul_loops again after its def" in f and "code cell 3" in f for f in rebound)
    assigned = examine(HEAD, "matmul_loops = np.matmul\n")[0]
    assert any("must be a function you write with def" in f for f in assigned)
    star = examine("from numpy import *\n", "def matmul_loops(A, B):\n    return matmul(A, B)\n")[0]
    assert any("numpy.matmul" in f for f in star)
    loop_var = examine(HEAD + "for f in [np.matmul]:\n    pass\n", "def matmul_loops(A, B):\n    return f(A, B)\n")[0]
    assert any("set by the for loop" in f for f in loop_var)
    magic = examine(HEAD, "def matmul_loops(A, B):\n    return get_ipython().ev('A @ B')\n")[0]
    assert any("get_ipython" in f for f in magic)
    decorated = examine(HEAD, "@lambda f: np.matmul\ndef matmul_loops(A, B):\n    pass\n")[0]
    assert any("numpy.matmul" in f for f in decorated)


def test_reading_code_sees_the_books_own_count():
    findings, _ = examine("from nncomplexity.cost.flops import matmul_flops",
                          "def matmul_flop_count(m, k, n):\n    return matmul_flops(m, k, n)\n",
                          name="matmul_flop_count", task="1.2")
    assert any("nncomplexity.cost.flops.matmul_flops, the book's own reference" in f for f in findings)
    findings, _ = examine("import nncomplexity as nnc",
                          "def forward_flop_count(w, t):\n    return nnc.forward_flops(w, t)\n",
                          name="forward_flop_count", task="2.2")
    assert any("nncomplexity.forward_flops" in f for f in findings)
    ok, needed = examine("import torch\nfrom torch.utils.flop_counter import FlopCounterMode\n"
                         "from nncomplexity.kernels.mlp_torch import mlp_torch\n",
                         "def torch_forward_flops(w, t):\n    with FlopCounterMode(display=False) as c:\n"
                         "        mlp_torch(w)(torch.randn(t, w[0]))\n    return c.get_total_flops()\n",
                         name="torch_forward_flops", task="2.3")
    assert ok == [] and len(needed) == 4


def test_reading_code_a_name_never_defined():
    assert examine(HEAD) == ([], [])


def test_a_statement_sharing_its_line_is_run_alone():
    _, needed = examine("import numpy as np; x = 1\n", LOOPS)
    assert needed[0].text() == "import numpy as np"


# =========================================================================== plain data, strictly
def test_wire_round_trip_and_strictness():
    value = {"W": [np.arange(6.0).reshape(2, 3), np.float32(1.5)], "n": (1, 2), "f": Fraction(1, 3), "s": "x"}
    back = wire.decode(json.loads(json.dumps(runtime.encode(value))))
    assert back["W"][0].shape == (2, 3) and back["W"][1] == 1.5 and back["n"] == (1, 2) and back["f"] == Fraction(1, 3)
    assert isinstance(wire.decode(runtime.encode(object())), wire.Opaque)
    for bad in [{"t": "nd", "dtype": "object", "shape": [1], "data": [1]},
                {"t": "nd", "dtype": "float64", "shape": [2], "data": [1.0]},
                {"t": "nd", "dtype": "float64", "shape": [1], "data": ["__import__('os')"]},
                {"t": "func", "src": "lambda: 1"}, {"t": "eval"}, {"x": 1}]:
        with pytest.raises(wire.WireError):
            wire.decode(bad)
    with pytest.raises(wire.WireError):
        wire.parse_json("not json")
    big = runtime.encode(np.zeros(runtime.MAX_ITEMS + 1))
    assert big["t"] == "obj"


def test_wire_inputs_carry_functions_as_source():
    f = wire.Func("lambda x: 2 * x")
    assert f(3) == 6
    sent = wire.encode_inputs([f, np.ones(2)])
    got = runtime.decode_inputs(json.loads(json.dumps(sent)))
    assert got[0](4) == 8 and got[1].tolist() == [1.0, 1.0]


# =========================================================================== time limits and messages
def test_exceptions_name_the_input_and_the_line():
    def broken(m, k, n):
        return 2 * m * k * n / (m - 2)  # ZeroDivisionError at m = 2

    result = check_task("1.2", broken)
    assert result.status == "fail"
    assert "ZeroDivisionError" in result.message and "for m=2, k=3, n=4" in result.message
    assert "2 * m * k * n / (m - 2)" in result.message


def test_a_hanging_function_is_stopped(monkeypatch):
    import dataclasses

    import nncomplexity.grading.labs as labs

    def hangs(m, k, n):
        while True:
            pass

    assert TASKS["1.2"].call_limit_s == 10  # the default limit
    monkeypatch.setitem(labs.TASKS, "1.2", dataclasses.replace(TASKS["1.2"], call_limit_s=1.0))
    start = time.monotonic()
    result = check_task("1.2", hangs)
    assert time.monotonic() - start < 3
    assert_fail(result, "did not finish within 1 s for m=2, k=3, n=4")


def test_a_check_stops_when_its_own_limit_is_spent(monkeypatch):
    import dataclasses

    import nncomplexity.grading.labs as labs

    def slow(m, k, n):
        sum(range(10 ** 7))  # a few tenths of a second (a task's function may not use the time module)
        return 2 * m * k * n

    monkeypatch.setitem(labs.TASKS, "1.2", dataclasses.replace(TASKS["1.2"], time_limit_s=1.0))
    start = time.monotonic()
    result = check_task("1.2", slow)
    assert time.monotonic() - start < 3
    assert result.status == "fail" and ("ran out of time" in result.message or "did not finish" in result.message)


def test_time_limit_holds_outside_the_main_thread():
    import threading

    box = {}

    def target():
        box["out"] = list(runtime.call_cases(lambda: time.sleep(5), [()], call_limit=0.2, task_limit=5))

    th = threading.Thread(target=target)
    start = time.monotonic()
    th.start()
    th.join(4)
    assert time.monotonic() - start < 3
    assert box["out"] == [{"timeout": 0.2}]


def test_swallowing_exceptions_does_not_defeat_the_time_limit(monkeypatch):
    import dataclasses

    import nncomplexity.grading.labs as labs

    def stubborn(m, k, n):
        while True:
            try:
                sum(range(10 ** 4))
            except Exception:
                pass

    monkeypatch.setitem(labs.TASKS, "1.2", dataclasses.replace(TASKS["1.2"], call_limit_s=0.5))
    assert_fail(check_task("1.2", stubborn), "did not finish within 0.5 s")


def test_passing_a_value_instead_of_a_function():
    assert_fail(check_task("1.2", 48), "pass the function itself")


def test_wrong_number_of_arguments_to_the_check():
    result = check_task("1.3", [1, 2, 3])
    assert result.status == "error" and 'check_task("1.3", naive_sizes, naive_times)' in result.message


def test_unknown_task():
    with pytest.raises(ValueError, match="unknown task '9.9'"):
        check_task("9.9", print)


def test_a_buggy_check_reports_instead_of_crashing(monkeypatch):
    import dataclasses

    import nncomplexity.grading.labs as labs

    def broken_reference(m, k, n):
        raise RuntimeError("bug in the check")

    monkeypatch.setitem(labs.TASKS, "1.2", dataclasses.replace(TASKS["1.2"], reference=broken_reference))
    result = check_task("1.2", lambda m, k, n: 2 * m * k * n)
    assert result.status == "error" and "tell your instructor" in result.message


def test_free_text_task_is_manual():
    result = check_task("1.5")
    assert result.status == "manual" and result.max_score == 0
    assert "not auto-graded" in str(result)


# =========================================================================== registry, reports, export
def test_labs_are_discovered_and_their_tables_are_complete():
    # one lab per chapter, each with its notebook (tests/test_labs.py checks the notebooks against LABS)
    assert sorted(LABS) == [f"lab{n:02d}" for n in range(1, len(LABS) + 1)]
    for lab in LABS:
        tasks = lab_tasks(lab)
        assert len(tasks) >= 4
        n = int(lab[3:])
        assert [t.id for t in tasks] == [f"{n}.{i}" for i in range(1, len(tasks) + 1)]
        for t in tasks:
            assert t.tests and t.title and (t.manual or t.names)
            if t.kind == "function":
                assert t.cases and t.reference and t.helpers and (t.answer or t.judge) and t.passed
            if t.kind == "values":
                assert t.judge


def test_grade_namespace_and_report():
    ns = {"matmul_loops": matmul_loops, "matmul_flop_count": lambda m, k, n: m * k * n, "gflops": stub("1.4", "rate")}
    report = grade_namespace("lab01", ns)
    status = {r.task: r.status for r in report.results}
    assert status == {"1.1": "pass", "1.2": "fail", "1.3": "missing", "1.4": "not implemented", "1.5": "manual"}
    assert report.score == 3 and report.max_score == 8
    text = report.summary()
    assert "Lab 1: Matrix multiplication" in text and "Score: 3/8" in text and "graded by hand: Task 1.5" in text
    assert "naive_sizes, naive_times is not defined" in text
    again = Report.from_dict(json.loads(report.to_json()))
    assert again.results == report.results and again.title == report.title


def test_gradescope_export(tmp_path):
    report = grade_namespace("lab01", {"matmul_loops": matmul_loops, "matmul_flop_count": lambda m, k, n: m * k * n})
    report.cell_errors = ["cell [5]: NotImplementedError: Task 1.3: time it"]
    data = to_gradescope(report)
    assert data["score"] == 3
    assert set(data) >= {"score", "tests"}
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output"}
        assert 0 <= test["score"] <= test["max_score"]
    assert data["tests"][0]["name"] == "Task 1.1: implement the triple loop"
    assert data["tests"][1]["status"] == "failed" and "multiply-adds" in data["tests"][1]["output"]
    assert data["tests"][-1]["max_score"] == 0 and "status" not in data["tests"][-1]
    assert "cell [5]" in data["output"]
    path = write_gradescope(report, tmp_path / "results" / "results.json")
    assert json.loads(path.read_text()) == data
    with pytest.raises(TypeError):
        to_gradescope({"score": 1})


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, nncomplexity.grading; "
            "print(sorted(m for m in ('torch', 'nbclient', 'jupyter_client', 'IPython') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
