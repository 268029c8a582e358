"""Lab 2, forward propagation: the pass, its exact count, PyTorch's count, the exponents.

The network is the library's: batch first like ``torch.nn.Linear`` (``W[i]`` of shape
(n[i+1], n[i]), ``b[i]`` of shape (n[i+1],)), ReLU between layers, a linear output layer.
References: ``kernels.mlp.forward``, ``cost.flops.forward_flops`` (the grader's own process).
"""
from __future__ import annotations

from ..answers import Array, Count, as_real, close
from ..core import Case, CheckFailed, Helpers, Mistake, Task, Unchanged
from ._common import (FORGOT_BATCH, MULTIPLY_ADDS, NUMPY, SHAPE_WORDS, count, forward_ref, forward_variant,
                      make_network, net_str)

LAB, TITLE = "lab02", "Lab 2: Forward propagation"
PREDICTED = {"width": 2, "depth": 1, "batch": 1}
"""Exponents of forward time in width n, depth L and batch t (the others fixed): Θ(t·L·n²)."""
MEASURED_RANGES = {"width": (1.4, 2.6), "depth": (0.6, 1.4), "batch": (0.5, 1.5)}
"""Accepted measured exponents: wide, because small sizes carry fixed costs and timings are noisy."""
# (widths, batch): a generic net first, then square, deep, batch 1, width 1.
NETWORKS = [([3, 5, 2], 4), ([5, 5, 5], 5), ([2, 6, 6, 6, 3], 5), ([4, 3], 1), ([1, 1, 1], 3), ([3, 1, 4], 2)]


def _forward_cases(rng):
    return [Case(make_network(w, t, rng), net_str(w, t), facts={"t": t, "entries": len(w), "L": len(w) - 1})
            for w, t in NETWORKS]


def _count_cases(rng):
    cases = [([3, 5, 2], 4), ([784, 256, 10], 32), ([4, 3], 1), ([1, 1], 1), ([7, 1, 7], 3), ([2, 3, 4, 5, 6], 6)]
    for _ in range(3):
        depth = int(rng.integers(1, 6))
        cases.append(([int(v) for v in rng.integers(1, 65, size=depth + 1)], int(rng.integers(1, 129))))
    return [Case((w, t), net_str(w, t)) for w, t in cases]


def _macs(n):
    return [a * b for a, b in zip(n[:-1], n[1:])]


