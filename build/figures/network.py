"""The KAN network view at one snapshot frame (like pykan's ``model.plot()``, but interactive).

Layers run from the inputs (bottom) to the output (top). Each edge has a small inset box
in the band between two layers holding its current activation curve phi(x); a line joins
the edge's input node to the bottom of its box and the top of its box to its output node.
Edge opacity follows its importance (binned into a few levels, so the trace count is fixed
and a frame change is a cheap restyle); pruned edges are faded and dotted, pruned nodes
hollow. ``assets/js/training-viewer.js`` draws the same layout in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..i18n.strings import t
from ._style import base_layout, check_lang
from .io import check_export, packed_array

__all__ = ["network_figure", "network_traces", "NetworkLayout", "network_layout", "frame_index"]

#: Importance bins: a live edge with importance in [i/N, (i+1)/N) gets opacity OPACITY[i].
N_BINS = 5
OPACITY = (0.22, 0.4, 0.58, 0.78, 1.0)
LIVE_COLOR = "#1b1b1b"
PRUNED_COLOR = "#b0b0b0"
NODE_COLOR = "#1b1b1b"
BOX_COLOR = "#c8c8c8"
BAND = (0.28, 0.72)  # the inset band between two layers, as fractions of the layer gap


@dataclass(frozen=True)
class NetworkLayout:
    """Positions of nodes and edge boxes for the layer widths of a network.

    Attributes
    ----------
    nodes : list of ndarray
        ``nodes[l]`` has shape (n_l, 2): the (x, y) of each node of layer l.
    boxes : ndarray of shape (E, 4)
        ``[x0, x1, y0, y1]`` of each edge's inset box, in the snapshot's edge order.
    """

    nodes: list[np.ndarray]
    boxes: np.ndarray


def network_layout(layers: list[int], edges: list[dict[str, int]]) -> NetworkLayout:
    """Node and inset-box positions (x in [0, 1], layer l at y = l).

    Parameters
    ----------
    layers : list of int
        Initial widths ``[n0, ..., nL]``.
    edges : list of dict
        ``{"layer", "in", "out"}`` per edge, in the snapshot's order.

    Returns
    -------
    NetworkLayout
    """
    nodes = [np.column_stack([(np.arange(n) + 0.5) / n, np.full(n, float(depth))]) for depth, n in enumerate(layers)]
    boxes = np.zeros((len(edges), 4))
    for e, edge in enumerate(edges):
        lay, i, j = edge["layer"], edge["in"], edge["out"]
        n_gap = layers[lay] * layers[lay + 1]
        slot = i * layers[lay + 1] + j
        cx = (slot + 0.5) / n_gap
        half = min(0.42 / n_gap, 0.07)
        boxes[e] = [cx - half, cx + half, lay + BAND[0], lay + BAND[1]]
    return NetworkLayout(nodes, boxes)


def frame_index(snapshots: dict[str, Any], frame: int) -> int:
    """Resolve a (possibly negative) frame index, raising ``ValueError`` when out of range."""
    n = len(snapshots["frames"])
    if not isinstance(frame, (int, np.integer)) or not -n <= frame < n:
        raise ValueError(f"The parameter 'frame' must be an integer in [{-n}, {n - 1}], but got {frame!r}.")
    return int(frame) % n


def _node_live(layers: list[int], edges: list[dict[str, int]], live: list[int]) -> list[np.ndarray]:
    """Whether each node is still connected: inputs need a live out-edge, outputs a live in-edge,
    hidden nodes both."""
    has_in = [np.zeros(n, bool) for n in layers]
    has_out = [np.zeros(n, bool) for n in layers]
    for edge, ok in zip(edges, live, strict=True):
        if ok:
            has_out[edge["layer"]][edge["in"]] = True
            has_in[edge["layer"] + 1][edge["out"]] = True
    last = len(layers) - 1
    return [has_out[k] if k == 0 else has_in[k] if k == last else has_in[k] & has_out[k] for k in range(len(layers))]


def _scaled_curve(x: np.ndarray, y: np.ndarray, box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map a curve into its inset box (x and y each scaled to the box, flat curves centered)."""
    x0, x1, y0, y1 = box
    pad = 0.08 * (y1 - y0)
    xs = (x - x.min()) / (np.ptp(x) or 1.0)
    span = np.ptp(y)
    ys = (y - y.min()) / span if span > 1e-12 else np.full_like(y, 0.5)
    return x0 + xs * (x1 - x0), y0 + pad + ys * (y1 - y0 - 2 * pad)


