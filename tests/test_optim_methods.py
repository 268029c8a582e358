"""The update rules: each against its formula, pure, and the histories that run_method records.

The convergence bounds of :mod:`nncomplexity.optim.rates` are checked here at every step of a
run, on quadratics (where f* = 0 and x* = 0 are known) and on a non-convex function.
"""
from __future__ import annotations

import numpy as np
import pytest

from nncomplexity.optim import (METHODS, eigenvalues_geometric, gd_convex_bound, gd_strongly_convex_bound,
                                heavy_ball_rate, nesterov_convex_bound, nesterov_strongly_convex_bound,
                                nonconvex_grad_bound, quadratic_grad, quadratic_value, run_method)
from nncomplexity.optim.methods import fista_momenta
from nncomplexity.optim.steps import tuned_hyperparameters


def _quadratic(lam):
    lam = np.asarray(lam, dtype=float)
    return (lambda x: quadratic_value(lam, x)), (lambda x: quadratic_grad(lam, x))


HYPER = {"gd": {"lr": 0.1}, "heavy_ball": {"lr": 0.1, "momentum": 0.5}, "nesterov": {"lr": 0.1, "momentum": 0.5},
         "sgd": {"lr": 0.1}, "adam": {"lr": 0.1}}


def test_quadratic_value_and_gradient():
    lam = np.array([1.0, 2.0, 4.0])
    x = np.array([[1.0, 1.0, 1.0], [2.0, 0.0, -1.0]])  # a batch of two points
    np.testing.assert_allclose(quadratic_value(lam, x), [3.5, 4.0])
    np.testing.assert_allclose(quadratic_grad(lam, x[1]), [2.0, 0.0, -4.0])


@pytest.mark.parametrize("method", sorted(METHODS))
def test_rules_are_pure(method):
    """A rule returns new arrays and a new state: a recorded iterate never changes afterwards."""
    f, grad = _quadratic([1.0, 3.0])
    x, state = np.array([1.0, -2.0]), {}
    for _ in range(3):
        x_before, state_before = x.copy(), dict(state)
        x_next, state_next = METHODS[method](x, state, grad, **HYPER[method])
        np.testing.assert_array_equal(x, x_before)
        assert state.keys() == state_before.keys()
        x, state = x_next, state_next


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov", "sgd"])
def test_first_step_is_a_gradient_step(method):
    """x₋₁ = x₀, so the momentum term vanishes on the first step; SGD's schedule starts at η₀."""
    _, grad = _quadratic([1.0, 3.0])
    x0 = np.array([1.0, -2.0])
    x1, _ = METHODS[method](x0, {}, grad, **HYPER[method])
    np.testing.assert_allclose(x1, x0 - 0.1 * grad(x0))


def test_momentum_rules_follow_their_recurrences():
    lam = np.array([0.5, 2.0])
    _, grad = _quadratic(lam)
    x0, a, b = np.array([1.0, 1.0]), 0.3, 0.6
    x1 = x0 - a * lam * x0
    hb2 = x1 - a * lam * x1 + b * (x1 - x0)  # gradient at x_1
    y1 = x1 + b * (x1 - x0)
    nag2 = y1 - a * lam * y1  # gradient at the look-ahead point y_1
    for method, expected in (("heavy_ball", hb2), ("nesterov", nag2)):
        x, state = x0, {}
        for _ in range(2):
            x, state = METHODS[method](x, state, grad, lr=a, momentum=b)
        np.testing.assert_allclose(x, expected, err_msg=method)


def test_adam_first_step_is_lr_times_the_sign():
    """Bias correction makes m̂ = g and v̂ = g² at k = 1, so the step is η·g/(|g| + ε)."""
    _, grad = _quadratic([1.0, 3.0])
    x1, state = METHODS["adam"](np.array([1.0, -2.0]), {}, grad, lr=0.01)
    np.testing.assert_allclose(x1, [0.99, -1.99], rtol=1e-6)
    assert state["k"] == 1


def test_run_method_records_every_iterate():
    f, grad = _quadratic([1.0, 4.0])
    x0 = np.array([1.0, 1.0])
    history = run_method("gd", f, grad, x0, 25, lr=0.25)
    assert history.steps == 25 and history.f.shape == history.grad_norm.shape == (26,)
    assert history.f[0] == 2.5 and history.grad_norm[0] == pytest.approx(np.hypot(1.0, 4.0))
    assert np.all(np.diff(history.f) <= 0), "GD with step 1/L never increases f"
    np.testing.assert_array_equal(x0, [1.0, 1.0])  # the caller's x0 is not touched
    np.testing.assert_allclose(history.x, [0.75 ** 25, 0.0])


def test_sgd_with_exact_gradients_is_gd():
    f, grad = _quadratic([0.2, 1.0, 3.0])
    gd = run_method("gd", f, grad, np.ones(3), 40, lr=0.3)
    sgd = run_method("sgd", f, grad, np.ones(3), 40, lr=0.3, schedule="constant")
    np.testing.assert_array_equal(gd.f, sgd.f)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sgd_needs_a_decaying_step_to_pass_the_noise_floor(seed):
    """Constant η stalls at f ≈ η·σ²·n/4; η_k = 1/(k + 1) averages the noise away, f ≈ σ²·n/(2k)."""
    f, grad = _quadratic(np.ones(20))
    rng = np.random.default_rng(seed)

    def noisy(x):
        return grad(x) + 0.3 * rng.standard_normal(x.shape)

    floor = run_method("sgd", f, grad, np.ones(20), 2000, stochastic_grad=noisy, lr=0.5).f[-500:].mean()
    decayed = run_method("sgd", f, grad, np.ones(20), 2000, stochastic_grad=noisy, lr=1.0,
                         schedule="inverse").f[-500:].mean()
    assert floor == pytest.approx(0.5 * 0.09 * 20 / (2 * 1.5), rel=0.3)  # η σ² n / (2 (2 − η))
    assert decayed < floor / 10


