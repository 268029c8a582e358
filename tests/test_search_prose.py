"""Chapter 9's sentences that rest on a measurement agree with the numbers stored beside them.

The fixed words of the chapter ("clearly better than chance, far from exact", "distillation does
not help measurably", "high temperatures cost", "the most accurate network is not the small one",
"successive halving … nothing fully trained until its first bracket ends") are checked against the
glued values of the stored run, so a re-run that changed the facts fails here instead of leaving
the prose wrong.
"""
from __future__ import annotations

from pathlib import Path

from stored_outputs import glued, markdown

ROOT = Path(__file__).resolve().parents[1]
CH9 = ROOT / "chapters" / "09-finding-small-networks.ipynb"


def test_supernet_ranking_is_better_than_chance_and_far_from_exact():
    g = glued(CH9)
    assert "clearly better\nthan chance, far from exact" in markdown(CH9)
    assert 0 < g["tau_lo"] <= g["tau"] <= g["tau_hi"] < 0.9
    assert g["supernet_ratio"] > 1 and 0 < g["supernet_share"] < 1


def test_distillation_does_not_help_and_high_temperature_hurts():
    g = glued(CH9)
    assert "distillation does not help measurably" in markdown(CH9)
    assert g["distill_best_gain"] < 1 / g["n_test"]  # less than one test image on average
    assert g["distill_verdict"] == "less than one of the"
    assert g["distill_worst_gain"] < 0
    assert g["distill_teacher"] > g["distill_base"]


def test_the_most_accurate_is_not_the_cheapest():
    g = glued(CH9)
    assert g["cheap_ratio"] > 1 and g["cheap_label"] != g["best_label"]
    assert 1 < g["near_best"] < g["n_archs"] and g["n_front"] >= 2
    assert g["n_archs"] >= 100 and g["bench_models"] >= 3 * g["n_archs"]


def test_search_claims():
    g = glued(CH9)
    ends = [g["regret_random_11"], g["regret_regularised_11"], g["regret_successive_11"]]
    assert max(ends) * 100 == g["regret_max_end"] and min(ends) >= 0
    assert g["budget_units"] < g["exhaustive_units"]  # "half the cost of exhaustive search"
    assert abs(g["budget_units"] / g["exhaustive_units"] - 0.5) < 0.05
    # successive halving has nothing fully trained at the small budget: its regret is the blind pick's
    assert g["regret_successive_3"] > max(g["regret_random_3"], g["regret_regularised_3"])


def test_lottery_claims():
    g = glued(CH9)
    assert g["imp_cost_ratio"] == g["imp_rounds"] + 1
    assert g["imp_rewind"] >= g["imp_dense"] - 0.03
    assert g["imp_keep_sparsity"] <= g["imp_final_sparsity"]
    assert g["imp_verdict"].startswith(("lies above", "overlaps"))
