"""Checks for Lab 2, forward propagation.

=====  =================================  ==============================================
Task   student object                     check
=====  =================================  ==============================================
2.1    ``forward_pass(params, X)``        :func:`check_forward`
2.2    ``forward_flop_count(widths, t)``  :func:`check_flop_count`
2.3    ``torch_forward_flops(widths, t)`` :func:`check_torch_count`
2.4    ``predicted_exponents`` (dict)     :func:`check_predicted_exponents` (exact)
2.5    ``measured_exponents`` (dict)      :func:`check_measured_exponents` (generous)
=====  =================================  ==============================================

The network is the library's: batch first like ``torch.nn.Linear``
(``W[i]`` of shape (n[i+1], n[i]), ``b[i]`` of shape (n[i+1],)), ReLU between
layers, a linear output layer. References:
:func:`~nncomplexity.kernels.mlp.forward`, :func:`~nncomplexity.cost.flops.forward_flops`.
"""
from __future__ import annotations

import numpy as np

from ..cost.flops import backward_flops, elementwise_flops, forward_flops, training_step_flops
from ..kernels.mlp import forward
from ._util import as_count, as_float_array, as_real, close, fmt_int, shape_str, worst_entry
from .core import CheckFailed, call, is_number, require_callable, task

__all__ = ["check_flop_count", "check_forward", "check_measured_exponents", "check_predicted_exponents",
           "check_torch_count", "make_network"]

# (widths, batch): a generic net first, then square, deep, batch 1, width 1.
_NETWORKS = [([3, 5, 2], 4), ([5, 5, 5], 5), ([2, 6, 6, 6, 3], 5), ([4, 3], 1), ([1, 1, 1], 3), ([3, 1, 4], 2)]

PREDICTED = {"width": 2, "depth": 1, "batch": 1}
"""Exponents of forward time in width n, depth L and batch t (the others fixed): Θ(t·L·n²)."""

MEASURED_RANGES = {"width": (1.4, 2.6), "depth": (0.6, 1.4), "batch": (0.5, 1.5)}
"""Accepted measured exponents: wide, because small sizes carry fixed costs and timings are noisy."""


def make_network(widths, batch: int, rng: np.random.Generator):
    """Random float64 parameters with **nonzero** biases (so a missing bias shows) and an input X (t, n0)."""
    W = [rng.standard_normal((n_out, n_in)) / np.sqrt(n_in) for n_in, n_out in zip(widths[:-1], widths[1:])]
    b = [rng.standard_normal(n_out) * 0.5 for n_out in widths[1:]]
    X = rng.standard_normal((batch, widths[0]))  # (t, n0)
    return {"W": W, "b": b}, X


def _copy(params):
    return {"W": [w.copy() for w in params["W"]], "b": [v.copy() for v in params["b"]]}


_ACT = {"relu": lambda z: np.maximum(z, 0), "identity": lambda z: z,
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}


def _variant(params, X, *, bias=True, hidden="relu", out="identity", transpose=True, bias_after=False,
             layers=None):
    """The forward pass with one typical mistake switched on (None when the shapes do not allow it)."""
    W, b = params["W"], params["b"]
    L = len(W) if layers is None else layers
    A = X
    try:
        for i in range(L):
            Z = A @ (W[i].T if transpose else W[i])  # (t, n_in) @ (n_in, n_out) -> (t, n_out)
            if bias and not bias_after:
                Z = Z + b[i]
            A = _ACT[hidden if i < len(W) - 1 else out](Z)
            if bias and bias_after:
                A = A + b[i]
    except ValueError:
        return None
    return A


