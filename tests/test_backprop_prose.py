"""Chapter 3's sentences that rest on a measurement agree with the numbers stored beside them.

The sentences are glued from the run (``ck_time_vs_count``, ``shapes_differ``,
``shape_slowest_small``) or state a direction ("falls from … to …"); this test
reads the stored outputs, so a hand edit or a stale output cannot leave the
prose contradicting the measurement.
"""
from __future__ import annotations

import re
from pathlib import Path

from stored_outputs import glued, markdown

ROOT = Path(__file__).resolve().parents[1]
CH3 = ROOT / "chapters" / "03-backpropagation.ipynb"


def _glued() -> dict:
    return glued(CH3)


def _markdown() -> str:
    return markdown(CH3)


def test_checkpointing_lowers_the_measured_peak():
    g = _glued()
    assert "falls from" in _markdown()
    assert g["ck_peak_best"] < g["ck_peak_plain"]
    assert g["ck_best_mib"] < g["ck_plain_mib"]


def test_generated_sentences_have_their_forms():
    g = _glued()
    side = r"(below|above|on) the count"
    every = rf"^{side} at every s that recomputes \(2, 4, 8\)$"
    groups = rf"^{side} at s = [\d, ]+(; {side} at s = [\d, ]+)+$"
    assert re.match(every, g["ck_time_vs_count"]) or re.match(groups, g["ck_time_vs_count"])
    assert re.match(r"^(none of the batches|t = \d+(, t = \d+)*)$", g["shapes_differ"])
    assert g["shape_slowest_small"] in ("A W^T", "D^T A", "D W")


def test_intervals_and_counts_are_consistent():
    g = _glued()
    for lib in ("numpy", "pytorch"):
        for size in ("big", "small"):
            assert g[f"{lib}_{size}_lo"] <= g[f"{lib}_{size}"] <= g[f"{lib}_{size}_hi"]
        assert 0 <= g[f"{lib}_covered"] <= g["n_configs"]
    assert g["ck_time_best_lo"] <= g["ck_time_best"] <= g["ck_time_best_hi"]
    assert g["ad_ratio"] == 1000  # forward mode pays n(0) = 1000 times reverse mode


def test_prose_no_longer_says_what_the_review_refuted():
    text = _markdown()
    assert "nothing to do with the width" not in text
    assert "sits above the dashed" not in text
    assert "every weight pays all three products" not in text
