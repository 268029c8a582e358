"""Arguments without a rule for optim's validated functions (see tests/test_validation.py)."""
import numpy as np


def _X():
    return np.random.default_rng(0).standard_normal((6, 3))


def _y():
    return np.array([1.0, -1.0, 1.0, 1.0, -1.0, -1.0])


OTHER_ARGS = {
    "nncomplexity.optim.logistic.logistic_loss": {"w": lambda: np.zeros(3), "X": _X, "y": _y},
    "nncomplexity.optim.logistic.logistic_grad": {"w": lambda: np.zeros(3), "X": _X, "y": _y},
    "nncomplexity.optim.logistic.logistic_smoothness": {"X": _X},
    "nncomplexity.optim.logistic.logistic_minimum": {"X": _X, "y": _y},
    "nncomplexity.optim.noise.fit_critical_batch": {
        "batch_sizes": lambda: [8, 16, 32], "steps": lambda: np.array([[40.0, 42.0], [25.0, 24.0], [17.0, 18.0]])},
    "nncomplexity.train.trace.full_batch_gd": {"data": lambda: _digits_like()},
    "nncomplexity.train.trace.per_example_gradients": {
        "weights": lambda: _stacked()[0], "biases": lambda: _stacked()[1], "X": lambda: _digits_like().X_train,
        "y": lambda: _digits_like().y_train},
}


def _digits_like():
    from nncomplexity.data import teacher_student

    return teacher_student(8, 4, widths=[3, 4], seed=0)[0]  # fits the Widths rule's example [3, 4]


def _stacked():
    import torch

    g = torch.Generator().manual_seed(0)
    return [torch.randn(1, 4, 3, generator=g)], [torch.randn(1, 4, generator=g)]
