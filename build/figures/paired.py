"""Figure 1's paired comparisons: a forest plot, one row per (declared comparison, dataset).

:func:`paired_rows` puts the declared comparisons of a ``ggmm-comparison`` export on one scale each
(the NLL difference, or the ratio of RMSEs); :func:`paired_figure` draws them, one panel per
comparison, with the verdict after Holm's adjustment as colour and shape (:data:`VERDICT_MARKS`).
The panels' x ranges and tick values are here; the words (hover text, row labels, panel titles
wrapped for phones) are in :mod:`ggmm_build.figures.paired_labels`.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n.strings import t
from ._style import REFERENCE_COLOR, base_layout, check_lang
from .io import check_export
from .paired_labels import _families_text, _paired_hover, _short_title, _wrap_title

__all__ = ["paired_figure", "paired_rows"]


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