def _diagnose_forward(params, X, got, want, on) -> str:
    t = X.shape[0]
    widths = [X.shape[1]] + [w.shape[0] for w in params["W"]]
    nL = widths[-1]
    if got.shape != want.shape:
        if got.shape == (nL, t) and close(got, want.T):
            return (f"your output has shape {shape_str(got.shape)} {on}; expected (t, n_L) = {shape_str(want.shape)}: "
                    "it is transposed. Batch first means one row per sample, like torch.nn.Linear")
        if t > 1 and (got.shape == (nL,) and close(got, want[0]) or got.shape == (1, nL) and close(got, want[:1])):
            return (f"your output has shape {shape_str(got.shape)} {on}: only the first sample. Did you forget the "
                    f"batch? X holds t = {t} samples, one per row, and the output has one row for each")
        if len(widths) > 2 and got.shape == (t, widths[-2]):
            return (f"your output has shape {shape_str(got.shape)} {on}, the width of layer L − 1: did your loop "
                    f"stop one layer early? widths has L + 1 = {len(widths)} entries, so there are "
                    f"{len(widths) - 1} layers (len(params['W']))")
        return f"your output has shape {shape_str(got.shape)} {on}; expected (t, n_L) = {shape_str(want.shape)}"
    checks = [
        (dict(bias=False), "your output equals the network's without biases: did you forget to add b? "
                           "Each layer computes A @ W.T + b"),
        (dict(out="relu"), "you applied ReLU after the last layer too; the output layer is linear (no activation)"),
        (dict(hidden="identity"), "no ReLU between layers: every hidden layer applies ReLU to A @ W.T + b"),
        (dict(hidden="sigmoid"), "you used the sigmoid; this lab's network uses ReLU between layers"),
        (dict(hidden="tanh"), "you used tanh; this lab's network uses ReLU between layers"),
        (dict(bias_after=True), "you added the bias after the activation; it goes inside: g(A @ W.T + b)"),
        (dict(transpose=False), "you multiplied by W instead of W.T: W[i] has shape (n_out, n_in), as "
                                "torch.nn.Linear stores it, so a layer is A @ W.T + b"),
    ]
    for kwargs, hint in checks:
        alt = _variant(params, X, **kwargs)
        if alt is not None and not close(alt, want) and close(got, alt):
            return f"wrong values {on}: {hint}"
    return f"wrong values {on}: {worst_entry(got, want)}"


def _net_str(widths, t) -> str:
    return f"for widths {list(widths)}, batch {t}"


@task("2.1", "implement the forward pass", points=3, names=("forward_pass",),
      tests="forward_pass(params, X) against the library's forward on 6 networks (generic, square, deep, "
            "batch 1, width 1, a width-1 bottleneck) with nonzero biases; diagnoses transposed output, "
            "forgotten batch, one layer too few, missing bias, ReLU on the output or missing, bias after the "
            "activation, W instead of W.T, changed inputs")
def check_forward(forward_pass) -> str:
    """Check ``forward_pass(params, X) -> (t, n_L)`` against :func:`~nncomplexity.kernels.mlp.forward`."""
    fn = require_callable(forward_pass, "forward_pass(params, X)", "2.1")
    rng = np.random.default_rng(201)
    for widths, t in _NETWORKS:
        params, X = make_network(widths, t, rng)
        on = _net_str(widths, t)
        want = forward(params, X, activation="relu", output_activation="identity").output  # (t, n_L)
        p_in, X_in = _copy(params), X.copy()
        try:
            result = call(fn, p_in, X_in, on=on)
        except CheckFailed as err:
            if "ValueError" in err.message and any(w in err.message for w in ("matmul", "aligned", "broadcast")):
                err.message += (". A shape mismatch: W[i] has shape (n_out, n_in), as torch.nn.Linear stores it, "
                                "so a layer computes A @ W.T + b with A of shape (t, n_in)")
            raise
        got = as_float_array(result, "your output", on)
        if not close(got, want):
            raise CheckFailed(_diagnose_forward(params, X, got, want, on))
        if not np.array_equal(X_in, X) or any(not np.array_equal(a, c) for a, c in
                                              zip(p_in["W"] + p_in["b"], params["W"] + params["b"])):
            raise CheckFailed(f"right output, but your function changed its input (X or params) in place {on}: "
                              "compute new arrays (Z = A @ W.T + b), do not overwrite X or W", fraction=0.5)
    return f"matches the library's forward pass on {len(_NETWORKS)} networks, including batch 1 and width 1"


