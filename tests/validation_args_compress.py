"""Arguments without a declared rule in nncomplexity.compress: a valid value for each (see test_validation)."""
import numpy as np


OTHER_ARGS = {
    "nncomplexity.compress.lowrank.lowrank": {"W": lambda: np.arange(12.0).reshape(3, 4)},
    "nncomplexity.compress.lowrank.lowrank_error": {"W": lambda: np.arange(12.0).reshape(3, 4)},
    "nncomplexity.compress.quantize.quantize": {"W": lambda: np.linspace(-1.0, 2.0, 12).reshape(3, 4)},
    "nncomplexity.compress.sparse.crossover": {"sparsity": lambda: [0.1, 0.2, 0.3, 0.4]},
}
