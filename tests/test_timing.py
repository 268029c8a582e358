"""Timing: one config, warm-up and repeats, budgets that end sweeps and rounds cleanly, the machine.

No test asserts an absolute time. Budget behaviour is tested against a fake
clock that only the timed callables advance, so it is exact and instant;
a few tests use ``time.sleep``, whose duration has a floor but no ceiling.
"""
from __future__ import annotations

import time
import warnings

import pytest

from nncomplexity.measure import timing
from nncomplexity.measure.machine import format_stamp, machine_stamp, parse_cpuinfo, torch_threads
from nncomplexity.measure.rounds import time_rounds
from nncomplexity.measure.sweep import BudgetWarning, Sweep, sweep
from nncomplexity.measure.timing import Timing, TimingConfig, time_call


class FakeClock:
    """A clock that stands still until a timed callable says how long it took."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def work(self, seconds: float):
        def fn(*_):
            self.now += seconds
            return seconds
        return fn


@pytest.fixture
def fake_clock(monkeypatch) -> FakeClock:
    clock = FakeClock()
    monkeypatch.setattr(timing, "clock", clock)
    return clock


# ---------------------------------------------------------------- TimingConfig and time_call
def test_warmup_calls_are_not_timed_and_repeats_are_counted():
    calls = []
    t = time_call(lambda: calls.append(1), repeats=5, warmup=3, number=2)
    assert len(calls) == 3 + 5 * 2
    assert (t.repeats, t.number, t.warmup) == (5, 2, 3)
    assert len(t.samples) == 5
    assert t.q1 <= t.median <= t.q3 and t.minimum <= t.median


def test_a_config_and_keyword_overrides_are_the_same_thing():
    calls = []
    config = TimingConfig(repeats=4, warmup=2, number=3)
    a = time_call(lambda: calls.append(1), config=config)
    b = time_call(lambda: calls.append(1), config=TimingConfig(), repeats=4, warmup=2, number=3)
    assert (a.repeats, a.number, a.warmup) == (b.repeats, b.number, b.warmup) == (4, 3, 2)
    assert len(calls) == 2 * (2 + 4 * 3)
    assert config.replace(repeats=9).repeats == 9 and config.repeats == 4  # frozen: a copy


def test_median_tracks_a_known_duration():
    # sleep has a floor, not a ceiling: the median is at least the requested time
    t = time_call(time.sleep, 0.002, repeats=5, warmup=1, number=1)
    assert t.median >= 0.002
    assert t.spread >= 0


def test_autorange_makes_a_repeat_long_enough():
    t = time_call(lambda: None, repeats=3, min_repeat_s=0.002)
    assert t.number > 1  # a no-op is far faster than 2 ms, so calls are batched
    assert t.median * t.number >= 0.002 * 0.5


def test_the_budget_limits_a_slow_measurement_exactly(fake_clock):
    t = time_call(fake_clock.work(0.25), repeats=100, warmup=0, number=1, budget_s=1.0)
    assert t.repeats == 4  # after the 4th repeat (t = 1 s) a 5th would end at 1.25 s
    assert fake_clock.now == 1.0
    assert t.median == 0.25


def test_at_least_one_repeat_even_over_budget(fake_clock):
    t = time_call(fake_clock.work(1.0), repeats=5, warmup=2, budget_s=0.5)
    assert t.repeats == 1 and t.samples == (1.0,)


def test_positional_arguments_are_passed_through():
    seen = []
    time_call(lambda a, b: seen.append((a, b)), 1, 2, repeats=1, warmup=0, number=1)
    assert seen == [(1, 2)]


def test_a_keyword_that_is_not_a_setting_names_itself():
    with pytest.raises(TypeError, match="unknown timing setting b.*functools.partial"):
        time_call(lambda a, b=0: None, 1, b=2)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"repeats": 0}, ValueError, "repeats"),
    ({"repeats": 2.5}, TypeError, "repeats"),
    ({"warmup": -1}, ValueError, "warmup"),
    ({"number": 0}, ValueError, "number"),
    ({"min_repeat_s": float("nan")}, ValueError, "min_repeat_s"),
    ({"min_repeat_s": 0}, ValueError, "min_repeat_s"),
    ({"budget_s": 0}, ValueError, "budget_s"),
    ({"budget_s": "10"}, TypeError, "budget_s"),
    ({"device": "tpu"}, ValueError, "device"),
])
def test_bad_settings_name_themselves(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        TimingConfig(**kwargs)
    with pytest.raises(exc, match=match):
        time_call(lambda: None, **kwargs)


def test_bad_fn_and_config():
    with pytest.raises(TypeError, match="fn must be callable"):
        time_call(42)
    with pytest.raises(TypeError, match="config must be a TimingConfig"):
        time_call(lambda: None, config={"repeats": 3})


def test_cuda_tensors_are_synchronised(monkeypatch):
    """The clock is read only after torch.cuda.synchronize when CUDA is involved."""
    torch = pytest.importorskip("torch")
    synced = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda: synced.append(1))
    time_call(lambda: None, repeats=2, warmup=1, number=1, device="cuda")
    assert len(synced) >= 3  # after warm-up and after each repeat
    synced.clear()
    time_call(lambda: None, repeats=2, warmup=1, number=1)
    assert not synced  # CPU work is not synchronised


# ---------------------------------------------------------------- sweep
def test_sweep_measures_every_size_within_budget():
    result = sweep(lambda n: (lambda: sum(range(n))), [10, 100, 1000], budget_s=5, repeats=3)
    assert isinstance(result, Sweep) and result.sizes == (10, 100, 1000) and not result.stopped_early
    assert len(result.medians) == 3 and all(isinstance(result[n], Timing) for n in result.sizes)
    assert "measured all 3 sizes" in result.message


def test_sweep_skips_exactly_the_sizes_that_would_overrun(fake_clock):
    # a call at size s takes s/100 s; 2 repeats of 1 call each; time grows like size
    with pytest.warns(BudgetWarning, match="time budget of 0.5 s reached"):
        result = sweep(lambda s: fake_clock.work(s / 100), [1, 2, 4, 8, 16, 32], budget_s=0.5,
                       repeats=2, warmup=0, number=1, growth=1)
    # spent after each size: 0.02, 0.06, 0.14, 0.30; size 16 would take 0.32 more
    assert result.sizes == (1, 2, 4, 8) and result.skipped == (16, 32)
    assert result.elapsed_s == pytest.approx(0.30) and fake_clock.now <= 0.5
    assert "skipped [16, 32]" in result.message
    with pytest.raises(KeyError, match="16 was not measured"):
        result[16]


def test_a_wrong_prediction_overruns_by_at_most_one_repeat(fake_clock):
    # growth=0 predicts size 100 costs what size 1 did (0.01 s a call); in truth 1 s
    result = sweep(lambda s: fake_clock.work(s / 100), [1, 100], budget_s=0.5,
                   repeats=3, warmup=0, number=1, growth=0)
    assert result.sizes == (1, 100)
    assert result[100].repeats == 1  # time_call gets only the budget left: no second repeat
    assert fake_clock.now == pytest.approx(0.03 + 1.0)


def test_sweep_estimates_growth_from_the_last_two_sizes(fake_clock):
    # quadratic work: predicted exactly from the last two sizes once two are measured
    with pytest.warns(BudgetWarning):
        result = sweep(lambda n: fake_clock.work(n * n / 1e4), [10, 20, 40, 80, 160], budget_s=1.0,
                       repeats=1, warmup=0, number=1)
    # spent: 0.01, 0.05, 0.21, 0.85; size 160 (2.56 s) is skipped, never started
    assert result.sizes == (10, 20, 40, 80) and result.skipped == (160,)
    assert fake_clock.now == pytest.approx(0.85)


def test_sweep_orders_grid_points_by_cost_and_skips_the_dearest(fake_clock):
    def flops(point):
        n, L, t = point
        return 2 * t * L * n * n

    grid = [(64, 4, 8), (16, 1, 1), (32, 2, 1), (128, 8, 64), (32, 1, 8)]
    with pytest.warns(BudgetWarning):
        result = sweep(lambda p: fake_clock.work(flops(p) * 1e-7), grid, cost=flops, budget_s=0.1,
                       repeats=1, warmup=0, number=1)
    assert result.sizes == ((16, 1, 1), (32, 2, 1), (32, 1, 8), (64, 4, 8))
    assert result.skipped == ((128, 8, 64),)  # 1.7 s predicted from the count: never started
    assert (64, 4, 8) in result and result[(64, 4, 8)].median == pytest.approx(flops((64, 4, 8)) * 1e-7)


def test_sweep_stops_cleanly_with_real_sleeps():
    start = time.perf_counter()
    with pytest.warns(BudgetWarning):
        result = sweep(lambda s: (lambda: time.sleep(s / 1000)), [10, 20, 40, 80, 160, 320],
                       budget_s=0.3, repeats=2, warmup=0, number=1, growth=1)
    assert result.sizes + result.skipped == (10, 20, 40, 80, 160, 320)
    assert time.perf_counter() - start < 0.3 * 2, "the sweep overran its budget"


def test_no_warning_when_all_sizes_fit():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep(lambda n: (lambda: None), [1, 2], budget_s=5, repeats=1)


@pytest.mark.parametrize("args, kwargs, exc, match", [
    ((None, [1]), {}, TypeError, "prepare must be callable"),
    ((lambda n: (lambda: None), []), {}, ValueError, "sizes must not be empty"),
    ((lambda n: (lambda: None), "123"), {}, TypeError, "sizes"),
    ((lambda n: (lambda: None), 5), {}, TypeError, "sizes"),
    ((lambda n: (lambda: None), [1]), {"budget_s": -1}, ValueError, "budget_s"),
    ((lambda n: (lambda: None), [1]), {"growth": -1}, ValueError, "growth"),
    ((lambda n: (lambda: None), [1]), {"cost": 3}, TypeError, "cost must be callable"),
    ((lambda n: (lambda: None), [1, 2]), {"cost": lambda s: -s}, ValueError, "cost must return"),
    ((lambda n: (lambda: None), [1]), {"repeats": 0}, ValueError, "repeats"),
])
def test_sweep_rejects_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        sweep(*args, **kwargs)


# ---------------------------------------------------------------- time_rounds
def test_rounds_interleave_the_callables_and_take_medians():
    order = []
    calls = {n: (lambda n=n: order.append(n)) for n in (1, 2, 3)}
    result = time_rounds(calls, repeats=3, warmup=0, number=1)
    assert result.sizes == (1, 2, 3) and result.interleaved
    assert [t.repeats for t in result.timings] == [3, 3, 3]
    assert order == [1, 2, 3] * 3


def test_rounds_autorange_in_the_first_round_only():
    counts = {"a": 0}

    def a():
        counts["a"] += 1

    result = time_rounds({"a": a}, repeats=4, warmup=0, min_repeat_s=0.001)
    n = result["a"].number
    assert n > 1 and result["a"].repeats == 4
    assert counts["a"] >= 3 * n  # rounds 2 to 4 read n calls each, after autorange


def test_rounds_stop_when_the_next_would_overrun(fake_clock):
    calls = {"a": fake_clock.work(0.125), "b": fake_clock.work(0.375)}
    result = time_rounds(calls, repeats=50, warmup=0, number=1, budget_s=2.0)
    assert [t.repeats for t in result.timings] == [4, 4]  # 4 rounds of 0.5 s; a 5th would end at 2.5
    assert fake_clock.now == 2.0


def test_rounds_run_at_least_two_rounds_for_an_interval(fake_clock):
    result = time_rounds({"a": fake_clock.work(1.0)}, repeats=5, warmup=0, number=1, budget_s=0.1)
    assert result["a"].repeats == 2


def test_chain_passes_each_result_on_and_times_each_step():
    seen = []

    def forward():
        return len(seen)

    def backward(v):
        seen.append(v)

    result = time_rounds({"forward": forward, "backward": backward}, chain=True,
                         repeats=5, warmup=1)
    assert seen == list(range(6))  # one warm-up pass, then five, each given forward's value
    assert result["forward"].repeats == result["backward"].repeats == 5
    assert result["forward"].number == 1


def test_phases_set_up_pause_and_warm_up_every_block():
    log = []
    calls = {"a": lambda: log.append("a"), "b": lambda: log.append("b")}
    before = {"b": lambda: log.append("setup-b")}
    result = time_rounds(calls, repeats=2, per_round=3, warmup=1, number=1, pause_s=0.001,
                         before_each=before)
    assert [t.repeats for t in result.timings] == [6, 6]
    block = ["a"] * 4 + ["setup-b"] + ["b"] * 4  # warm-up again after every pause
    assert log == block * 2


def test_without_pauses_the_warm_up_is_paid_once():
    log = []
    time_rounds({"a": lambda: log.append("a")}, repeats=3, warmup=2, number=1)
    assert log == ["a"] * (2 + 3)


@pytest.mark.parametrize("args, kwargs, exc, match", [
    (([lambda: None],), {}, TypeError, "calls must be a mapping"),
    (({},), {}, ValueError, "calls must not be empty"),
    (({"a": 3},), {}, TypeError, r"calls\['a'\] must be callable"),
    (({"a": lambda: None},), {"before_each": {"b": lambda: None}}, ValueError, "before_each"),
    (({"a": lambda: None},), {"before_each": {"a": 1}}, TypeError, "before_each"),
    (({"a": lambda: None},), {"before_each": [1]}, TypeError, "before_each"),
    (({"a": lambda: None},), {"repeats": 0}, ValueError, "repeats"),
    (({"a": lambda: None},), {"per_round": 0}, ValueError, "per_round"),
    (({"a": lambda: None},), {"pause_s": -1}, ValueError, "pause_s"),
    (({"a": lambda: None},), {"chain": "yes"}, TypeError, "chain"),
    (({"a": lambda: 1, "b": lambda v: v},), {"chain": True, "number": 5}, ValueError, "number"),
    (({"a": lambda: 1},), {"chain": True, "before_each": {"a": lambda: None}}, ValueError,
     "before_each"),
])
def test_rounds_reject_bad_input(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        time_rounds(*args, **kwargs)


# ---------------------------------------------------------------- the machine
def test_machine_stamp_names_the_machine_and_versions():
    stamp = machine_stamp()
    for key in ("cpu", "logical_cpus", "blas", "python", "numpy", "torch", "device"):
        assert key in stamp
    assert stamp["logical_cpus"] >= 1
    line = format_stamp(stamp)
    assert stamp["cpu"] in line and f"NumPy {stamp['numpy']}" in line


def test_stamp_reports_torch_threads_once_torch_is_used():
    torch = pytest.importorskip("torch")
    assert machine_stamp()["torch_threads"] == torch.get_num_threads()


def test_one_cpuinfo_reader():
    from nncomplexity.hardware import peak

    assert peak.parse_cpuinfo is parse_cpuinfo  # hardware reads the CPU through measure.machine
    info = parse_cpuinfo("processor : 0\nmodel name : X @ 2.00GHz\nflags : fma avx2\n\n"
                         "processor : 1\nmodel name : X @ 2.00GHz\nflags : fma avx2\n")
    assert (info.logical_cpus, info.physical_cores, info.nominal_ghz) == (2, 2, 2.0)
    with pytest.raises(TypeError, match="text"):
        parse_cpuinfo(b"processor : 0")
    with pytest.raises(ValueError, match="processor"):
        parse_cpuinfo("nothing here")


def test_torch_threads_restores_the_setting():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError):
        with torch_threads(1):
            raise RuntimeError("the block failed")
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="threads"):
        with torch_threads(0):
            pass
    with pytest.raises(TypeError, match="threads"):
        with torch_threads(1.0):
            pass


def test_a_timing_summarises_its_samples():
    t = Timing.from_samples([4.0, 1.0, 3.0, 2.0], number=10, warmup=1)
    assert (t.median, t.minimum, t.repeats, t.number, t.warmup) == (2.5, 1.0, 4, 10, 1)
    assert t.q1 <= t.median <= t.q3 and t.samples == (4.0, 1.0, 3.0, 2.0)  # in the order taken
    with pytest.raises(ValueError, match="samples"):
        Timing.from_samples([], number=1, warmup=0)