def _join(parts: list[np.ndarray]) -> list[float | None]:
    """Concatenate polylines with ``None`` breaks (one trace draws many curves)."""
    out: list[float | None] = []
    for part in parts:
        out.extend(float(v) for v in part)
        out.append(None)
    return out


def network_traces(
    snapshots: dict[str, Any], lang: str, frame: int = -1, xaxis: str = "x", yaxis: str = "y"
) -> list[go.Scatter]:
    """The traces of the network view at one frame, on the axes ``xaxis``/``yaxis``.

    Returns
    -------
    traces : list of plotly.graph_objects.Scatter
        A fixed number of traces: per importance bin one for edge lines and one for curves,
        the same two for pruned edges, then live nodes, pruned nodes and the hover targets.
    """
    check_lang(lang)
    index = frame_index(snapshots, frame)
    fr = snapshots["frames"][index]
    layers = list(snapshots["run"]["layers"])
    edges = snapshots["edges"]
    lay = network_layout(layers, edges)
    ex, ey = packed_array(fr["edges"]["x"]), packed_array(fr["edges"]["y"])
    importance = np.asarray(fr["edges"]["importance"], float)
    live = [int(v) for v in fr["edges"]["live"]]
    groups: dict[int, dict[str, list[np.ndarray]]] = {
        b: {"lx": [], "ly": [], "cx": [], "cy": []} for b in range(-1, N_BINS)
    }
    for e, edge in enumerate(edges):
        b = -1 if not live[e] else min(int(importance[e] * N_BINS), N_BINS - 1)
        k, i, j = edge["layer"], edge["in"], edge["out"]
        x0, x1, y0, y1 = lay.boxes[e]
        cx = 0.5 * (x0 + x1)
        (ax, ay), (bx, by) = lay.nodes[k][i], lay.nodes[k + 1][j]
        g = groups[b]
        g["lx"] += [np.array([ax, cx]), np.array([cx, bx])]
        g["ly"] += [np.array([ay, y0]), np.array([y1, by])]
        sx, sy = _scaled_curve(ex[e], ey[e], lay.boxes[e])
        g["cx"].append(sx)
        g["cy"].append(sy)
    common = {"xaxis": xaxis, "yaxis": yaxis, "showlegend": False, "hoverinfo": "skip", "mode": "lines"}
    traces = []
    for b in range(-1, N_BINS):
        g = groups[b]
        color = PRUNED_COLOR if b < 0 else LIVE_COLOR
        opacity = 0.55 if b < 0 else OPACITY[b]
        traces.append(
            go.Scatter(
                x=_join(g["lx"]),
                y=_join(g["ly"]),
                opacity=opacity,
                line={"color": color, "width": 1.0, "dash": "dot" if b < 0 else "solid"},
                meta={"role": "edge-lines", "bin": b},
                **common,
            )
        )
        traces.append(
            go.Scatter(
                x=_join(g["cx"]),
                y=_join(g["cy"]),
                opacity=opacity,
                line={"color": color if b < 0 else "#7a1f00", "width": 1.6},
                meta={"role": "edge-curves", "bin": b},
                **common,
            )
        )
    node_ok = _node_live(layers, edges, live)
    all_nodes = np.concatenate(lay.nodes)
    ok = np.concatenate(node_ok)
    names = []
    for k, n in enumerate(layers):
        for i in range(n):
            kind = "input" if k == 0 else "output" if k == len(layers) - 1 else "hidden"
            names.append(f"{t('network.node.' + kind, lang)} {i + 1}")
    for flag, role in ((True, "nodes-live"), (False, "nodes-pruned")):
        sel = ok == flag
        traces.append(
            go.Scatter(
                x=all_nodes[sel, 0],
                y=all_nodes[sel, 1],
                mode="markers",
                xaxis=xaxis,
                yaxis=yaxis,
                showlegend=False,
                marker={
                    "size": 11,
                    "color": NODE_COLOR if flag else "white",
                    "line": {"color": NODE_COLOR if flag else PRUNED_COLOR, "width": 1.5},
                },
                hovertext=[
                    f"{nm}<br>{t('network.live' if flag else 'network.pruned', lang)}"
                    for nm, s in zip(names, sel, strict=True)
                    if s
                ],
                hoverinfo="text",
                meta={"role": role},
            )
        )
    hover = []
    for e, edge in enumerate(edges):
        k, i, j = edge["layer"], edge["in"], edge["out"]
        state = t("network.live" if live[e] else "network.pruned", lang)
        hover.append(
            f"<b>{t('network.edge', lang)}</b> {t('network.layer', lang)} {k + 1}: {i + 1} → {j + 1}"
            f"<br>{t('network.importance', lang)}: {importance[e]:.3f}<br>{state}"
            f"<br>x ∈ [{ex[e].min():.3g}, {ex[e].max():.3g}]"
        )
    traces.append(
        go.Scatter(
            x=0.5 * (lay.boxes[:, 0] + lay.boxes[:, 1]),
            y=0.5 * (lay.boxes[:, 2] + lay.boxes[:, 3]),
            mode="markers",
            marker={"size": 16, "opacity": 0, "color": "#000000"},
            xaxis=xaxis,
            yaxis=yaxis,
            showlegend=False,
            hovertext=hover,
            hoverinfo="text",
            meta={"role": "edge-hover"},
        )
    )
    return traces


