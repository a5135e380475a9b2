"""Figure 2: the ground-truth density, its samples, posteriors and formula.

The 3-D density surface sits beside the 2-D contour map, on one shared colour scale;
samples are drawn in yellow and centers in red. For a 3-D preset the figure shows the
exact marginal density of (x1, x2) (components are products over dimensions, so the
marginal is the mixture of the components' first two factors) and the samples in 3-D.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy.special import gammaln

from ggmm.distribution import GeneralizedGaussianMixture

from ..i18n.strings import t
from ._style import (
    CENTER_COLOR,
    DENSITY_COLORSCALE,
    SAMPLE_COLOR,
    SAMPLE_EDGE,
    base_layout,
    check_lang,
)
from .io import packed_array

__all__ = [
    "ground_truth_figure",
    "posterior_table",
    "formula_latex",
    "formula_html",
    "marginal_mixture",
    "preset_grid",
]

_GRID_RESOLUTION = 61


def marginal_mixture(mixture: GeneralizedGaussianMixture, dims: tuple[int, ...] = (0, 1)) -> GeneralizedGaussianMixture:
    """The exact marginal of the mixture over the coordinates ``dims``.

    Parameters
    ----------
    mixture : GeneralizedGaussianMixture
    dims : tuple of int

    Returns
    -------
    GeneralizedGaussianMixture
        With D = len(dims).
    """
    idx = list(dims)
    p = mixture.p if np.ndim(mixture.p) == 0 else mixture.shapes
    return GeneralizedGaussianMixture(
        mixture.centers[:, idx], mixture.scales[:, idx], mixture.weights, p, normalize_weights=True
    )


def preset_grid(preset: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The plotting grid of a preset: (x (nx,), y (ny,), z (ny, nx)) of the (x1, x2) density.

    The exported grid is used when there is one; for 3-D presets the marginal density of
    (x1, x2) is evaluated on the preset's bounds.
    """
    grid = preset.get("grid")
    if grid:
        return np.asarray(grid["x"], float), np.asarray(grid["y"], float), packed_array(grid["density"])
    mixture = GeneralizedGaussianMixture.from_dict(preset["mixture"])
    bounds = np.asarray(preset["bounds"], float)[:2]
    g = marginal_mixture(mixture).grid(bounds, _GRID_RESOLUTION)
    return g.axes[0], g.axes[1], g.z


