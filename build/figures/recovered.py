"""Parameters read back from a KA-structured KAN, next to EM and the truth.

A [D, K, 1] KAN can represent a D-dimensional K-component mixture exactly with inner
curves ``phi_kd(t) = -(|t - c_kd| / alpha_kd) ** p``. The figure shows, in small
multiples (one row per component, one column per dimension), each learned inner curve
with the parametric curve ``b - (|t - c| / alpha) ** p`` fitted to it (both as exported),
and the true and fitted centers. The table lists
every parameter for the truth, EM and the KAN after matching components to the truth.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ggmm.distribution import GeneralizedGaussianMixture
from ggmm.metrics import match_components

from ..i18n.strings import t
from ._style import CENTER_COLOR, REFERENCE_COLOR, TRAIN_COLOR, VALIDATION_COLOR, base_layout, check_lang, paper_above
from .io import check_export

__all__ = ["recovered_figure", "recovered_table", "find_dataset"]


def find_dataset(recovered: dict[str, Any], dataset: str) -> dict[str, Any]:
    """The entry of a ``ggmm-recovered`` export for ``dataset``."""
    check_export(recovered, "ggmm-recovered")
    for entry in recovered["datasets"]:
        if entry["dataset"] == dataset:
            return entry
    names = [e["dataset"] for e in recovered["datasets"]]
    raise ValueError(f"The parameter 'dataset' must be one of {names}, but got {dataset!r}.")


def recovered_figure(recovered: dict[str, Any], lang: str, dataset: str = "original") -> go.Figure:
    """Small multiples of the learned inner curves with the fitted parametric curves.

    Parameters
    ----------
    recovered : dict
        A ``ggmm-recovered`` export.
    lang : {"en", "zh"}
    dataset : str

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    entry = find_dataset(recovered, dataset)
    truth = GeneralizedGaussianMixture.from_dict(entry["truth"])
    curves = entry["curves"]
    K = max(c["component"] for c in curves) + 1
    D = max(c["dim"] for c in curves) + 1
    # the true component nearest each learned one (by fitted center), for the reference line
    fitted_centers = np.array(
        [
            [next(c["center"] for c in curves if c["component"] == k and c["dim"] == d) for d in range(D)]
            for k in range(K)
        ]
    )
    true_of = np.full(K, -1)
    if K == truth.n_components and D == truth.n_features:
        order = match_components(truth.centers, fitted_centers)  # fitted[order[k]] ~ true[k]
        true_of[order] = np.arange(K)
    titles = []
    for k in range(K):
        for d in range(D):
            c = next(c for c in curves if c["component"] == k and c["dim"] == d)
            titles.append(f"φ<sub>{k + 1},{d + 1}</sub>: c = {c['center']:.2f}, α = {c['scale']:.2f}, p = {c['p']:.2f}")
    fig = make_subplots(
        rows=K, cols=D, subplot_titles=titles, vertical_spacing=min(0.12, 0.35 / K), horizontal_spacing=0.08
    )
    for c in curves:
        k, d = c["component"], c["dim"]
        first = k == 0 and d == 0
        fig.add_trace(
            go.Scatter(
                x=c["x"],
                y=c["learned"],
                mode="lines",
                name=t("recovered.learned", lang),
                legendgroup="learned",
                showlegend=first,
                line={"color": TRAIN_COLOR, "width": 2},
                hovertemplate=f"t = %{{x:.3f}}<br>{t('recovered.learned', lang)} = %{{y:.4g}}<extra></extra>",
            ),
            row=k + 1,
            col=d + 1,
        )
        fig.add_trace(
            go.Scatter(
                x=c["x"],
                y=c["fitted"],
                mode="lines",
                name=t("recovered.fitted", lang),
                legendgroup="fitted",
                showlegend=first,
                line={"color": VALIDATION_COLOR, "width": 2, "dash": "dash"},
                hovertemplate=f"t = %{{x:.3f}}<br>{t('recovered.fitted', lang)} = %{{y:.4g}}<extra></extra>",
            ),
            row=k + 1,
            col=d + 1,
        )
        ymin, ymax = float(np.min(c["learned"] + c["fitted"])), float(np.max(c["learned"] + c["fitted"]))
        fig.add_trace(
            go.Scatter(
                x=[c["center"], c["center"]],
                y=[ymin, ymax],
                mode="lines",
                name=t("recovered.fitted_center", lang),
                legendgroup="fc",
                showlegend=first,
                line={"color": CENTER_COLOR, "width": 1, "dash": "dot"},
                hoverinfo="skip",
            ),
            row=k + 1,
            col=d + 1,
        )
        if true_of[k] >= 0:
            tc = float(truth.centers[true_of[k], d])
            fig.add_trace(
                go.Scatter(
                    x=[tc, tc],
                    y=[ymin, ymax],
                    mode="lines",
                    name=t("recovered.true_center", lang),
                    legendgroup="tc",
                    showlegend=first,
                    line={"color": REFERENCE_COLOR, "width": 1.2},
                    hoverinfo="skip",
                ),
                row=k + 1,
                col=d + 1,
            )
        fig.update_xaxes(title_text=f"x<sub>{d + 1}</sub>" if k == K - 1 else None, row=k + 1, col=d + 1)
    for annotation in fig.layout.annotations:
        annotation.font = {"size": 12}
    height, top, bottom = 150 + 210 * K, 110, 40
    fig.update_layout(
        **base_layout(
            lang,
            title={"text": t("recovered.title", lang), "yref": "container", "y": 1.0 - 12.0 / height, "yanchor": "top"},
            height=height,
            margin={"l": 10, "r": 10, "t": top, "b": bottom},
            legend={"orientation": "h", "x": 0.0, "y": paper_above(36, height, top, bottom), "yanchor": "bottom"},
        )
    )
    return fig


