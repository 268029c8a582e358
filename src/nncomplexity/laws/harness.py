"""The comparison harness: every family gets the same data, the same test sets and the same budget.

:func:`learning_curve` fits one family on training sets of several sizes, each
drawn ``draws`` times with different seeds (the MLP also trains ``inits`` models
per draw, in one batched run), and records for every run the normalised error
inside the training box, the normalised error in the extrapolation box, the counted
FLOPs and the wall time. :func:`crossover` finds where one family's median error
falls below another's; :func:`mlp_compute_curve` trades the MLP's steps for error.

Book: chapter "Beyond deep learning", sections "Learning curves" and "Thompson's plateau".
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .._validate import Choice, Int, Positive1D, validate_params
from .generators import LAWS, law_data
from .models import FAMILIES, Budget, Fitted, fit_mlp

__all__ = ["Curve", "crossover", "learning_curve", "mlp_compute_curve", "normalised_error", "test_sets"]

TEST_SEED, EXTRAP_SEED = 10_007, 10_009  # the test sets never share a seed with a training draw


def normalised_error(pred: np.ndarray, exact: np.ndarray) -> float:
    """sqrt(mean((ŷ − y)²)) / std(y), y the law's exact values: 0 is perfect, 1 is as bad as predicting the mean."""
    pred, exact = np.asarray(pred, float), np.asarray(exact, float)
    if pred.shape != exact.shape or exact.ndim != 1 or len(exact) < 2:
        raise ValueError(f"pred must have the shape of exact, a 1-D array of >= 2 values; got {pred.shape}, {exact.shape}")
    return float(np.sqrt(np.mean((pred - exact) ** 2)) / exact.std())


def test_sets(law: str, n_test: int = 2000):
    """The fixed test sets of a law: ``(X_in, y_in, X_out, y_out)``, exact targets, in and outside the box."""
    X_in, _, y_in = law_data(law, n_test, TEST_SEED, "train")
    X_out, _, y_out = law_data(law, n_test, EXTRAP_SEED, "extrapolate")
    return X_in, y_in, X_out, y_out


@dataclass(frozen=True)
class Curve:
    """One family on one law: arrays (len(sizes), runs)."""

    law: str
    family: str
    sizes: np.ndarray            # (S,) training-set sizes n
    error: np.ndarray            # (S, R) normalised RMS error inside the training box
    extrap_error: np.ndarray     # (S, R) the same outside it
    train_flops: np.ndarray      # (S, R) counted (NaN where only timed)
    inference_flops: np.ndarray  # (S, R) operations per prediction (NaN where not counted)
    seconds: np.ndarray          # (S, R) wall time of each fit
    fitted: list                 # (S,) lists of Fitted, the models themselves

    def median(self, field: str = "error") -> np.ndarray:
        """Median over runs of a field, (S,)."""
        return np.median(getattr(self, field), axis=1)

    def interval(self, field: str = "error", level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """Empirical (1−level)/2 and (1+level)/2 quantiles over runs: two (S,) arrays."""
        a = getattr(self, field)
        return np.quantile(a, (1 - level) / 2, axis=1), np.quantile(a, (1 + level) / 2, axis=1)


def _fit(family: str, law: str, X, y, seeds, budget, expert_use):
    spec, kw = LAWS[law], {}
    if family in ("expert", "symbolic"):
        kw["variables"] = spec.variables
    if family == "expert" and expert_use is not None:
        kw["use"] = expert_use
    return FAMILIES[family](X, y, seeds, budget, **kw)


@validate_params(law=Choice(tuple(LAWS)), family=Choice(tuple(FAMILIES)), sizes=Positive1D(),
                 draws=Int(minimum=1), inits=Int(minimum=1))
def learning_curve(law: str, family: str, sizes, draws: int = 3, inits: int = 2,
                   budget: Budget = Budget(), expert_use=None, n_test: int = 2000) -> Curve:
    """Fit ``family`` on ``draws`` independent training sets of each size; evaluate on the fixed test sets.

    Draw j of size n uses seed ``1000·j + n``; the MLP trains ``inits`` models per draw (seeds
    0..inits−1, one run), every other family one model per draw, so runs R = draws·inits for the
    MLP and ``draws`` otherwise. ``expert_use``: the variables the expert's form keeps (default all).

    Cost: len(sizes)·draws fits of the family, plus their predictions on 2·n_test points.
    """
    if not isinstance(budget, Budget):
        raise TypeError(f"budget must be a Budget, got {type(budget).__name__}")
    sizes = np.asarray(sizes).astype(int)
    X_in, y_in, X_out, y_out = test_sets(law, n_test)
    rows: list[list[Fitted]] = []
    for n in sizes:
        runs: list[Fitted] = []
        for j in range(draws):
            X, y, _ = law_data(law, int(n), 1000 * j + int(n))
            seeds = list(range(inits)) if family == "mlp" else [j]
            runs += _fit(family, law, X, y, seeds, budget, expert_use)
        rows.append(runs)

    def table(get):
        return np.array([[get(f) for f in runs] for runs in rows], dtype=float)
    return Curve(law, family, sizes,
                 error=table(lambda f: normalised_error(f.predict(X_in), y_in)),
                 extrap_error=table(lambda f: normalised_error(f.predict(X_out), y_out)),
                 train_flops=table(lambda f: f.train_flops), inference_flops=table(lambda f: f.inference_flops),
                 seconds=table(lambda f: f.seconds), fitted=rows)


def crossover(sizes, error_a, error_b) -> float:
    """The training-set size where curve b's error first falls below curve a's (log–log interpolation).

    ``error_a``, ``error_b``: (S,) medians at ``sizes``. Returns NaN when b never falls below a,
    ``sizes[0]`` when it is below from the start.
    """
    n, a, b = (np.asarray(v, float) for v in (sizes, error_a, error_b))
    if not (n.shape == a.shape == b.shape) or n.ndim != 1:
        raise ValueError(f"sizes, error_a and error_b must be 1-D of one length, got {n.shape}, {a.shape}, {b.shape}")
    gap = np.log(b) - np.log(a)  # < 0 where b is better
    below = np.flatnonzero(gap < 0)
    if below.size == 0:
        return float("nan")
    i = int(below[0])
    if i == 0:
        return float(n[0])
    # linear in log n between the last point above and the first below
    t = gap[i - 1] / (gap[i - 1] - gap[i])
    return float(np.exp(np.log(n[i - 1]) + t * (np.log(n[i]) - np.log(n[i - 1]))))


@validate_params(law=Choice(tuple(LAWS)), n=Int(minimum=1), steps=Positive1D(), inits=Int(minimum=1))
def mlp_compute_curve(law: str, n: int, steps, inits: int = 3, budget: Budget = Budget()):
    """The MLP's error against its training compute: draw 0 of size ``n``, trained for each step count.

    Returns ``(flops, error)``: (len(steps),) exact training FLOPs and (len(steps), inits)
    normalised errors on the law's fixed test set inside the box.

    Cost: Σ steps · inits training steps of the MLP.
    """
    if not isinstance(budget, Budget):
        raise TypeError(f"budget must be a Budget, got {type(budget).__name__}")
    X, y, _ = law_data(law, n, n)  # the same set as draw 0 of learning_curve
    X_in, y_in, _, _ = test_sets(law)
    flops, errors = [], []
    for s in np.asarray(steps).astype(int):
        models = fit_mlp(X, y, list(range(inits)), replace(budget, mlp_steps=int(s)))
        flops.append(models[0].train_flops)
        errors.append([normalised_error(m.predict(X_in), y_in) for m in models])
    return np.array(flops), np.array(errors)
