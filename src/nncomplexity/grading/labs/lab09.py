"""Lab 9, finding small networks: a pruning round, Kendall's τ, the distillation loss, regret, a Pareto front.

References (the grader's own process): a global magnitude round written here in NumPy, Kendall's τ
from the pair counts, the distillation loss in NumPy (``log-sum-exp``), the regret of an incumbent
and ``search.pareto_front`` (plain NumPy; no torch needed).
"""
from __future__ import annotations

import numpy as np

from ..answers import Answer, Real, as_float_array, close, rel_close
from ..core import Case, CheckFailed, Helpers, Mistake, Task
from ._common import NUMPY

LAB, TITLE = "lab09", "Lab 9: Finding small networks"


# =========================================================================== Task 9.1
def _round_cases(rng):
    cases = []
    for shapes, prev, rate in [([(4, 6), (3, 4)], 0.0, 0.2), ([(5, 5), (2, 5)], 0.3, 0.3), ([(8, 3)], 0.5, 0.5),
                               ([(6, 4), (4, 4), (2, 4)], 0.6, 0.25), ([(3, 7), (7, 1)], 0.2, 0.35)]:
        ws, ms = [], []
        for s in shapes:
            W = rng.permutation(np.arange(1, np.prod(s) + 1)).reshape(s) * rng.choice([-1.0, 1.0], size=s)
            ws.append(W / 10 + rng.uniform(0, 0.01, size=s))  # distinct magnitudes
        total = sum(w.size for w in ws)
        scores = np.concatenate([np.abs(w).ravel() for w in ws])
        n_prev = int(round(prev * total))
        keep = np.ones(total)
        keep[rng.permutation(total)[:n_prev]] = 0  # pruned before: anywhere (masks are not by magnitude here)
        cuts = np.cumsum([w.size for w in ws])[:-1]
        ms = [k.reshape(w.shape) for k, w in zip(np.split(keep, cuts), ws)]
        del scores
        cases.append(Case((ws, ms, rate), f"for layers {[tuple(s) for s in shapes]}, {n_prev} of {total} already "
                                          f"pruned, rate {rate}", facts={"total": total}))
    return cases


def _round(ws, ms, rate, scope="global", remaining=True, revive=False, key=np.abs, rounding=round):
    total = sum(w.size for w in ws)
    kept = int(sum(m.sum() for m in ms))
    n_new = rounding(rate * (kept if remaining else total))
    if scope == "layer":
        out = []
        for w, m in zip(ws, ms):
            s = np.where(m.ravel() > 0, key(w).ravel(), -np.inf)
            k = np.array(m.ravel(), float)
            k[np.argsort(s, kind="stable")[: int(m.size - m.sum()) + rounding(rate * m.sum())]] = 0
            out.append(k.reshape(w.shape))
        return out
    scores = np.concatenate([(key(w) if revive else np.where(m > 0, key(w), -np.inf)).ravel() for w, m in zip(ws, ms)])
    keep = np.ones(total)
    keep[np.argsort(scores, kind="stable")[: total - kept + n_new]] = 0
    cuts = np.cumsum([w.size for w in ws])[:-1]
    return [k.reshape(w.shape) for k, w in zip(np.split(keep, cuts), ws)]


class Masks(Answer):
    """A list of 0/1 arrays, one per layer, of the layers' shapes."""

    what = "your masks"

    def coerce(self, case, value):
        ws = case.args[0]
        if not isinstance(value, (list, tuple)) or len(value) != len(ws):
            raise CheckFailed(f"return a list of {len(ws)} masks, one per layer, {case.on}; got "
                              f"{type(value).__name__}{'' if not isinstance(value, (list, tuple)) else f' of {len(value)}'}")
        arrs = [as_float_array(v, f"mask {k}", case.on) for k, v in enumerate(value)]
        for k, (a, w) in enumerate(zip(arrs, ws)):
            if a.shape != np.shape(w):
                raise CheckFailed(f"mask {k} has shape {a.shape} {case.on}; expected the layer's {np.shape(w)}")
        return arrs

    def same(self, case, got, want):
        return all(close(g, w) for g, w in zip(got, want))

    def head(self, case, got, want):
        n_got = int(sum(g.size - g.sum() for g in got))
        n_want = int(sum(w.size - w.sum() for w in want))
        return f"your masks prune {n_got} weights {case.on}; expected {n_want}"


