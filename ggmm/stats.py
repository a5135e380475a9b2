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

A third kind, for the scaling experiments:

* **An exponent** (:func:`power_law_fit`): ``y ~ C x ** slope`` fitted by least squares on
  ``log y`` against ``log x`` with one intercept per seed (a seed's data may be harder
  throughout; only the common slope is estimated), with the regression's Student-t
  interval for the slope. :func:`position` reads an interval against a reference value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

__all__ = ["bootstrap_interval", "paired_difference", "position", "power_law_fit", "verdict", "LEVEL"]

#: Confidence level of every interval in the report.
LEVEL = 0.95


def bootstrap_interval(values: Sequence[float], level: float = LEVEL, n_boot: int = 10_000,
                       seed: int = 0) -> dict[str, float | int]:
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


def paired_difference(a: Sequence[float], b: Sequence[float], log: bool = False,
                      level: float = LEVEL) -> dict[str, Any]:
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
        ``log`` and ``verdict``.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"The parameters 'a' and 'b' should be 1-D arrays of the same length, "
                         f"but got shapes {x.shape} and {y.shape}.")
    if log:
        if np.any(x <= 0) or np.any(y <= 0):
            raise ValueError("log=True needs positive values in 'a' and 'b'.")
        d = np.log(x) - np.log(y)
    else:
        d = x - y
    if d.size < 2:
        raise ValueError("A paired comparison needs at least 2 seeds.")
    mean = float(d.mean())
    half = float(stats.t.ppf(0.5 + level / 2.0, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    out: dict[str, Any] = {"mean": mean, "lo": mean - half, "hi": mean + half, "n": int(d.size),
                           "wins_a": int(np.sum(d < 0)), "wins_b": int(np.sum(d > 0)), "ties": int(np.sum(d == 0)),
                           "log": bool(log)}
    if log:
        out.update(ratio=float(np.exp(mean)), ratio_lo=float(np.exp(mean - half)), ratio_hi=float(np.exp(mean + half)))
    out["verdict"] = verdict(out)
    return out


def verdict(difference: dict[str, Any]) -> str:
    """"better" (a is lower), "worse" (a is higher) or "tied", from the interval of the mean difference."""
    if difference["hi"] < 0:
        return "better"
    if difference["lo"] > 0:
        return "worse"
    return "tied"


def power_law_fit(x: Sequence[float], y: Sequence[float], groups: Sequence[Any],
                  level: float = LEVEL) -> dict[str, Any]:
    """The exponent of ``y ~ C_g * x ** slope`` by least squares in log-log, one intercept per group.

    The model is ``log y = a_g + slope * log x + e`` with independent errors, ``a_g`` one
    intercept per group (seed). The slope's interval is the regression's Student-t
    interval with ``n - G - 1`` degrees of freedom (n points, G groups).

    Parameters
    ----------
    x, y : sequence of float
        Positive sizes and values, one per point.
    groups : sequence
        The group (seed) of every point.
    level : float

    Returns
    -------
    dict
        ``slope``, ``lo``, ``hi``, ``stderr``, ``df``, ``n`` (points), ``n_groups``,
        ``intercept`` (the mean over groups of ``a_g``: the fitted line is
        ``exp(intercept) * x ** slope``), ``x_min``, ``x_max`` and ``groups``: every group's
        own least-squares slope (``{"group", "slope"}``, groups with two or more distinct x).

    Raises
    ------
    ValueError
        On non-positive or non-finite values, or when the slope cannot be estimated with an
        interval (fewer than two distinct x within the groups, or no degree of freedom left).
    """
    lx, ly = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    g = list(groups)
    if lx.shape != ly.shape or lx.ndim != 1 or len(g) != lx.size:
        raise ValueError(f"The parameters 'x', 'y' and 'groups' should be 1-D of one length, but got "
                         f"{lx.shape}, {ly.shape} and {len(g)}.")
    if not (np.all(np.isfinite(lx)) and np.all(np.isfinite(ly)) and np.all(lx > 0) and np.all(ly > 0)):
        raise ValueError("The parameters 'x' and 'y' should hold positive finite numbers.")
    lx, ly = np.log(lx), np.log(ly)
    names = list(dict.fromkeys(g))
    index = np.array([names.index(v) for v in g])
    dx, dy = lx.copy(), ly.copy()
    per_group, intercepts = [], []
    for k, name in enumerate(names):
        mine = index == k
        mx, my = lx[mine].mean(), ly[mine].mean()
        dx[mine] -= mx
        dy[mine] -= my
        sxx = float(np.sum(dx[mine] ** 2))
        if sxx > 0:
            per_group.append({"group": name, "slope": float(np.sum(dx[mine] * dy[mine]) / sxx)})
        intercepts.append((mx, my))
    sxx = float(np.sum(dx ** 2))
    df = lx.size - len(names) - 1
    if sxx <= 0 or df < 1:
        raise ValueError(f"A slope with an interval needs two distinct x within a group and a degree of freedom "
                         f"left, but got {lx.size} points in {len(names)} group(s).")
    slope = float(np.sum(dx * dy) / sxx)
    residual = dy - slope * dx
    stderr = float(np.sqrt(np.sum(residual ** 2) / df / sxx))
    half = float(stats.t.ppf(0.5 + level / 2.0, df) * stderr)
    intercept = float(np.mean([my - slope * mx for mx, my in intercepts]))
    return {"slope": slope, "lo": slope - half, "hi": slope + half, "stderr": stderr, "df": int(df),
            "n": int(lx.size), "n_groups": len(names), "intercept": intercept,
            "x_min": float(np.exp(lx.min())), "x_max": float(np.exp(lx.max())), "groups": per_group}


def position(interval: dict[str, Any], value: float) -> str:
    """Where ``value`` lies against an interval ``{lo, hi}``: "below" it, "above" it or "inside"."""
    if value < interval["lo"]:
        return "below"
    if value > interval["hi"]:
        return "above"
    return "inside"
