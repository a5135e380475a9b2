"""What the scaling figures share: number formats, the cost study's reading, colours and refused cells.

* the cost study's colour per method (:func:`method_colors`), dash per family and two sweeps
  (:data:`SWEEP_AXES`: N at a fixed D, D at a fixed N), a sweep's rows (:func:`sweep_points`) and
  the fitted time exponents (:func:`cost_fits`);
* a cell a method did not run, because its work was beyond a declared limit: a cross at the top of
  the panel, its hover text naming the limit (:func:`limit_text`) and a subtitle line per method
  (:func:`refused_notes`), never a silent gap;
* the title, subtitle and margins of the two cost-study figures
  (:mod:`ggmm_build.figures.scaling_cost`, :mod:`ggmm_build.figures.scaling_accuracy`), and the
  number formats of every scaling figure.
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from ..i18n.strings import t
from .io import check_export

__all__ = ["method_colors"]


#: Okabe-Ito colours, one per method of the cost study, in the export's order.
METHOD_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


#: Line dash per method family (colours alone tell seven methods apart only so well).
FAMILY_DASH = {"classical": "solid", "KAN": "dash", "MLP": "dot"}


#: The cost study's two sweeps: name -> (point key of the varying axis, key of the fixed value, its point key).
SWEEP_AXES = {"samples": ("n_train", "sample_dim", "dim"), "dims": ("dim", "dim_samples", "n_train")}


def _g(value: float) -> str:
    return f"{value:.3g}"


def _interval(lo: float, hi: float) -> str:
    return f"[{_g(lo)}, {_g(hi)}]"


def _sci(value: float) -> str:
    """1000000 -> "10⁶", 33554432 -> "3.4 × 10⁷"."""
    exponent = int(math.floor(math.log10(value)))
    mantissa = value / 10**exponent
    sup = str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"10{sup}" if round(mantissa, 1) == 1.0 else f"{mantissa:.1f} × 10{sup}"


def method_colors(cost: dict[str, Any]) -> dict[str, str]:
    """The colour of every method of the cost study."""
    return {m["name"]: METHOD_COLORS[i % len(METHOD_COLORS)] for i, m in enumerate(cost["methods"])}


def limit_text(limit: dict[str, Any], lang: str) -> str:
    """Why a cell was not run: the measure, its amount and the declared limit."""
    return t("scaling.not_run", lang).format(
        what=t(f"scaling.work.{limit['measure']}", lang), amount=_sci(limit["amount"]), limit=_sci(limit["limit"])
    )


def _cost(scaling: dict[str, Any]) -> dict[str, Any]:
    check_export(scaling, "ggmm-scaling")
    if scaling.get("cost") is None:
        raise ValueError("The scaling export has no cost study (its profile did not run one).")
    return scaling["cost"]


def sweep_points(cost: dict[str, Any], rows: list[dict[str, Any]], sweep: str) -> list[dict[str, Any]]:
    """The rows (points or cells) of one sweep: N at ``sample_dim``, or D at ``dim_samples``."""
    _, fixed, key = SWEEP_AXES[sweep]
    return [r for r in rows if r[key] == cost[fixed]]


def cost_fits(scaling: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(method, sweep): entry}`` of the fitted time exponents (empty without timings)."""
    timings = scaling.get("timings") or {}
    return {(f["method"], f["sweep"]): f for f in timings.get("fits", [])}


def _axis_title(sweep: str, lang: str) -> str:
    return t(f"scaling.axis.{sweep}", lang)


def refused_notes(cost: dict[str, Any], labels: dict[str, str], lang: str) -> list[str]:
    """One line per method with cells beyond a limit: the method, the limit and where (``D = 5, 8``)."""
    notes = []
    for method in labels:
        mine = [c for c in cost["cells"] if c["method"] == method and not c["feasible"]]
        if not mine:
            continue
        parts = []
        for sweep in SWEEP_AXES:
            axis = SWEEP_AXES[sweep][0]
            where = sorted({c[axis] for c in sweep_points(cost, mine, sweep)})
            if where:
                parts.append(f"{'N' if axis == 'n_train' else 'D'} = {', '.join(f'{v:,}' for v in where)}")
        limit = mine[0]["limit"]
        notes.append(
            t("scaling.not_run_short", lang).format(
                method=labels[method],
                what=t(f"scaling.work.{limit['measure']}", lang),
                limit=_sci(limit["limit"]),
                where="; ".join(parts),
            )
        )
    return notes


def _subtitle(cost: dict[str, Any], labels: dict[str, str], lang: str, note: str | None = None) -> str:
    """The cost study's setting, and a line per method not run somewhere (so a static image says why)."""
    text = t("scaling.cost.subtitle", lang).format(p=_g(cost["p"]), k=cost["n_components"], seeds=len(cost["seeds"]))
    text += f" · {note}" if note else ""
    notes = refused_notes(cost, labels, lang)
    return text + "".join(f"<br>× {note}" for note in notes)


def _refused(
    fig: go.Figure,
    cells: list[dict[str, Any]],
    axis: str,
    y_of: Any,
    colors: dict[str, str],
    labels: dict[str, str],
    lang: str,
    row: int,
    col: int,
    seen: set[str],
) -> None:
    """Crosses at the top of a panel for the cells beyond a limit, the reason in the hover text (and, for
    static images, in the subtitle: :func:`refused_notes`).

    ``y_of(i)`` places the i-th cross (spread out so crosses at one x do not hide each other).
    """
    refused = [c for c in cells if not c["feasible"]]
    for i, cell in enumerate(refused):
        method = cell["method"]
        fig.add_trace(
            go.Scatter(
                x=[cell[axis]],
                y=[y_of(i)],
                mode="markers",
                name=t("scaling.refused", lang),
                legendgroup="refused",
                showlegend="refused" not in seen,
                marker={
                    "symbol": "x-thin-open",
                    "size": 13,
                    "color": colors[method],
                    "line": {"width": 2.5, "color": colors[method]},
                },
                hovertext=f"<b>{labels[method]}</b><br>D = {cell['dim']}, N = {cell['n_train']:,}"
                f"<br>{limit_text(cell['limit'], lang)}",
                hoverinfo="text",
                meta={"role": "refused", "method": method},
            ),
            row=row,
            col=col,
        )
        seen.add("refused")


def _frame(
    cost: dict[str, Any], labels: dict[str, str], lang: str, title: str, height: int, note: str | None = None
) -> dict[str, Any]:
    """Title, subtitle (with the refused cells) and margins shared by the two cost-study figures."""
    lines = 1 + len(refused_notes(cost, labels, lang))
    top = 90 + 18 * lines
    return {
        "height": height + 18 * lines,
        "title": {
            "text": title,
            "subtitle": {"text": _subtitle(cost, labels, lang, note), "font": {"size": 12}},
            "yref": "container",
            "y": 1.0 - 10.0 / (height + 18 * lines),
            "yanchor": "top",
        },
        "margin": {"l": 70, "r": 20, "t": top, "b": 150},
    }
