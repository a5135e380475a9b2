"""The cost study's accuracy: held-out NLL gap and relative density RMSE against N and D.

:func:`scaling_accuracy_figure` takes a ``ggmm-scaling`` export and draws the density estimators'
NLL gap (top row) and the regressors' relative density RMSE (bottom row) against N (left) and D
(right). A cell not run is a cross at the top of its panel (:mod:`ggmm_build.figures.scaling_parts`).
"""

from __future__ import annotations

from typing import Any

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
    method_colors,
    sweep_points,
)

__all__ = ["scaling_accuracy_figure"]


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
