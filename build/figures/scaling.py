"""The scaling figures: the KAN scaling law, and cost and accuracy against N and D.

Three builders, each ``scaling, lang -> Figure`` on a ``ggmm-scaling`` export read with
:func:`ggmm_build.figures.load_export` (which attaches the fit times from ``timings.json``):

* :func:`scaling_law_figure`: test RMSE against parameter count, log-log, for the KAN
  with grid extension and the MLPs; every seed, the mean per size, the fitted power law
  per family and the KAN paper's alpha = k + 1 line;
* :func:`scaling_cost_figure`: CPU time of a fit against N (left) and D (right), log-log,
  with each method's fitted exponent;
* :func:`scaling_accuracy_figure`: held-out NLL gap (density estimators) and relative
  density RMSE (regressors) against N and D.

A cell a method did not run, because its work was beyond a declared limit, is drawn as a
cross at the top of the panel, its hover text naming the limit: never a silent gap.
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

__all__ = ["method_colors", "scaling_accuracy_figure", "scaling_cost_figure", "scaling_law_figure"]

#: Okabe-Ito colours, one per method of the cost study, in the export's order.
METHOD_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: Line dash per method family (colours alone tell seven methods apart only so well).
FAMILY_DASH = {"classical": "solid", "KAN": "dash", "MLP": "dot"}
#: The cost study's two sweeps: name -> (point key of the varying axis, key of the fixed value, its point key).
SWEEP_AXES = {"samples": ("n_train", "sample_dim", "dim"), "dims": ("dim", "dim_samples", "n_train")}


def _g(value: float) -> str:
    return f"{value:.3g}"


def _interval(lo: float, hi: float) -> str:
    return f"[{_g(lo)}, {_g(hi)}]"


def _sci(value: float) -> str:
    """1000000 -> "10⁶", 33554432 -> "3.4 × 10⁷"."""
    exponent = int(math.floor(math.log10(value)))
    mantissa = value / 10**exponent
    sup = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"10{sup}" if round(mantissa, 1) == 1.0 else f"{mantissa:.1f} × 10{sup}"


def method_colors(cost: dict[str, Any]) -> dict[str, str]:
    """The colour of every method of the cost study."""
    return {m["name"]: METHOD_COLORS[i % len(METHOD_COLORS)] for i, m in enumerate(cost["methods"])}


def limit_text(limit: dict[str, Any], lang: str) -> str:
    """Why a cell was not run: the measure, its amount and the declared limit."""
    return t("scaling.not_run", lang).format(
        what=t(f"scaling.work.{limit['measure']}", lang), amount=_sci(limit["amount"]), limit=_sci(limit["limit"])
    )


# ---------------------------------------------------------------------------
# The scaling law
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# The cost study
# ---------------------------------------------------------------------------


def _cost(scaling: dict[str, Any]) -> dict[str, Any]:
    check_export(scaling, "ggmm-scaling")
    if scaling.get("cost") is None:
        raise ValueError("The scaling export has no cost study (its profile did not run one).")
    return scaling["cost"]


def sweep_points(cost: dict[str, Any], rows: list[dict[str, Any]], sweep: str) -> list[dict[str, Any]]:
    """The rows (points or cells) of one sweep: N at ``sample_dim``, or D at ``dim_samples``."""
    _, fixed, key = SWEEP_AXES[sweep]
    return [r for r in rows if r[key] == cost[fixed]]


def cost_fits(scaling: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(method, sweep): entry}`` of the fitted time exponents (empty without timings)."""
    timings = scaling.get("timings") or {}
    return {(f["method"], f["sweep"]): f for f in timings.get("fits", [])}


def _axis_title(sweep: str, lang: str) -> str:
    return t(f"scaling.axis.{sweep}", lang)


