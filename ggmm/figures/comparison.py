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
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..strings import t
from ._style import FAMILY_COLORS, REFERENCE_COLOR, base_layout, check_lang
from .io import check_export

__all__ = ["comparison_figure", "comparison_points", "marker_size", "seed_values", "x_range"]

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
        ``{"method", "label" (dict), "family", "n_params", "mean", "lo", "hi", "n", "seconds"}``,
        methods without a value for ``metric`` left out.
    """
    labels = {m["name"]: m["label"] for m in comparison["methods"]}
    points = []
    for row in comparison["summary"]:
        if row["dataset"] != dataset or row.get(metric) is None:
            continue
        stat = row[metric]
        points.append({
            "method": row["method"], "label": labels.get(row["method"], {"en": row["method"], "zh": row["method"]}),
            "family": row["family"], "n_params": row["n_params"], "mean": stat["mean"], "lo": stat["lo"],
            "hi": stat["hi"], "n": stat["n"], "seconds": row.get("seconds", {}).get("mean"),
        })
    return sorted(points, key=lambda p: p["mean"])


def seed_values(comparison: dict[str, Any], dataset: str, metric: str, method: str) -> list[float]:
    """Every seed's value of ``metric`` for one method on one dataset, in seed order."""
    runs = [r for r in comparison["runs"] if r["dataset"] == dataset and r["method"] == method
            and r.get(metric) is not None]
    return [float(r[metric]) for r in sorted(runs, key=lambda r: r["seed"])]


