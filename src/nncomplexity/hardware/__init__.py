"""The machine under the count: peak FLOP/s, memory bandwidth and the roofline model.

- :mod:`.peak`: theoretical peak FLOP/s from ``/proc/cpuinfo`` (cores × clock ×
  SIMD lanes × FLOPs per lane per cycle, with the assumptions stated), and the
  measured rate of the best GEMM we have;
- :mod:`.caches`: the data caches' sizes, as the operating system reports them;
- :mod:`.roofline`: a STREAM-like bandwidth measurement (copy, triad, read-only) and
  ``attainable = min(peak, intensity × bandwidth)``; the intensities of GEMM and
  GEMV are counts, in :mod:`nncomplexity.cost.memory`.
"""
from .caches import cache_sizes, last_level_cache_bytes
from .peak import CpuInfo, PeakEstimate, measure_gemm_rate, parse_cpuinfo, read_cpuinfo, theoretical_peak
from .roofline import (
    Bandwidth,
    attainable,
    measure_bandwidth,
    plot_roofline,
    ridge_intensity,
)

__all__ = [
    "Bandwidth", "CpuInfo", "PeakEstimate", "attainable", "cache_sizes", "last_level_cache_bytes",
    "measure_bandwidth", "measure_gemm_rate",
    "parse_cpuinfo", "plot_roofline", "read_cpuinfo", "ridge_intensity", "theoretical_peak",
]
