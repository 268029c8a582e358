"""Peak FLOP/s from cpuinfo text, roofline formulas, and their input checks.

The cpuinfo samples are written here, so the tests do not depend on the
machine that runs them.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from nncomplexity.cost.flops import gemv_flops, matmul_flops
from nncomplexity.cost.memory import gemm_bytes, gemm_intensity, gemv_bytes, gemv_intensity
from nncomplexity.hardware import (
    CpuInfo,
    attainable,
    measure_bandwidth,
    parse_cpuinfo,
    plot_roofline,
    ridge_intensity,
    theoretical_peak,
)
from nncomplexity.hardware.peak import simd_width_bits


def _block(i, *, model, mhz, flags, phys=0, core=None):
    lines = [f"processor\t: {i}", "vendor_id\t: GenuineIntel", f"model name\t: {model}"]
    if mhz is not None:
        lines.append(f"cpu MHz\t\t: {mhz}")
    if phys is not None:
        lines += [f"physical id\t: {phys}", f"core id\t\t: {i if core is None else core}"]
    lines.append(f"flags\t\t: {flags}")
    return "\n".join(lines) + "\n"


AVX512 = "fpu sse sse2 avx fma avx2 avx512f avx512dq avx512bw amx_tile"
# This book's machine: 2 cores, no hyperthreads, AVX-512 with FMA, 2.6 GHz under KVM.
XEON = "\n".join(_block(i, model="Intel(R) Xeon(R) Processor", mhz="2599.998", flags=AVX512)
                 for i in range(2))
# A desktop Haswell: 4 cores, 8 threads (core ids repeat), nominal clock in the model name.
HASWELL = "\n".join(
    _block(i, model="Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", mhz="800.000",
           flags="fpu sse sse2 avx fma avx2", core=i % 4)
    for i in range(8))
# An old AVX machine without FMA; two sockets of 2 cores each.
SANDY = "\n".join(
    _block(i, model="Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz", mhz="2600.000",
           flags="fpu sse sse2 avx", phys=i // 2, core=i % 2)
    for i in range(4))
# ARM: "Features" instead of flags, no topology, no clock.
ARM = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm\n\nprocessor\t: 1\nFeatures\t: fp asimd\n"


def test_parse_this_books_machine():
    info = parse_cpuinfo(XEON)
    assert info == CpuInfo(model="Intel(R) Xeon(R) Processor", logical_cpus=2, physical_cores=2,
                           mhz=2599.998, nominal_ghz=None, flags=frozenset(AVX512.split()))


def test_parse_hyperthreads_sockets_and_arm():
    assert parse_cpuinfo(HASWELL).logical_cpus == 8
    assert parse_cpuinfo(HASWELL).physical_cores == 4  # hyperthreads share (physical id, core id)
    assert parse_cpuinfo(HASWELL).nominal_ghz == 3.4
    assert parse_cpuinfo(SANDY).physical_cores == 4  # core ids repeat across sockets
    arm = parse_cpuinfo(ARM)
    assert (arm.logical_cpus, arm.physical_cores, arm.mhz, arm.model) == (2, 2, None, "unknown CPU")
    assert "asimd" in arm.flags


def test_peak_avx512_fma():
    p = theoretical_peak(XEON)
    # 2 cores × 2.599998 GHz × 16 float32 lanes × (2 FMA units × 2 FLOPs)
    assert p.flops_per_s == pytest.approx(2 * 2.599998e9 * 16 * 4, rel=1e-12)
    assert (p.cores, p.simd_bits, p.lanes, p.flops_per_lane_cycle) == (2, 512, 16, 4)
    assert p.instruction_set == "AVX-512 with FMA"
    p64 = theoretical_peak(XEON, dtype="float64")
    assert p64.lanes == 8 and p64.flops_per_s == pytest.approx(p.flops_per_s / 2, rel=1e-12)
    assert theoretical_peak(XEON, fma_units=1).flops_per_s == pytest.approx(p.flops_per_s / 2)
    # The assumption is recorded: one 512-bit FMA unit (Xeon Silver, Zen 4) gives 2 FLOP/lane/cycle.
    one = theoretical_peak(XEON, fma_units=1)
    assert (p.fma_units, one.fma_units, one.flops_per_lane_cycle) == (2, 1, 2)
    assert "166.4 GFLOP/s" in theoretical_peak(XEON, ghz=2.6, fma_units=1).formula
    assert theoretical_peak(XEON, ghz=2.0, cores=1).flops_per_s == pytest.approx(2e9 * 16 * 4)
    assert "332.8 GFLOP/s" in theoretical_peak(XEON, ghz=2.6).formula


def test_peak_uses_nominal_clock_and_physical_cores():
    p = theoretical_peak(HASWELL)  # cpu MHz says 800 (idle), the model name 3.40 GHz
    assert p.ghz == 3.4 and p.cores == 4
    assert p.flops_per_s == pytest.approx(4 * 3.4e9 * 8 * 4)  # 8 float32 lanes in 256 bits


def test_peak_docstring_states_the_fma_assumption():
    import nncomplexity.hardware.peak as peak_module

    doc = peak_module.__doc__
    assert "one 512-bit FMA unit" in doc and "upper bound" in doc and "fma_units=1" in doc
    assert "since Haswell" in doc and "Zen 2" in doc


def test_peak_without_fma_and_on_arm():
    p = theoretical_peak(SANDY, dtype="float64")
    assert p.flops_per_lane_cycle == 2 and p.instruction_set == "AVX/AVX2 without FMA"
    assert p.fma_units == 0  # no FMA: the units assumed are recorded as none
    assert p.flops_per_s == pytest.approx(4 * 2.6e9 * 4 * 2)
    with pytest.raises(ValueError, match="ghz"):
        theoretical_peak(ARM)
    assert theoretical_peak(ARM, ghz=2.0).flops_per_s == pytest.approx(2 * 2e9 * 4 * 2)  # NEON 128 bits


def test_simd_width_bits():
    assert simd_width_bits({"avx512f", "avx2"}) == 512
    assert simd_width_bits({"avx"}) == 256
    assert simd_width_bits({"sse2"}) == 128
    assert simd_width_bits(set()) == 0
    assert theoretical_peak("processor : 0\ncpu MHz : 1000\n", dtype="float64").lanes == 1
    with pytest.raises(TypeError, match="flags"):
        simd_width_bits("avx2")


def test_peak_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="dtype"):
        theoretical_peak(XEON, dtype="float16")
    with pytest.raises(ValueError, match="cores"):
        theoretical_peak(XEON, cores=0)
    with pytest.raises(ValueError, match="ghz"):
        theoretical_peak(XEON, ghz=-1.0)
    with pytest.raises(TypeError, match="fma_units"):
        theoretical_peak(XEON, fma_units=2.0)
    with pytest.raises(TypeError, match="cpuinfo"):
        theoretical_peak(b"processor : 0")
    with pytest.raises(TypeError, match="text"):
        parse_cpuinfo(None)
    with pytest.raises(ValueError, match="text must hold at least one 'processor'"):
        parse_cpuinfo("model name : nothing else\n")


@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (6, 6, 6), (7, 13, 5), (1, 4096, 1), (1024, 1024, 1024)])
@pytest.mark.parametrize("itemsize", [4, 8])
def test_gemm_intensity_exact(m, k, n, itemsize):
    assert gemm_bytes(m, k, n, itemsize) == (m * k + k * n + m * n) * itemsize
    want = Fraction(matmul_flops(m, k, n), (m * k + k * n + m * n) * itemsize)
    assert gemm_intensity(m, k, n, itemsize) == float(want)  # correctly rounded ratio of ints


@pytest.mark.parametrize("n", [6, 12, 600, 2048, 3 * 2**20])
def test_square_gemm_intensity_is_n_over_6_in_float32(n):
    assert gemm_intensity(n, n, n, 4) == n / 6
    assert gemm_intensity(n, n, n, "float32") == n / 6
    assert gemm_intensity(n, n, n, np.float64) == n / 12


@pytest.mark.parametrize("m,n", [(1, 1), (3, 5), (1000, 1000), (2**20, 2**20)])
def test_gemv_intensity_exact_and_bounded(m, n):
    assert gemv_flops(m, n) == 2 * m * n
    assert gemv_bytes(m, n, 4) == (m * n + m + n) * 4
    assert gemv_intensity(m, n, 4) == float(Fraction(2 * m * n, (m * n + m + n) * 4))
    assert gemv_intensity(m, n, 4) < 0.5 and gemv_intensity(m, n, 8) < 0.25
    assert gemv_intensity(m, n) == gemm_intensity(m, n, 1)  # a GEMV is a GEMM with one column


def test_attainable_is_min_of_peak_and_bandwidth_roof():
    assert attainable(1.0, 100.0, 10.0) == 10.0  # memory-bound: I·β
    assert attainable(100.0, 100.0, 10.0) == 100.0  # compute-bound: peak
    assert attainable(10.0, 100.0, 10.0) == 100.0  # exactly at the ridge
    assert ridge_intensity(100.0, 10.0) == 10.0
    xs = np.array([0.5, 2.0, 8.0, 32.0])
    np.testing.assert_array_equal(attainable(xs, 64.0, 4.0), np.minimum(64.0, xs * 4.0))
    assert isinstance(attainable(2.0, 3.0, 4.0), float)


def test_roofline_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="intensity"):
        attainable(0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="intensity"):
        attainable([1.0, np.nan], 1.0, 1.0)
    with pytest.raises(TypeError, match="intensity"):
        attainable("high", 1.0, 1.0)
    with pytest.raises(ValueError, match="peak"):
        attainable(1.0, -5.0, 1.0)
    with pytest.raises(ValueError, match="bandwidth"):
        attainable(1.0, 1.0, 0.0)
    with pytest.raises(TypeError, match="bandwidth"):
        ridge_intensity(1.0, "fast")
    with pytest.raises(ValueError, match="m must be >= 1"):
        gemm_intensity(0, 2, 2)
    with pytest.raises(TypeError, match="k must be an integer"):
        gemm_intensity(2, 2.0, 2)
    with pytest.raises(ValueError, match="n must be >= 1"):
        gemv_intensity(3, 0)
    with pytest.raises(ValueError, match="itemsize"):
        gemm_bytes(2, 2, 2, 0)
    with pytest.raises(TypeError, match="itemsize"):
        gemv_bytes(2, 2, 4.0)
    with pytest.raises(ValueError, match="itemsize"):
        gemv_bytes(2, 2, "not-a-dtype")


def test_measure_bandwidth_small_and_checks():
    bw = measure_bandwidth("copy", mbytes=1, threads=2, repeats=2)
    assert bw.kind == "copy" and bw.threads == 2 and bw.bytes_counted == 2 * bw.array_bytes
    assert bw.bytes_per_s > 0 and bw.gb_per_s == bw.bytes_per_s / 1e9
    tri = measure_bandwidth("triad", mbytes=1, threads=1, block_kbytes=64, repeats=2)
    assert tri.bytes_counted == 3 * tri.array_bytes
    # the read-only stream counts one array; sizes that are not whole rows of 512 leave a tail
    for mbytes, threads in [(1, 1), (1.001, 2), (0.0001, 2)]:
        read = measure_bandwidth("read", mbytes=mbytes, threads=threads, repeats=2)
        assert read.kind == "read" and read.bytes_counted == read.array_bytes > 0 and read.gb_per_s > 0
        assert read.best_seconds <= read.seconds and read.best_gb_per_s >= read.gb_per_s
    with pytest.raises(ValueError, match="kind"):
        measure_bandwidth("scale")
    with pytest.raises(ValueError, match="mbytes"):
        measure_bandwidth(mbytes=0)
    with pytest.raises(ValueError, match="threads"):
        measure_bandwidth(threads=0)


def test_plot_roofline():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    line = plot_roofline(ax, 100.0, 10.0, intensity_range=(0.1, 1000))
    x, y = line.get_data()
    np.testing.assert_allclose(y, attainable(np.asarray(x), 100.0, 10.0))
    assert 10.0 in list(x)  # the ridge is a vertex of the roof
    with pytest.raises(ValueError, match="intensity_range"):
        plot_roofline(ax, 100.0, 10.0, intensity_range=(10, 1))
    plt.close(fig)


def test_ghz_needed_for_a_measured_rate():
    p = theoretical_peak(XEON, ghz=2.6)
    assert p.ghz_needed_for(p.flops_per_s) == pytest.approx(2.6)
    assert p.ghz_needed_for(384e9) == pytest.approx(384e9 / (2 * 16 * 4) / 1e9)  # 3.0 GHz
    with pytest.raises(ValueError, match="flops_per_s"):
        p.ghz_needed_for(0.0)


def test_measure_gemm_rate_small():
    from nncomplexity.hardware import measure_gemm_rate

    assert measure_gemm_rate(32, repeats=1) > 0
    assert measure_gemm_rate(16, dtype="float64", repeats=1) > 0
    with pytest.raises(ValueError, match="dtype"):
        measure_gemm_rate(16, dtype="int8")
    with pytest.raises(ValueError, match="n must be >= 1"):
        measure_gemm_rate(0)
