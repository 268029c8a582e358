"""Chapter 7's prose against its stored outputs: every fact the text states is what the code printed or glued."""
from __future__ import annotations

import json

import pytest

from stored_outputs import ROOT, glued, markdown

CHAPTER = ROOT / "chapters" / "07-hardware-and-parallelism.ipynb"


def _printed() -> str:
    text = []
    for cell in json.loads(CHAPTER.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text.append("".join(out["text"]))
    return "\n".join(text)


def test_every_equality_the_text_claims_was_printed_true():
    """Data-parallel gradients, the ring and tensor parallelism: 'True' on every line, no 'False'."""
    printed = _printed()
    assert "False" not in printed
    assert printed.count("data-parallel gradient = single-process gradient to 1e-12: True") == 4
    assert printed.count("ring = dist.all_reduce to float32 rounding: True") == 2
    assert "tensor-parallel products = whole product to 1e-12: True" in printed


def test_ring_sent_what_the_theorem_counts():
    for line in _printed().splitlines():
        if line.startswith("rank ") and " sent " in line:
            sent, count = line.split(" sent ")[1].split(" floats, count ")
            assert int(sent) == int(count), line


def test_the_essay_claims_the_text_states():
    printed = _printed()
    assert "= 91.75 TOPS (datasheet 92)" in printed
    assert "PyTorch holds" in printed
    line = next(ln for ln in printed.splitlines() if "PyTorch holds" in ln)
    counted, held = line.split("counted ")[1].split(" bytes")[0], line.rsplit(" ", 1)[1]
    assert counted == held
    text = markdown(CHAPTER)
    assert "lists 32 TOPS" in text and "65,536" in text and "15–30×" in text and "30–80×" in text


def test_glued_numbers_the_text_uses_exist():
    values = glued(CHAPTER)
    text = markdown(CHAPTER)
    for name in ("t_h100", "t_tpu1", "gpt3_h100s", "alpha_us", "bw_gbs", "step_ddp", "speedup_gemm"):
        assert name in values and f"`{name}" in text, name
    assert values["gpt3_h100s"] == 35
    assert values["t_h100"] == 319


@pytest.mark.parametrize("claim, check", [
    ("V100 -> H100: peak x7.9, bandwidth x3.7", "about 8× from V100 to H100"),
])
def test_ratio_claims_match(claim, check):
    assert claim in _printed() and check in markdown(CHAPTER)
