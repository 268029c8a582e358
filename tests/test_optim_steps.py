"""Steps to accuracy on exact quadratics: within the theorems' bounds, exact where a closed form exists.

On f(x) = ½ Σ λᵢ xᵢ² every count is deterministic, so the bounds and the fitted
exponents are checked without tolerance for noise (the exponent bounds are generous
only because a power law is the leading term, not the whole count).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.measure.fit import fit_power_law
from nncomplexity.optim import (eigenvalues_geometric, eigenvalues_random, gd_strongly_convex_steps,
                                nesterov_strongly_convex_steps, steps_to_accuracy)
from nncomplexity.optim.steps import tuned_hyperparameters

KAPPAS = [1.0, 2.0, 10.0, 37.0, 100.0, 1000.0]
EPSILONS = [0.5, 1e-2, 1e-6, 1e-10]
EXPONENT_KAPPAS = np.geomspace(10, 1e4, 7)


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize("eps", EPSILONS)
def test_gd_within_its_bound(kappa, eps):
    lam = eigenvalues_geometric(8, kappa) if kappa > 1 else np.ones(8)
    steps = steps_to_accuracy(lam, eps, "gd")
    assert 1 <= steps <= gd_strongly_convex_steps(kappa, eps)
    # (1 - 1/kappa)^k is the tighter form of the same theorem
    assert kappa == 1 or steps <= math.ceil(math.log(eps) / math.log(1 - 1 / kappa))


@pytest.mark.parametrize("kappa", KAPPAS)
@pytest.mark.parametrize("eps", EPSILONS)
def test_nesterov_within_its_bound(kappa, eps):
    lam = eigenvalues_geometric(8, kappa) if kappa > 1 else np.ones(8)
    assert 1 <= steps_to_accuracy(lam, eps, "nesterov") <= nesterov_strongly_convex_steps(kappa, eps)


@pytest.mark.parametrize("eps", [0.9, 0.3, 1e-3, 1e-7, 1e-12])
@pytest.mark.parametrize("kappa", [1.5, 10.0, 123.0, 1e4])
def test_gd_on_two_eigenvalues_matches_the_closed_form(kappa, eps):
    """λ = (μ, L): step 1/L zeroes the L coordinate, the μ one shrinks by (1 − 1/κ) per step.

    f(x_k)/f(x₀) = (1 − 1/κ)^{2k}/(1 + κ) for k ≥ 1, so k = max(1, ⌈ln(ε(1 + κ))/(2 ln(1 − 1/κ))⌉).
    """
    exact = math.log(eps * (1 + kappa)) / (2 * math.log(1 - 1 / kappa))
    assert abs(exact - round(exact)) > 1e-6, "the grid avoids ties"
    assert steps_to_accuracy([1 / kappa, 1.0], eps, "gd") == max(1, math.ceil(exact))


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov"])
@pytest.mark.parametrize("lam", [0.01, 1.0, 250.0])
def test_one_dimension_takes_one_step(method, lam):
    """κ = 1: every method's first step is x₀ − ∇f(x₀)/L = x*."""
    assert steps_to_accuracy([lam], 1e-12, method) == 1


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov"])
def test_eps_at_least_one_needs_no_step(method):
    assert steps_to_accuracy([0.1, 1.0], 1.0, method) == 0
    assert steps_to_accuracy([0.1, 1.0], 3.0, method) == 0


@pytest.mark.parametrize("method, low, high", [("gd", 0.85, 1.1), ("heavy_ball", 0.4, 0.65),
                                               ("nesterov", 0.4, 0.65)])
def test_exponent_of_steps_against_kappa(method, low, high):
    """GD needs O(κ log 1/ε) steps, the momentum methods O(√κ log 1/ε)."""
    steps = [steps_to_accuracy(eigenvalues_geometric(10, k), 1e-9, method) for k in EXPONENT_KAPPAS]
    fit = fit_power_law(EXPONENT_KAPPAS, steps)
    assert low <= fit.exponent <= high, f"{method}: exponent {fit}"
    assert fit.r_squared > 0.99, f"{method}: {fit}"


@pytest.mark.parametrize("kappa", [10.0, 50.0, 300.0, 3000.0])
@pytest.mark.parametrize("eps", [0.5, 1e-2, 1e-6, 1e-9])
def test_nesterov_never_slower_than_gd(kappa, eps):
    lam = eigenvalues_geometric(12, kappa)
    assert steps_to_accuracy(lam, eps, "nesterov") <= steps_to_accuracy(lam, eps, "gd")


@pytest.mark.parametrize("kappa", [10.0, 50.0, 300.0, 3000.0])
@pytest.mark.parametrize("eps", [1e-6, 1e-9])
def test_heavy_ball_never_slower_than_gd_at_fine_accuracy(kappa, eps):
    lam = eigenvalues_geometric(12, kappa)
    assert steps_to_accuracy(lam, eps, "heavy_ball") <= steps_to_accuracy(lam, eps, "gd")


