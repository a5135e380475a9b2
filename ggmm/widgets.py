"""HTML snippets that put figures and the two client-side widgets on a page.

The snippets hold no ``<script src>``: a page loads one local ``plotly.min.js`` and the
widget scripts (``assets/js/packing.js``, ``ggmm.js``, ``training-viewer.js``,
``explorer.js``) in its head, and the snippets only carry data. Output is deterministic
(stable element ids), which suits Quarto's freeze and tests.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any

import plotly.graph_objects as go

from .figures._style import check_lang
from .strings import bundle

__all__ = [
    "PLOTLY_CONFIG",
    "VIEWER_STRINGS",
    "EXPLORER_STRINGS",
    "figure_html",
    "training_viewer_html",
    "explorer_html",
    "json_script",
]

#: Plotly config used for every figure: responsive, no Plotly logo, no cloud links.
PLOTLY_CONFIG: dict[str, Any] = {"responsive": True, "displaylogo": False, "showSendToCloud": False,
                                 "modeBarButtonsToRemove": ["sendDataToCloud"]}

#: String-table prefixes each widget needs in the browser.
VIEWER_STRINGS = ("viewer.", "training.", "loss.", "stage.", "network.", "axis.", "hover.")
EXPLORER_STRINGS = ("explorer.", "truth.", "posterior.", "formula.", "axis.", "hover.", "legend.")

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]*$")


def _check_id(value: str, name: str) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError(f"The parameter '{name}' must be a valid HTML id (a letter, then letters, digits, "
                         f"'-', '_', ':' or '.'), but got {value!r}.")
    return value


def json_script(obj: Any, css_class: str) -> str:
    """``obj`` as an inert ``<script type="application/json">`` block (safe against ``</script>``).

    Parameters
    ----------
    obj : JSON-serializable
    css_class : str
        Class the widget script looks for.

    Returns
    -------
    html : str
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" class="{html.escape(css_class)}">{text}</script>'


def _strings_attr(prefixes: tuple[str, ...], lang: str) -> str:
    return html.escape(json.dumps(bundle(prefixes, lang), ensure_ascii=False, separators=(",", ":")), quote=True)


def figure_html(fig: go.Figure, div_id: str | None = None) -> str:
    """A Plotly figure as an HTML fragment without plotly.js (the page loads one local copy).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    div_id : str, optional
        The figure's element id; by default derived from a hash of the figure, so the same
        figure always gives the same HTML.

    Returns
    -------
    html : str
        ``fig.to_html(include_plotlyjs=False, full_html=False)`` with a fixed id, animations
        not started on load.
    """
    if not isinstance(fig, go.Figure):
        raise ValueError(f"The parameter 'fig' must be a plotly Figure, but got {type(fig).__name__}.")
    if div_id is None:
        digest = hashlib.sha1(fig.to_json().encode("utf-8")).hexdigest()[:12]
        div_id = f"ggmm-fig-{digest}"
    _check_id(div_id, "div_id")
    return fig.to_html(include_plotlyjs=False, full_html=False, div_id=div_id, auto_play=False,
                       config=PLOTLY_CONFIG)


def training_viewer_html(data_url: str, lang: str, viewer_id: str = "training-viewer",
                         inline: dict[str, Any] | None = None) -> str:
    """The container of the training-progress viewer (built by ``assets/js/training-viewer.js``).

    Parameters
    ----------
    data_url : str
        URL of the snapshot file, relative to the page; fetched once.
    lang : {"en", "zh"}
    viewer_id : str
        The container's element id.
    inline : dict, optional
        The snapshot document itself, embedded as inert JSON so the page also works when opened
        from ``file://`` (where fetching is not allowed); ``data_url`` is then not fetched.

    Returns
    -------
    html : str
        ``<div class="ggmm-training-viewer" data-src=... data-lang=... data-strings=...>``.
    """
    check_lang(lang)
    _check_id(viewer_id, "viewer_id")
    if not isinstance(data_url, str) or not data_url:
        raise ValueError(f"The parameter 'data_url' must be a non-empty string, but got {data_url!r}.")
    if inline is not None:
        from .figures.io import check_export

        check_export(inline, "ggmm-snapshots")
    body = json_script(inline, "ggmm-snapshots-data") if inline is not None else ""
    loading = html.escape(bundle(("viewer.loading",), lang)["viewer.loading"])
    return (
        f'<div class="ggmm-training-viewer" id="{viewer_id}" data-src="{html.escape(data_url, quote=True)}" '
        f'data-lang="{lang}" data-strings="{_strings_attr(VIEWER_STRINGS, lang)}">'
        f'{body}<p class="ggmm-loading">{loading}</p></div>'
    )


def _explorer_entry(preset: dict[str, Any], lang: str) -> dict[str, Any]:
    missing = {"name", "mixture", "bounds"} - set(preset)
    if missing:
        raise ValueError(f"The parameter 'preset' is missing the key(s) {sorted(missing)}.")
    n_samples = preset.get("samples", {}).get("x", {}).get("shape", [400])[0]
    return {"name": preset["name"], "title": preset.get("title", {}).get(lang, preset["name"]),
            "mixture": preset["mixture"], "bounds": preset["bounds"],
            "n_samples": int(min(max(n_samples, 50), 2000))}


def explorer_html(preset: dict[str, Any], lang: str, explorer_id: str = "explorer") -> str:
    """The container of the ground-truth explorer (built by ``assets/js/explorer.js``).

    Parameters
    ----------
    preset : dict
        One entry of the ``ggmm-presets`` export, or the whole export: then the explorer offers
        a menu of all its presets, starting with the first. Names, titles, mixtures and bounds
        are embedded; the explorer draws its own samples in the browser.
    lang : {"en", "zh"}
    explorer_id : str
        The container's element id.

    Returns
    -------
    html : str
        ``<div class="ggmm-explorer" ...>`` holding the preset(s) as inert JSON.
    """
    check_lang(lang)
    _check_id(explorer_id, "explorer_id")
    if not isinstance(preset, dict):
        raise ValueError(f"The parameter 'preset' must be a dict, but got {type(preset).__name__}.")
    entries = preset["presets"] if preset.get("schema") == "ggmm-presets" else [preset]
    if not entries:
        raise ValueError("The parameter 'preset' holds no presets.")
    data = {"presets": [_explorer_entry(entry, lang) for entry in entries]}
    return (
        f'<div class="ggmm-explorer" id="{explorer_id}" data-lang="{lang}" '
        f'data-strings="{_strings_attr(EXPLORER_STRINGS, lang)}">'
        f"{json_script(data, 'ggmm-explorer-data')}</div>"
    )
