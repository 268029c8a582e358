"""The distillation loss against its formula, its checks, and the grid's shapes and baseline."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nncomplexity.data import teacher_student  # noqa: E402
from nncomplexity.search import distill_grid, distillation_loss  # noqa: E402
from nncomplexity.train import TrainConfig, train_mlps  # noqa: E402


def _logits(seed=0, t=7, c=5):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(t, c, generator=g, requires_grad=False), torch.randn(t, c, generator=g),
            torch.randint(0, c, (t,), generator=g))


@pytest.mark.parametrize("T, alpha", [(1.0, 0.0), (1.0, 1.0), (4.0, 0.5), (0.5, 0.9)])
def test_matches_the_formula_written_out(T, alpha):
    s, te, y = _logits()
    s.requires_grad_(True)
    loss = distillation_loss(s, te, y, T, alpha)
    p_t = torch.softmax(te / T, 1)
    kl = (p_t * (torch.log(p_t) - torch.log_softmax(s / T, 1))).sum(1).mean()
    ce = -torch.log_softmax(s, 1)[torch.arange(7), y].mean()
    assert loss.item() == pytest.approx((alpha * T ** 2 * kl + (1 - alpha) * ce).item(), rel=1e-5)
    loss.backward()
    assert s.grad is not None and torch.isfinite(s.grad).all()


def test_zero_when_student_copies_teacher_and_alpha_one():
    _, te, y = _logits()
    assert distillation_loss(te.clone(), te, y, 3.0, 1.0).item() == pytest.approx(0.0, abs=1e-6)


def test_soft_gradient_scale_is_kept_by_T_squared():
    """Hinton et al.: for large T the soft term's gradient ≈ (z_s − z_t)/(c·t), independent of T."""
    s, te, y = _logits(1)
    s, te = s - s.mean(1, keepdim=True), te - te.mean(1, keepdim=True)
    grads = []
    for T in (50.0, 100.0):
        z = s.clone().requires_grad_(True)
        distillation_loss(z, te, y, T, 1.0).backward()
        grads.append(z.grad)
    expect = (s - te) / (5 * 7)
    for g in grads:
        assert (g - expect).abs().max() < 0.05 * expect.abs().max()


@pytest.mark.parametrize("kw, exc, name", [
    ({"temperature": 0.0}, ValueError, "temperature"), ({"temperature": -1.0}, ValueError, "temperature"),
    ({"alpha": 1.5}, ValueError, "alpha"), ({"alpha": -0.1}, ValueError, "alpha"),
    ({"alpha": float("nan")}, ValueError, "alpha")])
def test_bad_scalars_named(kw, exc, name):
    s, te, y = _logits()
    args = {"temperature": 2.0, "alpha": 0.5, **kw}
    with pytest.raises(exc, match=name):
        distillation_loss(s, te, y, **args)


def test_mismatched_shapes_named():
    s, te, y = _logits()
    with pytest.raises(ValueError, match="teacher_logits"):
        distillation_loss(s, te[:, :4], y, 2.0, 0.5)
    with pytest.raises(ValueError, match="labels"):
        distillation_loss(s, te, y[:3], 2.0, 0.5)
    with pytest.raises(TypeError, match="student_logits"):
        distillation_loss(s.numpy(), te, y, 2.0, 0.5)


def test_grid_shapes_baseline_and_flops():
    data = teacher_student(256, 128, widths=[6, 16, 3], seed=3)[0]
    cfg = TrainConfig(steps=10, batch_size=32)
    out = distill_grid([6, 32, 3], [6, 4, 3], data, cfg, temperatures=(1.0, 4.0), alphas=(0.5,), seeds=(0, 1))
    assert out["accuracy"].shape == (2, 1, 2) and out["baseline"].shape == (2,)
    alone = train_mlps([6, 4, 3], data, cfg, (0, 1))
    np.testing.assert_allclose(out["baseline"], alone.test_accuracy)
    assert out["flops"]["students"] == 3 * alone.flops.sum()
    assert 0 <= out["teacher_accuracy"] <= 1
