"""The cost study's time: CPU time of one fit against N (left) and D (right), log-log, per method.

:func:`scaling_cost_figure` takes a ``ggmm-scaling`` export read with
:func:`ggmm_build.figures.load_export`, which attaches the fit times from ``timings.json``; each
method's legend entry gives its fitted exponents. A cell not run is a cross at the top of its panel
(:mod:`ggmm_build.figures.scaling_parts`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n.strings import t
from ._style import base_layout, check_lang
from .scaling_parts import (
    FAMILY_DASH,
    SWEEP_AXES,
    _axis_title,
    _cost,
    _frame,
    _g,
    _interval,
    _refused,
    cost_fits,
    method_colors,
    sweep_points,
)

__all__ = ["scaling_cost_figure"]


def scaling_cost_figure(scaling: dict[str, Any], lang: str) -> go.Figure:
    """CPU time of one fit against N (left) and against D (right), log-log, per method.

    Each method's legend entry gives its fitted exponents (CPU time ~ N^a, ~ D^b); hover a
    point for the exponent's 95% interval. Needs the timings attached by ``load_export``.

    Parameters
    ----------
    scaling : dict
        A ``ggmm-scaling`` export with a ``cost`` part and attached ``timings``.
    lang : {"en", "zh"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    cost = _cost(scaling)
    timings = scaling.get("timings")
    if not timings:
        raise ValueError(
            "The scaling export has no timings attached: read it with load_export, with timings.json beside it."
        )
    colors = method_colors(cost)
    labels = {m["name"]: m["label"][lang] for m in cost["methods"]}
    families = {m["name"]: m["family"] for m in cost["methods"]}
    fits = cost_fits(scaling)
    sweeps = list(SWEEP_AXES)
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=[
            t(f"scaling.cost.{s}", lang).format(d=cost["sample_dim"], n=cost["dim_samples"]) for s in sweeps
        ],
    )
    times = [p["cpu_seconds"] for p in timings["cost"] if p["feasible"] and p["cpu_seconds"] > 0]
    y_top = 2.0 * max(times, default=1.0)
    seen: set[str] = set()
    for col, sweep in enumerate(sweeps, start=1):
        axis = SWEEP_AXES[sweep][0]
        points = sweep_points(cost, timings["cost"], sweep)
        for method in labels:
            mine = [p for p in points if p["method"] == method and p["feasible"] and p["cpu_seconds"] > 0]
            if not mine:
                continue
            sizes = sorted({p[axis] for p in mine})
            means = [float(np.exp(np.mean([math.log(p["cpu_seconds"]) for p in mine if p[axis] == s]))) for s in sizes]
            entry = fits.get((method, sweep)) or {}
            fit = entry.get("fit")
            exponent = (
                f"{t('scaling.exponent', lang)}: {_g(fit['slope'])} {_interval(fit['lo'], fit['hi'])}"
                if fit
                else f"{t('scaling.exponent', lang)}: —"
            )
            fig.add_trace(
                go.Scatter(
                    x=[p[axis] for p in mine],
                    y=[p["cpu_seconds"] for p in mine],
                    mode="markers",
                    name=t("hover.seed", lang),
                    legendgroup=method,
                    showlegend=False,
                    marker={"size": 6, "color": "rgba(0,0,0,0)", "line": {"width": 1, "color": colors[method]}},
                    hovertext=[
                        f"<b>{labels[method]}</b><br>D = {p['dim']}, N = {p['n_train']:,} · "
                        f"{t('hover.seed', lang)} {p['seed']}<br>{t('scaling.cpu', lang)}: "
                        f"{_g(p['cpu_seconds'])} s"
                        for p in mine
                    ],
                    hoverinfo="text",
                    meta={"role": "seeds", "method": method, "sweep": sweep},
                ),
                row=1,
                col=col,
            )
            fig.add_trace(
                go.Scatter(
                    x=sizes,
                    y=means,
                    mode="lines+markers",
                    name=_legend_name(labels[method], method, fits),
                    legendgroup=method,
                    showlegend=method not in seen,
                    line={"color": colors[method], "width": 1.5, "dash": FAMILY_DASH[families[method]]},
                    marker={"size": 8, "color": colors[method]},
                    hovertext=[
                        f"<b>{labels[method]}</b><br>{_axis_title(sweep, lang)} = {s:,}<br>"
                        f"{t('scaling.cpu_mean', lang)}: {_g(m)} s<br>{exponent}"
                        for s, m in zip(sizes, means, strict=True)
                    ],
                    hoverinfo="text",
                    meta={"role": "mean", "method": method, "sweep": sweep},
                ),
                row=1,
                col=col,
            )
            seen.add(method)
        _refused(
            fig,
            sweep_points(cost, cost["cells"], sweep),
            axis,
            lambda i: y_top * 1.25 ** (i % 3),
            colors,
            labels,
            lang,
            1,
            col,
            seen,
        )
        ticks = cost["sample_sizes"] if sweep == "samples" else cost["dims"]
        fig.update_xaxes(
            type="log",
            tickvals=ticks,
            ticktext=[f"{v:,}" for v in ticks],
            title={"text": _axis_title(sweep, lang)},
            row=1,
            col=col,
        )
        fig.update_yaxes(
            type="log",
            exponentformat="power",
            row=1,
            col=col,
            title={"text": t("scaling.cpu_axis", lang) if col == 1 else ""},
        )
    fig.update_layout(
        **base_layout(
            lang,
            **_frame(cost, labels, lang, t("scaling.cost.title", lang), 560, t("scaling.cost.legend_note", lang)),
            legend={"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.22, "yanchor": "top"},
        )
    )
    return fig


def _legend_name(label: str, method: str, fits: dict[tuple[str, str], dict[str, Any]]) -> str:
    """``label (N^a, D^b)`` with the fitted exponents that exist."""
    parts = []
    for sweep, symbol in (("samples", "N"), ("dims", "D")):
        fit = (fits.get((method, sweep)) or {}).get("fit")
        if fit:
            parts.append(f"{symbol}<sup>{fit['slope']:.2f}</sup>")
    return f"{label} ({', '.join(parts)})" if parts else label
