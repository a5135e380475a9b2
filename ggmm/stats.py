"""How the comparison turns per-seed measurements into intervals and verdicts.

Two kinds of statement, two tools:

* **One method's level** (a figure's interval): the mean over seeds with a 95% percentile
  bootstrap interval (:func:`bootstrap_interval`). A percentile interval lies between the
  smallest and the largest per-seed value, so it never leaves the metric's range (an RMSE
  interval never goes below 0), whatever the skew of a few seeds.
* **Method a against method b** (every verdict word): within a seed both methods were
  fitted on the same training samples and scored on the same test points, so the
  comparison is paired. :func:`paired_difference` gives the mean of the per-seed
  differences ``a - b`` with a 95% Student-t interval (the paired t-test), and the seeds
  each method wins. For RMSE the differences are taken on the log scale, i.e. the
  statement is about the ratio ``a / b``. :func:`verdict` reads the interval: "better"
  when it lies below 0, "worse" when above, else "tied" (cannot be told apart).

A third kind, for the scaling experiments: an exponent with its interval, fitted by
:mod:`ggmm.power_law`; :func:`position` reads such an interval against a reference value.

Many comparisons at once: every paired comparison also carries its two-sided p-value
(the paired t-test that gives its interval), and :func:`holm` adjusts the p-values of one
family of comparisons (Holm's step-down method, which controls the chance of any false
verdict in the family at ``1 - LEVEL``); :func:`adjusted_verdict` reads the adjusted p.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "adjusted_verdict",
    "bootstrap_interval",
    "holm",
    "paired_difference",
    "position",
    "verdict",
    "LEVEL",
]

#: Confidence level of every interval in the report.
LEVEL = 0.95


def bootstrap_interval(
    values: Sequence[float], level: float = LEVEL, n_boot: int = 10_000, seed: int = 0
) -> dict[str, float | int]:
    """Mean and percentile-bootstrap interval of the mean.

    Parameters
    ----------
    values : sequence of float
        One value per seed (at least one, all finite).
    level : float
    n_boot : int
        Bootstrap resamples (a fixed ``seed`` makes the interval reproducible).

    Returns
    -------
    dict
        ``mean``, ``lo``, ``hi`` and ``n``; ``lo <= mean <= hi`` and both ends lie within
        ``[min(values), max(values)]``.
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"The parameter 'values' should be a non-empty 1-D array of finite numbers, but got {x!r}.")
    mean = float(x.mean())
    if x.size == 1 or np.ptp(x) == 0:
        return {"mean": mean, "lo": mean, "hi": mean, "n": int(x.size)}
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(means, [alpha, 1.0 - alpha])
    return {"mean": mean, "lo": float(min(lo, mean)), "hi": float(max(hi, mean)), "n": int(x.size)}


def paired_difference(
    a: Sequence[float], b: Sequence[float], log: bool = False, level: float = LEVEL
) -> dict[str, Any]:
    """The paired comparison of per-seed values ``a`` and ``b`` (lower is better).

    Parameters
    ----------
    a, b : sequence of float
        The same seeds (at least 2) in the same order.
    log : bool
        Compare ``log a - log b`` (for positive metrics such as RMSE: a ratio).
    level : float

    Returns
    -------
    dict
        ``mean``, ``lo``, ``hi`` (the mean difference and its t-interval; for ``log`` on the
        log scale), ``ratio``, ``ratio_lo``, ``ratio_hi`` (``exp`` of those, ``log`` only),
        ``n``, ``wins_a``, ``wins_b`` (seeds where that method is lower), ``ties``,
        ``log``, ``verdict`` and ``p_value`` (two-sided, of the paired t-test whose interval
        this is: ``p_value < 1 - level`` exactly when the interval excludes 0).
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(
            f"The parameters 'a' and 'b' should be 1-D arrays of the same length, "
            f"but got shapes {x.shape} and {y.shape}."
        )
    if log:
        if np.any(x <= 0) or np.any(y <= 0):
            raise ValueError("log=True needs positive values in 'a' and 'b'.")
        d = np.log(x) - np.log(y)
    else:
        d = x - y
    if d.size < 2:
        raise ValueError("A paired comparison needs at least 2 seeds.")
    mean = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(d.size))
    half = float(stats.t.ppf(0.5 + level / 2.0, d.size - 1) * se)
    out: dict[str, Any] = {
        "mean": mean,
        "lo": mean - half,
        "hi": mean + half,
        "n": int(d.size),
        "wins_a": int(np.sum(d < 0)),
        "wins_b": int(np.sum(d > 0)),
        "ties": int(np.sum(d == 0)),
        "log": bool(log),
    }
    if log:
        out.update(ratio=float(np.exp(mean)), ratio_lo=float(np.exp(mean - half)), ratio_hi=float(np.exp(mean + half)))
    out["verdict"] = verdict(out)
    out["p_value"] = _t_p_value(mean, se, d.size - 1)
    return out


def _t_p_value(mean: float, se: float, df: int) -> float:
    """Two-sided p-value of ``mean / se`` under Student's t with ``df`` degrees of freedom."""
    if se == 0.0:  # every difference equal: certain unless they are all 0
        return 0.0 if mean != 0.0 else 1.0
    return float(2.0 * stats.t.sf(abs(mean / se), df))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of the p-values of one family of tests.

    With the p-values sorted, ``p_(1) <= ... <= p_(m)``, the adjusted value of the i-th is
    ``max over j <= i of min(1, (m - j + 1) p_(j))``; rejecting where the adjusted p is below
    a level controls the family-wise error rate at that level, under any dependence between
    the tests. Every adjusted p is at least its own p, and the order is kept.

    Parameters
    ----------
    p_values : sequence of float
        One p-value per test of the family, each in [0, 1], in any order.

    Returns
    -------
    list of float
        The adjusted p-values, in the order given.
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1 or not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ValueError(f"The parameter 'p_values' should be a 1-D array of numbers in [0, 1], but got {p!r}.")
    m = p.size
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    return [float(v) for v in adjusted]


def adjusted_verdict(difference: dict[str, Any], p_adjusted: float, level: float = LEVEL) -> str:
    """The verdict of a paired difference read from its adjusted p-value.

    "better" when ``p_adjusted < 1 - level`` and the mean difference is below 0, "worse" when
    it is above 0, else "tied" (the vocabulary of :func:`verdict`). As an adjusted p is never
    below the unadjusted one, the adjusted verdict is either the unadjusted one or "tied".
    """
    if not 0.0 <= p_adjusted <= 1.0:
        raise ValueError(f"The parameter 'p_adjusted' should lie in [0, 1], but got {p_adjusted!r}.")
    if p_adjusted >= round(1.0 - level, 12) or difference["mean"] == 0.0:
        return "tied"
    return "better" if difference["mean"] < 0 else "worse"


def verdict(difference: dict[str, Any]) -> str:
    """ "better" (a is lower), "worse" (a is higher) or "tied", from the interval of the mean difference."""
    if difference["hi"] < 0:
        return "better"
    if difference["lo"] > 0:
        return "worse"
    return "tied"


def position(interval: dict[str, Any], value: float) -> str:
    """Where ``value`` lies against an interval ``{lo, hi}``: "below" it, "above" it or "inside"."""
    if value < interval["lo"]:
        return "below"
    if value > interval["hi"]:
        return "above"
    return "inside"
