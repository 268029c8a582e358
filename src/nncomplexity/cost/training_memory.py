"""Exact bytes a training step holds: weights, gradients, optimiser state and saved activations.

Widths ``n = [n0, ..., nL]``, batch ``t``, ``P = parameter_count(widths)``. A
training step with a first-order optimiser holds, besides the activations
autograd saves (``cost.memory.backward_memory_bytes``):

- the **weights**, ``P`` numbers;
- their **gradients**, ``P`` more (``p.grad``, one per parameter);
- the optimiser's **state**: none for plain SGD, one copy of ``P`` for SGD with
  momentum (the velocity), two for Adam (first and second moments), as
  ``torch.optim`` stores them (``momentum_buffer``; ``exp_avg``, ``exp_avg_sq``).
  Adam also keeps one step counter per parameter *tensor* (2L scalars), which
  does not grow with the widths; it is reported separately.

With **mixed precision** (Micikevicius et al. 2018) the weights and gradients
used in the passes are 16-bit, and an fp32 master copy of the weights and the
fp32 optimiser state sit beside them: ``2 + 2 + 4 + 4·copies`` bytes per
parameter, 16 with Adam (the count of Rajbhandari et al. 2020, ZeRO), and the
saved activations are 16-bit.
"""
from __future__ import annotations

from dataclasses import dataclass

from .._validate import Bool, Choice, Int, Widths, validate_params
from .flops import ACTIVATION_NAMES
from .memory import DType, backward_memory_bytes, parameter_count

__all__ = ["OPTIMIZER_STATE_COPIES", "TrainingMemory", "training_memory_bytes"]

OPTIMIZER_STATE_COPIES = {"sgd": 0, "momentum": 1, "adam": 2}
"""Copies of the parameters each optimiser keeps as state (torch.optim's SGD, SGD(momentum>0), Adam)."""


@dataclass(frozen=True)
class TrainingMemory:
    """Bytes held during a training step, by kind (each an exact int)."""

    weights: int  # the parameters the passes read (16-bit copy under mixed precision)
    gradients: int  # one gradient per parameter
    optimizer_state: int  # momentum / Adam moments (fp32 under mixed precision)
    master_weights: int  # fp32 copy of the weights under mixed precision, else 0
    activations: int  # what autograd saves for the backward pass
    step_counters: int  # Adam's per-tensor step counts (2L scalars), else 0

    @property
    def parameter_state(self) -> int:
        """Everything that scales with the parameter count: weights, gradients, master, state."""
        return self.weights + self.gradients + self.master_weights + self.optimizer_state

    @property
    def total(self) -> int:
        """All of it."""
        return self.parameter_state + self.activations + self.step_counters


@validate_params(widths=Widths(), batch=Int(minimum=1), optimizer=Choice(OPTIMIZER_STATE_COPIES),
                 dtype=DType(), mixed_precision=Bool(), activation=Choice(ACTIVATION_NAMES))
def training_memory_bytes(widths, batch: int, optimizer: str = "adam", dtype="float32", *,
                          mixed_precision: bool = False, activation: str = "relu") -> TrainingMemory:
    """Bytes a training step of an MLP holds at the end of its backward pass, by kind.

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
    batch : int, t >= 1
    optimizer : {"sgd", "momentum", "adam"}
        Plain SGD keeps no state, SGD with momentum one copy of the parameters,
        Adam two (:data:`OPTIMIZER_STATE_COPIES`).
    dtype : str, numpy or torch dtype
        The training dtype when ``mixed_precision`` is False (ignored otherwise).
    mixed_precision : bool, keyword-only
        16-bit weights, gradients and activations; fp32 master weights and state.
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}, keyword-only

    Returns
    -------
    TrainingMemory
        Per kind; ``.total`` is the sum. With ``dtype="float32"`` the parameter
        part is ``4·(2 + copies)·P`` bytes (16·P with Adam); with mixed precision
        ``(8 + 4·copies)·P`` (16·P with Adam).

    Book: chapter 3, {prf:ref}`thm-training-memory`. Cost: O(L).
    """
    P = parameter_count(widths)
    copies = OPTIMIZER_STATE_COPIES[optimizer]
    low = 2 if mixed_precision else dtype  # bytes per number in the passes
    state = 4 if mixed_precision else dtype  # bytes per number of master weights and state
    L = len(widths) - 1
    return TrainingMemory(
        weights=low * P,
        gradients=low * P,
        optimizer_state=state * copies * P,
        master_weights=4 * P if mixed_precision else 0,
        activations=backward_memory_bytes(widths, batch, low, activation=activation),
        step_counters=4 * 2 * L if optimizer == "adam" else 0,  # one fp32 scalar per tensor (W, b)
    )