def ground_truth_figure(preset: dict[str, Any], lang: str) -> go.Figure:
    """Figure 2: 3-D density surface beside the 2-D contour map (shared colour scale).

    Parameters
    ----------
    preset : dict
        One entry of the ``ggmm-presets`` export.
    lang : {"en", "zh"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    mixture = GeneralizedGaussianMixture.from_dict(preset["mixture"])
    D = mixture.n_features
    samples = packed_array(preset["samples"]["x"])
    labels = preset["samples"].get("labels") or [0] * len(samples)
    x, y, z = preset_grid(preset)
    zmax = float(z.max())
    centers = mixture.centers
    component = np.asarray(labels, dtype=np.int32) + 1
    sample_hover = f"x₁ = %{{x:.3f}}<br>x₂ = %{{y:.3f}}<br>{t('hover.component', lang)}: %{{customdata}}<extra></extra>"
    samples = samples.astype(np.float32)
    z = z.astype(np.float32)
    left_title = t("truth.surface", lang) if D == 2 else t("truth.samples3d", lang)
    right_title = t("truth.contour", lang) if D == 2 else t("truth.marginal", lang)
    fig = make_subplots(
        rows=1,
        cols=2,
        specs=[[{"type": "scene"}, {"type": "xy"}]],
        column_widths=[0.52, 0.48],
        horizontal_spacing=0.06,
        subplot_titles=(left_title, right_title),
    )
    density_hover = f"x₁ = %{{x:.3f}}<br>x₂ = %{{y:.3f}}<br>{t('hover.density', lang)} = %{{z:.4g}}<extra></extra>"
    if D == 2:
        fig.add_trace(
            go.Surface(
                x=x,
                y=y,
                z=z,
                colorscale=DENSITY_COLORSCALE,
                cmin=0.0,
                cmax=zmax,
                showscale=False,
                hovertemplate=density_hover,
                name=t("legend.density", lang),
                showlegend=False,
                contours={"z": {"show": True, "usecolormap": True, "project": {"z": False}, "width": 1}},
            ),
            row=1,
            col=1,
        )
        on_surface = mixture.pdf(samples).astype(np.float32)
        fig.add_trace(
            go.Scatter3d(
                x=samples[:, 0],
                y=samples[:, 1],
                z=on_surface,
                mode="markers",
                marker={"size": 2, "color": SAMPLE_COLOR, "line": {"width": 0}},
                name=t("legend.samples", lang),
                legendgroup="samples",
                showlegend=False,
                customdata=component,
                hovertemplate=sample_hover,
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter3d(
                x=centers[:, 0],
                y=centers[:, 1],
                z=mixture.pdf(centers),
                mode="markers",
                marker={"size": 5, "color": CENTER_COLOR, "symbol": "diamond"},
                name=t("legend.centers", lang),
                legendgroup="centers",
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
        scene_z = t("axis.density", lang)
    else:
        fig.add_trace(
            go.Scatter3d(
                x=samples[:, 0],
                y=samples[:, 1],
                z=samples[:, 2],
                mode="markers",
                marker={"size": 2, "color": SAMPLE_COLOR, "line": {"width": 0}},
                name=t("legend.samples", lang),
                legendgroup="samples",
                showlegend=False,
                customdata=component,
                hovertemplate=sample_hover.replace("<extra>", "<br>x₃ = %{z:.3f}<extra>"),
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter3d(
                x=centers[:, 0],
                y=centers[:, 1],
                z=centers[:, 2],
                mode="markers",
                marker={"size": 6, "color": CENTER_COLOR, "symbol": "diamond"},
                name=t("legend.centers", lang),
                legendgroup="centers",
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
        scene_z = "x₃"
    # Plotly cannot put a surface and a contour on one coloraxis: same colorscale and limits instead.
    fig.add_trace(
        go.Contour(
            x=x,
            y=y,
            z=z,
            colorscale=DENSITY_COLORSCALE,
            zmin=0.0,
            zmax=zmax,
            ncontours=14,
            colorbar={
                "title": {"text": t("axis.density", lang), "side": "right"},
                "thickness": 12,
                "len": 0.8,
                "x": 1.0,
                "xanchor": "left",
            },
            hovertemplate=density_hover,
            contours={"coloring": "fill", "showlines": True},
            line={"width": 0.5},
            showlegend=False,
            name=t("legend.density", lang),
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=samples[:, 0],
            y=samples[:, 1],
            mode="markers",
            name=t("legend.samples", lang),
            legendgroup="samples",
            marker={"size": 4, "color": SAMPLE_COLOR, "line": {"width": 0.4, "color": SAMPLE_EDGE}},
            customdata=component,
            hovertemplate=sample_hover,
        ),
        row=1,
        col=2,
    )
    center_hover = [
        f"<b>{t('hover.component', lang)} {k + 1}</b><br>c = ({', '.join(f'{v:.3g}' for v in c)})"
        f"<br>α = ({', '.join(f'{v:.3g}' for v in a)})<br>π = {w:.3g}<br>p = {s:.3g}"
        for k, (c, a, w, s) in enumerate(
            zip(mixture.centers, mixture.scales, mixture.weights, mixture.shapes, strict=True)
        )
    ]
    fig.add_trace(
        go.Scatter(
            x=centers[:, 0],
            y=centers[:, 1],
            mode="markers",
            name=t("legend.centers", lang),
            legendgroup="centers",
            marker={"size": 11, "color": CENTER_COLOR, "symbol": "x-thin", "line": {"width": 3, "color": CENTER_COLOR}},
            hovertext=center_hover,
            hoverinfo="text",
        ),
        row=1,
        col=2,
    )
    bounds = np.asarray(preset["bounds"], float)
    title = preset.get("title", {}).get(lang, preset.get("name", ""))
    fig.update_layout(
        **base_layout(
            lang,
            title={"text": f"{t('truth.title', lang)} · {title}"},
            height=520,
            margin={"l": 10, "r": 10, "t": 70, "b": 40},
            scene={
                "xaxis": {"title": {"text": "x₁"}},
                "yaxis": {"title": {"text": "x₂"}},
                "zaxis": {"title": {"text": scene_z}},
                "camera": {"eye": {"x": 1.5, "y": -1.5, "z": 1.0}},
                "aspectmode": "manual",
                "aspectratio": {"x": 1, "y": 1, "z": 0.7},
            },
            legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": -0.02, "yanchor": "top"},
        )
    )
    fig.update_xaxes(title_text="x₁", range=list(bounds[0]), row=1, col=2)
    fig.update_yaxes(title_text="x₂", range=list(bounds[1]), scaleanchor="x", scaleratio=1, row=1, col=2)
    return fig


def posterior_table(preset: dict[str, Any], lang: str, n: int = 8) -> str:
    """An HTML table of the first ``n`` samples with their density and per-component posterior.

    Parameters
    ----------
    preset : dict
        One entry of the ``ggmm-presets`` export.
    lang : {"en", "zh"}
    n : int
        Number of rows (>= 1).

    Returns
    -------
    html : str
        A ``<table class="ggmm-table ggmm-posterior">`` element.
    """
    check_lang(lang)
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"The parameter 'n' must be a positive integer, but got {n!r}.")
    mixture = GeneralizedGaussianMixture.from_dict(preset["mixture"])
    X = packed_array(preset["samples"]["x"])[:n]
    labels = (preset["samples"].get("labels") or [None] * len(X))[:n]
    density = mixture.pdf(X)
    post = mixture.posterior(X)
    D, K = mixture.n_features, mixture.n_components
    head = ["#"] + [f"x<sub>{d + 1}</sub>" for d in range(D)] + ["P(x)"]
    head += [f"γ<sub>{k + 1}</sub>" for k in range(K)] + [html.escape(t("posterior.drawn_from", lang))]
    rows = []
    for i in range(len(X)):
        best = int(np.argmax(post[i]))
        cells = [str(i + 1)] + [f"{v:.3f}" for v in X[i]] + [f"{density[i]:.4g}"]
        cells += [(f"<strong>{v:.3f}</strong>" if k == best else f"{v:.3f}") for k, v in enumerate(post[i])]
        cells.append("" if labels[i] is None else str(int(labels[i]) + 1))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    caption = html.escape(t("posterior.caption", lang))
    return (
        '<table class="ggmm-table ggmm-posterior">'
        f"<caption>{caption}</caption>"
        "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in head) + "</tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )


def _num(value: float, digits: int = 3) -> str:
    return f"{float(value):.{digits}g}"


def _shifted(var: str, center: float) -> str:
    """``x_1 - 2`` / ``x_1 + 2`` / ``x_1`` for a center."""
    c = float(center)
    if abs(c) < 5e-13:
        return var
    return f"{var} {'-' if c > 0 else '+'} {_num(abs(c))}"


def _component_factors(mixture: GeneralizedGaussianMixture) -> list[tuple[float, list[tuple[float, float, float]]]]:
    """Per component: the constant pi_k * eta_k and the (center, scale, p) of each dimension."""
    out = []
    for k in range(mixture.n_components):
        p = float(mixture.shapes[k])
        log_eta = sum(
            math.log(p) - math.log(2.0) - float(gammaln(1.0 / p)) - math.log(float(a)) for a in mixture.scales[k]
        )
        coef = float(mixture.weights[k]) * math.exp(log_eta)
        dims = zip(mixture.centers[k], mixture.scales[k], strict=True)
        out.append((coef, [(float(c), float(a), p) for c, a in dims]))
    return out


def formula_latex(mixture: dict[str, Any]) -> str:
    """The density formula typeset with the given parameters (LaTeX for MathJax, display math).

    The first line is the general form; then one line per component,
    ``pi_k eta_k exp(-sum_d |(x_d - c_kd) / alpha_kd|^p)``, with ``pi_k eta_k`` evaluated.

    Parameters
    ----------
    mixture : dict
        A mixture as written by ``GeneralizedGaussianMixture.to_dict()``.

    Returns
    -------
    latex : str
        An ``aligned`` environment (without the ``\\[ \\]`` delimiters).
    """
    m = GeneralizedGaussianMixture.from_dict(mixture)
    D = m.n_features
    args = ", ".join(f"x_{{{d + 1}}}" for d in range(D))
    lines = [
        rf"P({args}) &= \sum_{{k=1}}^{{{m.n_components}}} \pi_k \prod_{{d=1}}^{{{D}}} "
        r"\frac{p_k}{2\alpha_{kd}\Gamma(1/p_k)} \exp\!\left(-\left|\frac{x_d - c_{kd}}{\alpha_{kd}}\right|^{p_k}\right)"
    ]
    for k, (coef, dims) in enumerate(_component_factors(m)):
        terms = " - ".join(
            rf"\left|\frac{{{_shifted(f'x_{{{d + 1}}}', c)}}}{{{_num(a)}}}\right|^{{{_num(p)}}}"
            for d, (c, a, p) in enumerate(dims)
        )
        lead = "&= " if k == 0 else "&\\quad + "
        lines.append(rf"{lead}{_num(coef, 4)}\, \exp\!\left(-{terms}\right)")
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def formula_html(mixture: dict[str, Any]) -> str:
    """The same formula as :func:`formula_latex` in plain HTML (for pages without MathJax).

    Returns
    -------
    html : str
        A ``<div class="ggmm-formula-html">`` with one line per component.
    """
    m = GeneralizedGaussianMixture.from_dict(mixture)
    D = m.n_features
    args = ", ".join(f"x<sub>{d + 1}</sub>" for d in range(D))
    lines = []
    for k, (coef, dims) in enumerate(_component_factors(m)):
        terms = " − ".join(
            f"|({html.escape(_shifted(f'x{d + 1}', c)).replace(f'x{d + 1}', f'x<sub>{d + 1}</sub>')})"
            f" / {_num(a)}|<sup>{_num(p)}</sup>"
            for d, (c, a, p) in enumerate(dims)
        )
        lead = f"P({args}) = " if k == 0 else "+ "
        lines.append(f'<div class="ggmm-formula-line">{lead}{_num(coef, 4)} · exp(−{terms})</div>')
    return '<div class="ggmm-formula-html">' + "".join(lines) + "</div>"
