"""Sentences written from a measurement agree with the numbers stored beside them.

Chapter 1 glues sentences ("a needed clock above the reported one", "fewer operations
did not make it faster") from its timings. This test reads the stored outputs and
checks each sentence against the numbers glued in the same run, so a hand edit or a
stale output cannot leave the prose contradicting the measurement.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CH1 = ROOT / "chapters" / "01-matrix-multiplication.ipynb"


from stored_outputs import glued  # noqa: E402


@pytest.fixture(scope="module")
def g():
    return glued(CH1)


def test_clock_sentence_matches_the_clocks(g):
    above = g["best_ghz_needed"] > g["peak_ghz"]
    assert g["clock_sentence"].startswith("above" if above else "below")
    assert f"{g['peak_ghz']:.2f} GHz" in g["clock_sentence"]


def test_naive_interval_verdict(g):
    covers = g["lo_naive"] <= 3 <= g["hi_naive"]
    assert g["naive_ci_verdict"] == ("contains 3" if covers else "does not contain 3")
    slower = "slower than the count" in g["naive_reading"]
    faster = "faster than the count" in g["naive_reading"]
    assert slower == (g["hi_naive"] < 3) and faster == (g["lo_naive"] > 3)


def test_strassen_sentences(g):
    lows = [float(g[k].split(" to ")[0]) for k in ("strassen_even_range", "strassen_odd_range")]
    slower_everywhere = min(lows) > 1
    assert g["strassen_time_verdict"].startswith(
        "Fewer operations did not" if slower_everywhere else "Fewer operations made it faster")
    assert g["err_compare"] == ("larger" if g["err_strassen"] > g["err_blas"] else "not larger")


def test_gemv_bound_sentence(g):
    over = g["gemv_gflops"] / g["gemv_bound"]
    assert ("times that bound" in g["gemv_bound_sentence"]) == (over > 1)


def test_every_glued_name_in_the_prose_is_stored(g):
    import re

    text = "".join("".join(c["source"]) for c in json.loads(CH1.read_text())["cells"]
                   if c["cell_type"] == "markdown")
    used = set(re.findall(r"\{glue:text\}`([A-Za-z0-9_]+)", text))
    assert used <= set(g), f"glued in the prose but never stored: {sorted(used - set(g))}"


def test_all_cores_note(g):
    above = g["all_cores_gflops"] > g["all_cores_peak"]
    assert ("above the theoretical peak" in g["all_cores_note"]) == above
