"""HTML snippets that put figures and the two client-side widgets on a page.

The snippets hold no ``<script src>`` and run nothing by themselves. Each is a container that
says what it needs and carries its data as inert JSON; ``assets/js/loader.js`` (an ES module the
page loads once, ``<script type="module">``) fetches the smallest plotly.js bundle that draws
everything on the page and imports the widget modules, then builds each container:

``data-ggmm-plotly``
    The plotly.js bundle the container needs (:data:`PLOTLY_BUNDLES`, chosen from its trace
    types by :func:`plotly_bundle`).
``data-ggmm-scripts``
    Widget modules under ``assets/js/`` (without ``.js``), imported in order (each brings its own
    imports: ``widget-common``, ``packing``, ``ggmm``, the playground's maths).
``data-ggmm-widget``
    ``"figure"``, or the global whose ``init(container)`` builds the widget (its module defines it).
``data-ggmm-activate``
    When to build it: ``"load"`` (at once), ``"visible"`` (when it nears the viewport) or
    ``"interact"`` (a static poster stands in until the reader points at, taps or focuses it,
    so a page paints without plotly.js).

Output is deterministic (stable element ids and JSON), which suits Quarto's freeze and tests.
The widgets are ES modules, which browsers do not run from ``file://``: pages need HTTP.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from ..i18n.strings import bundle, t
from ._style import check_lang

__all__ = [
    "ACTIVATE",
    "EXPLORER_SCRIPTS",
    "EXPLORER_STRINGS",
    "EXPLORER_TRACES",
    "PLOTLY_BUNDLES",
    "PLOTLY_CONFIG",
    "VIEWER_SCRIPTS",
    "VIEWER_STRINGS",
    "VIEWER_TRACES",
    "Poster",
    "explorer_html",
    "figure_html",
    "figure_spec_json",
    "figure_traces",
    "json_script",
    "plotly_bundle",
    "training_viewer_html",
]

#: Plotly config used for every figure: responsive, no Plotly logo, no cloud links.
PLOTLY_CONFIG: dict[str, Any] = {
    "responsive": True,
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendDataToCloud"],
}

#: plotly.js bundles, smallest first, and the trace types each registers (read from
#: ``Plotly.PlotSchema`` of the 4.x partial bundles; ``full`` registers every type). The files
#: are ``assets/vendor/plotly-<name>.min.js``; the npm packages ``plotly.js-<name>-dist-min``
#: ship them, and ``full`` is the copy inside the plotly Python package.
PLOTLY_BUNDLES: dict[str, frozenset[str] | None] = {
    "basic": frozenset({"bar", "pie", "scatter"}),
    "cartesian": frozenset(
        {
            "bar",
            "box",
            "contour",
            "heatmap",
            "histogram",
            "histogram2d",
            "histogram2dcontour",
            "image",
            "pie",
            "scatter",
            "scatterternary",
            "violin",
        }
    ),
    "gl3d": frozenset({"cone", "isosurface", "mesh3d", "scatter", "scatter3d", "streamtube", "surface", "volume"}),
    "full": None,
}

#: When a container is built (see the module docstring).
ACTIVATE = ("load", "visible", "interact")

#: String-table prefixes each widget needs in the browser.
VIEWER_STRINGS = ("viewer.", "training.", "loss.", "stage.", "network.", "axis.", "hover.")
EXPLORER_STRINGS = ("explorer.", "truth.", "posterior.", "formula.", "axis.", "hover.", "legend.")

#: The trace types each widget draws and the module the loader imports for it (``assets/js/<name>.js``,
#: which imports the rest).
VIEWER_TRACES = frozenset({"heatmap", "scatter"})
EXPLORER_TRACES = frozenset({"surface", "scatter3d", "contour", "scatter"})
VIEWER_SCRIPTS = ("training-viewer",)
EXPLORER_SCRIPTS = ("explorer",)

_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_:.-]*$")


@dataclass(frozen=True)
class Poster:
    """A static picture that stands in for an interactive element until a reader activates it.

    Attributes
    ----------
    src : str
        URL of the wide picture, relative to the page.
    width, height : int
        Its size in CSS pixels (the live element gets the same height, so nothing moves).
    narrow_src : str, optional
        A picture laid out for phones (shown below 600 px), the same height.
    label : str
        Text of the button that activates the element.
    narrow_width : int, optional
        The narrow picture's width in CSS pixels: the ``<source>`` carries its own size, so a phone reserves the
        narrow picture's shape before it loads (else the wide one's, and the page shifts).
    """

    src: str
    width: int
    height: int
    narrow_src: str | None = None
    label: str = ""
    narrow_width: int | None = None


def _check_id(value: str, name: str) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError(
            f"The parameter '{name}' must be a valid HTML id (a letter, then letters, digits, "
            f"'-', '_', ':' or '.'), but got {value!r}."
        )
    return value


def _check_activate(activate: str) -> str:
    if activate not in ACTIVATE:
        raise ValueError(f"The parameter 'activate' must be one of {list(ACTIVATE)}, but got {activate!r}.")
    return activate


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


def figure_traces(fig: go.Figure) -> frozenset[str]:
    """The trace types a figure draws, its animation frames included.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure

    Returns
    -------
    types : frozenset of str
    """
    types = {trace.type for trace in fig.data}
    for frame in fig.frames or ():
        types |= {trace.type for trace in frame.data or ()}
    return frozenset(types)


def plotly_bundle(trace_types: Iterable[str]) -> str:
    """The smallest plotly.js bundle of :data:`PLOTLY_BUNDLES` that draws every type given.

    Parameters
    ----------
    trace_types : iterable of str
        Plotly trace types such as ``"scatter"`` or ``"surface"``.

    Returns
    -------
    name : str
        A key of :data:`PLOTLY_BUNDLES`.
    """
    needed = set(trace_types)
    for name, types in PLOTLY_BUNDLES.items():
        if types is None or needed <= types:
            return name
    return "full"  # pragma: no cover - "full" draws everything


def _needs(bundle_name: str, activate: str, widget: str, scripts: Iterable[str] = ()) -> str:
    attrs = [
        f'data-ggmm-plotly="{bundle_name}"',
        f'data-ggmm-widget="{widget}"',
        f'data-ggmm-activate="{_check_activate(activate)}"',
    ]
    scripts = tuple(scripts)
    if scripts:
        attrs.append(f'data-ggmm-scripts="{" ".join(scripts)}"')
    return " ".join(attrs)


def _poster_html(poster: Poster | None) -> str:
    """The picture (wide and, below 600 px, narrow) and the button that activates the element."""
    if poster is None:
        return ""
    source = ""
    if poster.narrow_src:
        size = f' width="{int(poster.narrow_width)}" height="{int(poster.height)}"' if poster.narrow_width else ""
        source = f'<source media="(max-width: 599.98px)" srcset="{html.escape(poster.narrow_src, quote=True)}"{size}>'
    return (
        f'<div class="ggmm-poster">'
        f'<picture>{source}<img src="{html.escape(poster.src, quote=True)}" width="{int(poster.width)}" '
        f'height="{int(poster.height)}" alt="" loading="lazy" decoding="async"></picture>'
        f'<button type="button" class="ggmm-activate">{html.escape(poster.label)}</button></div>'
    )


def _figure_spec(fig: go.Figure) -> dict[str, Any]:
    """The figure as plain JSON for ``Plotly.newPlot``: data, layout without a fixed height (the
    container sets it), frames, config."""
    spec = json.loads(fig.to_json())
    layout = spec.get("layout", {})
    layout.pop("height", None)
    layout["autosize"] = True
    out = {"data": spec.get("data", []), "layout": layout, "config": PLOTLY_CONFIG}
    if spec.get("frames"):
        out["frames"] = spec["frames"]
    return out


def figure_spec_json(fig: go.Figure) -> str:
    """The JSON ``assets/js/loader.js`` draws a figure from (data, layout, frames, config)."""
    return json.dumps(_figure_spec(fig), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def figure_html(
    fig: go.Figure,
    div_id: str | None = None,
    *,
    activate: str = "load",
    poster: Poster | None = None,
    spec_url: str | None = None,
) -> str:
    """A Plotly figure as an HTML fragment without plotly.js (``assets/js/loader.js`` draws it).

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    div_id : str, optional
        The figure's element id; by default derived from a hash of the figure, so the same
        figure always gives the same HTML.
    activate : {"load", "visible", "interact"}
        When the loader draws it; ``"interact"`` needs a ``poster``.
    poster : Poster, optional
        The static picture shown until then.
    spec_url : str, optional
        URL (relative to the page) of a file holding :func:`figure_spec_json`, fetched when the
        figure is drawn; without it the JSON is inline.

    Returns
    -------
    html : str
        ``<div class="plotly-graph-div ggmm-figure" ...>`` holding the figure as inert JSON (or
        naming its file), with the figure's height reserved (``style="height: ...px"``), so nothing
        moves when it is drawn. Animations never start on load.
    """
    if not isinstance(fig, go.Figure):
        raise ValueError(f"The parameter 'fig' must be a plotly Figure, but got {type(fig).__name__}.")
    if activate == "interact" and poster is None:
        raise ValueError("The parameter 'poster' is required when 'activate' is 'interact'.")
    if div_id is None:
        digest = hashlib.sha1(fig.to_json().encode("utf-8")).hexdigest()[:12]
        div_id = f"ggmm-fig-{digest}"
    _check_id(div_id, "div_id")
    height = int(fig.layout.height or (poster.height if poster else 450))
    needs = _needs(plotly_bundle(figure_traces(fig)), activate, "figure")
    if spec_url is not None:
        needs += f' data-ggmm-spec="{html.escape(spec_url, quote=True)}"'
        data = ""
    else:
        data = json_script(_figure_spec(fig), "ggmm-figure-data")
    return (
        f'<div class="plotly-graph-div ggmm-figure" id="{div_id}" {needs} style="height: {height}px">'
        f"{_poster_html(poster)}{data}</div>"
    )


def training_viewer_html(
    data_url: str,
    lang: str,
    viewer_id: str = "training-viewer",
    inline: dict[str, Any] | None = None,
    *,
    activate: str = "load",
    poster: Poster | None = None,
) -> str:
    """The container of the training-progress viewer (built by ``assets/js/training-viewer.js``).

    Parameters
    ----------
    data_url : str
        URL of the snapshot file, relative to the page; fetched once.
    lang : {"en", "zh"}
    viewer_id : str
        The container's element id.
    inline : dict, optional
        The snapshot document itself, embedded as inert JSON; ``data_url`` is then not fetched.
    activate : {"load", "visible", "interact"}
    poster : Poster, optional
        The static frame shown until the reader starts the viewer.

    Returns
    -------
    html : str
        ``<div class="ggmm-training-viewer" data-src=... data-lang=... data-strings=...>``. Its
        "link to this snapshot" puts ``#<viewer_id>-step-<step>-<stage>`` in the address; a page
        opened with such a hash starts the viewer at that snapshot.
    """
    check_lang(lang)
    _check_id(viewer_id, "viewer_id")
    if not isinstance(data_url, str) or not data_url:
        raise ValueError(f"The parameter 'data_url' must be a non-empty string, but got {data_url!r}.")
    if inline is not None:
        from .io import check_export

        check_export(inline, "ggmm-snapshots")
    body = json_script(inline, "ggmm-snapshots-data") if inline is not None else ""
    loading = html.escape(t("viewer.loading", lang))
    needs = _needs(plotly_bundle(VIEWER_TRACES), activate, "GGMMTrainingViewer", VIEWER_SCRIPTS)
    status = "" if poster else f'<p class="ggmm-loading">{loading}</p>'
    return (
        f'<div class="ggmm-training-viewer" id="{viewer_id}" data-src="{html.escape(data_url, quote=True)}" '
        f'data-lang="{lang}" data-strings="{_strings_attr(VIEWER_STRINGS, lang)}" {needs}>'
        f"{_poster_html(poster)}{body}{status}</div>"
    )


def _explorer_entry(preset: dict[str, Any], lang: str) -> dict[str, Any]:
    missing = {"name", "mixture", "bounds"} - set(preset)
    if missing:
        raise ValueError(f"The parameter 'preset' is missing the key(s) {sorted(missing)}.")
    n_samples = preset.get("samples", {}).get("x", {}).get("shape", [400])[0]
    return {
        "name": preset["name"],
        "title": preset.get("title", {}).get(lang, preset["name"]),
        "mixture": preset["mixture"],
        "bounds": preset["bounds"],
        "n_samples": int(min(max(n_samples, 50), 2000)),
    }


def explorer_html(
    preset: dict[str, Any],
    lang: str,
    explorer_id: str = "explorer",
    *,
    activate: str = "load",
    poster: Poster | None = None,
    playground_url: str | None = None,
) -> str:
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
    activate : {"load", "visible", "interact"}
    poster : Poster, optional
        The static picture shown until the reader opens the explorer.
    playground_url : str, optional
        URL of the KAN playground page, relative to this page. The explorer then shows a link that opens
        it on the mixture shown (its (x1, x2) marginal for three dimensions), in the playground's URL
        hash (``assets/js/playground/state.js``); without it, no link.

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
    needs = _needs(plotly_bundle(EXPLORER_TRACES), activate, "GGMMExplorer", EXPLORER_SCRIPTS)
    if playground_url is not None:
        if not isinstance(playground_url, str) or not playground_url or "#" in playground_url:
            raise ValueError(
                f"The parameter 'playground_url' must be a non-empty URL without '#', but got {playground_url!r}."
            )
        needs += f' data-ggmm-playground="{html.escape(playground_url, quote=True)}"'
    return (
        f'<div class="ggmm-explorer" id="{explorer_id}" data-lang="{lang}" '
        f'data-strings="{_strings_attr(EXPLORER_STRINGS, lang)}" {needs}>'
        f"{_poster_html(poster)}{json_script(data, 'ggmm-explorer-data')}</div>"
    )
