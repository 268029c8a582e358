"""Start ``p`` PyTorch processes that form one process group, within a time limit, and always clean up.

``run_workers(fn, world_size)`` is what ``torchrun`` does for a cluster, shrunk to
one machine: it picks a free TCP port on 127.0.0.1, starts ``world_size``
processes, and in each one calls ``dist.init_process_group("gloo", ...)`` and then
``fn(rank, world_size, *args)``. Each worker sends back what ``fn`` returned; the
caller gets the list, in rank order.

What can go wrong in distributed code is mostly *waiting*: one process raises
and the others block forever in a collective that it will never join. So the
parent never waits without a deadline. It collects results until all have
arrived, one worker has reported an exception, a worker has died, or
``timeout_s`` has passed; then, whatever happened, every child still alive is
terminated (SIGTERM, then SIGKILL) and joined, so no process outlives the call.
A failure raises :class:`WorkerError` (with the worker's traceback) or
:class:`WorkerTimeout`, both carrying the children's process ids.

Workers are started with ``fork`` by default, which costs milliseconds rather
than the seconds a fresh interpreter importing PyTorch takes, and lets ``fn`` be
a function defined in a notebook. Each worker uses ``threads`` PyTorch threads
(default 1), so ``p`` workers on ``p`` cores do not fight over them.
"""
from __future__ import annotations

import multiprocessing as mp
import pickle
import queue as queue_module
import socket
import time
import traceback
from datetime import timedelta

from .._validate import check_choice, check_int, check_positive_float

__all__ = ["WorkerError", "WorkerTimeout", "free_port", "run_workers"]

_GATHER_ERRORS_S = 1.0  # after a first error, how long to wait for the others
MAX_WORKERS = 8  # a guard: this launcher is for one machine's cores, not a cluster


class WorkerError(RuntimeError):
    """A worker raised, or died; ``pids`` are the children, all reaped before this was raised."""

    def __init__(self, message: str, pids: list[int]):
        super().__init__(message)
        self.pids = pids


class WorkerTimeout(WorkerError, TimeoutError):
    """The workers did not all finish within ``timeout_s``; all were terminated."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank, world_size, port, fn, args, results, threads, timeout_s, backend):
    import torch
    import torch.distributed as dist

    torch.set_num_threads(threads)
    try:
        dist.init_process_group(backend, init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=world_size, timeout=timedelta(seconds=timeout_s))
        try:
            out = fn(rank, world_size, *args)
        finally:
            dist.destroy_process_group()
        results.put((rank, "ok", pickle.dumps(out)))  # plain pickle: no shared-memory handles
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        results.put((rank, "error", traceback.format_exc()))


def _stop(procs, grace_s: float = 2.0) -> None:
    """Terminate every child still alive, kill those that ignore it, and reap all."""
    procs = [proc for proc in procs if proc.pid is not None]  # started ones only
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + grace_s
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()


def run_workers(fn, world_size: int, *args, timeout_s: float = 60.0, threads: int = 1,
                backend: str = "gloo", start_method: str = "fork") -> list:
    """Run ``fn(rank, world_size, *args)`` in ``world_size`` processes of one process group.

    Parameters
    ----------
    fn : callable
        Called in each worker after the process group is up; it may use
        ``torch.distributed`` collectives. Its return value must pickle
        (tensors, arrays, numbers).
    world_size : int
        Number of processes, 1 to 8.
    *args
        Passed to ``fn`` after ``rank`` and ``world_size``.
    timeout_s : float
        Deadline for the whole run, start-up included.
    threads : int
        PyTorch intra-op threads per worker.
    backend : {"gloo"}
        The CPU backend.
    start_method : {"fork", "spawn", "forkserver"}
        ``spawn`` needs ``fn`` importable from a module.

    Returns
    -------
    list
        ``fn``'s return values, in rank order.

    Raises
    ------
    WorkerError
        A worker raised (its traceback is in the message) or died.
    WorkerTimeout
        Not every worker finished within ``timeout_s``.

    Notes
    -----
    Cost: process start-up (milliseconds with fork), plus ``fn``. Every child has
    been joined when this returns or raises.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    world_size = check_int("world_size", world_size, minimum=1, maximum=MAX_WORKERS)
    timeout_s = check_positive_float("timeout_s", timeout_s)
    threads = check_int("threads", threads, minimum=1)
    check_choice("backend", backend, ("gloo",))
    check_choice("start_method", start_method, mp.get_all_start_methods())
    ctx = mp.get_context(start_method)
    results = ctx.Queue()
    port = free_port()
    procs = [ctx.Process(target=_worker, name=f"nnc-worker-{rank}", daemon=True,
                         args=(rank, world_size, port, fn, args, results, threads, timeout_s, backend))
             for rank in range(world_size)]
    out: dict[int, object] = {}
    try:
        for proc in procs:
            proc.start()
        pids = [proc.pid for proc in procs]
        deadline = time.monotonic() + timeout_s
        while len(out) < world_size:
            left = deadline - time.monotonic()
            if left <= 0:
                missing = sorted(set(range(world_size)) - set(out))
                _stop(procs)
                raise WorkerTimeout(f"workers {missing} of {world_size} did not finish within "
                                    f"timeout_s = {timeout_s:g} s; all were terminated", pids)
            try:
                rank, status, payload = results.get(timeout=min(left, 0.2))
            except queue_module.Empty:
                dead = [r for r, proc in enumerate(procs) if r not in out and proc.exitcode is not None]
                if dead and results.empty():
                    time.sleep(0.05)  # a result may still be in the pipe
                    if results.empty():
                        _stop(procs)
                        raise WorkerError(f"worker {dead[0]} died (exit code {procs[dead[0]].exitcode}) "
                                          "without reporting a result", pids) from None
                continue
            if status == "error":
                # The first report may be a symptom (a peer's connection reset): gather the
                # others for a moment, so that the root cause is in the message too.
                errors = {rank: payload}
                until = time.monotonic() + _GATHER_ERRORS_S
                while time.monotonic() < until and len(errors) + len(out) < world_size:
                    try:
                        r2, status2, payload2 = results.get(timeout=max(0.01, until - time.monotonic()))
                    except queue_module.Empty:
                        break
                    if status2 == "error":
                        errors[r2] = payload2
                _stop(procs)
                ranks = ", ".join(map(str, sorted(errors)))
                text = "\n".join(f"--- worker {r}:\n{tb}" for r, tb in sorted(errors.items()))
                raise WorkerError(f"worker(s) {ranks} of {world_size} raised:\n{text}", pids)
            out[rank] = pickle.loads(payload)
        for proc in procs:
            proc.join(max(0.1, deadline - time.monotonic()))
        return [out[rank] for rank in range(world_size)]
    finally:
        _stop(procs)
        results.close()
        results.join_thread()
