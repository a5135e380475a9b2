"""Shared look of every figure: colours, fonts, a small Plotly template.

The template is deliberately small (Plotly's default one adds about 10 kB of JSON to
every figure) and uses a font stack that renders Chinese on Linux, macOS, Windows,
Android and iOS.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..i18n import FONT_FAMILY, check_lang

__all__ = [
    "FONT_FAMILY",
    "FAMILY_COLORS",
    "SAMPLE_COLOR",
    "CENTER_COLOR",
    "DENSITY_COLORSCALE",
    "ERROR_COLORSCALE",
    "STAGE_COLORS",
    "TRAIN_COLOR",
    "VALIDATION_COLOR",
    "COMPONENT_COLORS",
    "TEMPLATE",
    "check_lang",
    "base_layout",
    "paper_above",
]

#: Method family -> colour (Okabe-Ito palette, readable by colour-blind readers).
FAMILY_COLORS: dict[str, str] = {"KAN": "#D55E00", "MLP": "#0072B2", "classical": "#009E73"}

SAMPLE_COLOR = "#FFD21F"  # samples in yellow (as in the original figure 2)
SAMPLE_EDGE = "#5c4a00"
CENTER_COLOR = "#E0201B"  # centers in red
TRAIN_COLOR = "#0072B2"
VALIDATION_COLOR = "#D55E00"
REFERENCE_COLOR = "#444444"
COMPONENT_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

DENSITY_COLORSCALE = "Viridis"
ERROR_COLORSCALE = "RdBu_r"

#: Training stage -> band colour (light, so curves stay readable on top).
STAGE_COLORS: dict[str, str] = {
    "train": "rgba(0, 114, 178, 0.10)",
    "prune": "rgba(213, 94, 0, 0.22)",
    "refine": "rgba(0, 158, 115, 0.22)",
    "retrain": "rgba(204, 121, 167, 0.12)",
    "symbolic": "rgba(230, 159, 0, 0.18)",
}

_AXIS = {
    "gridcolor": "#e6e6e6",
    "linecolor": "#888888",
    "zerolinecolor": "#cccccc",
    "automargin": True,
    "ticks": "outside",
    "tickcolor": "#888888",
    "ticklen": 4,
}

TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#222222"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT_FAMILY}, "align": "left"},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "colorway": COMPONENT_COLORS,
        "title": {"x": 0.02, "xanchor": "left", "font": {"size": 16}},
    }
)


def base_layout(lang: str, **extra: Any) -> dict[str, Any]:
    """Layout settings shared by every figure, merged with ``extra``.

    Parameters
    ----------
    lang : {"en", "zh"}
    **extra
        Further layout keys; they win over the defaults.

    Returns
    -------
    layout : dict
    """
    check_lang(lang)
    layout: dict[str, Any] = {
        "template": TEMPLATE,
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "separators": ".,",
        "meta": {"lang": lang},
    }
    layout.update(extra)
    return layout


def paper_above(px: float, height: int, margin_top: int, margin_bottom: int) -> float:
    """Paper y coordinate ``px`` pixels above the top of the plot area of a figure ``height`` pixels high."""
    return 1.0 + px / max(height - margin_top - margin_bottom, 1)
