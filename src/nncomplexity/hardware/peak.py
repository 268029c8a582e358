"""The theoretical peak FLOP/s of a CPU, read from ``/proc/cpuinfo``, and a measured one.

A CPU's peak is a product of four numbers::

    peak = cores × clock × SIMD lanes × FLOPs per lane per cycle

For a 2-core AVX-512 machine at 2.6 GHz with two FMA units per core, in float32:
``2 × 2.6e9 × 16 × 4 = 332.8 GFLOP/s``. The function :func:`theoretical_peak`
reads the first three from ``/proc/cpuinfo`` (or from text passed in, so it
can be tested anywhere) and assumes the fourth. The assumptions, which
``/proc/cpuinfo`` cannot settle, are:

1. **Cores.** Physical cores, counted as distinct ``(physical id, core id)``
   pairs: hyperthreads share one core's floating-point units and add no peak.
   When reading this machine, the count is capped at the CPUs this process may
   run on (``os.sched_getaffinity``), since a container may see more.
2. **Clock.** The nominal frequency in the model name (``... @ 2.60GHz``) if it
   is there, else the largest ``cpu MHz`` line. Real clocks move: turbo raises
   them, sustained AVX-512 work lowers them, and under a hypervisor ``cpu MHz``
   is the nominal clock. Pass ``ghz=`` to override.
3. **SIMD width.** 512 bits if the ``avx512f`` flag is set, 256 bits with
   ``avx2`` or ``avx``, 128 bits with ``sse2``, ``asimd`` or ``neon``; otherwise
   scalar (one lane). Lanes = width / (8 × bytes per element): 16 float32 or 8
   float64 lanes in 512 bits.
4. **FLOPs per lane per cycle.** With the ``fma`` flag, ``fma_units`` fused
   multiply-add units per core, each 2 FLOPs per lane per cycle: 4 with the
   default of 2. Two units of the full register width is right for 256-bit
   AVX2 on Intel cores since Haswell and AMD cores since Zen 2, and for 512-bit
   vectors on Xeon Scalable Gold 6xxx and Platinum parts. It is *wrong* for
   many AVX-512 parts, which have one 512-bit FMA unit (Xeon Bronze and Silver,
   some Gold 5xxx, client Ice Lake and Tiger Lake), and for AMD Zen 4, which
   runs a 512-bit FMA on its two 256-bit units: their 512-bit peak is half the
   default figure (pass ``fma_units=1``). cpuinfo does not say which, so with
   the default the figure is an upper bound. Without FMA, one add and one
   multiply port: 2.

Matrix engines (Intel AMX, GPU tensor cores) are not counted: they do not run
float32 or float64 GEMM. The measured counterpart, :func:`measure_gemm_rate`,
is the rate of the best kernel we have (NumPy's BLAS) on a large product; a
well-tuned BLAS reaches 70–90 % of the theoretical figure on a quiet machine.

Book: chapter 1, "The constant that big-O hides".
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .._validate import check_choice, check_int, check_positive_float
from ..cost.flops import matmul_flops
from ..cost.memory import DTYPE_BYTES
from ..measure.machine import CpuInfo, parse_cpuinfo, read_cpuinfo  # the one cpuinfo reader

__all__ = [
    "CpuInfo",
    "PeakEstimate",
    "measure_gemm_rate",
    "parse_cpuinfo",
    "read_cpuinfo",
    "simd_width_bits",
    "theoretical_peak",
]

_PEAK_DTYPES = ("float32", "float64")  # bytes per element: cost.memory.DTYPE_BYTES


@dataclass(frozen=True)
class PeakEstimate:
    """A theoretical peak and the four numbers it is the product of."""

    flops_per_s: float  # the peak, FLOP/s
    dtype: str  # "float32" or "float64"
    cores: int  # cores counted
    ghz: float  # clock assumed, GHz
    simd_bits: int  # vector register width used (0: scalar)
    lanes: int  # elements per vector register for dtype
    flops_per_lane_cycle: int  # 2 per FMA unit (4 with two), 2 without FMA
    instruction_set: str  # e.g. "AVX-512 with FMA"
    model: str  # CPU model name
    fma_units: int = 2  # FMA units per core assumed (0 when the CPU has no FMA)

    @property
    def gflops(self) -> float:
        """The peak in GFLOP/s."""
        return self.flops_per_s / 1e9

    def ghz_needed_for(self, flops_per_s: float) -> float:
        """The clock (GHz) at which this machine's cores, lanes and FMA units reach ``flops_per_s``.

        When a measured rate exceeds the theoretical peak, this is the least clock
        that explains it (e.g. a turbo clock that cpuinfo does not report).
        """
        rate = check_positive_float("flops_per_s", flops_per_s)
        return rate / (self.cores * self.lanes * self.flops_per_lane_cycle) / 1e9

    @property
    def formula(self) -> str:
        """The product spelled out: ``2 cores × 2.60 GHz × 16 float32 lanes × 4 FLOP/lane/cycle = 332.8 GFLOP/s``."""
        cores = f"{self.cores} core{'s' if self.cores != 1 else ''}"
        return (f"{cores} × {self.ghz:.2f} GHz × {self.lanes} {self.dtype} lanes × "
                f"{self.flops_per_lane_cycle} FLOP/lane/cycle = {self.gflops:.1f} GFLOP/s")


def simd_width_bits(flags) -> int:
    """Widest vector registers the flags promise: 512, 256, 128, or 0 (scalar only)."""
    if isinstance(flags, str) or not hasattr(flags, "__contains__"):
        raise TypeError(f"flags must be a set of flag names, got {type(flags).__name__}")
    if "avx512f" in flags:
        return 512
    if "avx2" in flags or "avx" in flags:
        return 256
    if {"sse2", "asimd", "neon"} & set(flags):
        return 128
    return 0


def _instruction_set(bits: int, fma: bool) -> str:
    name = {512: "AVX-512", 256: "AVX/AVX2", 128: "128-bit SIMD", 0: "scalar"}[bits]
    return f"{name} {'with' if fma else 'without'} FMA"


def theoretical_peak(cpuinfo: str | CpuInfo | None = None, *, dtype: str = "float32",
                     cores: int | None = None, ghz: float | None = None,
                     fma_units: int = 2) -> PeakEstimate:
    """Theoretical peak FLOP/s: cores × clock × SIMD lanes × FLOPs per lane per cycle.

    Parameters
    ----------
    cpuinfo : str or CpuInfo, optional
        The text of ``/proc/cpuinfo`` (or its parse). Default: this machine's,
        with the core count capped at the CPUs this process may use.
    dtype : {"float32", "float64"}
        Element type: float64 has half the lanes, so half the peak.
    cores : int, optional
        Override the number of cores.
    ghz : float, optional
        Override the clock (needed when cpuinfo states none, e.g. on ARM).
    fma_units : int
        Fused multiply-add units per core of the full vector width (1 or more),
        used only when the ``fma`` flag is present. Default 2: right for AVX2 on
        Intel since Haswell and AMD since Zen 2, too high for the many AVX-512
        parts with one 512-bit unit. See the module docstring.

    Returns
    -------
    PeakEstimate

    Raises
    ------
    ValueError
        Unknown ``dtype``, non-positive ``cores``/``ghz``/``fma_units``, or no
        clock in cpuinfo and no ``ghz`` given.
    TypeError
        ``cpuinfo`` of the wrong type.

    Notes
    -----
    Cost: O(len(cpuinfo)).

    Book: chapter 1, "The constant that big-O hides" (the assumptions are stated there).
    """
    check_choice("dtype", dtype, _PEAK_DTYPES)
    fma_units = check_int("fma_units", fma_units, minimum=1)
    if cores is not None:
        cores = check_int("cores", cores, minimum=1)
    if ghz is not None:
        ghz = check_positive_float("ghz", ghz)
    this_machine = cpuinfo is None
    if this_machine:
        cpuinfo = read_cpuinfo()
    if isinstance(cpuinfo, str):
        info = parse_cpuinfo(cpuinfo)
    elif isinstance(cpuinfo, CpuInfo):
        info = cpuinfo
    else:
        raise TypeError(f"cpuinfo must be the text of /proc/cpuinfo or a CpuInfo, got {type(cpuinfo).__name__}")
    if cores is None:
        cores = info.physical_cores
        if this_machine and hasattr(os, "sched_getaffinity"):
            cores = min(cores, len(os.sched_getaffinity(0)))
    if ghz is None:
        if info.nominal_ghz is not None:
            ghz = info.nominal_ghz
        elif info.mhz is not None:
            ghz = info.mhz / 1000
        else:
            raise ValueError("cpuinfo states no clock frequency (no '@ x GHz', no 'cpu MHz'): pass ghz=")
    bits = simd_width_bits(info.flags)
    lanes = max(1, bits // (8 * DTYPE_BYTES[dtype]))
    fma = "fma" in info.flags
    per_lane = 2 * fma_units if fma else 2  # FMA: 2 FLOPs per unit; else one add + one multiply port
    return PeakEstimate(
        flops_per_s=cores * ghz * 1e9 * lanes * per_lane,
        dtype=dtype,
        cores=cores,
        ghz=ghz,
        simd_bits=bits,
        lanes=lanes,
        flops_per_lane_cycle=per_lane,
        instruction_set=_instruction_set(bits, fma),
        model=info.model,
        fma_units=fma_units if fma else 0,
    )


def measure_gemm_rate(n: int = 2048, *, dtype: str = "float32", repeats: int = 7,
                      seed: int = 0) -> float:
    """Measured FLOP/s of NumPy's BLAS on an (n, n) @ (n, n) product.

    The median of ``repeats`` timed calls after a warm-up (:func:`time_call`),
    counted as ``2·n³`` FLOPs. This is the *measured* peak the book compares the
    theoretical one with: the best any of our kernels does on this machine.

    Cost: about ``repeats + 2`` products of 2·n³ FLOPs, and 3·n² elements of memory.
    """
    from ..measure.timing import time_call

    n = check_int("n", n, minimum=1)
    check_choice("dtype", dtype, _PEAK_DTYPES)
    repeats = check_int("repeats", repeats, minimum=1)
    rng = np.random.default_rng(seed)
    A = rng.random((n, n), dtype=np.dtype(dtype))  # (n, n)
    B = rng.random((n, n), dtype=np.dtype(dtype))  # (n, n)
    timing = time_call(np.matmul, A, B, repeats=repeats)
    return matmul_flops(n, n, n) / timing.median
