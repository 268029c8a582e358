"""The computational graph of a small MLP, with its forward and its backward flow.

One figure: the forward pass runs left to right along the top row (a⁽ᵏ⁻¹⁾ and
Θ⁽ᵏ⁾ give z⁽ᵏ⁾, then a⁽ᵏ⁾ = g(z⁽ᵏ⁾), and the loss J last); the backward pass runs
right to left along the bottom row (δ⁽ᴸ⁾ = a⁽ᴸ⁾ − y, then δ⁽ᵏ⁾ from δ⁽ᵏ⁺¹⁾), and
each δ⁽ᵏ⁾ meets the *stored* activation a⁽ᵏ⁻¹⁾ in the weight gradient
δ⁽ᵏ⁾ a⁽ᵏ⁻¹⁾ᵀ: the arrows that explain why backpropagation keeps activations.
"""
from __future__ import annotations

from .._validate import Int, validate_params
from ..plotting import PALETTE, add_alt_note, new_figure

__all__ = ["computational_graph"]

FORWARD, BACKWARD, SAVED = PALETTE[0], PALETTE[3], "#555555"


def _node(ax, xy, text, color, *, fill="white"):
    ax.text(*xy, text, ha="center", va="center", fontsize=12, color="black", zorder=3,
            bbox=dict(boxstyle="round,pad=0.35", facecolor=fill, edgecolor=color, linewidth=1.6))


def _arrow(ax, start, end, color, *, style="-", label=None, label_offset=(0.0, 0.24), shrink=17):
    ax.annotate("", xy=end, xytext=start, zorder=2,
                arrowprops=dict(arrowstyle="-|>", color=color, linestyle=style, linewidth=1.6,
                                shrinkA=shrink, shrinkB=shrink, mutation_scale=14))
    if label:
        mid = ((start[0] + end[0]) / 2 + label_offset[0], (start[1] + end[1]) / 2 + label_offset[1])
        ax.text(*mid, label, ha="center", va="center", fontsize=9, color=color, zorder=4,
                bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))


@validate_params(layers=Int(minimum=1, maximum=4))
def computational_graph(layers: int = 2):
    """Draw the computational graph of an MLP with ``layers`` layers, forward and backward.

    Parameters
    ----------
    layers : int, 1 <= L <= 4

    Returns
    -------
    matplotlib.figure.Figure
        White background (readable on the dark theme), alt text attached.

    Book: chapter 3, "The computational graph".
    """
    L = layers
    step = 1.7
    fig, ax = new_figure(figsize=(2.4 + 2.9 * L, 4.3))
    ax.set_axis_off()
    top, bottom, param_y, grad_y = 1.0, -0.6, 2.1, -1.75
    x_a = {k: 2 * k * step for k in range(L)}  # a⁽ᵏ⁾ for k < L
    x_z = {k: (2 * k - 1) * step for k in range(1, L + 1)}  # z⁽ᵏ⁾
    x_J = x_z[L] + 1.5 * step
    _node(ax, (x_a[0], top), r"$x = a^{(0)}$", FORWARD)
    for k in range(1, L + 1):
        xp = x_z[k] - 0.55 * step
        _node(ax, (xp, param_y), rf"$\Theta^{{({k})}}$", FORWARD, fill="#eef5fb")
        _node(ax, (x_z[k], top), rf"$z^{{({k})}}$", FORWARD)
        _arrow(ax, (x_a[k - 1], top), (x_z[k], top), FORWARD,
               label=rf"$a^{{({k - 1})}}\Theta^{{({k})\top}}$")
        _arrow(ax, (xp, param_y), (x_z[k], top), FORWARD, shrink=12)
        # backward: δ⁽ᵏ⁾ under z⁽ᵏ⁾ and the weight gradient under Θ⁽ᵏ⁾
        _node(ax, (x_z[k], bottom), rf"$\delta^{{({k})}}$", BACKWARD, fill="#fdf0e8")
        _node(ax, (xp, grad_y), rf"$\partial J/\partial\Theta^{{({k})}}$", BACKWARD, fill="#fdf0e8")
        _arrow(ax, (x_z[k], bottom), (xp, grad_y), BACKWARD, style="--", shrink=12)
        # the stored activation a⁽ᵏ⁻¹⁾ is read again by the weight gradient
        _arrow(ax, (x_a[k - 1], top), (xp, grad_y), SAVED, style=":", shrink=16)
        if k < L:
            _node(ax, (x_a[k], top), rf"$a^{{({k})}}$", FORWARD)
            _arrow(ax, (x_z[k], top), (x_a[k], top), FORWARD, label=r"$g$")
            _arrow(ax, (x_z[k + 1], bottom), (x_z[k], bottom), BACKWARD, style="--",
                   label=rf"$\Theta^{{({k + 1})\top}}\delta \odot g'$", label_offset=(0.0, -0.26))
    _node(ax, (x_J, top), r"$J$", FORWARD)
    _arrow(ax, (x_z[L], top), (x_J, top), FORWARD, label="softmax, loss")
    _node(ax, (x_J, bottom), r"$\partial J/\partial J = 1$", BACKWARD, fill="#fdf0e8")
    _arrow(ax, (x_J, top), (x_J, bottom), BACKWARD, style="--", shrink=14)
    _arrow(ax, (x_J, bottom), (x_z[L], bottom), BACKWARD, style="--",
           label=rf"$a^{{({L})}} - y$", label_offset=(0.0, -0.26))
    handles = [ax.plot([], [], color=c, linestyle=s, marker="", label=lab)[0] for c, s, lab in (
        (FORWARD, "-", "forward pass"), (BACKWARD, "--", "backward pass"),
        (SAVED, ":", "stored activation read by backward"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, fontsize=9)
    ax.set(xlim=(-0.9, x_J + 1.0), ylim=(grad_y - 0.45, param_y + 0.4))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.1)
    add_alt_note(fig, f"Computational graph of a {L}-layer network. Forward, left to right: the input "
                      "and each weight matrix give a pre-activation z, the activation g gives a, and "
                      "the last z gives the loss J. Backward, right to left: delta of the last layer is "
                      "a minus y; each delta gives the delta below it through the transposed weights "
                      "and g prime, and together with the stored activation a of the layer below it "
                      "gives the weight gradient.")
    return fig
