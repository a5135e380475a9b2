"""Figure 1: methods compared on one accuracy measure, with a dataset dropdown and a metric switch.

Methods sit on the y axis, sorted by their error (the best on top); the mean error over seeds
with its 95% interval is on the x axis, whose range is fitted to the data rather than started
at 0, and every seed's own value is a short vertical tick on the same line.
Colour gives the method family, marker size the parameter count (with a size key on the
right); there is no shape encoding. The dataset dropdown and the metric switch are plain
Plotly ``updatemenus`` and work independently of each other:

* traces are two per (dataset, family), the means and the seeds, and the dropdown only
  toggles their visibility;
* the metric switch restyles the x values, intervals and hover data of every trace at once;
* the y axis orders its categories by the visible values (``categoryorder``) and the x axis
  autoranges on the visible data, so sorting and range follow both controls.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n.strings import t
from ._style import FAMILY_COLORS, REFERENCE_COLOR, base_layout, check_lang
from .io import check_export

__all__ = [
    "comparison_figure",
    "comparison_points",
    "marker_size",
    "paired_figure",
    "paired_rows",
    "seed_values",
    "x_range",
]

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


def comparison_figure(
    comparison: dict[str, Any], lang: str, dataset: str | None = None, metric: str = "nll_gap"
) -> go.Figure:
    """Every method's level on one dataset and metric, with a dataset dropdown and a metric switch.

    Density estimators are judged by their held-out NLL (by default as the gap to the true
    density's on the same test points, 0 being the truth); every method also has an RMSE of its
    density, drawn on a log axis (an RMSE is positive, and methods differ by factors). Oracle
    regressors, trained on the true density values, are marked "◇" with an open diamond and a
    legend entry: they are not estimators from samples.

    Parameters
    ----------
    comparison : dict
        A ``ggmm-comparison`` export.
    lang : {"en", "zh"}
    dataset : str, optional
        The dataset shown first (default: the first one).
    metric : str
        The metric shown first, one of ``comparison["metrics"]``.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    check_export(comparison, "ggmm-comparison")
    datasets = [d["name"] for d in comparison["datasets"]]
    metrics = [m for m in comparison["metrics"] if any(row.get(m) is not None for row in comparison["summary"])]
    if not datasets:
        raise ValueError("The comparison export has no datasets.")
    dataset = datasets[0] if dataset is None else dataset
    if dataset not in datasets:
        raise ValueError(f"The parameter 'dataset' must be one of {datasets}, but got {dataset!r}.")
    if metric not in metrics:
        raise ValueError(f"The parameter 'metric' must be one of {metrics}, but got {metric!r}.")
    titles = {d["name"]: d["title"][lang] for d in comparison["datasets"]}
    truth = comparison.get("truth_nll") or {}

    # One trace per (dataset, family), each dataset on its own categorical y axis (all in the same
    # place, only the chosen one shown). Hidden traces are "legendonly", never visible=False:
    # plotly.js fails to order categories by value when a trace on the axis has visible=False.
    axis_of = {ds: ("y" if i == 0 else f"y{i + 3}") for i, ds in enumerate(datasets)}
    slots = [
        (ds, fam)
        for ds in datasets
        for fam in FAMILIES
        if any(r["dataset"] == ds and r["family"] == fam for r in comparison["summary"])
    ]
    per_metric: dict[str, list[dict[str, Any]]] = {}
    for m in metrics:
        label = t(f"metric.{m}.short", lang)
        per_metric[m] = []
        for ds, fam in slots:
            pts = [p for p in comparison_points(comparison, ds, m) if p["family"] == fam]
            # in trace order: the seeds' ticks, then the means
            per_metric[m] += [_seed_data(comparison, ds, m, pts, lang, label), _trace_data(pts, lang, label)]
    fig = go.Figure()
    for i, (ds, fam) in enumerate(slots):
        shown = ds == dataset
        dots, data = per_metric[metric][2 * i], per_metric[metric][2 * i + 1]
        # the seeds first, so the mean markers are drawn on top of them
        fig.add_trace(
            go.Scatter(
                x=dots["x"],
                y=dots["y"],
                mode="markers",
                yaxis=axis_of[ds],
                name=t("hover.seed", lang),
                legendgroup=f"{ds}-{fam}",
                visible=True if shown else "legendonly",
                showlegend=False,
                marker={
                    "symbol": "line-ns-open",
                    "size": 11,
                    "color": FAMILY_COLORS[fam],
                    "line": {"width": 1.5, "color": FAMILY_COLORS[fam]},
                    "opacity": 0.55,
                },
                hovertext=dots["hovertext"],
                hoverinfo="text",
                meta={"dataset": ds, "family": fam, "role": "seeds"},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=data["x"],
                y=data["y"],
                mode="markers",
                yaxis=axis_of[ds],
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": data["error_x.array"],
                    "arrayminus": data["error_x.arrayminus"],
                    "thickness": 1.5,
                    "width": 4,
                    "color": FAMILY_COLORS[fam],
                },
                name=t(f"family.{fam}", lang),
                legendgroup=f"{ds}-{fam}",
                visible=True if shown else "legendonly",
                showlegend=False,
                marker={
                    "size": data["marker.size"],
                    "color": FAMILY_COLORS[fam],
                    "opacity": 0.75,
                    "symbol": data["marker.symbol"],
                    "line": {"width": 1.5, "color": FAMILY_COLORS[fam]},
                },
                hovertext=data["hovertext"],
                hoverinfo="text",
                meta={"dataset": ds, "family": fam, "role": "method"},
            )
        )
    # The true density's held-out NLL: a labelled vertical line on a hidden overlaying y axis (0..1).
    n_method_traces = 2 * len(slots)
    ref_x: dict[str, dict[str, list[float | None]]] = {}
    ref_hover: list[list[str]] = []
    ref_text: dict[str, dict[str, str]] = {}
    for ds in datasets:
        stat = truth.get(ds) if isinstance(truth.get(ds), dict) else None
        value = None if stat is None else stat.get("mean")
        ref_x[ds] = {
            m: (
                [value, value] if (m == "nll" and value is not None) else [0.0, 0.0] if m == "nll_gap" else [None, None]
            )
            for m in metrics
        }
        hover = ""
        if stat is not None and value is not None:
            hover = (
                f"<b>{t('comparison.truth_nll', lang)}</b><br>{_fmt(stat['mean'])}"
                f"<br>{t('hover.ci95', lang)}: [{_fmt(stat['lo'])}, {_fmt(stat['hi'])}]"
            )
        ref_hover.append([hover, hover])
        ref_text[ds] = {
            m: t("comparison.truth_gap" if m == "nll_gap" else "comparison.truth_nll", lang) for m in metrics
        }
        fig.add_trace(
            go.Scatter(
                x=ref_x[ds][metric],
                y=[0, 1],
                yaxis="y2",
                mode="lines+text",
                name=t("comparison.truth_nll", lang),
                text=["", ref_text[ds][metric]],
                textposition="bottom right",
                textfont={"size": 11, "color": REFERENCE_COLOR},
                cliponaxis=False,
                line={"color": REFERENCE_COLOR, "dash": "dash", "width": 1.5},
                visible=True if ds == dataset else "legendonly",
                showlegend=False,
                hovertext=ref_hover[-1],
                hoverinfo="text",
                meta={"dataset": ds, "role": "reference"},
            )
        )
    # Size key: reference markers on their own small axes at the right.
    key_values = _size_key_values(comparison)
    fig.add_trace(
        go.Scatter(
            x=[0.0] * len(key_values),
            y=list(range(len(key_values))),
            xaxis="x2",
            yaxis="y3",
            mode="markers+text",
            text=[_compact(v) for v in key_values],
            textposition="middle right",
            marker={
                "size": [marker_size(v) for v in key_values],
                "color": "#bbbbbb",
                "line": {"color": "#777777", "width": 1},
            },
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
            meta={"role": "size-key"},
        )
    )
    # The legend: one key per family, and the oracle regressors' mark, drawn by empty traces so that
    # neither the dataset menu nor the metric switch changes it.
    has_oracle = any(not m.get("normalized", True) for m in comparison["methods"])
    keys = [
        (t(f"family.{fam}", lang), {"color": FAMILY_COLORS[fam], "symbol": "circle", "size": 11})
        for fam in FAMILIES
        if any(s[1] == fam for s in slots)
    ]
    if has_oracle:
        keys.append(
            (
                t("comparison.oracle", lang),
                {"color": "#555555", "symbol": "diamond-open", "size": 11, "line": {"width": 1.5}},
            )
        )
    for name, marker in keys:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                marker=marker,
                showlegend=True,
                hoverinfo="skip",
                meta={"role": "legend"},
            )
        )

    def dataset_update(ds: str) -> list[dict[str, Any]]:
        visible = [True if s[0] == ds else "legendonly" for s in slots for _ in range(2)]
        visible += [True if d == ds else "legendonly" for d in datasets] + [True] + [True] * len(keys)
        showlegend = [False for _ in slots for _ in range(2)]
        showlegend += [False] * len(datasets) + [False] + [True] * len(keys)
        relayout: dict[str, Any] = {f"{axis_name(axis_of[d])}.visible": d == ds for d in datasets}
        relayout.update({"title.subtitle.text": titles[ds], "xaxis.autorange": True})
        return [{"visible": visible, "showlegend": showlegend}, relayout]

    def restyle_for(m: str) -> dict[str, list[Any]]:
        rows = per_metric[m]
        restyle: dict[str, list[Any]] = {
            key: [r[key] for r in rows]
            for key in ("x", "y", "error_x.array", "error_x.arrayminus", "marker.size", "marker.symbol", "hovertext")
        }
        restyle["marker.symbol"] += ["circle"] * len(datasets)
        restyle["text"] = [None] * len(rows) + [["", ref_text[ds][m]] for ds in datasets]
        restyle["x"] += [ref_x[ds][m] for ds in datasets]
        restyle["y"] += [[0, 1]] * len(datasets)
        restyle["error_x.array"] += [[]] * len(datasets)
        restyle["error_x.arrayminus"] += [[]] * len(datasets)
        restyle["marker.size"] += [6] * len(datasets)
        restyle["hovertext"] += ref_hover
        return restyle

    indices = list(range(n_method_traces + len(datasets)))  # all but the size key
    metric_buttons = [
        {
            "label": t(f"metric.{m}.short", lang),
            "method": "update",
            "args": [
                restyle_for(m),
                {
                    "xaxis.title.text": axis_title(m, lang),
                    "xaxis.autorange": True,
                    "xaxis.type": "log" if m in LOG_METRICS else "linear",
                },
                indices,
            ],
        }
        for m in metrics
    ]
    dataset_buttons = [{"label": titles[ds], "method": "update", "args": dataset_update(ds)} for ds in datasets]

    points = comparison_points(comparison, dataset, metric)
    ref_value = ref_x[dataset][metric][0]
    seeds_shown = [v for p in points for v in seed_values(comparison, dataset, metric, p["method"])]
    n_methods = len({r["method"] for r in comparison["summary"]})
    top, bottom = 130, 150
    height = top + bottom + max(240, 44 * n_methods)
    area = height - top - bottom

    def above(px: float) -> float:
        """Paper y coordinate ``px`` pixels above the plot area."""
        return 1.0 + px / area

    category_axis = {
        "title": {"text": ""},
        "type": "category",
        "categoryorder": "total descending",
        "showgrid": True,
        "domain": [0.0, 1.0],
        "anchor": "x",
    }
    axes: dict[str, Any] = {}
    for i, ds in enumerate(datasets):
        settings = {**category_axis, "visible": ds == dataset}
        if i > 0:
            settings["overlaying"] = "y"
        axes[axis_name(axis_of[ds])] = settings
    fig.update_layout(
        **base_layout(
            lang,
            title={
                "text": t("comparison.title", lang),
                "subtitle": {"text": titles[dataset], "font": {"size": 13}},
                "yref": "container",
                "y": 1.0 - 12.0 / height,
                "yanchor": "top",
            },
            height=height,
            margin={"l": 10, "r": 36, "t": top, "b": bottom},
            xaxis={
                "title": {"text": axis_title(metric, lang)},
                "domain": [0.0, 0.86],
                "type": "log" if metric in LOG_METRICS else "linear",
                "range": x_range(points, ref_value, extra=seeds_shown, log=metric in LOG_METRICS),
                "autorange": False,
                "zeroline": False,
            },
            yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
            xaxis2={"domain": [0.9, 0.96], "range": [-1, 1], "visible": False, "fixedrange": True},
            yaxis3={
                "domain": [0.15, 0.8],
                "range": [-0.7, len(key_values) - 0.3],
                "visible": False,
                "fixedrange": True,
                "anchor": "x2",
            },
            legend={
                "orientation": "h",
                "x": 0.0,
                "xanchor": "left",
                "y": above(-116 - area),
                "yanchor": "top",
                "traceorder": "normal",
            },
            annotations=[
                {
                    "text": t("comparison.size_key", lang),
                    "xref": "x2 domain",
                    "yref": "y3 domain",
                    "x": 0.0,
                    "y": 1.02,
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 12},
                }
            ],
            updatemenus=[
                {
                    "type": "dropdown",
                    "buttons": dataset_buttons,
                    "active": datasets.index(dataset),
                    "x": 1.0,
                    "xanchor": "right",
                    "y": above(48),
                    "yanchor": "bottom",
                    "showactive": True,
                    "name": "dataset",
                },
                {
                    "type": "dropdown",
                    "buttons": metric_buttons,
                    "active": metrics.index(metric),
                    "x": 1.0,
                    "xanchor": "right",
                    "y": above(10),
                    "yanchor": "bottom",
                    "showactive": True,
                    "name": "metric",
                },
            ],
            **axes,
        )
    )
    return fig