# =========================================================================== Task 2.2
def _diagnose_count(n, t, got, want, on) -> str:
    L = len(n) - 1
    macs = [n[k - 1] * n[k] for k in range(1, L + 1)]
    head = f"your count {on} is {fmt_int(got)}; expected {fmt_int(want)}"
    candidates = [
        (t * sum(macs), "did you count multiply-adds instead of FLOPs? One multiply-add is 2 FLOPs"),
        (2 * sum(macs), "did you forget the batch? Every one of the t samples goes through every layer"),
        (sum(macs), "you counted multiply-adds for one sample: one multiply-add is 2 FLOPs, and all t samples count"),
        (want + elementwise_flops(n, t, "identity"), "you included the bias adds; count only the matrix products, "
                                                     "as FlopCounterMode does (bias adds are elementwise work)"),
        (want + elementwise_flops(n, t, "relu", bias=False), "you included the ReLU evaluations; count only the "
                                                             "matrix products, as FlopCounterMode does"),
        (want + elementwise_flops(n, t, "relu"), "you included bias adds and ReLUs; count only the matrix products"),
        (2 * t * sum((n[k - 1] + 1) * n[k] for k in range(1, L + 1)),
         "you counted the bias as an extra input (essay A's column of Θ): that adds 2·t·n[k] per layer. Here the "
         "bias add is elementwise work, not part of the product, and is not counted"),
        (2 * t * sum(macs[:-1]), "off by one in the layer count: you left out the last layer. widths has L + 1 "
                                 "entries, so there are L = len(widths) − 1 layers"),
        (2 * t * sum(macs[1:]), "off by one in the layer count: you left out the first layer (input to layer 1)"),
        (2 * t * sum(w * w for w in n[1:]), "you squared each width; layer k multiplies consecutive widths, "
                                            "n[k−1]·n[k]"),
        (2 * t * sum(w * w for w in n[:-1]), "you squared each width; layer k multiplies consecutive widths, "
                                             "n[k−1]·n[k]"),
        (2 * t * L * n[0] ** 2, "you assumed every layer is as wide as the input; use each layer's own widths"),
    ]
    for value, hint in candidates:
        if value != want and got == value:
            return f"{head}: {hint}"
    return head


@task("2.2", "count the forward pass exactly", points=2, names=("forward_flop_count",),
      tests="forward_flop_count(widths, batch) against the library's forward_flops on 9 networks (random, batch 1, "
            "width 1, one layer); diagnoses multiply-adds for FLOPs, forgotten batch, bias adds or ReLUs counted, "
            "a bias column, one layer too few, squared widths")
def check_flop_count(forward_flop_count) -> str:
    """Check ``forward_flop_count(widths, batch)`` against :func:`~nncomplexity.cost.flops.forward_flops`."""
    fn = require_callable(forward_flop_count, "forward_flop_count(widths, batch)", "2.2")
    rng = np.random.default_rng(202)
    cases = [([3, 5, 2], 4), ([784, 256, 10], 32), ([4, 3], 1), ([1, 1], 1), ([7, 1, 7], 3), ([2, 3, 4, 5, 6], 6)]
    for _ in range(3):
        depth = int(rng.integers(1, 6))
        cases.append(([int(v) for v in rng.integers(1, 65, size=depth + 1)], int(rng.integers(1, 129))))
    for widths, t in cases:
        on = _net_str(widths, t)
        want = forward_flops(widths, t)
        got = as_count(call(fn, list(widths), t, on=on), "your count", on)
        if got != want:
            raise CheckFailed(_diagnose_count(widths, t, got, want, on))
    return f"exact on {len(cases)} networks, including one layer, batch 1 and width 1"


# =========================================================================== Task 2.3
@task("2.3", "count the forward pass with PyTorch's FlopCounterMode", points=1, names=("torch_forward_flops",),
      tests="torch_forward_flops(widths, batch) (FlopCounterMode around an nn.Linear network) equals "
            "forward_flops on 4 networks; diagnoses a counter that saw nothing, a backward pass counted, "
            "batch 1, a layer missing", time_limit_s=60)
def check_torch_count(torch_forward_flops) -> str:
    """Check that PyTorch's count, as the student measures it, equals the exact forward count."""
    fn = require_callable(torch_forward_flops, "torch_forward_flops(widths, batch)", "2.3")
    cases = [([3, 5, 2], 4), ([4, 3], 1), ([1, 1, 1], 2), ([6, 4, 4, 2], 3)]
    for widths, t in cases:
        on = _net_str(widths, t)
        want = forward_flops(widths, t)
        got = as_count(call(fn, list(widths), t, on=on, limit_s=30), "PyTorch's count", on)
        if got == want:
            continue
        head = f"your function returned {fmt_int(got)} {on}; forward_flops gives {fmt_int(want)}"
        if got == 0:
            raise CheckFailed(head + ": the counter saw no product. Run the model inside "
                              "`with FlopCounterMode(display=False) as counter:` and return counter.get_total_flops()")
        both = {training_step_flops(widths, t, g) for g in (False, True)}
        back = {backward_flops(widths, t, g) for g in (False, True)}
        if got in both:
            raise CheckFailed(head + ": that includes the backward pass; count only model(x)")
        if got in back:
            raise CheckFailed(head + ": that is the backward pass; count only model(x)")
        if t > 1 and got == forward_flops(widths, 1):
            raise CheckFailed(head + f": that is the count for one sample; the input should have shape ({t}, {widths[0]})")
        if len(widths) > 2 and got in {forward_flops(widths[:-1], t), forward_flops(widths[1:], t)}:
            raise CheckFailed(head + ": your model is one layer short; build one nn.Linear per pair of consecutive widths")
        raise CheckFailed(head)
    return f"PyTorch's FlopCounterMode agrees with the exact count on {len(cases)} networks"


