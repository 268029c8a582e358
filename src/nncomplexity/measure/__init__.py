"""Honest measurement: timing with warm-up, repeats and a budget; estimates with intervals; the machine.

One concept per module:

- :mod:`.timing`: :class:`TimingConfig` (repeats, warm-up, budget), :class:`Timing`
  (the result of timing one callable) and :func:`time_call`;
- :mod:`.sweep`: :func:`sweep`, one workload at growing sizes within a budget,
  and :class:`Sweep`, the timings of several measurements;
- :mod:`.rounds`: :func:`time_rounds`, several callables (sizes, the steps of one
  computation, libraries) timed in interleaved rounds, for fair ratios;
- :mod:`.estimate`: :class:`Estimate` (a value with a confidence interval) and
  :func:`ratio_of_medians`; :mod:`.fit`: :func:`fit_power_law`, an estimate of an exponent;
  :mod:`.pareto`: :func:`pareto_front`; :mod:`.scaling`: :func:`fit_scaling_law`, ``L = E + A/N^α + B/D^β`` with bootstrap intervals;
- :mod:`.machine`: the machine stamp, the ``/proc/cpuinfo`` reader, :func:`torch_threads`;
- :mod:`.peak_memory`: measured memory (tracemalloc peaks, autograd's saved tensors).

Nothing here imports :mod:`nncomplexity.kernels` or :mod:`nncomplexity.cost`, nor PyTorch
until a function needs it.
"""
from .estimate import Estimate, ratio_of_medians
from .fit import PowerLawFit, fit_power_law
from .machine import CpuInfo, format_stamp, machine_stamp, parse_cpuinfo, read_cpuinfo, torch_threads
from .pareto import pareto_front
from .peak_memory import PeakMemory, peak_traced_bytes, saved_tensor_bytes
from .rounds import time_rounds
from .scaling import ScalingLaw, ScalingLawFit, fit_scaling_law
from .sweep import BudgetWarning, Sweep, sweep
from .timing import Timing, TimingConfig, time_call

__all__ = [
    "BudgetWarning", "CpuInfo", "Estimate", "PeakMemory", "PowerLawFit", "ScalingLaw", "ScalingLawFit", "Sweep", "Timing",
    "TimingConfig", "fit_power_law", "format_stamp", "machine_stamp", "parse_cpuinfo",
    "peak_traced_bytes", "ratio_of_medians", "read_cpuinfo", "saved_tensor_bytes", "sweep",
    "fit_scaling_law", "pareto_front", "time_call", "time_rounds", "torch_threads",
]
