"""The forward-propagation chapter's sentences written from measurements agree with the numbers stored beside them.

Every verdict on that page ("close to the count's 2", "1.5 times as fast as from memory",
"below the copy's 15.1 GB/s") is glued from the run; this test re-derives each one from the
numbers glued in the same run, so a hand edit or a stale output cannot leave the prose
contradicting the measurement.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from stored_outputs import glued

from nncomplexity.wording import compare_exponent, compare_speedup

CH2 = Path(__file__).resolve().parents[1] / "chapters" / "02-forward-propagation.ipynb"
EXPECTED = {"w": 2, "d": 1, "b": 1}


@pytest.fixture(scope="module")
def g() -> dict:
    return glued(CH2)


@pytest.mark.parametrize("key", ["w_all", "w_large", "d_all", "b_all", "b_small", "b_large"])
def test_exponent_verdicts(g, key):
    assert g[f"fit_{key}_vs"] == compare_exponent(g[f"fit_{key}"], EXPECTED[key[0]], g[f"fit_{key}_lo"],
                                                  g[f"fit_{key}_hi"])


def test_cache_and_memory_verdicts(g):
    faster = g["bw_in_cache"] / g["bw_memory"]
    if faster > 1.2:
        assert g["cache_text"].startswith(f"{faster:.1f} times as fast as from memory")
    else:
        assert g["cache_text"].startswith("hardly faster")
    ratio = g["bw_memory"] / g["bw_read"]
    assert f"{ratio:.2f} times the read-only stream" in g["memory_text"]
    assert ("memory-bound" in g["memory_text"]) == (0.7 <= ratio <= 1.4)


def test_sizes_against_the_cache(g):
    copy = float(re.search(r"copy's ([0-9.]+) GB/s", g["edge_text"]).group(1))
    assert g["edge_text"].startswith("above" if round(g["b_bandwidth_1"], 1) > copy else "below") or \
        abs(g["b_bandwidth_1"] - copy) < 0.05  # equal to the printed digit: either word is honest
    r = g["b_weight_mb"] / g["llc_mb"]
    assert (g["b_vs_cache"] == "about the size of") == (0.5 <= r <= 2)
    assert g["w_largest_vs_cache"] == ("more than" if g["w_largest_mb"] > g["llc_mb"] else "less than")


@pytest.mark.parametrize("key", ["small", "large"])
def test_thread_verdicts(g, key):
    assert g[f"threads_{key}_text"] == compare_speedup(g[f"speedup_{key}"])
