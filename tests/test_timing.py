"""Timing: warm-up, repeats, medians, a budget that ends sweeps cleanly, the machine stamp."""
from __future__ import annotations

import time
import warnings

import pytest

from nncomplexity.measure.machine import format_stamp, machine_stamp
from nncomplexity.measure.timing import BudgetWarning, sweep, time_call


def test_warmup_calls_are_not_timed_and_repeats_are_counted():
    calls = []
    t = time_call(lambda: calls.append(1), repeats=5, warmup=3, number=2)
    assert len(calls) == 3 + 5 * 2
    assert t.repeats == 5 and t.number == 2 and t.warmup == 3
    assert len(t.samples) == 5
    assert t.q1 <= t.median <= t.q3 and t.minimum <= t.median


def test_median_tracks_a_known_duration():
    # sleep has a floor, not a ceiling: the median is at least the requested time
    t = time_call(time.sleep, 0.002, repeats=5, warmup=1, number=1)
    assert t.median >= 0.002
    assert t.spread >= 0


def test_autorange_makes_a_repeat_long_enough():
    t = time_call(lambda: None, repeats=3, min_repeat_s=0.002)
    assert t.number > 1  # a no-op is far faster than 2 ms, so calls are batched
    assert t.median * t.number >= 0.002 * 0.5


def test_max_total_limits_a_slow_measurement():
    start = time.perf_counter()
    t = time_call(time.sleep, 0.05, repeats=100, warmup=0, number=1, max_total_s=0.2)
    assert time.perf_counter() - start < 1.0
    assert 1 <= t.repeats < 100


def test_arguments_are_passed_through():
    seen = []
    time_call(lambda a, b=0: seen.append((a, b)), 1, b=2, repeats=1, warmup=0, number=1)
    assert seen == [(1, 2)]


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"repeats": 0}, ValueError, "repeats"),
    ({"warmup": -1}, ValueError, "warmup"),
    ({"number": 0}, ValueError, "number"),
    ({"repeats": 2.5}, TypeError, "repeats"),
    ({"max_total_s": 0}, ValueError, "max_total_s"),
    ({"min_repeat_s": float("nan")}, ValueError, "min_repeat_s"),
])
def test_bad_arguments_name_themselves(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        time_call(lambda: None, **kwargs)


def test_not_callable():
    with pytest.raises(TypeError, match="fn must be callable"):
        time_call(42)


def test_sweep_measures_every_size_within_budget():
    result = sweep(lambda n: (lambda: sum(range(n))), [10, 100, 1000], budget_s=5, repeats=3)
    assert result.sizes == (10, 100, 1000) and not result.stopped_early
    assert len(result.medians) == 3
    assert "measured all 3 sizes" in result.message


def test_sweep_stops_cleanly_before_overrunning_and_says_so():
    # each size sleeps size milliseconds; growth 1; budget allows only the first few
    def make(size):
        return lambda: time.sleep(size / 1000)

    start = time.perf_counter()
    with pytest.warns(BudgetWarning, match="time budget of 0.3 s reached"):
        result = sweep(make, [10, 20, 40, 80, 160, 320], budget_s=0.3, repeats=2, warmup=0,
                       number=1, growth=1)
    elapsed = time.perf_counter() - start
    assert result.stopped_early and result.skipped
    assert result.sizes + result.skipped == (10, 20, 40, 80, 160, 320)
    assert elapsed < 0.3 * 2, "the sweep overran its budget"
    assert "skipped" in result.message


def test_sweep_rejects_bad_input():
    with pytest.raises(ValueError, match="sizes must not be empty"):
        sweep(lambda n: (lambda: None), [])
    with pytest.raises(ValueError, match="budget_s"):
        sweep(lambda n: (lambda: None), [1], budget_s=-1)
    with pytest.raises(TypeError, match="make_call must be callable"):
        sweep(None, [1])


def test_no_warning_when_all_sizes_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep(lambda n: (lambda: None), [1, 2], budget_s=5, repeats=1)


def test_machine_stamp_names_the_machine_and_versions():
    stamp = machine_stamp()
    for key in ("cpu", "logical_cpus", "blas", "python", "numpy", "torch", "device"):
        assert key in stamp
    assert stamp["logical_cpus"] >= 1
    line = format_stamp(stamp)
    assert stamp["cpu"] in line and f"NumPy {stamp['numpy']}" in line


def test_stamp_reports_torch_threads_once_torch_is_used():
    import torch

    stamp = machine_stamp()
    assert stamp["torch_threads"] == torch.get_num_threads()


def test_cuda_tensors_are_synchronised(monkeypatch):
    """The clock is read only after torch.cuda.synchronize when CUDA is involved."""
    import torch

    from nncomplexity.measure import timing

    synced = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda: synced.append(1))
    timing.time_call(lambda: None, repeats=2, warmup=1, number=1, device="cuda")
    assert len(synced) >= 3  # after warm-up and after each repeat
    synced.clear()
    timing.time_call(lambda: None, repeats=2, warmup=1, number=1)
    assert not synced  # CPU work is not synchronised


def test_time_in_rounds_interleaves_sizes_and_takes_medians():
    from nncomplexity.measure.timing import time_in_rounds

    order = []

    def prepare(n):
        return lambda: order.append(n)

    result = time_in_rounds(prepare, [1, 2, 3], rounds=3, warmup=0, min_repeat_s=1e-6, budget_s=10)
    assert result.sizes == (1, 2, 3) and result.rounds == 3
    assert len(result.medians) == 3 and all(len(r) == 3 for r in result.readings)
    # after the first round, every round visits the sizes in order: 1, 2, 3, 1, 2, 3
    tail = [n for i, n in enumerate(order) if i == 0 or order[i - 1] != n]
    assert tail[-6:] == [1, 2, 3, 1, 2, 3]


def test_time_in_rounds_runs_fewer_rounds_over_budget():
    from nncomplexity.measure.timing import time_in_rounds

    result = time_in_rounds(lambda n: (lambda: time.sleep(0.02)), [1, 2], rounds=50,
                            warmup=0, min_repeat_s=1e-6, budget_s=0.2)
    assert 1 <= result.rounds < 50


def test_time_in_rounds_bad_input():
    from nncomplexity.measure.timing import time_in_rounds

    with pytest.raises(ValueError, match="sizes"):
        time_in_rounds(lambda n: (lambda: None), [])
    with pytest.raises(ValueError, match="rounds"):
        time_in_rounds(lambda n: (lambda: None), [1], rounds=0)