def refused_notes(cost: dict[str, Any], labels: dict[str, str], lang: str) -> list[str]:
    """One line per method with cells beyond a limit: the method, the limit and where (``D = 5, 8``)."""
    notes = []
    for method in labels:
        mine = [c for c in cost["cells"] if c["method"] == method and not c["feasible"]]
        if not mine:
            continue
        parts = []
        for sweep in SWEEP_AXES:
            axis = SWEEP_AXES[sweep][0]
            where = sorted({c[axis] for c in sweep_points(cost, mine, sweep)})
            if where:
                parts.append(f"{'N' if axis == 'n_train' else 'D'} = {', '.join(f'{v:,}' for v in where)}")
        limit = mine[0]["limit"]
        notes.append(
            t("scaling.not_run_short", lang).format(
                method=labels[method],
                what=t(f"scaling.work.{limit['measure']}", lang),
                limit=_sci(limit["limit"]),
                where="; ".join(parts),
            )
        )
    return notes


def _subtitle(cost: dict[str, Any], labels: dict[str, str], lang: str, note: str | None = None) -> str:
    """The cost study's setting, and a line per method not run somewhere (so a static image says why)."""
    text = t("scaling.cost.subtitle", lang).format(p=_g(cost["p"]), k=cost["n_components"], seeds=len(cost["seeds"]))
    text += f" · {note}" if note else ""
    notes = refused_notes(cost, labels, lang)
    return text + "".join(f"<br>× {note}" for note in notes)


def _refused(
    fig: go.Figure,
    cells: list[dict[str, Any]],
    axis: str,
    y_of: Any,
    colors: dict[str, str],
    labels: dict[str, str],
    lang: str,
    row: int,
    col: int,
    seen: set[str],
) -> None:
    """Crosses at the top of a panel for the cells beyond a limit, the reason in the hover text (and, for
    static images, in the subtitle: :func:`refused_notes`).

    ``y_of(i)`` places the i-th cross (spread out so crosses at one x do not hide each other).
    """
    refused = [c for c in cells if not c["feasible"]]
    for i, cell in enumerate(refused):
        method = cell["method"]
        fig.add_trace(
            go.Scatter(
                x=[cell[axis]],
                y=[y_of(i)],
                mode="markers",
                name=t("scaling.refused", lang),
                legendgroup="refused",
                showlegend="refused" not in seen,
                marker={
                    "symbol": "x-thin-open",
                    "size": 13,
                    "color": colors[method],
                    "line": {"width": 2.5, "color": colors[method]},
                },
                hovertext=f"<b>{labels[method]}</b><br>D = {cell['dim']}, N = {cell['n_train']:,}"
                f"<br>{limit_text(cell['limit'], lang)}",
                hoverinfo="text",
                meta={"role": "refused", "method": method},
            ),
            row=row,
            col=col,
        )
        seen.add("refused")


def _frame(
    cost: dict[str, Any], labels: dict[str, str], lang: str, title: str, height: int, note: str | None = None
) -> dict[str, Any]:
    """Title, subtitle (with the refused cells) and margins shared by the two cost-study figures."""
    lines = 1 + len(refused_notes(cost, labels, lang))
    top = 90 + 18 * lines
    return {
        "height": height + 18 * lines,
        "title": {
            "text": title,
            "subtitle": {"text": _subtitle(cost, labels, lang, note), "font": {"size": 12}},
            "yref": "container",
            "y": 1.0 - 10.0 / (height + 18 * lines),
            "yanchor": "top",
        },
        "margin": {"l": 70, "r": 20, "t": top, "b": 150},
    }


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