def _as_exponent_dict(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise CheckFailed(f"{name} should be a dict like {{\"width\": ..., \"depth\": ..., \"batch\": ...}}, "
                          f"got {type(value).__name__}")
    missing = [k for k in ("width", "depth", "batch") if k not in value]
    if missing:
        raise CheckFailed(f"{name} has no entry for {', '.join(missing)}: give all three of width, depth, batch")
    return value


_WHY = {"width": "with t and L fixed, a layer of width n multiplies (t, n) by (n, n): t·n² multiply-adds",
        "depth": "each extra layer of the same width adds the same work",
        "batch": "each extra sample goes through the same layers and adds the same work"}


def judge_predicted(predicted_exponents) -> str:
    """Forward time ∝ t·L·n²: 2 for width, 1 for depth, 1 for batch (a point each)."""
    pred, wrong = _as_exponent_dict(predicted_exponents, "predicted_exponents"), []
    for key, want in PREDICTED.items():
        value = pred[key]
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            wrong.append(f"{key}: {value!r} is not a number")
        elif float(value) != want:
            hint = _WHY[key]
            if key == "width" and float(value) == 3:
                hint = ("3 is the exponent when one more quantity grows with the width: the depth (L = n layers "
                        "and one sample, Θ(n³), the chapter's central case) or the batch (t = n samples through "
                        "a fixed depth); here only the width changes")
            elif key == "width" and float(value) == 4:
                hint = ("4 is essay A's n⁴: the depth and the batch both grow with the width (L = n layers, "
                        "t = n samples); here only the width changes")
            wrong.append(f"{key}: your {value!r} is not right ({hint})")
    if wrong:
        raise CheckFailed(f"{3 - len(wrong)} of 3 right. " + "; ".join(wrong), fraction=(3 - len(wrong)) / 3)
    return "all three right: forward time is Θ(t·L·n²)"


def judge_measured(measured_exponents) -> str:
    """Measured exponents, generously: they are timings, not counts (a third of a point each)."""
    measured, outside, shown = _as_exponent_dict(measured_exponents, "measured_exponents"), [], []
    for key, (lo, hi) in MEASURED_RANGES.items():
        p = as_real(measured[key], f"measured_exponents[{key!r}]", "")
        shown.append(f"{key} {p:.2f}")
        if not lo <= p <= hi:
            why = ("at small sizes a fixed cost per call, from Python and memory allocation, grows more slowly"
                   if p < lo else "a busy machine during the largest sizes inflates their times")
            outside.append(f"{key} {p:.2f} is outside [{lo}, {hi}] ({why})")
    if outside:
        raise CheckFailed(f"measured {', '.join(shown)}. " + "; ".join(outside) + ". Timings are noisy: re-run the "
                          "timing cell, use larger sizes or more repeats", fraction=(3 - len(outside)) / 3)
    return (f"measured {', '.join(shown)}: within the generous ranges around the predicted 2, 1, 1 "
            "(timings vary from run to run; the exact counts do not)")


def _flops(w, t):
    return count("forward_flops", w, t)


def _extra(w, t, *args, **kwargs):  # the count plus elementwise work
    return _flops(w, t) + count("elementwise_flops", w, t, *args, **kwargs)


def _shape(got, want, *args):
    return got.shape != want.shape


SQUARED = "you squared each width; layer k multiplies consecutive widths, n[k−1]·n[k]"
HAS_SHAPE = "your output has shape {got_shape} {on}"
TASKS = [
    Task("2.1", "implement the forward pass", 3, ("forward_pass",),
         "forward_pass(params, X) against the library's forward on 6 networks (generic, square, deep, batch 1, "
         "width 1, a width-1 bottleneck) with nonzero biases; diagnoses transposed output, forgotten batch, one layer "
         "too few, missing bias, ReLU on the output or missing, bias after the activation, W instead of W.T, changed "
         "inputs", cases=_forward_cases, reference=lambda p, X: forward_ref(p, X).output, answer=Array("your output"),
         helpers=NUMPY, error_hints=((SHAPE_WORDS, "A shape mismatch: W[i] has shape (n_out, n_in), as torch.nn.Linear "
                                     "stores it, so a layer computes A @ W.T + b with A of shape (t, n_in)"),),
         unchanged=Unchanged("right output, but your function changed its input (X or params) in place {on}: "
                             "compute new arrays (Z = A @ W.T + b), do not overwrite X or W", credit=0.5),
         mistakes=(
             Mistake(HAS_SHAPE + "; expected (t, n_L) = {want_shape}: it is transposed. Batch first means one row per "
                     "sample, like torch.nn.Linear", alone=True,
                     when=lambda got, want, p, X: _shape(got, want) and close(got, want.T)),
             Mistake(HAS_SHAPE + ": only the first sample. Did you forget the batch? X holds t = {t} samples, one per "
                     "row, and the output has one row for each", alone=True,
                     when=lambda got, want, p, X: len(X) > 1 and _shape(got, want) and got.size == want.shape[1]
                     and close(got.reshape(-1), want[0])),
             Mistake(HAS_SHAPE + ", the width of layer L − 1: did your loop stop one layer early? widths has L + 1 = "
                     "{entries} entries, so there are {L} layers (len(params['W']))", alone=True,
                     when=lambda got, want, p, X: len(p["W"]) > 1 and got.shape == (len(X), len(p["b"][-2]))),
             Mistake(HAS_SHAPE + "; expected (t, n_L) = {want_shape}", alone=True, when=_shape),
             Mistake("your output equals the network's without biases: did you forget to add b? Each layer computes "
                     "A @ W.T + b", alt=lambda p, X: forward_variant(p, X, bias=False)),
             Mistake("you applied ReLU after the last layer too; the output layer is linear (no activation)",
                     alt=lambda p, X: forward_variant(p, X, out="relu")),
             Mistake("no ReLU between layers: every hidden layer applies ReLU to A @ W.T + b",
                     alt=lambda p, X: forward_variant(p, X, hidden="identity")),
             Mistake("you used the sigmoid; this lab's network uses ReLU between layers",
                     alt=lambda p, X: forward_variant(p, X, hidden="sigmoid")),
             Mistake("you used tanh; this lab's network uses ReLU between layers",
                     alt=lambda p, X: forward_variant(p, X, hidden="tanh")),
             Mistake("you added the bias after the activation; it goes inside: g(A @ W.T + b)",
                     alt=lambda p, X: forward_variant(p, X, bias_after=True)),
             Mistake("you multiplied by W instead of W.T: W[i] has shape (n_out, n_in), as torch.nn.Linear stores "
                     "it, so a layer is A @ W.T + b", alt=lambda p, X: forward_variant(p, X, transpose=False)),
         ),
         passed="matches the library's forward pass on {n} networks, including batch 1 and width 1"),
    Task("2.2", "count the forward pass exactly", 2, ("forward_flop_count",),
         "forward_flop_count(widths, batch) against the library's forward_flops on 9 networks (random, batch 1, "
         "width 1, one layer); diagnoses multiply-adds for FLOPs, forgotten batch, bias adds or ReLUs counted, a bias "
         "column, one layer too few, squared widths",
         cases=_count_cases, reference=_flops, answer=Count(), helpers=NUMPY,
         mistakes=(
             Mistake(MULTIPLY_ADDS, alt=lambda n, t: t * sum(_macs(n))),
             Mistake(FORGOT_BATCH, alt=lambda n, t: 2 * sum(_macs(n))),
             Mistake("you counted multiply-adds for one sample: one multiply-add is 2 FLOPs, and all t samples count",
                     alt=lambda n, t: sum(_macs(n))),
             Mistake("you included the bias adds; count only the matrix products, as FlopCounterMode does (bias "
                     "adds are elementwise work)", alt=lambda n, t: _extra(n, t, "identity")),
             Mistake("you included the ReLU evaluations; count only the matrix products, as FlopCounterMode does",
                     alt=lambda n, t: _extra(n, t, "relu", bias=False)),
             Mistake("you included bias adds and ReLUs; count only the matrix products",
                     alt=lambda n, t: _extra(n, t, "relu")),
             Mistake("you counted the bias as an extra input (essay A's column of Θ): that adds 2·t·n[k] per layer. "
                     "Here the bias add is elementwise work, not part of the product, and is not counted",
                     alt=lambda n, t: 2 * t * sum((a + 1) * b for a, b in zip(n[:-1], n[1:]))),
             Mistake("off by one in the layer count: you left out the last layer. widths has L + 1 entries, so there "
                     "are L = len(widths) − 1 layers", alt=lambda n, t: 2 * t * sum(_macs(n)[:-1])),
             Mistake("off by one in the layer count: you left out the first layer (input to layer 1)",
                     alt=lambda n, t: 2 * t * sum(_macs(n)[1:])),
             Mistake(SQUARED, alt=lambda n, t: 2 * t * sum(w * w for w in n[1:])),
             Mistake(SQUARED, alt=lambda n, t: 2 * t * sum(w * w for w in n[:-1])),
             Mistake("you assumed every layer is as wide as the input; use each layer's own widths",
                     alt=lambda n, t: 2 * t * (len(n) - 1) * n[0] ** 2),
         ),
         passed="exact on {n} networks, including one layer, batch 1 and width 1"),
    Task("2.3", "count the forward pass with PyTorch's FlopCounterMode", 1, ("torch_forward_flops",),
         "torch_forward_flops(widths, batch) (FlopCounterMode around an nn.Linear network) equals forward_flops on 4 "
         "networks; diagnoses a counter that saw nothing, a backward pass counted, batch 1, a layer missing",
         cases=lambda rng: [Case((w, t), net_str(w, t), facts={"t": t, "n0": w[0]})
                            for w, t in [([3, 5, 2], 4), ([4, 3], 1), ([1, 1, 1], 2), ([6, 4, 4, 2], 3)]],
         reference=_flops, answer=Count("PyTorch's count",
                                        head="your function returned {got} {on}; forward_flops gives {want}"),
         helpers=Helpers(allow=("numpy", "torch", "nncomplexity.*mlp_torch")), time_limit_s=60, call_limit_s=30,
         mistakes=(
             Mistake("the counter saw no product. Run the model inside `with FlopCounterMode(display=False) as "
                     "counter:` and return counter.get_total_flops()", when=lambda got, want, w, t: got == 0),
             Mistake("that includes the backward pass; count only model(x)", when=lambda got, want, w, t: got in {
                 count("training_step_flops", w, t, g) for g in (False, True)}),
             Mistake("that is the backward pass; count only model(x)", when=lambda got, want, w, t: got in {
                 count("backward_flops", w, t, g) for g in (False, True)}),
             Mistake("that is the count for one sample; the input should have shape ({t}, {n0})",
                     when=lambda got, want, w, t: t > 1 and got == _flops(w, 1)),
             Mistake("your model is one layer short; build one nn.Linear per pair of consecutive widths",
                     when=lambda got, want, w, t: len(w) > 2 and got in {_flops(w[:-1], t), _flops(w[1:], t)}),
         ),
         passed="PyTorch's FlopCounterMode agrees with the exact count on {n} networks"),
    Task("2.4", "predict how time grows with width, depth and batch", 3, ("predicted_exponents",),
         "the three predicted exponents exactly (1 point each): 2 for width, 1 for depth, 1 for batch; "
         "diagnoses n³ (depth L = n with one sample, or batch t = n) and essay A's n⁴ (both)",
         kind="values", judge=judge_predicted),
    Task("2.5", "measure how time grows with width, depth and batch", 1, ("measured_exponents",),
         "measured exponents (PowerLawFit or numbers) within generous ranges: width "
         f"{list(MEASURED_RANGES['width'])}, depth {list(MEASURED_RANGES['depth'])}, batch "
         f"{list(MEASURED_RANGES['batch'])} (timings are noisy; a third of a point each)", kind="values",
         judge=judge_measured,
         prepare="lambda v: {k: getattr(x, 'exponent', x) for k, x in v.items()} if isinstance(v, dict) else v"),
]
