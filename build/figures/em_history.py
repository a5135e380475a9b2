"""EM iteration history: a Plotly slider over the iterations of one EM run.

Left, the contours of the current mixture's log10 density (half-decade steps) over the samples with the current centers
(red) and the true centers (hollow); right, the mean log-likelihood per iteration with a
marker at the current one. Each slider step is a Plotly frame; nothing plays on its own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ggmm.distribution import GeneralizedGaussianMixture

from ..i18n.strings import t
from ._style import (
    CENTER_COLOR,
    DENSITY_COLORSCALE,
    SAMPLE_COLOR,
    SAMPLE_EDGE,
    TRAIN_COLOR,
    base_layout,
    check_lang,
    paper_above,
)
from .io import check_export, packed_array

__all__ = ["em_history_figure", "select_iterations", "find_run"]

MAX_FRAMES = 40
_DECADES = 4.0
_RESOLUTION = 48


def find_run(em_history: dict[str, Any], dataset: str, init: str) -> dict[str, Any]:
    """The run of ``em_history`` for (dataset, init)."""
    check_export(em_history, "ggmm-em-history")
    for run in em_history["runs"]:
        if run["dataset"] == dataset and run["init"] == init:
            return run
    have = sorted({(r["dataset"], r["init"]) for r in em_history["runs"]})
    raise ValueError(f"The parameters 'dataset', 'init' must name a run among {have}, but got {(dataset, init)!r}.")


def select_iterations(n: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """Which of ``n`` iterations get a frame: all when few, else the first ones densely, then
    geometrically spaced, always the last.

    Returns
    -------
    indices : list of int
        Increasing, starting at 0 and ending at n - 1.
    """
    if n <= max_frames:
        return list(range(n))
    dense = max_frames // 3
    rest = np.unique(np.round(np.geomspace(dense, n - 1, max_frames - dense)).astype(int))
    return sorted(set(range(dense)) | {int(v) for v in rest} | {n - 1})


def em_history_figure(
    em_history: dict[str, Any], lang: str, dataset: str = "original", init: str = "kmeans"
) -> go.Figure:
    """EM iteration history with a slider over iterations.

    Parameters
    ----------
    em_history : dict
        A ``ggmm-em-history`` export.
    lang : {"en", "zh"}
    dataset : str
    init : {"kmeans", "random"}

    Returns
    -------
    plotly.graph_objects.Figure
        With one frame per shown iteration and a slider (no autoplay).
    """
    check_lang(lang)
    run = find_run(em_history, dataset, init)
    X = packed_array(run["samples"])
    truth = GeneralizedGaussianMixture.from_dict(run["truth"])
    its = run["iterations"]
    lo = np.minimum(X.min(axis=0), truth.centers.min(axis=0)) - 0.5
    hi = np.maximum(X.max(axis=0), truth.centers.max(axis=0)) + 0.5
    gx, gy = np.linspace(lo[0], hi[0], _RESOLUTION), np.linspace(lo[1], hi[1], _RESOLUTION)
    mesh = np.column_stack([np.repeat(gx, len(gy)), np.tile(gy, len(gx))])
    chosen = select_iterations(len(its))
    zs, centers = [], []
    for i in chosen:
        m = GeneralizedGaussianMixture.from_dict(its[i]["mixture"])
        zs.append(m.logpdf(mesh).reshape(len(gx), len(gy)).T / np.log(10.0))
        centers.append(m.centers)
    # contours of log10 density, 4 decades below the highest peak seen in any frame
    zmax = float(np.ceil(2 * max(z.max() for z in zs)) / 2)
    zmin = zmax - _DECADES
    zs = [np.maximum(z, zmin - 0.5).astype(np.float32) for z in zs]
    iters = [its[i]["iter"] for i in chosen]
    lls = [its[i]["log_likelihood"] for i in chosen]

    def mixture_hover(i: int) -> list[str]:
        m = GeneralizedGaussianMixture.from_dict(its[i]["mixture"])
        return [
            f"<b>{t('hover.component', lang)} {k + 1}</b><br>c = ({c[0]:.3f}, {c[1]:.3f})"
            f"<br>α = ({a[0]:.3f}, {a[1]:.3f})<br>π = {w:.3f}<br>p = {s:.3f}"
            for k, (c, a, w, s) in enumerate(zip(m.centers, m.scales, m.weights, m.shapes, strict=True))
        ]

    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.55, 0.45],
        horizontal_spacing=0.1,
        subplot_titles=(t("em.contours", lang), t("axis.loglik", lang)),
    )
    # samples first, so the contour lines of tight components stay visible on top of them
    fig.add_trace(
        go.Scatter(
            x=X[:, 0].astype(np.float32),
            y=X[:, 1].astype(np.float32),
            mode="markers",
            name=t("legend.samples", lang),
            opacity=0.7,
            marker={"size": 3.5, "color": SAMPLE_COLOR, "line": {"width": 0.3, "color": SAMPLE_EDGE}},
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Contour(
            x=gx,
            y=gy,
            z=zs[0],
            coloraxis="coloraxis",
            autocontour=False,
            contours={"coloring": "lines", "start": zmin, "end": zmax, "size": 0.5},
            line={"width": 1.4},
            name=t("em.mixture", lang),
            hoverinfo="skip",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=truth.centers[:, 0],
            y=truth.centers[:, 1],
            mode="markers",
            name=t("legend.true_centers", lang),
            marker={"size": 13, "symbol": "circle-open", "color": "#222222", "line": {"width": 2}},
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=centers[0][:, 0],
            y=centers[0][:, 1],
            mode="markers",
            name=t("em.centers", lang),
            marker={"size": 11, "symbol": "x-thin", "color": CENTER_COLOR, "line": {"width": 3, "color": CENTER_COLOR}},
            hovertext=mixture_hover(chosen[0]),
            hoverinfo="text",
        ),
        row=1,
        col=1,
    )
    all_iters = [it["iter"] for it in its]
    all_ll = [it["log_likelihood"] for it in its]
    fig.add_trace(
        go.Scatter(
            x=all_iters,
            y=all_ll,
            mode="lines+markers",
            name=t("axis.loglik", lang),
            line={"color": TRAIN_COLOR, "width": 1.5},
            marker={"size": 4},
            showlegend=False,
            hovertemplate=f"{t('axis.iteration', lang)} %{{x}}<br>%{{y:.5f}}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=[iters[0]],
            y=[lls[0]],
            mode="markers",
            showlegend=False,
            marker={"size": 12, "color": CENTER_COLOR, "line": {"color": "white", "width": 1.5}},
            hoverinfo="skip",
            name=t("training.current", lang),
        ),
        row=1,
        col=2,
    )
    moving = [1, 3, 5]
    frames = [
        go.Frame(
            name=str(it),
            traces=moving,
            data=[
                go.Contour(z=z),
                go.Scatter(x=c[:, 0], y=c[:, 1], hovertext=mixture_hover(i)),
                go.Scatter(x=[it], y=[ll]),
            ],
        )
        for i, it, ll, z, c in zip(chosen, iters, lls, zs, centers, strict=True)
    ]
    fig.frames = frames
    slider = {
        "active": 0,
        "x": 0.0,
        "len": 1.0,
        "y": -0.08,
        "yanchor": "top",
        "pad": {"t": 30, "b": 0},
        "currentvalue": {"prefix": f"{t('axis.iteration', lang)}: ", "font": {"size": 13}},
        "steps": [
            {
                "label": str(it),
                "method": "animate",
                "args": [
                    [str(it)],
                    {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}},
                ],
            }
            for it in iters
        ],
    }
    title = f"{t('em.title', lang)} · {t('em.init.' + init, lang)}"
    height, top, bottom = 560, 100, 120
    fig.update_layout(
        **base_layout(
            lang,
            title={"text": title, "yref": "container", "y": 1.0 - 12.0 / height, "yanchor": "top"},
            height=height,
            margin={"l": 10, "r": 10, "t": top, "b": bottom},
            coloraxis={"colorscale": DENSITY_COLORSCALE, "cmin": zmin, "cmax": zmax, "showscale": False},
            sliders=[slider],
            legend={
                "orientation": "h",
                "x": 0.0,
                "y": paper_above(30, height, top, bottom),
                "yanchor": "bottom",
                "xanchor": "left",
            },
        )
    )
    fig.update_xaxes(title_text="x₁", row=1, col=1, range=[lo[0], hi[0]])
    fig.update_yaxes(title_text="x₂", row=1, col=1, range=[lo[1], hi[1]], scaleanchor="x", scaleratio=1)
    fig.update_xaxes(title_text=t("axis.iteration", lang), row=1, col=2)
    fig.update_yaxes(title_text="", row=1, col=2)
    return fig
