"""Chapter 10's sentences that rest on a measurement agree with the numbers stored beside them.

Each test reads the glued values of the stored notebook and checks the relation the prose
states ("below", "worse outside than inside", "passes", "matches the floor"), so a re-run that
changed the numbers cannot leave the text contradicting them.
"""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from stored_outputs import glued, markdown

ROOT = Path(__file__).resolve().parents[1]
CH10 = ROOT / "chapters" / "10-beyond-deep-learning.ipynb"

pytestmark = pytest.mark.skipif(not CH10.exists(), reason="chapter 10 not written yet")


@pytest.fixture(scope="module")
def g():
    return glued(CH10)


def test_right_expert_with_16_samples_beats_the_mlp_with_4096(g):
    assert "in a class of its own" in markdown(CH10)
    assert g["kep_expert_16"] < g["kep_mlp_4096"]
    assert g["cou_expert_16"] < g["cou_mlp_4096"]


def test_mlp_curve_flattens_and_trees_improve(g):
    assert g["kep_mlp_4096"] > 0.5 * g["kep_mlp_256"]  # "flattens early"
    assert g["trees_improve"] and g["trees_worst_16"]
    assert g["kep_mlp_1024"] < 0.02 and g["kep_trees_1024"] < 0.02  # "to about a per cent"


def test_flexible_models_extrapolate_as_badly_as_the_mean(g):
    assert g["kep_mlp_out"] > 0.9 and g["kep_trees_out"] > 0.9
    assert g["pen_expert_out"] > g["pen_expert_1024"]  # the small-angle expert is worse outside


def test_symbolic_regression_found_kepler_and_coulomb_only(g):
    assert g["sr_found"] == "kepler, coulomb" and g["n_recovered_sr"] == 2


def test_plateau_matches_the_proposition_and_is_passed(g):
    assert g["floor_meas"] == pytest.approx(g["floor_pred"], rel=0.1)
    assert math.isfinite(g["n_cross_mlp"]) and math.isfinite(g["n_cross_trees"])
    assert g["cross_ratio"] > 1000 and g["ratio_train"] > 1000 and g["ratio_infer"] > 100
    assert g["mlp_best_err"] < g["expert_4096"] and g["flops_cross_ratio"] > 1
