"""The dense network with its shapes: layers, widths, activations, weight matrices.

Book: {prf:ref}`thm-forward-exact` (the chapter on forward propagation draws it
for its small example network).
"""
from __future__ import annotations

from .._validate import Int, Widths, validate_params
from ..plotting import add_alt_note, new_figure

__all__ = ["draw_network"]

_MAX_DRAWN = 6  # neurons drawn per layer; wider layers show a gap with "⋮"
_NEURON, _EDGE, _TEXT, _ACCENT = "#4c72b0", "#b8b8b8", "#222222", "#c44e52"


def _rows(width: int) -> list[float | None]:
    """Vertical positions of the drawn neurons of one layer, ``None`` marking the gap."""
    if width <= _MAX_DRAWN:
        return [(width - 1) / 2 - i for i in range(width)]
    half = _MAX_DRAWN // 2
    top = [(_MAX_DRAWN) / 2 - i for i in range(half)]
    return top + [None] + [-(_MAX_DRAWN) / 2 + half - 1 - i for i in range(half)]


@validate_params(widths=Widths(), batch=Int(minimum=1))
def draw_network(widths, batch: int = 1, *, title: str | None = None):
    """Draw a dense network and label every layer with the shapes of the forward pass.

    Column ``k`` is layer ``k``'s activations ``A(k)`` of shape ``(t, n[k])`` (one
    row per sample, batch first); between columns ``k-1`` and ``k`` sits the
    weight matrix ``W(k)`` of shape ``(n[k], n[k-1])``, whose product costs
    ``2·t·n[k]·n[k-1]`` FLOPs. Layers wider than six neurons are drawn with six
    and a gap.

    Parameters
    ----------
    widths : sequence of int
        ``[n0, ..., nL]``, each ≥ 1.
    batch : int
        t, the samples per pass (only the labels use it).
    title : str, optional
        Default: the widths and the batch.

    Returns
    -------
    matplotlib.figure.Figure
        With alt text listing every shape.

    Cost: O(Σ min(n[k], 6)²) drawn edges.
    """
    n, t, L = widths, batch, len(widths) - 1
    fig, ax = new_figure(figsize=(1.75 * (L + 1) + 0.3, 4.0))
    ys = [_rows(w) for w in n]
    for k in range(1, L + 1):  # edges first, under the neurons
        for y0 in (y for y in ys[k - 1] if y is not None):
            for y1 in (y for y in ys[k] if y is not None):
                ax.plot([k - 1, k], [y0, y1], color=_EDGE, linewidth=0.6, marker="", zorder=1)
        flops = 2 * t * n[k] * n[k - 1]
        ax.text(k - 0.5, 4.9, f"W({k})\n({n[k]}, {n[k - 1]})", ha="center", va="bottom", fontsize=11,
                color=_ACCENT, fontweight="bold")
        ax.text(k - 0.5, -4.3, f"{flops:,} FLOPs", ha="center", va="top", fontsize=10, color=_ACCENT)
    for k, column in enumerate(ys):
        for y in column:
            if y is None:
                ax.text(k, 0, "⋮", ha="center", va="center", fontsize=14, color=_TEXT)
            else:
                ax.plot([k], [y], marker="o", markersize=11, color=_NEURON, markeredgecolor="white",
                        linestyle="none", zorder=2)
        role = "input" if k == 0 else ("output" if k == L else "hidden")
        ax.text(k, -3.5, f"A({k}): ({t}, {n[k]})", ha="center", va="top", fontsize=11, color=_TEXT)
        ax.text(k, 3.5, f"n[{k}] = {n[k]}\n{role}", ha="center", va="bottom", fontsize=10, color=_TEXT)
    ax.set_xlim(-0.6, L + 0.6)
    ax.set_ylim(-5.0, 6.7)
    ax.axis("off")
    ax.set_title(title or f"widths {list(n)}, batch t = {t}", fontsize=11)
    shapes = "; ".join(f"W({k}) ({n[k]}, {n[k - 1]})" for k in range(1, L + 1))
    acts = ", ".join(f"A({k}) ({t}, {n[k]})" for k in range(L + 1))
    add_alt_note(fig, f"Diagram of a dense network with {L} layers and widths {list(n)}: neurons as "
                      f"circles in columns, every neuron joined to every neuron of the next column. "
                      f"Activations (batch first): {acts}. Weights: {shapes}.")
    return fig
