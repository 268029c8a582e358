"""FLOPs of a Jacobian chain in forward and in reverse mode: why backpropagation runs backwards.

A composition ``f = f_L ∘ … ∘ f_1`` with ``f_k : R^{n[k-1]} -> R^{n[k]}`` has
the Jacobian ``J = J_L ⋯ J_1`` (chain rule), ``J_k`` of shape ``n[k] × n[k-1]``.
Automatic differentiation never forms ``J``; it applies the chain to seeds:

- **forward mode** evaluates right to left, ``J_L (⋯ (J_1 v))``: one
  Jacobian–vector product (JVP) per input direction ``v``; the whole Jacobian
  needs ``n[0]`` of them;
- **reverse mode** evaluates left to right, ``((uᵀ J_L) ⋯ ) J_1``: one
  vector–Jacobian product (VJP) per output ``u``; the whole Jacobian needs
  ``n[L]`` of them.

Each JVP or VJP through dense Jacobians costs ``Σ_k 2·n[k-1]·n[k]`` FLOPs (one
matrix–vector product per factor). For a scalar loss (``n[L] = 1``) reverse
mode needs one VJP where forward mode needs ``n[0]`` JVPs. Same convention as
``cost.flops``: one multiply-add = 2 FLOPs, only products count.
"""
from __future__ import annotations

from .._validate import Choice, Widths, validate_params
from .flops import gemv_flops

__all__ = ["AD_MODES", "jacobian_chain_flops", "vector_chain_flops"]

AD_MODES = ("forward", "reverse")
"""Forward mode (JVPs, right to left) and reverse mode (VJPs, left to right)."""


@validate_params(widths=Widths())
def vector_chain_flops(widths) -> int:
    """FLOPs of one JVP (or one VJP) through dense Jacobians ``J_k`` of shape ``n[k] × n[k-1]``.

    ``Σ_k 2·n[k-1]·n[k]``: one matrix–vector product per factor, in either
    direction (``J_k v`` and ``uᵀ J_k`` cost the same).

    Book: chapter 3, {prf:ref}`thm-forward-reverse`. Cost: O(L).
    """
    n = widths
    return sum(gemv_flops(n[k], n[k - 1]) for k in range(1, len(n)))


@validate_params(widths=Widths(), mode=Choice(AD_MODES))
def jacobian_chain_flops(widths, mode: str) -> int:
    """FLOPs of the full Jacobian ``J_L ⋯ J_1`` by forward or reverse mode.

    Forward mode pushes the ``n[0]`` columns of the identity through the chain
    (right to left): ``n[0] · Σ_k 2·n[k-1]·n[k]``. Reverse mode pulls the
    ``n[L]`` rows of the identity back (left to right): ``n[L] · Σ_k 2·n[k-1]·n[k]``.
    Batched seeds make each step a matrix product of the same total count.

    Parameters
    ----------
    widths : sequence of int, length L + 1 >= 2
        ``n[0]`` inputs, ``n[L]`` outputs.
    mode : {"forward", "reverse"}

    Returns
    -------
    int
        Exact FLOPs. For a scalar output, reverse mode costs one JVP's worth and
        forward mode ``n[0]`` times as much.

    Book: chapter 3, {prf:ref}`thm-forward-reverse`. Cost: O(L).
    """
    seeds = widths[0] if mode == "forward" else widths[-1]
    return seeds * vector_chain_flops(widths)
