"""Tensor parallelism: one dense layer's product ``Y = X Wᵀ`` split across processes (Megatron-LM).

A layer with weight ``W`` of shape ``(n_out, n_in)`` can be cut two ways
(Shoeybi et al. 2019):

- **by output rows** (column-parallel in Megatron's words, who store ``Wᵀ``):
  process ``r`` holds rows ``W[r]`` of shape ``(n_out/p, n_in)`` and computes
  ``X W[r]ᵀ``, a block of the output's columns; an all-gather joins them. Every
  process needs all of ``X``.
- **by input columns** (row-parallel): process ``r`` holds ``W[:, r]`` of shape
  ``(n_out, n_in/p)`` and the matching columns ``X[:, r]`` of the input; each
  product ``X[:, r] W[:, r]ᵀ`` is a *partial sum* of the full output, and an
  all-reduce adds them.

Megatron's MLP block uses the first for the first layer and the second for the
next, so that the element-wise activation between them needs no communication
and the block costs one all-reduce forward. Each process does ``1/p`` of the
FLOPs and stores ``1/p`` of the weights.
"""
from __future__ import annotations

import torch
import torch.distributed as dist

__all__ = ["linear_by_input", "linear_by_output", "weight_shard"]


def weight_shard(W: torch.Tensor, rank: int, world_size: int, *, dim: int) -> torch.Tensor:
    """Process ``rank``'s block of ``W`` along ``dim`` (0: output rows, 1: input columns).

    ``W.shape[dim]`` must be a multiple of ``world_size`` (all-gather needs equal
    blocks). Cost: O(1) (a view).
    """
    if dim not in (0, 1):
        raise ValueError(f"dim must be 0 (output rows) or 1 (input columns), got {dim!r}")
    if W.ndim != 2:
        raise ValueError(f"W must be a matrix (n_out, n_in), got shape {tuple(W.shape)}")
    if W.shape[dim] % world_size:
        raise ValueError(f"W.shape[{dim}] = {W.shape[dim]} must be a multiple of world_size = {world_size}")
    return torch.chunk(W, world_size, dim=dim)[rank]


def linear_by_output(x: torch.Tensor, W_rows: torch.Tensor) -> torch.Tensor:
    """``x Wᵀ`` from this process's rows of ``W``, joined by all-gather.

    Parameters
    ----------
    x : torch.Tensor, shape (t, n_in)
        The whole input, the same on every process.
    W_rows : torch.Tensor, shape (n_out / p, n_in)
        This process's rows of ``W`` (:func:`weight_shard` with ``dim=0``).

    Returns
    -------
    torch.Tensor, shape (t, n_out)

    Notes
    -----
    Cost: ``2·t·n_in·n_out/p`` FLOPs here; an all-gather of ``t·n_out`` numbers.
    """
    block = x @ W_rows.T  # (t, n_in) @ (n_in, n_out/p) -> (t, n_out/p)
    blocks = [torch.empty_like(block) for _ in range(dist.get_world_size())]
    dist.all_gather(blocks, block.contiguous())
    return torch.cat(blocks, dim=1)  # p × (t, n_out/p) -> (t, n_out)


def linear_by_input(x_cols: torch.Tensor, W_cols: torch.Tensor) -> torch.Tensor:
    """``x Wᵀ`` from this process's input columns, summed by all-reduce.

    Parameters
    ----------
    x_cols : torch.Tensor, shape (t, n_in / p)
        This process's columns of the input.
    W_cols : torch.Tensor, shape (n_out, n_in / p)
        The matching columns of ``W`` (:func:`weight_shard` with ``dim=1``).

    Returns
    -------
    torch.Tensor, shape (t, n_out)

    Notes
    -----
    Cost: ``2·t·n_in·n_out/p`` FLOPs here; an all-reduce of ``t·n_out`` numbers.
    """
    partial = x_cols @ W_cols.T  # (t, n_in/p) @ (n_in/p, n_out) -> (t, n_out), a partial sum
    dist.all_reduce(partial)
    return partial