# ---------------------------------------------------------------------------
# The paired comparisons: a forest plot
# ---------------------------------------------------------------------------

#: Adjusted verdict -> (colour, marker symbol). Colour and shape both say it (colour-blind readers).
VERDICT_MARKS: dict[str, tuple[str, str]] = {
    "better": ("#0072B2", "circle"),
    "worse": ("#D55E00", "square"),
    "tied": ("#777777", "circle-open"),
}
_PANEL_GAP_PX = 128


def paired_rows(
    comparison: dict[str, Any], roles: tuple[str, ...] = ("primary", "secondary"), datasets: list[str] | None = None
) -> list[dict[str, Any]]:
    """The rows of the forest plot: one per (declared comparison, dataset), in declaration then dataset order.

    Parameters
    ----------
    comparison : dict
        A ``ggmm-comparison`` export.
    roles : tuple of str
        The comparison roles shown ("primary", "secondary").
    datasets : list of str, optional
        The datasets shown, in order; by default all of the export's.

    Returns
    -------
    rows : list of dict
        The exported comparison entry plus ``scale`` ("difference" for NLL, "ratio" for RMSE),
        ``value``, ``lo``, ``hi`` on that scale (the ratio and its interval for RMSE).
    """
    order = [d["name"] for d in comparison["datasets"]] if datasets is None else list(datasets)
    names = list(dict.fromkeys(c["name"] for c in comparison["comparisons"]))
    rows = []
    for c in comparison["comparisons"]:
        if c.get("role", "primary") not in roles or c["dataset"] not in order:
            continue
        if c["log"]:
            row = {**c, "scale": "ratio", "value": c["ratio"], "lo": c["ratio_lo"], "hi": c["ratio_hi"]}
        else:
            row = {**c, "scale": "difference", "value": c["mean"]}
        rows.append(row)
    return sorted(rows, key=lambda r: (names.index(r["name"]), order.index(r["dataset"])))


