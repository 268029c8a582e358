"""The network diagram: every shape of the forward pass is labelled, alt text lists them, bad input is refused."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from nncomplexity.cost.flops import forward_flops  # noqa: E402
from nncomplexity.diagrams.network import draw_network  # noqa: E402
from nncomplexity.plotting import describe_figure, figure_png  # noqa: E402


@pytest.mark.parametrize("widths,batch", [([4, 5, 3, 2], 6), ([784, 256, 128, 10], 32), ([1, 1], 1), ([7, 13], 3)])
def test_labels_every_shape_and_count(widths, batch):
    fig = draw_network(widths, batch)
    texts = [t.get_text() for t in fig.axes[0].texts]
    L = len(widths) - 1
    for k in range(L + 1):
        assert f"A({k}): ({batch}, {widths[k]})" in texts  # activations (t, n[k])
        assert any(t.startswith(f"n[{k}] = {widths[k]}") for t in texts)
    for k in range(1, L + 1):
        assert f"W({k})\n({widths[k]}, {widths[k - 1]})" in texts  # weights (n[k], n[k-1])
    drawn_flops = sum(int(t.split()[0].replace(",", "")) for t in texts if t.endswith(" FLOPs"))
    assert drawn_flops == forward_flops(widths, batch)  # the per-layer labels add up to the theorem's count
    alt = describe_figure(fig)
    assert f"widths {list(widths)}" in alt and f"W({L}) ({widths[L]}, {widths[L - 1]})" in alt
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)  # opaque white: readable in dark mode
    assert figure_png(fig)[:4] == b"\x89PNG"


def test_wide_layers_are_drawn_with_a_gap():
    fig = draw_network([100, 3], 1)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("⋮") == 1  # only the wide layer is elided
    neurons = [ln for ln in fig.axes[0].lines if ln.get_marker() == "o"]
    assert len(neurons) == 6 + 3


@pytest.mark.parametrize("kwargs,error,name", [
    (dict(widths=[3], batch=1), ValueError, "widths"),
    (dict(widths=[3, 0], batch=1), ValueError, "widths"),
    (dict(widths=[3, 2], batch=0), ValueError, "batch"),
    (dict(widths=[3, 2], batch=1.5), TypeError, "batch"),
    (dict(widths="32", batch=1), TypeError, "widths"),
])
def test_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        draw_network(**kwargs)
