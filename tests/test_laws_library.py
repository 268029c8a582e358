"""Learning laws: the generators' truth, the symbolic checks, the four families and the harness."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
pytest.importorskip("gplearn")

from nncomplexity.cost.flops import elementwise_flops, forward_flops, training_step_flops  # noqa: E402
from nncomplexity.data import Dataset  # noqa: E402
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402
from nncomplexity.laws import (LAWS, Budget, count_operations, crossover, fit_expert, fit_mlp,  # noqa: E402
                               fit_symbolic, fit_trees, gplearn_to_sympy, law_data, learning_curve,
                               normalised_error, same_law)
from nncomplexity.laws.models import expert_train_flops  # noqa: E402
from nncomplexity.train import TrainConfig, train_mlps  # noqa: E402
from nncomplexity.train.loop import _orders  # noqa: E402

a = sp.Symbol("a", positive=True)


# ----------------------------------------------------------------------------- generators
def test_laws_give_the_textbook_values():
    assert LAWS["kepler"].evaluate(np.array([[4.0], [1.0]])) == pytest.approx([8.0, 1.0])
    assert LAWS["coulomb"].evaluate(np.array([[2.0, 3.0, 2.0]])) == pytest.approx([1.5])
    # small amplitude: the period tends to 2π sqrt(L/g); at 90° it is 1.18034 times that
    small = 2 * math.pi * math.sqrt(1.5 / 9.81)
    assert LAWS["pendulum"].evaluate(np.array([[1.5, 1e-6]]))[0] == pytest.approx(small, rel=1e-9)
    assert LAWS["pendulum"].evaluate(np.array([[1.5, math.pi / 2]]))[0] / small == pytest.approx(1.18034, rel=1e-5)


@pytest.mark.parametrize("law", sorted(LAWS))
def test_law_data_is_seeded_boxed_and_noisy_as_declared(law):
    spec = LAWS[law]
    X, y, exact = law_data(law, 4000, seed=3)
    X2, y2, _ = law_data(law, 4000, seed=3)
    assert X.shape == (4000, spec.d) and np.array_equal(X, X2) and np.array_equal(y, y2)
    box = np.array(spec.train_box)
    assert np.all(X >= box[:, 0]) and np.all(X <= box[:, 1])
    assert np.std(y / exact - 1) == pytest.approx(spec.noise, rel=0.1)
    Xe, ye, ee = law_data(law, 50, seed=3, region="extrapolate")
    assert np.array_equal(ye, ee)  # test targets are exact
    ebox = np.array(spec.extrap_box)
    assert np.all(Xe >= ebox[:, 0]) and np.all(Xe <= ebox[:, 1])


def test_evaluate_names_the_bad_shape():
    with pytest.raises(ValueError, match="X must have shape"):
        LAWS["coulomb"].evaluate(np.ones((3, 2)))


# ----------------------------------------------------------------------------- symbolic checks
@given(c=st.floats(0.99, 1.01), p=st.sampled_from(["a**(3/2)", "a*sqrt(a)", "sqrt(a**3)"]))
@settings(max_examples=25, deadline=None)
def test_same_law_accepts_the_law_up_to_a_close_constant(c, p):
    assert same_law(f"{c}*{p}", "a**(3/2)").recovered


@given(q=st.floats(1.05, 1.45) | st.floats(1.55, 2.0))
@settings(max_examples=25, deadline=None)
def test_same_law_refuses_another_exponent(q):
    verdict = same_law(f"a**{q}", "a**(3/2)")
    assert not verdict.recovered and verdict.ratio.free_symbols


def test_same_law_snaps_fitted_constants_to_exact():
    assert same_law("a**1.4998", "a**(3/2)").exact
    assert same_law("0.9999*q1*q2/r**2", "q1*q2/r**2").exact
    assert not same_law("1.2*q1*q2/r**2", "q1*q2/r**2").recovered


def test_count_operations_counts_the_formula():
    assert count_operations("q1*q2/r**2") == 3  # ×, ÷, power
    assert count_operations("a**(3/2)") == 2  # SymPy counts the rational exponent's division
    assert count_operations("1.0*a**1.5") == 2  # ×, power


def test_gplearn_program_converts_and_agrees_numerically():
    from gplearn.functions import _function_map as F

    program = [F["mul"], 0, F["sqrt"], 0]  # mul(X0, sqrt(X0))
    expr = gplearn_to_sympy(program, [a])
    assert same_law(expr, a ** sp.Rational(3, 2)).exact
    nested = [F["div"], F["mul"], 0, 1, F["mul"], 2, 2]  # X0·X1 / (X2·X2)
    q1, q2, r = sp.symbols("q1 q2 r", positive=True)
    assert sp.simplify(gplearn_to_sympy(nested, [q1, q2, r]) - q1 * q2 / r ** 2) == 0
    with pytest.raises(ValueError, match="feature X3"):
        gplearn_to_sympy([F["add"], 0, 3], [q1, q2, r])
    with pytest.raises(TypeError, match="program"):
        gplearn_to_sympy(3, [a])


def test_a_fitted_gplearn_program_predicts_what_its_sympy_form_computes():
    X, y, _ = law_data("coulomb", 200, seed=1)
    spec = LAWS["coulomb"]
    fitted = fit_symbolic(X, y, [0], Budget(sr_population=200, sr_generations=3, sr_seconds=5.0),
                          variables=spec.variables)[0]
    f = sp.lambdify(spec.variables, fitted.expr, "numpy")
    assert np.allclose(np.broadcast_to(f(*X.T), (200,)), fitted.predict(X), rtol=1e-9)
    assert fitted.train_flops > 0 and fitted.inference_flops == count_operations(fitted.expr)


# ----------------------------------------------------------------------------- the families
def test_trainer_regression_equals_plain_pytorch_mse():
    """The trainer's loss='mse' path trains exactly as nn.Sequential + torch.optim.Adam + MSELoss."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(64, 3, generator=g)
    y = (X[:, :1] * X[:, 1:2] - X[:, 2:]).contiguous()  # (64, 1)
    data = Dataset(X, y, X[:16], y[:16], classes=1)
    config = TrainConfig(steps=12, batch_size=16, loss="mse", learning_rate=1e-2, seed=4)
    run = train_mlps([3, 8, 1], data, config, [5, 6])
    for i, seed in enumerate([5, 6]):
        model = mlp_torch([3, 8, 1], generator=seed)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        order = _orders(64, [seed], config)
        for _ in range(12):
            idx = next(order)
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(X[idx]), y[idx]).backward()
            opt.step()
        ws = [m.weight.detach() for m in model if isinstance(m, torch.nn.Linear)]
        for k in range(2):
            torch.testing.assert_close(run.weights[k][i], ws[k], rtol=1e-4, atol=1e-5)
        with torch.no_grad():
            assert run.test_loss[i] == pytest.approx(torch.nn.functional.mse_loss(model(X[:16]), y[:16]).item(),
                                                     rel=1e-4)
    assert np.all(np.isnan(run.test_accuracy))
    assert run.flops[0] == training_step_flops([3, 8, 1], 16) * 12


