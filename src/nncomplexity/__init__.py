"""Kernels, exact cost counts and honest measurements for the book
*The computational complexity of neural networks*.

The most used names are available at the top level::

    import nncomplexity as nnc
    nnc.forward_flops([784, 256, 10], batch=32)   # exact, PyTorch's convention

Importing the package does not import PyTorch; the functions that need it
import it when called.
"""
from .cost.flops import backward_flops, elementwise_flops, forward_flops, training_step_flops
from .cost.memory import activation_bytes, backward_memory_bytes, parameter_count
from .cost.training import flops_6nd, training_flops
from .measure.fit import fit_power_law
from .measure.machine import format_stamp, machine_stamp
from .measure import sweep, time_call

__version__ = "0.1.0"

__all__ = [
    "activation_bytes", "backward_flops", "backward_memory_bytes", "elementwise_flops",
    "fit_power_law", "flops_6nd", "format_stamp", "forward_flops", "machine_stamp",
    "parameter_count", "sweep", "time_call", "training_flops", "training_step_flops",
]
