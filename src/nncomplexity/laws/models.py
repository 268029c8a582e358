"""Four model families behind one interface: ``fit_<family>(X, y, seeds, budget) -> list[Fitted]``.

* :func:`fit_mlp` — a ReLU MLP trained with the book's one trainer (``train_mlps``, mean squared
  error, one model per seed in one batched run); FLOPs exact from ``cost.flops``.
* :func:`fit_expert` — the law's *assumed* form, a monomial ``c·∏ x_i^p_i`` in the variables the
  expert believes matter, fitted by least squares on logarithms; FLOPs counted.
* :func:`fit_trees` — gradient-boosted regression trees (scikit-learn); operations per prediction
  counted from the fitted trees, training timed.
* :func:`fit_symbolic` — symbolic regression by genetic programming (gplearn) under a time budget;
  node evaluations counted from gplearn's run statistics, the winner converted to SymPy.

Every :class:`Fitted` predicts (n, d) -> (n,) and reports what it cost. Inputs are positive
(the laws' boxes), which the expert's logarithms and gplearn's protected functions rely on.

Book: chapter "Beyond deep learning", section "Four ways to learn a law".
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..cost.flops import elementwise_flops, forward_flops, gemv_flops, matmul_flops
from .symbolic import count_operations, gplearn_to_sympy

__all__ = ["Budget", "FAMILIES", "Fitted", "fit_expert", "fit_mlp", "fit_symbolic", "fit_trees"]


@dataclass(frozen=True)
class Budget:
    """What each family may spend; the same for every law and training-set size."""

    mlp_hidden: tuple[int, ...] = (32, 32)  # hidden widths of the MLP
    mlp_steps: int = 300                    # optimiser steps (Adam), whatever the data size
    mlp_batch: int = 32                     # t; min(t, n) when the data are fewer
    mlp_lr: float = 3e-3                    # η
    trees: int = 100                        # boosting rounds
    tree_depth: int = 3                     # depth of each tree
    sr_population: int = 400                # programs per generation
    sr_generations: int = 6                 # at most this many generations ...
    sr_seconds: float = 30.0                # ... a safety cap on seconds (a run cut by it is not reproducible)
    sr_stop: float = 2e-4                   # ... or stop once MSE < sr_stop · mean(y²): the fit has reached
                                            # the noise (σ = 1 % gives MSE ≈ 1e-4 · mean(y²))
    sr_functions: tuple[str, ...] = ("add", "sub", "mul", "div", "sqrt")  # gplearn's building blocks


@dataclass
class Fitted:
    """One fitted model and what it cost."""

    family: str                         # "mlp", "expert", "trees" or "symbolic"
    predict: Callable[[np.ndarray], np.ndarray] = field(repr=False)  # (n, d) -> (n,)
    train_flops: float                  # counted training FLOPs (NaN where only time is measured)
    inference_flops: float              # counted operations per prediction (NaN where not counted)
    seconds: float                      # wall time of the fit
    expr: sp.Expr | None = None         # the formula, for the families that produce one


def _standardise(A: np.ndarray):
    mu, sd = A.mean(axis=0), A.std(axis=0)
    return mu, np.where(sd > 0, sd, 1.0)


def fit_mlp(X, y, seeds: Sequence[int], budget: Budget = Budget()) -> list[Fitted]:
    """``len(seeds)`` MLPs [d, *hidden, 1] on standardised inputs and targets, one ``train_mlps`` run.

    Training FLOPs: ``TrainResult.flops`` (``training_step_flops · steps``, exact). Inference:
    ``forward_flops + elementwise_flops`` at batch 1, plus 2d + 2 for the standardisation.
    """
    import torch

    from ..data import Dataset
    from ..train import TrainConfig, train_mlps

    X, y = np.asarray(X, float), np.asarray(y, float)
    (mx, sx), (my, sy) = _standardise(X), _standardise(y[:, None])
    Xs = torch.tensor((X - mx) / sx, dtype=torch.float32)  # (n, d)
    ys = torch.tensor((y[:, None] - my) / sy, dtype=torch.float32)  # (n, 1)
    widths = [X.shape[1], *budget.mlp_hidden, 1]
    data = Dataset(Xs, ys, Xs[:0], ys[:0], classes=1)  # regression: float targets, nL = 1 output
    config = TrainConfig(steps=budget.mlp_steps, batch_size=min(budget.mlp_batch, len(y)), loss="mse",
                         learning_rate=budget.mlp_lr, own_order=True)
    start = time.perf_counter()
    run = train_mlps(widths, data, config, list(seeds))
    seconds = (time.perf_counter() - start) / len(seeds)
    infer = forward_flops(widths, 1) + elementwise_flops(widths, 1, "relu") + 2 * X.shape[1] + 2

    def make(i):
        Ws = [w[i].numpy().astype(float) for w in run.weights]  # (n[k], n[k-1])
        bs = [b[i].numpy().astype(float) for b in run.biases]

        def predict(Xn):
            A = (np.asarray(Xn, float) - mx) / sx  # (n, d)
            for k, (W, b) in enumerate(zip(Ws, bs)):
                A = A @ W.T + b  # (n, n[k-1]) @ (n[k-1], n[k]) -> (n, n[k])
                if k < len(Ws) - 1:
                    A = np.maximum(A, 0.0)
            return (A * sy + my)[:, 0]  # (n, 1) -> (n,)
        return Fitted("mlp", predict, float(run.flops[i]), float(infer), seconds)

    return [make(i) for i in range(len(seeds))]


def expert_train_flops(n: int, p: int) -> int:
    """FLOPs of the expert's least squares: n·p logarithms + FᵀF + Fᵀz, ``n·p + 2np² + 2np``.

    Book: chapter "Beyond deep learning". The p × p solve (p ≤ 4 here) is left out.
    """
    return n * p + matmul_flops(p, n, p) + gemv_flops(p, n)


def fit_expert(X, y, seeds: Sequence[int] = (0,), budget: Budget = Budget(), *,
               variables: Sequence[sp.Symbol], use: Sequence[int] | None = None) -> list[Fitted]:
    """The monomial ``c·∏_{i∈use} x_i^p_i``: least squares of log y on [1, log x_use].

    Deterministic: one fit, repeated for each seed so that every family reports as many
    runs. Inference FLOPs: SymPy's operation count of the fitted formula.
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    use = list(range(X.shape[1])) if use is None else list(use)
    start = time.perf_counter()
    F = np.column_stack([np.ones(len(y)), np.log(X[:, use])])  # (n, p), p = 1 + |use|
    coef = np.linalg.solve(F.T @ F, F.T @ np.log(y))  # (p, p) \ (p,) -> (p,)
    seconds = time.perf_counter() - start
    expr = sp.Float(np.exp(coef[0])) * sp.Mul(*[variables[j] ** sp.Float(c) for j, c in zip(use, coef[1:])])

    def predict(Xn):
        return np.exp(coef[0] + np.log(np.asarray(Xn, float)[:, use]) @ coef[1:])  # (n,)
    one = Fitted("expert", predict, float(expert_train_flops(len(y), F.shape[1])),
                 float(count_operations(expr)), seconds, expr)
    return [one for _ in seeds]


