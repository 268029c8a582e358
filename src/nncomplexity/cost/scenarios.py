r"""Essay A's simplifications of the forward count, as data: which assumptions give which growth.

Symbols (the book's): widths ``n = [n0, ..., nL]``, ``L`` layers, batch ``t``;
with equal widths every ``n[k] = n``. :data:`ESSAY_A_SCENARIOS` lists the
assumption sets of chapter 2: the exact count as a function of ``n``, its
big-O, and the integer degree that a power-law fit of the counts must recover.
One sample per layer is a matrix–vector product, Θ(n²); ``L = n`` layers make
Θ(n³) per sample; essay A's O(n⁴) needs a batch ``t = n`` as well.

Book: chapter 2, "Where essay A's O(n⁴) comes from".
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .._validate import Int, check_int, validate_params
from .flops import forward_flops

__all__ = ["ESSAY_A_SCENARIOS", "Scenario", "equal_widths", "log_grid", "scenario_flops"]


@validate_params(n=Int(minimum=1), layers=Int(minimum=1))
def equal_widths(n: int, layers: int) -> list[int]:
    """Widths ``[n] * (L + 1)``: L square layers of width n (input included).

    Book: chapter 2, {prf:ref}`thm-forward-equal`.
    """
    return [n] * (layers + 1)


@validate_params(lo=Int(minimum=1), hi=Int(minimum=1), num=Int(minimum=1))
def log_grid(lo: int, hi: int, num: int) -> list[int]:
    """About ``num`` distinct integers spaced evenly on a log scale from lo to hi (the sizes of a sweep).

    Book: chapter 2, the sweeps of "Measured time against width, depth and batch".
    """
    if hi < lo:
        raise ValueError(f"hi must be >= lo = {lo}, got {hi}")
    if num == 1:
        return [lo]
    ratio = (hi / lo) ** (1 / (num - 1))
    return sorted({round(lo * ratio ** i) for i in range(num)} | {hi})


@dataclass(frozen=True)
class Scenario:
    """One set of assumptions about the network, and the forward count it gives.

    Hidden widths are all ``n``; the input and output widths are ``n`` too
    unless ``n_in``/``n_out`` fix them. ``depth`` and ``batch`` are an int or
    the string ``"n"`` (grows with n).
    """

    key: str  # short identifier
    label: str  # a short label for plots and tables
    assumptions: str  # the assumptions, in words
    depth: int | str  # L, or "n"
    batch: int | str  # t, or "n"
    formula: str  # the exact count of the products as a function of n (plain text)
    big_o: str  # its order of growth in n
    degree: int  # the exponent of n in the leading term
    n_in: int | None = None  # fixed input width, or None for n
    n_out: int | None = None  # fixed output width, or None for n

    def _resolve(self, value: int | str, n: int) -> int:
        return n if value == "n" else value

    def layers(self, n: int) -> int:
        """L at width n."""
        return self._resolve(self.depth, check_int("n", n, minimum=1))

    def batch_size(self, n: int) -> int:
        """t at width n."""
        return self._resolve(self.batch, check_int("n", n, minimum=1))

    def widths(self, n: int) -> list[int]:
        """``[n0, ..., nL]`` at width n."""
        L = self.layers(n)
        w = [n] * (L + 1)
        if self.n_in is not None:
            w[0] = self.n_in
        if self.n_out is not None:
            w[-1] = self.n_out
        return w

    def flops(self, n: int) -> int:
        """``forward_flops(self.widths(n), self.batch_size(n))``."""
        return forward_flops(self.widths(n), self.batch_size(n))

    def closed_form(self, n: int) -> int:
        """The count from :attr:`formula`, computed independently of ``forward_flops``."""
        L, t = self.layers(n), self.batch_size(n)
        n_in = n if self.n_in is None else self.n_in
        n_out = n if self.n_out is None else self.n_out
        if L == 1:
            return 2 * t * n_in * n_out
        return 2 * t * (n_in * n + (L - 2) * n * n + n * n_out)


ESSAY_A_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("sample_fixed_depth", "t = 1, L = 4", "one sample, fixed depth L = 4",
             depth=4, batch=1, formula="2·L·n² = 8n²", big_o="Θ(n²)", degree=2),
    Scenario("sample_depth_n", "t = 1, L = n", "one sample, L = n layers (the correct per-sample bound)",
             depth="n", batch=1, formula="2·n·n² = 2n³", big_o="Θ(n³)", degree=3),
    Scenario("square_fixed_depth", "t = n, L = 4", "square products (batch t = n), fixed depth L = 4",
             depth=4, batch="n", formula="2·n·L·n² = 8n³", big_o="Θ(n³)", degree=3),
    Scenario("essay_a", "t = n, L = n", "square products (batch t = n) and L = n layers: essay A",
             depth="n", batch="n", formula="2·n·n·n² = 2n⁴", big_o="Θ(n⁴)", degree=4),
    Scenario("mnist_shaped", "784 → n → n → 10, t = 1", "one sample, fixed input 784 and output 10, L = 3",
             depth=3, batch=1, formula="2·(784n + n² + 10n)", big_o="Θ(n²)", degree=2,
             n_in=784, n_out=10),
)
"""Essay A's steps and their correction, one :class:`Scenario` per assumption set."""


def scenario_flops(scenario: Scenario, sizes: Sequence[int]) -> list[int]:
    """Exact forward FLOPs of ``scenario`` at each width in ``sizes``. Cost: O(Σ L).

    Book: chapter 2, "Where essay A's O(n⁴) comes from".
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise ValueError("sizes must be a non-empty sequence of widths")
    return [scenario.flops(check_int(f"sizes[{i}]", n, minimum=1)) for i, n in enumerate(sizes)]
