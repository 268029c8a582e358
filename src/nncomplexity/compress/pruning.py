"""Pruning: unstructured magnitude masks (``train.masks``, checked against ``torch.nn.utils.prune``) and
structured neuron removal.

Unstructured pruning zeroes the individual weights of smallest magnitude
(LeCun et al. 1990 used second derivatives; Han et al. 2015–16 magnitudes), per
layer or over the whole network at once ("global"). The matrices keep their
shapes: a dense kernel multiplies the zeros like any other number. Structured
pruning removes whole hidden neurons, a row of one weight matrix and a column of
the next, so the products themselves shrink ({prf:ref}`thm-structured-cost`).

Weights use the trainer's layout: per layer (n[k], n[k-1]), or stacked
(M, n[k], n[k-1]) for M models trained together (``nncomplexity.train``).

Book: chapter 8, "Pruning".
"""
from __future__ import annotations

from collections.abc import Sequence

from ..train.masks import magnitude_masks

__all__ = ["magnitude_masks", "prune_neurons"]  # magnitude_masks: train.masks, shared with chapter 9


def _layers(name: str, tensors, ndim: int | None = None) -> list:
    import torch

    if isinstance(tensors, torch.Tensor) or not isinstance(tensors, Sequence) or not tensors:
        raise TypeError(f"{name} must be a non-empty list of tensors, one per layer")
    out = [torch.as_tensor(t) for t in tensors]
    dims = {t.dim() for t in out}
    if len(dims) != 1 or not dims <= ({ndim} if ndim else {2, 3}):
        raise ValueError(f"{name} must all be (n_out, n_in) or all (M, n_out, n_in), got "
                         f"{[tuple(t.shape) for t in out]}")
    for t in out:
        if not torch.isfinite(t).all():
            raise ValueError(f"{name} contains NaN or infinite values")
    return out


def prune_neurons(weights, biases, keep: Sequence[int]):
    """Remove hidden neurons: keep ``keep[k]`` of the n[k+1] neurons of each hidden layer.

    A neuron j of hidden layer k is scored by ‖(W_k[j], b_k[j])‖₂ · ‖W_{k+1}[:, j]‖₂,
    what flows in times what flows out; this product is unchanged when a ReLU
    neuron's input is scaled by c > 0 and its output by 1/c, which leave the
    network's function unchanged. The best ``keep[k]`` neurons stay, in their
    original order: row j of W_k, entry j of b_k and column j of W_{k+1}.

    Parameters
    ----------
    weights, biases : lists of tensors
        (n[k+1], n[k]) and (n[k+1],) per layer, or stacked (M, ...) per model.
    keep : sequence of int, one per hidden layer (L − 1 of them), 1 <= keep[k] <= n[k+1]

    Returns
    -------
    (weights, biases, kept)
        Smaller tensors of the same layout, and per hidden layer the kept indices
        ((keep[k],), or (M, keep[k]) stacked).

    Cost: O(parameters) for the scores and the copies.
    """
    import torch

    Ws, bs = _layers("weights", weights), list(biases)
    stacked = Ws[0].dim() == 3
    if not stacked:
        Ws, bs = [W.unsqueeze(0) for W in Ws], [torch.as_tensor(b).unsqueeze(0) for b in bs]
    if len(bs) != len(Ws):
        raise ValueError(f"biases must hold one vector per layer ({len(Ws)}), got {len(bs)}")
    if isinstance(keep, (str, bytes)) or not isinstance(keep, Sequence) or len(keep) != len(Ws) - 1:
        raise ValueError(f"keep must hold one count per hidden layer ({len(Ws) - 1}), got {keep!r}")
    for k, c in enumerate(keep):
        if isinstance(c, bool) or not isinstance(c, int) or not 1 <= c <= Ws[k].shape[1]:
            raise ValueError(f"keep[{k}] must be an integer in 1..{Ws[k].shape[1]}, got {c!r}")
    Ws, bs = [W.detach().clone() for W in Ws], [b.detach().clone() for b in bs]
    kept = []
    for k, c in enumerate(keep):
        W_in, b_in, W_out = Ws[k], bs[k], Ws[k + 1]  # (M, n, n_prev), (M, n), (M, n_next, n)
        incoming = torch.sqrt((W_in ** 2).sum(2) + b_in ** 2)  # (M, n)
        outgoing = torch.sqrt((W_out ** 2).sum(1))  # (M, n)
        idx = torch.topk(incoming * outgoing, c, dim=1).indices.sort(dim=1).values  # (M, c)
        Ws[k] = torch.gather(W_in, 1, idx[:, :, None].expand(-1, -1, W_in.shape[2]))  # (M, c, n_prev)
        bs[k] = torch.gather(b_in, 1, idx)  # (M, c)
        Ws[k + 1] = torch.gather(W_out, 2, idx[:, None, :].expand(-1, W_out.shape[1], -1))  # (M, n_next, c)
        kept.append(idx)
    if not stacked:
        return [W[0] for W in Ws], [b[0] for b in bs], [i[0] for i in kept]
    return Ws, bs, kept
