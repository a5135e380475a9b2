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
  Whether one straight line fits at all is asked twice: :func:`local_exponents` gives the
  exponent between each pair of consecutive sizes (paired over seeds), and
  :func:`power_law_curvature` the quadratic term of ``log y`` in ``log x`` with its t.

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
    "floor_start",
    "holm",
    "local_exponents",
    "paired_difference",
    "position",
    "power_law_curvature",
    "power_law_fit",
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


def power_law_fit(
    x: Sequence[float], y: Sequence[float], groups: Sequence[Any], level: float = LEVEL
) -> dict[str, Any]:
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
        raise ValueError(
            f"The parameters 'x', 'y' and 'groups' should be 1-D of one length, but got "
            f"{lx.shape}, {ly.shape} and {len(g)}."
        )
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
    sxx = float(np.sum(dx**2))
    df = lx.size - len(names) - 1
    if sxx <= 0 or df < 1:
        raise ValueError(
            f"A slope with an interval needs two distinct x within a group and a degree of freedom "
            f"left, but got {lx.size} points in {len(names)} group(s)."
        )
    slope = float(np.sum(dx * dy) / sxx)
    residual = dy - slope * dx
    stderr = float(np.sqrt(np.sum(residual**2) / df / sxx))
    half = float(stats.t.ppf(0.5 + level / 2.0, df) * stderr)
    intercept = float(np.mean([my - slope * mx for mx, my in intercepts]))
    return {
        "slope": slope,
        "lo": slope - half,
        "hi": slope + half,
        "stderr": stderr,
        "df": int(df),
        "n": int(lx.size),
        "n_groups": len(names),
        "intercept": intercept,
        "x_min": float(np.exp(lx.min())),
        "x_max": float(np.exp(lx.max())),
        "groups": per_group,
    }


def _groups(
    x: Sequence[float], y: Sequence[float], groups: Sequence[Any]
) -> tuple[np.ndarray, np.ndarray, list[Any], np.ndarray]:
    """``log x``, ``log y``, the group names in order of appearance and every point's group index."""
    lx, ly = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    g = list(groups)
    if lx.shape != ly.shape or lx.ndim != 1 or len(g) != lx.size:
        raise ValueError(
            f"The parameters 'x', 'y' and 'groups' should be 1-D of one length, but got "
            f"{lx.shape}, {ly.shape} and {len(g)}."
        )
    if not (np.all(np.isfinite(lx)) and np.all(np.isfinite(ly)) and np.all(lx > 0) and np.all(ly > 0)):
        raise ValueError("The parameters 'x' and 'y' should hold positive finite numbers.")
    names = list(dict.fromkeys(g))
    return np.log(lx), np.log(ly), names, np.array([names.index(v) for v in g])


def local_exponents(
    sizes: Sequence[Any], x: Sequence[float], y: Sequence[float], groups: Sequence[Any], level: float = LEVEL
) -> list[dict[str, Any]]:
    """The exponent of ``y ~ x ** -alpha`` between each pair of consecutive sizes, paired over groups.

    For sizes ``s_i`` and ``s_(i+1)`` and every group (seed) that has both, the local exponent
    is ``-(log y_(i+1) - log y_i) / (log x_(i+1) - log x_i)``; its mean over groups gets a
    Student-t interval (a paired statement: each seed is compared with itself).

    Parameters
    ----------
    sizes : sequence
        Every point's size (grid or width); the sizes are taken in increasing ``x``.
    x, y : sequence of float
        Positive parameter counts and errors, one per point.
    groups : sequence
        Every point's group (seed); at most one point per (size, group).

    Returns
    -------
    list of dict
        One per consecutive pair: ``from_size``, ``to_size``, ``from_x``, ``to_x`` (median
        x at each size), ``mean``, ``lo``, ``hi``, ``n`` (groups), ``p_value`` (two-sided,
        of "the local exponent is 0": the error does not change) and ``values`` (each
        group's own exponent, ``{"group", "alpha"}``). Pairs with fewer than two groups have
        ``lo`` and ``hi`` None.
    """
    lx, ly, names, index = _groups(x, y, groups)
    size = list(sizes)
    if len(size) != lx.size:
        raise ValueError(f"The parameter 'sizes' should have one entry per point, but got {len(size)} for {lx.size}.")
    at: dict[Any, dict[Any, tuple[float, float, float]]] = {}
    for s, k, a, b, raw in zip(size, index, lx, ly, x, strict=True):
        if names[k] in at.setdefault(s, {}):
            raise ValueError(f"Two points share the size {s!r} and the group {names[k]!r}.")
        at[s][names[k]] = (float(a), float(b), float(raw))
    order = sorted(at, key=lambda s: float(np.median([v[0] for v in at[s].values()])))
    out = []
    for s0, s1 in zip(order, order[1:], strict=False):
        both = [g for g in names if g in at[s0] and g in at[s1] and at[s1][g][0] != at[s0][g][0]]
        values = [-(at[s1][g][1] - at[s0][g][1]) / (at[s1][g][0] - at[s0][g][0]) for g in both]
        entry: dict[str, Any] = {
            "from_size": s0,
            "to_size": s1,
            "from_x": float(np.median([v[2] for v in at[s0].values()])),
            "to_x": float(np.median([v[2] for v in at[s1].values()])),
            "mean": float(np.mean(values)) if values else None,
            "lo": None,
            "hi": None,
            "n": len(values),
            "p_value": None,
            "values": [{"group": g, "alpha": float(v)} for g, v in zip(both, values, strict=True)],
        }
        if len(values) >= 2:
            d = np.asarray(values)
            se = float(d.std(ddof=1) / np.sqrt(d.size))
            half = float(stats.t.ppf(0.5 + level / 2.0, d.size - 1) * se)
            entry.update(
                lo=entry["mean"] - half, hi=entry["mean"] + half, p_value=_t_p_value(entry["mean"], se, d.size - 1)
            )
        out.append(entry)
    return out