# =========================================================================== Task 9.2
def _tau_cases(rng):
    cases = [([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], "identical orders"),
             ([1.0, 2.0, 3.0, 4.0, 5.0], [5.0, 4.0, 3.0, 2.0, 1.0], "reversed orders"),
             ([0.1, 0.4, 0.2, 0.9, 0.5], [0.3, 0.35, 0.1, 0.8, 0.9], "5 architectures")]
    for n in (12, 39):
        x = rng.permutation(n) + rng.uniform(0, 0.5, n)
        y = x + rng.normal(0, n / 4, n)
        cases.append((list(x), list(y), f"{n} architectures"))
    return [Case((x, y), f"for {label}") for x, y, label in cases]


def _pairs(x, y):
    x, y = np.asarray(x), np.asarray(y)
    i, j = np.triu_indices(len(x), 1)
    s = np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
    return int((s > 0).sum()), int((s < 0).sum()), len(i)


def _tau(x, y):
    c, d, p = _pairs(x, y)
    return (c - d) / p


def _pearson(x, y):
    return float(np.corrcoef(x, y)[0, 1])


def _spearman(x, y):
    return _pearson(np.argsort(np.argsort(x)), np.argsort(np.argsort(y)))


# =========================================================================== Task 9.3
def _distill_cases(rng):
    cases = []
    for t, c, T, alpha in [(4, 3, 2.0, 0.5), (6, 10, 4.0, 0.9), (1, 5, 1.0, 0.7), (5, 4, 8.0, 1.0), (3, 6, 0.5, 0.3)]:
        s, v = rng.normal(0, 2, (t, c)), rng.normal(0, 3, (t, c))
        y = rng.integers(0, c, t)
        cases.append(Case((s, v, y, T, alpha), f"for {t} examples, {c} classes, T = {T}, α = {alpha}"))
    return cases


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _distill(s, v, y, T, alpha, t2=True, reverse=False, student_T=True, swap=False, soft_ce=False, total=False):
    t = len(y)
    log_q = _log_softmax(s / T if student_T else s)
    log_p = _log_softmax(v / T)
    kl = (np.exp(log_q) * (log_q - log_p)).sum(1) if reverse else (np.exp(log_p) * (log_p - log_q)).sum(1)
    ce_logits = s / T if soft_ce else s
    ce = -_log_softmax(ce_logits)[np.arange(t), y]
    soft, hard = (kl.sum(), ce.sum()) if total else (kl.mean(), ce.mean())
    scale = T ** 2 if t2 else 1.0
    a = 1 - alpha if swap else alpha
    return float(a * scale * soft + (1 - a) * hard)


# =========================================================================== Task 9.4
def _regret_cases(rng):
    cases = [Case(([0.9, 0.8, 0.85, 0.7], [1, 0, 2, 3], [0.88, 0.86, 0.84, 0.9], [1000, 1000, 1000, 1000], 3000),
                  "for 4 architectures, a lucky seed for architecture 1, budget 3,000 FLOPs")]
    for n_arch, n_q, frac in [(10, 6, 0.5), (20, 12, 0.7), (8, 5, 1.0), (30, 15, 0.3), (6, 4, 0.05)]:
        truth = np.round(rng.uniform(0.5, 0.97, n_arch), 4)
        queried = rng.integers(0, n_arch, n_q)
        observed = np.round(truth[queried] + rng.normal(0, 0.05, n_q), 4)  # one noisy seed per query
        costs = rng.integers(1, 10, n_q) * 1000
        budget = int(frac * costs.sum())
        cases.append(Case((list(truth), [int(q) for q in queried], list(observed), [int(c) for c in costs], budget),
                          f"for {n_arch} architectures, {n_q} queries, budget {budget:,} FLOPs"))
    return cases


def _regret(truth, queried, observed, costs, budget, by_truth=False, crossing=False, local=False, observed_value=False):
    truth, queried, observed = np.asarray(truth), np.asarray(queried), np.asarray(observed)
    spent = np.cumsum(costs)
    n = int(np.searchsorted(spent, budget, side="right")) + (1 if crossing else 0)
    n = min(n, len(queried))
    if n == 0:
        return float(truth.max() - truth.mean())  # nothing finished: a blind pick
    q, o = queried[:n], observed[:n]
    inc = q[int(np.argmax(truth[q] if by_truth else o))]
    best = truth[q].max() if local else truth.max()
    value = o[int(np.argmax(o))] if observed_value else truth[inc]
    return float(best - value)