def _paired_range(rows: list[dict[str, Any]], scale: str, pad: float = 0.08) -> list[float]:
    """The x range of the panels of one scale in one row, holding every interval and the no-difference line.

    For ratios the range is in log10 units (Plotly's convention for log axes).
    """
    values = [v for r in rows if r["scale"] == scale for v in (r["lo"], r["hi"])]
    if scale == "ratio":
        values = [math.log10(v) for v in values] + [0.0]
    else:
        values += [0.0]
    lo, hi = min(values), max(values)
    span = hi - lo if hi > lo else 1.0
    return [lo - pad * span, hi + pad * span]


def _paired_hover(r: dict[str, Any], title: str, lang: str) -> str:
    what = t("paired.ratio" if r["scale"] == "ratio" else "paired.difference", lang)
    return (
        f"<b>{r['label'][lang]}</b><br>{title}"
        f"<br>{what}: {_fmt(r['value'])}<br>{t('paired.ci95', lang)}: [{_fmt(r['lo'])}, {_fmt(r['hi'])}]"
        f"<br>{t('paired.wins', lang)}: {r['wins_a']} : {r['wins_b']} / {r['n']}"
        f"<br>{t('paired.p', lang)}: {r['p_value']:.2g} · {t('paired.p_adjusted', lang)}: {r['p_adjusted']:.2g}"
        f"<br>{t('paired.before', lang)}: {t('paired.verdict.' + r['verdict'], lang)}"
        f"<br>{t('paired.after', lang)}: {t('paired.verdict.' + r['verdict_adjusted'], lang)}"
    )