def floor_start(local: Sequence[dict[str, Any]]) -> int | None:
    """Where the error stops falling: the index of the first local exponent whose interval reaches 0.

    Parameters
    ----------
    local : sequence of dict
        The output of :func:`local_exponents`, in increasing size.

    Returns
    -------
    int or None
        The index ``i`` of the first pair whose interval includes 0 or lies below it (the
        error no longer falls detectably from ``from_size`` on): the floor starts at that
        pair's ``from_size``. None when every interval lies above 0 (no floor within the
        sizes run). Pairs without an interval are skipped.
    """
    for i, entry in enumerate(local):
        if entry.get("lo") is not None and entry["lo"] <= 0.0:
            return i
    return None


def power_law_curvature(
    x: Sequence[float], y: Sequence[float], groups: Sequence[Any], level: float = LEVEL
) -> dict[str, Any]:
    """Is ``log y`` straight in ``log x``? The quadratic term of ``log y = a_g + b log x + c (log x)^2``.

    Least squares with one intercept per group (as :func:`power_law_fit`); ``c`` with its
    standard error, t statistic and Student-t interval on ``n - G - 2`` degrees of freedom.
    A power law is a straight line in log-log, so ``c`` far from 0 says one exponent does
    not describe the whole range (``c > 0``: the decline flattens as x grows).

    Returns
    -------
    dict
        ``quadratic`` (c), ``lo``, ``hi``, ``stderr``, ``t``, ``df``, ``p_value`` (two-sided,
        of c = 0) and ``curved`` (``p_value < 1 - level``).

    Raises
    ------
    ValueError
        When fewer than three distinct x or no degree of freedom are left.
    """
    lx, ly, names, index = _groups(x, y, groups)
    df = lx.size - len(names) - 2
    if len(np.unique(lx)) < 3 or df < 1:
        raise ValueError(
            f"A quadratic term with an interval needs three distinct x and a degree of freedom left, "
            f"but got {len(np.unique(lx))} distinct x in {lx.size} points and {len(names)} group(s)."
        )
    design = np.column_stack([lx, lx**2])
    response = ly.copy()
    for k in range(len(names)):
        mine = index == k
        design[mine] -= design[mine].mean(axis=0)
        response[mine] -= response[mine].mean()
    coef, *_ = np.linalg.lstsq(design, response, rcond=None)
    residual = response - design @ coef
    sigma2 = float(np.sum(residual**2) / df)
    cov = sigma2 * np.linalg.inv(design.T @ design)
    c, se = float(coef[1]), float(np.sqrt(cov[1, 1]))
    half = float(stats.t.ppf(0.5 + level / 2.0, df) * se)
    t_stat = c / se if se > 0 else (np.inf if c != 0 else 0.0)
    p = _t_p_value(c, se, df)
    return {
        "quadratic": c,
        "lo": c - half,
        "hi": c + half,
        "stderr": se,
        "t": float(t_stat),
        "df": int(df),
        "p_value": p,
        "curved": bool(p < 1.0 - level),
    }


def position(interval: dict[str, Any], value: float) -> str:
    """Where ``value`` lies against an interval ``{lo, hi}``: "below" it, "above" it or "inside"."""
    if value < interval["lo"]:
        return "below"
    if value > interval["hi"]:
        return "above"
    return "inside"
