"""The GEMM tiling diagram: its numbers follow the blocked kernel's schedule; bad input is refused."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Rectangle

from nncomplexity.diagrams.tiling import draw_gemm_tiling
from nncomplexity.plotting import describe_figure


def tiles(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]


@pytest.mark.parametrize("m, k, n, block", [(1024, 1280, 1024, 256), (100, 30, 70, 16), (1, 1, 1, 1)])
def test_one_unit_square_per_tile(m, k, n, block):
    fig = draw_gemm_tiling(m, k, n, block=block)
    ceil = lambda x: -(-x // block)  # noqa: E731
    assert len(tiles(fig)) == ceil(m) * ceil(k) + ceil(k) * ceil(n) + ceil(m) * ceil(n)
    plt.close(fig)


def test_alt_text_states_the_step_numbers():
    fig = draw_gemm_tiling(1024, 1280, 1024, block=256, dtype_bytes=4)
    alt = describe_figure(fig)
    # 2·256³ FLOPs on two 256×256 float32 tiles (512 KiB): 256/4 = 64 FLOP per byte; 3 tiles 768 KiB.
    assert "33,554,432 FLOPs" in alt and "512 KiB" in alt and "64 FLOP per byte" in alt
    assert "768 KiB" in alt and "Diagram of a blocked product" in alt
    assert describe_figure(fig, stable=True) == "plot 'Blocked GEMM: one tile step'"
    plt.close(fig)


@pytest.mark.parametrize("kwargs, error", [({"m": 0}, ValueError), ({"k": 2.0}, TypeError),
                                           ({"block": 0}, ValueError), ({"dtype_bytes": "4"}, TypeError),
                                           ({"block": 8}, ValueError)])  # 128 tiles a side: too many
def test_bad_input(kwargs, error):
    with pytest.raises(error, match="m|k|block|dtype_bytes"):
        draw_gemm_tiling(**kwargs)
