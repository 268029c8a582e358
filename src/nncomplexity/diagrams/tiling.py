"""The GEMM tiling picture: which tiles of A, B and C one step of a blocked product touches.

A blocked product ``C = A @ B`` cuts the three matrices into ``b × b`` tiles and
computes ``C[I, J] += A[I, P] @ B[P, J]`` for every tile index I, J, P. The
diagram puts A left of C and B above it, so a tile row of A lines up with a
tile row of C and a tile column of B with a tile column of C: the C tile being
computed sits where the highlighted strip of A and the strip of B cross. It is
the schedule of ``kernels.matmul.matmul_blocked``.

Book: chapter 1, "Why blocking works".
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, Rectangle

from .._validate import Int, validate_params
from ..plotting import PALETTE, add_alt_note

__all__ = ["draw_gemm_tiling"]

_STRIP, _STEP, _TILE = PALETTE[5], PALETTE[0], PALETTE[1]  # light blue, blue, orange


def _grid(ax, x0, y0, cols, rows, label, *, shade=(), strong=(), tile_colour=None, above=False):
    """A rows × cols grid of unit tiles with lower-left corner (x0, y0); row 0 at the top."""
    for r in range(rows):
        for c in range(cols):
            face = "white"
            if (r, c) in shade:
                face = _STRIP
            if (r, c) in strong:
                face = tile_colour or _STEP
            ax.add_patch(Rectangle((x0 + c, y0 + rows - 1 - r), 1, 1, facecolor=face,
                                   edgecolor="0.35", linewidth=0.8))
    ax.plot([x0, x0 + cols, x0 + cols, x0, x0], [y0, y0, y0 + rows, y0 + rows, y0], marker="",
            color="black", linewidth=1.6, label="_frame")  # a line: alt text calls this a diagram's plot
    ax.text(x0 + cols / 2, y0 + rows + 0.3 if above else y0 - 0.35, label, ha="center",
            va="bottom" if above else "top", fontsize=10, color="black")


@validate_params(m=Int(minimum=1), k=Int(minimum=1), n=Int(minimum=1), block=Int(minimum=1),
                 dtype_bytes=Int(minimum=1))
def draw_gemm_tiling(m: int = 1024, k: int = 1280, n: int = 1024, *, block: int = 256,
                     dtype_bytes: int = 4):
    """Draw one step of a blocked ``(m × k) @ (k × n)`` product with ``block × block`` tiles.

    Parameters
    ----------
    m, k, n : int
        The product's shape, each >= 1 (at most 12 tiles a side are drawn legibly).
    block : int
        Tile edge b, >= 1.
    dtype_bytes : int
        Bytes per element s (4 for float32), for the working set and intensity shown.

    Returns
    -------
    matplotlib.figure.Figure
        The diagram, with alt text attached (show it with ``plotting.show_figure``).

    Notes
    -----
    One tile step does ``2·b³`` FLOPs and, with the C tile kept in cache, reads
    two tiles, ``2·b²·s`` bytes: intensity ``b / s`` FLOP/byte, against 1/s
    FLOP/byte for an unblocked inner loop that reads two numbers per multiply-add. The working
    set is three tiles, ``3·b²·s`` bytes. Cost: O(m·k·n / b³) patches drawn.

    Book: chapter 1, "Why blocking works".
    """
    rows, inner, cols = (math.ceil(x / block) for x in (m, k, n))
    if max(rows, inner, cols) > 12:
        raise ValueError(f"block is too small to draw: {rows}×{inner}×{cols} tiles, at most 12 a side")
    I, J, P = rows // 2, cols // 2, inner // 2  # the step drawn: a C tile near the middle
    fig, ax = plt.subplots(figsize=(6.4, 6.4))
    gap = 1.2
    a_x, c_x = 0.0, inner + gap  # A left of C; B above C
    c_y, b_y = 0.0, rows + gap
    _grid(ax, a_x, c_y, inner, rows, f"A  ({m} × {k})",
          shade={(I, p) for p in range(inner)}, strong={(I, P)})
    _grid(ax, c_x, b_y, cols, inner, f"B  ({k} × {n})",
          shade={(p, J) for p in range(inner)}, strong={(P, J)}, above=True)
    _grid(ax, c_x, c_y, cols, rows, f"C  ({m} × {n})", strong={(I, J)}, tile_colour=_TILE)
    centre = {"A": (a_x + P + 0.5, c_y + rows - I - 0.5), "B": (c_x + J + 0.5, b_y + inner - P - 0.5),
              "C": (c_x + J + 0.5, c_y + rows - I - 0.5)}
    for src in ("A", "B"):
        ax.add_patch(FancyArrowPatch(centre[src], centre["C"], arrowstyle="-|>", mutation_scale=14,
                                     color="black", linewidth=1.4, shrinkA=4, shrinkB=6))
    flops, read = 2 * block**3, 2 * block * block * dtype_bytes
    work = 3 * block * block * dtype_bytes
    text = (f"one step:\nC[I,J] += A[I,P] @ B[P,J]\n\n"
            f"b = {block}: 2b³ = {flops / 1e6:.1f} M FLOPs\n"
            f"on 2 tiles read ({read / 2**10:,.0f} KiB):\n"
            f"{flops / read:.0f} FLOP/byte\n\n"
            f"3 tiles in cache: {work / 2**10:,.0f} KiB\n"
            f"P walks the {inner} tiles\nof the shaded strips")
    ax.text(a_x + inner / 2, b_y + inner / 2, text, ha="center", va="center", fontsize=9,
            color="black", linespacing=1.25)
    ax.set(xlim=(-0.4, c_x + cols + 0.4), ylim=(-1.1, b_y + inner + 1.1), aspect="equal")
    ax.axis("off")
    ax.set_title("Blocked GEMM: one tile step", color="black")
    add_alt_note(fig, (
        f"Diagram of a blocked product of A ({m} × {k}) and B ({k} × {n}) into C ({m} × {n}), "
        f"each cut into {block} × {block} tiles. A sits left of C and B above it. Tile row {I + 1} of A "
        f"and tile column {J + 1} of B are shaded; their tiles number {P + 1} are highlighted, with "
        f"arrows to tile ({I + 1}, {J + 1}) of C, which accumulates their product. One step does "
        f"{flops:,} FLOPs on {read / 2**10:,.0f} KiB read, {flops / read:.0f} FLOP per byte; "
        f"the three tiles take {work / 2**10:,.0f} KiB."))
    return fig