def test_adam_converges_on_an_ill_conditioned_quadratic():
    f, grad = _quadratic(eigenvalues_geometric(10, 100.0))
    assert run_method("adam", f, grad, np.ones(10), 2000, lr=0.01).f[-1] < 1e-8


@pytest.mark.parametrize("kappa", [1.0, 10.0, 1000.0])
def test_gd_and_nesterov_stay_within_their_strongly_convex_bounds(kappa):
    lam = eigenvalues_geometric(16, kappa) if kappa > 1 else np.ones(16)
    f, grad = _quadratic(lam)
    k = np.arange(1, 301)
    gd = run_method("gd", f, grad, np.ones(16), 300, **tuned_hyperparameters("gd", lam.max(), lam.min()))
    assert np.all(gd.f[1:] <= gd.f[0] * gd_strongly_convex_bound(k, kappa) * (1 + 1e-12))
    nag = run_method("nesterov", f, grad, np.ones(16), 300,
                     **tuned_hyperparameters("nesterov", lam.max(), lam.min()))
    assert np.all(nag.f[1:] <= 2 * nag.f[0] * nesterov_strongly_convex_bound(k, kappa) + 1e-300)


def test_convex_bounds_hold_when_mu_is_negligible():
    """κ = 10⁸: over 500 steps the strongly convex rates say nothing; the O(1/k) and O(1/k²) bounds hold."""
    lam = eigenvalues_geometric(30, 1e8, L=2.0)
    f, grad = _quadratic(lam)
    x0, k = np.ones(30), np.arange(1, 501)
    gd = run_method("gd", f, grad, x0, 500, lr=0.5)
    assert np.all(gd.f[1:] <= gd_convex_bound(k, 2.0, float(x0 @ x0)))
    nag = run_method("nesterov", f, grad, x0, 500, lr=0.5, momentum=fista_momenta(500).__getitem__)
    bound = nesterov_convex_bound(k, 2.0, float(x0 @ x0))
    assert np.all(nag.f[1:] <= bound)
    assert nag.f[-1] < gd.f[-1], "acceleration shows by k = 500"


def test_fista_momenta_start_at_zero_and_approach_one():
    beta = fista_momenta(1000)
    assert beta[0] == beta[1] == 0.0 and np.all(np.diff(beta[1:]) > 0) and 0.99 < beta[-1] < 1
    assert fista_momenta(0).shape == (0,)


def test_nonconvex_gradient_bound():
    """f(x) = Σ xᵢ² + 3 sin²(xᵢ): f'' = 2 + 6 cos(2x) ∈ [−4, 8], so L = 8; f* = 0 at x = 0."""
    def f(x):
        return float(np.sum(x * x + 3 * np.sin(x) ** 2))

    def grad(x):
        return 2 * x + 3 * np.sin(2 * x)

    x0 = np.random.default_rng(0).uniform(-6, 6, size=50)
    history = run_method("gd", f, grad, x0, 200, lr=1 / 8)
    best = np.minimum.accumulate(history.grad_norm[:-1] ** 2)  # min over i < k, for k = 1..200
    assert np.all(best <= nonconvex_grad_bound(np.arange(1, 201), 8.0, history.f[0]))
    assert np.all(np.diff(history.f) <= 1e-12)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_heavy_ball_contracts_at_its_rate(kappa):
    """‖x_k‖ falls like k·ρ^k (a double root at the spectrum's ends), so ‖x_K‖^(1/K) → ρ."""
    lam = eigenvalues_geometric(8, kappa)
    f, grad = _quadratic(lam)
    x, state = np.ones(8), {}
    hyper = tuned_hyperparameters("heavy_ball", lam.max(), lam.min())
    K = int(200 / -np.log(heavy_ball_rate(kappa)))  # rho^K = e^-200: small, far from underflow
    for _ in range(K):
        x, state = METHODS["heavy_ball"](x, state, grad, **hyper)
    assert np.linalg.norm(x) ** (1 / K) == pytest.approx(heavy_ball_rate(kappa), rel=0.03)  # K^(1/K) <= 1.02


def test_sparse_records_are_the_dense_records_subsampled():
    lam = np.array([1.0, 0.1])
    f, g = (lambda x: float(0.5 * lam @ x ** 2)), (lambda x: lam * x)
    dense = run_method("gd", f, g, np.ones(2), 10, lr=1.0)
    sparse = run_method("gd", f, g, np.ones(2), 10, lr=1.0, record_every=4)
    assert sparse.k.tolist() == [0, 4, 8, 10] and sparse.steps == dense.steps == 10
    assert np.array_equal(sparse.f, dense.f[[0, 4, 8, 10]]) and np.array_equal(sparse.x, dense.x)


def test_decay_sets_when_the_inverse_schedule_bites():
    from nncomplexity.optim import STEP_SCHEDULES

    assert STEP_SCHEDULES["inverse"](1.0, 9, 1.0) == pytest.approx(0.1)  # decay 1: η₀/(k + 1)
    assert STEP_SCHEDULES["inverse"](0.5, 100, 0.01) == pytest.approx(0.25)  # η₀/(1 + decay·k)
    assert STEP_SCHEDULES["inverse_sqrt"](1.0, 3, 1.0) == pytest.approx(0.5)
