r"""Essay A's analysis of the forward pass, restated exactly, and the helpers that time it.

Symbols (the book's): widths ``n = [n0, ..., nL]``, ``L`` layers, batch ``t``;
with equal widths every ``n[k] = n``.

**Counts.** The matrix products of one forward pass take
``forward_flops(widths, t) = 2·t·Σₖ n[k]·n[k-1]`` FLOPs. Essay A folds the
bias into Θ⁽ᵏ⁾ as an extra column (its input carries a constant 1 on top), so
each product has one more column: :func:`forward_flops_bias_folded` counts
``2·t·Σₖ n[k]·(n[k-1] + 1)``, that is ``2·t·Σₖ n[k]`` FLOPs more than the
products alone, in place of the ``t·Σₖ n[k]`` separate bias adds of
:func:`~nncomplexity.cost.flops.elementwise_flops`.

**Essay A's simplifications.** :data:`ESSAY_A_SCENARIOS` lists which
assumptions give which order of growth: the exact count as a function of ``n``,
its big-O, and the integer degree that a power-law fit of the counts must
recover. One sample per layer is a matrix–vector product, Θ(n²); ``L = n``
layers make Θ(n³) per sample; essay A's O(n⁴) needs a batch ``t = n`` as well.

**Timing.** :func:`forward_callable` builds a network and an input once and
returns a zero-argument callable that runs one forward pass (PyTorch under
``inference_mode``, or the book's NumPy :func:`~nncomplexity.kernels.mlp.forward`);
it plugs into :func:`~nncomplexity.measure.timing.sweep`. :func:`time_forward`
times one setting; :func:`measure_forward_grid` times a grid of (n, L, t)
within a time budget, cheapest first, for an explorer to read from.
:func:`torch_threads` pins PyTorch's intra-op thread count for a block.
"""
from __future__ import annotations

import contextlib
import itertools
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int, check_positive_float, check_widths
from .flops import ACTIVATIONS, forward_flops

__all__ = [
    "ESSAY_A_SCENARIOS",
    "ForwardGrid",
    "ForwardPoint",
    "Scenario",
    "count_flops_bias_folded_torch",
    "equal_widths",
    "forward_callable",
    "forward_flops_bias_folded",
    "measure_forward_grid",
    "scenario_flops",
    "time_forward",
    "torch_threads",
]

BACKENDS = ("torch", "numpy")
_DTYPES = ("float32", "float64")


# =========================================================================== counts
def equal_widths(n: int, layers: int) -> list[int]:
    """Widths ``[n] * (L + 1)``: L square layers of width n (input included)."""
    n = check_int("n", n, minimum=1)
    layers = check_int("layers", layers, minimum=1)
    return [n] * (layers + 1)


def forward_flops_bias_folded(widths, batch: int) -> int:
    """FLOPs of essay A's products z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ with the bias folded into Θ⁽ᵏ⁾.

    Θ⁽ᵏ⁾ has shape (n[k], n[k-1] + 1) and a⁽ᵏ⁻¹⁾ shape (n[k-1] + 1, t), so
    layer k costs ``2·t·n[k]·(n[k-1] + 1)`` FLOPs.

    Returns
    -------
    int
        ``forward_flops(widths, batch) + 2·t·Σₖ n[k]``.

    Cost: O(L).
    """
    n = check_widths("widths", widths)
    t = check_int("batch", batch, minimum=1)
    return sum(2 * t * n[k] * (n[k - 1] + 1) for k in range(1, len(n)))


def count_flops_bias_folded_torch(widths, batch: int) -> int:
    """FLOPs that ``FlopCounterMode`` counts for essay A's forward pass, bias folded in.

    Runs z⁽ᵏ⁾ = Θ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ and a⁽ᵏ⁾ = [1; sigmoid(z⁽ᵏ⁾)] on ``"meta"`` tensors
    (shapes only, no arithmetic), samples as columns, exactly as
    :func:`~nncomplexity.kernels.mlp.forward_essay` does in NumPy.

    Returns
    -------
    int
        Equal to :func:`forward_flops_bias_folded` (tested).

    Cost: no arithmetic (meta tensors); O(L) operator calls.
    """
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    n = check_widths("widths", widths)
    t = check_int("batch", batch, minimum=1)
    meta = torch.device("meta")
    thetas = [torch.empty(n[k], n[k - 1] + 1, device=meta) for k in range(1, len(n))]
    with FlopCounterMode(display=False) as counter:
        a = torch.empty(n[0] + 1, t, device=meta)  # (n0 + 1, t): bias unit on top
        for k, theta in enumerate(thetas, start=1):
            z = theta @ a  # (n[k], n[k-1]+1) @ (n[k-1]+1, t) -> (n[k], t)
            if k < len(thetas):
                a = torch.cat([torch.ones(1, t, device=meta), torch.sigmoid(z)])  # (n[k] + 1, t)
    return int(counter.get_total_flops())


