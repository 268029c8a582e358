"""Learning theory made executable: PAC sample bounds, the Pitt–Valiant reduction, proper and
improper learners, and consistency of small threshold networks (Blum & Rivest).

One concept per module:

- :mod:`.pac`: the sample bound of a consistent learner of a finite class, class sizes;
- :mod:`.hypotheses`: :class:`DNF` and :class:`CNF` over 0/1 inputs, literals in DIMACS style,
  and :func:`read_sample` (the argument check of every learner);
- :mod:`.instances`: seeded generators (random graphs, planted colourings, random DNFs,
  threshold-network samples);
- :mod:`.reductions`: graph k-colouring ↔ consistent k-term DNF (Pitt & Valiant), both directions,
  and a brute-force colouring search to check them;
- :mod:`.proper`: :func:`find_consistent_dnf`, an exact proper learner (SAT or backtracking);
- :mod:`.improper`: :func:`learn_kcnf`, the elimination learner of k-CNF;
- :mod:`.threshold`: :func:`find_threshold_network`, consistency of a 2-layer, 3-node threshold
  network decided exactly by a MILP, and :func:`fit_polynomial_threshold`, an improper LP.

Nothing here trains a neural network: gradient descent on these instances is the trainer's job
(:mod:`nncomplexity.train`), called from the chapter.
"""
from .hypotheses import CNF, DNF, read_sample
from .improper import candidate_clauses, learn_kcnf
from .instances import planted_coloring_graph, random_dnf, random_graph, threshold_sample
from .pac import kcnf_clause_count, sample_bound
from .proper import find_consistent_dnf
from .reductions import coloring_from_dnf, coloring_sample, dnf_from_coloring, find_coloring, is_proper_coloring
from .threshold import (PolynomialThreshold, ThresholdNetwork, find_threshold_network,
                        fit_polynomial_threshold)

__all__ = [
    "CNF", "DNF", "PolynomialThreshold", "ThresholdNetwork", "candidate_clauses", "read_sample",
    "coloring_from_dnf", "coloring_sample", "dnf_from_coloring", "find_coloring", "find_consistent_dnf",
    "find_threshold_network", "fit_polynomial_threshold", "is_proper_coloring", "kcnf_clause_count",
    "learn_kcnf", "planted_coloring_graph", "random_dnf", "random_graph", "sample_bound", "threshold_sample",
]
