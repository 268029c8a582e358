"""The batched trainer against training the same models one at a time.

Not a test: it measures and reports, and never fails. For M digits MLPs of one
shape (one init seed each) trained for the same steps on the same batches, it
times three ways of doing the same work:

- ``batched``: one ``train_mlps`` run with M seeds (stacked weights, ``torch.baddbmm``);
- ``loop``: M ``train_mlps`` runs with one seed each;
- ``plain``: M runs of the textbook loop, ``mlp_torch`` + ``torch.optim.Adam`` + ``cross_entropy``.

It prints the wall time of each, the time per model-step, the speed-up of
``batched`` over the other two, and the FLOP rate of the batched run (exact
counts: ``training_step_flops`` × steps × M, divided by its time). The models
and the final weights are the same in all three (tests/test_train.py), so the
speed-up is pure overhead removed: on a small model, a step of one model is
dominated by Python and dispatch costs, which the batched run pays once for M models.

Then a NAS-style grid (every MLP with 1–3 hidden layers of widths 8/16/32/64: 84
architectures × 3 seeds) trained by ``train_grid`` padded (one run per depth, the
padding masked) and unpadded (one run per shape), with the FLOPs each executes:
padding buys fewer calls with wasted products, so which wins depends on how much the widths vary.

Threads: 1 (``TrainConfig.threads``), the trainer's default: on a 2-core shared
machine more threads make these tiny products slower.

Usage: python benchmarks/bench_train.py [--models 10 100] [--steps 100] [--hidden 32]
"""
from __future__ import annotations

import argparse
import itertools
import time

import numpy as np
import torch

from nncomplexity.cost.flops import training_step_flops
from nncomplexity.data import load_digits_split
from nncomplexity.kernels.mlp_torch import mlp_torch
from nncomplexity.measure.machine import format_stamp
from nncomplexity.train import TrainConfig, train_grid, train_mlps
from nncomplexity.train.loop import _orders


def plain(widths, data, config, seed):
    model = mlp_torch(widths, generator=seed)
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    order = _orders(len(data.y_train), [seed], config)
    for _ in range(config.steps):
        idx = next(order)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(data.X_train[idx]), data.y_train[idx]).backward()
        opt.step()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=32)
    args = parser.parse_args(argv)
    data = load_digits_split(seed=0)
    widths, config = [64, args.hidden, 10], TrainConfig(steps=args.steps, batch_size=64)
    torch.set_num_threads(1)
    train_mlps(widths, data, config, [0])  # warm-up: first calls load kernels
    print(format_stamp())
    print(f"widths {widths}, batch 64, {args.steps} Adam steps per model, 1 thread\n")
    print(f"{'M':>5} {'batched s':>10} {'loop s':>8} {'plain s':>8} {'µs/model-step':>14} "
          f"{'vs loop':>8} {'vs plain':>9} {'batched GFLOP/s':>16}")
    for M in args.models:
        seeds = list(range(M))
        t_batched = timed(lambda: train_mlps(widths, data, config, seeds))
        t_loop = timed(lambda: [train_mlps(widths, data, config, [s]) for s in seeds])
        t_plain = timed(lambda: [plain(widths, data, config, s) for s in seeds])
        flops = training_step_flops(widths, 64) * args.steps * M
        print(f"{M:>5} {t_batched:>10.2f} {t_loop:>8.2f} {t_plain:>8.2f} "
              f"{1e6 * t_batched / (M * args.steps):>14.1f} {t_loop / t_batched:>7.1f}× "
              f"{t_plain / t_batched:>8.1f}× {flops / t_batched / 1e9:>16.2f}")

    archs = [[64, *h, 10] for d in (1, 2, 3) for h in itertools.product((8, 16, 32, 64), repeat=d)]
    seeds = [0, 1, 2]
    useful = sum(training_step_flops(w, 64) for w in archs) * len(seeds) * args.steps
    print(f"\n{len(archs)} architectures × {len(seeds)} seeds, {args.steps} steps; useful training "
          f"FLOPs {useful / 1e9:.2f} G")
    print(f"{'grid':>10} {'runs':>5} {'time s':>7} {'executed GFLOP':>15} {'acc median':>11}")
    for pad in (True, False):
        start = time.perf_counter()
        grid = train_grid(archs, data, config, seeds, pad=pad)
        elapsed = time.perf_counter() - start
        if pad:
            runs = 3
            executed = sum(training_step_flops([64, *[64] * d, 10], 64) * len(seeds) * args.steps
                           * sum(len(w) == d + 2 for w in archs) for d in (1, 2, 3))
        else:
            runs, executed = len(archs), useful
        acc = np.median([r.test_accuracy for r in grid.values()])
        print(f"{'padded' if pad else 'per shape':>10} {runs:>5} {elapsed:>7.2f} {executed / 1e9:>15.2f} {acc:>11.3f}")


if __name__ == "__main__":
    main()
