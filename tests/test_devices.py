"""Datasheet figures: each with a citation that exists, a named precision, sane units; essay B's claims checked."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from nncomplexity.hardware.devices import DEVICES, device

BIB = (Path(__file__).resolve().parents[1] / "references.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(DEVICES))
def test_every_figure_is_cited_and_in_plausible_units(name):
    d = DEVICES[name]
    assert re.search(r"@\w+\{" + re.escape(d.cite) + ",", BIB), f"{d.cite} is not in references.bib"
    assert d.precision in {"fp32", "tf32", "bf16", "fp16", "int8", "fp8"}
    assert 1e12 <= d.peak_ops <= 1e16, "peak_ops is in operations per second"
    assert 1e10 <= d.bandwidth <= 1e13, "bandwidth is in bytes per second"
    assert 1 <= d.power_w <= 2000 and d.memory_bytes >= 0
    assert d.ridge == pytest.approx(d.peak_ops / d.bandwidth)


def test_essay_b_claims_against_the_sources():
    tpu = device("TPU v1")
    assert tpu.peak_ops == 92e12 and tpu.precision == "int8"  # Jouppi et al. 2017: 92 TOPS
    assert tpu.peak_ops == pytest.approx(65_536 * 2 * 700e6, rel=0.01)  # 65,536 MACs at 700 MHz
    xavier = device("Jetson AGX Xavier")
    assert xavier.power_w == 30 and xavier.peak_ops == 32e12  # the essay says 30 TOPS; NVIDIA lists 32


def test_unknown_device_is_refused_with_the_list():
    with pytest.raises(ValueError, match="name must be one of"):
        device("Z80")
