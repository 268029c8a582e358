"""Chapter 6's sentences that rest on a computation agree with the numbers stored beside them."""
from __future__ import annotations

from pathlib import Path

from stored_outputs import glued, markdown

CH6 = Path(__file__).resolve().parents[1] / "chapters" / "06-cost-of-scale.ipynb"


def test_doubling_time_agrees_with_sevilla():
    g = glued(CH6)
    assert "agrees with their second era" in markdown(CH6)
    assert g["doubling_low"] <= 6.0 <= g["doubling_high"]  # Sevilla et al.: about 6 months after 2010


def test_fitted_floor_is_essentially_zero():
    assert "essentially zero" in markdown(CH6)
    assert glued(CH6)["law_E_rel"] < 1e-6


def test_allocation_verdict_is_the_computed_one():
    g = glued(CH6)
    covers = {x: g["alloc_low"] <= x <= g["alloc_high"] for x in (0.5, 0.73)}
    if covers[0.5] and not covers[0.73]:
        assert g["alloc_verdict"].endswith("Chinchilla's answer")
    assert "roughly equal measure" not in markdown(CH6) or abs(g["alloc"] - 0.5) < 0.15


def test_sentences_about_ratios():
    g = glued(CH6)
    text = markdown(CH6)
    assert "more\nthan their headline 20" in text and g["hoff_ratio"] > 20
    assert "nearly constant across widths" in text and 0.6 < g["exact_over_6n"] < 0.75
    assert "too low" in text and g["alex_ratio"] > 5  # 6ND undercounts AlexNet
    assert 85 < g["nas_factor"] < 92  # Patterson et al.: about 88 times
    assert "the largest part of it, 45, is the grid" in text and g["own_band"] > 45
