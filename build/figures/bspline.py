"""Interactive B-spline basis: grid size (slider) and order (buttons).

The basis is computed with the Cox-de Boor recursion on pykan's knot layout: ``G``
equal intervals on [-1, 1], extended by ``k`` knots on each side, giving ``G + k``
basis functions of order ``k`` that sum to 1 on [-1, 1]. One panel per order
(k = 0..3) is stacked; the slider picks the grid size for every panel (it toggles
trace visibility), the buttons show all orders or one order full-size (they only
move the panels' domains), so the two controls are independent.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..i18n.strings import t
from ._style import COMPONENT_COLORS, base_layout, check_lang, paper_above

__all__ = ["bspline_basis", "extended_knots", "bspline_basis_figure", "GRID_SIZES", "ORDERS"]

GRID_SIZES = (2, 3, 5, 8, 10)
ORDERS = (0, 1, 2, 3)
X_RANGE = (-2.0, 2.0)
_POINTS_PER_INTERVAL = 16
_PANEL_GAP = 0.06


def extended_knots(grid_size: int, order: int, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    """Knots of ``grid_size`` equal intervals on [low, high], extended by ``order`` knots on each side.

    Returns
    -------
    knots : ndarray of shape (grid_size + 2 * order + 1,)
    """
    if not isinstance(grid_size, int) or grid_size < 1:
        raise ValueError(f"The parameter 'grid_size' must be a positive integer, but got {grid_size!r}.")
    if not isinstance(order, int) or order < 0:
        raise ValueError(f"The parameter 'order' must be a non-negative integer, but got {order!r}.")
    h = (high - low) / grid_size
    return low + h * np.arange(-order, grid_size + order + 1)


def bspline_basis(x: Any, knots: Any, order: int) -> np.ndarray:
    """All B-spline basis functions of ``order`` on ``knots`` at ``x`` (Cox-de Boor recursion).

    ``B_{i,0}(x) = 1 if t_i <= x < t_{i+1} else 0`` and
    ``B_{i,k}(x) = (x - t_i) / (t_{i+k} - t_i) B_{i,k-1}(x)
    + (t_{i+k+1} - x) / (t_{i+k+1} - t_{i+1}) B_{i+1,k-1}(x)``.

    Parameters
    ----------
    x : array-like of shape (N,)
    knots : array-like of shape (M,), non-decreasing
    order : int
        Polynomial degree k >= 0.

    Returns
    -------
    basis : ndarray of shape (N, M - 1 - order)
    """
    x = np.asarray(x, dtype=float)[:, None]
    t_ = np.asarray(knots, dtype=float)
    if t_.ndim != 1 or np.any(np.diff(t_) < 0):
        raise ValueError("The parameter 'knots' must be a non-decreasing 1-D array.")
    if not isinstance(order, int) or order < 0 or len(t_) < order + 2:
        raise ValueError(f"The parameter 'order' must be an integer in [0, {len(t_) - 2}], but got {order!r}.")
    basis = ((x >= t_[None, :-1]) & (x < t_[None, 1:])).astype(float)
    for k in range(1, order + 1):
        left_den = t_[k:-1] - t_[: -k - 1]
        right_den = t_[k + 1 :] - t_[1:-k]
        with np.errstate(divide="ignore", invalid="ignore"):
            left = np.where(left_den > 0, (x - t_[None, : -k - 1]) / left_den, 0.0) * basis[:, :-1]
            right = np.where(right_den > 0, (t_[None, k + 1 :] - x) / right_den, 0.0) * basis[:, 1:]
        basis = left + right
    return basis


def _panel_domains(n: int, only: int | None) -> list[list[float]]:
    """y domains of the n panels, top to bottom; with ``only`` set that panel fills the plot."""
    if only is not None:
        return [[0.0, 1.0] if r == only else [0.0, 0.0] for r in range(n)]
    height = (1.0 - _PANEL_GAP * (n - 1)) / n
    return [
        [round(max(0.0, 1.0 - (r + 1) * height - r * _PANEL_GAP), 6), round(1.0 - r * height - r * _PANEL_GAP, 6)]
        for r in range(n)
    ]


def bspline_basis_figure(lang: str) -> go.Figure:
    """The interactive B-spline basis figure.

    Parameters
    ----------
    lang : {"en", "zh"}

    Returns
    -------
    plotly.graph_objects.Figure
        Panels for orders 0-3, a slider over grid sizes and buttons to show one order.
    """
    check_lang(lang)
    n = len(ORDERS)
    fig = go.Figure()
    owner: list[int] = []  # the grid-size index of each trace
    for g, G in enumerate(GRID_SIZES):
        for r, k in enumerate(ORDERS):
            axis = "" if r == 0 else str(r + 1)
            knots = extended_knots(G, k)
            h = 2.0 / G
            for i in range(G + k):
                lo, hi = max(knots[i], X_RANGE[0]), min(knots[i + k + 1], X_RANGE[1])
                if hi <= lo:
                    continue
                xs = np.linspace(lo, hi, int(round((hi - lo) / h * _POINTS_PER_INTERVAL)) + 1)
                xs[-1] = np.nextafter(xs[-1], -np.inf)  # stay inside the half-open support
                ys = bspline_basis(xs, knots, k)[:, i]
                fig.add_trace(
                    go.Scatter(
                        x=xs.astype(np.float32),
                        y=ys.astype(np.float32),
                        mode="lines",
                        xaxis=f"x{axis}",
                        yaxis=f"y{axis}",
                        visible=g == 0,
                        showlegend=False,
                        line={"color": COMPONENT_COLORS[i % len(COMPONENT_COLORS)], "width": 1.8},
                        name=f"B<sub>{i},{k}</sub>",
                        hovertemplate=f"B<sub>{i},{k}</sub>(%{{x:.3f}}) = %{{y:.3f}}<extra></extra>",
                    )
                )
                owner.append(g)
            xs = np.linspace(*X_RANGE, 201)[:-1]
            total = bspline_basis(xs, knots, k).sum(axis=1)
            fig.add_trace(
                go.Scatter(
                    x=xs.astype(np.float32),
                    y=total.astype(np.float32),
                    mode="lines",
                    xaxis=f"x{axis}",
                    yaxis=f"y{axis}",
                    visible=g == 0,
                    showlegend=g == 0 and r == 0,
                    name=t("bspline.sum", lang),
                    legendgroup="sum",
                    line={"color": "#555555", "width": 1.2, "dash": "dash"},
                    hovertemplate=f"{t('bspline.sum', lang)} = %{{y:.3f}}<extra></extra>",
                )
            )
            owner.append(g)
            inside = knots[(knots >= X_RANGE[0]) & (knots <= X_RANGE[1])]
            fig.add_trace(
                go.Scatter(
                    x=inside,
                    y=np.zeros_like(inside),
                    mode="markers",
                    xaxis=f"x{axis}",
                    yaxis=f"y{axis}",
                    visible=g == 0,
                    showlegend=g == 0 and r == 0,
                    name=t("bspline.knots", lang),
                    legendgroup="knots",
                    marker={"symbol": "line-ns-open", "size": 10, "color": "#222222", "line": {"width": 2}},
                    hovertemplate=f"{t('bspline.knot', lang)} %{{x:.3f}}<extra></extra>",
                    cliponaxis=False,
                )
            )
            owner.append(g)
    steps = [
        {"label": str(G), "method": "restyle", "args": [{"visible": [o == g for o in owner]}]}
        for g, G in enumerate(GRID_SIZES)
    ]
    all_domains = _panel_domains(n, None)
    panel_titles = [t("bspline.order", lang).format(k=k, name=t(f"bspline.order{k}", lang)) for k in ORDERS]

    def relayout_for(only: int | None) -> dict[str, Any]:
        doms = _panel_domains(n, only)
        out: dict[str, Any] = {}
        for r in range(n):
            axis = "" if r == 0 else str(r + 1)
            shown = only is None or only == r
            out[f"yaxis{axis}.domain"] = doms[r]
            out[f"yaxis{axis}.visible"] = shown
            out[f"xaxis{axis}.showticklabels"] = shown and (only is not None or r == n - 1)
            out[f"annotations[{r}].y"] = doms[r][1]
            out[f"annotations[{r}].visible"] = shown
            out[f"shapes[{r}].visible"] = shown
        return out

    buttons = [{"label": t("bspline.all_orders", lang), "method": "relayout", "args": [relayout_for(None)]}]
    buttons += [{"label": f"k = {k}", "method": "relayout", "args": [relayout_for(r)]} for r, k in enumerate(ORDERS)]
    layout: dict[str, Any] = {}
    for r in range(n):
        axis = "" if r == 0 else str(r + 1)
        layout[f"yaxis{axis}"] = {
            "domain": all_domains[r],
            "range": [-0.05, 1.12],
            "anchor": f"x{axis}",
            "fixedrange": True,
            "tickvals": [0, 0.5, 1],
        }
        layout[f"xaxis{axis}"] = {
            "range": list(X_RANGE),
            "anchor": f"y{axis}",
            "matches": "x" if r else None,
            "showticklabels": r == n - 1,
            "zeroline": False,
        }
    layout["xaxis"].pop("matches")
    layout[f"xaxis{n}"]["title"] = {"text": "x"}
    annotations = [
        {
            "text": title,
            "xref": "paper",
            "yref": "paper",
            "x": 0.0,
            "y": all_domains[r][1],
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 12},
        }
        for r, title in enumerate(panel_titles)
    ]
    shapes = [
        {
            "type": "rect",
            "xref": "x" if r == 0 else f"x{r + 1}",
            "yref": "y domain" if r == 0 else f"y{r + 1} domain",
            "x0": -1,
            "x1": 1,
            "y0": 0,
            "y1": 1,
            "fillcolor": "rgba(0,114,178,0.06)",
            "line": {"width": 0},
            "layer": "below",
        }
        for r in range(n)
    ]
    height, top, bottom = 810, 165, 110
    fig.update_layout(
        **base_layout(
            lang,
            title={
                "text": t("bspline.title", lang),
                "subtitle": {"text": t("bspline.subtitle", lang), "font": {"size": 12}},
                "yref": "container",
                "y": 1.0 - 12.0 / height,
                "yanchor": "top",
            },
            height=height,
            margin={"l": 40, "r": 10, "t": top, "b": bottom},
            annotations=annotations,
            shapes=shapes,
            legend={
                "orientation": "h",
                "x": 1.0,
                "xanchor": "right",
                "y": paper_above(22, height, top, bottom),
                "yanchor": "bottom",
            },
            sliders=[
                {
                    "active": 0,
                    "steps": steps,
                    "x": 0.0,
                    "len": 1.0,
                    "y": -0.06,
                    "yanchor": "top",
                    "currentvalue": {"prefix": f"{t('bspline.grid_size', lang)} G = ", "font": {"size": 13}},
                    "pad": {"t": 30},
                }
            ],
            updatemenus=[
                {
                    "type": "buttons",
                    "direction": "right",
                    "buttons": buttons,
                    "active": 0,
                    "x": 0.0,
                    "xanchor": "left",
                    "y": paper_above(56, height, top, bottom),
                    "yanchor": "bottom",
                    "showactive": True,
                }
            ],
            **layout,
        )
    )
    return fig
