"""What the comparison figures draw from a ``ggmm-comparison`` export: points, seeds, ranges and labels.

Shared by figure 1's interactive builder (:mod:`ggmm_build.figures.comparison`), its print layout
(:mod:`ggmm_build.figures.print`) and the paired forest plot (:mod:`ggmm_build.figures.paired`):

* :func:`comparison_points` and :func:`seed_values`: one (dataset, metric) view's means with their
  intervals, and every seed's own value;
* :func:`x_range`, :data:`LOG_METRICS` and :func:`marker_size`: an x range fitted to the data, the
  metrics drawn on a log axis, and the marker size of a parameter count;
* :func:`method_label`, :func:`wrap_label` and :func:`axis_title`: method labels wrapped for narrow
  screens, and a metric's axis title;
* the x, y, interval, size and hover data of one trace's means and of its seeds (what the
  interactive figure's metric switch restyles), and the values of its size key.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..i18n.strings import t

__all__ = ["comparison_points", "marker_size", "seed_values", "x_range"]


FAMILIES = ("KAN", "MLP", "classical")


_SIZE_MIN, _SIZE_PER_DECADE = 7.0, 6.0


def marker_size(n_params: float) -> float:
    """Marker diameter in pixels for a parameter count: 7 px at 1 parameter, +6 px per decade."""
    return _SIZE_MIN + _SIZE_PER_DECADE * math.log10(max(float(n_params), 1.0))


def comparison_points(comparison: dict[str, Any], dataset: str, metric: str) -> list[dict[str, Any]]:
    """The points of one (dataset, metric) view, sorted from the smallest error to the largest.

    Parameters
    ----------
    comparison : dict
        A ``ggmm-comparison`` export.
    dataset : str
    metric : str
        One of ``comparison["metrics"]``.

    Returns
    -------
    points : list of dict
        ``{"method", "label" (dict), "family", "oracle", "n_params", "mean", "lo", "hi", "n", "seconds"}``,
        methods without a value for ``metric`` left out; ``oracle`` is True for a regressor
        (trained on the true density values at its training points, not on samples alone).
    """
    labels = {m["name"]: m["label"] for m in comparison["methods"]}
    oracle = {m["name"]: not m.get("normalized", True) for m in comparison["methods"]}
    points = []
    for row in comparison["summary"]:
        if row["dataset"] != dataset or row.get(metric) is None:
            continue
        stat = row[metric]
        points.append(
            {
                "method": row["method"],
                "label": labels.get(row["method"], {"en": row["method"], "zh": row["method"]}),
                "family": row["family"],
                "oracle": oracle.get(row["method"], False),
                "n_params": row["n_params"],
                "mean": stat["mean"],
                "lo": stat["lo"],
                "hi": stat["hi"],
                "n": stat["n"],
                "seconds": row.get("seconds", {}).get("mean"),
            }
        )
    return sorted(points, key=lambda p: p["mean"])


def seed_values(comparison: dict[str, Any], dataset: str, metric: str, method: str) -> list[float]:
    """Every seed's value of ``metric`` for one method on one dataset, in seed order."""
    runs = [
        r for r in comparison["runs"] if r["dataset"] == dataset and r["method"] == method and r.get(metric) is not None
    ]
    return [float(r[metric]) for r in sorted(runs, key=lambda r: r["seed"])]


#: Metrics drawn on a log axis: an RMSE is positive and its methods differ by factors.
LOG_METRICS = ("rmse_test", "rmse_grid")


def x_range(
    points: list[dict[str, Any]],
    reference: float | None = None,
    pad: float = 0.08,
    extra: list[float] | None = None,
    log: bool = False,
) -> list[float]:
    """An x range holding every interval (and the reference value), padded, not forced to include 0.

    Parameters
    ----------
    points : list of dict
        As returned by :func:`comparison_points`.
    reference : float, optional
        A value that must be inside the range (the true density's NLL).
    extra : list of float, optional
        More values that must be inside the range (the seeds' own values).
    pad : float
        Fraction of the span added on each side.
    log : bool
        The range of a log axis: in log10 units (Plotly's convention), padded on that scale, so
        it never reaches 0 or below. Non-positive values are left out.

    Returns
    -------
    [low, high] : list of float
    """
    values = [p["lo"] for p in points] + [p["hi"] for p in points] + [p["mean"] for p in points] + (extra or [])
    if reference is not None:
        values.append(reference)
    if log:
        values = [math.log10(v) for v in values if v > 0]
    lo, hi = float(min(values)), float(max(values))
    span = hi - lo if hi > lo else max(abs(hi), 1e-12)
    return [lo - pad * span, hi + pad * span]


def axis_name(axis_id: str) -> str:
    """Layout key of an axis id: ``"y"`` -> ``"yaxis"``, ``"y4"`` -> ``"yaxis4"``."""
    return f"{axis_id[0]}axis{axis_id[1:]}"


