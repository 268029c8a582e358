"""Ready-to-time workloads: the forward pass as a callable, and the timed (n, L, t) grid."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from nncomplexity.cost.flops import forward_flops
from nncomplexity.cost.scenarios import equal_widths
from nncomplexity.measure.machine import torch_threads
from nncomplexity.measure.sweep import BudgetWarning, Sweep
from nncomplexity.measure.timing import time_call
from nncomplexity.workloads import forward_callable, measure_forward_grid

torch = pytest.importorskip("torch")
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402

# ------------------------------------------------------------------ timing helpers
@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("widths,batch", [([5, 7, 3], 4), ([1, 1], 1), ([13, 2, 11, 3], 9)])
def test_forward_callable_runs_the_network(backend, widths, batch):
    out = forward_callable(widths, batch, backend=backend, dtype="float64")()
    out = out.numpy() if backend == "torch" else out
    assert out.shape == (batch, widths[-1])
    assert np.isfinite(out).all()


def test_forward_callable_torch_matches_the_book_forward():
    """The timed torch pass computes what kernels.mlp.forward computes on the same weights."""
    from nncomplexity.kernels.mlp import forward
    from nncomplexity.kernels.mlp_torch import params_from_torch

    widths, t = [6, 9, 4], 5
    fn = forward_callable(widths, t, backend="torch", dtype="float64", activation="tanh", seed=3)
    model = mlp_torch(widths, activation="tanh", dtype=torch.float64, generator=3)
    x = torch.randn(t, widths[0], generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    expected = forward(params_from_torch(model), x.numpy(), activation="tanh").output
    np.testing.assert_allclose(fn().numpy(), expected, rtol=1e-12, atol=1e-12)


def test_forward_callable_is_seeded():
    a = forward_callable([4, 3], 2, backend="numpy", seed=1)()
    b = forward_callable([4, 3], 2, backend="numpy", seed=1)()
    c = forward_callable([4, 3], 2, backend="numpy", seed=2)()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_forward_callable_rejects_bad_input():
    with pytest.raises(ValueError, match="backend"):
        forward_callable([3, 4], 1, backend="jax")
    with pytest.raises(ValueError, match="dtype"):
        forward_callable([3, 4], 1, dtype="float16")
    with pytest.raises(ValueError, match="batch"):
        forward_callable([3, 4], 0)
    with pytest.raises(ValueError, match="widths"):
        forward_callable([3], 1)
    with pytest.raises(ValueError, match="activation"):
        forward_callable([3, 4], 1, activation="gelu")
    with pytest.raises(TypeError, match="seed"):
        forward_callable([3, 4], 1, seed=1.5)


@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_forward_callable_times_with_time_call(backend):
    with torch_threads(1):
        tm = time_call(forward_callable([16, 16, 16], 4, backend=backend), repeats=3, min_repeat_s=0.001)
    assert tm.median > 0 and tm.q1 <= tm.median <= tm.q3 and tm.repeats >= 1


def test_measure_forward_grid_covers_the_grid():
    grid = measure_forward_grid([4, 8], [1, 2], [1, 3], threads=1, budget_s=10, repeats=2,
                                min_repeat_s=0.001)
    assert isinstance(grid, Sweep) and not grid.stopped_early
    assert set(grid.sizes) == {(n, L, t) for n in (4, 8) for L in (1, 2) for t in (1, 3)}
    counts = [forward_flops(equal_widths(n, L), t) for n, L, t in grid.sizes]
    assert counts == sorted(counts)  # cheapest first
    assert grid[(8, 2, 3)].median > 0
    assert (8, 2, 3) in grid and "8" in grid.message


def test_measure_forward_grid_budget_skips_the_most_expensive():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grid = measure_forward_grid([8, 256], [1, 4], [1, 64], threads=1, budget_s=1e-9,
                                    repeats=1, min_repeat_s=0.001)
    assert any(issubclass(w.category, BudgetWarning) for w in caught)
    assert grid.stopped_early and (256, 4, 64) in grid.skipped
    assert "budget" in grid.message


def test_measure_forward_grid_rejects_bad_input():
    with pytest.raises(ValueError, match="ns"):
        measure_forward_grid([], [1], [1])
    with pytest.raises(ValueError, match=r"ts\[0\]"):
        measure_forward_grid([4], [1], [0])
    with pytest.raises(ValueError, match="budget_s"):
        measure_forward_grid([4], [1], [1], budget_s=0)


def test_time_grows_with_the_count_at_large_sizes():
    """A generous check with a strong signal: 8x the FLOPs takes clearly longer."""
    with torch_threads(1):
        small = time_call(forward_callable([256] * 3, 64), repeats=5).median
        large = time_call(forward_callable([1024] * 3, 64), repeats=5).median  # 16x the FLOPs
    assert large > 3 * small
