"""The machine under the count: peak FLOP/s, memory bandwidth and the roofline model.

- :mod:`.peak`: theoretical peak FLOP/s from ``/proc/cpuinfo`` (cores × clock ×
  SIMD lanes × FLOPs per lane per cycle, with the assumptions stated), and the
  measured rate of the best GEMM we have;
- :mod:`.roofline`: arithmetic intensity of GEMM and GEMV, a STREAM-like
  bandwidth measurement, and ``attainable = min(peak, intensity × bandwidth)``.
"""
from .peak import CpuInfo, PeakEstimate, measure_gemm_rate, parse_cpuinfo, read_cpuinfo, theoretical_peak
from .roofline import (
    Bandwidth,
    attainable,
    gemm_bytes,
    gemm_intensity,
    gemv_bytes,
    gemv_flops,
    gemv_intensity,
    measure_bandwidth,
    plot_roofline,
    ridge_intensity,
)

__all__ = [
    "Bandwidth", "CpuInfo", "PeakEstimate", "attainable", "gemm_bytes", "gemm_intensity",
    "gemv_bytes", "gemv_flops", "gemv_intensity", "measure_bandwidth", "measure_gemm_rate",
    "parse_cpuinfo", "plot_roofline", "read_cpuinfo", "ridge_intensity", "theoretical_peak",
]
