"""Lab 9's submissions for tests/test_grading.py: the solution and plausible wrong answers per task."""
from __future__ import annotations

import numpy as np


# --------------------------------------------------------------------------- 9.1
def prune_round(weights, masks, rate):
    sizes = [w.size for w in weights]
    scores = np.concatenate([np.where(m > 0, np.abs(w), -np.inf).ravel() for w, m in zip(weights, masks)])
    kept = int(sum(m.sum() for m in masks))
    n_out = sum(sizes) - kept + int(round(rate * kept))  # the old zeros and the new ones
    keep = np.ones(sum(sizes))
    keep[np.argsort(scores, kind="stable")[:n_out]] = 0
    return [k.reshape(w.shape) for k, w in zip(np.split(keep, np.cumsum(sizes)[:-1]), weights)]


def _prune_all(weights, masks, rate):
    sizes = [w.size for w in weights]
    scores = np.concatenate([np.where(m > 0, np.abs(w), -np.inf).ravel() for w, m in zip(weights, masks)])
    kept = int(sum(m.sum() for m in masks))
    n_out = sum(sizes) - kept + int(round(rate * sum(sizes)))
    keep = np.ones(sum(sizes))
    keep[np.argsort(scores, kind="stable")[:n_out]] = 0
    return [k.reshape(w.shape) for k, w in zip(np.split(keep, np.cumsum(sizes)[:-1]), weights)]


def _prune_revive(weights, masks, rate):
    sizes = [w.size for w in weights]
    scores = np.concatenate([np.abs(w).ravel() for w in weights])
    kept = int(sum(m.sum() for m in masks))
    n_out = sum(sizes) - kept + int(round(rate * kept))
    keep = np.ones(sum(sizes))
    keep[np.argsort(scores, kind="stable")[:n_out]] = 0
    return [k.reshape(w.shape) for k, w in zip(np.split(keep, np.cumsum(sizes)[:-1]), weights)]


def _prune_layer(weights, masks, rate):
    out = []
    for w, m in zip(weights, masks):
        s = np.where(m > 0, np.abs(w), -np.inf).ravel()
        k = np.ones(w.size)
        k[np.argsort(s, kind="stable")[: int(m.size - m.sum()) + int(round(rate * m.sum()))]] = 0
        out.append(k.reshape(w.shape))
    return out


# --------------------------------------------------------------------------- 9.2
def kendall_tau(x, y):
    x, y = np.asarray(x), np.asarray(y)
    n, s = len(x), 0
    for i in range(n):
        for j in range(i + 1, n):
            s += np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
    return float(s / (n * (n - 1) / 2))


def _tau_fraction(x, y):
    x, y = np.asarray(x), np.asarray(y)
    n, c = len(x), 0
    for i in range(n):
        for j in range(i + 1, n):
            c += (x[i] - x[j]) * (y[i] - y[j]) > 0
    return float(c / (n * (n - 1) / 2))


def _tau_all_pairs(x, y):
    x, y = np.asarray(x), np.asarray(y)
    n, s = len(x), 0
    for i in range(n):
        for j in range(i + 1, n):
            s += np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
    return float(s / (n * (n - 1)))


def _pearson(x, y):
    x, y = np.asarray(x) - np.mean(x), np.asarray(y) - np.mean(y)
    return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))


# --------------------------------------------------------------------------- 9.3
def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def distillation_loss(student, teacher, labels, T, alpha):
    log_q = _log_softmax(student / T)
    log_p = _log_softmax(teacher / T)
    kl = (np.exp(log_p) * (log_p - log_q)).sum(axis=1).mean()
    ce = -_log_softmax(student)[np.arange(len(labels)), labels].mean()
    return float(alpha * T ** 2 * kl + (1 - alpha) * ce)


def _distill_no_t2(student, teacher, labels, T, alpha):
    log_q = _log_softmax(student / T)
    log_p = _log_softmax(teacher / T)
    kl = (np.exp(log_p) * (log_p - log_q)).sum(axis=1).mean()
    ce = -_log_softmax(student)[np.arange(len(labels)), labels].mean()
    return float(alpha * kl + (1 - alpha) * ce)


