"""The exact schedule and count of the book's Strassen recursion, padding included.

``kernels.matmul.matmul_strassen`` splits square n×n operands into 2×2 blocks
while n exceeds a cutoff, zero-padding an odd n by one row and column first, and
hands the blocks at the cutoff (the *leaves*) to BLAS. This module replays that
recursion on sizes alone: the size at each level, the padding, the number and
size of the leaf products, and the FLOPs. It answers why a size like 1448 runs
worse than 1024 or 2048: 1448 → 724 → 362 → 181 → (pad 182) → 91 recurses as
often as 2048 (2401 leaf products), but each leaf is a 91×91 product with
(91/128)³ ≈ 0.36 of the work of 2048's 128×128 leaves, for the same number of
calls and block additions.

Convention: 2 FLOPs per multiply-add, as ``cost.flops.matmul_flops``; the leaf
products are counted on their padded size (BLAS multiplies the zeros too); each
of the 18 block additions of an internal node is one FLOP per entry of a
half-size block. The counts are checked against the kernel's own calls in
``tests/test_strassen_count.py``.

Book: chapter 1, {prf:ref}`thm-strassen` and "Why our Strassen is slow at some sizes".
"""
from __future__ import annotations

from dataclasses import dataclass

from .._validate import Int, validate_params
from .flops import matmul_flops

__all__ = ["StrassenPlan", "strassen_plan"]

ADDITIONS_PER_LEVEL = 18  # 10 block sums to form the factors, 8 to combine M1..M7


@dataclass(frozen=True)
class StrassenPlan:
    """The recursion of ``matmul_strassen`` on n×n operands, level by level."""

    n: int  # operand size
    cutoff: int  # recursion stops once the size is <= cutoff
    sizes: tuple[int, ...]  # operand size entering each level, the leaf size last
    padded: tuple[bool, ...]  # whether that level padded an odd size by one (leaf: False)
    leaf: int  # size of the products handed to BLAS
    leaves: int  # number of leaf products: 7 ** levels
    leaf_flops: int  # FLOPs of all leaf products: leaves · 2 · leaf³
    addition_flops: int  # FLOPs of all block additions: Σ 7^ℓ · 18 · (half size)²
    array_ops: int  # NumPy calls on blocks outside the leaves: 18 additions (+2 pads) per node

    @property
    def levels(self) -> int:
        """Levels of recursion above the leaves."""
        return len(self.sizes) - 1

    @property
    def flops(self) -> int:
        """All FLOPs: leaf products plus block additions."""
        return self.leaf_flops + self.addition_flops

    @property
    def ratio(self) -> float:
        """FLOPs relative to the classical 2·n³."""
        return self.flops / matmul_flops(self.n, self.n, self.n)

    @property
    def path(self) -> str:
        """The sizes as ``1448 → 724 → 362 → 181 (+1) → 91``: "+1" marks a padded level."""
        return " → ".join(f"{s} (+1)" if p else str(s) for s, p in zip(self.sizes, self.padded))


@validate_params(n=Int(minimum=1), cutoff=Int(minimum=1))
def strassen_plan(n: int, cutoff: int = 128) -> StrassenPlan:
    """Replay ``matmul_strassen``'s recursion on two n×n matrices, on sizes alone.

    Parameters
    ----------
    n : int
        Operand size, >= 1.
    cutoff : int
        The kernel's cutoff: recurse while the size exceeds it, >= 1.

    Returns
    -------
    StrassenPlan
        Sizes per level, padding, leaves and the exact FLOP count.

    Notes
    -----
    Level ℓ has 7^ℓ subproblems of size s_ℓ; an odd s_ℓ above the cutoff is
    padded to s_ℓ + 1, and s_{ℓ+1} = ⌈s_ℓ / 2⌉. FLOPs =
    7^L · 2·s_L³ + Σ_{ℓ<L} 7^ℓ · 18 · s_{ℓ+1}². Cost: O(log n).

    Book: chapter 1, {prf:ref}`thm-strassen`.
    """
    sizes, padded = [n], []
    addition_flops = array_ops = 0
    nodes = 1  # subproblems at the current level: 7 ** level
    while sizes[-1] > cutoff:
        size = sizes[-1]
        pad = size % 2 == 1
        half = (size + pad) // 2
        addition_flops += nodes * ADDITIONS_PER_LEVEL * half * half
        array_ops += nodes * (ADDITIONS_PER_LEVEL + 2 * pad)
        padded.append(pad)
        sizes.append(half)
        nodes *= 7
    padded.append(False)
    leaf = sizes[-1]
    return StrassenPlan(n=n, cutoff=cutoff, sizes=tuple(sizes), padded=tuple(padded),
                        leaf=leaf, leaves=nodes, leaf_flops=nodes * matmul_flops(leaf, leaf, leaf),
                        addition_flops=addition_flops, array_ops=array_ops)
