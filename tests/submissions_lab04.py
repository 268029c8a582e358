"""Lab 4's submissions for tests/test_grading.py: each task's solution and plausible wrong answers."""
import numpy as np


def gd_steps(eigenvalues, eps, *, absolute=False, norm=False, shift=0, mean_step=False):
    lam = np.asarray(eigenvalues, dtype=float)
    x = np.ones_like(lam)
    eta = 1 / np.mean(lam) if mean_step else 1 / lam.max()

    def size(v):
        return float(v @ v) if norm else 0.5 * float(lam @ (v * v))

    goal = eps if absolute else eps * size(x)
    k = 0
    while size(x) > goal:
        x = x - eta * lam * x
        k += 1
        if k > 50_000:
            return -1
    return k + shift


def nesterov_steps(eigenvalues, eps, *, at_x=False, kappa_beta=False, no_momentum=False):
    lam = np.asarray(eigenvalues, dtype=float)
    L, mu = lam.max(), lam.min()
    r = L / mu if kappa_beta else np.sqrt(L / mu)
    beta = 0.0 if no_momentum else (r - 1) / (r + 1)
    x = x_prev = np.ones_like(lam)
    f0 = 0.5 * float(lam @ x ** 2)
    k = 0
    while 0.5 * float(lam @ x ** 2) > eps * f0:
        if at_x:
            x, x_prev = x - lam * x / L + beta * (x - x_prev), x
        else:
            y = x + beta * (x - x_prev)
            x, x_prev = y - lam * y / L, x
        k += 1
        if k > 50_000:
            return -1
    return k


def fit_exponent(kappas, steps):
    return float(np.polyfit(np.log(kappas), np.log(steps), 1)[0])


def noise_scale(g, *, correct=True, ddof=1, mean_var=False, upside=False):
    m = g.shape[0]
    mean = g.mean(axis=0)
    trace = g.var(axis=0, ddof=ddof).sum() / (g.shape[1] if mean_var else 1)
    b = trace / (mean @ mean - (trace / m if correct else 0.0))
    return 1 / b if upside else b


def critical_batch(B, S, *, return_c=False, in_b=False, swap=False):
    x = np.asarray(B, float) if in_b else 1.0 / np.asarray(B, float)
    a, c = np.linalg.lstsq(np.column_stack([np.ones_like(x), x]), np.asarray(S, float), rcond=None)[0]
    out = [a, c if return_c else c / a]
    return out[::-1] if swap else out


SUBMISSIONS = {
    "4.1": ((gd_steps,), [
        ((lambda e, p: gd_steps(e, p, shift=1),), ["off by one"]),
        ((lambda e, p: gd_steps(e, p, absolute=True),), ["relative"]),
        ((lambda e, p: gd_steps(e, p, norm=True),), ["‖x_k‖²"]),
        ((lambda e, p: gd_steps(e, p, mean_step=True),), ["1/mean(λ)"]),
    ]),
    "4.2": ((nesterov_steps,), [
        ((lambda e, p: nesterov_steps(e, p, at_x=True),), ["look-ahead point"]),
        ((lambda e, p: nesterov_steps(e, p, kappa_beta=True),), ["square root of κ"]),
        ((lambda e, p: nesterov_steps(e, p, no_momentum=True),), ["gradient descent's count"]),
    ]),
    "4.3": ((fit_exponent,), [
        ((lambda k, s: float(np.polyfit(np.log(s), np.log(k), 1)[0]),), ["turned around"]),
        ((lambda k, s: float(np.log(s[-1] / s[0]) / np.log(k[-1] / k[0])),), ["first and last points"]),
        ((lambda k, s: float(np.polyfit(k, np.log(s), 1)[0]),), ["logarithm of κ"]),
    ]),
    "4.4": ((noise_scale,), [
        ((lambda g: noise_scale(g, correct=False),), ["biased upwards"]),
        ((lambda g: noise_scale(g, ddof=0),), ["ddof=1"]),
        ((lambda g: noise_scale(g, mean_var=True),), ["SUM"]),
        ((lambda g: noise_scale(g, upside=True),), ["upside down"]),
    ]),
    "4.5": ((critical_batch,), [
        ((lambda B, S: critical_batch(B, S, return_c=True),), ["B_crit = c / S_min"]),
        ((lambda B, S: critical_batch(B, S, in_b=True),), ["linear in 1/B"]),
        ((lambda B, S: critical_batch(B, S, swap=True),), ["swapped"]),
    ]),
}

