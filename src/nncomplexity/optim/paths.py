"""A gradient method's path on a tilted 2-D quadratic: what the chapter's explorer draws.

f(x) = ½ xᵀ R diag(L, L/κ) Rᵀ x with L = 1 and R a rotation by ``angle``, so the bowl's axes are
not the coordinate axes and an oscillation shows as a zig-zag across the valley. The method is
the heavy ball, x_{k+1} = x_k − η∇f(x_k) + β(x_k − x_{k−1}) (β = 0: gradient descent), with the
step η given in units of 1/L: GD converges for η < 2/L and diverges beyond.

Book: chapter 4 (gradient descent).
"""
from __future__ import annotations

import numpy as np

from .._validate import Int, Real, validate_params
from .methods import heavy_ball_step

__all__ = ["path_2d"]


@validate_params(kappa=Real(), lr=Real(), momentum=Real(allow_zero=True, below=1.0), steps=Int(minimum=1, maximum=10_000),
                 angle=Real(allow_zero=True))
def path_2d(kappa: float, lr: float, momentum: float = 0.0, steps: int = 30,
            angle: float = np.pi / 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The iterates of the heavy ball on the tilted quadratic with L = 1 and condition number κ.

    Returns
    -------
    points : ndarray, shape (steps + 1, 2)
        x₀ = R·(1, 1)·1.2 (both eigen-directions excited), then x₁ … x_K.
    f : ndarray, shape (steps + 1,)
        f at each iterate (f* = 0 at the origin).
    Q : ndarray, shape (2, 2)
        The Hessian R diag(1, 1/κ) Rᵀ, for drawing the level sets.
    """
    if kappa < 1:
        raise ValueError(f"kappa must be >= 1, got {kappa}")
    if momentum >= 1:
        raise ValueError(f"momentum must be < 1, got {momentum}")
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])  # (2, 2) rotation
    Q = R @ np.diag([1.0, 1.0 / kappa]) @ R.T  # (2, 2)
    x, state = R @ np.array([1.2, 1.2]), {}
    points = [x]
    for _ in range(steps):
        x, state = heavy_ball_step(x, state, lambda v: Q @ v, lr=lr, momentum=momentum)
        points.append(x)
    P = np.array(points)  # (steps + 1, 2)
    return P, 0.5 * np.einsum("ki,ij,kj->k", P, Q, P), Q
