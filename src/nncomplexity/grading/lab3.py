"""Checks for Lab 3, backpropagation.

=====  ==============================================  ===================================
Task   student object                                  check
=====  ==============================================  ===================================
3.1    ``backward_pass(params, A, dZ)``                :func:`check_backward`
3.2    ``central_difference(f, x, h)``                 :func:`check_central_difference`
3.3    ``backward_forward_ratio(widths)``              :func:`check_ratio`
3.4    ``training_run_flops(widths, N, epochs, t)``    :func:`check_training_flops`
3.5    ``estimate_6nd(widths, N, epochs)``             :func:`check_6nd`
3.6    free-text answer                                graded by hand
=====  ==============================================  ===================================

References: :func:`~nncomplexity.kernels.mlp.backward`,
:func:`~nncomplexity.cost.flops.forward_backward_ratio`,
:func:`~nncomplexity.cost.training.training_flops`,
:func:`~nncomplexity.cost.training.flops_6nd` with
:func:`~nncomplexity.cost.memory.parameter_count`; central differences are
checked against exact derivatives of known functions.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from ..cost.flops import forward_backward_ratio, forward_flops, training_step_flops
from ..cost.memory import parameter_count
from ..cost.training import flops_6nd, training_flops
from ..kernels.mlp import backward, forward
from ._util import as_count, as_float_array, as_real, close, fmt_int, rel_close, shape_str, worst_entry
from .core import CheckFailed, call, manual_task, require_callable, task
from .lab2 import make_network

__all__ = ["check_6nd", "check_backward", "check_central_difference", "check_ratio", "check_training_flops"]

_NETWORKS = [([3, 5, 2], 4), ([5, 5, 5], 5), ([2, 6, 6, 6, 3], 5), ([4, 3], 1), ([1, 1, 1], 3)]


# =========================================================================== Task 3.1
def _backward_variant(W, A, dZ, *, mask=True, mask_above=False, mask_output=False, use_WT=False,
                      dW_from_output=False):
    """Backprop with one typical mistake switched on; None when the shapes do not allow it."""
    L = len(W)
    gW, gb = [None] * L, [None] * L
    D = dZ * (A[L] > 0) if mask_output else dZ  # (t, n_L)
    try:
        for i in reversed(range(L)):
            gW[i] = D.T @ (A[i + 1] if dW_from_output else A[i])  # (n_out, t) @ (t, n_in) -> (n_out, n_in)
            gb[i] = D.sum(axis=0)  # (n_out,)
            if i > 0:
                D = D @ (W[i].T if use_WT else W[i])  # (t, n_out) @ (n_out, n_in) -> (t, n_in)
                if mask:
                    D = D * (A[i + 1 if mask_above else i] > 0)  # ⊙ relu'(z), read off a = relu(z)
    except ValueError:
        return None
    return gW, gb


def _grad_lists(value, L: int, on: str):
    if not isinstance(value, Mapping) or "W" not in value or "b" not in value:
        raise CheckFailed(f"return a dict {{\"W\": [dW1, ..., dWL], \"b\": [db1, ..., dbL]}} {on}, "
                          f"got {type(value).__name__}")
    gW, gb = value["W"], value["b"]
    for key, lst in (("W", gW), ("b", gb)):
        if not isinstance(lst, Sequence) or isinstance(lst, (str, bytes)):
            raise CheckFailed(f"grads[{key!r}] should be a list with one array per layer {on}, got {type(lst).__name__}")
        if len(lst) != L:
            hint = (": off by one in the layer loop (does it reach layer 1, list index 0?)"
                    if len(lst) == L - 1 else "")
            raise CheckFailed(f"grads[{key!r}] has {len(lst)} entries {on}; the network has L = {L} layers{hint}")
    return ([as_float_array(g, f"grads['W'][{i}]", on) for i, g in enumerate(gW)],
            [as_float_array(g, f"grads['b'][{i}]", on) for i, g in enumerate(gb)])


def _diagnose_layer(i, L, t, got_W, got_b, ref_W, ref_b, variants, on) -> str | None:
    """What is wrong with layer k = i + 1 (None if nothing)."""
    name = f"layer {i + 1} (grads['W'][{i}])"
    gw, rw = got_W[i], ref_W[i]
    if not close(gw, rw):
        if gw.shape == rw.T.shape and gw.shape != rw.shape and close(gw.T, rw):
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
        for hint, variant in variants:
            if variant is not None and not close(variant[0][i], rw) and close(gw, variant[0][i]):
                return f"dW of {name} is wrong {on}: {hint}"
        return f"dW of {name} is wrong {on}: {worst_entry(gw, rw)}"
    gb, rb = got_b[i], ref_b[i]
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


@task("3.1", "implement the backward pass", points=3, names=("backward_pass",),
      tests="backward_pass(params, A, dZ) against the library's backward on 5 networks (generic, square, deep, "
            "batch 1, width 1); diagnoses transposed dW, mean instead of sum (and t too large), unsummed db, "
            "missing ReLU derivative, the mask of the wrong layer or on the output, W.T for W, a⁽ᵏ⁾ for a⁽ᵏ⁻¹⁾, reversed or short lists")
def check_backward(backward_pass) -> str:
    """Check ``backward_pass(params, A, dZ)`` against :func:`~nncomplexity.kernels.mlp.backward`."""
    fn = require_callable(backward_pass, "backward_pass(params, A, dZ)", "3.1")
    rng = np.random.default_rng(301)
    for widths, t in _NETWORKS:
        params, X = make_network(widths, t, rng)
        cache = forward(params, X, activation="relu", output_activation="identity")
        dZ = rng.standard_normal((t, widths[-1])) / t  # δ⁽ᴸ⁾ of a mean loss: carries 1/t
        ref = backward(params, cache, dZ_L=dZ)
        on = f"for widths {widths}, batch {t}"
        args = ({"W": [w.copy() for w in params["W"]], "b": [v.copy() for v in params["b"]]},
                [a.copy() for a in cache.A], dZ.copy())
        try:
            result = call(fn, *args, on=on)
        except CheckFailed as err:
            if "ValueError" in err.message and any(w in err.message for w in ("matmul", "aligned", "broadcast")):
                err.message += (". A shape mismatch: with δ of shape (t, n_out), dW = δ.T @ A[k − 1] and the δ "
                                "passed down is δ @ W, shape (t, n_in)")
            raise
        got_W, got_b = _grad_lists(result, len(widths) - 1, on)
        L = len(widths) - 1
        if all(close(g, r) for g, r in zip(got_W, ref["W"])) and all(close(g, r) for g, r in zip(got_b, ref["b"])):
            continue
        if L > 1 and all(close(g, r) for g, r in zip(got_W[::-1], ref["W"])):
            raise CheckFailed(f"your lists are in reverse order {on}: grads['W'][0] must be layer 1's gradient "
                              "(build the list backwards, then reverse it, or fill a list of length L by index)")
        W, A = params["W"], cache.A
        variants = [
            ("you forgot ⊙ g′(z) when passing δ down: multiply by (a > 0) for a ReLU layer",
             _backward_variant(W, A, dZ, mask=False)),
            ("you multiplied δ by the ReLU mask of the layer above: passing δ from layer k down to layer k − 1 uses "
             "the mask of a⁽ᵏ⁻¹⁾ = A[k − 1], the input of layer k", _backward_variant(W, A, dZ, mask_above=True)),
            ("you applied a ReLU mask to δ⁽ᴸ⁾; the output layer is linear, so δ⁽ᴸ⁾ = dZ as given",
             _backward_variant(W, A, dZ, mask_output=True)),
            ("you passed δ down with W.T; it is δ @ W: (t, n_out) @ (n_out, n_in) -> (t, n_in)",
             _backward_variant(W, A, dZ, use_WT=True)),
            ("you used the layer's output a⁽ᵏ⁾; dW⁽ᵏ⁾ = δ⁽ᵏ⁾ᵀ @ a⁽ᵏ⁻¹⁾, the layer's input (A[k − 1])",
             _backward_variant(W, A, dZ, dW_from_output=True)),
        ]
        for i in reversed(range(L)):  # the first wrong layer in the order backprop visits them
            message = _diagnose_layer(i, L, t, got_W, got_b, ref["W"], ref["b"], variants, on)
            if message:
                raise CheckFailed(message)
    return f"matches the library's backward pass on {len(_NETWORKS)} networks, including batch 1 and width 1"


# =========================================================================== Task 3.2
def _cases_central():
    rng = np.random.default_rng(302)
    C = rng.standard_normal((3, 4))
    M = rng.standard_normal((3, 2))

    def f2(X):
        return float(np.sum(np.exp(X) * C) + np.sum(X[:, :-1] * X[:, 1:]))

    def g2(X):
        G = np.exp(X) * C
        G[:, :-1] += X[:, 1:]
        G[:, 1:] += X[:, :-1]
        return G

    return [
        ("f(x) = Σ sin(x)·x² at x of shape (5,)", lambda x: float(np.sum(np.sin(x) * x ** 2)),
         lambda x: np.cos(x) * x ** 2 + 2 * x * np.sin(x), rng.uniform(-2, 2, size=5)),
        ("f(X) = Σ exp(X)·C + Σ X[:, :-1]·X[:, 1:] at X of shape (3, 4)", f2, g2, rng.uniform(-1, 1, size=(3, 4))),
        ("f(x) = x³ at x of shape (1,)", lambda x: float(x[0] ** 3), lambda x: 3 * x ** 2, np.array([1.5])),
        ("f(X) = ½‖X M‖² at X of shape (2, 3)", lambda X: 0.5 * float(np.sum((X @ M) ** 2)),
         lambda X: (X @ M) @ M.T, rng.standard_normal((2, 3))),
    ]


def _one_sided(f, x, h, sign):
    g = np.zeros_like(x)
    f0 = f(x)
    for idx in np.ndindex(x.shape):
        y = x.copy()
        y[idx] += sign * h
        g[idx] = sign * (f(y) - f0) / h
    return g


@task("3.2", "implement central differences", points=2, names=("central_difference",),
      tests="central_difference(f, x, h) against exact derivatives of 4 functions (vector, matrix and 1-element "
            "inputs) to 1e-7; diagnoses one-sided differences, / 2*h precedence, h instead of 2h, the sign, "
            "moving every entry at once, flattened output, x left modified")
def check_central_difference(central_difference) -> str:
    """Check ``central_difference(f, x, h)`` against exact gradients of known functions."""
    fn = require_callable(central_difference, "central_difference(f, x, h)", "3.2")
    h = 1e-5
    for label, f, grad, x in _cases_central():
        on = f"for {label}, h = {h:g}"
        x_in = x.copy()
        got = as_float_array(call(fn, f, x_in, h, on=on), "your gradient", on)
        want = grad(x)
        if not np.array_equal(x_in, x):
            raise CheckFailed(f"your function left x changed {on}: after moving an entry by ±h, put its "
                              "original value back (or work on a copy)")
        if close(got, want, rtol=1e-7, atol=1e-7):
            continue
        if got.shape != want.shape:
            hint = (": it is flattened; return an array shaped like x (np.zeros_like(x), indexed with "
                    "np.ndindex(x.shape))" if got.size == want.size else "")
            raise CheckFailed(f"your gradient has shape {shape_str(got.shape)} {on}; expected x's shape "
                              f"{shape_str(want.shape)}{hint}")
        hints = [
            (_one_sided(f, x, h, +1), "you used the one-sided difference (f(x + h) − f(x)) / h, whose error "
                                      "shrinks only like h. The central difference (f(x + h) − f(x − h)) / (2h) "
                                      "has error h²"),
            (_one_sided(f, x, h, -1), "you used the one-sided difference (f(x) − f(x − h)) / h, whose error "
                                      "shrinks only like h; use (f(x + h) − f(x − h)) / (2h)"),
            (want * h * h, "operator precedence: `/ 2*h` divides by 2 and then multiplies by h; write / (2*h)"),
            (2 * want, "you divided by h; the two points x ± h are 2h apart"),
            (want / 2, "you divided by 4h (or by 2 twice); the two points x ± h are 2h apart"),
            (-want, "wrong sign: f(x + h) − f(x − h), in that order"),
            (np.full_like(want, want.sum()), "every entry is the same: you moved all entries of x at once. "
                                             "Move one entry at a time: that entry's partial derivative"),
        ]
        for alt, hint in hints:
            if not close(alt, want, rtol=1e-7, atol=1e-7) and close(got, alt, rtol=1e-6, atol=1e-9):
                raise CheckFailed(f"wrong gradient {on}: {hint}")
        raise CheckFailed(f"wrong gradient {on}: {worst_entry(got, want)}")
    return "agrees with the exact derivatives of 4 functions to 1e-7 (vector, matrix and one-element inputs)"


# =========================================================================== Task 3.3
@task("3.3", "derive the backward/forward FLOP ratio", points=2, names=("backward_forward_ratio",),
      tests="backward_forward_ratio(widths) against backward_flops/forward_flops (no input gradient) on 10 "
            "networks, random and one-layer; diagnoses 2 (input gradient counted), 3 (the training step), "
            "the last layer skipped instead of the first, forward/backward inverted")
def check_ratio(backward_forward_ratio) -> str:
    """Check the exact ratio against :func:`~nncomplexity.cost.flops.forward_backward_ratio` (batch-free)."""
    fn = require_callable(backward_forward_ratio, "backward_forward_ratio(widths)", "3.3")
    rng = np.random.default_rng(303)
    cases = [[3, 5, 2], [784, 256, 10], [4, 3], [1, 1], [1, 1, 1], [10, 100, 100, 10]]
    for _ in range(4):
        cases.append([int(v) for v in rng.integers(1, 101, size=int(rng.integers(2, 8)))])
    for widths in cases:
        on = f"for widths {widths}"
        want = float(forward_backward_ratio(widths, 1))
        got = as_real(call(fn, list(widths), on=on), "your ratio", on)
        if rel_close(got, want, 1e-12):
            continue
        macs = [widths[k - 1] * widths[k] for k in range(1, len(widths))]
        head = f"your ratio {on} is {got:.6g}; expected {want:.6g}"
        if rel_close(got, 2.0):
            raise CheckFailed(head + ": 2 is right only if the gradient for the input x is computed. Layer 1 needs "
                              "its weight gradient but no δ for x, so one product of layer 1's size is not needed")
        if rel_close(got, 3.0) or rel_close(got, want + 1):
            raise CheckFailed(head + ": that is (forward + backward) / forward, a training step; the question is "
                              "backward / forward")
        if len(macs) > 1 and rel_close(got, 2 - macs[-1] / sum(macs)):
            raise CheckFailed(head + ": you left out the last layer's δ; it is layer 1's δ (toward the input x) "
                              "that backprop does not need")
        if rel_close(got, 1 / want):
            raise CheckFailed(head + ": upside down; backward FLOPs divided by forward FLOPs")
        if rel_close(got, 1.0):
            raise CheckFailed(head + ": backward runs two products per layer (δ passed down and dW), not one")
        raise CheckFailed(head)
    return f"exact on {len(cases)} networks; the ratio lies between 1 (one layer) and 2 and does not depend on the batch"


# =========================================================================== Task 3.4
@task("3.4", "count a training run's FLOPs", points=2, names=("training_run_flops",),
      tests="training_run_flops(widths, dataset_size, epochs, batch) against the library's training_flops on 8 "
            "runs (a partial last batch, batch 1, full batch, 0 epochs, MNIST-sized); diagnoses a dropped or "
            "padded last batch, forward only, input gradient counted, epochs forgotten, multiply-adds")
def check_training_flops(training_run_flops) -> str:
    """Check ``training_run_flops`` against :func:`~nncomplexity.cost.training.training_flops`."""
    fn = require_callable(training_run_flops, "training_run_flops(widths, dataset_size, epochs, batch)", "3.4")
    rng = np.random.default_rng(304)
    cases = [([3, 5, 2], 10, 2, 4), ([784, 256, 10], 60000, 5, 128), ([4, 3], 8, 1, 8), ([1, 1, 1], 5, 3, 1),
             ([3, 5, 2], 7, 0, 3), ([10, 20, 2], 100, 3, 100)]
    for _ in range(2):
        n_data = int(rng.integers(10, 1000))
        cases.append(([int(v) for v in rng.integers(1, 50, size=3)], n_data, int(rng.integers(1, 6)),
                      int(rng.integers(2, n_data))))
    for widths, N, epochs, t in cases:
        on = f"for widths {widths}, dataset_size {N}, epochs {epochs}, batch {t}"
        want = training_flops(widths, N, epochs, t)
        got = as_count(call(fn, list(widths), N, epochs, t, on=on), "your count", on)
        if got == want:
            continue
        full, rest = divmod(N, t)
        step = training_step_flops
        head = f"your count {on} is {fmt_int(got)}; expected {fmt_int(want)}"
        candidates = [
            (epochs * full * step(widths, t), f"you dropped the last, partial batch of N mod t = {rest} samples "
                                              "(that is DataLoader's drop_last=True); count it"),
            (epochs * math.ceil(N / t) * step(widths, t), f"you counted the last batch as a full batch of {t}; "
                                                          f"it holds only N mod t = {rest} samples"),
            (epochs * N * forward_flops(widths, 1), "you counted only the forward pass; a step is forward + backward"),
            (epochs * N * 3 * forward_flops(widths, 1), "you counted layer 1's δ for the input x too (3 × forward); "
                                                        "training needs no gradient for the data"),
            (training_flops(widths, N, 1, t), "you counted one epoch; multiply by the number of epochs"),
            (want // 2, "did you count multiply-adds instead of FLOPs? One multiply-add is 2 FLOPs"),
            (want * t, "you multiplied by the batch twice: a step on t samples already costs t times one sample's"),
            (epochs * (N // t) * step(widths, 1), "you counted one sample per step; a step processes t samples"),
        ]
        for value, hint in candidates:
            if value != want and got == value:
                raise CheckFailed(f"{head}: {hint}")
        raise CheckFailed(head)
    return f"exact on {len(cases)} training runs, including a partial last batch, batch 1 and zero epochs"


# =========================================================================== Task 3.5
@task("3.5", "estimate training compute with 6·N·D", points=1, names=("estimate_6nd",),
      tests="estimate_6nd(widths, dataset_size, epochs) against flops_6nd(parameter_count(widths), "
            "dataset_size·epochs) on 5 runs; diagnoses biases left out of N, 2·N·D (forward only), epochs forgotten")
def check_6nd(estimate_6nd) -> str:
    """Check the 6·N·D estimate, N = parameters (weights and biases), D = samples processed."""
    fn = require_callable(estimate_6nd, "estimate_6nd(widths, dataset_size, epochs)", "3.5")
    cases = [([3, 5, 2], 10, 2), ([784, 256, 10], 60000, 5), ([4, 3], 8, 1), ([1, 1, 1], 5, 3),
             ([10, 100, 100, 10], 1000, 10)]
    for widths, N, epochs in cases:
        on = f"for widths {widths}, dataset_size {N}, epochs {epochs}"
        P = parameter_count(widths)
        want = float(flops_6nd(P, N * epochs))
        got = as_real(call(fn, list(widths), N, epochs, on=on), "your estimate", on)
        if rel_close(got, want, 1e-9):
            continue
        head = f"your estimate {on} is {got:.6g}; expected {want:.6g}"
        weights = parameter_count(widths, bias=False)
        if rel_close(got, 6 * weights * N * epochs):
            raise CheckFailed(head + ": N counts every parameter, biases too (parameter_count(widths))")
        if rel_close(got, 2 * P * N * epochs) or rel_close(got, 2 * weights * N * epochs):
            raise CheckFailed(head + ": 2·N per sample is the forward pass alone; training adds ≈ 4·N for backward")
        if epochs > 1 and (rel_close(got, 6 * P * N) or rel_close(got, 6 * weights * N)):
            raise CheckFailed(head + ": D is the number of samples processed, dataset_size × epochs")
        raise CheckFailed(head)
    return f"correct on {len(cases)} runs"


manual_task("3.6", "explain exact count vs 6·N·D", tests="free-text answer, read by the instructor: not auto-graded")
