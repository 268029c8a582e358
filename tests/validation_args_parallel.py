"""Arguments without a declared rule, for the generated bad-input tests of the parallel chapter's functions."""
OTHER_ARGS = {
    "nncomplexity.parallel.alpha_beta.fit_alpha_beta": {"n_bytes": lambda: [1.0, 2.0, 3.0],
                                                        "seconds": lambda: [1.0, 2.0, 3.5]},
}