def test_trainer_refuses_mse_with_labels():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(8, 3, generator=g)
    labels = Dataset(X, torch.zeros(8, dtype=torch.int64), X, torch.zeros(8, dtype=torch.int64), classes=1)
    with pytest.raises(ValueError, match="loss='mse'"):
        train_mlps([3, 4, 1], labels, TrainConfig(steps=1, batch_size=4, loss="mse"))
    with pytest.raises(ValueError, match="loss"):
        TrainConfig(loss="hinge")


def test_mlp_family_counts_its_flops_and_learns():
    X, y, _ = law_data("kepler", 128, seed=0)
    budget = Budget(mlp_steps=200)
    models = fit_mlp(X, y, [0, 1], budget)
    widths = [1, 32, 32, 1]
    assert [m.train_flops for m in models] == [training_step_flops(widths, 32) * 200] * 2
    assert models[0].inference_flops == forward_flops(widths, 1) + elementwise_flops(widths, 1, "relu") + 4
    Xt, _, yt = law_data("kepler", 500, seed=99)
    assert normalised_error(models[0].predict(Xt), yt) < 0.1


def test_expert_recovers_the_exponents_and_counts():
    X, _, exact = law_data("coulomb", 50, seed=0)
    spec = LAWS["coulomb"]
    model = fit_expert(X, exact, [0, 1, 2], variables=spec.variables)
    assert len(model) == 3 and model[0] is model[2]
    assert same_law(model[0].expr, spec.formula).exact
    assert model[0].train_flops == expert_train_flops(50, 4) == 50 * 4 + 2 * 4 * 50 * 4 + 2 * 4 * 50
    assert model[0].inference_flops == count_operations(model[0].expr)
    # the small-angle expert ignores the amplitude: its form is the wrong law for the pendulum
    Xp, _, ep = law_data("pendulum", 200, seed=0)
    small = fit_expert(Xp, ep, variables=LAWS["pendulum"].variables, use=[0])[0]
    assert not same_law(small.expr, LAWS["pendulum"].formula).recovered
    assert small.expr.free_symbols == {LAWS["pendulum"].variables[0]}