# =========================================================================== Task 2.4
_WHY = {
    "width": "with t and L fixed, a layer of width n multiplies (t, n) by (n, n): t·n² multiply-adds",
    "depth": "each extra layer of the same width adds the same work",
    "batch": "each extra sample goes through the same layers and adds the same work",
}


def _as_exponent_dict(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise CheckFailed(f"{name} should be a dict like {{\"width\": ..., \"depth\": ..., \"batch\": ...}}, "
                          f"got {type(value).__name__}")
    missing = [k for k in ("width", "depth", "batch") if k not in value]
    if missing:
        raise CheckFailed(f"{name} has no entry for {', '.join(missing)}: give all three of width, depth, batch")
    return value


@task("2.4", "predict how time grows with width, depth and batch", points=3, names=("predicted_exponents",),
      tests="the three predicted exponents exactly (1 point each): 2 for width, 1 for depth, 1 for batch; "
            "diagnoses essay A's n³/n⁴ answers")
def check_predicted_exponents(predicted_exponents) -> str:
    """Check the predicted exponents: time ∝ t·L·n², so 2 for width, 1 for depth and 1 for batch."""
    pred = _as_exponent_dict(predicted_exponents, "predicted_exponents")
    wrong = []
    for key, want in PREDICTED.items():
        value = pred[key]
        if not is_number(value):
            wrong.append(f"{key}: {value!r} is not a number")
        elif float(value) != want:
            hint = _WHY[key]
            if key == "width" and float(value) in (3, 4):
                hint = (f"{value:g} would need the batch (n³) or the batch and the depth (n⁴) to grow with the width "
                        "too, essay A's assumption; here only the width changes")
            wrong.append(f"{key}: your {value!r} is not right ({hint})")
    if wrong:
        right = 3 - len(wrong)
        raise CheckFailed(f"{right} of 3 right. " + "; ".join(wrong), fraction=right / 3)
    return "all three right: forward time is Θ(t·L·n²)"


# =========================================================================== Task 2.5
def _exponent_of(value, key: str) -> float:
    fitted = getattr(value, "exponent", value)  # a PowerLawFit or a number
    return as_real(fitted, f"measured_exponents[{key!r}]", "")


@task("2.5", "measure how time grows with width, depth and batch", points=1, names=("measured_exponents",),
      tests="measured exponents (PowerLawFit or numbers) within generous ranges: width "
            f"{list(MEASURED_RANGES['width'])}, depth {list(MEASURED_RANGES['depth'])}, batch "
            f"{list(MEASURED_RANGES['batch'])} (timings are noisy; a third of a point each)")
def check_measured_exponents(measured_exponents) -> str:
    """Check measured exponents generously: they are timings, not counts."""
    measured = _as_exponent_dict(measured_exponents, "measured_exponents")
    outside, shown = [], []
    for key, (lo, hi) in MEASURED_RANGES.items():
        p = _exponent_of(measured[key], key)
        shown.append(f"{key} {p:.2f}")
        if not lo <= p <= hi:
            why = ("at small sizes a fixed cost per call, from Python and memory allocation, grows more slowly"
                   if p < lo else "a busy machine during the largest sizes inflates their times")
            outside.append(f"{key} {p:.2f} is outside [{lo}, {hi}] ({why})")
    if outside:
        right = 3 - len(outside)
        raise CheckFailed(f"measured {', '.join(shown)}. " + "; ".join(outside) +
                          ". Timings are noisy: re-run the timing cell, use larger sizes or more repeats",
                          fraction=right / 3)
    return (f"measured {', '.join(shown)}: within the generous ranges around the predicted 2, 1, 1 "
            "(timings vary from run to run; the exact counts do not)")
