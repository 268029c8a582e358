"""Analytic FLOP counts against torch.utils.flop_counter.FlopCounterMode, exactly."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.cost.flops import (
    backward_flops,
    elementwise_flops,
    forward_backward_ratio,
    forward_flops,
    training_step_flops,
)

torch = pytest.importorskip("torch")
from nncomplexity.cost.counting import count_flops_torch
from nncomplexity.kernels.mlp_torch import mlp_torch  # noqa: E402

SEED = 20261121
N_ARCHITECTURES = 200


def _random_architectures(seed, count):
    """Widths 1..1024, depth 1..10, batch 1..128, drawn from an explicit Generator."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        depth = int(rng.integers(1, 11))
        widths = [int(w) for w in rng.integers(1, 1025, size=depth + 1)]
        yield widths, int(rng.integers(1, 129))


def _measure(widths, batch, input_grad, device="meta", activation="relu", bias=True):
    model = mlp_torch(widths, activation=activation, bias=bias, device=device)
    x = torch.empty(batch, widths[0], device=device, requires_grad=input_grad)
    if device != "meta":
        x = torch.randn(batch, widths[0], generator=torch.Generator().manual_seed(0)).requires_grad_(input_grad)
    return count_flops_torch(model, x, backward=True)


def test_counts_equal_flopcountermode_on_random_architectures():
    # Meta tensors carry shapes only: FlopCounterMode counts without doing any arithmetic.
    for widths, batch in _random_architectures(SEED, N_ARCHITECTURES):
        for input_grad in (False, True):
            measured = _measure(widths, batch, input_grad)
            context = f"widths={widths}, batch={batch}, input_grad={input_grad}"
            assert measured["forward"] == forward_flops(widths, batch), context
            assert measured["backward"] == backward_flops(widths, batch, input_grad), context
            assert measured["total"] == training_step_flops(widths, batch, input_grad), context


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "gelu", "identity"])
@pytest.mark.parametrize("bias", [True, False])
def test_counts_on_real_tensors_match_meta(activation, bias):
    """Meta counts are not an artefact: real CPU tensors give the same numbers."""
    for widths, batch in _random_architectures(SEED + 1, 3):
        widths = [min(w, 64) for w in widths]  # keep the real arithmetic small
        for input_grad in (False, True):
            real = _measure(widths, batch, input_grad, "cpu", activation, bias)
            meta = _measure(widths, batch, input_grad, "meta", activation, bias)
            assert real == meta
            assert real["forward"] == forward_flops(widths, batch)
            assert real["backward"] == backward_flops(widths, batch, input_grad)


def test_forward_only_count():
    model = mlp_torch([5, 7, 3], device="meta")
    counts = count_flops_torch(model, torch.empty(4, 5, device="meta"))
    assert counts == {"forward": forward_flops([5, 7, 3], 4), "backward": 0, "total": forward_flops([5, 7, 3], 4)}


def test_hand_example():
    # widths [3, 5, 2], batch 4: MACs 4·3·5 + 4·5·2 = 100
    assert forward_flops([3, 5, 2], 4) == 200  # 100 multiply-adds
    assert forward_flops([3, 5, 2], 4) == 200
    assert backward_flops([3, 5, 2], 4) == 2 * 200 - 2 * 60
    assert backward_flops([3, 5, 2], 4, input_grad=True) == 400
    assert elementwise_flops([3, 5, 2], 4) == 4 * (5 + 2) + 4 * 5
    assert elementwise_flops([3, 5, 2], 4, bias=False) == 20
    assert elementwise_flops([3, 5, 2], 4, activation="identity") == 28
    assert forward_backward_ratio([3, 5, 2], 4) == Fraction(280, 200)


widths_st = st.lists(st.integers(1, 4096), min_size=2, max_size=12)
batch_st = st.integers(1, 10_000)


@settings(max_examples=100, deadline=None)
@given(widths=widths_st, batch=batch_st, factor=st.integers(1, 50))
def test_linear_in_batch(widths, batch, factor):
    for f in (forward_flops, backward_flops, training_step_flops, elementwise_flops):
        assert f(widths, batch * factor) == factor * f(widths, batch)


