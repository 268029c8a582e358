"""Arguments without a declared rule, for the generated bad-input tests of nncomplexity.laws."""


def _budget():
    from nncomplexity.laws.models import Budget

    return Budget(mlp_steps=3, trees=3, sr_population=20, sr_generations=1)


OTHER_ARGS = {
    "nncomplexity.laws.symbolic.same_law": {"candidate": lambda: "a**(3/2)", "truth": lambda: "a*sqrt(a)"},
    "nncomplexity.laws.harness.learning_curve": {"budget": _budget},
    "nncomplexity.laws.harness.mlp_compute_curve": {"budget": _budget},
}