def _families_text(comparison: dict[str, Any], lang: str) -> str:
    families = (comparison.get("correction") or {}).get("families", [])
    return ", ".join(
        t("paired.family", lang).format(n=f["n_tests"], role=t(f"paired.role.{f['role']}", lang)) for f in families
    )


def _log_ticks(bounds: list[float]) -> list[float]:
    """Tick values inside a log10 range ``[lo, hi]``: 1-2-5 per decade within one decade, 1-3 within 2.2,
    else one per decade, and at most about five in all (so that a narrow panel on a phone still has room for
    its labels)."""
    lo, hi = bounds
    steps = (1, 2, 5) if hi - lo <= 1.0 else (1, 3) if hi - lo <= 2.2 else (1,)
    every = max(1, math.ceil((hi - lo) / 4.5))  # beyond about four decades, every other (or third) decade
    ticks = [m * 10.0**e for e in range(math.floor(lo) - 1, math.ceil(hi) + 1) for m in steps if e % every == 0]
    return [v for v in ticks if lo <= math.log10(v) <= hi]


def _linear_ticks(bounds: list[float], count: int = 3) -> list[float]:
    """About ``count`` round tick values (steps of 1, 2, 4 or 5 times a power of ten) inside ``[lo, hi]``."""
    lo, hi = bounds
    raw = (hi - lo) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 4, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step)
    return [round(k * step, 12) for k in range(first, math.floor(hi / step) + 1)]


