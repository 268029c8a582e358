"""Searchers on a synthetic table: budgets kept, costs exact, regret defined and shrinking; stats checked."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau

from nncomplexity.search import (Benchmark, SearchSpace, enumerate_space, kendall_tau_ci, mean_ci,
                                 random_search, regret_curve, regularized_evolution, successive_halving)

SEARCHERS = [random_search, regularized_evolution, successive_halving]


def _fake(seed=0, steps=27):
    """A Benchmark with a made-up table: accuracy grows with width; loss histories consistent with it."""
    space = SearchSpace(widths=(2, 4, 8, 16), depths=(1, 2), activations=("relu", "tanh"))
    archs = enumerate_space(space)
    rng = np.random.default_rng(seed)
    quality = np.array([sum(a.hidden) / 32 + (a.activation == "relu") * 0.1 for a in archs])  # (A,)
    acc = np.clip(0.5 + 0.4 * quality[:, None] + 0.01 * rng.normal(size=(len(archs), 3)), 0, 1)
    hist = np.array([1, 3, 9, 27])
    loss = (1.5 - quality)[None, :, None] * (1 + 1 / hist)[:, None, None] + 0 * acc[None]  # (K, A, S)
    step = np.array([100 * sum(a.hidden) for a in archs], dtype=np.int64)
    return Benchmark(space, archs, [0, 1, 2], steps, 8, acc, hist, loss, step, step, step, 0, 0.0)


@pytest.mark.parametrize("search", SEARCHERS)
def test_budget_cost_and_incumbent(search):
    b = _fake()
    budget = 20 * b.train_flops.mean()
    tr = search(b, budget, np.random.default_rng(1))
    assert np.all(np.diff(tr.cost_flops) > 0)
    assert tr.cost_flops[-2] < budget <= tr.cost_flops[-1] or search is successive_halving
    assert tr.cost_flops[-1] >= budget
    done = tr.incumbent >= 0
    assert done.any() and np.all(tr.incumbent[done][:, None] >= 0)
    # the incumbent never gets worse by its observed score: it only changes to something queried
    assert set(tr.incumbent[done]) <= set(tr.queried)


def test_random_search_cost_is_the_sum_of_training_runs():
    b = _fake()
    tr = random_search(b, 10 * b.train_flops.mean(), np.random.default_rng(0))
    assert np.array_equal(tr.cost_flops, np.cumsum(b.train_flops[tr.queried]))


def test_successive_halving_costs_and_rungs():
    b = _fake()
    tr = successive_halving(b, 1, np.random.default_rng(0), n=9, eta=3)  # one bracket
    # rungs 3, 9, 27 steps: 9 at 3 steps, 3 resumed +6, 1 resumed +18
    assert len(tr.queried) == 9 + 3 + 1
    first = b.step_flops[tr.queried[:9]].sum() * 3
    assert tr.cost_flops[8] == first
    assert tr.cost_flops[-1] == first + 6 * b.step_flops[tr.queried[9:12]].sum() + 18 * b.step_flops[tr.queried[12]]
    assert np.all(tr.incumbent[:-1] == -1) and tr.incumbent[-1] == tr.queried[-1]
    # the loss ranks by quality: the survivor has the lowest loss of the 9 drawn
    final_loss = b.history_test_loss[-1, :, 0]
    assert final_loss[tr.queried[-1]] == final_loss[tr.queried[:9]].min()


@pytest.mark.parametrize("search", SEARCHERS)
def test_regret_is_nonnegative_and_shrinks_with_budget(search):
    b = _fake()
    unit = b.train_flops.mean()
    traces = [search(b, 60 * unit, np.random.default_rng(r)) for r in range(40)]
    reg = regret_curve(traces, b, [5 * unit, 60 * unit])
    assert reg.shape == (40, 2) and np.all(reg[~np.isnan(reg)] >= 0)
    assert np.nanmean(reg[:, 1]) <= np.nanmean(reg[:, 0]) + 1e-12
    assert np.nanmean(reg[:, 1]) < 0.05


def test_regret_before_any_result_is_nan():
    b = _fake()
    tr = random_search(b, 1, np.random.default_rng(0))
    assert np.isnan(regret_curve([tr], b, [tr.cost_flops[0] - 1])[0, 0])


@pytest.mark.parametrize("search", SEARCHERS)
def test_bad_arguments_named(search):
    b = _fake()
    with pytest.raises(TypeError, match="bench"):
        search("table", 1.0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        search(b, 1.0, 0)
    with pytest.raises(ValueError, match="budget_flops"):
        search(b, -1.0, np.random.default_rng(0))


def test_evolution_and_halving_parameters_checked():
    b = _fake()
    with pytest.raises(ValueError, match="sample_size"):
        regularized_evolution(b, 1.0, np.random.default_rng(0), population=3, sample_size=5)
    with pytest.raises(ValueError, match="eta"):
        successive_halving(b, 1.0, np.random.default_rng(0), eta=1)


def test_kendall_tau_matches_scipy_and_interval_covers():
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    y = x + 0.5 * rng.normal(size=40)
    est = kendall_tau_ci(x, y)
    assert est.value == pytest.approx(kendalltau(x, y).statistic)
    assert est.ci_low < est.value < est.ci_high
    assert kendall_tau_ci(x, x).value == pytest.approx(1.0)
    with pytest.raises(ValueError, match="x and y"):
        kendall_tau_ci([1, 2], [1, 2])


def test_mean_ci_covers_and_checks():
    rng = np.random.default_rng(1)
    x = rng.normal(3.0, 1.0, size=(2, 200))
    m, lo, hi = mean_ci(x, axis=1)
    assert np.allclose(m, x.mean(1)) and np.all(lo < m) and np.all(m < hi) and np.all(hi - lo < 0.4)
    with pytest.raises(ValueError, match="values"):
        mean_ci([1.0])
    with pytest.raises(TypeError, match="rng"):
        mean_ci([1.0, 2.0], rng=3)


def test_trace_records_what_each_query_observed():
    b = _fake()
    tr = random_search(b, 10 * b.train_flops.mean(), np.random.default_rng(3))
    assert tr.observed.shape == tr.queried.shape
    for q, o in zip(tr.queried, tr.observed):
        assert o in b.test_accuracy[q]  # one seed's accuracy of the queried architecture
    done = tr.incumbent >= 0
    # the incumbent is the best observed so far
    for j in np.flatnonzero(done):
        assert tr.observed[: j + 1].max() == tr.observed[list(tr.queried[: j + 1]).index(tr.incumbent[j])]
