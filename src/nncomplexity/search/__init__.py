"""Finding small networks: a tabular NAS benchmark, searchers, a supernet, lottery tickets, distillation.

Built on the book's one trainer, :mod:`nncomplexity.train`; every search cost is in FLOPs.

* :mod:`.space` — the search space (depth, widths, activation) and its enumeration.
* :mod:`.benchmark` — train every architecture with several seeds: the ground truth.
* :mod:`.searchers` — random search, regularised evolution, successive halving; regret vs cost.
* :mod:`.supernet` — one weight-shared network whose sub-networks are ranked without training.
* :mod:`.lottery` — magnitude masks and iterative magnitude pruning with rewinding.
* :mod:`.distill` — the distillation loss (validated) and a temperature × α grid.
* :mod:`.stats` — a mean and Kendall τ with bootstrap intervals.

Book: chapter 9, "Finding small networks".
"""
from .benchmark import Benchmark, build_benchmark, pareto_front
from .distill import distill_grid, distillation_loss, teacher_logits
from .lottery import LotteryResult, iterative_magnitude_pruning, magnitude_masks, mask_sparsity
from .stats import kendall_tau_ci, mean_ci
from .searchers import SearchTrace, random_search, regret_curve, regularized_evolution, successive_halving
from .space import Architecture, SearchSpace, enumerate_space, mutate, sample_architecture, space_size
from .supernet import Supernet, inherited_accuracy, train_supernet

__all__ = [
    "Architecture", "Benchmark", "LotteryResult", "SearchSpace", "SearchTrace", "Supernet",
    "build_benchmark", "distill_grid", "distillation_loss", "enumerate_space", "inherited_accuracy",
    "iterative_magnitude_pruning", "kendall_tau_ci", "magnitude_masks", "mask_sparsity", "mean_ci", "mutate",
    "pareto_front", "random_search", "regret_curve", "regularized_evolution", "sample_architecture",
    "space_size", "successive_halving", "teacher_logits", "train_supernet",
]
