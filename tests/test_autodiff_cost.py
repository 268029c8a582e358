"""Forward vs reverse mode: the chain counts against PyTorch's counter on real products."""
from __future__ import annotations

import numpy as np
import pytest

from nncomplexity.cost.autodiff import jacobian_chain_flops, vector_chain_flops

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402


def _chain(widths, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(widths[k], widths[k - 1], generator=g, dtype=torch.float64)
            for k in range(1, len(widths))]


def _counted(fn):
    with FlopCounterMode(display=False) as counter:
        out = fn()
    return counter.get_total_flops(), out


def forward_mode(Js, n0):
    V = torch.eye(n0, dtype=torch.float64)  # the n0 input directions, as columns
    for J in Js:
        V = J @ V  # (n[k], n[k-1]) @ (n[k-1], n0) -> (n[k], n0): n0 JVPs at once
    return V


def reverse_mode(Js, nL):
    U = torch.eye(nL, dtype=torch.float64)  # the nL output seeds, as rows
    for J in reversed(Js):
        U = U @ J  # (nL, n[k]) @ (n[k], n[k-1]) -> (nL, n[k-1]): nL VJPs at once
    return U


@pytest.mark.parametrize("widths", [[7, 5, 4, 1], [3, 9, 2], [1, 6, 6, 6, 1], [12, 1], [5, 8, 8, 3]])
def test_both_orders_match_the_counter_and_each_other(widths):
    Js = _chain(widths)
    f_flops, Jf = _counted(lambda: forward_mode(Js, widths[0]))
    r_flops, Jr = _counted(lambda: reverse_mode(Js, widths[-1]))
    assert f_flops == jacobian_chain_flops(widths, "forward")
    assert r_flops == jacobian_chain_flops(widths, "reverse")
    torch.testing.assert_close(Jf, Jr)  # same Jacobian, different association


@pytest.mark.parametrize("widths", [[7, 5, 4, 1], [6, 3, 2]])
def test_reverse_mode_matches_torch_func_jacrev(widths):
    # jacrev runs the function once (the primal) and then n[L] VJPs; column input keeps every product an mm.
    Js = _chain(widths, seed=2)

    def f(x):
        for J in Js:
            x = J @ x
        return x

    x = torch.randn(widths[0], 1, dtype=torch.float64)
    primal, _ = _counted(lambda: f(x))
    total, jac = _counted(lambda: torch.func.jacrev(f)(x))
    assert primal == vector_chain_flops(widths)
    assert total - primal == jacobian_chain_flops(widths, "reverse")
    torch.testing.assert_close(jac.reshape(widths[-1], widths[0]), reverse_mode(Js, widths[-1]))


def test_scalar_output_reverse_wins_by_n0():
    for n0 in (1, 10, 1000):
        w = [n0, 64, 64, 1]
        assert jacobian_chain_flops(w, "forward") == n0 * jacobian_chain_flops(w, "reverse")
    # hand count: [4, 3, 1]: one vector pass costs 2·4·3 + 2·3·1 = 30
    assert vector_chain_flops([4, 3, 1]) == 30
    assert jacobian_chain_flops([4, 3, 1], "forward") == 120
    assert jacobian_chain_flops([4, 3, 1], "reverse") == 30


def test_symmetry_under_reversal():
    rng = np.random.default_rng(0)
    for _ in range(20):
        w = [int(v) for v in rng.integers(1, 50, size=int(rng.integers(2, 7)))]
        assert jacobian_chain_flops(w, "forward") == jacobian_chain_flops(w[::-1], "reverse")


@pytest.mark.parametrize("args,error,name", [
    (([3, 4], "sideways"), ValueError, "mode"),
    (([3], "forward"), ValueError, "widths"),
    (([3, 0], "reverse"), ValueError, "widths"),
])
def test_bad_input(args, error, name):
    with pytest.raises(error, match=name):
        jacobian_chain_flops(*args)
