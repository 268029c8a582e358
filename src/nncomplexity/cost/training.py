"""FLOPs of a whole training run: exact for an MLP, and the 6·N·D rule of thumb.

Total training cost = (number of steps) × (cost per step). The number of
steps is a choice (epochs, batch size) or is set by the accuracy wanted, the
conditioning of the problem and the data; it is not fixed by the width. (In
compute-optimal training of large models, data and steps are scaled together
with model size by choice: Kaplan et al. 2020; Hoffmann et al. 2022.)
"""
from __future__ import annotations

import numbers

from .._validate import Bool, Real, check_int, validate_params
from .flops import training_step_flops

__all__ = ["GPT3_PARAMS", "GPT3_TOKENS", "compute_optimal", "flops_6nd", "training_flops"]

GPT3_PARAMS = 175e9
"""Parameters N of GPT-3 (Brown et al. 2020)."""
GPT3_TOKENS = 300e9
"""Training tokens D of GPT-3 (Brown et al. 2020)."""


@validate_params(drop_last=Bool())
def training_flops(
    widths,
    dataset_size: int | None = None,
    epochs: int | None = None,
    batch: int | None = None,
    *,
    steps: int | None = None,
    drop_last: bool = False,
) -> int:
    """Matrix-product FLOPs of a full training run of an MLP (no input gradient).

    Two ways to say how long training runs (mutually exclusive):

    - ``dataset_size`` and ``epochs`` (``batch`` defaults to the whole data set,
      i.e. full-batch gradient descent): each epoch runs ``⌊N/t⌋`` full batches
      and, unless ``drop_last``, one last batch of ``N mod t`` samples;
    - ``steps`` and ``batch``: ``steps`` updates on batches of ``t`` samples.

    A step's FLOPs are linear in its batch, so without ``drop_last`` the total
    is ``epochs · N · training_step_flops(widths, 1)`` whatever the batch: the
    batch size changes how many updates you get, not the arithmetic per epoch.

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
    dataset_size : int, N >= 1
    epochs : int, >= 0
    batch : int, t >= 1 (<= N when given with dataset_size)
    steps : int, keyword-only, >= 0
    drop_last : bool, keyword-only
        Skip the last, partial batch of each epoch (as ``DataLoader(drop_last=True)``).

    Returns
    -------
    int
        Exact FLOPs (forward + backward products; optimiser updates not counted).

    Book: chapter 3, {prf:ref}`ex-training-run`. Cost: O(L).
    """
    if steps is not None:
        if epochs is not None or dataset_size is not None:
            raise ValueError("give either steps (with batch) or dataset_size and epochs, not both")
        if batch is None:
            raise ValueError("batch is required with steps")
        steps = check_int("steps", steps, minimum=0)
        return steps * training_step_flops(widths, batch)
    if dataset_size is None or epochs is None:
        raise ValueError("give dataset_size and epochs, or steps and batch")
    size = check_int("dataset_size", dataset_size, minimum=1)
    epochs = check_int("epochs", epochs, minimum=0)
    t = size if batch is None else check_int("batch", batch, minimum=1, maximum=size)
    full, rest = divmod(size, t)
    per_epoch = full * training_step_flops(widths, t)
    if rest and not drop_last:
        per_epoch += training_step_flops(widths, rest)  # the last, smaller batch
    return epochs * per_epoch


def flops_6nd(n_params, n_tokens):  # not decorated: the exact-int branch needs the raw types
    """Training compute by the rule of thumb ``C ≈ 6·N·D`` (Kaplan et al. 2020).

    Per token a forward pass costs ≈ 2N FLOPs (one multiply-add per parameter)
    and the backward pass ≈ 4N, so training on D tokens costs ≈ 6·N·D. N
    excludes embedding parameters, whose forward pass is a lookup (no
    multiply-adds). It ignores attention's context-length term and all
    elementwise work. For
    GPT-3, ``flops_6nd(GPT3_PARAMS, GPT3_TOKENS)`` = 3.15e23, close to the
    3.14e23 its paper reports.

    Parameters
    ----------
    n_params : int or float, N > 0
    n_tokens : int or float, D > 0

    Returns
    -------
    int or float
        An exact int when both arguments are ints, else a float.

    Cost: O(1).

    Book: chapter 3, {prf:ref}`ex-training-run`.
    """
    n = Real().check("n_params", n_params)
    d = Real().check("n_tokens", n_tokens)
    if isinstance(n_params, numbers.Integral) and isinstance(n_tokens, numbers.Integral):
        return 6 * int(n_params) * int(n_tokens)  # exact: Python ints do not overflow
    return 6.0 * n * d


@validate_params(compute=Real())
def compute_optimal(compute: float, law) -> tuple[float, float]:
    """The split ``(N, D)`` of a compute budget that minimises a scaling law's loss.

    Minimise ``L(N, D) = E + A/N^α + B/D^β`` subject to ``6·N·D = C``. Putting
    ``D = C/(6N)`` and setting dL/dN = 0 gives ``α·A/N^α = β·B/D^β``, so

    ``N_opt = G · (C/6)^(β/(α+β))``, ``D_opt = (C/6)^(α/(α+β)) / G``,
    ``G = (α·A / (β·B))^(1/(α+β))`` (Hoffmann et al. 2022).

    Parameters
    ----------
    compute : float, C > 0
        Training FLOPs.
    law : object with attributes ``A, B, alpha, beta`` (E does not move the optimum)
        E.g. a :class:`~nncomplexity.measure.scaling.ScalingLaw` or a fit of one.

    Returns
    -------
    (float, float)
        ``(n_params, n_tokens)``, with ``6 · n_params · n_tokens == compute`` up to rounding.

    Cost: O(1).

    Book: chapter 6, {prf:ref}`prop-compute-optimal`.
    """
    try:
        a, b, alpha, beta = (float(getattr(law, k)) for k in ("A", "B", "alpha", "beta"))
    except (AttributeError, TypeError, ValueError) as exc:
        raise TypeError(f"law must have numeric attributes A, B, alpha, beta, got {type(law).__name__}") from exc
    if not all(x > 0 and x < float("inf") for x in (a, b, alpha, beta)):
        raise ValueError(f"law must have positive finite A, B, alpha, beta, got {(a, b, alpha, beta)}")
    g = (alpha * a / (beta * b)) ** (1.0 / (alpha + beta))
    half = compute / 6.0  # N·D
    n = g * half ** (beta / (alpha + beta))
    return n, half / n