@settings(max_examples=100, deadline=None)
@given(widths=widths_st, batch=batch_st)
def test_additive_over_layers(widths, batch):
    layers = [widths[k - 1 : k + 1] for k in range(1, len(widths))]
    assert forward_flops(widths, batch) == sum(forward_flops(w, batch) for w in layers)
    # Backward: every layer but the first also passes a gradient down.
    assert backward_flops(widths, batch) == backward_flops(layers[0], batch) + sum(
        backward_flops(w, batch, input_grad=True) for w in layers[1:]
    )


@settings(max_examples=100, deadline=None)
@given(widths=widths_st, batch=batch_st)
def test_ratio_between_one_and_two(widths, batch):
    ratio = forward_backward_ratio(widths, batch)
    assert isinstance(ratio, Fraction) and 1 <= ratio < 2
    assert forward_backward_ratio(widths, batch, input_grad=True) == 2
    assert training_step_flops(widths, batch, input_grad=True) == 3 * forward_flops(widths, batch)


def test_big_ints_do_not_overflow():
    # GPT-3-sized: 96 layers of width 12288 (d_model), all 300e9 training tokens as one batch.
    widths, batch = [12288] * 97, 300_000_000_000
    total = forward_flops(widths, batch)
    assert type(total) is int
    assert total == 2 * batch * 96 * 12288**2 > 2**63
    assert type(backward_flops(np.array(widths), np.int64(batch))) is int  # NumPy ints are accepted


BAD_WIDTHS = [
    ([3], ValueError, "widths"),
    ([], ValueError, "widths"),
    ([3, 0], ValueError, r"widths\[1\]"),
    ([3, -2, 4], ValueError, r"widths\[1\]"),
    ([3.0, 2], TypeError, r"widths\[0\]"),
    ([3, True], TypeError, r"widths\[1\]"),
    ("32", TypeError, "widths"),
    (32, TypeError, "widths"),
    (None, TypeError, "widths"),
]


@pytest.mark.parametrize("widths, error, match", BAD_WIDTHS)
@pytest.mark.parametrize(
    "f", [forward_flops, backward_flops, training_step_flops, elementwise_flops, forward_backward_ratio]
)
def test_bad_widths(f, widths, error, match):
    with pytest.raises(error, match=match):
        f(widths, 4)


BAD_BATCHES = [(0, ValueError), (-1, ValueError), (2.5, TypeError), ("4", TypeError), (None, TypeError)]


@pytest.mark.parametrize("batch, error", BAD_BATCHES)
@pytest.mark.parametrize("f", [forward_flops, backward_flops, training_step_flops, elementwise_flops])
def test_bad_batch(f, batch, error):
    with pytest.raises(error, match="batch"):
        f([3, 4], batch)


def test_bad_options():
    with pytest.raises(TypeError, match="input_grad"):
        backward_flops([3, 4], 2, input_grad="yes")
    with pytest.raises(ValueError, match="activation"):
        elementwise_flops([3, 4], 2, activation="softmax")
    with pytest.raises(TypeError, match="bias"):
        elementwise_flops([3, 4], 2, bias=1)
    with pytest.raises(ValueError, match="activation"):
        mlp_torch([3, 4], activation="swish")
    with pytest.raises(TypeError, match="generator"):
        mlp_torch([3, 4], generator="seed")
    with pytest.raises(TypeError, match="model"):
        count_flops_torch(lambda x: x, torch.ones(2, 3))


def test_mlp_torch_is_seeded_and_leaves_global_rng_alone():
    state = torch.random.get_rng_state()
    a = mlp_torch([4, 8, 3], generator=torch.Generator().manual_seed(7))
    b = mlp_torch([4, 8, 3], generator=7)
    c = mlp_torch([4, 8, 3], generator=8)
    assert torch.equal(state, torch.random.get_rng_state())
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not all(torch.equal(p, q) for p, q in zip(a.parameters(), c.parameters()))
    bound = 1 / 4**0.5  # PyTorch's default init range for fan-in 4
    assert a[0].weight.abs().max() <= bound and a[0].weight.dtype == torch.float32
    assert mlp_torch([4, 3], dtype=torch.float64)[0].weight.dtype == torch.float64
