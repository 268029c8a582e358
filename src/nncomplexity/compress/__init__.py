"""Compressing a trained network: pruning, low rank, quantisation, binary weights.

One concept per module:

- :mod:`.pruning`: magnitude masks through ``torch.nn.utils.prune`` (per layer or
  global) and structured pruning that removes whole neurons, so the products shrink;
- :mod:`.lowrank`: the best rank-r factorisation of a weight matrix (truncated SVD);
- :mod:`.quantize`: affine integer quantisation per tensor or per channel, an exact
  int8 product with int32 accumulation, and PyTorch's dynamic quantisation;
- :mod:`.binary`: ±1 matrices packed into bits and multiplied by XNOR and popcount;
- :mod:`.sparse`: where a sparse kernel overtakes the dense one, from paired timings.

The counts of each compressed layer (FLOPs, bytes) live in :mod:`nncomplexity.cost`.
Book: chapter 8, "Compressing trained networks".
"""
from .binary import binarize, binary_matmul, pack_signs
from .lowrank import lowrank, lowrank_error
from .pruning import magnitude_masks, prune_neurons
from .quantize import dequantize, int8_matmul, quantize, quantize_dynamic_torch
from .sparse import crossover

__all__ = [
    "binarize", "binary_matmul", "crossover", "dequantize", "int8_matmul", "lowrank", "lowrank_error",
    "magnitude_masks", "pack_signs", "prune_neurons", "quantize", "quantize_dynamic_torch",
]
