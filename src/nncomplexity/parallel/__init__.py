"""Parallel training on one machine with ``torch.distributed`` (gloo, 127.0.0.1), and its models.

One concept per module:

- :mod:`.launch`: :func:`run_workers`, ``p`` processes of one process group with a
  deadline and guaranteed clean-up;
- :mod:`.ring`: :func:`ring_allreduce`, the bandwidth-optimal all-reduce by hand;
- :mod:`.data_parallel`: the batch split across processes, gradients summed;
- :mod:`.tensor_parallel`: one layer's product split across processes (Megatron-LM);
- :mod:`.pipeline`: a simulated GPipe schedule and its bubble;
- :mod:`.alpha_beta`: all-reduce times measured and fitted to ``α + β·bytes``;
- :mod:`.amdahl`: Amdahl's law and the serial fraction a speed-up implies.

The counts (bytes a ring sends, the bubble fraction, the α–β prediction) are in
:mod:`nncomplexity.cost.communication`; datasheet figures in
:mod:`nncomplexity.hardware.devices`.
"""
from .alpha_beta import AlphaBetaFit, fit_alpha_beta, time_allreduce
from .amdahl import amdahl_serial_fraction, amdahl_speedup
from .data_parallel import batch_shard, data_parallel_gradients, flat_gradients, time_training_steps
from .launch import WorkerError, WorkerTimeout, free_port, run_workers
from .pipeline import PipelineSchedule, simulate_pipeline
from .ring import ring_allreduce
from .tensor_parallel import linear_by_input, linear_by_output, weight_shard

__all__ = [
    "AlphaBetaFit", "PipelineSchedule", "WorkerError", "WorkerTimeout", "amdahl_serial_fraction",
    "amdahl_speedup", "batch_shard", "data_parallel_gradients", "fit_alpha_beta", "flat_gradients",
    "free_port", "linear_by_input", "linear_by_output", "ring_allreduce", "run_workers",
    "simulate_pipeline", "time_allreduce", "time_training_steps", "weight_shard",
]
