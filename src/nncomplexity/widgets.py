"""Explorers: sliders that work live in a kernel and on the static website.

``explore(view, n=[...], L=[...])`` makes one object with two renderings:

- **live** (Jupyter, Binder, Colab): ipywidgets sliders; moving one calls
  ``view(n=..., L=...)`` again and shows its fresh result;
- **static** (the published book, no kernel): every combination of slider
  values is computed once, when the notebook is executed, and stored in the
  page with a few lines of JavaScript that swap the shown frame as a slider
  moves. No request leaves the page.

The frontend picks the rendering: a kernel-backed notebook shows the widget,
the book shows the HTML (the book's configuration ranks the widget view below
HTML, since a static page has no kernel to run callbacks).

``view`` returns what to show for one setting: a matplotlib figure, a dict
(shown as a two-column table), a string (shown as text), :class:`HTML`
(trusted markup, e.g. from :func:`nncomplexity.plotting.table_html`), or a
tuple of these, laid out side by side.
"""
from __future__ import annotations

import hashlib
import html
import itertools
import json
import time
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt

from ._validate import check_int, check_positive_float
from .plotting import figure_html, table_html

_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  if (!root) { return; }
  var frames = JSON.parse(root.querySelector("script.nnc-frames").textContent);
  var sliders = root.querySelectorAll("input.nnc-slider");
  var screen = root.querySelector(".nnc-screen");
  function update() {
    var key = [];
    sliders.forEach(function (s) {
      var values = JSON.parse(s.dataset.values);
      var v = values[parseInt(s.value, 10)];
      s.parentNode.querySelector(".nnc-value").textContent = v;
      key.push(s.value);
    });
    screen.innerHTML = frames[key.join(",")];
  }
  sliders.forEach(function (s) { s.addEventListener("input", update); });
})();
"""


class HTML(str):
    """Markup a view returns as is (a plain ``str`` is escaped and shown as text)."""


def render_frame(result) -> str:
    """HTML for one result of a view: figure, dict, string, HTML, or a tuple of them."""
    if isinstance(result, tuple):
        return "".join(f'<div class="nnc-part">{render_frame(r)}</div>' for r in result)
    if isinstance(result, HTML):
        return str(result)
    if isinstance(result, plt.Figure):
        try:
            return figure_html(result, dpi=72, colors=64)  # frames add up: a palette keeps pages light
        finally:
            plt.close(result)
    if isinstance(result, dict):
        return table_html([(k, v) for k, v in result.items()])
    if isinstance(result, str):
        return f'<p class="nnc-text">{html.escape(result)}</p>'
    raise TypeError(
        "view must return a matplotlib Figure, a dict, a str, HTML, or a tuple of these; "
        f"got {type(result).__name__}"
    )


def _check_sliders(sliders: dict) -> dict[str, list]:
    if not sliders:
        raise ValueError("explore needs at least one slider, e.g. explore(view, n=[8, 16, 32])")
    checked = {}
    for name, values in sliders.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            raise TypeError(f"slider {name} must be a list of values, got {type(values).__name__}")
        values = list(values)
        if not values:
            raise ValueError(f"slider {name} must have at least one value")
        if len(set(map(repr, values))) != len(values):
            raise ValueError(f"slider {name} has repeated values: {values}")
        checked[name] = values
    return checked


class Explorer:
    """The object :func:`explore` returns; display it (end a cell with it)."""

    def __init__(self, view: Callable, sliders: dict, *, initial: dict, budget_s: float,
                 max_frames: int, max_bytes: int, title: str):
        self.view = view
        self.sliders = sliders
        self.initial = initial
        self.title = title
        self.frames = self._precompute(budget_s, max_frames, max_bytes)
        self.static_html = self._static_html()
        self._widget = None

    # ------------------------------------------------------------ static
    def _precompute(self, budget_s: float, max_frames: int, max_bytes: int) -> dict[str, str]:
        names = list(self.sliders)
        grid = list(itertools.product(*(range(len(self.sliders[n])) for n in names)))
        if len(grid) > max_frames:
            sizes = " × ".join(f"{n} ({len(self.sliders[n])})" for n in names)
            raise ValueError(
                f"the sliders {sizes} make {len(grid)} frames, more than max_frames={max_frames}; "
                "use fewer slider values"
            )
        frames: dict[str, str] = {}
        start = time.perf_counter()
        total = 0
        for i, idx in enumerate(grid):
            params = {n: self.sliders[n][j] for n, j in zip(names, idx)}
            frame = render_frame(self.view(**params))
            frames[",".join(map(str, idx))] = frame
            total += len(frame)
            elapsed = time.perf_counter() - start
            if total > max_bytes:
                raise ValueError(
                    f"the precomputed frames exceed max_bytes={max_bytes} after {i + 1} of "
                    f"{len(grid)} frames; use fewer slider values or smaller figures"
                )
            if i + 1 < len(grid) and elapsed / (i + 1) * len(grid) > budget_s:
                raise ValueError(
                    f"precomputing {len(grid)} frames would take about "
                    f"{elapsed / (i + 1) * len(grid):.0f} s, over budget_s={budget_s:g}; "
                    "use fewer slider values or a cheaper view"
                )
        return frames

    def _static_html(self) -> str:
        payload = json.dumps(self.frames, sort_keys=True)
        uid = "nnc-explorer-" + hashlib.sha1(
            (self.title + payload).encode("utf-8")).hexdigest()[:12]
        controls = []
        key = []
        for name, values in self.sliders.items():
            j = self.initial[name]
            key.append(str(j))
            controls.append(
                f'<label class="nnc-control"><span class="nnc-name">{html.escape(name)}</span> '
                f'<input class="nnc-slider" type="range" min="0" max="{len(values) - 1}" step="1" '
                f'value="{j}" aria-label="{html.escape(name)}" '
                f"data-values='{html.escape(json.dumps([str(v) for v in values]), quote=True)}'/> "
                f'<output class="nnc-value">{html.escape(str(values[j]))}</output></label>'
            )
        title = f'<div class="nnc-title">{html.escape(self.title)}</div>' if self.title else ""
        safe_payload = payload.replace("</", "<\\/")  # keep the JSON inside its <script>
        return (
            f'<div class="nnc-explorer" id="{uid}">{title}'
            f'<div class="nnc-controls">{"".join(controls)}</div>'
            f'<div class="nnc-screen">{self.frames[",".join(key)]}</div>'
            f'<script type="application/json" class="nnc-frames">{safe_payload}</script>'
            f"<script>{_SCRIPT % {'id': uid}}</script></div>"
        )

    # ------------------------------------------------------------ live
    def widget(self):
        """The live ipywidgets rendering (built on first use)."""
        if self._widget is None:
            import ipywidgets as w

            out = w.HTML()
            controls = []
            for name, values in self.sliders.items():
                slider = w.SelectionSlider(options=[(str(v), v) for v in values],
                                           value=values[self.initial[name]], description=name,
                                           continuous_update=False)
                controls.append(slider)

            def update(_change=None):
                params = {s.description: s.value for s in controls}
                out.value = render_frame(self.view(**params))

            for s in controls:
                s.observe(update, names="value")
            names = list(self.sliders)
            out.value = self.frames[",".join(str(self.initial[n]) for n in names)]
            children = ([w.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []) + [
                w.HBox(controls), out]
            self._widget = w.VBox(children)
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {
            "text/html": self.static_html,
            "text/plain": "Explorer(" + ", ".join(
                f"{n}={v[0]!r}…{v[-1]!r} ({len(v)} values)" for n, v in self.sliders.items()) + ")",
        }
        try:
            bundle = self.widget()._repr_mimebundle_()
        except Exception:  # no ipywidgets or no frontend comm: the static view still works
            bundle = None
        if bundle:
            data["application/vnd.jupyter.widget-view+json"] = bundle[
                "application/vnd.jupyter.widget-view+json"]
        return data


def explore(view: Callable, *, title: str = "", initial: dict | None = None,
            budget_s: float = 30.0, max_frames: int = 120, max_bytes: int = 4_000_000,
            **sliders: Sequence) -> Explorer:
    """Sliders over a function's arguments, live in a kernel and on the static site.

    Parameters
    ----------
    view : callable
        ``view(**setting)`` returns a Figure, a dict, a str or a tuple of those.
    title : str
        Shown above the sliders.
    initial : dict, optional
        The starting value of each slider (default: its first value).
    budget_s : float
        Time allowed to precompute every frame for the static site; the call
        fails fast with a clear message if the grid would take longer.
    max_frames, max_bytes : int
        Bounds on the number and total size of the stored frames, so a page
        stays light.
    **sliders : list
        One keyword per slider: the values it can take, in order.

    Returns
    -------
    Explorer
    """
    if not callable(view):
        raise TypeError(f"view must be callable, got {type(view).__name__}")
    budget_s = check_positive_float("budget_s", budget_s)
    max_frames = check_int("max_frames", max_frames, minimum=1)
    max_bytes = check_int("max_bytes", max_bytes, minimum=1)
    sliders = _check_sliders(sliders)
    initial = dict(initial or {})
    unknown = set(initial) - set(sliders)
    if unknown:
        raise ValueError(f"initial names unknown sliders: {sorted(unknown)}")
    start = {}
    for name, values in sliders.items():
        if name in initial:
            if initial[name] not in values:
                raise ValueError(f"initial[{name!r}]={initial[name]!r} is not one of slider {name}'s values")
            start[name] = values.index(initial[name])
        else:
            start[name] = 0
    return Explorer(view, sliders, initial=start, budget_s=budget_s, max_frames=max_frames,
                    max_bytes=max_bytes, title=title)

