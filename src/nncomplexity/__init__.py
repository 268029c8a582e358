"""Kernels, exact cost counts and honest measurements for the book."""
__version__ = "0.1.0"
