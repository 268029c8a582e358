"""The labs' checks are not vacuous.

For every task: the check passes on a correct answer (the reference), reports
"not implemented" on the student stub, and fails on at least two plausible
wrong answers, each with the diagnosis a student needs in the message. Also:
exceptions are reported with the input that caused them, a check never hangs,
the results model and the Gradescope exporter, and the registry.
"""
from __future__ import annotations

import json
import math
import time
from fractions import Fraction

import numpy as np
import pytest

from nncomplexity.cost.flops import forward_flops
from nncomplexity.cost.memory import parameter_count
from nncomplexity.cost.training import flops_6nd, training_flops
from nncomplexity.grading import (
    LABS, TASKS, CheckResult, Report, check_task, grade_namespace, lab1, lab2, lab3, lab_tasks, to_gradescope,
    write_gradescope,
)
from nncomplexity.grading.core import call, CheckFailed, task as register_task
from nncomplexity.kernels.mlp import backward, forward


def stub(task_id: str, what: str):
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


def assert_stub(check, task_id: str):
    result = check(stub(task_id, "something"))
    assert result.status == "not implemented", str(result)
    assert result.score == 0
    assert f"not implemented yet: Task {task_id}" in str(result)


# =========================================================================== Lab 1
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


class TestLab1:
    def test_matmul_passes_on_reference_and_library(self):
        from nncomplexity.kernels.matmul import matmul_naive

        assert_pass(lab1.check_matmul(matmul_loops))
        assert_pass(check_task("1.1", matmul_naive))

    def test_matmul_stub(self):
        assert_stub(lab1.check_matmul, "1.1")

    @pytest.mark.parametrize("kwargs, fragments", [
        (dict(skip_last=True), ["leaves out the last term", "range(k - 1)", "A of shape (2, 3)"]),
        (dict(transpose_out=True), ["shape (4, 2)", "transposed"]),
        (dict(keep_running=True), ["running total", "set the sum to 0"]),
        (dict(as_list=True), ["shape (0,)", "expected (0, 2)", "np.zeros((m, n))"]),
    ])
    def test_matmul_wrong_answers(self, kwargs, fragments):
        assert_fail(lab1.check_matmul(lambda A, B: _loops(A, B, **kwargs)), *fragments)

    def test_matmul_swapped_index_is_diagnosed_on_a_shape_that_allows_it(self):
        # B[j, p] raises IndexError on (2, 3) @ (3, 4): reported with the input, then on square shapes
        result = lab1.check_matmul(lambda A, B: _loops(A, B, swap_b=True))
        assert_fail(result, "IndexError", "for A of shape (2, 3) and B of shape (3, 4)", "B[j, p]")

    def test_matmul_calling_blas_gets_half_credit(self):
        result = lab1.check_matmul(lambda A, B: A @ B)
        assert_fail(result, "correct values", "three explicit loops")
        assert result.score == pytest.approx(1.5)
        assert_fail(lab1.check_matmul(lambda A, B: np.dot(A, B)), "np.dot")

    def test_flop_count(self):
        assert_pass(lab1.check_flop_count(lambda m, k, n: 2 * m * k * n))
        assert_stub(lab1.check_flop_count, "1.2")
        assert_fail(lab1.check_flop_count(lambda m, k, n: m * k * n),
                    "for m=2, k=3, n=4 is 24; expected 48", "multiply-adds instead of FLOPs")
        assert_fail(lab1.check_flop_count(lambda m, k, n: m * n * (2 * k - 1)), "k − 1 additions")
        assert_fail(lab1.check_flop_count(lambda m, k, n: 2 * n ** 3), "square")
        assert_fail(lab1.check_flop_count(lambda m, k, n: 2 * m * k * n / 7), "whole number")

    def test_flop_count_edge_cases_are_checked(self):
        # right everywhere except m = 0 (an empty product): caught by the edge case, not by random shapes
        assert_fail(lab1.check_flop_count(lambda m, k, n: 2 * max(m, 1) * k * n), "m=0")

    def test_exponent_accepts_a_cubic_with_noise_and_explains(self):
        rng = np.random.default_rng(0)
        sizes = [16, 24, 32, 48, 64]
        times = [1e-7 * n ** 3 * rng.uniform(0.8, 1.25) for n in sizes]
        result = lab1.check_exponent(sizes, times)
        assert_pass(result)
        assert "noisy" in result.message and "[2.3, 3.7]" in result.message

    def test_exponent_wrong_answers(self):
        sizes = [16, 24, 32, 48, 64]
        assert_fail(lab1.check_exponent(sizes, [1e-6 * n ** 1.5 for n in sizes]), "below 2.3", "larger sizes")
        flops = [2 * n ** 3 for n in sizes]
        assert_fail(lab1.check_exponent(flops, [1e-8 * n ** 3 for n in sizes]), "FLOP counts")
        assert_fail(lab1.check_exponent(sizes, [1e-9 * n ** 5 for n in sizes]), "above 3.7", "noise")
        assert_fail(lab1.check_exponent(sizes, []), "empty")
        assert_fail(lab1.check_exponent(sizes, [1.0, 2.0]), "5 entries but naive_times has 2")
        assert_fail(lab1.check_exponent([16, 17, 18, 19], [1, 2, 3, 4]), "factor 3")
        assert_fail(lab1.check_exponent(sizes, [0.0] * 5), "positive")

    def test_gflops(self):
        from nncomplexity.kernels.matmul import matmul_flops

        assert_pass(lab1.check_gflops(lambda m, k, n, s: matmul_flops(m, k, n) / s / 1e9))
        assert_stub(lab1.check_gflops, "1.4")
        assert_fail(lab1.check_gflops(lambda m, k, n, s: m * k * n / s / 1e9), "multiply-adds")
        assert_fail(lab1.check_gflops(lambda m, k, n, s: 2 * m * k * n / s), "divide by 10⁹")
        assert_fail(lab1.check_gflops(lambda m, k, n, s: s / (2 * m * k * n) * 1e9), "upside down")
        assert_fail(lab1.check_gflops(lambda m, k, n, s: 2 * m * k * n / s / 2 ** 30), "2³⁰")

    def test_free_text_task_is_manual(self):
        result = check_task("1.5")
        assert result.status == "manual" and result.max_score == 0
        assert "not auto-graded" in str(result)


