"""The theorems' bounds as functions: their algebra, their shapes, and their refusals.

That measured runs stay within them is tested in test_optim_steps.py and test_optim_methods.py.
"""
from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nncomplexity.optim import rates
from nncomplexity.optim.rates import (gd_convex_bound, gd_strongly_convex_bound, gd_strongly_convex_steps,
                                      heavy_ball_rate, nesterov_convex_bound, nesterov_strongly_convex_bound,
                                      nesterov_strongly_convex_steps, nonconvex_grad_bound)


def test_values_by_hand():
    assert gd_strongly_convex_bound(2, 4.0) == pytest.approx(0.75 ** 2)
    assert nesterov_strongly_convex_bound(3, 4.0) == pytest.approx(0.5 ** 3)
    assert gd_convex_bound(5, 2.0, 3.0) == pytest.approx(2 * 3 / 10)
    assert nesterov_convex_bound(3, 2.0, 3.0) == pytest.approx(2 * 2 * 3 / 16)
    assert nonconvex_grad_bound(4, 8.0, 1.5) == pytest.approx(2 * 8 * 1.5 / 4)
    assert heavy_ball_rate(9.0) == pytest.approx(0.5)
    assert gd_strongly_convex_steps(10.0, 1e-3) == math.ceil(10 * math.log(1e3))
    assert nesterov_strongly_convex_steps(100.0, 1e-3) == math.ceil(10 * math.log(2e3))


def test_k_may_be_an_array():
    k = np.arange(1, 6)
    for bound in (gd_strongly_convex_bound(k, 10.0), gd_convex_bound(k, 1.0, 1.0), nesterov_convex_bound(k, 1.0, 1.0),
                  nesterov_strongly_convex_bound(k, 10.0), nonconvex_grad_bound(k, 1.0, 1.0)):
        assert isinstance(bound, np.ndarray) and bound.shape == (5,) and np.all(np.diff(bound) < 0)
    assert isinstance(gd_convex_bound(3, 1.0, 1.0), float)


@given(kappa=st.floats(1.0, 1e6), eps=st.floats(1e-12, 0.999))
def test_steps_bounds_reach_eps(kappa, eps):
    """The step counts are enough for the bounds they come from, and Nesterov's is never the larger for κ ≥ 4."""
    k_gd = gd_strongly_convex_steps(kappa, eps)
    assert gd_strongly_convex_bound(k_gd, kappa) <= eps * (1 + 1e-9)
    k_nag = nesterov_strongly_convex_steps(kappa, eps)
    assert 2 * nesterov_strongly_convex_bound(k_nag, kappa) <= eps * (1 + 1e-9)
    if kappa >= 4 and eps < 0.1:
        assert k_nag <= k_gd


@given(kappa=st.floats(1.0, 1e6))
def test_no_accuracy_asked_no_steps(kappa):
    assert gd_strongly_convex_steps(kappa, 1.0) == nesterov_strongly_convex_steps(kappa, 2.5) == 0


@pytest.mark.parametrize("fn", [gd_strongly_convex_bound, nesterov_strongly_convex_bound])
def test_kappa_below_one_is_refused(fn):
    with pytest.raises(ValueError, match="kappa"):
        fn(3, 0.5)
    with pytest.raises(ValueError, match="k"):
        fn(0, 2.0)


@pytest.mark.parametrize("fn", [gd_strongly_convex_steps, nesterov_strongly_convex_steps])
def test_steps_refuse_bad_eps_and_kappa(fn):
    with pytest.raises(ValueError, match="eps"):
        fn(2.0, 0.0)
    with pytest.raises(ValueError, match="kappa"):
        fn(0.9, 0.1)


def test_every_bound_cites_the_literature_and_the_book():
    for name in rates.__all__:
        doc = inspect.getdoc(getattr(rates, name))
        assert "Book: chapter 4" in doc, name
        assert "Nesterov 2018" in doc or "Bubeck 2015" in doc, name
