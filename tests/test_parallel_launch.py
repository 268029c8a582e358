"""The launcher starts a process group, returns results in rank order, and never leaves a process behind.

Every test here starts real processes (gloo on 127.0.0.1) with a short deadline;
after success, an exception in a worker, a worker that dies and a worker that
hangs, every child has been reaped: its pid no longer exists and this process
has no children beyond those it had before the test (in a full run, other tests
may keep a kernel or a browser alive; they are not the launcher's).
"""
from __future__ import annotations

import os
import time

import psutil
import pytest

torch = pytest.importorskip("torch")
import torch.distributed as dist  # noqa: E402

from nncomplexity.parallel.launch import WorkerError, WorkerTimeout, run_workers  # noqa: E402


def _gone(pids):
    """True when none of ``pids`` is alive (a reaped child's pid no longer exists)."""
    return not [pid for pid in pids if psutil.pid_exists(pid)
                and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


_BEFORE: set[int] = set()


@pytest.fixture(autouse=True)
def _children_before():
    """Remember the children this process has before each test: the launcher must add none for good."""
    _BEFORE.clear()
    _BEFORE.update(p.pid for p in psutil.Process().children(recursive=True))


def _no_children():
    return not {p.pid for p in psutil.Process().children(recursive=True)} - _BEFORE


def report(rank, world_size, extra):
    x = torch.tensor([float(rank + 1)])
    dist.all_reduce(x)
    return {"rank": rank, "world": world_size, "sum": float(x), "pid": os.getpid(), "extra": extra}


def fail_on_rank_1(rank, world_size):
    if rank == 1:
        raise ValueError("deliberate failure in rank 1")
    dist.all_reduce(torch.ones(1))  # would wait forever for rank 1
    return os.getpid()


def hang_on_rank_1(rank, world_size):
    if rank == 1:
        time.sleep(120)
    dist.all_reduce(torch.ones(1))
    return os.getpid()


def die_on_rank_0(rank, world_size):
    if rank == 0:
        os._exit(3)
    time.sleep(120)


@pytest.mark.parametrize("world_size", [1, 2, 3])
def test_results_come_back_in_rank_order_and_every_child_is_reaped(world_size):
    out = run_workers(report, world_size, "x", timeout_s=30)
    assert [o["rank"] for o in out] == list(range(world_size))
    assert all(o["world"] == world_size and o["extra"] == "x" for o in out)
    assert all(o["sum"] == world_size * (world_size + 1) / 2 for o in out)
    assert _gone([o["pid"] for o in out]) and _no_children()


def test_an_exception_in_a_worker_is_raised_with_its_traceback_and_all_are_stopped():
    start = time.monotonic()
    with pytest.raises(WorkerError, match="deliberate failure in rank 1") as info:
        run_workers(fail_on_rank_1, 2, timeout_s=30)
    assert time.monotonic() - start < 20, "rank 0 was left waiting for the deadline"
    assert not isinstance(info.value, WorkerTimeout)
    assert len(info.value.pids) == 2 and _gone(info.value.pids) and _no_children()


def test_a_hung_worker_times_out_and_all_are_stopped():
    start = time.monotonic()
    with pytest.raises(WorkerTimeout, match=r"did not finish within timeout_s = 3") as info:
        run_workers(hang_on_rank_1, 2, timeout_s=3)
    assert time.monotonic() - start < 10
    assert isinstance(info.value, TimeoutError)
    assert _gone(info.value.pids) and _no_children()


def test_a_worker_that_dies_is_reported_and_the_rest_are_stopped():
    with pytest.raises(WorkerError, match="worker 0 died") as info:
        run_workers(die_on_rank_0, 2, timeout_s=20)
    assert _gone(info.value.pids) and _no_children()


@pytest.mark.parametrize("kwargs, error, name", [
    ({"world_size": 0}, ValueError, "world_size"), ({"world_size": 9}, ValueError, "world_size"),
    ({"world_size": 2.0}, TypeError, "world_size"), ({"timeout_s": 0}, ValueError, "timeout_s"),
    ({"threads": 0}, ValueError, "threads"), ({"backend": "nccl"}, ValueError, "backend"),
    ({"start_method": "thread"}, ValueError, "start_method"),
])
def test_bad_arguments_are_refused_before_any_process_starts(kwargs, error, name):
    args = {"world_size": 2, **kwargs}
    with pytest.raises(error, match=name):
        run_workers(report, args.pop("world_size"), "x", **args)
    assert _no_children()


def test_fn_must_be_callable():
    with pytest.raises(TypeError, match="fn must be callable"):
        run_workers("report", 2)