# =========================================================================== Task 9.5
def _front_cases(rng):
    cases = [([3.0, 1.0, 2.0], [0.9, 0.5, 0.7], "3 points, all on the front"),
             ([1.0, 1.0, 2.0, 3.0], [0.6, 0.8, 0.8, 0.9], "equal costs and an equal accuracy"),
             ([5.0, 4.0, 3.0], [0.9, 0.95, 0.99], "the cheapest is also the best")]
    for n in (15, 40):
        cost = rng.integers(1, 12, n).astype(float)
        acc = np.round(0.5 + 0.04 * np.log(cost) + rng.normal(0, 0.05, n), 2)
        cases.append((list(cost), list(acc), f"{n} architectures (ties in cost and accuracy)"))
    return [Case((c, a), f"for {label}") for c, a, label in cases]


def _front(cost, acc, strict=True, sort_acc=False, everything=False):
    cost, acc = np.asarray(cost, float), np.asarray(acc, float)
    order = np.lexsort((-acc, cost))
    if everything:
        return [int(i) for i in order]
    out, best = [], -np.inf
    for i in order:
        if acc[i] > best or (not strict and acc[i] >= best):
            out.append(int(i))
            best = acc[i]
    return sorted(out, key=lambda i: -acc[i]) if sort_acc else out


class Indices(Answer):
    """A list of integer indices in a given order."""

    what = "your front"

    def coerce(self, case, value):
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise CheckFailed(f"return a list of indices {case.on}, got {type(value).__name__}") from None

    def same(self, case, got, want):
        return list(got) == list(want)

    def like(self, case, got, alt):
        return list(got) == list(alt)

    def head(self, case, got, want):
        return f"{self.what} {case.on} is {got}; expected {want}"


