"""Chapter 4's sentences that rest on a measurement agree with the numbers stored beside them.

nbval already compares every printed table and verdict on re-execution; this test reads the
stored glued values behind the prose (directions, orderings, "held at every step"), so a stale
output or a hand edit cannot leave a sentence contradicting its numbers.
"""
from __future__ import annotations

import re
from pathlib import Path

from stored_outputs import glued, markdown

CH4 = Path(__file__).resolve().parents[1] / "chapters" / "04-gradient-descent.ipynb"


def test_momentum_exponents_are_about_half_of_gradient_descents():
    g = glued(CH4)
    assert 0.75 < g["p_gd"] <= 1.05 and g["p_gd_lo"] <= g["p_gd"] <= g["p_gd_hi"]
    for m in ("heavy_ball", "nesterov"):
        assert 0.35 < g[f"p_{m}"] < 0.65
    assert g["speedup_big"] > 10


def test_worst_function_follows_the_lower_bound():
    g = glued(CH4)
    assert -2.2 < g["worst_nes"] < -1.7 and g["worst_gd"] > g["worst_nes"]
    assert 1 <= g["worst_gap_max"] < 10


def test_steps_do_not_follow_the_dimension_or_the_width():
    g = glued(CH4)
    assert g["dim_spread"] < 1.5
    assert float(g["width_steps_256"]) < 4 * float(g["width_steps_16"])  # 16× wider, nowhere near 16× the steps


def test_full_batch_takes_fewest_steps_and_most_flops():
    g = glued(CH4)
    assert float(g["dig_gd_steps"]) < min(float(g["dig_sgd_steps"]), float(g["dig_adam_steps"]))
    assert g["dig_gd_over_sgd"] > 1 and g["dig_gd_over_adam"] > 1


def test_nonconvex_check_held_and_noise_sentences_match():
    g = glued(CH4)
    assert g["nc_held"] == g["nc_steps"] and g["nc_ratio"] > 1
    assert g["floor_ratio"] > 1
    assert g["bs_last"] > g["bs_first"]  # "grows as training proceeds"
    assert g["bcrit_lo"] <= g["bcrit"] <= g["bcrit_hi"]
    ratio = g["bsimple_ratio"]
    assert g["bs_order"] == ("within the same order of magnitude as" if 0.1 <= ratio <= 10
                             else "more than a factor of 10 away from")
    assert re.match(r"^(no batch size|B = \d+( and B = \d+)*)$", g["decay_below"])


def test_summary_names_the_glued_exponents():
    text = markdown(CH4)
    summary = text[text.index("## Summary"):]
    assert "{glue:text}`p_gd:.2f`" in summary and "not on the\n  width" in summary
