"""Low rank: Eckart–Young checked, the factored layer's count checked against PyTorch's counter."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.compress import lowrank, lowrank_error
from nncomplexity.cost.flops import lowrank_break_even_rank, lowrank_flops, matmul_flops


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 12), n=st.integers(1, 12), seed=st.integers(0, 2**31 - 1), data=st.data())
def test_eckart_young_error_is_the_discarded_energy(m, n, seed, data):
    W = np.random.default_rng(seed).standard_normal((m, n))
    r = data.draw(st.integers(1, min(m, n)))
    U, V = lowrank(W, r)
    assert U.shape == (m, r) and V.shape == (r, n)
    assert np.linalg.matrix_rank(U @ V) <= r
    s = np.linalg.svd(W, compute_uv=False)
    err = np.sum((W - U @ V) ** 2)
    assert err == pytest.approx(np.sum(s[r:] ** 2), rel=1e-9, abs=1e-9)
    assert lowrank_error(W, r) == pytest.approx(err, rel=1e-9, abs=1e-9)


def test_full_rank_is_exact_and_beats_random_projections():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((9, 6))
    U, V = lowrank(W, 6)
    np.testing.assert_allclose(U @ V, W, atol=1e-12)
    U2, V2 = lowrank(W, 2)
    best = np.sum((W - U2 @ V2) ** 2)
    for _ in range(20):  # no other rank-2 matrix of this kind does better
        Q, _ = np.linalg.qr(rng.standard_normal((6, 2)))
        assert np.sum((W - W @ Q @ Q.T) ** 2) >= best - 1e-12


def test_lowrank_accepts_a_torch_tensor():
    torch = pytest.importorskip("torch")
    W = torch.randn(5, 4, generator=torch.Generator().manual_seed(0))
    U, V = lowrank(W, 2)
    assert U.shape == (5, 2)


@pytest.mark.parametrize("bad, error", [(np.ones((3, 4)), None), (np.ones(4), ValueError),
                                        (np.array([[1.0, np.nan]]), ValueError),
                                        ([[1.0, 2.0]], TypeError)])
def test_bad_matrices(bad, error):
    if error is None:
        with pytest.raises(ValueError, match="rank"):
            lowrank(bad, 4)
    else:
        with pytest.raises(error, match="W"):
            lowrank(bad, 1)


@pytest.mark.parametrize("n_in, n_out, r, t", [(64, 32, 8, 5), (7, 13, 3, 1), (1, 1, 1, 2), (100, 10, 9, 3)])
def test_lowrank_flops_match_flop_counter(n_in, n_out, r, t):
    torch = pytest.importorskip("torch")
    from torch.utils.flop_counter import FlopCounterMode

    layer = torch.nn.Sequential(torch.nn.Linear(n_in, r, bias=False), torch.nn.Linear(r, n_out))
    with FlopCounterMode(display=False) as counter:
        layer(torch.randn(t, n_in))
    assert counter.get_total_flops() == lowrank_flops(n_in, n_out, r, t)


@pytest.mark.parametrize("m, n", [(1, 1), (2, 2), (3, 3), (64, 32), (128, 128), (10, 1000), (7, 13)])
def test_break_even_rank_is_the_last_saving_rank(m, n):
    r = lowrank_break_even_rank(n, m)
    dense = matmul_flops(1, n, m)
    assert r == 0 or lowrank_flops(n, m, r, 1) < dense
    assert lowrank_flops(n, m, r + 1, 1) >= dense
