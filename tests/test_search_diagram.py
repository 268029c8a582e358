"""The weight-sharing diagram: one panel per matrix, nested blocks per width, alt text, bad input named."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402

from nncomplexity.diagrams.weight_sharing import draw_weight_sharing  # noqa: E402
from nncomplexity.plotting import describe_figure  # noqa: E402


def test_panels_and_blocks():
    fig = draw_weight_sharing((8, 16, 32), depth=3)
    assert len(fig.axes) == 4  # three hidden matrices and the output layer
    # each panel: the frame plus one block per width
    assert all(len(ax.patches) == 1 + 3 for ax in fig.axes)
    assert "nested top-left blocks" in describe_figure(fig)


def test_bad_input_named():
    with pytest.raises(ValueError, match="widths"):
        draw_weight_sharing((0, 8))
    with pytest.raises(ValueError, match="depth"):
        draw_weight_sharing((8,), depth=0)
