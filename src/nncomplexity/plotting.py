"""One look for every figure in the book, and alt text derived from the data.

- Colours: the Okabe–Ito palette, distinguishable with the common forms of
  colour blindness; series also differ by marker so print in grey works.
- Background: opaque white, so a figure stays readable when the site is in
  dark mode (a transparent PNG would put black axes on a dark page).
- Alt text: :func:`show_figure` displays a figure as HTML ``<img>`` with an
  ``alt`` attribute that :func:`describe_figure` writes from the figure itself
  (axes scales, labels, series, fitted slopes), so a screen reader hears what
  the figure shows, and the text stays true when the data change.
"""
from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

#: Okabe & Ito (2008) colour-blind-safe palette, black dropped (it is the text colour).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

STYLE = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE[:7]) + mpl.cycler(marker=MARKERS[:7]),
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 11,
    "lines.markersize": 5,
    "legend.frameon": False,
}

_ALT_NOTES = "_nncomplexity_alt_notes"


def apply_style() -> None:
    """Use the book's style for every later figure in this session."""
    mpl.rcParams.update(STYLE)


def add_alt_note(fig_or_ax, note: str) -> None:
    """Attach a sentence to a figure's alt text (e.g. ``"fitted slope 2.98"``)."""
    fig = fig_or_ax.figure if hasattr(fig_or_ax, "figure") and fig_or_ax.figure is not None else fig_or_ax
    notes = getattr(fig, _ALT_NOTES, None)
    if notes is None:
        notes = []
        setattr(fig, _ALT_NOTES, notes)
    notes.append(str(note))


def _axes_kind(ax) -> str:
    xs, ys = ax.get_xscale(), ax.get_yscale()
    if xs == "log" and ys == "log":
        return "log-log plot"
    if ys == "log":
        return "plot with logarithmic y axis"
    if xs == "log":
        return "plot with logarithmic x axis"
    if ax.patches and not ax.lines:
        return "bar chart"
    return "plot"


def _series_label(artist) -> str:
    # plot_power_law keeps the plain name; its fitted values go in the notes
    base = getattr(artist, "_nnc_base_label", None)
    return base if base is not None else artist.get_label()


def describe_figure(fig, *, stable: bool = False) -> str:
    """Alt text for ``fig``, written from its axes, labels, series and notes.

    With ``stable=True`` the text leaves out what may change from run to run:
    the notes added with :func:`add_alt_note` (e.g. fitted exponents).
    """
    parts = []
    for ax in fig.get_axes():
        if not ax.get_visible() or not (ax.lines or ax.patches or ax.collections or ax.images):
            continue
        desc = _axes_kind(ax)
        title = ax.get_title()
        if title:
            desc += f" '{title}'"
        if ax.get_ylabel() or ax.get_xlabel():
            desc += f" of {ax.get_ylabel() or 'y'} against {ax.get_xlabel() or 'x'}"
        labels = [_series_label(a) for a in list(ax.lines) + list(ax.collections)
                  if not a.get_label().startswith("_")]
        if labels:
            desc += "; series: " + ", ".join(labels)
        parts.append(desc)
    notes = [] if stable else getattr(fig, _ALT_NOTES, [])
    text = "; ".join(parts + list(notes))
    if fig._suptitle is not None and fig._suptitle.get_text():
        text = f"{fig._suptitle.get_text()}: {text}"
    return text or "figure"


def figure_png(fig, *, dpi: int | None = None, colors: int | None = None) -> bytes:
    """PNG bytes of ``fig`` with an opaque background.

    ``colors`` (2..256) stores the image with a palette of that many colours: a
    plot's few flat colours survive, and the bytes shrink about threefold, which
    matters for an explorer that stores dozens of frames in one page.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white",
                metadata={"Software": None})
    if colors is None:
        return buf.getvalue()
    from PIL import Image  # matplotlib's own dependency

    if not 2 <= colors <= 256:
        raise ValueError(f"colors must be in 2..256, got {colors}")
    buf.seek(0)
    image = Image.open(buf).convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def figure_html(fig, alt: str | None = None, *, dpi: int | None = None, colors: int | None = None) -> str:
    """An ``<img>`` tag holding ``fig`` as an inline PNG with alt text (``colors``: see :func:`figure_png`)."""
    alt = describe_figure(fig) if alt is None else alt
    if not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure")
    data = base64.b64encode(figure_png(fig, dpi=dpi, colors=colors)).decode("ascii")
    return (f'<img class="nnc-figure" src="data:image/png;base64,{data}" '
            f'alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto"/>')


class FigureDisplay:
    """A figure as HTML with alt text; plain text is a stable summary.

    The plain-text form is what notebook tests compare, so it holds only what
    does not change from run to run: the figure's kind and labels, not notes
    derived from measured values.
    """

    def __init__(self, fig, alt: str | None = None):
        self.alt = describe_figure(fig) if alt is None else alt
        self.summary = describe_figure(fig, stable=True)
        self.html = figure_html(fig, self.alt)
        self.png = figure_png(fig)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/html": self.html,
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": f"<Figure: {self.summary}>",
        }


def show_figure(fig, alt: str | None = None) -> FigureDisplay:
    """Display ``fig`` with alt text and close it (so it is not shown twice).

    Returns the display object; a notebook cell that ends with
    ``show_figure(fig)`` shows the figure exactly once.
    """
    shown = FigureDisplay(fig, alt)
    plt.close(fig)
    return shown


def plot_power_law(ax, x, y, fit=None, *, label: str, color=None, marker=None, note_unit: str = "slope"):
    """Plot measured points on log-log axes, with their fitted line if given.

    The fitted exponent (and its interval) goes into the legend and the
    figure's alt text.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    (points,) = ax.plot(x, y, linestyle="none", label=label, color=color, marker=marker or "o")
    if fit is not None:
        xs = np.geomspace(x.min(), x.max(), 50)
        ax.plot(xs, fit.predict(xs), color=points.get_color(), marker="", linewidth=1.2,
                label=f"_fit {label}")
        points.set_label(f"{label}: {note_unit} {fit.exponent:.2f} ± {fit.half_width:.2f}")
        points._nnc_base_label = label  # what the stable summary shows
        add_alt_note(ax, f"{label}: fitted {note_unit} {fit.exponent:.2f} "
                         f"(95% CI {fit.ci_low:.2f} to {fit.ci_high:.2f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    return points


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """``plt.subplots`` in the book's style."""
    with mpl.rc_context(STYLE):
        return plt.subplots(nrows, ncols, **kwargs)


def table_html(rows: Sequence[Sequence], header: Sequence[str] | None = None) -> str:
    """A small HTML table (escaped) for readouts."""
    out = ['<table class="nnc-table">']
    if header:
        out.append("<thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
                   + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)
