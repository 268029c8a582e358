"""Arguments without a rule for the scale chapter's functions (see tests/test_validation.py)."""
from nncomplexity.measure.scaling import ScalingLaw

OTHER_ARGS = {
    "nncomplexity.cost.training.compute_optimal": {"law": lambda: ScalingLaw(1.0, 10.0, 20.0, 0.5, 0.4)},
}
