"""Figures laid out for paper and slides: fixed size, larger type, and nothing that needs a pointer.

The interactive builders draw for the browser: dropdown menus, sliders, animation frames and
hover text carry part of the content. On paper those controls print as dead widgets and the
state they select is lost, so the PDF and the PPTX use these variants instead:

* :func:`print_figure` strips the controls from any interactive figure, shows one chosen
  animation frame (the last, by default, where a run ends) and enlarges the type;
* :func:`comparison_print_figure` replaces figure 1's dataset menu by small multiples, one
  panel per dataset, read from the same ``ggmm-comparison`` export;
* :func:`explorer_print_figure` shows what the explorer's main slider does: the same mixture at
  a few shapes p, side by side.

Sizes are in CSS pixels at the width the PDF scales the picture to (:data:`PRINT_WIDTH`), so
a 13 px label prints at about 8 pt on A4.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ggmm.distribution import GeneralizedGaussianMixture

from ..i18n.strings import t
from ._style import (
    CENTER_COLOR,
    DENSITY_COLORSCALE,
    FAMILY_COLORS,
    SAMPLE_COLOR,
    SAMPLE_EDGE,
    base_layout,
    check_lang,
)
from .comparison_points import LOG_METRICS, comparison_points, marker_size, method_label, x_range
from .io import check_export
from .paired import paired_figure

__all__ = [
    "PRINT_FONT",
    "PRINT_WIDTH",
    "comparison_print_figure",
    "explorer_print_figure",
    "paired_print_figure",
    "print_figure",
]

#: Width (CSS px) of a print picture; the PDF shows it at the text width of an A4 page.
PRINT_WIDTH = 800
#: Base font size (px) of print pictures.
PRINT_FONT = 13


def _apply_frame(fig: go.Figure, frame: int) -> None:
    """Copy animation frame ``frame`` into the figure's own traces (by the frame's trace indices)."""
    frames = list(fig.frames or ())
    if not frames:
        return
    chosen = frames[frame]
    indices = list(chosen.traces) if chosen.traces is not None else list(range(len(chosen.data)))
    for index, update in zip(indices, chosen.data, strict=False):
        fig.data[index].update(update.to_plotly_json())
    if chosen.layout is not None:
        fig.layout.update(chosen.layout.to_plotly_json())


def print_figure(
    fig: go.Figure, *, frame: int | None = -1, font_size: int = PRINT_FONT, height: int | None = None
) -> go.Figure:
    """A copy of an interactive figure for paper: no menus, sliders or animation; larger type.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        An interactive figure (left unchanged).
    frame : int or None
        The animation frame to show (``-1``: the last); None keeps the figure's first state.
    font_size : int
        Base font size in px.
    height : int, optional
        The picture's height; by default the figure's own height less the room its controls took.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    if not isinstance(fig, go.Figure):
        raise ValueError(f"The parameter 'fig' must be a plotly Figure, but got {type(fig).__name__}.")
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    if frame is not None:
        _apply_frame(out, frame)
    had_slider, had_menu = bool(out.layout.sliders), bool(out.layout.updatemenus)
    out.frames = []
    out.layout.sliders = []
    out.layout.updatemenus = []
    margin = out.layout.margin
    top = margin.t if margin.t is not None else 60
    bottom = margin.b if margin.b is not None else 50
    new_top = max(60, top - 50) if had_menu else top
    new_bottom = min(bottom, 60) if had_slider else bottom
    out.update_layout(margin={"t": new_top, "b": new_bottom}, font={"size": font_size}, hovermode=False)
    for scene in out.layout:  # 3-D scenes: fewer, smaller ticks, so their labels do not run together
        if scene.startswith("scene"):
            for axis in ("xaxis", "yaxis", "zaxis"):
                out.layout[scene][axis].update(nticks=5, tickfont={"size": max(font_size - 3, 9)})
    if out.layout.title.y is not None and out.layout.title.yref == "container" and out.layout.height:
        out.layout.title.y = 1.0 - 12.0 / out.layout.height
    base = out.layout.height or 450
    out.layout.height = height or int(base - (top - new_top) - (bottom - new_bottom))
    return out


