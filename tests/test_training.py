"""FLOPs of whole training runs: exact MLP counts (checked by simulation) and 6·N·D."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nncomplexity.cost.flops import training_step_flops
from nncomplexity.cost.training import GPT3_PARAMS, GPT3_TOKENS, flops_6nd, training_flops

WIDTHS = [7, 13, 5, 3]


def test_gpt3_within_one_percent_of_reported():
    c = flops_6nd(GPT3_PARAMS, GPT3_TOKENS)
    assert c == pytest.approx(3.15e23)
    assert abs(c - 3.14e23) / 3.14e23 < 0.01  # the figure Brown et al. (2020) report


def test_6nd_exact_for_ints():
    assert flops_6nd(10**12, 10**13) == 6 * 10**25
    assert type(flops_6nd(10**12, 10**13)) is int
    assert isinstance(flops_6nd(1e3, 2), float)


@pytest.mark.parametrize("n, d", [(0, 5), (-1, 5), (5, 0), (float("nan"), 5), (5, float("inf"))])
def test_6nd_rejects(n, d):
    with pytest.raises(ValueError, match="n_params" if n != 5 else "n_tokens"):
        flops_6nd(n, d)


def test_6nd_type_error():
    with pytest.raises(TypeError, match="n_tokens"):
        flops_6nd(5, "300e9")


def test_batch_divides():
    # 100 samples, batch 20, 3 epochs: 15 steps of batch 20
    assert training_flops(WIDTHS, 100, 3, 20) == 15 * training_step_flops(WIDTHS, 20)
    assert training_flops(WIDTHS, steps=15, batch=20) == training_flops(WIDTHS, 100, 3, 20)


def test_last_partial_batch():
    # 103 samples, batch 20: 5 full batches and one of 3 per epoch
    per_epoch = 5 * training_step_flops(WIDTHS, 20) + training_step_flops(WIDTHS, 3)
    assert training_flops(WIDTHS, 103, 2, 20) == 2 * per_epoch
    assert training_flops(WIDTHS, 103, 2, 20, drop_last=True) == 2 * 5 * training_step_flops(WIDTHS, 20)


@settings(max_examples=100, deadline=None)
@given(size=st.integers(1, 10**6), epochs=st.integers(0, 100), data=st.data())
def test_independent_of_batch_without_drop_last(size, epochs, data):
    batch = data.draw(st.integers(1, size))
    expected = epochs * size * training_step_flops(WIDTHS, 1)  # FLOPs are linear in the batch
    assert training_flops(WIDTHS, size, epochs, batch) == expected
    assert training_flops(WIDTHS, size, epochs) == expected  # full batch by default


def test_matches_a_simulated_training_loop():
    """Count a real loop of forward/backward passes with FlopCounterMode (meta tensors)."""
    torch = pytest.importorskip("torch")
    from nncomplexity.cost.counting import count_flops_torch
    from nncomplexity.kernels.mlp_torch import mlp_torch

    size, epochs, batch = 23, 2, 5
    model = mlp_torch(WIDTHS, device="meta")
    for drop_last in (False, True):
        measured = 0
        for _ in range(epochs):
            for start in range(0, size, batch):
                t = min(batch, size - start)
                if drop_last and t < batch:
                    continue
                measured += count_flops_torch(model, torch.empty(t, WIDTHS[0], device="meta"), backward=True)["total"]
        assert measured == training_flops(WIDTHS, size, epochs, batch, drop_last=drop_last)


def test_big_run_is_exact_int():
    total = training_flops([12288] * 97, dataset_size=3_000_000, epochs=100_000, batch=1536)
    assert type(total) is int and total > 2**63


def test_argument_errors():
    with pytest.raises(ValueError, match="not both"):
        training_flops(WIDTHS, 100, 3, steps=10, batch=4)
    with pytest.raises(ValueError, match="not both"):
        training_flops(WIDTHS, epochs=3, steps=10, batch=4)
    with pytest.raises(ValueError, match="batch is required"):
        training_flops(WIDTHS, steps=10)
    with pytest.raises(ValueError, match="dataset_size and epochs"):
        training_flops(WIDTHS, 100)
    with pytest.raises(ValueError, match="dataset_size and epochs"):
        training_flops(WIDTHS)
    with pytest.raises(ValueError, match="batch"):
        training_flops(WIDTHS, 10, 1, 11)
    with pytest.raises(ValueError, match="dataset_size"):
        training_flops(WIDTHS, 0, 1)
    with pytest.raises(ValueError, match="epochs"):
        training_flops(WIDTHS, 10, -1)
    with pytest.raises(TypeError, match="steps"):
        training_flops(WIDTHS, steps=2.5, batch=4)
    with pytest.raises(ValueError, match="batch"):
        training_flops(WIDTHS, steps=2, batch=0)
    with pytest.raises(TypeError, match="drop_last"):
        training_flops(WIDTHS, 10, 1, 3, drop_last="yes")
    with pytest.raises(ValueError, match="widths"):
        training_flops([4], 10, 1)
    assert training_flops(WIDTHS, 10, 0) == 0
    assert training_flops(WIDTHS, steps=0, batch=3) == 0
