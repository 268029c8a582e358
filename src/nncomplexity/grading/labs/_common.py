"""What several labs share: the helpers their tasks allow, the mistakes they diagnose, a network.

A diagnosis that fits more than one task is written here once.
"""
from __future__ import annotations

import numpy as np

from ..core import Helpers

# =========================================================================== allowed helpers
LOOPS = Helpers(
    allow=("numpy.zeros", "numpy.empty", "numpy.zeros_like", "numpy.empty_like", "numpy.array", "numpy.asarray",
           "numpy.result_type", "numpy.promote_types", "numpy.float64", "numpy.float32", "numpy.ndarray",
           "numpy.dtype", "numpy.shape", "numpy.ndim", "numpy.ndindex"),
    forbid=("operator.matmul", "operator.imatmul", "operator.methodcaller", "operator.attrgetter"),
    matmul=False,
    methods=frozenset({"dot", "matmul", "tensordot", "einsum", "inner", "vdot", "mm", "bmm", "multi_dot"}),
    says="NumPy to create arrays (np.zeros, np.empty, np.array, ...) but no matrix product (@, np.dot, np.matmul, "
         "np.einsum, .dot, ...)",
)
"""Write the product yourself: arrays to hold numbers, no library matrix product (@, np.dot, ...)."""

NUMPY = Helpers(allow=("numpy",))
"""NumPy, but none of the book's own functions (a count or a pass is what the task asks for)."""

# =========================================================================== shared diagnoses
MULTIPLY_ADDS = "did you count multiply-adds instead of FLOPs? One multiply-add is 2 FLOPs"
FORGOT_BATCH = "did you forget the batch? Every one of the t samples goes through every layer"


# =========================================================================== a network (labs 2 and 3)
def make_network(widths, batch: int, rng: np.random.Generator):
    """Random float64 parameters with **nonzero** biases (so a missing bias shows) and an input X (t, n0)."""
    W = [rng.standard_normal((n_out, n_in)) / np.sqrt(n_in) for n_in, n_out in zip(widths[:-1], widths[1:])]
    b = [rng.standard_normal(n_out) * 0.5 for n_out in widths[1:]]
    X = rng.standard_normal((batch, widths[0]))  # (t, n0)
    return {"W": W, "b": b}, X


def net_str(widths, t) -> str:
    return f"for widths {list(widths)}, batch {t}"


def forward_ref(params, X):
    """The library's forward pass (ReLU between layers, a linear output): the reference of Task 2.1."""
    from ...kernels.mlp import forward

    return forward(params, X, activation="relu", output_activation="identity")


def count(name: str, *args, **kwargs):
    """The book's count ``name`` (``forward_flops``, ``training_flops``, ``parameter_count``, ...), imported late."""
    from ...cost import flops, memory, training

    return getattr(next(m for m in (flops, training, memory) if hasattr(m, name)), name)(*args, **kwargs)


_ACT = {"relu": lambda z: np.maximum(z, 0), "identity": lambda z: z, "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "tanh": np.tanh}


def forward_variant(params, X, *, bias=True, hidden="relu", out="identity", transpose=True, bias_after=False):
    """The forward pass with one typical mistake switched on (a shape error where the shapes do not allow it)."""
    W, b, A = params["W"], params["b"], X
    for i in range(len(W)):
        Z = A @ (W[i].T if transpose else W[i])  # (t, n_in) @ (n_in, n_out) -> (t, n_out)
        Z = Z + b[i] if bias and not bias_after else Z
        A = _ACT[hidden if i < len(W) - 1 else out](Z)
        A = A + b[i] if bias and bias_after else A
    return A


def backward_variant(W, A, dZ, *, mask=True, mask_above=False, mask_output=False, use_WT=False, dW_from_output=False):
    """Backprop with one typical mistake switched on: (list of dW, list of db)."""
    L = len(W)
    gW, gb = [None] * L, [None] * L
    D = dZ * (A[L] > 0) if mask_output else dZ  # (t, n_L)
    for i in reversed(range(L)):
        gW[i] = D.T @ (A[i + 1] if dW_from_output else A[i])  # (n_out, t) @ (t, n_in) -> (n_out, n_in)
        gb[i] = D.sum(axis=0)  # (n_out,)
        if i > 0:
            D = D @ (W[i].T if use_WT else W[i])  # (t, n_out) @ (n_out, n_in) -> (t, n_in)
            D = D * (A[i + 1 if mask_above else i] > 0) if mask else D  # ⊙ relu'(z), read off a = relu(z)
    return gW, gb


SHAPE_WORDS = ("matmul", "aligned", "broadcast")
"""Words of NumPy's shape-mismatch errors, to which a task adds its hint."""
