"""Weight sharing in a supernet: every sub-network is a top-left block of the largest network's matrices.

Book: chapter 9, {prf:ref}`def-supernet`.
"""
from __future__ import annotations

from matplotlib.patches import Rectangle

from ..plotting import add_alt_note, new_figure

__all__ = ["draw_weight_sharing"]

_COLORS = ["#c44e52", "#dd8452", "#4c72b0", "#55a868"]


def draw_weight_sharing(widths=(8, 16, 32), depth: int = 3, n_in: int = 64, n_out: int = 10):
    """Draw the weight matrices of the largest network with the nested blocks of narrower sub-networks.

    One panel per weight matrix, drawn to scale: hidden layer k is (max width, n[k-1]) and the
    output layer (n_out, max width); a sub-network of width w uses the top-left w × w' block.

    Cost: O(depth · len(widths)) patches.
    """
    widths = sorted(int(w) for w in widths)
    if not widths or widths[0] < 1 or depth < 1:
        raise ValueError(f"widths must be positive and depth >= 1, got {widths}, {depth}")
    big = widths[-1]
    shapes = [(big, n_in)] + [(big, big)] * (depth - 1) + [(n_out, big)]
    names = [f"W({k + 1}) hidden" for k in range(depth)] + ["output"]
    ratios = [c for _, c in shapes]
    fig, axes = new_figure(1, len(shapes), figsize=(7.4, 3.1), gridspec_kw={"width_ratios": ratios})
    for k, (ax, (rows, cols), name) in enumerate(zip(axes, shapes, names)):
        ax.add_patch(Rectangle((0, 0), cols, rows, fill=False, lw=1.2, ec="0.4"))
        for j, w in reversed(list(enumerate(widths))):
            r = w if k < depth else rows           # output rows are always all classes
            c = cols if k == 0 else w              # layer 1 always reads every input feature
            ax.add_patch(Rectangle((0, rows - r), c, r, color=_COLORS[j % len(_COLORS)], alpha=0.55,
                                   label=f"width {w}" if k == 0 else None))
        ax.set(xlim=(-1, cols + 1), ylim=(-1, max(rows, 10) + 1), aspect="equal", title=name)
        ax.set_xticks([0, cols])
        ax.set_yticks([0, rows])
        ax.set_yticklabels([str(rows), "0"])
        ax.title.set_fontsize(10)
        ax.tick_params(labelsize=9)
    fig.legend(loc="lower center", ncol=len(widths), fontsize=9, frameon=False)
    fig.suptitle("Shared weights: a sub-network of width w uses the top-left block of each matrix;\n"
                 "a shallower one skips the last hidden layers", fontsize=10)
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.2, top=0.76, wspace=0.25)
    add_alt_note(fig, "weight matrices with nested top-left blocks for sub-network widths "
                 + ", ".join(map(str, widths)))
    return fig