# =========================================================================== Lab 2
def forward_pass(params, X):
    A = X
    L = len(params["W"])
    for i, (W, b) in enumerate(zip(params["W"], params["b"])):
        Z = A @ W.T + b
        A = np.maximum(Z, 0) if i < L - 1 else Z
    return A


def _forward(params, X, *, bias=True, relu_out=False, relu=True, transpose=True, one_sample=False,
             out_T=False, stop_early=False):
    A = X[:1] if one_sample else X
    L = len(params["W"])
    for i, (W, b) in enumerate(zip(params["W"], params["b"])):
        if stop_early and i == L - 1:
            break
        Z = A @ (W.T if transpose else W) + (b if bias else 0)
        A = np.maximum(Z, 0) if (relu and (i < L - 1 or relu_out)) else Z
    return A.T if out_T else A


class TestLab2:
    def test_forward_passes(self):
        assert_pass(lab2.check_forward(forward_pass))
        assert_pass(lab2.check_forward(lambda p, X: forward(p, X).output))

    def test_forward_stub(self):
        assert_stub(lab2.check_forward, "2.1")

    @pytest.mark.parametrize("kwargs, fragments", [
        (dict(bias=False), ["forget to add b", "widths [3, 5, 2], batch 4"]),
        (dict(relu_out=True), ["ReLU after the last layer"]),
        (dict(relu=False), ["no ReLU between layers"]),
        (dict(one_sample=True), ["only the first sample", "forget the", "batch"]),
        (dict(out_T=True), ["shape (2, 4)", "transposed", "Batch first"]),
        (dict(stop_early=True), ["one layer early", "len(params['W'])"]),
    ])
    def test_forward_wrong_answers(self, kwargs, fragments):
        assert_fail(lab2.check_forward(lambda p, X: _forward(p, X, **kwargs)), *fragments)

    def test_forward_untransposed_weights(self):
        # X @ W fails with a shape error on the first network: reported with the input and the line
        result = lab2.check_forward(lambda p, X: _forward(p, X, transpose=False))
        assert_fail(result, "ValueError", "widths [3, 5, 2], batch 4", "A @ (W.T if transpose else W)",
                    "A shape mismatch", "A @ W.T + b")

    def test_forward_that_modifies_its_input(self):
        def in_place(params, X):
            out = forward_pass(params, X)
            X *= 0
            return out
        result = lab2.check_forward(in_place)
        assert_fail(result, "changed its input")
        assert 0 < result.score < result.max_score

    def test_flop_count(self):
        assert_pass(lab2.check_flop_count(forward_flops))
        assert_stub(lab2.check_flop_count, "2.2")

    @pytest.mark.parametrize("fn, fragments", [
        (lambda w, t: t * sum(a * b for a, b in zip(w, w[1:])), ["is 100; expected 200", "multiply-adds"]),
        (lambda w, t: 2 * sum(a * b for a, b in zip(w, w[1:])), ["forget the batch"]),
        (lambda w, t: forward_flops(w, t) + t * sum(w[1:]), ["bias adds"]),
        (lambda w, t: 2 * t * sum(a * b for a, b in zip(w[:-1], w[1:-1])), ["off by one", "last layer"]),
        (lambda w, t: 2 * t * sum((a + 1) * b for a, b in zip(w, w[1:])), ["extra input"]),
        (lambda w, t: 2 * t * sum(a * a for a in w[1:]), ["squared each width"]),
    ])
    def test_flop_count_wrong_answers(self, fn, fragments):
        assert_fail(lab2.check_flop_count(fn), "widths [3, 5, 2], batch 4", *fragments)

    def test_torch_count(self):
        torch = pytest.importorskip("torch")
        from torch.utils.flop_counter import FlopCounterMode

        from nncomplexity.cost.counting import mlp_torch

        def torch_forward_flops(widths, batch, backward=False, batch_used=None, drop_last_layer=False):
            model = mlp_torch(widths[:-1] if drop_last_layer else widths)
            x = torch.randn(batch_used or batch, widths[0])
            with FlopCounterMode(display=False) as counter:
                out = model(x)
                if backward:
                    out.sum().backward()
            return counter.get_total_flops()

        assert_pass(lab2.check_torch_count(torch_forward_flops))
        assert_stub(lab2.check_torch_count, "2.3")
        assert_fail(lab2.check_torch_count(lambda w, t: torch_forward_flops(w, t, backward=True)), "backward pass")
        assert_fail(lab2.check_torch_count(lambda w, t: torch_forward_flops(w, t, batch_used=1)), "one sample")
        assert_fail(lab2.check_torch_count(lambda w, t: torch_forward_flops(w, t, drop_last_layer=True)),
                    "one layer short")
        assert_fail(lab2.check_torch_count(lambda w, t: 0), "saw no product")

    def test_predicted_exponents(self):
        assert_pass(lab2.check_predicted_exponents({"width": 2, "depth": 1, "batch": 1}))
        assert_pass(lab2.check_predicted_exponents({"width": 2.0, "depth": 1.0, "batch": 1.0}))
        result = lab2.check_predicted_exponents({"width": 3, "depth": 1, "batch": 1})
        assert_fail(result, "2 of 3 right", "width", "essay A")
        assert result.score == pytest.approx(2)
        result = lab2.check_predicted_exponents({"width": 4, "depth": 2, "batch": 0})
        assert_fail(result, "0 of 3 right", "depth", "batch")
        assert result.score == 0
        assert_fail(lab2.check_predicted_exponents({"width": 2}), "no entry for depth, batch")
        assert_fail(lab2.check_predicted_exponents([2, 1, 1]), "should be a dict")
        # the answer is not given away in a wrong answer's message
        assert "Θ(t·L·n²)" not in str(lab2.check_predicted_exponents({"width": 1, "depth": 1, "batch": 1}))
        with pytest.raises(NotImplementedError):
            stub("2.4", "predict")()  # a stub at top level raises before the check runs

    def test_measured_exponents(self):
        from nncomplexity.measure.fit import fit_power_law

        x = [128, 256, 512, 1024]
        fit = fit_power_law(x, [1e-9 * v ** 1.9 for v in x])
        assert_pass(lab2.check_measured_exponents({"width": fit, "depth": 1.05, "batch": 0.9}))
        result = lab2.check_measured_exponents({"width": 1.1, "depth": 1.0, "batch": 1.0})
        assert_fail(result, "width 1.10 is outside [1.4, 2.6]", "fixed cost per call", "noisy")
        assert result.score == pytest.approx(2 / 3, abs=1e-3)
        assert_fail(lab2.check_measured_exponents({"width": 2, "depth": 3.0, "batch": 1}), "depth 3.00")
        assert_fail(lab2.check_measured_exponents({"width": 2, "depth": 1}), "no entry for batch")


