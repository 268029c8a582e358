"""Notable models and what they cost to train: a cited table, every figure labelled by its source.

Training compute is *reported* by some papers and not by others. Where a paper
reports it, the table holds that figure (``flops_kind = "reported"``); where it
does not, the table holds an estimate and says which:

* ``"6ND"`` — Kaplan et al.'s rule ``C ≈ 6·N·D`` for transformers (N parameters, D tokens),
  :func:`~nncomplexity.cost.training.flops_6nd`;
* ``"architecture"`` — 3 × (forward FLOPs of one example, counted from the architecture)
  × examples seen; the rule for a network whose weights are reused across positions
  (a convolution), where 6ND undercounts.

Book: chapter 6, the table of notable models.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..cost.training import flops_6nd
from ..measure.scaling import ScalingLaw

__all__ = ["HOFFMANN_LAW", "MODELS", "NotableModel", "alexnet_forward_macs", "alexnet_parameters"]

FLOPS_KINDS = ("reported", "6ND", "architecture")

# AlexNet as Krizhevsky et al. describe it (section 3.5 and figure 2): output side, kernels,
# kernel height and width, input channels seen by each kernel (48 and 192: the two-GPU split).
_ALEXNET_CONV = ((55, 96, 11, 3), (27, 256, 5, 48), (13, 384, 3, 256), (13, 384, 3, 192), (13, 256, 3, 192))
_ALEXNET_FC = ((9216, 4096), (4096, 4096), (4096, 1000))  # (inputs, outputs); 9216 = 6·6·256


def alexnet_forward_macs() -> int:
    """Multiply-adds of one AlexNet forward pass, counted from the paper's layer sizes.

    A convolution producing an ``s × s × c_out`` map with ``k × k × c_in`` kernels
    costs ``s²·c_out·k²·c_in`` multiply-adds; a dense layer ``n_in·n_out``. Pooling,
    normalisation and activations are not counted. Returns 724,406,816 (≈ 0.72 G).

    Cost: O(layers). Book: chapter 6, the table of notable models.
    """
    conv = sum(s * s * c_out * k * k * c_in for s, c_out, k, c_in in _ALEXNET_CONV)
    return conv + sum(n_in * n_out for n_in, n_out in _ALEXNET_FC)


def alexnet_parameters() -> int:
    """Weights and biases of AlexNet from the same layer sizes: 60,965,224 (the paper: "60 million")."""
    conv = sum(c_out * (k * k * c_in + 1) for _, c_out, k, c_in in _ALEXNET_CONV)
    return conv + sum(n_out * (n_in + 1) for n_in, n_out in _ALEXNET_FC)


@dataclass(frozen=True)
class NotableModel:
    """One published model; every number carries its source in ``source``."""

    name: str                 # as its paper names it
    year: int                 # year of the first public version (preprint or paper)
    params: float             # N, parameters, as the paper reports them
    data: float               # D: training tokens, or images seen (examples × epochs)
    data_unit: str            # "tokens" or "images seen"
    flops: float | None       # training FLOPs (None: neither reported nor estimated here)
    flops_kind: str | None    # "reported", "6ND" or "architecture" (FLOPS_KINDS), None with flops
    key: str                  # bibliography key of the paper
    source: str               # where each number comes from, in words

    def __post_init__(self):
        if (self.flops is None) != (self.flops_kind is None):
            raise ValueError(f"{self.name}: flops and flops_kind must be given together")
        if self.flops_kind is not None and self.flops_kind not in FLOPS_KINDS:
            raise ValueError(f"{self.name}: flops_kind must be one of {FLOPS_KINDS}, got {self.flops_kind!r}")

    @property
    def flops_6nd(self) -> float:
        """6·N·D for comparison (meaningful for transformers; an undercount for convolutions)."""
        return float(flops_6nd(float(self.params), float(self.data)))


_ALEX_SEEN = 1.2e6 * 90  # "1.2 million training images", "roughly 90 cycles through the training set"

MODELS: tuple[NotableModel, ...] = (
    NotableModel("AlexNet", 2012, 60e6, _ALEX_SEEN, "images seen", 3 * 2 * alexnet_forward_macs() * _ALEX_SEEN,
                 "architecture", "krizhevsky2017",
                 "60 million parameters, 1.2 million images, about 90 epochs (the paper); FLOPs not "
                 "reported: 3 × 2 × the forward multiply-adds counted from its layer sizes × images seen"),
    NotableModel("Transformer (big)", 2017, 213e6, 300e3 * 25e3, "tokens", 2.3e19, "reported", "vaswani2017",
                 "213 M parameters (Table 3); 2.3e19 training FLOPs (Table 2: the authors' estimate, "
                 "training time × GPUs × sustained GPU throughput); D ≈ 300,000 steps × ≈ 25,000 target "
                 "tokens per batch"),
    NotableModel("BERT-large", 2018, 340e6, 1e6 * 128e3, "tokens", 6 * 340e6 * 1e6 * 128e3, "6ND",
                 "devlin2019",
                 "340 M parameters; 1,000,000 steps of 128,000 tokens (the paper's count; 90 % of steps "
                 "used shorter sequences, so D is an upper bound); FLOPs not reported: 6ND"),
    NotableModel("Noisy Student (EfficientNet-L2)", 2020, 480e6, 300e6, "images seen", None, None, "xie2020",
                 "480 M parameters; 300 M unlabelled images plus ImageNet (data listed, not epochs); "
                 "FLOPs not reported and not estimated here"),
    NotableModel("GPT-3 175B", 2020, 175e9, 300e9, "tokens", 3.14e23, "reported", "brown2020",
                 "175 B parameters, 300 B tokens, 3.14e23 FLOPs (the paper's compute table)"),
    NotableModel("Chinchilla", 2022, 70e9, 1.4e12, "tokens", 6 * 70e9 * 1.4e12, "6ND", "hoffmann2022",
                 "70 B parameters, 1.4 T tokens (the paper); FLOPs here: 6ND"),
    NotableModel("PaLM 540B", 2022, 540e9, 780e9, "tokens", 6 * 540e9 * 780e9, "6ND", "chowdhery2023",
                 "540 B parameters, 780 B tokens (the paper); FLOPs here: 6ND"),
    NotableModel("LLaMA-65B", 2023, 65.2e9, 1.4e12, "tokens", 6 * 65.2e9 * 1.4e12, "6ND", "touvron2023",
                 "65.2 B parameters, 1.4 T tokens (the paper); FLOPs here: 6ND"),
)
"""The chapter's table, in order of year. Reported figures are the papers'; estimates say which."""

HOFFMANN_LAW = ScalingLaw(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
"""Hoffmann et al. (2022)'s fitted law for their language models (N parameters, D tokens; loss in nats)."""