def wrap_label(label: str, lang: str) -> str:
    """Break a long method label over lines (``<br>``) so the y axis stays narrow on phones.

    Labels longer than about 18 (English) or 9 (Chinese) characters are split at the space or
    before the opening bracket that balances the two lines best; long halves are split again.
    """
    limit = 18 if lang == "en" else 9
    if len(label) <= limit:
        return label
    cuts = [i for i, ch in enumerate(label) if i >= 2 and (ch == " " or ch in "（([")]
    if not cuts:
        cuts = [len(label) // 2]
    cut = min(cuts, key=lambda i: max(i, len(label) - i))
    head, tail = label[:cut].rstrip(), label[cut:].lstrip()
    if len(tail) > 1.5 * limit:
        tail = wrap_label(tail, lang)
    return f"{wrap_label(head, lang) if len(head) > 1.5 * limit else head}<br>{tail}"


def axis_title(metric: str, lang: str) -> str:
    """The x axis title of a metric, with "lower is better" (and "log scale") on a second, smaller line."""
    note = t("metric.lower_better", lang) + (f" · {t('comparison.log_axis', lang)}" if metric in LOG_METRICS else "")
    name = t(f"metric.{metric}", lang)
    if len(name) > (36 if lang == "en" else 18) and ("（" in name or " (" in name):  # units on a line of their own
        cut = name.index("（") if "（" in name else name.index(" (")
        name = f"{name[:cut].rstrip()}<br>{name[cut:].lstrip()}"
    return f'{name}<br><span style="font-size:11px">{note}</span>'


def method_label(point: dict[str, Any], lang: str, wrap: bool = True) -> str:
    """A method's label on the y axis: marked "◇" for an oracle regressor, and wrapped unless ``wrap`` is False."""
    label = ("◇ " if point.get("oracle") else "") + point["label"][lang]
    return wrap_label(label, lang) if wrap else label


def _compact(count: int) -> str:
    """10 -> "10", 1000 -> "1k", 1000000 -> "1M"."""
    for size, suffix in ((10**6, "M"), (10**3, "k")):
        if count >= size and count % size == 0:
            return f"{count // size}{suffix}"
    return str(count)


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _trace_data(points: list[dict[str, Any]], lang: str, metric_label: str) -> dict[str, Any]:
    """x, y, intervals, sizes and hover data of one trace's points."""
    fam = {p["family"]: t(f"family.{p['family']}", lang) for p in points}
    hover = []
    for p in points:
        seconds = "" if p["seconds"] is None else f"<br>{t('hover.seconds', lang)}: {p['seconds']:.3g} s"
        oracle = f"<br><i>{t('comparison.oracle_hover', lang)}</i>" if p.get("oracle") else ""
        hover.append(
            f"<b>{p['label'][lang]}</b>{oracle}<br>{t('hover.family', lang)}: {fam[p['family']]}"
            f"<br>{metric_label}: {_fmt(p['mean'])}"
            f"<br>{t('hover.ci95', lang)}: [{_fmt(p['lo'])}, {_fmt(p['hi'])}]"
            f"<br>{t('hover.params', lang)}: {p['n_params']:,}"
            f"<br>{t('hover.seeds', lang)}: {p['n']}{seconds}"
        )
    return {
        "x": [p["mean"] for p in points],
        "y": [method_label(p, lang) for p in points],
        "error_x.array": [p["hi"] - p["mean"] for p in points],
        "error_x.arrayminus": [p["mean"] - p["lo"] for p in points],
        "marker.size": [marker_size(p["n_params"]) for p in points],
        "marker.symbol": ["diamond-open" if p.get("oracle") else "circle" for p in points],
        "hovertext": hover,
    }


def _seed_data(
    comparison: dict[str, Any], dataset: str, metric: str, points: list[dict[str, Any]], lang: str, metric_label: str
) -> dict[str, Any]:
    """x, y and hover data of the per-seed dots of one trace's methods."""
    x, y, hover = [], [], []
    seeds = sorted({r["seed"] for r in comparison["runs"]})
    for p in points:
        values = seed_values(comparison, dataset, metric, p["method"])
        x += values
        y += [method_label(p, lang)] * len(values)
        hover += [
            f"<b>{p['label'][lang]}</b><br>{t('hover.seed', lang)} {s}: {metric_label} {_fmt(v)}"
            for s, v in zip(seeds, values, strict=False)
        ]
    return {
        "x": x,
        "y": y,
        "error_x.array": [],
        "error_x.arrayminus": [],
        "marker.size": 11,
        "marker.symbol": "line-ns-open",
        "hovertext": hover,
    }


def _size_key_values(comparison: dict[str, Any]) -> list[int]:
    """Powers of ten spanning the parameter counts (at most four of them)."""
    counts = [row["n_params"] for row in comparison["summary"] if row["n_params"] > 0]
    if not counts:
        return [10]
    lo, hi = math.floor(math.log10(min(counts))), math.ceil(math.log10(max(counts)))
    decades = list(range(lo, hi + 1))
    if len(decades) > 4:
        decades = [int(round(v)) for v in np.linspace(lo, hi, 4)]
    return [10**d for d in decades]
