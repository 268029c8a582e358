"""Measured memory: the peak a NumPy computation allocates, and what autograd saves.

Two measurements to set beside the exact counts of :mod:`nncomplexity.cost.memory`:

- :func:`peak_traced_bytes` runs a function under :mod:`tracemalloc`. NumPy
  reports every array buffer it allocates to ``tracemalloc``, so the peak it
  records is the most memory the computation held at once, temporaries
  included (gradients, δ buffers, masks), not just the activations a count
  names. It measures allocations made through Python and NumPy; memory that a
  C library allocates on its own (OpenBLAS's work buffers, PyTorch tensors)
  is not seen.
- :func:`saved_tensor_bytes` counts the bytes PyTorch's autograd keeps from a
  forward pass for the backward pass, through
  ``torch.autograd.graph.saved_tensors_hooks``.
- :func:`training_state_bytes` reads, after an optimiser step, the bytes of the
  parameters, their ``.grad`` tensors and the optimiser's state tensors.
"""
from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only; torch is imported when needed
    import torch

__all__ = ["PeakMemory", "peak_traced_bytes", "saved_tensor_bytes", "training_state_bytes"]


@dataclass(frozen=True)
class PeakMemory:
    """What :func:`peak_traced_bytes` measured, in bytes above the level before the call."""

    peak: int  # the most memory held at once during the call
    retained: int  # still held after the call (e.g. the result)


def peak_traced_bytes(fn: Callable, *args, **kwargs) -> tuple[object, PeakMemory]:
    """Run ``fn(*args, **kwargs)`` and measure the peak memory it allocated (tracemalloc).

    If ``tracemalloc`` is not already tracing it is started for the call and
    stopped after; if it is, its peak is reset (and the caller's tracing goes on).

    Parameters
    ----------
    fn : callable
    *args, **kwargs
        Passed to ``fn``. Arrays passed in were allocated before the call and
        do not count.

    Returns
    -------
    (result, PeakMemory)
        ``fn``'s result and the peak and retained bytes above the starting level.

    Cost: one call of ``fn``, slowed a little by tracing each allocation.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = fn(*args, **kwargs)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        if started:
            tracemalloc.stop()
    return result, PeakMemory(peak=max(peak - base, 0), retained=max(current - base, 0))


def saved_tensor_bytes(model: "torch.nn.Module", x: "torch.Tensor") -> int:
    """Bytes of the distinct storages autograd saves during ``model(x)``, parameters excluded.

    Views share a storage (ReLU's output is the next Linear's input), so
    storages are counted once, by data pointer; parameters live anyway and are
    left out. The result is what ``cost.memory.backward_memory_bytes`` predicts
    for ``mlp_torch`` networks.

    Parameters
    ----------
    model : torch.nn.Module
    x : torch.Tensor
        The input batch.

    Returns
    -------
    int

    Cost: one forward pass of ``model`` with autograd recording.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    saved: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in params:
            saved[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        model(x)
    return sum(saved.values())


def training_state_bytes(model: "torch.nn.Module", optimizer: "torch.optim.Optimizer") -> dict[str, int]:
    """Bytes PyTorch holds for a model's parameters, gradients and optimiser state.

    Read after at least one ``optimizer.step()`` (state is created lazily).
    Each tensor's ``numel() * element_size()``; the optimiser's scalar state
    (Adam's ``step``, one per parameter tensor) is reported apart from the
    per-parameter state (``momentum_buffer``, ``exp_avg``, ``exp_avg_sq``).

    Parameters
    ----------
    model : torch.nn.Module
    optimizer : torch.optim.Optimizer

    Returns
    -------
    dict
        ``weights``, ``gradients``, ``optimizer_state`` and ``step_counters``, in bytes.

    Cost: one pass over the parameters and the state.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")

    def nbytes(tensor) -> int:
        return tensor.numel() * tensor.element_size()

    params = list(model.parameters())
    out = {"weights": sum(nbytes(p) for p in params),
           "gradients": sum(nbytes(p.grad) for p in params if p.grad is not None),
           "optimizer_state": 0, "step_counters": 0}
    for state in optimizer.state.values():
        for name, value in state.items():
            if isinstance(value, torch.Tensor):
                out["step_counters" if name == "step" else "optimizer_state"] += nbytes(value)
    return out
