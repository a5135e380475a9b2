"""Numbers the pages compute while they are built, from no export.

The worked Kolmogorov-Arnold forms of ``xy`` evaluated on random points (:func:`identity_check`,
its result a :class:`Checked`) and a generalized Gaussian component's tail mass (:func:`tail_mass`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Checked", "identity_check", "tail_mass"]


@dataclass(frozen=True)
class Checked:
    """The result of a check run while a page is built."""

    n: int
    seed: int
    values: dict[str, float]


def identity_check(seed: int = 0, n: int = 100_000) -> Checked:
    """Evaluate the two worked Kolmogorov-Arnold forms of ``xy`` on random points.

    Checks ``xy = exp(log(x+1) + log(y+1)) - (x+0.5) - (y+0.5)`` for ``x, y > -1`` and
    ``xy = ((x+y)^2 - (x-y)^2) / 4`` everywhere.

    Returns
    -------
    checked : Checked
        ``values`` holds the largest relative errors ``log_form`` and ``square_form``.
    """
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-0.999, 10.0, size=(2, n))
    log_form = np.exp(np.log(x + 1) + np.log(y + 1)) - (x + 0.5) - (y + 0.5)
    err_log = float(np.max(np.abs(log_form - x * y) / np.maximum(1.0, np.abs(x * y))))
    u, v = rng.normal(0.0, 100.0, size=(2, n))
    square_form = ((u + v) ** 2 - (u - v) ** 2) / 4
    err_sq = float(np.max(np.abs(square_form - u * v) / np.maximum(1.0, np.abs(u * v))))
    return Checked(n, seed, {"log_form": err_log, "square_form": err_sq})


def tail_mass(p: float) -> float:
    """``P(|X - c| > alpha)`` for one generalized Gaussian component: ``Q(1/p, 1)``."""
    from scipy.special import gammaincc

    if not p > 0:
        raise ValueError(f"The parameter 'p' must be > 0, but got {p!r}.")
    return float(gammaincc(1.0 / p, 1.0))
