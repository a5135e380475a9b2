"""Scaling laws: the exponent of an error that falls as a power of the size, and where it stops.

* **An exponent** (:func:`power_law_fit`): ``y ~ C x ** slope`` fitted by least squares on
  ``log y`` against ``log x`` with one intercept per seed (a seed's data may be harder
  throughout; only the common slope is estimated), with the regression's Student-t
  interval for the slope (:func:`ggmm.stats.position` reads an interval against a
  reference value).
* **One straight line or not**, asked twice: :func:`local_exponents` gives the exponent
  between each pair of consecutive sizes (paired over seeds), and
  :func:`power_law_curvature` the quadratic term of ``log y`` in ``log x`` with its t.
  :func:`floor_start` reads the local exponents: the size from which the error stops
  falling detectably.

Intervals are at the report's level (:data:`ggmm.stats.LEVEL`), p-values two-sided
Student-t, as in :mod:`ggmm.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from .stats import LEVEL, _t_p_value

__all__ = [
    "floor_start",
    "local_exponents",
    "power_law_curvature",
    "power_law_fit",
]


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
