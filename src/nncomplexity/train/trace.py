"""What a convergence theorem needs from a real network: full-batch gradient norms, per-example gradients.

The trainer (:mod:`.loop`) records losses and accuracies; the theorems of chapter 4 are about
‖∇f‖ and about the noise of a minibatch gradient. These two functions measure exactly those on
one network of the same family (``kernels.mlp_torch``, the same initialisation for a seed as
the trainer's):

* :func:`full_batch_gd`: gradient descent on the whole training set with a fixed step,
  recording f(x_k) and ‖∇f(x_k)‖² at every step;
* :func:`per_example_gradients`: one gradient per training example (``torch.func`` vmap),
  the input of :func:`nncomplexity.optim.noise.simple_noise_scale`.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import Choice, Int, Real, Widths, validate_params
from ..kernels.mlp_torch import TORCH_ACTIVATIONS, mlp_torch
from ..measure.machine import torch_threads

__all__ = ["GDTrace", "full_batch_gd", "per_example_gradients"]


@dataclass(frozen=True)
class GDTrace:
    """One full-batch run: entries k = 0..K (the last iterate has its loss and gradient too)."""

    loss: np.ndarray      # (K+1,) mean cross-entropy on the training set at x_k
    grad_sq: np.ndarray   # (K+1,) ‖∇f(x_k)‖², all parameters together
    accuracy: np.ndarray  # (K+1,) training accuracy at x_k
    lr: float             # η, the fixed step


def _check_data(data, widths):
    from ..data import Dataset

    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a Dataset, got {type(data).__name__}")
    if widths[0] != data.n_features or widths[-1] != data.classes:
        raise ValueError(f"widths must start at the data's {data.n_features} features and end at its "
                         f"{data.classes} classes, got {widths}")


@validate_params(widths=Widths(), lr=Real(), steps=Int(minimum=1, maximum=100_000), seed=Int(minimum=0),
                 activation=Choice(TORCH_ACTIVATIONS))
def full_batch_gd(widths, data, *, lr: float, steps: int, seed: int = 0, activation: str = "relu") -> GDTrace:
    """K = ``steps`` steps of x ← x − η∇f(x) on the mean training cross-entropy, in float64.

    Float64, so that the descent inequality f(x_{k+1}) ≤ f(x_k) − (η/2)‖∇f(x_k)‖² can be checked
    to many digits. Cost: (K + 1) · training_step_flops(widths, n_train) FLOPs.
    """
    import torch

    _check_data(data, widths)
    model = mlp_torch(widths, activation, dtype=torch.float64, generator=seed)
    X, y = data.X_train.double(), data.y_train
    loss_fn = torch.nn.CrossEntropyLoss()
    losses, grads, accs = [], [], []
    with torch_threads(1):
        for k in range(steps + 1):
            model.zero_grad()
            logits = model(X)  # (n, nL)
            loss = loss_fn(logits, y)
            loss.backward()
            losses.append(loss.item())
            grads.append(sum(float((p.grad ** 2).sum()) for p in model.parameters()))
            accs.append(float((logits.argmax(dim=1) == y).double().mean()))
            if k < steps:
                with torch.no_grad():
                    for p in model.parameters():
                        p -= lr * p.grad
    return GDTrace(np.array(losses), np.array(grads), np.array(accs), float(lr))


@validate_params(widths=Widths(), model=Int(minimum=0), activation=Choice(TORCH_ACTIVATIONS))
def per_example_gradients(widths, weights, biases, X, y, *, model: int = 0, activation: str = "relu") -> np.ndarray:
    """The gradient of each example's cross-entropy for model ``model`` of a trainer's result: (m, P).

    ``weights``/``biases`` are a :class:`~.config.TrainResult`'s stacked tensors, (M, n[k], n[k−1])
    and (M, n[k]); P is the number of parameters. Cost: m backward passes, vectorised by vmap.
    """
    import torch
    from torch.func import functional_call, grad, vmap

    if model >= weights[0].shape[0]:
        raise ValueError(f"model must be < the {weights[0].shape[0]} models of the run, got {model}")
    net = mlp_torch(widths, activation, generator=0)
    names = [n for n, _ in net.named_parameters()]  # "0.weight", "0.bias", "2.weight", ...
    params = {}
    for k, (W, b) in enumerate(zip(weights, biases)):
        params[names[2 * k]], params[names[2 * k + 1]] = W[model].detach(), b[model].detach()

    def loss_one(p, x, t):
        out = functional_call(net, p, (x[None],))  # (1, nL)
        return torch.nn.functional.cross_entropy(out, t[None])

    with torch_threads(1):
        g = vmap(grad(loss_one), in_dims=(None, 0, 0))(params, X, y)  # name -> (m, *shape)
    return torch.cat([g[n].reshape(len(y), -1) for n in names], dim=1).double().numpy()  # (m, P)
