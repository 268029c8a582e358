"""Valid values for the learning package's arguments that have no declared rule (samples, graphs, generators)."""
import numpy as np


def _sample():
    return np.array([[0, 1], [1, 0], [1, 1]]), np.array([True, True, False])


OTHER_ARGS = {
    "nncomplexity.learning.reductions.coloring_sample": {"edges": lambda: []},
    "nncomplexity.learning.reductions.is_proper_coloring": {"edges": lambda: [], "coloring": lambda: [0]},
    "nncomplexity.learning.reductions.dnf_from_coloring": {"coloring": lambda: [0]},
    "nncomplexity.learning.reductions.find_coloring": {"edges": lambda: []},
    "nncomplexity.learning.proper.find_consistent_dnf": {"X": lambda: _sample()[0], "y": lambda: _sample()[1]},
    "nncomplexity.learning.improper.learn_kcnf": {"X": lambda: _sample()[0], "y": lambda: _sample()[1]},
    "nncomplexity.learning.threshold.find_threshold_network": {"X": lambda: _sample()[0],
                                                               "y": lambda: _sample()[1]},
    "nncomplexity.learning.threshold.fit_polynomial_threshold": {"X": lambda: _sample()[0],
                                                                 "y": lambda: _sample()[1]},
    "nncomplexity.learning.instances.random_graph": {"rng": lambda: np.random.default_rng(0)},
    "nncomplexity.learning.instances.planted_coloring_graph": {"rng": lambda: np.random.default_rng(0)},
    "nncomplexity.learning.instances.random_dnf": {"rng": lambda: np.random.default_rng(0)},
    "nncomplexity.learning.instances.threshold_sample": {"rng": lambda: np.random.default_rng(0)},
}
