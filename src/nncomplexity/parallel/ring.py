"""Ring all-reduce, written with point-to-point messages: what ``dist.all_reduce`` does, step by step.

Each of ``p`` processes holds a tensor; afterwards each holds the elementwise
sum of all ``p``. The ring (Patarasuk and Yuan 2009) cuts the tensor into ``p``
chunks (:func:`~nncomplexity.cost.communication.ring_chunk_sizes`) and runs two
phases of ``p − 1`` steps, each process sending one chunk to its right-hand
neighbour and receiving one from its left-hand one at every step:

1. reduce-scatter: at step ``s`` process ``r`` sends chunk ``(r − s) mod p`` and adds
   the chunk ``(r − s − 1) mod p`` it receives into its own copy; after ``p − 1``
   steps chunk ``(r + 1) mod p`` holds the full sum;
2. all-gather: at step ``s`` process ``r`` sends chunk ``(r + 1 − s) mod p`` and
   overwrites chunk ``(r − s) mod p`` with the one it receives.

Every link carries one chunk per step, so the time is set by ``2(p − 1)`` chunk
transfers of ``n/p`` elements: ``2(p − 1)/p · n`` elements per process, which
:func:`~nncomplexity.cost.communication.allreduce_bytes` counts. Sends are
non-blocking (``isend``) so that no process waits for its neighbour to receive.
"""
from __future__ import annotations

import torch
import torch.distributed as dist

from ..cost.communication import ring_chunk_sizes

__all__ = ["ring_allreduce"]


def ring_allreduce(tensor: torch.Tensor) -> int:
    """Sum ``tensor`` over all processes of the default group, in place, by a ring.

    Parameters
    ----------
    tensor : torch.Tensor
        Any shape, any length (not only multiples of the world size), any
        numeric dtype; the same shape and dtype on every process.

    Returns
    -------
    int
        Elements this process sent: ``2n − c[(r+1) mod p] − c[(r+2) mod p]``
        (``cost.communication.allreduce_bytes`` divided by the element size).

    Raises
    ------
    TypeError
        ``tensor`` is not a tensor.
    RuntimeError
        No default process group is initialised.

    Notes
    -----
    Cost: ``2(p − 1)`` steps, each one chunk of about ``n/p`` elements sent and
    received, ``(p − 1)·n/p`` additions. Book: chapter 7, {prf:ref}`thm-ring-bytes`.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if not dist.is_initialized():
        raise RuntimeError("ring_allreduce needs a process group: call it inside run_workers(...) "
                           "or after dist.init_process_group(...)")
    p, r = dist.get_world_size(), dist.get_rank()
    if p == 1 or tensor.numel() == 0:
        return 0
    flat = tensor.reshape(-1) if tensor.is_contiguous() else tensor.contiguous().view(-1)  # (n,)
    chunks = list(torch.split(flat, ring_chunk_sizes(flat.numel(), p)))  # p views of flat
    right, left = (r + 1) % p, (r - 1) % p
    sent = 0

    def exchange(send_idx: int, recv_idx: int) -> torch.Tensor | None:
        nonlocal sent
        out, incoming = chunks[send_idx], chunks[recv_idx]
        buffer = torch.empty_like(incoming)
        request = dist.isend(out, right) if out.numel() else None  # empty chunks: nothing on the wire
        if incoming.numel():
            dist.recv(buffer, left)
        if request is not None:
            request.wait()
            sent += out.numel()
        return buffer

    for s in range(p - 1):  # reduce-scatter
        received = exchange((r - s) % p, (r - s - 1) % p)
        chunks[(r - s - 1) % p].add_(received)
    for s in range(p - 1):  # all-gather
        received = exchange((r + 1 - s) % p, (r - s) % p)
        chunks[(r - s) % p].copy_(received)
    if not tensor.is_contiguous():  # flat was a copy: write the sum back
        tensor.copy_(flat.view(tensor.shape))
    return sent
