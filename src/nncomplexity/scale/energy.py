"""Energy and carbon of a training run: Strubell et al.'s formula, their table, Patterson et al.'s corrections.

Strubell et al. (2019) estimate the energy of a run as the power drawn by the
processors and memory, times the hours, times the data centre's power usage
effectiveness (PUE, total facility power over IT power; they take 1.58), and
convert it to CO₂-equivalent with the average carbon intensity of the US grid
(0.954 lb per kWh):

    p_t = PUE · t · (p_c + p_r + g · p_g) / 1000   [kWh],    CO₂e = 0.954 · p_t   [lb].

Patterson et al. (2021) showed that what the formula is fed matters more than the
formula: the hardware, the data centre's PUE and the grid's intensity vary by large
factors, and the architecture search priced at 626,155 lb had, when actually run,
emitted about 88 times less.
"""
from __future__ import annotations

from .._validate import Real, validate_params

__all__ = ["CO2E_LB_PER_KWH_US", "KG_PER_LB", "PATTERSON_NAS", "PUE_STRUBELL", "STRUBELL_COMPARISONS",
           "STRUBELL_RUNS", "co2e_lb", "energy_kwh"]

PUE_STRUBELL = 1.58
"""Power usage effectiveness Strubell et al. use (an industry average they cite)."""
CO2E_LB_PER_KWH_US = 0.954
"""Pounds of CO₂e per kWh, the US average Strubell et al. use."""
KG_PER_LB = 0.45359237
"""Kilograms in one pound (exact, by definition)."""

STRUBELL_COMPARISONS = {
    "Air travel, one passenger, New York ↔ San Francisco": 1_984,
    "Human life, average, one year": 11_023,
    "American life, average, one year": 36_156,
    "Car, average, including fuel, one lifetime": 126_000,
    "Transformer (big) trained with neural architecture search": 626_155,
}
"""CO₂e in lb from Strubell et al. (2019), Table 1 (the comparison essay B quotes)."""

STRUBELL_RUNS = {
    "Transformer (big)": {"power_w": 1515.43, "hours": 84, "co2e_lb": 192},
    "Transformer (big) + neural architecture search": {"power_w": 1515.43, "hours": 274_120,
                                                        "co2e_lb": 626_155},
}
"""Two rows of Strubell et al.'s Table 3: p_c + p_r + g·p_g of 8 P100 GPUs, hours, their CO₂e in lb."""

PATTERSON_NAS = {"strubell_t": 284.0, "actual_t": 3.2}
"""Tonnes CO₂e of the architecture search: Strubell et al.'s estimate (626,155 lb ≈ 284 t) and the
emissions Patterson et al. (2021) report for the search as actually run (about 88× less)."""


@validate_params(power_w=Real(allow_zero=True), hours=Real(allow_zero=True), pue=Real())
def energy_kwh(power_w: float, hours: float, pue: float = PUE_STRUBELL) -> float:
    """Energy drawn from the grid, ``pue · hours · power_w / 1000`` kWh.

    Parameters
    ----------
    power_w : float, >= 0
        Average power of the hardware (processors and memory), in watts:
        Strubell's ``p_c + p_r + g · p_g``.
    hours : float, >= 0
        Wall-clock hours of training.
    pue : float, > 0
        Power usage effectiveness of the data centre (1 for none; Strubell's 1.58 by default).

    Returns
    -------
    float
        kWh.

    Cost: O(1). Book: chapter 6, {prf:ref}`def-strubell-energy`.
    """
    return pue * hours * power_w / 1000.0


@validate_params(kwh=Real(allow_zero=True), lb_per_kwh=Real(allow_zero=True))
def co2e_lb(kwh: float, lb_per_kwh: float = CO2E_LB_PER_KWH_US) -> float:
    """CO₂-equivalent in pounds of ``kwh`` drawn from a grid of intensity ``lb_per_kwh``.

    Cost: O(1). Book: chapter 6, {prf:ref}`def-strubell-energy`.
    """
    return kwh * lb_per_kwh
