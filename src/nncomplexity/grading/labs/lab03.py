"""Lab 3, backpropagation: the backward pass, central differences, the ratio, training FLOPs, 6ND.

References (the grader's own process): ``kernels.mlp.backward``, ``cost.flops``,
``cost.training.training_flops`` and ``flops_6nd`` with ``cost.memory.parameter_count``;
central differences against exact derivatives of functions the grader writes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..answers import Array, Count, Gradients, Real, rel_close
from ..core import Case, Helpers, Mistake, Task, Unchanged
from ..wire import Func
from ._common import MULTIPLY_ADDS, NUMPY, SHAPE_WORDS, backward_variant, count, forward_ref, make_network, net_str

LAB, TITLE = "lab03", "Lab 3: Backpropagation"
NETWORKS = [([3, 5, 2], 4), ([5, 5, 5], 5), ([2, 6, 6, 6, 3], 5), ([4, 3], 1), ([1, 1, 1], 3)]


# =========================================================================== Task 3.1
def _backward_ref(params, A, dZ):
    from ...kernels.mlp import backward

    return backward(params, forward_ref(params, A[0]), dZ_L=dZ)


def _backward_cases(rng):
    cases = []
    for widths, t in NETWORKS:
        params, X = make_network(widths, t, rng)
        dZ = rng.standard_normal((t, widths[-1])) / t  # δ⁽ᴸ⁾ of a mean loss: carries 1/t
        cases.append(Case((params, list(forward_ref(params, X).A), dZ), net_str(widths, t),
                          facts={"t": t, "L": len(widths) - 1}))
    return cases


def _variant(**mistake):
    return lambda params, A, dZ: backward_variant(params["W"], A, dZ, **mistake)


# =========================================================================== Task 3.2
@dataclass(frozen=True)
class Smooth(Func):
    """A function the grader writes, with its exact gradient (source too)."""

    grad: str = ""
    label: str = ""


def _central_cases(rng):
    C, M = rng.standard_normal((3, 4)).tolist(), rng.standard_normal((3, 2)).tolist()
    fns = [
        Smooth("lambda x: float(np.sum(np.sin(x) * x ** 2))", "lambda x: np.cos(x) * x ** 2 + 2 * x * np.sin(x)",
               "f(x) = Σ sin(x)·x² at x of shape (5,)"),
        Smooth(f"lambda X, C=np.array({C!r}): float(np.sum(np.exp(X) * C) + np.sum(X[:, :-1] * X[:, 1:]))",
               f"lambda X, C=np.array({C!r}): np.exp(X) * C + np.pad(X[:, 1:], ((0, 0), (0, 1))) "
               "+ np.pad(X[:, :-1], ((0, 0), (1, 0)))",
               "f(X) = Σ exp(X)·C + Σ X[:, :-1]·X[:, 1:] at X of shape (3, 4)"),
        Smooth("lambda x: float(x[0] ** 3)", "lambda x: 3 * x ** 2", "f(x) = x³ at x of shape (1,)"),
        Smooth(f"lambda X, M=np.array({M!r}): 0.5 * float(np.sum((X @ M) ** 2))",
               f"lambda X, M=np.array({M!r}): (X @ M) @ M.T", "f(X) = ½‖X M‖² at X of shape (2, 3)"),
    ]
    xs = [rng.uniform(-2, 2, size=5), rng.uniform(-1, 1, size=(3, 4)), np.array([1.5]), rng.standard_normal((2, 3))]
    return [Case((f, x, 1e-5), f"for {f.label}, h = 1e-05") for f, x in zip(fns, xs)]


def _one_sided(f, x, h, sign):
    g, f0 = np.zeros_like(x), f(x)
    for idx in np.ndindex(x.shape):
        y = x.copy()
        y[idx] += sign * h
        g[idx] = sign * (f(y) - f0) / h
    return g


def _exact(f, x, h):
    return Func(f.grad)(x)


# =========================================================================== Tasks 3.3 to 3.5
def _ratio_cases(rng):
    nets = [[3, 5, 2], [784, 256, 10], [4, 3], [1, 1], [1, 1, 1], [10, 100, 100, 10]]
    nets += [[int(v) for v in rng.integers(1, 101, size=int(rng.integers(2, 8)))] for _ in range(4)]
    return [Case((w,), f"for widths {w}") for w in nets]


def _skipped_last(w):  # the ratio if the last layer's δ were the one left out
    return 2 - w[-2] * w[-1] / sum(a * b for a, b in zip(w[:-1], w[1:]))


def _run_cases(rng):
    cases = [([3, 5, 2], 10, 2, 4), ([784, 256, 10], 60000, 5, 128), ([4, 3], 8, 1, 8), ([1, 1, 1], 5, 3, 1),
             ([3, 5, 2], 7, 0, 3), ([10, 20, 2], 100, 3, 100)]
    for _ in range(2):
        n_data = int(rng.integers(10, 1000))
        cases.append(([int(v) for v in rng.integers(1, 50, size=3)], n_data, int(rng.integers(1, 6)),
                      int(rng.integers(2, n_data))))
    return [Case(c, f"for widths {c[0]}, dataset_size {c[1]}, epochs {c[2]}, batch {c[3]}",
                 facts={"rest": c[1] % c[3], "t": c[3]}) for c in cases]


def _6nd_cases(rng):
    runs = [([3, 5, 2], 10, 2), ([784, 256, 10], 60000, 5), ([4, 3], 8, 1), ([1, 1, 1], 5, 3),
            ([10, 100, 100, 10], 1000, 10)]
    return [Case(c, f"for widths {c[0]}, dataset_size {c[1]}, epochs {c[2]}") for c in runs]


def _step(w, t):
    return count("training_step_flops", w, t)


def _params(w, bias=True):
    return count("parameter_count", w, bias=bias)


def _both(w):  # N with and without the biases
    return _params(w), _params(w, bias=False)


TASKS = [
    Task("3.1", "implement the backward pass", 3, ("backward_pass",),
         "backward_pass(params, A, dZ) against the library's backward on 5 networks (generic, square, deep, batch 1, "
         "width 1); diagnoses transposed dW, mean instead of sum (and t too large), unsummed db, missing ReLU "
         "derivative, the mask of the wrong layer or on the output, W.T for W, a⁽ᵏ⁾ for a⁽ᵏ⁻¹⁾, reversed or short "
         "lists", cases=_backward_cases, reference=_backward_ref, answer=Gradients(), helpers=NUMPY,
         error_hints=((SHAPE_WORDS, "A shape mismatch: with δ of shape (t, n_out), dW = δ.T @ A[k − 1] and the δ "
                                    "passed down is δ @ W, shape (t, n_in)"),),
         mistakes=(
             Mistake("you forgot ⊙ g′(z) when passing δ down: multiply by (a > 0) for a ReLU layer",
                     _variant(mask=False)),
             Mistake("you multiplied δ by the ReLU mask of the layer above: passing δ from layer k down to layer "
                     "k − 1 uses the mask of a⁽ᵏ⁻¹⁾ = A[k − 1], the input of layer k", _variant(mask_above=True)),
             Mistake("you applied a ReLU mask to δ⁽ᴸ⁾; the output layer is linear, so δ⁽ᴸ⁾ = dZ as given",
                     _variant(mask_output=True)),
             Mistake("you passed δ down with W.T; it is δ @ W: (t, n_out) @ (n_out, n_in) -> (t, n_in)",
                     _variant(use_WT=True)),
             Mistake("you used the layer's output a⁽ᵏ⁾; dW⁽ᵏ⁾ = δ⁽ᵏ⁾ᵀ @ a⁽ᵏ⁻¹⁾, the layer's input (A[k − 1])",
                     _variant(dW_from_output=True)),
         ),
         passed="matches the library's backward pass on {n} networks, including batch 1 and width 1"),
    Task("3.2", "implement central differences", 2, ("central_difference",),
         "central_difference(f, x, h) against exact derivatives of 4 functions (vector, matrix and 1-element "
         "inputs) to 1e-7; diagnoses one-sided differences, / 2*h precedence, h instead of 2h, the sign, moving "
         "every entry at once, flattened output, x left modified", cases=_central_cases, reference=_exact,
         helpers=NUMPY, answer=Array("your gradient", rtol=1e-7, atol=1e-7, loose=(1e-6, 1e-9), wrong="wrong gradient"),
         unchanged=Unchanged("your function left x changed {on}: after moving an entry by ±h, put its original "
                             "value back (or work on a copy)", positions=(1,)),
         mistakes=(
             Mistake("your gradient has shape {got_shape} {on}; expected x's shape {want_shape}: it is flattened; "
                     "return an array shaped like x (np.zeros_like(x), indexed with np.ndindex(x.shape))", alone=True,
                     when=lambda got, want, *a: got.shape != want.shape and got.size == want.size),
             Mistake("your gradient has shape {got_shape} {on}; expected x's shape {want_shape}", alone=True,
                     when=lambda got, want, *a: got.shape != want.shape),
             Mistake("you used the one-sided difference (f(x + h) − f(x)) / h, whose error shrinks only like h. The "
                     "central difference (f(x + h) − f(x − h)) / (2h) has error h²",
                     lambda f, x, h: _one_sided(f, x, h, 1)),
             Mistake("you used the one-sided difference (f(x) − f(x − h)) / h, whose error shrinks only like h; use "
                     "(f(x + h) − f(x − h)) / (2h)", lambda f, x, h: _one_sided(f, x, h, -1)),
             Mistake("operator precedence: `/ 2*h` divides by 2 and then multiplies by h; write / (2*h)",
                     lambda f, x, h: _exact(f, x, h) * h * h),
             Mistake("you divided by h; the two points x ± h are 2h apart", lambda f, x, h: 2 * _exact(f, x, h)),
             Mistake("you divided by 4h (or by 2 twice); the two points x ± h are 2h apart",
                     lambda f, x, h: _exact(f, x, h) / 2),
             Mistake("wrong sign: f(x + h) − f(x − h), in that order", lambda f, x, h: -_exact(f, x, h)),
             Mistake("every entry is the same: you moved all entries of x at once. Move one entry at a time: that "
                     "entry's partial derivative", lambda f, x, h: np.full(x.shape, _exact(f, x, h).sum())),
         ),
         passed="agrees with the exact derivatives of 4 functions to 1e-7 (vector, matrix and one-element inputs)"),
    Task("3.3", "derive the backward/forward FLOP ratio", 2, ("backward_forward_ratio",),
         "backward_forward_ratio(widths) against backward_flops/forward_flops (no input gradient) on 10 networks, "
         "random and one-layer; diagnoses 2 (input gradient counted), 3 (the training step), the last layer skipped "
         "instead of the first, forward/backward inverted", helpers=NUMPY, answer=Real("your ratio", rtol=1e-12),
         cases=_ratio_cases, reference=lambda w: float(count("forward_backward_ratio", w, 1)),
         mistakes=(
             Mistake("2 is right only if the gradient for the input x is computed. Layer 1 needs its weight gradient "
                     "but no δ for x, so one product of layer 1's size is not needed",
                     when=lambda got, want, w: rel_close(got, 2.0)),
             Mistake("that is (forward + backward) / forward, a training step; the question is backward / forward",
                     when=lambda got, want, w: rel_close(got, 3.0) or rel_close(got, want + 1)),
             Mistake("you left out the last layer's δ; it is layer 1's δ (toward the input x) that backprop does not "
                     "need", when=lambda got, want, w: len(w) > 2 and rel_close(got, _skipped_last(w))),
             Mistake("upside down; backward FLOPs divided by forward FLOPs",
                     when=lambda got, want, w: rel_close(got, 1 / want)),
             Mistake("backward runs two products per layer (δ passed down and dW), not one",
                     when=lambda got, want, w: rel_close(got, 1.0)),
         ),
         passed="exact on {n} networks; the ratio lies between 1 (one layer) and 2 and does not depend on the batch"),
    Task("3.4", "count a training run's FLOPs", 2, ("training_run_flops",),
         "training_run_flops(widths, dataset_size, epochs, batch) against the library's training_flops on 8 runs (a "
         "partial last batch, batch 1, full batch, 0 epochs, MNIST-sized); diagnoses a dropped or padded last "
         "batch, forward only, input gradient counted, epochs forgotten, multiply-adds", answer=Count(),
         helpers=Helpers(allow=("numpy", "nncomplexity.*forward_flops")), cases=_run_cases,
         reference=lambda *run: count("training_flops", *run),
         mistakes=(
             Mistake("you dropped the last, partial batch of N mod t = {rest} samples (that is DataLoader's "
                     "drop_last=True); count it", lambda w, N, e, t: e * (N // t) * _step(w, t)),
             Mistake("you counted the last batch as a full batch of {t}; it holds only N mod t = {rest} samples",
                     lambda w, N, e, t: e * math.ceil(N / t) * _step(w, t)),
             Mistake("you counted only the forward pass; a step is forward + backward",
                     lambda w, N, e, t: e * N * count("forward_flops", w, 1)),
             Mistake("you counted layer 1's δ for the input x too (3 × forward); training needs no gradient for the "
                     "data", lambda w, N, e, t: e * N * 3 * count("forward_flops", w, 1)),
             Mistake("you counted one epoch; multiply by the number of epochs",
                     lambda w, N, e, t: count("training_flops", w, N, 1, t)),
             Mistake(MULTIPLY_ADDS, lambda w, N, e, t: count("training_flops", w, N, e, t) // 2),
             Mistake("you multiplied by the batch twice: a step on t samples already costs t times one sample's",
                     lambda w, N, e, t: count("training_flops", w, N, e, t) * t),
             Mistake("you counted one sample per step; a step processes t samples",
                     lambda w, N, e, t: e * (N // t) * _step(w, 1)),
         ),
         passed="exact on {n} training runs, including a partial last batch, batch 1 and zero epochs"),
    Task("3.5", "estimate training compute with 6·N·D", 1, ("estimate_6nd",),
         "estimate_6nd(widths, dataset_size, epochs) against flops_6nd(parameter_count(widths), dataset_size·epochs) "
         "on 5 runs; diagnoses biases left out of N, 2·N·D (forward only), epochs forgotten",
         helpers=Helpers(allow=("numpy", "nncomplexity.*parameter_count")), answer=Real("your estimate"),
         cases=_6nd_cases, reference=lambda w, N, e: float(count("flops_6nd", _params(w), N * e)),
         mistakes=(
             Mistake("N counts every parameter, biases too (parameter_count(widths))",
                     lambda w, N, e: 6 * _params(w, bias=False) * N * e),
             Mistake("2·N per sample is the forward pass alone; training adds ≈ 4·N for backward",
                     when=lambda got, want, w, N, e: any(rel_close(got, 2 * p * N * e) for p in _both(w))),
             Mistake("D is the number of samples processed, dataset_size × epochs",
                     when=lambda got, want, w, N, e: e > 1 and any(rel_close(got, 6 * p * N) for p in _both(w))),
         ),
         passed="correct on {n} runs"),
    Task("3.6", "explain exact count vs 6·N·D", 0, (), "free-text answer, read by the instructor: not auto-graded",
         kind="manual"),
]
