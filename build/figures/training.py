"""Figure 3 as a static frame (for print and PDF): density, losses, stages and the network.

The interactive version is the training-progress viewer (``assets/js/training-viewer.js``);
this builder draws any single frame of the same snapshot file:

* top left, the predicted density on the plotting grid; top right, the true density on
  the same colour scale, or the error map (prediction minus truth, diverging colours);
* bottom left, the train and validation losses at every optimizer step on a log axis, stage
  bands (train, prune, refine, retrain, symbolic) and a marker at the frame's step;
* bottom right, the network view (see :mod:`ggmm_build.figures.network`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n.strings import t
from ._style import (
    DENSITY_COLORSCALE,
    ERROR_COLORSCALE,
    STAGE_COLORS,
    TRAIN_COLOR,
    VALIDATION_COLOR,
    base_layout,
    check_lang,
)
from .io import check_export, packed_array
from .network import frame_index, network_annotations, network_axes, network_shapes, network_traces

__all__ = ["training_figure", "stage_shapes"]


def stage_shapes(snapshots: dict[str, Any], xref: str = "x", yref: str = "y domain") -> list[dict[str, Any]]:
    """Stage bands for the loss plot: a shaded band per stage, a line for an instantaneous stage."""
    shapes = []
    for stage in snapshots["stages"]:
        color = STAGE_COLORS.get(stage["name"], "rgba(0,0,0,0.08)")
        if stage["end"] > stage["start"]:
            shapes.append(
                {
                    "type": "rect",
                    "xref": xref,
                    "yref": yref,
                    "x0": stage["start"],
                    "x1": stage["end"],
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": color,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        else:
            solid = color.rsplit(",", 1)[0] + ", 0.9)"
            shapes.append(
                {
                    "type": "line",
                    "xref": xref,
                    "yref": yref,
                    "x0": stage["start"],
                    "x1": stage["start"],
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": solid, "width": 2, "dash": "dot"},
                    "layer": "below",
                }
            )
    return shapes


def _stage_annotations(snapshots: dict[str, Any], lang: str, xref: str, yref: str) -> list[dict[str, Any]]:
    out = []
    for n, stage in enumerate(snapshots["stages"]):
        x = 0.5 * (stage["start"] + stage["end"])
        out.append(
            {
                "text": t(f"stage.{stage['name']}", lang),
                "x": x,
                "xref": xref,
                "y": 1.0 if n % 2 == 0 else 0.93,
                "yref": yref,
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 10, "color": "#555555"},
            }
        )
    return out


def training_figure(snapshots: dict[str, Any], lang: str, frame: int = -1, compare: str = "truth") -> go.Figure:
    """A static frame of figure 3.

    Parameters
    ----------
    snapshots : dict
        A ``ggmm-snapshots`` document (2-D dataset: it has a plotting grid).
    lang : {"en", "zh"}
    frame : int
        Frame index (negative counts from the end).
    compare : {"truth", "error"}
        Show the true density, or prediction minus truth, beside the prediction.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    check_export(snapshots, "ggmm-snapshots")
    if compare not in ("truth", "error"):
        raise ValueError(f"The parameter 'compare' must be 'truth' or 'error', but got {compare!r}.")
    if "grid" not in snapshots or "truth" not in snapshots:
        raise ValueError("The snapshot document has no plotting grid (a 2-D dataset is needed for figure 3).")
    index = frame_index(snapshots, frame)
    fr = snapshots["frames"][index]
    gx, gy = snapshots["grid"]["x"], snapshots["grid"]["y"]
    truth = packed_array(snapshots["truth"])
    pred = packed_array(fr["density"])
    loss_name = t(f"loss.{snapshots.get('loss_name', 'rmse')}", lang)
    right_title = t("training.truth", lang) if compare == "truth" else t("training.error", lang)
    fig = make_subplots(
        rows=2,
        cols=2,
        row_heights=[0.5, 0.5],
        vertical_spacing=0.14,
        horizontal_spacing=0.1,
        subplot_titles=(t("training.predicted", lang), right_title, loss_name, t("network.short_title", lang)),
    )
    hover = f"x₁ = %{{x:.2f}}<br>x₂ = %{{y:.2f}}<br>{t('hover.density', lang)} = %{{z:.4g}}<extra></extra>"
    fig.add_trace(
        go.Heatmap(
            x=gx,
            y=gy,
            z=pred,
            coloraxis="coloraxis",
            hovertemplate=hover,
            zsmooth="best",
            name=t("training.predicted", lang),
        ),
        row=1,
        col=1,
    )
    if compare == "truth":
        fig.add_trace(
            go.Heatmap(
                x=gx,
                y=gy,
                z=truth,
                coloraxis="coloraxis",
                hovertemplate=hover,
                zsmooth="best",
                name=t("training.truth", lang),
            ),
            row=1,
            col=2,
        )
    else:
        err = pred - truth
        bound = float(np.abs(err).max()) or 1.0
        fig.add_trace(
            go.Heatmap(
                x=gx,
                y=gy,
                z=err,
                coloraxis="coloraxis2",
                zsmooth="best",
                hovertemplate=hover.replace(t("hover.density", lang), t("training.error", lang)),
                name=t("training.error", lang),
            ),
            row=1,
            col=2,
        )
        fig.update_layout(
            coloraxis2={
                "colorscale": ERROR_COLORSCALE,
                "cmid": 0.0,
                "cmin": -bound,
                "cmax": bound,
                "colorbar": {"thickness": 10, "len": 0.38, "y": 0.8, "x": 1.02, "title": {"text": "Δ"}},
            }
        )
    steps = snapshots["loss"]["step"]
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=snapshots["loss"]["train"],
            mode="lines",
            name=t("loss.train", lang),
            line={"color": TRAIN_COLOR, "width": 1.5},
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=snapshots["loss"]["validation"],
            mode="lines",
            name=t("loss.validation", lang),
            line={"color": VALIDATION_COLOR, "width": 1.5},
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[fr["step"], fr["step"]],
            y=[fr["train_loss"], fr["validation_loss"]],
            mode="markers",
            name=t("training.current", lang),
            marker={"size": 9, "color": [TRAIN_COLOR, VALIDATION_COLOR], "line": {"color": "white", "width": 1.5}},
            hovertext=[
                f"{t('loss.train', lang)}: {fr['train_loss']:.4g}",
                f"{t('loss.validation', lang)}: {fr['validation_loss']:.4g}",
            ],
            hoverinfo="text",
            showlegend=False,
        ),
        row=2,
        col=1,
    )
    # the network view on the fourth cell's axes
    for trace in network_traces(snapshots, lang, index, xaxis="x4", yaxis="y4"):
        fig.add_trace(trace)
    xa, ya = network_axes(snapshots)
    fig.update_layout(xaxis4=xa, yaxis4=ya)
    shapes = stage_shapes(snapshots, xref="x3", yref="y3 domain")
    shapes.append(
        {
            "type": "line",
            "xref": "x3",
            "yref": "y3 domain",
            "x0": fr["step"],
            "x1": fr["step"],
            "y0": 0,
            "y1": 1,
            "line": {"color": "#222222", "width": 1.5},
        }
    )
    shapes += network_shapes(snapshots, xref="x4", yref="y4")
    stage = t(f"stage.{fr['stage']}", lang)
    title = t("training.title", lang).format(step=fr["step"], stage=stage)
    fig.update_layout(
        **base_layout(
            lang,
            title={"text": title},
            height=820,
            margin={"l": 10, "r": 10, "t": 80, "b": 40},
            coloraxis={
                "colorscale": DENSITY_COLORSCALE,
                "cmin": 0.0,
                "cmax": float(max(truth.max(), 1e-12)),
                "colorbar": {
                    "thickness": 10,
                    "len": 0.38,
                    "y": 0.8,
                    "x": 1.02 if compare == "truth" else 1.1,
                    "title": {"text": t("axis.density", lang)},
                },
            },
            shapes=shapes,
            legend={
                "orientation": "h",
                "x": 0.005,
                "xanchor": "left",
                "y": 0.005,
                "yanchor": "bottom",
                "bgcolor": "rgba(255,255,255,0.8)",
            },
        )
    )
    fig.update_layout(
        annotations=list(fig.layout.annotations)
        + _stage_annotations(snapshots, lang, "x3", "y3 domain")
        + network_annotations(snapshots, lang, "x4", "y4")
    )
    for col in (1, 2):
        fig.update_xaxes(title_text="x₁", row=1, col=col, constrain="domain", zeroline=False)
        fig.update_yaxes(
            title_text="x₂",
            row=1,
            col=col,
            scaleanchor="x" if col == 1 else "x2",
            scaleratio=1,
            constrain="domain",
            zeroline=False,
        )
    fig.update_xaxes(title_text=t("axis.step", lang), row=2, col=1)
    fig.update_yaxes(type="log", title_text=loss_name, dtick="D2", row=2, col=1)
    return fig
