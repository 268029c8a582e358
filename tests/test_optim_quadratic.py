"""The quadratics with a controlled spectrum: L, μ and κ are exactly as asked."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nncomplexity.optim import eigenvalues_geometric, eigenvalues_random, spectrum


@given(n=st.integers(2, 50), kappa=st.floats(1.0, 1e8), L=st.floats(1e-3, 1e3))
def test_geometric_spectrum_has_the_asked_constants(n, kappa, L):
    lam = eigenvalues_geometric(n, kappa, L=L)
    got_L, mu, got_kappa = spectrum(lam)
    assert lam.shape == (n,) and np.all(np.diff(lam) >= 0)
    assert got_L == pytest.approx(L) and mu == pytest.approx(L / kappa) and got_kappa == pytest.approx(kappa)
    np.testing.assert_allclose(lam[1:] / lam[:-1], kappa ** (1 / (n - 1)), rtol=1e-9)  # equal ratios


@given(n=st.integers(2, 50), kappa=st.floats(1.0, 1e8), seed=st.integers(0, 2**32 - 1))
def test_random_spectrum_keeps_its_ends_whatever_the_seed(n, kappa, seed):
    lam = eigenvalues_random(n, kappa, np.random.default_rng(seed))
    assert lam.shape == (n,) and np.all(np.diff(lam) >= 0)
    assert lam[-1] == 1.0 and lam[0] == pytest.approx(1 / kappa) and spectrum(lam)[2] == pytest.approx(kappa)


def test_random_spectrum_is_reproducible():
    a = eigenvalues_random(9, 100.0, np.random.default_rng(7))
    np.testing.assert_array_equal(a, eigenvalues_random(9, 100.0, np.random.default_rng(7)))


@pytest.mark.parametrize("call, error, name", [
    (lambda: eigenvalues_geometric(4, 0.5), ValueError, "kappa"),
    (lambda: eigenvalues_geometric(1, 10.0), ValueError, "n"),
    (lambda: eigenvalues_geometric(0, 1.0), ValueError, "n"),
    (lambda: eigenvalues_random(4, 10.0, 42), TypeError, "rng"),
    (lambda: eigenvalues_random(4, 0.1, np.random.default_rng(0)), ValueError, "kappa"),
    (lambda: spectrum([1.0, 0.0]), ValueError, "eigenvalues"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_one_eigenvalue_is_kappa_one():
    assert eigenvalues_geometric(1, 1.0, L=3.0).tolist() == [3.0]
