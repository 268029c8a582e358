"""Learning laws: a flexible model against models with the right structure.

* :mod:`.generators` — :data:`LAWS` (Kepler, Coulomb, a pendulum at finite amplitude), each a
  SymPy formula with sampling boxes; :func:`law_data` draws noisy training data.
* :mod:`.models` — four families behind one interface (MLP through the book's trainer, the
  expert's fitted form, gradient-boosted trees, symbolic regression with gplearn).
* :mod:`.harness` — :func:`learning_curve` (same data, same test sets, same budget for every
  family), :func:`crossover`.
* :mod:`.symbolic` — :func:`same_law` (SymPy decides), :func:`gplearn_to_sympy`, :func:`count_operations`.

Book: chapter "Beyond deep learning".
"""
from .generators import LAWS, Law, law_data
from .harness import Curve, crossover, learning_curve, mlp_compute_curve, normalised_error, test_sets
from .models import FAMILIES, Budget, Fitted, fit_expert, fit_mlp, fit_symbolic, fit_trees
from .symbolic import Equivalence, count_operations, gplearn_to_sympy, same_law

__all__ = ["Budget", "Curve", "Equivalence", "FAMILIES", "Fitted", "LAWS", "Law", "count_operations",
           "crossover", "fit_expert", "fit_mlp", "fit_symbolic", "fit_trees", "gplearn_to_sympy",
           "law_data", "learning_curve", "mlp_compute_curve", "normalised_error", "same_law", "test_sets"]
