"""Logistic regression, the noise scale, the critical-batch fit and Nesterov's worst function."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.optim import fista_momenta, run_method
from nncomplexity.optim.logistic import (logistic_grad, logistic_loss, logistic_minimum, logistic_per_example_grads,
                                         logistic_smoothness, minibatch_grad)
from nncomplexity.optim.noise import fit_critical_batch, simple_noise_scale
from nncomplexity.optim.worst_case import first_order_lower_bound, nesterov_worst_case


def _problem(m=40, n=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    y = np.where(X @ rng.standard_normal(n) + 0.5 * rng.standard_normal(m) > 0, 1.0, -1.0)
    return X, y


def test_loss_matches_sklearn_and_gradient_matches_differences():
    from sklearn.metrics import log_loss

    X, y = _problem()
    w = np.random.default_rng(1).standard_normal(5)
    p = 1 / (1 + np.exp(-(X @ w)))
    assert logistic_loss(w, X, y, 0.0) == pytest.approx(log_loss((y > 0).astype(int), p), rel=1e-12)
    g, h = logistic_grad(w, X, y, 0.3), 1e-6
    num = np.array([(logistic_loss(w + h * e, X, y, 0.3) - logistic_loss(w - h * e, X, y, 0.3)) / (2 * h)
                    for e in np.eye(5)])
    assert np.allclose(g, num, atol=1e-8)
    assert np.allclose(logistic_per_example_grads(w, X, y).mean(axis=0), logistic_grad(w, X, y, 0.0))


def test_no_overflow_at_large_margins():
    X, y = _problem()
    w = 1e4 * np.ones(5)
    with np.errstate(over="raise"):  # not even a warning
        assert np.isfinite(logistic_loss(w, X, y)) and np.all(np.isfinite(logistic_grad(w, X, y)))
        assert np.all(np.isfinite(logistic_per_example_grads(w, X, y)))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(1e-3, 1.0))
def test_smoothness_bounds_the_hessian(seed, lam):
    X, y = _problem(seed=seed)
    L, mu = logistic_smoothness(X, lam)
    w = np.random.default_rng(seed).standard_normal(5)
    p = 1 / (1 + np.exp(-(X @ w)))
    H = (X.T * (p * (1 - p))) @ X / len(y) + lam * np.eye(5)
    eig = np.linalg.eigvalsh(H)
    assert mu <= eig[0] + 1e-12 and eig[-1] <= L + 1e-12


def test_newton_minimum_is_stationary_and_below_gd():
    X, y = _problem()
    w, f = logistic_minimum(X, y, 0.1)
    assert np.linalg.norm(logistic_grad(w, X, y, 0.1)) < 1e-12
    L, _ = logistic_smoothness(X, 0.1)
    h = run_method("gd", lambda v: logistic_loss(v, X, y, 0.1), lambda v: logistic_grad(v, X, y, 0.1),
                   np.zeros(5), 200, lr=1 / L)
    assert np.all(h.f >= f - 1e-14) and h.f[-1] - f < 1e-10


def test_minibatch_gradient_is_unbiased_and_full_batch_exact():
    X, y = _problem()
    w = np.ones(5)
    rng = np.random.default_rng(0)
    assert np.allclose(minibatch_grad(w, X, y, 0.2, 40, rng), logistic_grad(w, X, y, 0.2))
    mean = np.mean([minibatch_grad(w, X, y, 0.2, 4, rng) for _ in range(20_000)], axis=0)
    assert np.allclose(mean, logistic_grad(w, X, y, 0.2), atol=0.01)


@pytest.mark.parametrize("bad, match", [
    (lambda X, y: (np.ones(4), X, y), "w must have one entry per column"),
    (lambda X, y: (np.ones(5), X, y[:-1]), "y must have one label per row"),
    (lambda X, y: (np.ones(5), X, (y > 0).astype(float)), "labels -1 and \\+1"),
    (lambda X, y: (np.ones(5), X.astype(int), y), "X must have a floating dtype"),
])
def test_bad_inputs_name_the_argument(bad, match):
    X, y = _problem()
    with pytest.raises((ValueError, TypeError), match=match):
        logistic_loss(*bad(X, y))


def test_noise_scale_of_known_noise():
    rng = np.random.default_rng(0)
    G, sigma = np.array([0.3, -0.4, 0.0]), 2.0  # ‖G‖² = 0.25, tr Σ = 3·4 = 12 -> B_simple = 48
    g = G + sigma * rng.standard_normal((200_000, 3))
    assert simple_noise_scale(g) == pytest.approx(48.0, rel=0.05)
    with pytest.raises(ValueError, match="per_example_grads must hold at least 2"):
        simple_noise_scale(g[:1])
    with pytest.raises(ValueError, match="indistinguishable from noise"):
        simple_noise_scale(sigma * rng.standard_normal((50, 3)) - sigma * rng.standard_normal((50, 3)).mean(0))


@settings(max_examples=20, deadline=None)
@given(st.floats(5.0, 500.0), st.floats(10.0, 1000.0), st.integers(0, 1000))
def test_critical_batch_fit_recovers_the_model(s_min, b_crit, seed):
    B = np.array([4, 8, 16, 32, 64, 128, 256, 512, 1024])
    noise = np.exp(np.random.default_rng(seed).normal(0, 0.02, (B.size, 5)))
    fit = fit_critical_batch(B, (s_min * (1 + b_crit / B))[:, None] * noise, resamples=50)
    assert fit.s_min.value == pytest.approx(s_min, rel=0.1) and fit.b_crit.value == pytest.approx(b_crit, rel=0.15)
    assert fit.b_crit.ci_low <= fit.b_crit.value <= fit.b_crit.ci_high
    assert np.allclose(fit.predict(B), fit.s_min.value * (1 + fit.b_crit.value / B))


@pytest.mark.parametrize("B, S, match", [
    ([8, 16], np.ones((2, 3)), "at least 3 distinct"),
    ([8, 16, 32], np.ones((3, 1)), "seeds >= 2"),
    ([8, 16, 32], np.array([[1, 2], [np.inf, 1], [1, 1]]), "positive and finite"),
])
def test_critical_batch_bad_inputs(B, S, match):
    with pytest.raises(ValueError, match=match):
        fit_critical_batch(B, S)


def test_worst_function_minimum_and_lower_bound():
    for k in (1, 3, 10, 40):
        w = nesterov_worst_case(2 * k + 1, L=2.0)
        assert np.allclose(w.grad(w.x_star), 0) and w.value(w.x_star) == pytest.approx(w.f_star)
        assert np.linalg.eigvalsh(w.Q)[-1] < w.L
        x0, d = np.zeros(2 * k + 1), float(w.x_star @ w.x_star)
        bound = first_order_lower_bound(k, w.L, d)
        for method, hyper in (("gd", {}), ("nesterov", {"momentum": fista_momenta(k).__getitem__}),
                              ("heavy_ball", {"momentum": 0.5})):
            h = run_method(method, w.value, w.grad, x0, k, lr=1 / w.L, **hyper)
            assert h.f[-1] - w.f_star >= bound  # no first-order method beats it
            assert np.count_nonzero(h.x) <= k  # one coordinate per step, the proof's mechanism