def x_range(points: list[dict[str, Any]], reference: float | None = None, pad: float = 0.08,
            extra: list[float] | None = None) -> list[float]:
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

    Returns
    -------
    [low, high] : list of float
    """
    values = [p["lo"] for p in points] + [p["hi"] for p in points] + [p["mean"] for p in points] + (extra or [])
    if reference is not None:
        values.append(reference)
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
    """The x axis title of a metric, with "lower is better" on a second, smaller line."""
    return f"{t(f'metric.{metric}', lang)}<br><span style=\"font-size:11px\">{t('metric.lower_better', lang)}</span>"


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
        hover.append(
            f"<b>{p['label'][lang]}</b><br>{t('hover.family', lang)}: {fam[p['family']]}"
            f"<br>{metric_label}: {_fmt(p['mean'])}"
            f"<br>{t('hover.ci95', lang)}: [{_fmt(p['lo'])}, {_fmt(p['hi'])}]"
            f"<br>{t('hover.params', lang)}: {p['n_params']:,}"
            f"<br>{t('hover.seeds', lang)}: {p['n']}{seconds}"
        )
    return {
        "x": [p["mean"] for p in points],
        "y": [wrap_label(p["label"][lang], lang) for p in points],
        "error_x.array": [p["hi"] - p["mean"] for p in points],
        "error_x.arrayminus": [p["mean"] - p["lo"] for p in points],
        "marker.size": [marker_size(p["n_params"]) for p in points],
        "hovertext": hover,
    }


def _seed_data(comparison: dict[str, Any], dataset: str, metric: str, points: list[dict[str, Any]],
               lang: str, metric_label: str) -> dict[str, Any]:
    """x, y and hover data of the per-seed dots of one trace's methods."""
    x, y, hover = [], [], []
    seeds = sorted({r["seed"] for r in comparison["runs"]})
    for p in points:
        values = seed_values(comparison, dataset, metric, p["method"])
        x += values
        y += [wrap_label(p["label"][lang], lang)] * len(values)
        hover += [f"<b>{p['label'][lang]}</b><br>{t('hover.seed', lang)} {s}: {metric_label} {_fmt(v)}"
                  for s, v in zip(seeds, values, strict=False)]
    return {"x": x, "y": y, "error_x.array": [], "error_x.arrayminus": [], "marker.size": 11, "hovertext": hover}


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
    comparison: dict[str, Any], lang: str, dataset: str | None = None, metric: str = "rmse_test"
) -> go.Figure:
    """Figure 1: the methods compared, with a dataset dropdown and a metric switch.

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
    metrics = [m for m in comparison["metrics"]
               if any(row.get(m) is not None for row in comparison["summary"])]
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
    slots = [(ds, fam) for ds in datasets for fam in FAMILIES
             if any(r["dataset"] == ds and r["family"] == fam for r in comparison["summary"])]
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
        fig.add_trace(go.Scatter(
            x=dots["x"], y=dots["y"], mode="markers", yaxis=axis_of[ds], name=t("hover.seed", lang),
            legendgroup=f"{ds}-{fam}", visible=True if shown else "legendonly", showlegend=False,
            marker={"symbol": "line-ns-open", "size": 11, "color": FAMILY_COLORS[fam],
                    "line": {"width": 1.5, "color": FAMILY_COLORS[fam]},
                    "opacity": 0.55},
            hovertext=dots["hovertext"], hoverinfo="text", meta={"dataset": ds, "family": fam, "role": "seeds"},
        ))
        fig.add_trace(go.Scatter(
            x=data["x"], y=data["y"], mode="markers", yaxis=axis_of[ds],
            error_x={"type": "data", "symmetric": False, "array": data["error_x.array"],
                     "arrayminus": data["error_x.arrayminus"], "thickness": 1.5, "width": 4,
                     "color": FAMILY_COLORS[fam]},
            name=t(f"family.{fam}", lang), legendgroup=f"{ds}-{fam}", visible=True if shown else "legendonly",
            showlegend=shown,
            marker={"size": data["marker.size"], "color": FAMILY_COLORS[fam], "opacity": 0.75,
                    "line": {"width": 1, "color": "white"}},
            hovertext=data["hovertext"], hoverinfo="text", meta={"dataset": ds, "family": fam, "role": "method"},
        ))
    # The true density's held-out NLL: a labelled vertical line on a hidden overlaying y axis (0..1).
    n_method_traces = 2 * len(slots)
    ref_x: dict[str, dict[str, list[float | None]]] = {}
    ref_hover: list[list[str]] = []
    for ds in datasets:
        stat = truth.get(ds) if isinstance(truth.get(ds), dict) else None
        value = None if stat is None else stat.get("mean")
        ref_x[ds] = {m: ([value, value] if (m == "nll" and value is not None) else [None, None]) for m in metrics}
        hover = ""
        if value is not None:
            hover = (f"<b>{t('comparison.truth_nll', lang)}</b><br>{_fmt(stat['mean'])}"
                     f"<br>{t('hover.ci95', lang)}: [{_fmt(stat['lo'])}, {_fmt(stat['hi'])}]")
        ref_hover.append([hover, hover])
        fig.add_trace(go.Scatter(
            x=ref_x[ds][metric], y=[0, 1], yaxis="y2", mode="lines+text", name=t("comparison.truth_nll", lang),
            text=["", t("comparison.truth_nll", lang)], textposition="bottom right",
            textfont={"size": 11, "color": REFERENCE_COLOR}, cliponaxis=False,
            line={"color": REFERENCE_COLOR, "dash": "dash", "width": 1.5},
            visible=True if ds == dataset else "legendonly", showlegend=False,
            hovertext=ref_hover[-1], hoverinfo="text", meta={"dataset": ds, "role": "reference"},
        ))
    # Size key: reference markers on their own small axes at the right.
    key_values = _size_key_values(comparison)
    fig.add_trace(go.Scatter(
        x=[0.0] * len(key_values), y=list(range(len(key_values))), xaxis="x2", yaxis="y3",
        mode="markers+text", text=[_compact(v) for v in key_values], textposition="middle right",
        marker={"size": [marker_size(v) for v in key_values], "color": "#bbbbbb", "line": {"color": "#777777",
                                                                                           "width": 1}},
        showlegend=False, hoverinfo="skip", cliponaxis=False, meta={"role": "size-key"},
    ))

    def dataset_update(ds: str) -> list[dict[str, Any]]:
        visible = [True if s[0] == ds else "legendonly" for s in slots for _ in range(2)]
        visible += [True if d == ds else "legendonly" for d in datasets] + [True]
        showlegend = [role and s[0] == ds for s in slots for role in (False, True)]
        showlegend += [False] * len(datasets) + [False]
        relayout: dict[str, Any] = {f"{axis_name(axis_of[d])}.visible": d == ds for d in datasets}
        relayout.update({"title.subtitle.text": titles[ds], "xaxis.autorange": True})
        return [{"visible": visible, "showlegend": showlegend}, relayout]

    def restyle_for(m: str) -> dict[str, list[Any]]:
        rows = per_metric[m]
        restyle: dict[str, list[Any]] = {
            key: [r[key] for r in rows]
            for key in ("x", "y", "error_x.array", "error_x.arrayminus", "marker.size", "hovertext")
        }
        restyle["x"] += [ref_x[ds][m] for ds in datasets]
        restyle["y"] += [[0, 1]] * len(datasets)
        restyle["error_x.array"] += [[]] * len(datasets)
        restyle["error_x.arrayminus"] += [[]] * len(datasets)
        restyle["marker.size"] += [6] * len(datasets)
        restyle["hovertext"] += ref_hover
        return restyle

    indices = list(range(n_method_traces + len(datasets)))  # all but the size key
    metric_buttons = [{
        "label": t(f"metric.{m}.short", lang), "method": "update",
        "args": [restyle_for(m), {"xaxis.title.text": axis_title(m, lang), "xaxis.autorange": True}, indices],
    } for m in metrics]
    dataset_buttons = [{"label": titles[ds], "method": "update", "args": dataset_update(ds)} for ds in datasets]

    points = comparison_points(comparison, dataset, metric)
    ref_value = ref_x[dataset][metric][0]
    seeds_shown = [v for p in points for v in seed_values(comparison, dataset, metric, p["method"])]
    n_methods = len({r["method"] for r in comparison["summary"]})
    top, bottom = 130, 130
    height = top + bottom + max(240, 44 * n_methods)
    area = height - top - bottom

    def above(px: float) -> float:
        """Paper y coordinate ``px`` pixels above the plot area."""
        return 1.0 + px / area

    category_axis = {"title": {"text": ""}, "type": "category", "categoryorder": "total descending",
                     "showgrid": True, "domain": [0.0, 1.0], "anchor": "x"}
    axes: dict[str, Any] = {}
    for i, ds in enumerate(datasets):
        settings = {**category_axis, "visible": ds == dataset}
        if i > 0:
            settings["overlaying"] = "y"
        axes[axis_name(axis_of[ds])] = settings
    fig.update_layout(**base_layout(
        lang,
        title={"text": t("comparison.title", lang), "subtitle": {"text": titles[dataset], "font": {"size": 13}},
               "yref": "container",
               "y": 1.0 - 12.0 / height, "yanchor": "top"},
        height=height,
        margin={"l": 10, "r": 36, "t": top, "b": bottom},
        xaxis={"title": {"text": axis_title(metric, lang)}, "domain": [0.0, 0.86],
               "range": x_range(points, ref_value, extra=seeds_shown), "autorange": False, "zeroline": False},
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
        xaxis2={"domain": [0.9, 0.96], "range": [-1, 1], "visible": False, "fixedrange": True},
        yaxis3={"domain": [0.15, 0.8], "range": [-0.7, len(key_values) - 0.3], "visible": False,
                "fixedrange": True, "anchor": "x2"},
        legend={"orientation": "h", "x": 0.0, "xanchor": "left", "y": above(-98 - area), "yanchor": "top",
                "traceorder": "normal"},
        annotations=[{"text": t("comparison.size_key", lang), "xref": "x2 domain", "yref": "y3 domain",
                      "x": 0.0, "y": 1.02, "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 12}}],
        updatemenus=[
            {"type": "dropdown", "buttons": dataset_buttons, "active": datasets.index(dataset),
             "x": 1.0, "xanchor": "right", "y": above(48), "yanchor": "bottom", "showactive": True,
             "name": "dataset"},
            {"type": "dropdown", "buttons": metric_buttons, "active": metrics.index(metric),
             "x": 1.0, "xanchor": "right", "y": above(10), "yanchor": "bottom", "showactive": True,
             "name": "metric"},
        ],
        **axes,
    ))
    return fig