def _short_title(name: str, title: str, lang: str) -> str:
    """A dataset's short row label (``paired.dataset.<name>``), or its title, wrapped, when it has none."""
    from ..i18n.strings import STRINGS

    key = f"paired.dataset.{name}"
    return t(key, lang) if key in STRINGS else _wrap_dataset(title, lang)


def _wrap_dataset(title: str, lang: str) -> str:
    """A dataset's title on two lines when long: before its bracket if it has one, else where it balances."""
    limit = 18 if lang == "en" else 9
    if len(title) <= limit:
        return title
    for bracket in ("（", " ("):
        if bracket in title and title.index(bracket) >= 2:
            cut = title.index(bracket)
            return f"{title[:cut].rstrip()}<br>{title[cut:].lstrip()}"
    return wrap_label(title, lang)


def paired_figure(
    comparison: dict[str, Any],
    lang: str,
    roles: tuple[str, ...] = ("primary", "secondary"),
    datasets: list[str] | None = None,
    cols: int = 2,
    width: int | None = None,
    font_size: int = 13,
) -> go.Figure:
    """Figure 1: the declared paired comparisons as a forest plot, one row per (comparison, dataset).

    One panel per declared comparison (in declaration order, ``cols`` to a row), its datasets as
    rows. Each row is the mean over seeds of the paired difference (held-out NLL, nats per
    sample, first method minus second) or the ratio of RMSEs (first / second, log axis), with
    its 95% t-interval, and a dotted line at no difference (0, or a ratio of 1). Panels of one
    scale share their x range. The mark gives the verdict after Holm's adjustment (colour and
    shape); a ring marks a borderline row, whose verdict changed under the adjustment.
    Secondary comparisons are tagged in their panel titles.

    Parameters
    ----------
    comparison : dict
        A ``ggmm-comparison`` export with adjusted comparisons.
    lang : {"en", "zh"}
    roles : tuple of str
        The comparison roles shown.
    datasets : list of str, optional
        The datasets shown (rows of every panel), in order.
    cols : int
        Panels per row.
    width : int, optional
        Width in CSS pixels (None: the container's width).
    font_size : int
        Base font size in px.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    check_export(comparison, "ggmm-comparison")
    titles = {d["name"]: d["title"][lang] for d in comparison["datasets"]}
    if datasets is not None:
        unknown = [d for d in datasets if d not in titles]
        if unknown:
            raise ValueError(f"The parameter 'datasets' names unknown datasets {unknown}; known: {list(titles)}.")
    bad_roles = [r for r in roles if r not in ("primary", "secondary")]
    if bad_roles or not roles:
        raise ValueError(f"The parameter 'roles' must hold 'primary' and/or 'secondary', but got {roles!r}.")
    if not isinstance(cols, int) or cols < 1:
        raise ValueError(f"The parameter 'cols' must be a positive integer, but got {cols!r}.")
    rows = paired_rows(comparison, roles, datasets)
    if not rows:
        raise ValueError("The comparison export has no comparison of the roles and datasets asked for.")
    names = list(dict.fromkeys(r["name"] for r in rows))
    panels = [[r for r in rows if r["name"] == name] for name in names]
    cols = min(cols, len(panels))
    n_rows = -(-len(panels) // cols)
    shown_datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    labels = [_short_title(d, titles[d], lang) for d in shown_datasets]
    two_lines = any("<br>" in label for label in labels)
    row_px = 31 if two_lines else 25
    n_y = len(shown_datasets)
    tag = t("paired.secondary_tag", lang)
    heads = [
        _wrap_title(p[0]["label"][lang], lang, cols, tag if p[0].get("role") == "secondary" else "") for p in panels
    ]
    top, bottom = 96 + 17 * max(h.count("<br>") + 1 for h in heads[:cols]), 176
    panel_px = n_y * row_px + 12
    height = top + bottom + n_rows * panel_px + _PANEL_GAP_PX * (n_rows - 1)
    area = height - top - bottom
    fig = make_subplots(
        rows=n_rows, cols=cols, vertical_spacing=_PANEL_GAP_PX / area, horizontal_spacing=0.1 if cols > 1 else 0.02
    )
    # one x range per row of panels: a row's panels share a scale, and a row of wide intervals (the
    # grid-RMSE reads of failed runs) does not squeeze the rows whose intervals are narrow
    ranges = {
        (i, scale): _paired_range([r for p in panels[i * cols : (i + 1) * cols] for r in p], scale)
        for i in range(n_rows)
        for scale in ("difference", "ratio")
        if any(r["scale"] == scale for p in panels[i * cols : (i + 1) * cols] for r in p)
    }
    y_of = {d: n_y - 1 - i for i, d in enumerate(shown_datasets)}  # the first dataset on top
    shown: set[str] = set()
    row_scales = [[p[0]["scale"] for p in panels[i * cols : (i + 1) * cols]] for i in range(n_rows)]
    for k, panel in enumerate(panels):
        row, col = k // cols + 1, k % cols + 1
        scale = panel[0]["scale"]
        for verdict_name, (color, symbol) in VERDICT_MARKS.items():
            mine = [r for r in panel if r["verdict_adjusted"] == verdict_name]
            if not mine:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[r["value"] for r in mine],
                    y=[y_of[r["dataset"]] for r in mine],
                    mode="markers",
                    name=t(f"paired.verdict.{verdict_name}", lang),
                    legendgroup=verdict_name,
                    showlegend=verdict_name not in shown,
                    legendrank=list(VERDICT_MARKS).index(verdict_name) + 1,
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": [r["hi"] - r["value"] for r in mine],
                        "arrayminus": [r["value"] - r["lo"] for r in mine],
                        "thickness": 1.6,
                        "width": 5,
                        "color": color,
                    },
                    marker={"color": color, "symbol": symbol, "size": 10, "line": {"color": color, "width": 2}},
                    hovertext=[_paired_hover(r, titles[r["dataset"]], lang) for r in mine],
                    hoverinfo="text",
                    meta={
                        "role": "paired",
                        "comparison": panel[0]["name"],
                        "verdict": verdict_name,
                        "datasets": [r["dataset"] for r in mine],
                    },
                ),
                row=row,
                col=col,
            )
            shown.add(verdict_name)
        borderline = [r for r in panel if r.get("borderline")]
        if borderline:
            fig.add_trace(
                go.Scatter(
                    x=[r["value"] for r in borderline],
                    y=[y_of[r["dataset"]] for r in borderline],
                    mode="markers",
                    name=t("paired.borderline", lang),
                    legendgroup="borderline",
                    showlegend="borderline" not in shown,
                    legendrank=len(VERDICT_MARKS) + 1,
                    hoverinfo="skip",
                    marker={"symbol": "circle-open", "size": 21, "color": "#222222", "line": {"width": 1.5}},
                    meta={
                        "role": "borderline",
                        "comparison": panel[0]["name"],
                        "datasets": [r["dataset"] for r in borderline],
                    },
                ),
                row=row,
                col=col,
            )
            shown.add("borderline")
        reference = 1.0 if scale == "ratio" else 0.0
        fig.add_trace(
            go.Scatter(
                x=[reference, reference],
                y=[-0.6, n_y - 0.4],
                mode="lines",
                showlegend=False,
                hoverinfo="skip",
                line={"color": REFERENCE_COLOR, "width": 1.2, "dash": "dot"},
                meta={"role": "reference", "comparison": panel[0]["name"], "x": reference},
            ),
            row=row,
            col=col,
        )
        fig.update_yaxes(
            range=[-0.6, n_y - 0.4],
            tickvals=[y_of[d] for d in shown_datasets],
            ticktext=labels if col == 1 else [""] * n_y,
            showgrid=False,
            zeroline=False,
            fixedrange=True,
            tickfont={"size": font_size - 1},
            ticks="",
            row=row,
            col=col,
        )
        x_range = ranges[(row - 1, scale)]
        xaxis: dict[str, Any] = {
            "range": x_range,
            "zeroline": False,
            "tickfont": {"size": font_size - 2},
            "tickangle": 0,
        }
        ticks = _log_ticks(x_range) if scale == "ratio" else _linear_ticks(x_range)
        xaxis.update(type="log" if scale == "ratio" else "linear", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks])
        fig.update_xaxes(**xaxis, row=row, col=col)
        # the panel's title: the comparison, left-aligned above its plot area
        x_domain = fig.layout[f"xaxis{'' if k == 0 else k + 1}"].domain
        y_domain = fig.layout[f"yaxis{'' if k == 0 else k + 1}"].domain
        fig.add_annotation(
            text=heads[k],
            x=x_domain[0],
            y=y_domain[1],
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": font_size - 1},
            name="panel-title",
        )
    # under the last row of each scale: what its x axis measures, once, centred under that scale's panels
    for i, scales in enumerate(row_scales):
        for scale in dict.fromkeys(scales):
            if i + 1 < n_rows and scale in row_scales[i + 1]:
                continue
            cells = [i * cols + j for j, sc in enumerate(scales) if sc == scale]
            x0 = fig.layout[f"xaxis{'' if cells[0] == 0 else cells[0] + 1}"].domain[0]
            x1 = fig.layout[f"xaxis{'' if cells[-1] == 0 else cells[-1] + 1}"].domain[1]
            y0 = fig.layout[f"yaxis{'' if cells[0] == 0 else cells[0] + 1}"].domain[0]
            text = (
                f"{t('paired.axis.nll' if scale == 'difference' else 'paired.axis.ratio', lang)}"
                f"<br>{t('paired.first_better', lang)}   ·   {t('paired.second_better', lang)}"
            )
            fig.add_annotation(
                text=text,
                x=(x0 + x1) / 2,
                y=y0 - 24.0 / area,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="top",
                showarrow=False,
                font={"size": font_size - 1},
                name="axis-title",
            )
    n_seeds = comparison.get("n_seeds", max(r["n"] for r in rows))
    subtitle = t("paired.subtitle", lang).format(n=n_seeds, families=_families_text(comparison, lang))
    layout: dict[str, Any] = {
        "height": height,
        "font": {"size": font_size},
        "hovermode": "closest",
        "margin": {"l": 10, "r": 16, "t": top, "b": bottom},
        "title": {
            "text": t("paired.title", lang),
            "x": 0.0,
            "xanchor": "left",
            "yref": "container",
            "y": 1.0 - 10.0 / height,
            "yanchor": "top",
            "subtitle": {"text": subtitle, "font": {"size": font_size - 2}},
        },
        "legend": {
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "y": -(bottom - 62) / area,
            "yanchor": "top",
            "font": {"size": font_size - 1},
        },
    }
    if width is not None:
        layout["width"] = width
    fig.update_layout(**base_layout(lang, **layout))
    return fig


#: The units a panel title is broken between: a bracketed group, "10 倍规模", a Latin word, or one character.
_TITLE_TOKEN = re.compile(r"（[^）]*）|\([^)]*\)\s*|\s*[0-9]+\s*倍(?:规模)?|[\x00-\x7f]+?(?:\s+|$|(?=[^\x00-\x7f]))|.")


def _width(text: str) -> float:
    """Display width in Latin characters: a CJK character or bracket counts 1.8."""
    return sum(1.8 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def _wrap_title(label: str, lang: str, cols: int, tag: str = "") -> str:
    """A panel title (after an optional ``tag``) broken into lines of about 18 Latin characters when panels
    sit side by side, so two titles fit beside each other on a phone: at spaces, before a bracket, or
    between two Chinese characters."""
    head = f"<i>{tag}</i> · " if tag else ""
    if cols == 1:
        return head + label
    tokens = re.findall(_TITLE_TOKEN, label)
    lines, line = [], f"{tag} · " if tag else ""
    for token in tokens:
        if line.strip() and _width(line + token.rstrip()) > 18:
            lines.append(line.rstrip())
            line = ""
        line += token.lstrip() if not line else token
    lines.append(line.rstrip())
    if tag:
        lines[0] = head + lines[0][len(tag) + 3 :]
    return "<br>".join(lines)