def _families(points: list[dict[str, Any]]) -> list[str]:
    return [family for family in FAMILY_COLORS if any(p["family"] == family for p in points)]


def paired_print_figure(
    comparison: dict[str, Any],
    lang: str,
    roles: tuple[str, ...] = ("primary", "secondary"),
    datasets: list[str] | None = None,
    cols: int = 2,
    width: int = PRINT_WIDTH,
) -> go.Figure:
    """Figure 1 (the paired comparisons' forest plot) for paper: fixed width, print type, no hover.

    Parameters
    ----------
    comparison : dict
        A ``ggmm-comparison`` export.
    lang : {"en", "zh"}
    roles, datasets, cols
        As :func:`ggmm_build.figures.paired.paired_figure` (3 columns suit a slide).
    width : int
        Width of the picture in CSS pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = paired_figure(comparison, lang, roles=roles, datasets=datasets, cols=cols, width=width, font_size=PRINT_FONT)
    fig.update_layout(hovermode=False)
    return fig


def comparison_print_figure(
    comparison: dict[str, Any],
    lang: str,
    metric: str = "nll_gap",
    datasets: list[str] | None = None,
    cols: int = 1,
    width: int = PRINT_WIDTH,
) -> go.Figure:
    """Figure 1 for paper: one panel per dataset, methods sorted within each, no menus.

    Parameters
    ----------
    comparison : dict
        A ``ggmm-comparison`` export (the interactive figure's input).
    lang : {"en", "zh"}
    metric : str
        One of ``comparison["metrics"]``.
    datasets : list of str, optional
        The datasets to show, in order; by default every dataset of the export.
    cols : int
        Panels per row (1 for a page, 2 or 3 for a slide).
    width : int
        Width of the picture in CSS pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        One row per dataset; in each, the methods with a value for ``metric`` on the y axis (best
        on top), the mean with its 95% interval on the x axis (range fitted to the panel's data; a
        log axis for an RMSE), colour for the method family and marker size for the parameter
        count, oracle regressors marked "◇" with an open diamond, as on screen.
    """
    check_lang(lang)
    check_export(comparison, "ggmm-comparison")
    metrics = comparison.get("metrics", [])
    if metric not in metrics:
        raise ValueError(f"The parameter 'metric' must be one of {metrics}, but got {metric!r}.")
    titles = {d["name"]: d["title"][lang] for d in comparison["datasets"]}
    names = datasets if datasets is not None else [d["name"] for d in comparison["datasets"]]
    unknown = [name for name in names if name not in titles]
    if unknown:
        raise ValueError(f"The parameter 'datasets' names unknown datasets {unknown}; known: {list(titles)}.")
    panels = [(name, comparison_points(comparison, name, metric)) for name in names]
    panels = [(name, points) for name, points in panels if points]
    if not panels:
        raise ValueError(f"No dataset of the export has values for the metric {metric!r}.")
    if not isinstance(cols, int) or cols < 1:
        raise ValueError(f"The parameter 'cols' must be a positive integer, but got {cols!r}.")
    cols = min(cols, len(panels))
    n_rows = -(-len(panels) // cols)
    tallest = [max(len(points) for _, points in panels[r * cols : (r + 1) * cols]) for r in range(n_rows)]
    row_px, gap_px, top, bottom = 19, 64, 70 if cols == 1 else 88, 62
    height = top + bottom + sum(n * row_px + 24 for n in tallest) + gap_px * (n_rows - 1)
    spacing = gap_px / (height - top - bottom)
    fig = make_subplots(
        rows=n_rows,
        cols=cols,
        row_heights=[n + 1.2 for n in tallest],
        vertical_spacing=spacing,
        horizontal_spacing=0.28 if cols > 1 else 0.02,
        subplot_titles=[titles[name] for name, _ in panels],
    )
    shown: set[str] = set()
    for k, (_, points) in enumerate(panels):
        row, col = k // cols + 1, k % cols + 1
        for family in _families(points):
            group = [p for p in points if p["family"] == family]
            fig.add_trace(
                go.Scatter(
                    x=[p["mean"] for p in group],
                    y=[method_label(p, lang, wrap=False) for p in group],
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": [p["hi"] - p["mean"] for p in group],
                        "arrayminus": [p["mean"] - p["lo"] for p in group],
                        "thickness": 1.2,
                        "width": 3,
                        "color": FAMILY_COLORS[family],
                    },
                    mode="markers",
                    name=t(f"family.{family}", lang),
                    legendgroup=family,
                    showlegend=False,
                    marker={
                        "color": FAMILY_COLORS[family],
                        "size": [0.8 * marker_size(p["n_params"]) for p in group],
                        "symbol": ["diamond-open" if p.get("oracle") else "circle" for p in group],
                        "line": {"color": FAMILY_COLORS[family], "width": 1.2},
                    },
                ),
                row=row,
                col=col,
            )
            shown.add(family)
        order = [method_label(p, lang, wrap=False) for p in points]
        fig.update_yaxes(
            categoryorder="array", categoryarray=order[::-1], row=row, col=col, tickfont={"size": 11}, automargin=True
        )
        log = metric in LOG_METRICS
        fig.update_xaxes(
            range=x_range(points, 0.0 if metric == "nll_gap" else None, log=log),
            type="log" if log else "linear",
            row=row,
            col=col,
            tickfont={"size": 11},
            automargin=True,
        )
        if metric == "nll_gap":  # the truth: a gap of 0
            fig.add_vline(x=0.0, line={"color": "#444444", "dash": "dash", "width": 1}, row=row, col=col)
    # the legend from empty traces: a family's first point may be an oracle's open diamond
    keys = [
        (t(f"family.{family}", lang), {"color": FAMILY_COLORS[family], "symbol": "circle", "size": 10})
        for family in FAMILY_COLORS
        if family in shown
    ]
    if any(p.get("oracle") for _, points in panels for p in points):
        keys.append(
            (
                t("comparison.oracle", lang),
                {"color": "#555555", "symbol": "diamond-open", "size": 10, "line": {"width": 1.5}},
            )
        )
    for name, marker in keys:
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", name=name, marker=marker, showlegend=True, hoverinfo="skip"),
            row=1,
            col=1,
        )
    note = t("metric.lower_better", lang) + (f", {t('comparison.log_axis', lang)}" if metric in LOG_METRICS else "")
    metric_title = f"{t(f'metric.{metric}', lang)} ({note})"
    for k in range(len(panels) - cols, len(panels)):
        fig.update_xaxes(title_text=metric_title if cols == 1 else "", row=k // cols + 1, col=k % cols + 1)
    fig.update_annotations(font={"size": 13})
    for k, annotation in enumerate(fig.layout.annotations[: len(panels)]):
        domain = fig.layout[f"xaxis{'' if k == 0 else k + 1}"].domain
        annotation.update(x=domain[0], xanchor="left")
    fig.update_layout(
        **base_layout(
            lang,
            height=height,
            width=width,
            font={"size": PRINT_FONT},
            hovermode=False,
            margin={"l": 12, "r": 10, "t": top, "b": bottom},
            title={
                "text": t("comparison.title", lang)
                + ("" if cols == 1 else f'<br><span style="font-size:12px">{metric_title}</span>'),
                "x": 0.0,
                "xanchor": "left",
                "y": 1.0 - 14.0 / height,
                "yref": "container",
                "yanchor": "top",
            },
            legend={
                "orientation": "h",
                "x": 1.0,
                "xanchor": "right",
                "y": 1.0 + 40.0 / (height - top - bottom),
                "yanchor": "bottom",
                "font": {"size": 12},
            },
        )
    )
    return fig


def explorer_print_figure(
    preset: dict[str, Any],
    lang: str,
    shapes: tuple[float, ...] = (1.0, 2.0, 4.0),
    n_samples: int = 300,
    seed: int = 1,
    width: int = PRINT_WIDTH,
) -> go.Figure:
    """The explorer on paper: the preset's mixture at a few shapes p, as contour maps with samples.

    Parameters
    ----------
    preset : dict
        One entry of the ``ggmm-presets`` export (as the explorer takes it).
    lang : {"en", "zh"}
    shapes : tuple of float
        The shapes p shown, one panel each (every component takes the same p, as the explorer's
        p slider sets it).
    n_samples, seed : int
        Samples drawn from each mixture (the Gamma construction, seeded).
    width : int
        Width of the picture in CSS pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        One contour map of the (x1, x2) density per shape (log10 of the density over three decades,
        one colour scale, so the shape of the contours shows), samples in yellow, centers in red;
        no controls.
    """
    from .ground_truth import marginal_mixture

    check_lang(lang)
    missing = {"name", "mixture", "bounds"} - set(preset)
    if missing:
        raise ValueError(f"The parameter 'preset' is missing the key(s) {sorted(missing)}.")
    if not shapes or any(not p > 0 for p in shapes):
        raise ValueError(f"The parameter 'shapes' must hold positive numbers, but got {shapes!r}.")
    base = GeneralizedGaussianMixture.from_dict(preset["mixture"])
    bounds = [list(b) for b in preset["bounds"][:2]]
    panels = []
    for p in shapes:
        mixture = GeneralizedGaussianMixture(base.centers, base.scales, base.weights, float(p), normalize_weights=True)
        two = marginal_mixture(mixture) if mixture.n_features > 2 else mixture
        grid = two.grid(bounds, 121)
        samples, _ = mixture.sample(n_samples, seed=seed)
        panels.append((p, grid, samples[:, :2]))
    top = float(np.ceil(2 * np.log10(max(float(grid.z.max()) for _, grid, _ in panels))) / 2)
    fig = make_subplots(
        rows=1, cols=len(panels), horizontal_spacing=0.04, subplot_titles=[f"p = {p:g}" for p, _, _ in panels]
    )
    for k, (_, grid, samples) in enumerate(panels, start=1):
        logz = np.log10(np.maximum(grid.z, 10.0 ** (top - 4)))
        fig.add_trace(
            go.Contour(
                x=grid.axes[0],
                y=grid.axes[1],
                z=logz,
                zmin=top - 3,
                zmax=top,
                autocontour=False,
                contours={"coloring": "fill", "start": top - 3, "end": top, "size": 0.25},
                colorscale=DENSITY_COLORSCALE,
                showscale=k == len(panels),
                line={"width": 0.4},
                colorbar={"title": {"text": f"log₁₀ {t('axis.density', lang)}"}, "thickness": 10, "len": 0.9},
            ),
            row=1,
            col=k,
        )
        dots = {"size": 3, "color": SAMPLE_COLOR, "line": {"width": 0.3, "color": SAMPLE_EDGE}}
        fig.add_trace(
            go.Scatter(
                x=samples[:, 0],
                y=samples[:, 1],
                mode="markers",
                showlegend=k == 1,
                name=t("legend.samples", lang),
                marker=dots,
            ),
            row=1,
            col=k,
        )
        fig.add_trace(
            go.Scatter(
                x=base.centers[:, 0],
                y=base.centers[:, 1],
                mode="markers",
                showlegend=k == 1,
                name=t("legend.centers", lang),
                marker={
                    "size": 9,
                    "color": CENTER_COLOR,
                    "symbol": "x-thin",
                    "line": {"width": 2.5, "color": CENTER_COLOR},
                },
            ),
            row=1,
            col=k,
        )
        fig.update_xaxes(range=bounds[0], title_text="x₁", row=1, col=k)
        fig.update_yaxes(
            range=bounds[1],
            scaleanchor=f"x{'' if k == 1 else k}",
            showticklabels=k == 1,
            title_text="x₂" if k == 1 else None,
            row=1,
            col=k,
        )
    name = preset.get("title", {}).get(lang, preset["name"])
    height = int(0.38 * width) + 120
    fig.update_layout(
        **base_layout(
            lang,
            height=height,
            width=width,
            font={"size": PRINT_FONT},
            hovermode=False,
            margin={"l": 12, "r": 10, "t": 80, "b": 50},
            title={"text": t("explorer.print_title", lang).format(name=name), "x": 0.015, "xanchor": "left"},
            legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.14, "yanchor": "bottom"},
        )
    )
    return fig
