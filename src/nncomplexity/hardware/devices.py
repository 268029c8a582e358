"""Datasheet figures of accelerators, each with its source, its unit and its precision.

These numbers are *published peaks*, not measurements: the most a chip can do
in the precision named, dense (without the 2:4 sparsity some datasheets
double their figures with), at its top clock. Real kernels reach a fraction of
them. Each entry names the bibliography key of its source, so the page can
cite it next to the number.

Units: ``peak_ops`` in operations per second (one multiply-add = 2 operations,
FLOP/s for floating point, OP/s for integers), ``bandwidth`` in bytes per
second of the device's main memory, ``power_w`` in watts (the board's or
module's maximum power), ``memory_bytes`` in bytes.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEVICES", "Device", "device"]


@dataclass(frozen=True)
class Device:
    """One accelerator's datasheet figures."""

    name: str  # as the vendor names it
    peak_ops: float  # operations per second at `precision`, dense
    precision: str  # "bf16", "fp16", "int8", ...: what peak_ops counts
    bandwidth: float  # main-memory bandwidth, bytes per second
    power_w: float  # maximum power of the board or module, W
    memory_bytes: float  # main memory, bytes (0 if not stated)
    cite: str  # references.bib key of the source
    note: str = ""  # what the figure is and is not

    @property
    def ridge(self) -> float:
        """Ridge point of the device's roofline, operations per byte."""
        return self.peak_ops / self.bandwidth

    @property
    def ops_per_watt(self) -> float:
        """Peak operations per second per watt."""
        return self.peak_ops / self.power_w


DEVICES: dict[str, Device] = {d.name: d for d in (
    Device("TPU v1", 92e12, "int8", 34e9, 75.0, 8e9, "jouppi2017",
           "65,536 8-bit MACs at 700 MHz; DDR3 weight memory; inference only; 75 W TDP (the paper's table 2)"),
    Device("V100 SXM2", 125e12, "fp16", 900e9, 300.0, 16e9, "nvidia2017v100",
           "tensor-core fp16 with fp32 accumulate; HBM2"),
    Device("A100 SXM 80GB", 312e12, "bf16", 2.039e12, 400.0, 80e9, "nvidia2021a100",
           "tensor-core bf16, dense (624 with sparsity); HBM2e"),
    Device("H100 SXM", 989e12, "bf16", 3.35e12, 700.0, 80e9, "nvidia2023h100",
           "tensor-core bf16, dense (the datasheet's 1,979 is with sparsity); HBM3"),
    Device("TPU v4", 275e12, "bf16", 1.2e12, 192.0, 32e9, "jouppi2023",
           "per chip; HBM2; power is the paper's mean measured chip power"),
    Device("Jetson AGX Xavier", 32e12, "int8", 137e9, 30.0, 32e9, "nvidia2019xavier",
           "module total (GPU + deep-learning accelerators), int8; LPDDR4x; 30 W power mode"),
)}
"""The accelerators the book compares, by name."""


def device(name: str) -> Device:
    """The entry ``name`` of :data:`DEVICES`; an unknown name raises ``ValueError`` listing them."""
    if name not in DEVICES:
        raise ValueError(f"name must be one of {sorted(DEVICES)}, got {name!r}")
    return DEVICES[name]