def test_trees_count_their_comparisons():
    X, y, _ = law_data("pendulum", 300, seed=0)
    budget = Budget(trees=20, tree_depth=3)
    model = fit_trees(X, y, [0], budget)[0]
    assert 20 < model.inference_flops <= 20 * (3 + 1) and math.isnan(model.train_flops)


def test_symbolic_regression_recovers_kepler():
    X, y, _ = law_data("kepler", 256, seed=256)  # the chapter's draw and budget
    model = fit_symbolic(X, y, [0], Budget(), variables=LAWS["kepler"].variables)[0]
    assert same_law(model.expr, LAWS["kepler"].formula).recovered, model.expr


# ----------------------------------------------------------------------------- harness
def test_normalised_error():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert normalised_error(y, y) == 0
    assert normalised_error(np.full(4, y.mean()), y) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="pred"):
        normalised_error(y[:3], y)


def test_crossover_interpolates_in_log_log():
    n = np.array([10.0, 100.0, 1000.0])
    flat = np.array([0.1, 0.1, 0.1])
    falling = np.array([1.0, 0.1 * 10 ** -0.5, 0.001])
    assert crossover(n, flat, falling) == pytest.approx(10 ** (1 + 2 / 3))  # gaps +1 and −1/2 decades
    assert crossover(n, flat, np.array([1.0, 0.05, 0.01])) == pytest.approx(
        np.exp(np.log(10) + np.log(10) / (np.log(10) + np.log(2)) * np.log(10)))
    assert math.isnan(crossover(n, flat, flat * 2))
    assert crossover(n, flat, flat / 2) == 10.0
    with pytest.raises(ValueError, match="sizes"):
        crossover(n, flat[:2], flat)


def test_learning_curve_gives_every_family_the_same_test_sets():
    budget = Budget(mlp_steps=20, trees=10)
    curves = {f: learning_curve("kepler", f, [16, 32], draws=2, inits=2, budget=budget)
              for f in ("mlp", "expert", "trees")}
    assert curves["mlp"].error.shape == (2, 4) and curves["expert"].error.shape == (2, 2)
    assert curves["trees"].seconds.shape == (2, 2) and np.all(np.isnan(curves["trees"].train_flops))
    lo, hi = curves["mlp"].interval()
    assert np.all(lo <= curves["mlp"].median()) and np.all(curves["mlp"].median() <= hi)
    # the expert's form is right for Kepler: near-exact inside and outside the box
    assert np.all(curves["expert"].extrap_error < 0.05)