@dataclass(frozen=True)
class Scenario:
    """One set of assumptions about the network, and the forward count it gives.

    Hidden widths are all ``n``; the input and output widths are ``n`` too
    unless ``n_in``/``n_out`` fix them. ``depth`` and ``batch`` are an int or
    the string ``"n"`` (grows with n).
    """

    key: str  # short identifier
    label: str  # a short label for plots and tables
    assumptions: str  # the assumptions, in words
    depth: int | str  # L, or "n"
    batch: int | str  # t, or "n"
    formula: str  # the exact count of the products as a function of n (plain text)
    big_o: str  # its order of growth in n
    degree: int  # the exponent of n in the leading term
    n_in: int | None = None  # fixed input width, or None for n
    n_out: int | None = None  # fixed output width, or None for n

    def _resolve(self, value: int | str, n: int) -> int:
        return n if value == "n" else value

    def layers(self, n: int) -> int:
        """L at width n."""
        return self._resolve(self.depth, check_int("n", n, minimum=1))

    def batch_size(self, n: int) -> int:
        """t at width n."""
        return self._resolve(self.batch, check_int("n", n, minimum=1))

    def widths(self, n: int) -> list[int]:
        """``[n0, ..., nL]`` at width n."""
        L = self.layers(n)
        w = [n] * (L + 1)
        if self.n_in is not None:
            w[0] = self.n_in
        if self.n_out is not None:
            w[-1] = self.n_out
        return w

    def flops(self, n: int) -> int:
        """``forward_flops(self.widths(n), self.batch_size(n))``."""
        return forward_flops(self.widths(n), self.batch_size(n))

    def closed_form(self, n: int) -> int:
        """The count from :attr:`formula`, computed independently of ``forward_flops``."""
        L, t = self.layers(n), self.batch_size(n)
        n_in = n if self.n_in is None else self.n_in
        n_out = n if self.n_out is None else self.n_out
        if L == 1:
            return 2 * t * n_in * n_out
        return 2 * t * (n_in * n + (L - 2) * n * n + n * n_out)


ESSAY_A_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("sample_fixed_depth", "t = 1, L = 4", "one sample, fixed depth L = 4",
             depth=4, batch=1, formula="2·L·n² = 8n²", big_o="Θ(n²)", degree=2),
    Scenario("sample_depth_n", "t = 1, L = n", "one sample, L = n layers (the correct per-sample bound)",
             depth="n", batch=1, formula="2·n·n² = 2n³", big_o="Θ(n³)", degree=3),
    Scenario("square_fixed_depth", "t = n, L = 4", "square products (batch t = n), fixed depth L = 4",
             depth=4, batch="n", formula="2·n·L·n² = 8n³", big_o="Θ(n³)", degree=3),
    Scenario("essay_a", "t = n, L = n", "square products (batch t = n) and L = n layers: essay A",
             depth="n", batch="n", formula="2·n·n·n² = 2n⁴", big_o="Θ(n⁴)", degree=4),
    Scenario("mnist_shaped", "784 → n → n → 10, t = 1", "one sample, fixed input 784 and output 10, L = 3",
             depth=3, batch=1, formula="2·(784n + n² + 10n)", big_o="Θ(n²)", degree=2,
             n_in=784, n_out=10),
)
"""Essay A's steps and their correction, one :class:`Scenario` per assumption set."""


def scenario_flops(scenario: Scenario, sizes: Sequence[int]) -> list[int]:
    """Exact forward FLOPs of ``scenario`` at each width in ``sizes``. Cost: O(Σ L)."""
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise ValueError("sizes must be a non-empty sequence of widths")
    return [scenario.flops(check_int(f"sizes[{i}]", n, minimum=1)) for i, n in enumerate(sizes)]


# =========================================================================== timing
@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run a block with PyTorch's intra-op thread count set to ``threads`` (None: unchanged)."""
    if threads is None:
        yield
        return
    threads = check_int("threads", threads, minimum=1)
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


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
        ``"torch"``: :func:`~nncomplexity.cost.counting.mlp_torch` run under
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
    n = check_widths("widths", widths)
    t = check_int("batch", batch, minimum=1)
    check_choice("backend", backend, BACKENDS)
    check_choice("dtype", dtype, _DTYPES)
    check_choice("activation", activation, tuple(a for a in ACTIVATIONS if a != "gelu"))
    seed = check_int("seed", seed, minimum=0)
    if backend == "torch":
        import torch

        from .counting import mlp_torch

        tdtype = getattr(torch, dtype)
        model = mlp_torch(n, activation=activation, dtype=tdtype, generator=seed)
        x = torch.randn(t, n[0], generator=torch.Generator().manual_seed(seed + 1), dtype=tdtype)

        def run_torch():
            with torch.inference_mode():
                return model(x)  # (t, n0) -> (t, nL)

        return run_torch

    from ..kernels.mlp import forward, init_params

    rng = np.random.default_rng(seed)
    params = init_params(n, rng, dtype=np.dtype(dtype))
    X = rng.standard_normal((t, n[0])).astype(dtype)  # (t, n0)

    def run_numpy():
        return forward(params, X, activation=activation).output  # (t, nL)

    return run_numpy


