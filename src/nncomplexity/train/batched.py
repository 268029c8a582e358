"""M dense networks of one shape, trained as one: weights stacked along a leading "model" axis.

Layer k of model i is ``Z[i] = A[i] @ W[i].T + b[i]``; for all i at once this is
one batched product, ``torch.baddbmm(b, A, W.transpose(1, 2))``,
(M, t, n[k-1]) @ (M, n[k-1], n[k]) -> (M, t, n[k]). The loss is the *sum* over
models of each model's mean loss, so the gradient of model i's weights is
exactly its own gradient: the models never interact. The updates (SGD,
momentum, Adam) are elementwise, written here as ``torch.optim`` defines them
but with a learning rate per model, so a grid of seeds *and* of learning rates
is one run. On a small CPU model the win is fewer, larger kernel calls: the
Python and dispatch overhead of one step is paid once for M models.

Book: the cost-of-scale, compression and search chapters.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from ..kernels.mlp_torch import TORCH_ACTIVATIONS, mlp_torch

__all__ = ["BatchedMLP", "distillation_loss"]

_ACT = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "gelu": F.gelu,
        "identity": lambda z: z}
assert set(_ACT) == set(TORCH_ACTIVATIONS)


def distillation_loss(student_logits, teacher_logits, labels, temperature: float, alpha: float):
    """α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α)·CE(student, labels), batch means.

    Hinton et al. (2015); the T² keeps the soft term's gradient on the scale of
    the hard one. Logits (..., t, c) and labels (..., t): leading axes are averaged.
    """
    c = student_logits.shape[-1]
    log_p = F.log_softmax(student_logits.reshape(-1, c) / temperature, dim=1)  # (·, c)
    log_q = F.log_softmax(teacher_logits.reshape(-1, c) / temperature, dim=1)
    soft = F.kl_div(log_p, log_q, log_target=True, reduction="batchmean")
    hard = F.cross_entropy(student_logits.reshape(-1, c), labels.reshape(-1))
    return alpha * temperature ** 2 * soft + (1 - alpha) * hard


class BatchedMLP:
    """M MLPs of widths ``[n0, ..., nL]``, model i initialised as ``mlp_torch(widths, generator=seeds[i])``.

    ``weights[k]`` is (M, n[k+1], n[k]) and ``biases[k]`` (M, n[k+1]), leaf
    tensors with gradients; ``masks`` (optional, per layer, broadcastable to
    the weights, 0/1) are applied at init and after every step. ``loss`` is "cross_entropy"
    (integer labels) or "mse" (float targets (t, nL): mean squared error over samples and outputs).
    """

    def __init__(self, widths: Sequence[int], seeds: Sequence[int], activation: str = "relu",
                 masks=None, init=None, loss: str = "cross_entropy"):
        self.widths, self.activation, self.loss_kind = list(widths), activation, loss
        M = len(seeds)
        if init is not None:  # (weights, biases), e.g. the initial weights of a lottery-ticket rewind
            ws, bs = ([t.detach().clone().float() for t in part] for part in init)
        else:
            models = [mlp_torch(widths, activation, generator=int(s)) for s in seeds]
            linears = [[m for m in model if isinstance(m, torch.nn.Linear)] for model in models]
            ws = [torch.stack([lin[k].weight.detach() for lin in linears]) for k in range(len(widths) - 1)]
            bs = [torch.stack([lin[k].bias.detach() for lin in linears]) for k in range(len(widths) - 1)]
        for k, (w, b) in enumerate(zip(ws, bs)):
            if w.shape != (M, widths[k + 1], widths[k]) or b.shape != (M, widths[k + 1]):
                raise ValueError(f"init layer {k} must be ({M}, {widths[k + 1]}, {widths[k]}) and "
                                 f"({M}, {widths[k + 1]}), got {tuple(w.shape)} and {tuple(b.shape)}")
        self.weights = [w.requires_grad_(True) for w in ws]
        self.biases = [b.requires_grad_(True) for b in bs]
        self.masks = None if masks is None else [torch.as_tensor(m, dtype=torch.float32) for m in masks]
        if self.masks is not None:
            if len(self.masks) != len(self.weights):
                raise ValueError(f"masks must hold one mask per layer ({len(self.weights)}), got {len(self.masks)}")
            for k, (m, w) in enumerate(zip(self.masks, self.weights)):
                try:
                    fits = torch.broadcast_shapes(m.shape, w.shape) == w.shape
                except RuntimeError:
                    fits = False
                if not fits:
                    raise ValueError(f"masks[{k}] of shape {tuple(m.shape)} does not fit weights {tuple(w.shape)}")
            self.apply_masks()
        self.state: dict[str, list[torch.Tensor]] = {}
        self.step_count = 0

    @property
    def n_models(self) -> int:
        return self.weights[0].shape[0]

    def params(self) -> list[torch.Tensor]:
        return [*self.weights, *self.biases]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits of every model: X (t, n0) shared or (M, t, n0) per model -> (M, t, nL)."""
        A = X.expand(self.n_models, *X.shape) if X.dim() == 2 else X  # (M, t, n0), a view
        act = _ACT[self.activation]
        for k, (W, b) in enumerate(zip(self.weights, self.biases)):
            # (M, t, n[k]) @ (M, n[k], n[k+1]) + (M, 1, n[k+1]) -> (M, t, n[k+1])
            A = torch.baddbmm(b.unsqueeze(1), A, W.transpose(1, 2))
            if k < len(self.weights) - 1:
                A = act(A)
        return A

    def loss(self, X, y, teacher_logits=None, temperature: float = 1.0, alpha: float = 0.0):
        """Per-model mean loss (M,): cross-entropy, or the distillation loss when ``teacher_logits``."""
        Z = self.forward(X)  # (M, t, nL)
        M, t, c = Z.shape
        if self.loss_kind == "mse":  # y (t, nL) shared or (M, t, nL) per model
            return (Z - y).pow(2).mean(dim=(1, 2))  # (M, t, nL) -> (M,)
        Y = y.expand(M, t) if y.dim() == 1 else y  # (M, t)
        if teacher_logits is None:
            return F.cross_entropy(Z.reshape(M * t, c), Y.reshape(M * t), reduction="none").view(M, t).mean(1)
        # distillation_loss for each model at once, (M, t, c) -> (M,)
        log_p = F.log_softmax(Z / temperature, dim=2)
        log_q = F.log_softmax(teacher_logits / temperature, dim=-1).expand(M, t, c)
        soft = (log_q.exp() * (log_q - log_p)).sum(2).mean(1)
        hard = F.cross_entropy(Z.reshape(M * t, c), Y.reshape(M * t), reduction="none").view(M, t).mean(1)
        return alpha * temperature ** 2 * soft + (1 - alpha) * hard

    def step(self, X, y, lr: torch.Tensor, optimizer: str, momentum: float = 0.9,
             weight_decay: float = 0.0, **loss_kw) -> torch.Tensor:
        """One training step of all M models; ``lr`` (M,). Returns the mini-batch losses (M,), detached.

        FLOPs of the products: ``training_step_flops(widths, t)`` per model (tested
        against FlopCounterMode); the elementwise update is not counted.
        """
        losses = self.loss(X, y, **loss_kw)  # (M,)
        for p in self.params():
            p.grad = None
        losses.sum().backward()  # models are independent: d(sum)/dθ_i = dL_i/dθ_i
        self.step_count += 1
        with torch.no_grad():
            for j, p in enumerate(self.params()):
                eta = lr.view(-1, *([1] * (p.dim() - 1)))  # (M, 1[, 1])
                g = p.grad if weight_decay == 0 else p.grad + weight_decay * p
                if optimizer == "sgd":
                    p -= eta * g
                elif optimizer == "momentum":
                    buf = self.state.setdefault("buf", [None] * 2 * len(self.weights))
                    buf[j] = g.clone() if buf[j] is None else buf[j].mul_(momentum).add_(g)
                    p -= eta * buf[j]
                else:  # adam, torch.optim.Adam's formula (β1 = 0.9, β2 = 0.999, ε = 1e-8)
                    m = self.state.setdefault("m", [torch.zeros_like(q) for q in self.params()])[j]
                    v = self.state.setdefault("v", [torch.zeros_like(q) for q in self.params()])[j]
                    m.lerp_(g, 0.1)
                    v.mul_(0.999).addcmul_(g, g, value=0.001)
                    c1, c2 = 1 - 0.9 ** self.step_count, 1 - 0.999 ** self.step_count
                    p -= (eta / c1) * m / (v.sqrt() / math.sqrt(c2) + 1e-8)
            self.apply_masks()
        return losses.detach()

    @torch.no_grad()
    def apply_masks(self) -> None:
        """Zero the masked weights (in place)."""
        if self.masks is not None:
            for W, m in zip(self.weights, self.masks):
                W.mul_(m)

    @torch.no_grad()
    def evaluate(self, X, y, max_elements: int = 2 ** 24) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean cross-entropy and accuracy of each model on (X, y): two (M,) tensors (MSE and NaN with "mse").

        Rows go through in chunks so that no activation holds more than ``max_elements``
        values (M models × a large test set would not fit in memory at once).
        """
        M, n = self.n_models, len(y)
        chunk = max(1, max_elements // (M * max(self.widths)))
        loss_sum, correct = torch.zeros(M), torch.zeros(M)
        for lo in range(0, n, chunk):
            Z = self.forward(X[lo: lo + chunk])  # (M, r, nL)
            r, c = Z.shape[1], Z.shape[2]
            yc = y[lo: lo + chunk]
            if self.loss_kind == "mse":  # yc (r, nL)
                loss_sum += (Z - yc).pow(2).mean(2).sum(1)
                correct += float("nan")
                continue
            loss_sum += F.cross_entropy(Z.reshape(M * r, c), yc.repeat(M), reduction="none").view(M, r).sum(1)
            correct += (Z.argmax(2) == yc).float().sum(1)
        return loss_sum / n, correct / n
