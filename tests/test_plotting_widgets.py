"""Figure style and alt text, the explorer's two renderings, the glue shim, argument checks."""
from __future__ import annotations

import json
import re

import matplotlib as mpl
import numpy as np
import pytest

from nncomplexity._validate import check_choice, check_int, check_positive_float, check_widths
from nncomplexity.measure.fit import fit_power_law
from nncomplexity.plotting import (PALETTE, STYLE, describe_figure, figure_html, new_figure,
                                   plot_power_law, show_figure, table_html)
from nncomplexity.widgets import HTML, explore, render_frame


def _loglog_figure():
    x = np.array([32, 64, 128, 256])
    fig, ax = new_figure()
    plot_power_law(ax, x, 1e-9 * x**2.98, fit_power_law(x, 1e-9 * x**2.98), label="naive")
    ax.set(xlabel="n", ylabel="time (s)", title="Naive product")
    return fig


def test_alt_text_is_derived_from_the_data():
    alt = describe_figure(_loglog_figure())
    assert alt.startswith("log-log plot 'Naive product' of time (s) against n")
    assert "fitted slope 2.98" in alt and "95% CI" in alt


def test_figure_html_has_alt_and_an_opaque_png():
    html = figure_html(_loglog_figure())
    assert re.search(r'alt="log-log plot[^"]+"', html)
    assert 'src="data:image/png;base64,' in html


def test_show_figure_gives_html_png_and_a_stable_summary():
    fig = _loglog_figure()
    bundle = show_figure(fig)._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    # the plain text (compared by nbval) leaves out measured notes such as fitted slopes
    assert "2.98" not in bundle["text/plain"] and "log-log plot" in bundle["text/plain"]
    assert not mpl.pyplot.fignum_exists(fig.number), "show_figure must close the figure"


def test_empty_alt_is_refused():
    with pytest.raises(ValueError, match="alt"):
        figure_html(_loglog_figure(), alt="  ")


def test_style_is_opaque_and_colour_blind_safe():
    assert STYLE["figure.facecolor"] == "white" and STYLE["savefig.transparent"] is False
    assert PALETTE[0] == "#0072B2"  # Okabe-Ito blue
    assert len(set(PALETTE)) == len(PALETTE)


def test_table_html_escapes():
    assert "&lt;b&gt;" in table_html([("<b>", 1)], header=("a", "b"))


# ------------------------------------------------------------------ explorer
def _view(n, L):
    return {"n": n, "L": L, "count": n * n * L}


def test_explorer_precomputes_every_frame_and_embeds_them():
    e = explore(_view, n=[1, 2, 3], L=[1, 5], title="T")
    assert len(e.frames) == 6
    bundle = e._repr_mimebundle_()
    html = bundle["text/html"]
    assert html.count('type="range"') == 2
    payload = json.loads(re.search(r'class="nnc-frames">(.*?)</script>', html, re.S).group(1))
    assert set(payload) == {f"{i},{j}" for i in range(3) for j in range(2)}
    assert "<td>count</td><td>45</td>" in payload["2,1"]  # n=3, L=5
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live rendering too


def test_explorer_live_widget_recomputes_on_change():
    e = explore(_view, n=[1, 2, 3], L=[1, 5])
    w = e.widget()
    sliders, out = w.children[0].children, w.children[1]
    assert "<td>count</td><td>1</td>" in out.value
    sliders[0].value = 3
    sliders[1].value = 5
    assert "<td>count</td><td>45</td>" in out.value


def test_explorer_initial_and_deterministic_html():
    a = explore(_view, n=[1, 2, 3], L=[1], initial={"n": 2})
    b = explore(_view, n=[1, 2, 3], L=[1], initial={"n": 2})
    assert a.static_html == b.static_html, "the static rendering must be deterministic for nbval"
    assert 'value="1"' in a.static_html


