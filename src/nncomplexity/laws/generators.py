"""Data from known laws: each law is a SymPy formula (the ground truth) and the ranges it is sampled in.

A :class:`Law` holds the exact formula, its input symbols, the box the training
inputs are drawn from, and a second box *outside* it for the extrapolation
test. :func:`law_data` draws inputs uniformly from a box with an explicit
``numpy.random.Generator`` and returns noisy targets (multiplicative Gaussian
noise, ``y = f(x) · (1 + σ·ε)``) beside the exact values, so errors can be
measured against the law itself rather than against the noise.

Book: chapter "Beyond deep learning", section "Three laws and their data".
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp
from scipy.special import ellipk

from .._validate import Choice, Int, validate_params

__all__ = ["LAWS", "Law", "law_data"]


@dataclass(frozen=True)
class Law:
    """A law y = f(x1, ..., xd), exact in SymPy, with its sampling boxes."""

    name: str                                   # key in LAWS
    title: str                                  # a reader's name for it
    formula: sp.Expr                            # f, the ground truth
    variables: tuple[sp.Symbol, ...]            # (x1, ..., xd), the order of X's columns
    train_box: tuple[tuple[float, float], ...]  # (low, high) per variable: where training data lie
    extrap_box: tuple[tuple[float, float], ...]  # (low, high) per variable: the extrapolation test
    noise: float = 0.01                         # σ of the multiplicative noise on training targets

    @property
    def d(self) -> int:
        """Number of input variables."""
        return len(self.variables)

    @cached_property
    def _f(self):
        # SymPy's printers do not know elliptic_k; SciPy's ellipk uses the same parameter m = k².
        return sp.lambdify(self.variables, self.formula, modules=[{"elliptic_k": ellipk}, "numpy"])

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """f at each row of X: (n, d) -> (n,). Cost: n evaluations of the formula."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.d:
            raise ValueError(f"X must have shape (n, {self.d}), got {X.shape}")
        return np.broadcast_to(np.asarray(self._f(*X.T), dtype=float), (len(X),)).copy()


_a, _q1, _q2, _r, _L, _theta = sp.symbols("a q1 q2 r L theta", positive=True)
_G = sp.Float(9.81)

LAWS: dict[str, Law] = {
    # Kepler's third law in years and astronomical units: T = a^(3/2) (Mercury 0.39 AU … Jupiter 5.2 AU).
    "kepler": Law("kepler", "Kepler's third law", _a ** sp.Rational(3, 2), (_a,),
                  ((0.4, 5.0),), ((5.0, 30.0),)),
    # Coulomb's force in units where 1/(4π ε0) = 1 (Feynman data set, equation I.12.2, with ε0 fixed).
    "coulomb": Law("coulomb", "Coulomb's law", _q1 * _q2 / _r ** 2, (_q1, _q2, _r),
                   ((1.0, 5.0), (1.0, 5.0), (1.0, 5.0)), ((5.0, 8.0), (5.0, 8.0), (1.0, 5.0))),
    # A pendulum's exact period at amplitude θ: 4·sqrt(L/g)·K(sin²(θ/2)); small angles give 2π·sqrt(L/g).
    "pendulum": Law("pendulum", "Pendulum period at finite amplitude",
                    4 * sp.sqrt(_L / _G) * sp.elliptic_k(sp.sin(_theta / 2) ** 2), (_L, _theta),
                    ((0.2, 2.0), (0.1, 1.0)), ((2.0, 4.0), (1.0, 1.5))),
}


@validate_params(law=Choice(tuple(LAWS)), n=Int(minimum=1), seed=Int(minimum=0),
                 region=Choice(("train", "extrapolate")))
def law_data(law: str, n: int, seed: int = 0, region: str = "train"):
    """Draw ``n`` inputs uniformly from the law's box; return ``(X, y_noisy, y_exact)``.

    X is (n, d) float64; y_noisy = y_exact · (1 + σ·ε), ε ~ N(0, 1), σ = ``law.noise``
    (noise only in the ``"train"`` region; test targets are compared exactly).
    Inputs come first from one ``default_rng(seed)`` stream and noise after, so with a
    fixed seed a larger ``n`` does not reuse a smaller draw (use different seeds for
    independent sets).

    Cost: n·d uniform draws, n evaluations of the formula.
    """
    spec = LAWS[law]
    box = np.array(spec.train_box if region == "train" else spec.extrap_box)  # (d, 2)
    rng = np.random.default_rng(seed)
    X = rng.uniform(box[:, 0], box[:, 1], size=(n, spec.d))  # (n, d)
    y = spec.evaluate(X)  # (n,)
    noise = spec.noise * rng.standard_normal(n) if region == "train" else np.zeros(n)
    return X, y * (1 + noise), y
