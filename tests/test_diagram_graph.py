"""The computational-graph diagram: draws for each depth, carries alt text, refuses bad depths."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from nncomplexity.diagrams.graph import computational_graph  # noqa: E402
from nncomplexity.plotting import describe_figure, figure_png  # noqa: E402


@pytest.mark.parametrize("layers", [1, 2, 4])
def test_draws_with_alt_text_and_white_background(layers):
    fig = computational_graph(layers)
    alt = describe_figure(fig)
    assert f"{layers}-layer network" in alt and "Backward" in alt
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)  # opaque white: readable in dark mode
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum("delta" in t for t in texts) >= layers  # one δ node per layer
    assert figure_png(fig)[:4] == b"\x89PNG"


@pytest.mark.parametrize("layers,error", [(0, ValueError), (5, ValueError), (2.0, TypeError)])
def test_bad_layers(layers, error):
    with pytest.raises(error, match="layers"):
        computational_graph(layers)