# =========================================================================== Lab 3
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
              unsummed_b=False, skip_first=False):
    L = len(params["W"])
    t = dZ.shape[0]
    gW, gb = [], []
    for i in reversed(range(L)):
        if skip_first and i == 0:
            break
        dW = dZ.T @ A[i]
        gW.append((dW.T if transpose_dW else dW) / (t if mean_W else 1))
        gb.append(dZ if unsummed_b else dZ.mean(axis=0) if mean_b else dZ.sum(axis=0))
        if i > 0:
            dZ = dZ @ params["W"][i]
            if not no_mask:
                dZ = dZ * (A[i] > 0)
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


class TestLab3:
    def test_backward_passes(self):
        assert_pass(lab3.check_backward(backward_pass))

    def test_backward_reference_variant_is_the_library(self):
        """The check's own mistake-free variant equals the library's backward (so diagnoses are trustworthy)."""
        rng = np.random.default_rng(0)
        params, X = lab2.make_network([3, 5, 4, 2], 6, rng)
        cache = forward(params, X)
        dZ = rng.standard_normal((6, 2))
        gW, gb = lab3._backward_variant(params["W"], cache.A, dZ)
        ref = backward(params, cache, dZ_L=dZ)
        for a, b in zip(gW + gb, ref["W"] + ref["b"]):
            np.testing.assert_allclose(a, b, rtol=1e-12)

    def test_backward_stub(self):
        assert_stub(lab3.check_backward, "3.1")

    @pytest.mark.parametrize("kwargs, fragments", [
        (dict(transpose_dW=True), ["transposed", "(n_out, n_in)", "layer 2"]),
        (dict(mean_b=True), ["mean vs sum", "db of layer 2"]),
        (dict(mean_W=True), ["mean vs sum", "dW of layer 2"]),
        (dict(no_mask=True), ["forgot ⊙ g′(z)", "layer 1"]),
        (dict(reverse=True), ["reverse order"]),
        (dict(unsummed_b=True), ["one row per sample", "axis 0"]),
        (dict(skip_first=True), ["has 1 entries", "off by one"]),
    ])
    def test_backward_wrong_answers(self, kwargs, fragments):
        assert_fail(lab3.check_backward(lambda p, A, dZ: _backward(p, A, dZ, **kwargs)), *fragments)

    def test_backward_wrong_mask_and_weights_on_square_network(self):
        def wrong(params, A, dZ, *, mask_above=False, use_WT=False, mask_output=False):
            L = len(params["W"])
            gW, gb = [None] * L, [None] * L
            if mask_output:
                dZ = dZ * (A[L] > 0)
            for i in reversed(range(L)):
                gW[i] = dZ.T @ A[i]
                gb[i] = dZ.sum(axis=0)
                if i > 0:
                    W = params["W"][i]
                    dZ = (dZ @ (W.T if use_WT else W)) * (A[i + 1 if mask_above else i] > 0)
            return {"W": gW, "b": gb}

        # shape errors on the first network are reported with the input and the line ...
        assert_fail(lab3.check_backward(lambda p, A, dZ: wrong(p, A, dZ, use_WT=True)), "ValueError",
                    "widths [3, 5, 2], batch 4", "(W.T if use_WT else W)")
        # ... and a network whose shapes allow the mistake gets the diagnosis
        square = lambda f: lambda p, A, dZ: f(p, A, dZ) if len(set(a.shape[1] for a in A)) == 1 else backward_pass(p, A, dZ)
        assert_fail(lab3.check_backward(square(lambda p, A, dZ: wrong(p, A, dZ, use_WT=True))),
                    "widths [5, 5, 5]", "with W.T")
        assert_fail(lab3.check_backward(square(lambda p, A, dZ: wrong(p, A, dZ, mask_above=True))),
                    "mask of the layer above")
        assert_fail(lab3.check_backward(lambda p, A, dZ: wrong(p, A, dZ, mask_output=True)),
                    "output layer is linear")

    def test_central_difference(self):
        assert_pass(lab3.check_central_difference(central_difference))
        assert_stub(lab3.check_central_difference, "3.2")

    @pytest.mark.parametrize("kwargs, fragments", [
        (dict(one_sided=True), ["one-sided difference", "error"]),
        (dict(precedence=True), ["operator precedence", "/ (2*h)"]),
        (dict(no_restore=True), ["left x changed"]),
        (dict(all_at_once=True), ["all entries of x at once"]),
        (dict(flatten=True), ["flattened"]),
        (dict(only_h=True), ["2h apart"]),
    ])
    def test_central_difference_wrong_answers(self, kwargs, fragments):
        assert_fail(lab3.check_central_difference(lambda f, x, h=1e-5: _differences(f, x, h, **kwargs)), *fragments)

    def test_ratio(self):
        from nncomplexity.cost.flops import forward_backward_ratio

        def ratio(widths):
            macs = [a * b for a, b in zip(widths, widths[1:])]
            return Fraction(2 * sum(macs) - macs[0], sum(macs))

        assert_pass(lab3.check_ratio(ratio))
        assert_pass(lab3.check_ratio(lambda w: float(forward_backward_ratio(w, 7))))
        assert_stub(lab3.check_ratio, "3.3")
        assert_fail(lab3.check_ratio(lambda w: 2), "layer 1", "no δ for x")
        assert_fail(lab3.check_ratio(lambda w: 1 + ratio(w)), "training step")
        assert_fail(lab3.check_ratio(lambda w: 1 / ratio(w)), "upside down")

        def skip_last(widths):
            macs = [a * b for a, b in zip(widths, widths[1:])]
            return 2 - macs[-1] / sum(macs)
        assert_fail(lab3.check_ratio(skip_last), "last layer's δ")

    def test_training_flops(self):
        assert_pass(lab3.check_training_flops(lambda w, N, e, t: training_flops(w, N, e, t)))
        assert_stub(lab3.check_training_flops, "3.4")
        from nncomplexity.cost.flops import training_step_flops as step
        assert_fail(lab3.check_training_flops(lambda w, N, e, t: e * (N // t) * step(w, t)),
                    "dropped the last, partial batch of N mod t = 2", "dataset_size 10, epochs 2, batch 4")
        assert_fail(lab3.check_training_flops(lambda w, N, e, t: e * math.ceil(N / t) * step(w, t)),
                    "as a full batch of 4")
        assert_fail(lab3.check_training_flops(lambda w, N, e, t: e * N * forward_flops(w, 1)), "only the forward")
        assert_fail(lab3.check_training_flops(lambda w, N, e, t: e * N * 3 * forward_flops(w, 1)), "for the input x")
        assert_fail(lab3.check_training_flops(lambda w, N, e, t: training_flops(w, N, 1, t)), "one epoch")

    def test_6nd(self):
        assert_pass(lab3.check_6nd(lambda w, N, e: flops_6nd(parameter_count(w), N * e)))
        assert_stub(lab3.check_6nd, "3.5")
        assert_fail(lab3.check_6nd(lambda w, N, e: 6 * parameter_count(w, bias=False) * N * e), "biases")
        assert_fail(lab3.check_6nd(lambda w, N, e: 2 * parameter_count(w) * N * e), "forward pass alone")
        assert_fail(lab3.check_6nd(lambda w, N, e: 6 * parameter_count(w) * N), "dataset_size × epochs")


# =========================================================================== machinery
class TestMachinery:
    def test_exceptions_name_the_input_and_the_line(self):
        def broken(m, k, n):
            return 2 * m * k * n / (m - 2)  # ZeroDivisionError at m = 2

        result = lab1.check_flop_count(broken)
        assert result.status == "fail"
        assert "ZeroDivisionError" in result.message and "for m=2, k=3, n=4" in result.message
        assert "2 * m * k * n / (m - 2)" in result.message

    def test_a_hanging_function_is_stopped(self):
        def hangs(m, k, n):
            while True:
                pass

        start = time.monotonic()
        result = check_task("1.2", hangs)  # the default limit: 10 s
        assert time.monotonic() - start < 15
        assert_fail(result, "did not finish within 10 s for m=2, k=3, n=4")

    def test_a_check_stops_when_its_own_limit_is_spent(self, monkeypatch):
        import nncomplexity.grading.core as core

        def slow(m, k, n):
            time.sleep(0.3)
            return 2 * m * k * n

        spec = core.TASKS["1.2"]
        monkeypatch.setitem(core.TASKS, "1.2", core.Task(**{**spec.__dict__, "time_limit_s": 1.0}))
        start = time.monotonic()
        result = check_task("1.2", slow)
        assert time.monotonic() - start < 3
        assert result.status == "fail" and ("ran out of time" in result.message or "did not finish" in result.message)

    def test_time_limit_holds_outside_the_main_thread(self):
        import threading

        box = {}

        def run():
            box["r"] = call(lambda: time.sleep(5), on="for nothing", limit_s=0.2)

        def target():
            try:
                run()
            except CheckFailed as err:
                box["err"] = err.message
        th = threading.Thread(target=target)
        start = time.monotonic()
        th.start()
        th.join(4)
        assert time.monotonic() - start < 3
        assert "did not finish within 0.2 s for nothing" in box["err"]

    def test_swallowing_exceptions_does_not_defeat_the_time_limit(self, monkeypatch):
        import nncomplexity.grading.core as core

        monkeypatch.setattr(core, "DEFAULT_CALL_LIMIT_S", 0.5)

        def stubborn(m, k, n):
            while True:
                try:
                    time.sleep(0.01)
                except Exception:
                    pass

        assert_fail(check_task("1.2", stubborn), "did not finish within")

    def test_passing_a_value_instead_of_a_function(self):
        assert_fail(check_task("1.2", 48), "pass the function itself")

    def test_wrong_number_of_arguments_to_the_check(self):
        result = check_task("1.3", [1, 2, 3])
        assert result.status == "error" and 'check_task("1.3", naive_sizes, naive_times)' in result.message

    def test_unknown_task(self):
        with pytest.raises(ValueError, match="unknown task '9.9'"):
            check_task("9.9", print)

    def test_a_buggy_check_reports_instead_of_crashing(self):
        @register_task("9.1", "a broken check", points=1, names=("x",), tests="nothing")
        def broken(x):
            raise RuntimeError("bug in the check")

        try:
            result = broken(1)
            assert result.status == "error" and "tell your instructor" in result.message
        finally:
            TASKS.pop("9.1")

    def test_registry_covers_every_lab(self):
        assert sorted(LABS) == ["lab01", "lab02", "lab03"]
        for lab in LABS:
            tasks = lab_tasks(lab)
            assert len(tasks) >= 4
            n = int(lab[3:])
            assert [t.id for t in tasks] == [f"{n}.{i}" for i in range(1, len(tasks) + 1)]
            for t in tasks:
                assert t.tests and t.title and (t.manual or t.names)

    def test_grade_namespace_and_report(self):
        ns = {"matmul_loops": matmul_loops, "matmul_flop_count": lambda m, k, n: m * k * n,
              "gflops": stub("1.4", "rate")}
        report = grade_namespace("lab01", ns)
        status = {r.task: r.status for r in report.results}
        assert status == {"1.1": "pass", "1.2": "fail", "1.3": "missing", "1.4": "not implemented", "1.5": "manual"}
        assert report.score == 3 and report.max_score == 8
        text = report.summary()
        assert "Lab 1: Matrix multiplication" in text and "Score: 3/8" in text and "graded by hand: Task 1.5" in text
        assert "naive_sizes, naive_times is not defined" in text
        again = Report.from_dict(json.loads(report.to_json()))
        assert again.results == report.results

    def test_gradescope_export(self, tmp_path):
        report = grade_namespace("lab01", {"matmul_loops": matmul_loops,
                                           "matmul_flop_count": lambda m, k, n: m * k * n})
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

    def test_import_is_light(self):
        import subprocess
        import sys

        code = ("import sys, nncomplexity.grading; "
                "print(sorted(m for m in ('torch', 'nbclient') if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "[]"
