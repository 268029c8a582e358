"""Three searchers run against the benchmark's table, each paying for what it queries in FLOPs.

A query trains one model of an architecture (one seed, drawn at random: a real evaluation is
noisy) and costs the training FLOPs of that run. The searcher keeps an *incumbent*, the
architecture with the best *observed* score; its *regret* is the gap between the best true
(seed-averaged) accuracy in the space and the incumbent's true accuracy. Because the table
holds the truth, each searcher can be rerun hundreds of times and its regret drawn against
the FLOPs it spent, with an interval.

* random search — uniform draws, full training each;
* regularised evolution (Real et al. 2019) — tournament selection, one mutation, the *oldest*
  member dies;
* successive halving (Jamieson & Talwalkar 2016; Hyperband, Li et al. 2018) — many candidates
  trained briefly, the best 1/η continued η× longer, scored by test loss at the shorter budgets.

Book: chapter 9, "Searching the table".
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from .benchmark import Benchmark
from .space import mutate, sample_architecture

__all__ = ["SearchTrace", "random_search", "regret_curve", "regularized_evolution", "successive_halving"]


@dataclass(frozen=True)
class SearchTrace:
    """What one search did: after query j it had spent ``cost_flops[j]`` and held ``incumbent[j]``."""

    queried: np.ndarray     # (n,) architecture index of each query
    cost_flops: np.ndarray  # (n,) cumulative training FLOPs after each query
    incumbent: np.ndarray   # (n,) index of the best architecture observed so far (-1: none complete yet)
    observed: np.ndarray    # (n,) the score each query observed: test accuracy, or −test loss at a short rung


def _check(bench, budget_flops, rng):
    if not isinstance(bench, Benchmark):
        raise TypeError(f"bench must be a Benchmark, got {type(bench).__name__}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    if not np.isfinite(budget_flops) or budget_flops <= 0:
        raise ValueError(f"budget_flops must be a positive number, got {budget_flops}")


class _Ledger:
    """Queries, their cost and the incumbent: the bookkeeping every searcher shares."""

    def __init__(self, bench: Benchmark, rng: np.random.Generator):
        self.bench, self.rng = bench, rng
        self.queried, self.cost, self.incumbent, self.observed = [], [], [], []
        self.spent, self.best, self.best_score = 0, -1, -np.inf

    def full(self, i: int) -> float:
        """Train architecture i fully with a random seed; return its observed test accuracy."""
        score = float(self.bench.test_accuracy[i, self.rng.integers(len(self.bench.seeds))])
        self._record(i, int(self.bench.train_flops[i]), score, complete=True)
        return score

    def _record(self, i: int, flops: int, score: float, complete: bool) -> None:
        self.spent += flops
        if complete and score > self.best_score:
            self.best, self.best_score = i, score
        self.queried.append(i)
        self.cost.append(self.spent)
        self.incumbent.append(self.best)
        self.observed.append(score)

    def trace(self) -> SearchTrace:
        return SearchTrace(np.array(self.queried, dtype=np.int64), np.array(self.cost, dtype=np.int64),
                           np.array(self.incumbent, dtype=np.int64), np.array(self.observed))


def random_search(bench: Benchmark, budget_flops: float, rng: np.random.Generator) -> SearchTrace:
    """Draw architectures uniformly (with replacement) and train each fully until the budget is spent.

    Cost: at most ``budget_flops`` + one training run; O(queries) Python work.
    """
    _check(bench, budget_flops, rng)
    led = _Ledger(bench, rng)
    while led.spent < budget_flops:
        led.full(int(rng.integers(len(bench.architectures))))
    return led.trace()


def regularized_evolution(bench: Benchmark, budget_flops: float, rng: np.random.Generator,
                          population: int = 10, sample_size: int = 3) -> SearchTrace:
    """Regularised ("aging") evolution (Real et al. 2019) on the table.

    Start with ``population`` random architectures; then repeat: draw ``sample_size`` members,
    mutate the best of them (:func:`~.space.mutate`), train the child, add it and remove the
    *oldest* member. Cost: at most ``budget_flops`` + one run.
    """
    _check(bench, budget_flops, rng)
    if not 1 <= sample_size <= population:
        raise ValueError(f"sample_size must be in [1, population={population}], got {sample_size}")
    led, pop = _Ledger(bench, rng), deque()
    while led.spent < budget_flops:
        if len(pop) < population:
            child = bench.index(sample_architecture(bench.space, rng))
        else:
            picks = rng.choice(len(pop), size=sample_size, replace=False)
            parent = max((pop[j] for j in picks), key=lambda m: m[1])[0]
            child = bench.index(mutate(bench.architectures[parent], bench.space, rng))
        pop.append((child, led.full(child)))
        if len(pop) > population:
            pop.popleft()  # the oldest dies, however good: the "regularisation"
    return led.trace()


def successive_halving(bench: Benchmark, budget_flops: float, rng: np.random.Generator,
                       n: int = 27, eta: int = 3) -> SearchTrace:
    """Brackets of successive halving until the budget is spent.

    A bracket draws ``n`` distinct architectures, trains each for the shortest rung of steps
    (steps/η^j, j as large as the recorded history allows), keeps the best ⌈n/η⌉ by test loss
    and resumes them to the next rung, … until full training, where test accuracy is observed.
    Only fully trained architectures can become the incumbent. Resumed training pays only the
    extra steps. Cost: at most ``budget_flops`` + one bracket.
    """
    _check(bench, budget_flops, rng)
    if n < 2 or eta < 2:
        raise ValueError(f"n and eta must be >= 2, got n={n}, eta={eta}")
    hist = list(bench.history_steps)
    rungs, most = [bench.steps], 1 + int(np.floor(np.log(n) / np.log(eta) + 1e-9))  # n/η^(r-1) >= 1
    while len(rungs) < most and rungs[0] % eta == 0 and rungs[0] // eta in hist:
        rungs.insert(0, rungs[0] // eta)
    led = _Ledger(bench, rng)
    A = len(bench.architectures)
    while led.spent < budget_flops:
        alive = rng.choice(A, size=min(n, A), replace=False)
        seed = {int(i): int(rng.integers(len(bench.seeds))) for i in alive}  # one run per candidate, resumed
        done = 0
        for r, steps in enumerate(rungs):
            last = r == len(rungs) - 1
            scores = []
            for i in alive:
                i = int(i)
                if last:
                    score = float(bench.test_accuracy[i, seed[i]])
                else:
                    score = -float(bench.history_test_loss[hist.index(steps), i, seed[i]])
                led._record(i, int(bench.step_flops[i]) * (steps - done), score, complete=last)
                scores.append(score)
            done = steps
            if not last:
                keep = max(1, int(np.ceil(len(alive) / eta)))
                alive = alive[np.argsort(scores, kind="stable")[::-1][:keep]]
    return led.trace()


def regret_curve(traces, bench: Benchmark, budgets) -> np.ndarray:
    """Regret of each trace at each budget: (R, B), NaN where nothing was fully trained yet.

    ``regret = max true accuracy − true accuracy of the incumbent held once ≤ budget was spent``.
    Cost: O(R · (n + B log n)).
    """
    budgets = np.asarray(budgets, float)
    truth = bench.true_accuracy
    out = np.full((len(traces), len(budgets)), np.nan)
    for r, tr in enumerate(traces):
        j = np.searchsorted(tr.cost_flops, budgets, side="right") - 1  # last query within each budget
        ok = j >= 0
        inc = np.where(ok, tr.incumbent[np.maximum(j, 0)], -1)
        ok &= inc >= 0
        out[r, ok] = truth.max() - truth[inc[ok]]
    return out