def test_explorer_refuses_grids_over_its_bounds():
    with pytest.raises(ValueError, match="max_frames=4"):
        explore(_view, n=[1, 2, 3], L=[1, 2], max_frames=4)
    with pytest.raises(ValueError, match="max_bytes"):
        explore(_view, n=list(range(10)), L=[1], max_bytes=100)


def test_explorer_refuses_a_grid_over_its_time_budget():
    import time

    def slow(n):
        time.sleep(0.05)
        return str(n)

    start = time.perf_counter()
    with pytest.raises(ValueError, match="over budget_s"):
        explore(slow, n=list(range(100)), budget_s=0.5)
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("kwargs, exc, match", [
    ({}, ValueError, "at least one slider"),
    ({"n": []}, ValueError, "slider n must have at least one value"),
    ({"n": "abc"}, TypeError, "slider n must be a list"),
    ({"n": [1, 1]}, ValueError, "repeated values"),
    ({"n": [1], "initial": {"m": 1}}, ValueError, "unknown sliders"),
    ({"n": [1], "initial": {"n": 7}}, ValueError, "is not one of"),
    ({"n": [1], "budget_s": 0}, ValueError, "budget_s"),
])
def test_explorer_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        explore(lambda **kw: "x", **kwargs)


def test_render_frame_kinds():
    assert render_frame("a<b") == '<p class="nnc-text">a&lt;b</p>'
    assert render_frame(HTML("<i>x</i>")) == "<i>x</i>"
    assert render_frame(("a", HTML("<i>x</i>"))).count("nnc-part") == 2
    with pytest.raises(TypeError, match="view must return"):
        render_frame(3.0)


def test_glue_shim_without_myst_nb(monkeypatch):
    from nncomplexity import glue as glue_module

    monkeypatch.setattr(glue_module, "_myst_glue", None)
    assert glue_module.glue("answer", 42) is None
    with pytest.raises(ValueError, match="name"):
        glue_module.glue("not a name", 1)


def test_glue_uses_myst_nb_when_present(monkeypatch):
    from nncomplexity import glue as glue_module

    seen = []
    monkeypatch.setattr(glue_module, "_myst_glue", lambda n, v, display: seen.append((n, v, display)))
    glue_module.glue("x", 1.5)
    assert seen == [("x", 1.5, False)]


def test_validators_name_the_argument():
    assert check_int("batch", 3, minimum=1) == 3
    with pytest.raises(TypeError, match="batch must be an integer"):
        check_int("batch", True)
    with pytest.raises(ValueError, match="batch must be >= 1"):
        check_int("batch", 0, minimum=1)
    assert check_widths("widths", np.array([3, 4])) == [3, 4]
    with pytest.raises(ValueError, match=r"widths must hold at least 2"):
        check_widths("widths", [3])
    with pytest.raises(ValueError, match=r"widths\[1\] must be >= 1"):
        check_widths("widths", [3, 0])
    with pytest.raises(TypeError, match="widths must be a sequence"):
        check_widths("widths", "34")
    with pytest.raises(ValueError, match="eps must be finite"):
        check_positive_float("eps", float("inf"))
    with pytest.raises(ValueError, match="kind must be one of"):
        check_choice("kind", "x", {"a", "b"})


def test_palette_png_is_smaller_and_keeps_the_plot():
    import io

    from PIL import Image

    from nncomplexity.plotting import figure_png

    fig, ax = new_figure()
    for k in range(4):
        ax.plot(np.arange(50), np.sin(np.arange(50) / (k + 2)), label=f"series {k}")
    ax.legend()
    full, small = figure_png(fig, dpi=72), figure_png(fig, dpi=72, colors=64)
    assert len(small) < len(full)
    a, b = Image.open(io.BytesIO(full)), Image.open(io.BytesIO(small))
    assert a.size == b.size and b.mode == "P"
    diff = np.abs(np.asarray(a.convert("RGB"), dtype=int) - np.asarray(b.convert("RGB"), dtype=int))
    assert diff.mean() < 3  # the same picture, to the eye
    with pytest.raises(ValueError, match="colors"):
        figure_png(fig, colors=1)
