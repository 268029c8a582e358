"""Workloads ready to time: a network and its input built once, one pass per call.

:func:`forward_callable` returns a zero-argument callable that runs one
forward pass (PyTorch under ``inference_mode``, or the book's NumPy
:func:`~nncomplexity.kernels.mlp.forward`); it plugs into
:func:`~nncomplexity.measure.timing.time_call` and
:func:`~nncomplexity.measure.timing.sweep`. :func:`measure_forward_grid` times
a grid of equal-width networks (n, L, t) within a budget, cheapest first, for
an explorer to read from.

This module sits above the kernels, the counts and the measurements: it
imports all three, and none of them imports it.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from ._validate import Choice, Int, Widths, validate_params
from .cost.flops import forward_flops
from .cost.scenarios import equal_widths
from .kernels.activations import HIDDEN_ACTIVATIONS
from .kernels.mlp import forward
from .kernels.params import init_params
from .measure.machine import torch_threads
from .measure.sweep import Sweep, sweep
from .measure.timing import TimingConfig

__all__ = ["BACKENDS", "DTYPES", "forward_callable", "measure_forward_grid"]

BACKENDS = ("torch", "numpy")
DTYPES = ("float32", "float64")


@validate_params(widths=Widths(), batch=Int(minimum=1), backend=Choice(BACKENDS), dtype=Choice(DTYPES),
                 activation=Choice(HIDDEN_ACTIVATIONS), seed=Int(minimum=0))
def forward_callable(
    widths,
    batch: int,
    *,
    backend: str = "torch",
    dtype: str = "float32",
    activation: str = "relu",
    seed: int = 0,
) -> Callable[[], object]:
    """Build a network and an input once; return a callable that runs one forward pass.

    Parameters
    ----------
    widths : sequence of int
        ``[n0, ..., nL]``.
    batch : int
        t, the samples per pass.
    backend : {"torch", "numpy"}
        ``"torch"``: :func:`~nncomplexity.kernels.mlp_torch.mlp_torch` run under
        ``torch.inference_mode`` (no autograd bookkeeping). ``"numpy"``: the
        book's :func:`~nncomplexity.kernels.mlp.forward` on
        :func:`~nncomplexity.kernels.mlp.init_params` weights.
    dtype : {"float32", "float64"}
    activation : {"relu", "tanh", "sigmoid", "identity"}
        Between layers (none after the last, as in ``mlp_torch``).
    seed : int
        Seeds the weights and the input.

    Returns
    -------
    callable
        ``fn()`` runs the pass and returns the output, shape (t, n[L]).

    Cost of each call: ``forward_flops(widths, batch)`` FLOPs in the products.
    """
    n, t = widths, batch
    if backend == "torch":
        import torch

        from .kernels.mlp_torch import mlp_torch

        tdtype = getattr(torch, dtype)
        model = mlp_torch(n, activation=activation, dtype=tdtype, generator=seed)
        x = torch.randn(t, n[0], generator=torch.Generator().manual_seed(seed + 1), dtype=tdtype)

        def run_torch():
            with torch.inference_mode():
                return model(x)  # (t, n0) -> (t, nL)

        return run_torch

    rng = np.random.default_rng(seed)
    params = init_params(n, rng, dtype=np.dtype(dtype))
    X = rng.standard_normal((t, n[0])).astype(dtype)  # (t, n0)

    def run_numpy():
        return forward(params, X, activation=activation).output  # (t, nL)

    return run_numpy


def _axis(name: str, values) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise ValueError(f"{name} must be a non-empty sequence of integers")
    return [Int(minimum=1).check(f"{name}[{i}]", v) for i, v in enumerate(values)]


def measure_forward_grid(ns: Sequence[int], Ls: Sequence[int], ts: Sequence[int], *,
                         backend: str = "torch", dtype: str = "float32", threads: int | None = None,
                         config: TimingConfig | None = None, **overrides) -> Sweep:
    """Time the forward pass of equal-width networks at every (n, L, t) of a grid, cheapest first.

    One :func:`~nncomplexity.measure.sweep.sweep` over the grid points, ordered
    by their exact count ``forward_flops([n] * (L + 1), t)``; the budget
    (``config.budget_s``) bounds the whole grid, and the most expensive points
    are skipped (and reported) should it run out.

    Parameters
    ----------
    ns, Ls, ts : sequences of int
        Widths n, layer counts L and batch sizes t; the grid is their product.
    backend, dtype
        As for :func:`forward_callable`.
    threads : int, optional
        PyTorch's intra-op threads during the measurement (restored after).
    config, **overrides
        The timing settings (repeats, warm-up, budget), as for ``sweep``.

    Returns
    -------
    Sweep
        ``result[(n, L, t)]`` is the :class:`~nncomplexity.measure.timing.Timing` of that setting.
    """
    grid = list(itertools.product(_axis("ns", ns), _axis("Ls", Ls), _axis("ts", ts)))

    def prepare(point):
        n, L, t = point
        return forward_callable(equal_widths(n, L), t, backend=backend, dtype=dtype)

    def count(point):
        n, L, t = point
        return forward_flops(equal_widths(n, L), t)

    with torch_threads(threads if backend == "torch" else None):
        return sweep(prepare, grid, config, cost=count, **overrides)