def fit_trees(X, y, seeds: Sequence[int], budget: Budget = Budget()) -> list[Fitted]:
    """Gradient-boosted trees (``sklearn.ensemble.GradientBoostingRegressor``), one per seed.

    Rows are subsampled (0.8) with the seed. Inference operations: the mean number of
    comparisons on a training input's path through all trees, plus one add per tree (exact,
    from ``decision_path``). Training: time only.
    """
    from sklearn.ensemble import GradientBoostingRegressor

    X, y = np.asarray(X, float), np.asarray(y, float)
    out = []
    for s in seeds:
        model = GradientBoostingRegressor(n_estimators=budget.trees, max_depth=budget.tree_depth,
                                          subsample=0.8, random_state=int(s))
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
        paths = sum(t.decision_path(X.astype(np.float32)).sum() - len(X) for t in model.estimators_[:, 0])
        out.append(Fitted("trees", model.predict, float("nan"), paths / len(X) + budget.trees, seconds))
    return out


def fit_symbolic(X, y, seeds: Sequence[int], budget: Budget = Budget(), *,
                 variables: Sequence[sp.Symbol]) -> list[Fitted]:
    """gplearn's ``SymbolicRegressor``, one generation at a time until the fit reaches the noise level
    or the generations (or the safety cap on seconds) run out.

    Training "FLOPs": node evaluations, Σ over generations of population × mean program length × n
    (gplearn's ``run_details_``). Inference: SymPy's operation count of the winner.
    """
    from gplearn.genetic import SymbolicRegressor

    X, y = np.asarray(X, float), np.asarray(y, float)
    out = []
    for s in seeds:
        stop = budget.sr_stop * float(np.mean(y ** 2))
        model = SymbolicRegressor(population_size=budget.sr_population, generations=1, warm_start=True,
                                  function_set=budget.sr_functions, parsimony_coefficient=0.001,
                                  const_range=(-2.0, 2.0), metric="mse", stopping_criteria=stop,
                                  random_state=int(s), n_jobs=1)
        start = time.perf_counter()
        for g in range(1, budget.sr_generations + 1):
            model.set_params(generations=g)
            model.fit(X, y)
            if model.run_details_["best_fitness"][-1] <= stop or time.perf_counter() - start > budget.sr_seconds:
                break
        seconds = time.perf_counter() - start
        evaluations = sum(budget.sr_population * length * len(y)
                          for length in model.run_details_["average_length"])
        expr = gplearn_to_sympy(model._program, variables)
        out.append(Fitted("symbolic", model.predict, float(evaluations), float(count_operations(expr)),
                          seconds, expr))
    return out


FAMILIES = {"mlp": fit_mlp, "expert": fit_expert, "trees": fit_trees, "symbolic": fit_symbolic}
"""The four families by name; ``expert`` and ``symbolic`` also need ``variables=`` (and ``use=``)."""
