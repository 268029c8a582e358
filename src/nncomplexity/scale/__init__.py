"""The price of scale: published models' compute, its trend, energy and carbon, accuracy per operation.

One concept per module:

* :mod:`.models` — :class:`NotableModel`, a cited table of notable models (parameters, data,
  training FLOPs reported or estimated, and which), and the architecture count for AlexNet;
* :mod:`.trends` — :func:`fit_doubling_time`, the doubling time of training compute with an interval;
* :mod:`.energy` — Strubell et al.'s energy and CO₂e formula, their table, Patterson et al.'s corrections;
* :mod:`.pareto` — :func:`pareto_front`, and the accuracy-against-operations points of Bianco et al.

The scaling law itself is measured with :func:`nncomplexity.measure.fit_scaling_law` and
:func:`nncomplexity.cost.training.compute_optimal`; the runs come from :mod:`nncomplexity.train`.
"""
from .energy import (CO2E_LB_PER_KWH_US, PUE_STRUBELL, STRUBELL_COMPARISONS, STRUBELL_RUNS, co2e_lb,
                     energy_kwh)
from .models import HOFFMANN_LAW, MODELS, NotableModel, alexnet_forward_macs
from .pareto import IMAGENET_POINTS, ImageNetPoint, pareto_front
from .trends import fit_doubling_time

__all__ = ["CO2E_LB_PER_KWH_US", "HOFFMANN_LAW", "IMAGENET_POINTS", "ImageNetPoint", "MODELS", "NotableModel",
           "PUE_STRUBELL", "STRUBELL_COMPARISONS", "STRUBELL_RUNS", "alexnet_forward_macs", "co2e_lb",
           "energy_kwh", "fit_doubling_time", "pareto_front"]
