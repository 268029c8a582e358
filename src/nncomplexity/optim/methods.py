"""The update rules, each a small pure function, and a loop that records their histories.

Every rule has the same signature, ``step(x, state, grad, **hyper) -> (x_next, state)``:
``x`` is the current point (an array), ``state`` a dict the rule carries between steps
(empty at the start: the previous point, the step counter, Adam's moments), ``grad`` a
callable returning the (possibly stochastic) gradient at a point. The rule never
changes ``x`` or ``state`` in place, so a history is safe to keep. They are registered in
:data:`METHODS`; :func:`run_method` runs one and records f and ‖∇f‖ at every iterate.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import Choice, Int, validate_params

__all__ = ["METHODS", "STEP_SCHEDULES", "History", "adam_step", "fista_momenta", "gd_step", "heavy_ball_step",
           "nesterov_step", "run_method", "sgd_step"]

Grad = Callable[[np.ndarray], np.ndarray]


def gd_step(x, state, grad: Grad, *, lr: float):
    """Gradient descent: x ← x − η ∇f(x). With η = 1/L, f falls by at least ‖∇f‖²/(2L).

    Book: chapter 4 (gradient descent). Nesterov 2018, §1.2.3.
    """
    return x - lr * grad(x), state


def heavy_ball_step(x, state, grad: Grad, *, lr: float, momentum: float):
    """Polyak's heavy ball: x_{k+1} = x_k − α∇f(x_k) + β(x_k − x_{k−1}), with x₋₁ = x₀.

    Book: chapter 4 (gradient descent). Polyak 1964.
    """
    x_prev = state.get("x_prev", x)
    x_next = x - lr * grad(x) + momentum * (x - x_prev)
    return x_next, {**state, "x_prev": x}


def nesterov_step(x, state, grad: Grad, *, lr: float, momentum: float | Callable[[int], float]):
    """Nesterov: y_k = x_k + β(x_k − x_{k−1}), x_{k+1} = y_k − η∇f(y_k), with x₋₁ = x₀.

    ``momentum`` is a constant β (strongly convex: β = (√κ − 1)/(√κ + 1)) or a function
    of the step number k (convex: the FISTA sequence, :func:`fista_momenta`).
    The gradient is taken at the look-ahead point y_k, not at x_k: that is the difference
    from the heavy ball.

    Book: chapter 4 (gradient descent). Nesterov 2018, §2.2; Bubeck 2015, §3.7.
    """
    k = state.get("k", 0)
    beta = momentum(k) if callable(momentum) else momentum
    x_prev = state.get("x_prev", x)
    y = x + beta * (x - x_prev)
    return y - lr * grad(y), {**state, "x_prev": x, "k": k + 1}


def fista_momenta(n_steps: int) -> np.ndarray:
    """β_k = (t_k − 1)/t_{k+1} for k = 0..n_steps−1, with t₁ = 1, t_{j+1} = (1 + √(1 + 4t_j²))/2.

    The momentum of Beck & Teboulle 2009 (FISTA without a proximal term). With step 1/L,
    ``nesterov_step(..., momentum=fista_momenta(K).__getitem__)`` gives
    f(x_k) − f* ≤ 2L‖x₀ − x*‖²/(k + 1)² on any L-smooth convex f
    (:func:`~.rates.nesterov_convex_bound`). β_k grows towards 1 like 1 − 3/k.
    """
    t = np.ones(max(n_steps, 1))  # t[j] is Beck & Teboulle's t_{j+1}; t[0] = 1
    for j in range(t.size - 1):
        t[j + 1] = (1.0 + np.sqrt(1.0 + 4.0 * t[j] * t[j])) / 2.0
    # x_{k+1} uses beta_k = (t_k - 1)/t_{k+1} in their indexing; beta_0 is unused since x_{-1} = x_0
    return np.concatenate([[0.0], (t[:-1] - 1.0) / t[1:]])[:n_steps]  # (n_steps,)


STEP_SCHEDULES: dict[str, Callable[[float, int, float], float]] = {
    "constant": lambda lr, k, decay: lr,  # converges only to a noise floor under noisy gradients
    # η_k ∝ 1/√k: convex Lipschitz, O(1/√k)
    "inverse_sqrt": lambda lr, k, decay: lr / np.sqrt(1.0 + decay * k),
    # η_k ∝ 1/k: strongly convex, O(1/k); decay = μη₀ gives η_k = 1/(μ(k + k₀)), k₀ = 1/(μη₀)
    "inverse": lambda lr, k, decay: lr / (1.0 + decay * k),
}
"""Step-size schedules η_k = schedule(η₀, k, decay) for :func:`sgd_step` (decay = 1: η₀/√(k+1), η₀/(k+1))."""


def sgd_step(x, state, grad: Grad, *, lr: float, schedule: str = "constant", decay: float = 1.0):
    """Stochastic gradient descent: x ← x − η_k g(x), g a noisy gradient, η_k from :data:`STEP_SCHEDULES`.

    ``grad`` draws the noise itself (a minibatch, or added noise from its own Generator).
    ``decay`` sets how soon a decaying schedule starts to bite: η_k = η₀/(1 + decay·k) for "inverse".
    Book: chapter 4 (gradient descent). Bubeck 2015, §6; Ghadimi & Lan 2013.
    """
    k = state.get("k", 0)
    return x - STEP_SCHEDULES[schedule](lr, k, decay) * grad(x), {**state, "k": k + 1}


def adam_step(x, state, grad: Grad, *, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    """Adam: moving averages m, v of g and g², bias-corrected; x ← x − η m̂/(√v̂ + ε).

    Book: chapter 4 (gradient descent). Kingma & Ba 2015.
    """
    g = grad(x)
    k = state.get("k", 0) + 1
    m = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    v = beta2 * state.get("v", 0.0) + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1 ** k), v / (1 - beta2 ** k)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), {"k": k, "m": m, "v": v}


METHODS: dict[str, Callable] = {
    "gd": gd_step, "heavy_ball": heavy_ball_step, "nesterov": nesterov_step, "sgd": sgd_step, "adam": adam_step,
}
"""Every update rule by name; all share the signature ``step(x, state, grad, **hyper)``."""


@dataclass(frozen=True)
class History:
    """What :func:`run_method` records: f and ‖∇f‖ at the iterates x_k for k in ``k``."""

    x: np.ndarray  # the last iterate x_K, shape (n,)
    f: np.ndarray  # f(x_k) at the recorded k, shape (r,)
    grad_norm: np.ndarray  # ‖∇f(x_k)‖ (the exact gradient) at the recorded k, shape (r,)
    k: np.ndarray  # the recorded step numbers: 0, every, 2·every, ..., and always K; shape (r,)

    @property
    def steps(self) -> int:
        """K, the number of updates made."""
        return int(self.k[-1])


@validate_params(method=Choice(METHODS), n_steps=Int(minimum=0), record_every=Int(minimum=1))
def run_method(method: str, f: Callable, grad: Grad, x0, n_steps: int, *, stochastic_grad: Grad | None = None,
               record_every: int = 1, **hyper) -> History:
    """Run ``n_steps`` updates of ``method`` from ``x0``, recording f and ‖∇f‖ at every iterate.

    Parameters
    ----------
    method : str
        A key of :data:`METHODS`.
    f, grad : callable
        The objective and its exact gradient (the histories use these).
    x0 : array_like, shape (n,)
        Starting point.
    n_steps : int
        Number of updates K.
    stochastic_grad : callable, optional
        The gradient the method sees, if not the exact one (SGD's minibatch gradient).
    record_every : int
        Record f and ‖∇f‖ at every this many steps (and at the last): the exact gradient on the
        whole data costs far more than a minibatch step, so long SGD runs record sparsely.
    **hyper
        The rule's hyper-parameters (``lr``, ``momentum``, ``schedule``, ...).

    Returns
    -------
    History
        Cost: K gradient evaluations of the method, plus one value of f and one exact gradient
        per recorded iterate.

    Book: chapter 4 (gradient descent).
    """
    step = METHODS[method]
    x = np.array(x0, dtype=float)  # a copy: the caller's x0 stays as it was
    seen = grad if stochastic_grad is None else stochastic_grad
    fs, norms, ks, state = [f(x)], [np.linalg.norm(grad(x))], [0], {}
    for k in range(1, n_steps + 1):
        x, state = step(x, state, seen, **hyper)
        if k % record_every == 0 or k == n_steps:
            fs.append(f(x))
            norms.append(np.linalg.norm(grad(x)))
            ks.append(k)
    return History(x=x, f=np.asarray(fs, dtype=float), grad_norm=np.asarray(norms, dtype=float),
                   k=np.asarray(ks, dtype=np.int64))