def scaling_accuracy_figure(scaling: dict[str, Any], lang: str) -> go.Figure:
    """Held-out accuracy against N (left) and D (right).

    Top row: the held-out NLL minus the true density's on the same test points (density
    estimators, nats per sample). Bottom row: the relative RMSE of the density at the test
    points (regressors). Mean over seeds with its 95% bootstrap interval.

    Parameters
    ----------
    scaling : dict
        A ``ggmm-scaling`` export with a ``cost`` part.
    lang : {"en", "zh"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    cost = _cost(scaling)
    colors = method_colors(cost)
    labels = {m["name"]: m["label"][lang] for m in cost["methods"]}
    families = {m["name"]: m["family"] for m in cost["methods"]}
    normalized = {m["name"]: m["normalized"] for m in cost["methods"]}
    sweeps = list(SWEEP_AXES)
    titles = [
        t(f"scaling.accuracy.{metric}.{s}", lang).format(d=cost["sample_dim"], n=cost["dim_samples"])
        for metric in ("nll_gap", "rmse_rel")
        for s in sweeps
    ]
    fig = make_subplots(rows=2, cols=2, horizontal_spacing=0.1, vertical_spacing=0.16, subplot_titles=titles)
    seen: set[str] = set()
    for row, metric in enumerate(("nll_gap", "rmse_rel"), start=1):
        wanted = [m for m in labels if normalized[m] == (metric == "nll_gap")]
        values = [c[metric]["hi"] for c in cost["cells"] if c["method"] in wanted and c[metric]]
        y_top = max(values, default=1.0) * 1.5
        for col, sweep in enumerate(sweeps, start=1):
            axis = SWEEP_AXES[sweep][0]
            cells = sweep_points(cost, cost["cells"], sweep)
            for method in wanted:
                mine = sorted((c for c in cells if c["method"] == method and c[metric]), key=lambda c: c[axis])
                if not mine:
                    continue
                fig.add_trace(
                    go.Scatter(
                        x=[c[axis] for c in mine],
                        y=[c[metric]["mean"] for c in mine],
                        mode="lines+markers",
                        name=labels[method],
                        legendgroup=method,
                        showlegend=method not in seen,
                        line={"color": colors[method], "width": 1.5, "dash": FAMILY_DASH[families[method]]},
                        marker={"size": 8, "color": colors[method]},
                        error_y={
                            "type": "data",
                            "symmetric": False,
                            "color": colors[method],
                            "thickness": 1.2,
                            "width": 3,
                            "array": [c[metric]["hi"] - c[metric]["mean"] for c in mine],
                            "arrayminus": [c[metric]["mean"] - c[metric]["lo"] for c in mine],
                        },
                        hovertext=[
                            f"<b>{labels[method]}</b><br>D = {c['dim']}, N = {c['n_train']:,}<br>"
                            f"{t(f'scaling.{metric}', lang)}: {_g(c[metric]['mean'])}<br>{t('hover.ci95', lang)}: "
                            f"{_interval(c[metric]['lo'], c[metric]['hi'])}"
                            for c in mine
                        ],
                        hoverinfo="text",
                        meta={"role": "mean", "method": method, "sweep": sweep, "metric": metric},
                    ),
                    row=row,
                    col=col,
                )
                seen.add(method)
            refused = [c for c in cells if c["method"] in wanted]
            if metric == "nll_gap":
                top = max(max(values, default=0.0), 0.05)
                _refused(
                    fig,
                    refused,
                    axis,
                    lambda i, top=top: top * (1.1 + 0.1 * (i % 3)),
                    colors,
                    labels,
                    lang,
                    row,
                    col,
                    seen,
                )
            else:
                _refused(
                    fig, refused, axis, lambda i, top=y_top: top * 1.25 ** (i % 3), colors, labels, lang, row, col, seen
                )
            ticks = cost["sample_sizes"] if sweep == "samples" else cost["dims"]
            fig.update_xaxes(
                type="log",
                tickvals=ticks,
                ticktext=[f"{v:,}" for v in ticks],
                title={"text": _axis_title(sweep, lang)},
                row=row,
                col=col,
            )
            fig.update_yaxes(
                type="log" if metric == "rmse_rel" else "linear",
                row=row,
                col=col,
                exponentformat="power",
                title={"text": t(f"scaling.{metric}", lang) if col == 1 else ""},
            )
    fig.update_layout(
        **base_layout(
            lang,
            **_frame(cost, labels, lang, t("scaling.accuracy.title", lang), 820),
            legend={"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.12, "yanchor": "top"},
        )
    )
    return fig
