"""The KAN scaling law: test RMSE against parameter count, log-log, and the local exponents beneath.

:func:`scaling_law_figure` takes a ``ggmm-scaling`` export read with
:func:`ggmm_build.figures.load_export` and draws, for the KAN with grid extension and the MLPs,
every seed, the mean per size, the fitted power law per family and the KAN paper's alpha = k + 1
line.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n.strings import t
from ._style import FAMILY_COLORS, REFERENCE_COLOR, base_layout, check_lang
from .io import check_export
from .scaling_parts import _g, _interval

__all__ = ["scaling_law_figure"]


def _law(scaling: dict[str, Any]) -> dict[str, Any]:
    check_export(scaling, "ggmm-scaling")
    if scaling.get("law") is None:
        raise ValueError("The scaling export has no scaling law (its profile did not run one).")
    return scaling["law"]


def scaling_law_figure(scaling: dict[str, Any], lang: str) -> go.Figure:
    """Test RMSE against parameter count, log-log, per family, and the local exponents beneath.

    Top panel: every seed, the mean per size with its interval, the paper's alpha line from
    the KAN's smallest size, and per family the power law fitted below its floor (when the
    export has a floor with at least two sizes below it) or over every size (when it has no
    floor), and the floor itself as a dotted level from where it starts. Bottom panel: the
    local exponent between consecutive sizes (paired over seeds, 95% t-interval) at the
    geometric middle of each pair, with the paper's alpha and 0 (no change) as lines.

    Parameters
    ----------
    scaling : dict
        A ``ggmm-scaling`` export with a ``law``.
    lang : {"en", "zh"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    law = _law(scaling)
    has_local = any(f.get("local_alpha") for f in law["families"])
    fig = make_subplots(
        rows=2 if has_local else 1,
        cols=1,
        row_heights=[0.64, 0.36] if has_local else [1.0],
        vertical_spacing=0.14,
        shared_xaxes=False,
        subplot_titles=["", t("scaling.local.title", lang)] if has_local else None,
    )
    size_word = {"grid": "G", "width": "w"}
    kan_first = None
    x_all = [p["n_params"] for p in law["points"]]
    for family in law["families"]:
        color = FAMILY_COLORS[family["family"]]
        label = family["label"][lang]
        mine = [p for p in law["points"] if p["method"] == family["method"]]
        sw = size_word[family["size_name"]]
        fig.add_trace(
            go.Scatter(
                x=[p["n_params"] for p in mine],
                y=[p["rmse_test"] for p in mine],
                mode="markers",
                name=t("hover.seed", lang),
                legendgroup=family["method"],
                showlegend=False,
                marker={"size": 6, "color": "rgba(0,0,0,0)", "line": {"width": 1, "color": color}, "opacity": 0.7},
                hovertext=[
                    f"<b>{label}</b><br>{sw} = {p['size']} · {t('hover.seed', lang)} {p['seed']}"
                    f"<br>{t('hover.params', lang)}: {p['n_params']:,}<br>{t('scaling.rmse', lang)}: "
                    f"{_g(p['rmse_test'])}"
                    for p in mine
                ],
                hoverinfo="text",
                meta={"role": "seeds", "method": family["method"]},
            ),
            row=1,
            col=1,
        )
        summary = family["summary"]
        fig.add_trace(
            go.Scatter(
                x=[s["n_params"] for s in summary],
                y=[s["rmse_test"]["mean"] for s in summary],
                mode="lines+markers",
                name=label,
                legendgroup=family["method"],
                line={"color": color, "width": 1.5},
                marker={"size": 9, "color": color, "line": {"width": 1, "color": "white"}},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "color": color,
                    "thickness": 1.2,
                    "width": 3,
                    "array": [s["rmse_test"]["hi"] - s["rmse_test"]["mean"] for s in summary],
                    "arrayminus": [s["rmse_test"]["mean"] - s["rmse_test"]["lo"] for s in summary],
                },
                hovertext=[
                    f"<b>{label}</b><br>{sw} = {s['size']}<br>{t('hover.params', lang)}: {s['n_params']:,}"
                    f"<br>{t('scaling.rmse', lang)}: {_g(s['rmse_test']['mean'])}"
                    f"<br>{t('hover.ci95', lang)}: {_interval(s['rmse_test']['lo'], s['rmse_test']['hi'])}"
                    for s in summary
                ],
                hoverinfo="text",
                meta={"role": "mean", "method": family["method"]},
            ),
            row=1,
            col=1,
        )
        floor = family.get("floor")
        below = family.get("fit_below_floor")
        # the fitted line: below the floor when there is one and a fit below it, else over every size
        fit: dict[str, Any] | None = None
        key, alpha = "", {}
        if below is not None:
            fit, key, alpha = below, "scaling.below_floor", family["alpha_below_floor"]
        elif floor is None:
            fit, key, alpha = family["fit"], "scaling.whole_fit", family["alpha"]
        if fit is not None:
            xs = np.geomspace(fit["x_min"], fit["x_max"], 20)
            fig.add_trace(
                go.Scatter(
                    x=xs.tolist(),
                    y=(math.exp(fit["intercept"]) * xs ** fit["slope"]).tolist(),
                    mode="lines",
                    name=t(key, lang).format(alpha=_g(alpha["mean"]), ci=_interval(alpha["lo"], alpha["hi"])),
                    legendgroup=family["method"],
                    line={"color": color, "dash": "dash", "width": 1.4},
                    hoverinfo="name",
                    meta={"role": "fit_below_floor" if below is not None else "fit", "method": family["method"]},
                ),
                row=1,
                col=1,
            )
        if floor is not None:
            level = floor["rmse_test"]
            x_end = max(s["n_params"] for s in summary)
            name = t("scaling.floor", lang).format(value=_g(level["mean"]), size=sw, at=floor["size"])
            fig.add_trace(
                go.Scatter(
                    x=[floor["n_params"], x_end],
                    y=[level["mean"], level["mean"]],
                    mode="lines",
                    name=name,
                    legendgroup=family["method"],
                    line={"color": color, "dash": "dot", "width": 2.5},
                    opacity=0.6,
                    hovertext=(
                        f"<b>{label}</b><br>{name}<br>{t('hover.ci95', lang)}: {_interval(level['lo'], level['hi'])}"
                    ),
                    hoverinfo="text",
                    meta={"role": "floor", "method": family["method"]},
                ),
                row=1,
                col=1,
            )
        if family["method"] == law["kan"]:
            kan_first = (summary[0]["n_params"], summary[0]["rmse_test"]["mean"], summary[-1]["n_params"])
        local = [e for e in family.get("local_alpha", []) if e.get("lo") is not None]
        if local:
            mid = [math.sqrt(e["from_x"] * e["to_x"]) for e in local]
            fig.add_trace(
                go.Scatter(
                    x=mid,
                    y=[e["mean"] for e in local],
                    mode="lines+markers",
                    name=label,
                    legendgroup=family["method"],
                    showlegend=False,
                    line={"color": color, "width": 1.2},
                    marker={"size": 8, "color": color},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "color": color,
                        "thickness": 1.2,
                        "width": 3,
                        "array": [e["hi"] - e["mean"] for e in local],
                        "arrayminus": [e["mean"] - e["lo"] for e in local],
                    },
                    hovertext=[
                        f"<b>{label}</b><br>"
                        + t("scaling.local.hover", lang).format(
                            size=sw,
                            a=e["from_size"],
                            b=e["to_size"],
                            mean=_g(e["mean"]),
                            ci=_interval(e["lo"], e["hi"]),
                        )
                        for e in local
                    ],
                    hoverinfo="text",
                    meta={"role": "local", "method": family["method"]},
                ),
                row=2,
                col=1,
            )
    if kan_first is not None:
        x0, y0, x1 = kan_first
        xs = np.geomspace(x0, x1, 20)
        fig.add_trace(
            go.Scatter(
                x=xs.tolist(),
                y=(y0 * (xs / x0) ** (-law["paper_alpha"])).tolist(),
                mode="lines",
                name=t("scaling.paper", lang).format(alpha=law["paper_alpha"]),
                legendgroup="paper",
                line={"color": REFERENCE_COLOR, "dash": "dot", "width": 1.5},
                hoverinfo="name",
                meta={"role": "reference"},
            ),
            row=1,
            col=1,
        )
    x_range = [math.log10(min(x_all)) - 0.05, math.log10(max(x_all)) + 0.05]
    ticks = [m * 10**e for e in range(0, 7) for m in (1, 2, 3, 5)]
    ticks = [v for v in ticks if x_range[0] <= math.log10(v) <= x_range[1]]
    x_ticks = {"tickvals": ticks, "ticktext": [f"{v:,}" for v in ticks], "tickangle": 0}
    if has_local:
        for value, name, dash in (
            (law["paper_alpha"], t("scaling.paper", lang).format(alpha=law["paper_alpha"]), "dot"),
            (0.0, t("scaling.zero", lang), "solid"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=[10 ** x_range[0], 10 ** x_range[1]],
                    y=[value, value],
                    mode="lines",
                    name=name,
                    legendgroup="paper" if value else "zero",
                    showlegend=False,
                    line={"color": REFERENCE_COLOR, "dash": dash, "width": 1.2 if value else 0.8},
                    hoverinfo="name",
                    meta={"role": "local-reference", "value": value},
                ),
                row=2,
                col=1,
            )
        fig.update_xaxes(type="log", range=x_range, title={"text": t("scaling.params", lang)}, **x_ticks, row=2, col=1)
        fig.update_yaxes(title={"text": t("scaling.local.axis", lang)}, zeroline=False, row=2, col=1)
        fig.update_annotations(font={"size": 13}, x=0.0, xanchor="left")
    fig.update_xaxes(
        type="log",
        range=x_range,
        title={"text": "" if has_local else t("scaling.params", lang)},
        **x_ticks,
        row=1,
        col=1,
    )
    fig.update_yaxes(type="log", exponentformat="power", title={"text": t("scaling.rmse_axis", lang)}, row=1, col=1)
    subtitle = t("scaling.law.subtitle", lang).format(
        dataset=law["title"][lang], n=law["n_train"], seeds=len(law["seeds"])
    )
    height = 840 if has_local else 540
    fig.update_layout(
        **base_layout(
            lang,
            height=height,
            title={
                "text": t("scaling.law.title", lang),
                "subtitle": {"text": subtitle, "font": {"size": 12}},
                "yref": "container",
                "y": 1.0 - 10.0 / height,
                "yanchor": "top",
            },
            margin={"l": 70, "r": 20, "t": 110, "b": 190},
            legend={"orientation": "h", "x": 0.0, "xanchor": "left", "y": -110.0 / (height - 270), "yanchor": "top"},
        )
    )
    return fig
