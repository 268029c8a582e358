"""The search space: its size formula, its enumeration, sampling and mutation stay inside it."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.search import Architecture, SearchSpace, enumerate_space, mutate, sample_architecture, space_size

spaces = st.builds(
    SearchSpace,
    widths=st.lists(st.integers(1, 64), min_size=1, max_size=4, unique=True).map(tuple),
    depths=st.lists(st.integers(1, 3), min_size=1, max_size=3, unique=True).map(tuple),
    activations=st.lists(st.sampled_from(["relu", "tanh", "sigmoid"]), min_size=1, max_size=3,
                         unique=True).map(tuple))


@given(spaces)
@settings(max_examples=50, deadline=None)
def test_size_formula_counts_the_enumeration(space):
    archs = enumerate_space(space)
    assert len(archs) == space_size(space) == len(set(archs))
    assert all(len(a.hidden) in space.depths and set(a.hidden) <= set(space.widths) for a in archs)


@given(spaces, st.integers(0, 2 ** 32 - 1))
@settings(max_examples=50, deadline=None)
def test_sample_and_mutate_stay_in_the_space(space, seed):
    rng = np.random.default_rng(seed)
    archs = set(enumerate_space(space))
    a = sample_architecture(space, rng)
    assert a in archs
    if len(archs) > 1:
        b = mutate(a, space, rng)
        assert b in archs and b != a
    else:
        with pytest.raises(ValueError, match="nothing to mutate"):
            mutate(a, space, rng)


def test_default_space_is_large_enough_and_ordered():
    space = SearchSpace()
    archs = enumerate_space(space)
    assert space_size(space) == 3 * (3 + 9 + 27) == 117 >= 100
    assert archs[0] == Architecture((8,), "relu") and archs[-1] == Architecture((32, 32, 32), "sigmoid")
    assert archs[0].widths(64, 10) == [64, 8, 10] and archs[0].label() == "8 relu"


def test_sampling_is_uniform_over_architectures():
    space = SearchSpace(widths=(1, 2), depths=(1, 2), activations=("relu",))  # 2 + 4 = 6 architectures
    rng = np.random.default_rng(0)
    counts = {}
    for _ in range(6000):
        a = sample_architecture(space, rng)
        counts[a] = counts.get(a, 0) + 1
    assert len(counts) == 6 and all(abs(c - 1000) < 150 for c in counts.values())


@pytest.mark.parametrize("kw, exc, name", [
    ({"widths": ()}, ValueError, "widths"), ({"widths": (8, 8)}, ValueError, "widths"),
    ({"widths": (0,)}, ValueError, "widths[0]"), ({"depths": (1.5,)}, TypeError, "depths[0]"),
    ({"activations": ("softmax",)}, ValueError, "activations"), ({"n_in": 0}, ValueError, "n_in"),
    ({"depths": [1, 2]}, ValueError, "depths")])
def test_bad_space_is_refused_by_name(kw, exc, name):
    with pytest.raises(exc, match=name.replace("[", r"\[").replace("]", r"\]")):
        SearchSpace(**kw)


def test_enumerate_space_refuses_other_types():
    with pytest.raises(TypeError, match="space"):
        enumerate_space({"widths": (8,)})