def network_shapes(snapshots: dict[str, Any], xref: str = "x", yref: str = "y") -> list[dict[str, Any]]:
    """The inset boxes as layout shapes (they do not move between frames)."""
    lay = network_layout(list(snapshots["run"]["layers"]), snapshots["edges"])
    return [
        {
            "type": "rect",
            "xref": xref,
            "yref": yref,
            "x0": b[0],
            "x1": b[1],
            "y0": b[2],
            "y1": b[3],
            "line": {"color": BOX_COLOR, "width": 0.8},
            "fillcolor": "rgba(255,255,255,0.9)",
            "layer": "below",
        }
        for b in lay.boxes
    ]


def network_annotations(snapshots: dict[str, Any], lang: str, xref: str = "x", yref: str = "y") -> list[dict[str, Any]]:
    """Input labels under the inputs and the output label above the output node."""
    layers = list(snapshots["run"]["layers"])
    out = [
        {
            "text": f"x<sub>{i + 1}</sub>",
            "x": (i + 0.5) / layers[0],
            "y": -0.12,
            "xref": xref,
            "yref": yref,
            "showarrow": False,
            "yanchor": "top",
            "font": {"size": 13},
        }
        for i in range(layers[0])
    ]
    last = len(layers) - 1
    out += [
        {
            "text": t("network.output", lang) if layers[-1] == 1 else f"y<sub>{j + 1}</sub>",
            "x": (j + 0.5) / layers[-1],
            "y": last + 0.12,
            "xref": xref,
            "yref": yref,
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"size": 13},
        }
        for j in range(layers[-1])
    ]
    return out


def network_axes(snapshots: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Hidden x and y axis settings that frame the whole network."""
    depth = len(snapshots["run"]["layers"]) - 1
    hidden = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
    return {**hidden, "range": [-0.02, 1.02]}, {**hidden, "range": [-0.35, depth + 0.35]}


def network_figure(snapshots: dict[str, Any], lang: str, frame: int = -1) -> go.Figure:
    """The KAN network view at one frame.

    Parameters
    ----------
    snapshots : dict
        A ``ggmm-snapshots`` document.
    lang : {"en", "zh"}
    frame : int
        Frame index (negative counts from the end).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    check_export(snapshots, "ggmm-snapshots")
    index = frame_index(snapshots, frame)
    fr = snapshots["frames"][index]
    xa, ya = network_axes(snapshots)
    widths = " × ".join(str(w) for w in fr["width"])
    title = t("network.title", lang).format(step=fr["step"], stage=t(f"stage.{fr['stage']}", lang), width=widths)
    fig = go.Figure(data=network_traces(snapshots, lang, index))
    fig.update_layout(
        **base_layout(
            lang,
            title={"text": title},
            height=460,
            margin={"l": 10, "r": 10, "t": 60, "b": 30},
            xaxis=xa,
            yaxis=ya,
            shapes=network_shapes(snapshots),
            annotations=network_annotations(snapshots, lang),
            hovermode="closest",
        )
    )
    return fig