TASKS = [
    Task("9.1", "prune one round of iterative magnitude pruning", 2, ("prune_round",),
         "prune_round(weights, masks, rate) against a global round removing round(rate · kept) of the still-kept "
         "weights of smallest |w| on 5 networks (1 to 3 layers, up to 60 % already pruned); diagnoses the rate "
         "applied to all weights, pruned weights revived, per-layer rounds, signed weights",
         cases=_round_cases, reference=_round, helpers=NUMPY, answer=Masks(),
         mistakes=(
             Mistake("you pruned rate × all weights; a round prunes rate × the weights still kept (so sparsity "
                     "after r rounds is 1 − (1 − rate)^r)", lambda ws, ms, r: _round(ws, ms, r, remaining=False)),
             Mistake("a weight pruned in an earlier round came back: rank only the weights whose mask is 1, and "
                     "keep every 0 of the old mask", lambda ws, ms, r: _round(ws, ms, r, revive=True)),
             Mistake("you pruned each layer on its own; the round is global (one ranking across all layers)",
                     lambda ws, ms, r: _round(ws, ms, r, scope="layer")),
             Mistake("you ranked the signed weights; rank |w|", lambda ws, ms, r: _round(ws, ms, r, key=lambda x: x)),
         ),
         passed="right on {n} networks: the old zeros kept, exactly round(rate · kept) more removed"),
    Task("9.2", "compute Kendall's τ", 2, ("kendall_tau",),
         "kendall_tau(x, y) (no ties) against (concordant − discordant) / (n(n−1)/2) on 5 pairs of rankings "
         "(identical, reversed, 39 architectures); diagnoses the concordant fraction, n² or n(n−1) pairs, "
         "Pearson's or Spearman's correlation", cases=_tau_cases, reference=_tau,
         helpers=Helpers(allow=("numpy",), forbid=("numpy.corrcoef",)), answer=Real("your τ", rtol=1e-9),
         mistakes=(
             Mistake("that is the fraction of concordant pairs; τ = (concordant − discordant) / pairs, from −1 to 1",
                     when=lambda got, want, x, y: rel_close(got, _pairs(x, y)[0] / _pairs(x, y)[2])),
             Mistake("the number of pairs is n(n − 1)/2, not n(n − 1): each pair counted once",
                     when=lambda got, want, x, y: rel_close(got, want / 2)),
             Mistake("divide by the n(n − 1)/2 distinct pairs, not by n²",
                     when=lambda got, want, x, y: rel_close(got, want * (len(x) - 1) / (2 * len(x)))),
             Mistake("that is Pearson's correlation of the values; Kendall's τ counts pairs in the same order",
                     when=lambda got, want, x, y: rel_close(got, _pearson(x, y))),
             Mistake("that is Spearman's rank correlation; Kendall's τ counts concordant and discordant pairs",
                     when=lambda got, want, x, y: rel_close(got, _spearman(x, y))),
         ),
         passed="exact on {n} pairs of rankings"),
    Task("9.3", "write the distillation loss", 2, ("distillation_loss",),
         "distillation_loss(student, teacher, labels, T, alpha) in NumPy against α·T²·KL(p_T ‖ q_T) + (1 − α)·CE on "
         "5 batches (batch 1, T < 1, α = 1); diagnoses the missing T², KL reversed, the student not softened, α on "
         "the wrong term, a softened CE, sums for means", cases=_distill_cases, reference=_distill, helpers=NUMPY,
         answer=Real("your loss", rtol=1e-7),
         mistakes=(
             Mistake("the soft term is multiplied by T² (Hinton et al.): without it its gradient shrinks like 1/T²",
                     lambda s, v, y, T, a: _distill(s, v, y, T, a, t2=False) if T != 1 else None),
             Mistake("the KL is reversed: it is KL(teacher ‖ student) = Σ p_T (log p_T − log q_T)",
                     lambda s, v, y, T, a: _distill(s, v, y, T, a, reverse=True)),
             Mistake("soften the student too: q_T = softmax(student / T)",
                     lambda s, v, y, T, a: _distill(s, v, y, T, a, student_T=False) if T != 1 else None),
             Mistake("α weighs the soft (teacher) term and 1 − α the labels; you swapped them",
                     lambda s, v, y, T, a: _distill(s, v, y, T, a, swap=True) if a != 0.5 else None),
             Mistake("the cross-entropy with the labels uses the student's plain logits, not logits / T",
                     lambda s, v, y, T, a: _distill(s, v, y, T, a, soft_ce=True) if T != 1 and a < 1 else None),
             Mistake("average over the batch, not sum", lambda s, v, y, T, a: _distill(s, v, y, T, a, total=True)
                     if len(y) > 1 else None),
         ),
         passed="agrees to 1e-7 on {n} batches"),
    Task("9.4", "compute a searcher's regret at a budget", 2, ("regret_at_budget",),
         "regret_at_budget(true_acc, queried, observed, costs, budget) on 6 search traces (a lucky seed, one where nothing fits "
         "the budget): the best true accuracy minus the true accuracy of the best-observed query among those "
         "finished within the budget; diagnoses the incumbent picked by the truth, the query that crosses the budget "
         "counted, regret against the best queried, the observed accuracy reported",
         cases=_regret_cases, reference=_regret, helpers=NUMPY, answer=Real("your regret", rtol=1e-9),
         mistakes=(
             Mistake("you chose the incumbent by its true accuracy; the searcher only knows what it observed (one "
                     "noisy seed), so pick by `observed`", lambda *a: _regret(*a, by_truth=True)),
             Mistake("you counted the query whose training crosses the budget; only queries with cumulative cost "
                     "<= budget are finished", lambda *a: _regret(*a, crossing=True)),
             Mistake("regret is measured against the best architecture in the whole space (max of true_acc), not "
                     "the best one queried", lambda *a: _regret(*a, local=True)),
             Mistake("report the incumbent's true accuracy, not the noisy value the searcher observed",
                     lambda *a: _regret(*a, observed_value=True)),
         ),
         passed="right on {n} traces, including a budget too small for any query"),
    Task("9.5", "find the Pareto front", 1, ("pareto_front",),
         "pareto_front(cost, accuracy) against the indices of the non-dominated points sorted by cost on 5 sets "
         "(equal costs, equal accuracies); diagnoses ties kept (>= for >), order by accuracy, no points removed",
         cases=_front_cases, reference=_front, helpers=NUMPY, answer=Indices(),
         mistakes=(
             Mistake("a point with the same accuracy as a cheaper one is dominated: keep a point only if it is "
                     "strictly more accurate than every cheaper one", lambda c, a: _front(c, a, strict=False)),
             Mistake("return the front sorted by cost (cheapest first)", lambda c, a: _front(c, a, sort_acc=True)),
             Mistake("you kept dominated points: drop every point that another beats (cost <=, accuracy >=, "
                     "one strictly)", lambda c, a: _front(c, a, everything=True)),
         ),
         passed="right on {n} sets, ties included"),
    Task("9.6", "judge a cheap ranking", 0, (), "free-text answer, read by the instructor: not auto-graded",
         kind="manual"),
]
