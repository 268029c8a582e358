"""The models of parallel cost: the pipeline bubble simulated, the α–β fit, Amdahl's law, the ring's time."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nncomplexity.cost.communication import allreduce_seconds, pipeline_bubble_fraction
from nncomplexity.parallel.alpha_beta import fit_alpha_beta, time_allreduce
from nncomplexity.parallel.amdahl import amdahl_serial_fraction, amdahl_speedup
from nncomplexity.parallel.pipeline import simulate_pipeline


@settings(max_examples=80, deadline=None)
@given(p=st.integers(1, 12), m=st.integers(1, 40), backward=st.sampled_from([0.0, 1.0, 2.0]))
def test_simulated_bubble_equals_the_formula(p, m, backward):
    sched = simulate_pipeline(p, m, 1.0, backward)
    assert sched.bubble_fraction == pytest.approx(float(pipeline_bubble_fraction(p, m)), abs=1e-12)
    assert sched.makespan == pytest.approx((m + p - 1) * (1.0 + backward))
    # dependencies hold: a stage starts a micro-batch after the stage before finished it
    f = sched.forward
    assert np.all(f[1:, :, 0] >= f[:-1, :, 1] - 1e-12) and np.all(f[:, 1:, 0] >= f[:, :-1, 1] - 1e-12)


def test_bubble_examples():
    assert pipeline_bubble_fraction(4, 1) == Fraction(3, 4)  # no micro-batching: one stage busy at a time
    assert pipeline_bubble_fraction(4, 12) == Fraction(3, 15)
    assert pipeline_bubble_fraction(1, 5) == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_alpha_beta_fit_recovers_known_coefficients(seed):
    rng = np.random.default_rng(seed)
    n = np.repeat(np.geomspace(1e3, 1e7, 9), 3)
    alpha, beta = 50e-6, 1 / 5e9
    t = (alpha + beta * n) * rng.lognormal(0, 0.03, n.size)
    fit = fit_alpha_beta(n, t)
    assert fit.beta.covers(beta) or abs(fit.beta.value / beta - 1) < 0.05
    assert fit.beta.ci_low < fit.beta.value < fit.beta.ci_high
    assert fit.bandwidth == pytest.approx(1 / fit.beta.value)
    assert fit.r_squared > 0.99 and fit.n_points == n.size
    assert abs(fit.alpha.value / alpha - 1) < 0.2, "relative errors let the small messages fix alpha"
    assert fit_alpha_beta(n, t, relative=False).beta.value == pytest.approx(beta, rel=0.05)
    exact = fit_alpha_beta([1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 7.0, 9.0])  # t = 1 + 2 n
    assert exact.alpha.value == pytest.approx(1.0) and exact.beta.value == pytest.approx(2.0)
    assert np.allclose(exact.predict([5.0]), [11.0])


def test_alpha_beta_fit_refuses_bad_input():
    with pytest.raises(ValueError, match="same length"):
        fit_alpha_beta([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="distinct"):
        fit_alpha_beta([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])


def test_allreduce_seconds_model():
    assert allreduce_seconds(1e6, 1, 1e-5, 1e-9) == 0
    assert allreduce_seconds(1e6, 4, 1e-5, 1e-9) == pytest.approx(6e-5 + 1.5e6 * 1e-9)
    # the bandwidth term tends to 2 n β as p grows; the latency term grows without bound
    assert allreduce_seconds(1e6, 10_000, 0.0, 1e-9) < 2e6 * 1e-9


@settings(max_examples=50, deadline=None)
@given(f=st.floats(0.0, 1.0), p=st.integers(2, 1024))
def test_amdahl_round_trip_and_bound(f, p):
    s = amdahl_speedup(f, p)
    assert 1 <= s <= p + 1e-9
    if f > 0:
        assert s < 1 / f + 1e-9
    assert amdahl_serial_fraction(s, p) == pytest.approx(f, abs=1e-9)


def test_amdahl_refuses_fraction_above_one():
    with pytest.raises(ValueError, match="serial_fraction"):
        amdahl_speedup(1.5, 2)


def timing_worker(rank, world_size):
    return time_allreduce([10, 1000], reduce="ring", repeats=3, warmup=1), \
        time_allreduce([10], reduce="torch", repeats=3, warmup=1)


def steps_worker(rank, world_size):
    from nncomplexity.parallel.data_parallel import time_training_steps

    configs = {"none": ("none", 0), "after": ("after", 0), "ddp": ("ddp", 1.0)}
    return time_training_steps([8, 16, 4], 5, configs, rounds=2, warmup=1)


def bad_mode_worker(rank, world_size):
    from nncomplexity.parallel.data_parallel import time_training_steps

    return time_training_steps([8, 4], 5, {"x": ("allgather", 0)}, rounds=1)


def test_time_training_steps_times_every_configuration_on_every_rank():
    from nncomplexity.parallel.launch import WorkerError, run_workers

    out = run_workers(steps_worker, 2, timeout_s=60)
    assert out[0] == out[1] and set(out[0]) == {"none", "after", "ddp"}
    assert all(v > 0 for v in out[0].values())
    with pytest.raises(WorkerError, match="mode must be one of"):
        run_workers(bad_mode_worker, 2, timeout_s=60)


def test_time_allreduce_gives_every_rank_rank_0s_medians():
    pytest.importorskip("torch")
    from nncomplexity.parallel.launch import run_workers

    out = run_workers(timing_worker, 2, timeout_s=60)
    assert out[0] == out[1]
    ring, torch_times = out[0]
    assert set(ring) == {10, 1000} and set(torch_times) == {10}
    assert all(v > 0 for v in [*ring.values(), *torch_times.values()])
