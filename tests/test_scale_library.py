"""The scale package: the model table's counts, the doubling-time fit, energy, the Pareto front."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nncomplexity.cost.training import compute_optimal, flops_6nd
from nncomplexity.scale import (HOFFMANN_LAW, IMAGENET_POINTS, MODELS, STRUBELL_COMPARISONS, STRUBELL_RUNS,
                                NotableModel, alexnet_forward_macs, co2e_lb, energy_kwh, fit_doubling_time,
                                pareto_front)
from nncomplexity.scale.energy import KG_PER_LB, PATTERSON_NAS
from nncomplexity.scale.models import alexnet_parameters


def _alexnet_torch():
    """AlexNet as in the paper (two-GPU groups), for PyTorch's own counts."""
    import torch.nn as nn

    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(), nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000))


def test_alexnet_count_matches_pytorch():
    torch = pytest.importorskip("torch")
    from nncomplexity.cost.counting import count_flops_torch

    model = _alexnet_torch().to("meta")
    counted = count_flops_torch(model, torch.empty(1, 3, 227, 227, device="meta"))
    assert counted["forward"] == 2 * alexnet_forward_macs()
    assert sum(p.numel() for p in model.parameters()) == alexnet_parameters()
    assert alexnet_parameters() == pytest.approx(60e6, rel=0.02)  # the paper's "60 million"


def test_table_is_cited_and_labelled():
    import re
    from pathlib import Path

    bib = (Path(__file__).resolve().parents[1] / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    years = [m.year for m in MODELS]
    assert years == sorted(years)
    for m in MODELS:
        assert m.key in keys, m.key
        assert m.source
        if m.flops_kind == "6ND":
            assert m.flops == pytest.approx(m.flops_6nd, rel=1e-12)


def test_reported_figures_against_6nd():
    gpt3 = next(m for m in MODELS if m.name.startswith("GPT-3"))
    assert gpt3.flops_kind == "reported"
    assert gpt3.flops / gpt3.flops_6nd == pytest.approx(1.0, abs=0.01)
    alex = MODELS[0]
    assert alex.flops_kind == "architecture" and alex.flops > 10 * alex.flops_6nd  # weight reuse


def test_model_validation():
    with pytest.raises(ValueError, match="together"):
        NotableModel("x", 2020, 1.0, 1.0, "tokens", 1.0, None, "k", "s")
    with pytest.raises(ValueError, match="flops_kind"):
        NotableModel("x", 2020, 1.0, 1.0, "tokens", 1.0, "guess", "k", "s")


def test_doubling_time_exact_line():
    years = np.array([2010.0, 2012, 2015, 2020])
    est = fit_doubling_time(years, 1e10 * 2 ** ((years - 2010) * 2))  # 2 doublings a year
    assert est.value == pytest.approx(6.0)
    assert est.ci_low == pytest.approx(6.0) and est.ci_high == pytest.approx(6.0)


def test_doubling_time_interval_and_table():
    rng = np.random.default_rng(0)
    years = np.linspace(2000, 2020, 30)
    flops = 2 ** ((years - 2000) / 1.5 + rng.normal(0, 1, 30))  # 18 months
    est = fit_doubling_time(years, flops)
    assert est.covers(18.0) and est.ci_low < est.value < est.ci_high
    rows = [m for m in MODELS if m.flops]
    table = fit_doubling_time([m.year for m in rows], [m.flops for m in rows])
    assert 2 < table.value < 12  # the same order as Sevilla et al.'s 6 months


def test_doubling_time_refuses_decline():
    with pytest.raises(ValueError, match="grow"):
        fit_doubling_time([2000, 2001, 2002], [8.0, 4.0, 2.0])
    with pytest.raises(ValueError, match="distinct"):
        fit_doubling_time([2000, 2000, 2000], [1.0, 2.0, 3.0])


def test_strubell_rows_follow_the_formula():
    for row in STRUBELL_RUNS.values():
        lb = co2e_lb(energy_kwh(row["power_w"], row["hours"]))
        assert lb == pytest.approx(row["co2e_lb"], rel=0.002)
    nas = STRUBELL_COMPARISONS["Transformer (big) trained with neural architecture search"]
    assert nas * KG_PER_LB / 1000 == pytest.approx(PATTERSON_NAS["strubell_t"], rel=0.01)
    assert PATTERSON_NAS["strubell_t"] / PATTERSON_NAS["actual_t"] == pytest.approx(88, rel=0.02)


@settings(max_examples=50, deadline=None)
@given(st.floats(0, 1e4), st.floats(0, 1e4), st.floats(1.0, 3.0), st.floats(0, 2))
def test_energy_is_linear(power, hours, pue, intensity):
    e = energy_kwh(power, hours, pue)
    assert e == pytest.approx(pue * power * hours / 1000)
    assert co2e_lb(2 * e, intensity) == pytest.approx(2 * co2e_lb(e, intensity))


def _dominated(i, cost, acc):
    return any(cost[j] <= cost[i] and acc[j] >= acc[i] and (cost[j] < cost[i] or acc[j] > acc[i])
               for j in range(len(cost)))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.integers(1, 20)), min_size=1, max_size=25))
def test_pareto_front_is_the_non_dominated_set(points):
    cost = np.array([p[0] for p in points], float)
    acc = np.array([p[1] for p in points], float)
    front = pareto_front(cost, acc)
    expected = {i for i in range(len(cost)) if not _dominated(i, cost, acc)}
    # duplicates: one representative of a tied, non-dominated point is kept
    assert {(cost[i], acc[i]) for i in front} == {(cost[i], acc[i]) for i in expected}
    assert np.all(np.diff(cost[front]) > 0)


def test_imagenet_front():
    cost = [p.gflops for p in IMAGENET_POINTS]
    acc = [p.top1 for p in IMAGENET_POINTS]
    names = {IMAGENET_POINTS[i].name for i in pareto_front(cost, acc)}
    assert "VGG-16" not in names and "MobileNet-v2" in names and "NASNet-A-Large" in names


def test_hoffmann_law_allocation():
    n, d = compute_optimal(flops_6nd(70e9, 1.4e12), HOFFMANN_LAW)
    assert 10 < d / n < 200  # tokens per parameter, the order Hoffmann et al. report
    assert math.isclose(6 * n * d, flops_6nd(70e9, 1.4e12), rel_tol=1e-12)


@pytest.mark.parametrize("h", [2, 16, 128])
def test_students_6nd_against_pytorch(h):
    """The chapter's students [16, h, 4]: PyTorch counts the exact step; 6N overstates it by ≈ 30 %."""
    torch = pytest.importorskip("torch")
    from nncomplexity.cost.counting import count_flops_torch
    from nncomplexity.cost.flops import training_step_flops
    from nncomplexity.cost.memory import parameter_count
    from nncomplexity.kernels.mlp_torch import mlp_torch

    w = [16, h, 4]
    counted = count_flops_torch(mlp_torch(w, device="meta"), torch.empty(1, 16, device="meta"), backward=True)
    assert counted["total"] == training_step_flops(w, 1)
    assert 0.6 < counted["total"] / flops_6nd(parameter_count(w), 1) < 0.7
