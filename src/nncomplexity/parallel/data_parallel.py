"""Data parallelism by hand: each process takes a slice of the batch, then the gradients are summed.

With ``p`` processes and a batch of ``t`` samples, process ``r`` computes the
gradient of its share of the loss on its slice ``x[r]`` of the batch. The loss of
the whole batch is a mean, ``J = (1/t) Σ_i ℓ_i``, so if each process scales its
*sum* of per-sample losses by ``1/t`` (the whole batch's size, not its slice's),
the gradients add up exactly to the whole batch's gradient, for uneven slices
too. The sum is one all-reduce of all the parameters' gradients, flattened into
one buffer (one message rather than one per tensor: what DDP's buckets do,
Li et al. 2020). Every process then holds the same gradient and takes the same
step, so the replicas stay identical.
"""
from __future__ import annotations

import torch
import torch.distributed as dist

from .ring import ring_allreduce

__all__ = ["REDUCERS", "STEP_MODES", "batch_shard", "data_parallel_gradients", "flat_gradients",
           "time_training_steps"]

REDUCERS = {"ring": ring_allreduce, "torch": dist.all_reduce}
"""The two ways to sum a tensor over the group: the book's ring, and PyTorch's own."""


def batch_shard(x: torch.Tensor, rank: int, world_size: int) -> torch.Tensor:
    """Process ``rank``'s slice of the batch (rows), as ``torch.tensor_split`` cuts it.

    Slices differ in length by at most one; a slice may be empty when
    ``world_size`` exceeds the batch. Cost: O(1) (a view).
    """
    if not 0 <= rank < world_size:
        raise ValueError(f"rank must be in [0, world_size = {world_size}), got {rank}")
    return torch.tensor_split(x, world_size)[rank]  # (about t/p, ...)


def flat_gradients(model: torch.nn.Module) -> torch.Tensor:
    """All of ``model``'s gradients in one vector (parameter order), a copy. Cost: O(P)."""
    return torch.cat([p.grad.reshape(-1) for p in model.parameters()])  # (P,)


def data_parallel_gradients(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, *,
                            reduce: str = "ring") -> torch.Tensor:
    """The whole batch's gradient of the mean cross-entropy, computed data-parallel.

    Call it in every process of a group (:func:`~.launch.run_workers`), each with
    the same ``model`` (same initial weights) and the same full batch; each works
    on its own slice only.

    Parameters
    ----------
    model : torch.nn.Module
        Maps (t, n0) inputs to (t, classes) logits.
    x : torch.Tensor, shape (t, n0)
    y : torch.Tensor of int64, shape (t,)
        Class labels.
    reduce : {"ring", "torch"}
        Sum the gradients with :func:`~.ring.ring_allreduce` or ``dist.all_reduce``.

    Returns
    -------
    torch.Tensor, shape (P,)
        The summed gradient, flattened; ``model``'s ``.grad`` fields hold it too.

    Notes
    -----
    Cost: forward and backward passes on t/p samples, plus one all-reduce of P
    numbers (``2(p − 1)/p · P`` sent per process by the ring).
    """
    if reduce not in REDUCERS:
        raise ValueError(f"reduce must be one of {sorted(REDUCERS)}, got {reduce!r}")
    rank, p = dist.get_rank(), dist.get_world_size()
    xs, ys = batch_shard(x, rank, p), batch_shard(y, rank, p)  # (t_r, n0), (t_r,)
    model.zero_grad(set_to_none=False)
    loss = torch.nn.functional.cross_entropy(model(xs), ys, reduction="sum") / x.shape[0]
    loss.backward()
    flat = flat_gradients(model)  # (P,)
    REDUCERS[reduce](flat)
    offset = 0
    for param in model.parameters():  # write the sum back, so that optimizer.step() can use it
        k = param.numel()
        param.grad.copy_(flat[offset:offset + k].view_as(param))
        offset += k
    return flat


STEP_MODES = ("ddp", "after", "none")
"""How a timed data-parallel step communicates: DDP's overlapped buckets, one all-reduce after
the backward pass, or not at all (the compute alone, for reference)."""


def time_training_steps(widths, batch: int, configs: dict, *, rounds: int = 10, warmup: int = 2,
                        seed: int = 0) -> dict:
    """Median seconds of one data-parallel SGD step of an MLP, per configuration; call in every process.

    The configurations are timed in interleaved rounds (one step of each per round),
    so that load that drifts during the measurement hits them all alike.

    Parameters
    ----------
    widths : sequence of int
        The MLP's widths (``kernels.mlp_torch``), the same on every process.
    batch : int
        Samples per process per step.
    configs : dict
        ``{name: (mode, bucket_cap_mb)}`` with mode ``"ddp"``: ``DistributedDataParallel``
        with buckets of ``bucket_cap_mb`` MiB, each all-reduced as soon as its
        gradients are ready, while the backward pass goes on (Li et al. 2020);
        ``"after"``: the backward pass, then one ``dist.all_reduce`` of all
        gradients; ``"none"``: no communication (the compute alone).
    rounds, warmup : int
        Timed and untimed rounds, the same on every process.

    Returns
    -------
    dict
        ``{name: rank 0's median seconds per step}``, the same on every process.

    Notes
    -----
    Cost: ``(rounds + warmup)·len(configs)`` training steps.
    """
    import time

    import numpy as np

    from ..kernels.mlp_torch import mlp_torch

    rank = dist.get_rank()
    g = torch.Generator().manual_seed(seed + 1 + rank)  # each process its own samples
    x = torch.randn(batch, widths[0], generator=g)  # (t, n0)
    y = torch.randint(0, widths[-1], (batch,), generator=g)  # (t,)
    setups = {}
    for name, (mode, bucket_cap_mb) in configs.items():
        if mode not in STEP_MODES:
            raise ValueError(f"mode must be one of {list(STEP_MODES)}, got {mode!r}")
        model = mlp_torch(widths, generator=seed)
        net = (torch.nn.parallel.DistributedDataParallel(model, bucket_cap_mb=bucket_cap_mb)
               if mode == "ddp" else model)
        setups[name] = (mode, model, net, torch.optim.SGD(net.parameters(), lr=1e-3))

    def step(mode, model, net, opt):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        if mode == "after":
            flat = flat_gradients(model)  # (P,)
            dist.all_reduce(flat)
            offset = 0
            for param in model.parameters():
                param.grad.copy_(flat[offset:offset + param.numel()].view_as(param))
                offset += param.numel()
        opt.step()

    times = {name: [] for name in configs}
    for i in range(warmup + rounds):
        for name, setup in setups.items():
            dist.barrier()
            start = time.perf_counter()
            step(*setup)
            if i >= warmup:
                times[name].append(time.perf_counter() - start)
    medians = torch.tensor([float(np.median(times[name])) for name in configs], dtype=torch.float64)
    dist.broadcast(medians, 0)
    return dict(zip(configs, medians.tolist()))
