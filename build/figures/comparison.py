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

The points, labels and per-trace data drawn come from :mod:`ggmm_build.figures.comparison_points`;
the declared paired comparisons are drawn by :mod:`ggmm_build.figures.paired`.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..i18n.strings import t
from ._style import FAMILY_COLORS, REFERENCE_COLOR, base_layout, check_lang
from .comparison_points import (
    FAMILIES,
    LOG_METRICS,
    _compact,
    _fmt,
    _seed_data,
    _size_key_values,
    _trace_data,
    axis_name,
    axis_title,
    comparison_points,
    marker_size,
    seed_values,
    x_range,
)
from .io import check_export

__all__ = ["comparison_figure"]


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