def _distill_reversed(student, teacher, labels, T, alpha):
    log_q = _log_softmax(student / T)
    log_p = _log_softmax(teacher / T)
    kl = (np.exp(log_q) * (log_q - log_p)).sum(axis=1).mean()
    ce = -_log_softmax(student)[np.arange(len(labels)), labels].mean()
    return float(alpha * T ** 2 * kl + (1 - alpha) * ce)


def _distill_sum(student, teacher, labels, T, alpha):
    log_q = _log_softmax(student / T)
    log_p = _log_softmax(teacher / T)
    kl = (np.exp(log_p) * (log_p - log_q)).sum()
    ce = -_log_softmax(student)[np.arange(len(labels)), labels].sum()
    return float(alpha * T ** 2 * kl + (1 - alpha) * ce)


# --------------------------------------------------------------------------- 9.4
def regret_at_budget(true_acc, queried, observed, costs, budget):
    true_acc = np.asarray(true_acc)
    n = int(np.searchsorted(np.cumsum(costs), budget, side="right"))  # queries finished within the budget
    if n == 0:
        return float(true_acc.max() - true_acc.mean())
    incumbent = queried[int(np.argmax(observed[:n]))]
    return float(true_acc.max() - true_acc[incumbent])


def _regret_truth(true_acc, queried, observed, costs, budget):
    true_acc = np.asarray(true_acc)
    n = int(np.searchsorted(np.cumsum(costs), budget, side="right"))
    if n == 0:
        return float(true_acc.max() - true_acc.mean())
    return float(true_acc.max() - max(true_acc[q] for q in queried[:n]))


def _regret_crossing(true_acc, queried, observed, costs, budget):
    true_acc = np.asarray(true_acc)
    n = min(len(queried), int(np.searchsorted(np.cumsum(costs), budget, side="right")) + 1)
    incumbent = queried[int(np.argmax(observed[:n]))]
    return float(true_acc.max() - true_acc[incumbent])


def _regret_local(true_acc, queried, observed, costs, budget):
    true_acc = np.asarray(true_acc)
    n = int(np.searchsorted(np.cumsum(costs), budget, side="right"))
    if n == 0:
        return float(true_acc.max() - true_acc.mean())
    incumbent = queried[int(np.argmax(observed[:n]))]
    return float(max(true_acc[q] for q in queried[:n]) - true_acc[incumbent])


# --------------------------------------------------------------------------- 9.5
def pareto_front(cost, accuracy):
    order = sorted(range(len(cost)), key=lambda i: (cost[i], -accuracy[i]))
    front, best = [], -np.inf
    for i in order:
        if accuracy[i] > best:
            front.append(i)
            best = accuracy[i]
    return front


def _front_ties(cost, accuracy):
    order = sorted(range(len(cost)), key=lambda i: (cost[i], -accuracy[i]))
    front, best = [], -np.inf
    for i in order:
        if accuracy[i] >= best:
            front.append(i)
            best = accuracy[i]
    return front


def _front_by_accuracy(cost, accuracy):
    return sorted(pareto_front(cost, accuracy), key=lambda i: -accuracy[i])


SUBMISSIONS = {
    "9.1": ((prune_round,), [
        ((_prune_all,), ["rate × the weights still kept"]),
        ((_prune_revive,), ["came back"]),
        ((_prune_layer,), ["each layer on its own"]),
    ]),
    "9.2": ((kendall_tau,), [
        ((_tau_fraction,), ["fraction of concordant pairs"]),
        ((_tau_all_pairs,), ["n(n − 1)/2, not n(n − 1)"]),
        ((_pearson,), ["Pearson"]),
    ]),
    "9.3": ((distillation_loss,), [
        ((_distill_no_t2,), ["T²"]),
        ((_distill_reversed,), ["reversed"]),
        ((_distill_sum,), ["not sum"]),
    ]),
    "9.4": ((regret_at_budget,), [
        ((_regret_truth,), ["by its true accuracy"]),
        ((_regret_crossing,), ["crosses the budget"]),
        ((_regret_local,), ["whole space"]),
    ]),
    "9.5": ((pareto_front,), [
        ((_front_ties,), ["strictly more accurate"]),
        ((_front_by_accuracy,), ["sorted by cost"]),
    ]),
}
DIAGNOSE_ONLY: set[str] = set()
