"""Executable kernels: matrix products and the dense network's forward and backward passes."""
