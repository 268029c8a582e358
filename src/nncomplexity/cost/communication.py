"""Exact communication counts of parallel training: ring all-reduce bytes, the α–β time model, bubbles.

Symbols: ``p`` processes (the world size), ``n`` elements in the tensor reduced,
``b`` bytes per element, ``m`` micro-batches.

**Ring all-reduce** (Patarasuk and Yuan 2009). Cut the tensor into ``p`` chunks,
as ``torch.tensor_split`` does: the first ``n mod p`` chunks hold ``⌈n/p⌉``
elements, the rest ``⌊n/p⌋``. In the *reduce-scatter* phase, ``p − 1`` steps,
process ``r`` sends chunk ``(r − s) mod p`` to ``r + 1`` at step ``s`` and adds
the chunk it receives; afterwards it holds the full sum of chunk ``(r + 1) mod p``.
In the *all-gather* phase, ``p − 1`` more steps, the finished chunks travel once
more round the ring. Process ``r`` sends every chunk but ``(r + 1) mod p`` in the
first phase and every chunk but ``(r + 2) mod p`` in the second::

    sent(r) = b · (2n − c[(r + 1) mod p] − c[(r + 2) mod p])

which is ``2 (p − 1) n b / p`` for every ``r`` when ``p`` divides ``n``: bounded by
``2 n b`` however many processes share the work, the bandwidth-optimal amount.

**α–β model** (Hockney). A message of ``B`` bytes costs ``α + β·B`` seconds: a
latency ``α`` and an inverse bandwidth ``β``. The ring's ``2(p − 1)`` steps each
send one chunk, so it costs about ``2(p − 1)·α + 2(p − 1)/p · n b · β``.

**Pipeline bubble** (GPipe, Huang et al. 2019). ``p`` stages and ``m`` micro-batches,
each stage a unit of time per micro-batch: the pass takes ``m + p − 1`` slots, of
which each stage is busy ``m``, so the idle fraction is ``(p − 1)/(m + p − 1)``.
"""
from __future__ import annotations

from fractions import Fraction

from .._validate import Int, Real, validate_params

__all__ = ["allreduce_bytes", "allreduce_seconds", "pipeline_bubble_fraction", "ring_chunk_sizes"]


@validate_params(n_elements=Int(minimum=0), world_size=Int(minimum=1))
def ring_chunk_sizes(n_elements: int, world_size: int) -> list[int]:
    """The ring's chunk sizes: ``torch.tensor_split``'s, the first ``n mod p`` one larger.

    Book: chapter 7, {prf:ref}`thm-ring-bytes`. Cost: O(p).
    """
    q, rest = divmod(n_elements, world_size)
    return [q + 1 if i < rest else q for i in range(world_size)]


@validate_params(n_elements=Int(minimum=0), world_size=Int(minimum=1), bytes_per_element=Int(minimum=1),
                 rank=Int(minimum=0))
def allreduce_bytes(n_elements: int, world_size: int, bytes_per_element: int = 4,
                    rank: int | None = None) -> int:
    """Bytes one process sends in a ring all-reduce of ``n_elements`` numbers.

    Parameters
    ----------
    n_elements : int, n >= 0
    world_size : int, p >= 1
    bytes_per_element : int
        4 for float32, 2 for bf16/fp16.
    rank : int, optional
        The process (0 <= rank < p). Default: the largest count over all ranks,
        the one that sets the ring's pace.

    Returns
    -------
    int
        ``b·(2n − c[(r+1) mod p] − c[(r+2) mod p])``; ``2(p − 1)·(n/p)·b`` when p divides n,
        0 for p = 1.

    Book: chapter 7, {prf:ref}`thm-ring-bytes`. Cost: O(p).
    """
    p = world_size
    if rank is not None and rank >= p:
        raise ValueError(f"rank must be < world_size = {p}, got {rank}")
    if p == 1:
        return 0
    c = ring_chunk_sizes(n_elements, p)

    def sent(r):
        return 2 * n_elements - c[(r + 1) % p] - c[(r + 2) % p]

    elements = sent(rank) if rank is not None else max(sent(r) for r in range(p))
    return bytes_per_element * elements


@validate_params(n_bytes=Real(allow_zero=True), world_size=Int(minimum=1), alpha=Real(allow_zero=True),
                 beta=Real(allow_zero=True))
def allreduce_seconds(n_bytes: float, world_size: int, alpha: float, beta: float) -> float:
    """The α–β model of a ring all-reduce: ``2(p − 1)·α + 2(p − 1)/p · n_bytes · β`` seconds.

    ``alpha`` is the latency of one message (s), ``beta`` the time per byte (s/byte,
    the inverse of the link's bandwidth). A model, not a measurement.

    Book: chapter 7, {prf:ref}`thm-ring-bytes`. Cost: O(1).
    """
    p = world_size
    return 2 * (p - 1) * alpha + 2 * (p - 1) / p * n_bytes * beta


@validate_params(stages=Int(minimum=1), micro_batches=Int(minimum=1))
def pipeline_bubble_fraction(stages: int, micro_batches: int) -> Fraction:
    """Idle share of a GPipe schedule: ``(p − 1) / (m + p − 1)``, exactly.

    Book: chapter 7, {prf:ref}`thm-bubble`. Cost: O(1).
    """
    return Fraction(stages - 1, micro_batches + stages - 1)
