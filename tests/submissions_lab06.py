"""Lab 6's submissions for tests/test_grading.py: the solution and plausible wrong answers of each task."""
from __future__ import annotations

import math

import numpy as np


def doubling_time_months(years, flops):
    slope = np.polyfit(np.asarray(years, float), np.log2(flops), 1)[0]  # doublings per year
    return 12 / slope


def data_exponent(D, L, E):
    return -np.polyfit(np.log(D), np.log(np.asarray(L) - E), 1)[0]


def optimal_split(C, A, B, alpha, beta, six=6.0, swap=False):
    G = (alpha * A / (beta * B)) ** (1 / (alpha + beta))
    N = G * (C / six) ** ((alpha if swap else beta) / (alpha + beta))
    return [N, C / six / N]


def run_emissions_kg(gpus, gpu_watts, host_watts, hours, pue, kg_per_kwh):
    return pue * hours * (gpus * gpu_watts + host_watts) / 1000 * kg_per_kwh


SUBMISSIONS = {
    "6.1": ((doubling_time_months,), [
        ((lambda y, f: 12 / np.polyfit(y, np.log10(f), 1)[0],), ["log10", "log2"]),
        ((lambda y, f: 1 / np.polyfit(y, np.log2(f), 1)[0],), ["in years", "months"]),
        ((lambda y, f: np.polyfit(y, np.log2(f), 1)[0],), ["the slope", "inverse"]),
        ((lambda y, f: 12 * (y[-1] - y[0]) / (np.log2(f[-1]) - np.log2(f[0])),), ["first and last"]),
    ]),
    "6.2": ((data_exponent,), [
        ((lambda D, L, E: -np.polyfit(np.log(D), np.log(L), 1)[0],), ["Subtract E"]),
        ((lambda D, L, E: np.polyfit(np.log(D), np.log(np.asarray(L) - E), 1)[0],), ["minus the slope"]),
        ((lambda D, L, E: -np.polyfit(D, np.log(np.asarray(L) - E), 1)[0],), ["log–log"]),
    ]),
    "6.3": ((optimal_split,), [
        ((lambda C, A, B, a, b: optimal_split(C, A, B, a, b, six=1.0),), ["6·N·D = C"]),
        ((lambda C, A, B, a, b: optimal_split(C, A, B, a, b, swap=True),), ["swapped"]),
        ((lambda C, A, B, a, b: [math.sqrt(C / 6)] * 2,), ["by accident"]),
    ]),
    "6.4": ((run_emissions_kg,), [
        ((lambda g, w, h, t, p, i: t * (g * w + h) * p * i,), ["divide the watts by 1000"]),
        ((lambda g, w, h, t, p, i: t * (g * w + h) / 1000 * i,), ["left out the PUE (1.58)"]),
        ((lambda g, w, h, t, p, i: p * t * g * w / 1000 * i,), ["hosts"]),
        ((lambda g, w, h, t, p, i: p * t * (w + h) / 1000 * i,), ["one GPU"]),
    ]),
}
