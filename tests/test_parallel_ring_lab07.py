"""Lab 7's Task 7.2 grades the state after the ring's reduce-scatter with the grader's own NumPy
ring; this checks that state against the library's real ``ring_allreduce`` in a process group.

Each worker watches ``dist.recv``: the p-th call is the all-gather's first receive, so the
tensor then holds what the reduce-scatter left (n >= p: every chunk is non-empty and every
step receives). Integer-valued floats make the sums exact.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.distributed as dist  # noqa: E402

from nncomplexity.grading.labs.lab07 import _ring_ref  # noqa: E402
from nncomplexity.parallel import ring_allreduce, run_workers  # noqa: E402

LENGTHS = [7, 10, 13, 16]


def _inputs(world_size, n):
    rng = np.random.default_rng(100 * world_size + n)
    return rng.integers(-9, 10, size=(world_size, n)).astype(np.float64)  # (p, n)


def _state_after_reduce_scatter(rank, world_size, lengths):
    states = []
    recv = dist.recv
    for n in lengths:
        x = torch.from_numpy(_inputs(world_size, n)[rank].copy())  # (n,)
        seen = {"calls": 0, "state": None}

        def watching(buffer, src, *args, _seen=seen, _x=x, **kwargs):
            _seen["calls"] += 1
            if _seen["calls"] == world_size:  # the all-gather's first receive
                _seen["state"] = _x.clone()
            return recv(buffer, src, *args, **kwargs)

        dist.recv = watching
        try:
            ring_allreduce(x)
        finally:
            dist.recv = recv
        states.append(seen["state"].numpy())
    return states


@pytest.mark.parametrize("world_size", [2, 3, 4])
def test_the_graders_reduce_scatter_is_the_librarys(world_size):
    results = run_workers(_state_after_reduce_scatter, world_size, LENGTHS, timeout_s=60)
    for i, n in enumerate(LENGTHS):
        library = np.stack([results[rank][i] for rank in range(world_size)])  # (p, n)
        grader = _ring_ref(_inputs(world_size, n).tolist())
        assert np.array_equal(library, grader), f"p = {world_size}, n = {n}:\n{library}\n{grader}"
        full = np.tile(_inputs(world_size, n).sum(axis=0), (world_size, 1))  # (p, n): a plain sum
        assert not np.array_equal(grader, full), "a plain sum of the rows would pass"
