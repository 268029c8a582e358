"""Essay A's forward-pass scenarios and the bias-folded count, against PyTorch's counter."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.cost.flops import elementwise_flops, forward_flops, forward_flops_bias_folded
from nncomplexity.cost.scenarios import ESSAY_A_SCENARIOS, Scenario, equal_widths, log_grid, scenario_flops
from nncomplexity.measure.fit import fit_power_law

torch = pytest.importorskip("torch")
from nncomplexity.cost.counting import count_flops_bias_folded_torch, count_flops_torch  # noqa: E402
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402

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


def test_log_grid():
    assert log_grid(1, 1024, 11) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
    assert log_grid(5, 5, 1) == [5]
    with pytest.raises(ValueError, match="hi"):
        log_grid(10, 5, 3)