def time_forward(
    widths,
    batch: int,
    *,
    backend: str = "torch",
    dtype: str = "float32",
    activation: str = "relu",
    threads: int | None = None,
    seed: int = 0,
    **timing_kwargs,
):
    """Time one forward pass: :func:`forward_callable` measured by ``time_call``.

    Parameters
    ----------
    widths, batch, backend, dtype, activation, seed
        As for :func:`forward_callable`.
    threads : int, optional
        PyTorch intra-op threads during the measurement (restored after).
    **timing_kwargs
        Passed to :func:`~nncomplexity.measure.timing.time_call` (``repeats``,
        ``min_repeat_s``, ``max_total_s``, ...).

    Returns
    -------
    Timing
        Median and quartiles of the seconds per forward pass.
    """
    from ..measure.timing import time_call

    fn = forward_callable(widths, batch, backend=backend, dtype=dtype, activation=activation, seed=seed)
    with torch_threads(threads if backend == "torch" else None):
        return time_call(fn, **timing_kwargs)


@dataclass(frozen=True)
class ForwardPoint:
    """One measured forward pass of equal-width layers: n, L, t, its exact count and time."""

    n: int  # width of every layer
    L: int  # number of layers
    t: int  # batch
    flops: int  # forward_flops([n] * (L + 1), t)
    seconds: float  # median seconds per forward pass
    q1: float  # first quartile of the per-call times
    q3: float  # third quartile

    @property
    def gflops(self) -> float:
        """Achieved rate, 10⁹ FLOP/s: the exact count over the median time."""
        return self.flops / self.seconds / 1e9

    @property
    def seconds_per_sample(self) -> float:
        return self.seconds / self.t


@dataclass(frozen=True)
class ForwardGrid:
    """The result of :func:`measure_forward_grid`."""

    points: dict  # (n, L, t) -> ForwardPoint, for every measured setting
    missing: tuple  # (n, L, t) settings skipped because the budget ran out
    budget_s: float  # the budget the measurement ran under
    elapsed_s: float  # wall time it took

    def __getitem__(self, key) -> ForwardPoint:
        return self.points[key]

    def __contains__(self, key) -> bool:
        return key in self.points

    @property
    def message(self) -> str:
        if not self.missing:
            return f"measured all {len(self.points)} settings in {self.elapsed_s:.1f} s"
        return (f"time budget of {self.budget_s:g} s reached: measured {len(self.points)} settings, "
                f"skipped {len(self.missing)} (the most expensive)")


def measure_forward_grid(
    ns: Sequence[int],
    Ls: Sequence[int],
    ts: Sequence[int],
    *,
    backend: str = "torch",
    dtype: str = "float32",
    threads: int | None = None,
    budget_s: float = 20.0,
    repeats: int = 5,
    min_repeat_s: float = 0.005,
) -> ForwardGrid:
    """Time the forward pass at every (n, L, t) of a grid, cheapest first, within a budget.

    Each setting is timed once with ``time_call`` (median of ``repeats``), its
    share of the remaining budget bounding its repeats. Should the budget run
    out, the remaining (most expensive) settings are skipped, listed in
    ``missing`` and reported with a ``BudgetWarning``.

    Parameters
    ----------
    ns, Ls, ts : sequences of int
        Widths, layer counts and batch sizes; the grid is their product.
    backend, dtype, threads
        As for :func:`time_forward`.
    budget_s : float
        Seconds for the whole grid.
    repeats, min_repeat_s
        Passed to ``time_call``.

    Returns
    -------
    ForwardGrid
    """
    from ..measure.timing import BudgetWarning, time_call

    axes = {}
    for name, values in (("ns", ns), ("Ls", Ls), ("ts", ts)):
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"{name} must be a non-empty sequence of integers")
        axes[name] = [check_int(f"{name}[{i}]", v, minimum=1) for i, v in enumerate(values)]
    budget_s = check_positive_float("budget_s", budget_s)
    grid = sorted(itertools.product(axes["ns"], axes["Ls"], axes["ts"]),
                  key=lambda s: (forward_flops(equal_widths(s[0], s[1]), s[2]), s))
    points: dict = {}
    start = time.perf_counter()
    missing: tuple = ()
    with torch_threads(threads if backend == "torch" else None):
        for i, (n, L, t) in enumerate(grid):
            remaining = budget_s - (time.perf_counter() - start)
            if remaining <= 0:
                missing = tuple(grid[i:])
                break
            fn = forward_callable(equal_widths(n, L), t, backend=backend, dtype=dtype)
            tm = time_call(fn, repeats=repeats, min_repeat_s=min_repeat_s,
                           max_total_s=max(remaining / (len(grid) - i), 1e-3))
            points[(n, L, t)] = ForwardPoint(n, L, t, forward_flops(equal_widths(n, L), t),
                                             tm.median, tm.q1, tm.q3)
    result = ForwardGrid(points, missing, budget_s, time.perf_counter() - start)
    if missing:
        warnings.warn(result.message, BudgetWarning, stacklevel=2)
    return result