def _row(cells: list[str], header: bool = False) -> str:
    tag = "th" if header else "td"
    return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def recovered_table(recovered: dict[str, Any], lang: str, dataset: str = "original") -> str:
    """Every parameter of the truth, EM and the KAN, components matched to the truth.

    Parameters
    ----------
    recovered : dict
        A ``ggmm-recovered`` export.
    lang : {"en", "zh"}
    dataset : str

    Returns
    -------
    html : str
        A ``<table class="ggmm-table ggmm-recovered">`` element with a final block of
        parameter errors.
    """
    check_lang(lang)
    entry = find_dataset(recovered, dataset)
    truth = GeneralizedGaussianMixture.from_dict(entry["truth"])
    fits = {name: GeneralizedGaussianMixture.from_dict(entry[name]) for name in ("em", "kan")}
    aligned: dict[str, np.ndarray | None] = {}
    for name, m in fits.items():
        if (m.n_components, m.n_features) == (truth.n_components, truth.n_features):
            aligned[name] = match_components(truth.centers, m.centers)
        else:
            aligned[name] = None
    head = [t("recovered.parameter", lang), t("recovered.truth", lang), "EM", "KAN"]
    rows = [_row([html.escape(h) for h in head], header=True)]

    def value(name: str, getter: Any, k: int) -> str:
        order = aligned[name]
        if order is None:
            return "–"
        return f"{getter(fits[name], int(order[k])):.3f}"

    for k in range(truth.n_components):
        for d in range(truth.n_features):
            for sym, getter in (("c", lambda m, j, d=d: m.centers[j, d]), ("α", lambda m, j, d=d: m.scales[j, d])):
                rows.append(
                    _row(
                        [
                            f"{sym}<sub>{k + 1},{d + 1}</sub>",
                            f"{getter(truth, k):.3f}",
                            value("em", getter, k),
                            value("kan", getter, k),
                        ]
                    )
                )
        for sym, per_component in (("π", lambda m, j: m.weights[j]), ("p", lambda m, j: m.shapes[j])):
            rows.append(
                _row(
                    [
                        f"{sym}<sub>{k + 1}</sub>",
                        f"{per_component(truth, k):.3f}",
                        value("em", per_component, k),
                        value("kan", per_component, k),
                    ]
                )
            )
    errors = entry.get("errors") or {}
    for key in ("center_rmse", "scale_rmse", "weight_max_abs", "p_abs"):
        cells = [html.escape(t(f"recovered.error.{key}", lang)), ""]
        for name in ("em", "kan"):
            v = (errors.get(name) or {}).get(key)
            cells.append("–" if v is None else f"{v:.3g}")
        rows.append(_row(cells).replace("<tr>", '<tr class="ggmm-error-row">', 1))
    symbolic = entry.get("symbolic")
    caption = html.escape(t("recovered.table_caption", lang))
    out = (
        f'<table class="ggmm-table ggmm-recovered"><caption>{caption}</caption>'
        f"<thead>{rows[0]}</thead><tbody>{''.join(rows[1:])}</tbody></table>"
    )
    if symbolic:
        label, rmse, constant = (
            html.escape(t(key, lang)) for key in ("recovered.symbolic", "recovered.test_rmse", "recovered.constant")
        )
        out += (
            f'<p class="ggmm-symbolic">{label}: {rmse} {symbolic["rmse"]:.4g} '
            f"({constant}: {symbolic['rmse_constant']:.4g})</p>"
        )
    return out
