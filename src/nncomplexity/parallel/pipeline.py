"""Pipeline parallelism: a simulated GPipe schedule, and its bubble.

The layers are cut into ``p`` stages, one per device; a batch is cut into ``m``
micro-batches (Huang et al. 2019). Stage ``s`` can start micro-batch ``j`` when
it has finished micro-batch ``j − 1`` and stage ``s − 1`` has handed micro-batch
``j`` on. The backward passes run the same way from the last stage back, after
the last forward pass (GPipe's schedule: all forwards, then all backwards).
:func:`simulate_pipeline` plays this out with given durations and returns every
task's start and end, from which the idle share ("bubble") is read off; with
unit forward times it equals ``(p − 1)/(m + p − 1)``
(:func:`~nncomplexity.cost.communication.pipeline_bubble_fraction`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import Int, Real, validate_params

__all__ = ["PipelineSchedule", "simulate_pipeline"]


@dataclass(frozen=True)
class PipelineSchedule:
    """Start and end times of every task of a simulated pipeline."""

    forward: np.ndarray  # (p, m, 2): start, end of micro-batch j's forward pass on stage s
    backward: np.ndarray  # (p, m, 2): the same for the backward pass (empty times if none)
    makespan: float  # time from the first start to the last end

    @property
    def stages(self) -> int:
        return self.forward.shape[0]

    @property
    def busy(self) -> float:
        """Total busy time of all stages."""
        return float(np.sum(self.forward[..., 1] - self.forward[..., 0])
                     + np.sum(self.backward[..., 1] - self.backward[..., 0]))

    @property
    def bubble_fraction(self) -> float:
        """Share of stage-time spent idle: ``1 − busy / (p · makespan)``."""
        return 1.0 - self.busy / (self.stages * self.makespan)


@validate_params(stages=Int(minimum=1), micro_batches=Int(minimum=1), forward_time=Real(),
                 backward_time=Real(allow_zero=True))
def simulate_pipeline(stages: int, micro_batches: int, forward_time: float = 1.0,
                      backward_time: float = 0.0) -> PipelineSchedule:
    """Play out a GPipe schedule of ``stages`` stages and ``micro_batches`` micro-batches.

    Parameters
    ----------
    stages : int, p >= 1
    micro_batches : int, m >= 1
    forward_time : float
        Duration of one micro-batch's forward pass on one stage, > 0.
    backward_time : float
        The same for the backward pass (0: forward only; about 2× forward in practice).

    Returns
    -------
    PipelineSchedule

    Notes
    -----
    Cost: O(p·m). Book: chapter 7, {prf:ref}`thm-bubble`.
    """
    p, m = stages, micro_batches
    fwd = np.zeros((p, m, 2))
    for s in range(p):
        for j in range(m):
            ready = max(fwd[s, j - 1, 1] if j else 0.0, fwd[s - 1, j, 1] if s else 0.0)
            fwd[s, j] = ready, ready + forward_time
    bwd = np.zeros((p, m, 2))
    end = fwd[:, :, 1].max()
    if backward_time > 0:
        for s in reversed(range(p)):  # the last stage starts the backward pass
            for j in range(m):
                ready = max(bwd[s, j - 1, 1] if j else end, bwd[s + 1, j, 1] if s < p - 1 else end)
                bwd[s, j] = ready, ready + backward_time
        end = bwd[:, :, 1].max()
    else:
        bwd[...] = end  # zero-length tasks at the end
    return PipelineSchedule(forward=fwd, backward=bwd, makespan=float(end))
