"""strassen_plan replays matmul_strassen exactly: checked against the kernel's own calls."""
from __future__ import annotations

import numpy as np
import pytest

from nncomplexity.cost.flops import matmul_flops
from nncomplexity.cost.strassen import strassen_plan
from nncomplexity.kernels import matmul as mm


def spy_leaves(n, cutoff, monkeypatch):
    """Run the kernel on n×n operands and record the shapes of the products it hands to BLAS."""
    original, leaves = mm._strassen, []

    def spy(A, B, c):
        if min(A.shape[0], A.shape[1], B.shape[1]) <= c:
            leaves.append((A.shape[0], A.shape[1], B.shape[1]))
        return original(A, B, c)

    monkeypatch.setattr(mm, "_strassen", spy)  # the recursion calls the module's name
    rng = np.random.default_rng(n)
    A = rng.integers(-3, 4, size=(n, n)).astype(np.float64)  # (n, n)
    B = rng.integers(-3, 4, size=(n, n)).astype(np.float64)  # (n, n)
    C = mm.matmul_strassen(A, B, cutoff=cutoff)  # (n, n)
    assert np.array_equal(C, A @ B)  # small integers: exact in float64
    return leaves


@pytest.mark.parametrize("n, cutoff", [(1, 1), (2, 1), (7, 1), (16, 2), (45, 8), (91, 16),
                                       (100, 8), (181, 128), (181, 16), (256, 128)])
def test_plan_matches_the_kernels_leaf_products(n, cutoff, monkeypatch):
    leaves = spy_leaves(n, cutoff, monkeypatch)
    plan = strassen_plan(n, cutoff)
    assert len(leaves) == plan.leaves
    assert set(leaves) == {(plan.leaf, plan.leaf, plan.leaf)}
    assert sum(matmul_flops(*s) for s in leaves) == plan.leaf_flops


def test_reference_values():
    # By hand: 181 is odd, padded to 182, halves of 91 <= 128: one level, 7 leaves.
    p = strassen_plan(181)
    assert (p.sizes, p.padded, p.leaf, p.leaves) == ((181, 91), (True, False), 91, 7)
    assert p.leaf_flops == 7 * 2 * 91**3 and p.addition_flops == 18 * 91**2
    assert p.array_ops == 20 and p.path == "181 (+1) → 91"
    q = strassen_plan(1448)
    assert q.sizes == (1448, 724, 362, 181, 91) and q.leaves == 7**4
    assert q.padded == (False, False, False, True, False)
    # Powers of two times the cutoff: the theorem's recurrence T(n) = 7 T(n/2) + 18 (n/2)^2.
    for n in (256, 512, 1024, 2048):
        expect = 7 * strassen_plan(n // 2).flops + 18 * (n // 2) ** 2
        assert strassen_plan(n).flops == expect
    # No recursion at or below the cutoff: the classical count.
    assert strassen_plan(128).flops == matmul_flops(128, 128, 128) and strassen_plan(128).levels == 0
    # Down to 1x1 on a power of two: the theorem's n^log2(7) products and 6(n^log2 7 - n^2) additions.
    r = strassen_plan(16, cutoff=1)
    assert r.leaves == 7**4 and r.leaf_flops == 2 * 7**4
    assert r.addition_flops == 6 * (7**4 - 16**2)
    assert 0.5 < strassen_plan(2048).ratio < 0.7


@pytest.mark.parametrize("kwargs, error", [({"n": 0}, ValueError), ({"n": 2.0}, TypeError),
                                           ({"n": 8, "cutoff": 0}, ValueError),
                                           ({"n": 8, "cutoff": "1"}, TypeError)])
def test_bad_input(kwargs, error):
    with pytest.raises(error, match="n|cutoff"):
        strassen_plan(**kwargs)
