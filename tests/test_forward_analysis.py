"""Essay A's forward-pass scenarios, the bias-folded count, and the forward timing helpers."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.cost.flops import elementwise_flops, forward_flops
from nncomplexity.cost.forward_analysis import (
    ESSAY_A_SCENARIOS,
    ForwardGrid,
    Scenario,
    count_flops_bias_folded_torch,
    equal_widths,
    forward_callable,
    forward_flops_bias_folded,
    measure_forward_grid,
    scenario_flops,
    time_forward,
    torch_threads,
)
from nncomplexity.measure.fit import fit_power_law
from nncomplexity.measure.timing import BudgetWarning

torch = pytest.importorskip("torch")
from nncomplexity.cost.counting import count_flops_torch, mlp_torch  # noqa: E402

SIZES = [8, 16, 32, 64, 128, 256, 512, 1024]
SCENARIOS = {s.key: s for s in ESSAY_A_SCENARIOS}


# ------------------------------------------------------------------ scenarios
@pytest.mark.parametrize("scenario", ESSAY_A_SCENARIOS, ids=lambda s: s.key)
def test_scenario_closed_form_equals_forward_flops(scenario):
    for n in [1, 2, 3, 7, *SIZES, 1001]:
        assert scenario.flops(n) == scenario.closed_form(n), (scenario.key, n)


@pytest.mark.parametrize("scenario", ESSAY_A_SCENARIOS, ids=lambda s: s.key)
def test_scenario_counts_equal_flopcountermode(scenario):
    for n in [1, 5, 64, 300]:
        widths, t = scenario.widths(n), scenario.batch_size(n)
        model = mlp_torch(widths, device="meta")
        measured = count_flops_torch(model, torch.empty(t, widths[0], device="meta"))
        assert measured["forward"] == scenario.flops(n), (scenario.key, n)


@pytest.mark.parametrize("scenario", [s for s in ESSAY_A_SCENARIOS if s.n_in is None],
                         ids=lambda s: s.key)
def test_pure_scenarios_fit_their_degree_exactly(scenario):
    fit = fit_power_law(SIZES, scenario_flops(scenario, SIZES))
    assert fit.exponent == pytest.approx(scenario.degree, abs=1e-9)
    assert fit.half_width < 1e-9
    assert str(fit) == f"{scenario.degree:.2f} (95% CI {scenario.degree:.2f} to {scenario.degree:.2f})"


def test_essay_a_degrees_are_2_3_3_4():
    assert [s.degree for s in ESSAY_A_SCENARIOS if s.n_in is None] == [2, 3, 3, 4]
    assert SCENARIOS["essay_a"].widths(5) == [5] * 6 and SCENARIOS["essay_a"].batch_size(5) == 5
    assert SCENARIOS["sample_depth_n"].batch_size(100) == 1


def test_lower_order_terms_bend_the_fitted_exponent():
    """784 → n → n → 10 is Θ(n²), but the 784·n term flattens a finite-range fit."""
    s = SCENARIOS["mnist_shaped"]
    fit = fit_power_law(SIZES, scenario_flops(s, SIZES))
    assert 1.0 < fit.exponent < 2.0
    big = [2**k for k in range(14, 20)]
    assert fit_power_law(big, scenario_flops(s, big)).exponent == pytest.approx(2, abs=0.05)


def test_per_sample_cost_is_cubic_not_quartic_for_depth_n():
    """The correction to essay A: one sample through n layers of width n is 2n³."""
    for n in SIZES:
        assert forward_flops(equal_widths(n, n), 1) == 2 * n**3
        assert forward_flops(equal_widths(n, n), n) == 2 * n**4


def test_scenario_input_checks():
    s = ESSAY_A_SCENARIOS[0]
    with pytest.raises(TypeError, match="scenario"):
        scenario_flops("essay_a", [8])
    with pytest.raises(ValueError, match="sizes"):
        scenario_flops(s, [])
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        scenario_flops(s, [8, 0])
    with pytest.raises(TypeError, match="n"):
        s.widths(2.0)
    with pytest.raises(ValueError, match="layers"):
        equal_widths(4, 0)
    assert isinstance(s, Scenario)


# ------------------------------------------------------------------ bias folded
@settings(max_examples=60, deadline=None)
@given(widths=st.lists(st.integers(1, 300), min_size=2, max_size=7), batch=st.integers(1, 64))
def test_bias_folded_count_equals_flopcountermode(widths, batch):
    assert count_flops_bias_folded_torch(widths, batch) == forward_flops_bias_folded(widths, batch)


@settings(max_examples=100, deadline=None)
@given(widths=st.lists(st.integers(1, 2000), min_size=2, max_size=10), batch=st.integers(1, 512))
def test_bias_folded_adds_two_flops_per_bias_per_sample(widths, batch):
    extra = forward_flops_bias_folded(widths, batch) - forward_flops(widths, batch)
    assert extra == 2 * batch * sum(widths[1:])
    # ... twice what adding the biases separately costs
    assert extra == 2 * elementwise_flops(widths, batch, activation="identity", bias=True)


def test_bias_folded_rejects_bad_input():
    with pytest.raises(ValueError, match="batch"):
        forward_flops_bias_folded([3, 4], 0)
    with pytest.raises(ValueError, match="widths"):
        forward_flops_bias_folded([3], 1)


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
    from nncomplexity.kernels.mlp import forward, params_from_torch

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


def test_torch_threads_restores_the_setting():
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="threads"):
        with torch_threads(0):
            pass


@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_time_forward_returns_a_timing(backend):
    tm = time_forward([16, 16, 16], 4, backend=backend, threads=1, repeats=3, min_repeat_s=0.001)
    assert tm.median > 0 and tm.q1 <= tm.median <= tm.q3 and tm.repeats >= 1


def test_measure_forward_grid_covers_the_grid():
    grid = measure_forward_grid([4, 8], [1, 2], [1, 3], threads=1, budget_s=10, repeats=2,
                                min_repeat_s=0.001)
    assert isinstance(grid, ForwardGrid) and not grid.missing
    assert set(grid.points) == {(n, L, t) for n in (4, 8) for L in (1, 2) for t in (1, 3)}
    p = grid[(8, 2, 3)]
    assert p.flops == forward_flops([8, 8, 8], 3) == 2 * 3 * 2 * 64
    assert p.gflops == pytest.approx(p.flops / p.seconds / 1e9)
    assert p.seconds_per_sample == pytest.approx(p.seconds / 3)
    assert (8, 2, 3) in grid and "measured all 8" in grid.message


def test_measure_forward_grid_budget_skips_the_most_expensive():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grid = measure_forward_grid([8, 256], [1, 4], [1, 64], threads=1, budget_s=1e-9,
                                    repeats=1, min_repeat_s=0.001)
    assert any(issubclass(w.category, BudgetWarning) for w in caught)
    assert grid.missing and (256, 4, 64) in grid.missing
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
    small = time_forward([256] * 3, 64, threads=1, repeats=5).median
    large = time_forward([1024] * 3, 64, threads=1, repeats=5).median  # 16x the FLOPs
    assert large > 3 * small