@pytest.mark.parametrize("kappa", [100.0, 1000.0])
def test_heavy_ball_is_slower_than_gd_at_coarse_accuracy(kappa):
    """Its step α ≈ 4/L overshoots the stiff coordinates: a transient that GD (step 1/L) does not have.

    The rate is an asymptotic statement; at ε = 0.1 the heavy ball loses (a fact the chapter shows).
    """
    lam = eigenvalues_geometric(12, kappa)
    assert steps_to_accuracy(lam, 0.1, "heavy_ball") > 2 * steps_to_accuracy(lam, 0.1, "gd")


def test_steps_grow_as_eps_shrinks():
    lam = eigenvalues_geometric(6, 50.0)
    for method in ("gd", "heavy_ball", "nesterov"):
        steps = [steps_to_accuracy(lam, eps, method) for eps in (1e-1, 1e-3, 1e-6, 1e-9)]
        assert steps == sorted(steps), (method, steps)


spectra = st.lists(st.floats(1e-2, 1e2), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(lam=spectra, scale=st.floats(1e-3, 1e3), eps=st.floats(1e-8, 0.9))
def test_scaling_the_spectrum_changes_nothing(lam, scale, eps):
    """With the steps set from L and μ, c·f is the same problem: the iterates do not change."""
    lam = np.array(lam)
    for method in ("gd", "heavy_ball", "nesterov"):
        assert steps_to_accuracy(lam, eps, method) == steps_to_accuracy(scale * lam, eps, method) or \
            _near_tie(lam, eps, method)


@settings(max_examples=40, deadline=None)
@given(lam=spectra, eps=st.floats(1e-8, 0.9), seed=st.integers(0, 2**32 - 1))
def test_permuting_the_eigenvalues_changes_nothing(lam, eps, seed):
    lam = np.array(lam)
    shuffled = np.random.default_rng(seed).permutation(lam)
    for method in ("gd", "heavy_ball", "nesterov"):
        assert steps_to_accuracy(lam, eps, method) == steps_to_accuracy(shuffled, eps, method) or \
            _near_tie(lam, eps, method)


def _near_tie(lam, eps, method):
    """Rounding may move a count by one only when f(x_k) sits within 1e-9 of ε·f(x₀)."""
    return any(steps_to_accuracy(lam, e, method) != steps_to_accuracy(lam, eps, method)
               for e in (eps * (1 - 1e-9), eps * (1 + 1e-9)))


@settings(max_examples=30, deadline=None)
@given(kappa=st.floats(1.0, 500.0), eps=st.floats(1e-9, 0.99), seed=st.integers(0, 2**32 - 1))
def test_random_spectra_stay_within_the_bounds(kappa, eps, seed):
    lam = eigenvalues_random(5, kappa, np.random.default_rng(seed))
    assert steps_to_accuracy(lam, eps, "gd") <= gd_strongly_convex_steps(kappa, eps)
    assert steps_to_accuracy(lam, eps, "nesterov") <= nesterov_strongly_convex_steps(kappa, eps)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"eigenvalues": [1.0, 0.0]}, ValueError, "eigenvalues"),
    ({"eigenvalues": [1.0, -2.0]}, ValueError, "eigenvalues"),
    ({"eigenvalues": []}, ValueError, "eigenvalues"),
    ({"eigenvalues": [[1.0, 2.0]]}, ValueError, "eigenvalues"),
    ({"eigenvalues": [1.0, float("nan")]}, ValueError, "eigenvalues"),
    ({"eps": 0.0}, ValueError, "eps"),
    ({"eps": -1e-3}, ValueError, "eps"),
    ({"eps": "0.1"}, TypeError, "eps"),
    ({"method": "adam"}, ValueError, "method"),
    ({"method": "GD"}, ValueError, "method"),
    ({"max_steps": 0}, ValueError, "max_steps"),
    ({"max_steps": 10.0}, TypeError, "max_steps"),
])
def test_bad_input_names_the_argument(kwargs, error, name):
    args = {"eigenvalues": [0.1, 1.0], "eps": 1e-3, "method": "gd", **kwargs}
    with pytest.raises(error, match=name):
        steps_to_accuracy(**args)


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov"])
def test_max_steps_exceeded_raises_rather_than_runs_on(method):
    lam = [1e-6, 1.0]  # kappa = 1e6: GD would need about 7 million steps
    with pytest.raises(ValueError, match="max_steps = 50"):
        steps_to_accuracy(lam, 1e-12, method, max_steps=50)


def test_tuned_hyperparameters_follow_the_theorems():
    L, mu = 4.0, 0.01  # kappa = 400, sqrt = 20
    assert tuned_hyperparameters("gd", L, mu) == {"lr": 0.25}
    hb = tuned_hyperparameters("heavy_ball", L, mu)
    assert hb["lr"] == pytest.approx(4 / (2 + 0.1) ** 2) and hb["momentum"] == pytest.approx((19 / 21) ** 2)
    nag = tuned_hyperparameters("nesterov", L, mu)
    assert nag == pytest.approx({"lr": 0.25, "momentum": 19 / 21})
    with pytest.raises(ValueError, match="mu"):
        tuned_hyperparameters("gd", 1.0, 2.0)
