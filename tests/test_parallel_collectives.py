"""Ring all-reduce, data parallelism and tensor parallelism, each checked against PyTorch in real process groups.

One process group per test (2 to 4 gloo processes on 127.0.0.1); inside it many
cases, so start-up is paid once. Integer-valued floats make the sums exact, so
the ring must equal ``dist.all_reduce`` bit for bit; random floats agree to
rounding (the order of the additions differs).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

torch = pytest.importorskip("torch")
import torch.distributed as dist  # noqa: E402

from nncomplexity.cost.communication import allreduce_bytes, ring_chunk_sizes  # noqa: E402
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402
from nncomplexity.parallel import (data_parallel_gradients, flat_gradients, linear_by_input,  # noqa: E402
                                   linear_by_output, ring_allreduce, run_workers, weight_shard)

LENGTHS = [0, 1, 2, 3, 5, 7, 8, 13, 100, 1001]


def ring_cases(rank, world_size, lengths):
    out = []
    for n in lengths:
        g = torch.Generator().manual_seed(1000 * n + rank)
        x = torch.randint(-50, 50, (n,), generator=g).to(torch.float32)  # exact sums
        ref = x.clone()
        dist.all_reduce(ref)
        sent = ring_allreduce(x)
        out.append((n, bool(torch.equal(x, ref)), sent))
    # other shapes and dtypes, in place
    m = torch.arange(12, dtype=torch.float64).reshape(3, 4) * (rank + 1)
    ring_allreduce(m)
    t = (torch.arange(12, dtype=torch.float64).reshape(4, 3) * (rank + 1)).T  # not contiguous
    ring_allreduce(t)
    i = torch.full((5,), rank, dtype=torch.int64)
    ring_allreduce(i)
    factor = world_size * (world_size + 1) / 2
    shapes_ok = (torch.equal(m, torch.arange(12, dtype=torch.float64).reshape(3, 4) * factor)
                 and torch.equal(t, (torch.arange(12, dtype=torch.float64).reshape(4, 3) * factor).T)
                 and torch.equal(i, torch.full((5,), world_size * (world_size - 1) // 2)))
    return out, shapes_ok


@pytest.mark.parametrize("world_size", [1, 2, 3, 4])
def test_ring_allreduce_equals_dist_all_reduce_and_sends_what_the_count_says(world_size):
    results = run_workers(ring_cases, world_size, LENGTHS, timeout_s=60)
    for rank, (cases, shapes_ok) in enumerate(results):
        assert shapes_ok, f"rank {rank}: wrong sum for a matrix, a transposed view or an int tensor"
        for n, equal, sent in cases:
            assert equal, f"p = {world_size}, n = {n}, rank {rank}: ring differs from dist.all_reduce"
            assert sent * 4 == allreduce_bytes(n, world_size, 4, rank=rank), (world_size, n, rank)
    for n in LENGTHS:  # the default (no rank) is the slowest rank's count
        sent = [cases[LENGTHS.index(n)][2] for cases, _ in results]
        assert 4 * max(sent) == allreduce_bytes(n, world_size)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 10_000), p=st.integers(1, 64), b=st.sampled_from([1, 2, 4, 8]))
def test_ring_bytes_formula(n, p, b):
    sizes = ring_chunk_sizes(n, p)
    assert sum(sizes) == n and max(sizes) - min(sizes) <= 1
    assert sizes == [len(c) for c in torch.tensor_split(torch.empty(n), p)]
    total = allreduce_bytes(n, p, b)
    assert total <= 2 * n * b  # bounded by 2n whatever p
    if n % p == 0:
        assert all(allreduce_bytes(n, p, b, rank=r) == 2 * (p - 1) * (n // p) * b for r in range(p))
    # every element crosses every link: the ranks together send 2 (p - 1) n elements
    assert sum(allreduce_bytes(n, p, b, rank=r) for r in range(p)) == 2 * (p - 1) * n * b


def test_ring_needs_a_group_and_a_tensor():
    with pytest.raises(RuntimeError, match="process group"):
        ring_allreduce(torch.ones(3))
    with pytest.raises(TypeError, match="tensor must be a torch.Tensor"):
        ring_allreduce([1.0, 2.0])


def test_allreduce_bytes_rank_must_be_in_the_group():
    with pytest.raises(ValueError, match="rank must be < world_size"):
        allreduce_bytes(10, 2, 4, rank=2)


# =========================================================================== data parallel
WIDTHS, BATCH = [6, 8, 5, 3], 11  # an odd batch: slices of unequal size


def _data():
    g = torch.Generator().manual_seed(7)
    return torch.randn(BATCH, WIDTHS[0], generator=g, dtype=torch.float64), torch.randint(0, 3, (BATCH,), generator=g)


def dp_worker(rank, world_size):
    x, y = _data()
    out = {}
    for reduce in ("ring", "torch"):
        model = mlp_torch(WIDTHS, generator=0).double()
        out[reduce] = data_parallel_gradients(model, x, y, reduce=reduce).numpy()
    return out


@pytest.mark.parametrize("world_size", [2, 3, 4])
def test_data_parallel_gradient_equals_the_whole_batch_gradient(world_size):
    x, y = _data()
    model = mlp_torch(WIDTHS, generator=0).double()
    torch.nn.functional.cross_entropy(model(x), y).backward()
    reference = flat_gradients(model).numpy()
    for rank, out in enumerate(run_workers(dp_worker, world_size, timeout_s=60)):
        for reduce, grad in out.items():
            np.testing.assert_allclose(grad, reference, rtol=1e-12, atol=1e-14,
                                       err_msg=f"p = {world_size}, rank {rank}, reduce = {reduce}")


# =========================================================================== tensor parallel
def tp_worker(rank, world_size):
    g = torch.Generator().manual_seed(3)
    x = torch.randn(5, 12, generator=g, dtype=torch.float64)  # (t, n_in)
    W = torch.randn(8, 12, generator=g, dtype=torch.float64)  # (n_out, n_in)
    y_rows = linear_by_output(x, weight_shard(W, rank, world_size, dim=0))
    x_cols = torch.chunk(x, world_size, dim=1)[rank]
    y_cols = linear_by_input(x_cols, weight_shard(W, rank, world_size, dim=1))
    return (y_rows - x @ W.T).abs().max().item(), (y_cols - x @ W.T).abs().max().item()


@pytest.mark.parametrize("world_size", [1, 2, 4])
def test_tensor_parallel_products_equal_the_whole_product(world_size):
    for rank, (by_rows, by_cols) in enumerate(run_workers(tp_worker, world_size, timeout_s=60)):
        assert by_rows < 1e-12 and by_cols < 1e-12, (world_size, rank, by_rows, by_cols)


def test_weight_shard_refuses_uneven_or_wrong_dims():
    W = torch.zeros(6, 4)
    assert weight_shard(W, 1, 3, dim=0).shape == (2, 4)
    assert weight_shard(W, 1, 2, dim=1).shape == (6, 2)
    with pytest.raises(ValueError, match="multiple of world_size"):
        weight_shard(W, 0, 4, dim=0)
    with pytest.raises(ValueError, match="dim must be"):
        weight_shard(W, 0, 2, dim=2)
    with pytest.raises(ValueError, match="W must be a matrix"):
        weight_shard(torch.zeros(4), 0, 2, dim=0)
