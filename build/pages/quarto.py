"""Print bilingual Markdown that Quarto renders, from the report's code cells.

The report is one set of page sources rendered twice, once per language profile, and
Quarto's freeze cache is shared between the two renders. A cell's output therefore never
depends on the profile: every emitter here prints one
``::: {.content-visible when-profile="<lang>"}`` block per language and each site keeps its
own. Inside a block, interactive content sits under ``when-format="html:js"`` and its static
stand-in under ``unless-format="html:js"``, which is what the Typst PDF and the PPTX deck show.
Cells call these emitters with ``#| output: asis``.

Pictures (the posters that stand in for a figure on the site until it is needed, the print
pictures of the PDF and PPTX) come from :mod:`ggmm_build.pages.images`: the site build renders them
all before Quarto runs, and a page only copies them from that cache into its ``_files`` folder.
The first interactive element of a document also writes the one ``<script type="module">`` of
``assets/js/loader.js``, which loads plotly.js and imports the widget modules only when the page needs them.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..i18n import LANGS, check_lang

__all__ = [
    "display_math",
    "emit",
    "emit_table",
    "emit_text",
    "emit_widget",
    "execution_format",
    "language_blocks",
    "live_link",
    "raw_html",
    "static_dir",
    "check_lang",
]

#: Formats that show the interactive (HTML + JavaScript) branch; Quarto's ``html:js`` alias.
_JS_FORMATS = {"html", "html4", "html5", "revealjs", "dashboard", "email"}


def execution_format() -> str | None:
    """The format Quarto is executing the document for, or None outside Quarto.

    Quarto (1.8 and later) names a JSON file in ``QUARTO_EXECUTE_INFO`` whose
    ``format.identifier["target-format"]`` is the target, e.g. ``"html"``, ``"typst"``,
    ``"revealjs"`` or ``"pptx"``. The freeze cache keeps one result per output extension,
    so branching on the format (never on the profile) is safe.

    Returns
    -------
    fmt : str or None
        The base format name without extensions (``"html+foo"`` gives ``"html"``).
    """
    path = os.environ.get("QUARTO_EXECUTE_INFO")
    if not path:
        return None
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
        target = info["format"]["identifier"]["target-format"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return re.split(r"[+-]", str(target), maxsplit=1)[0] or None


def _branches(fmt: str | None) -> tuple[bool, bool]:
    """(interactive, static) branches to print for the execution format ``fmt``."""
    if fmt is None:
        return True, True
    interactive = fmt in _JS_FORMATS
    return interactive, not interactive


def static_dir() -> Path:
    """Folder for static images, inside the document's ``<stem>_files`` folder.

    Quarto copies everything in ``<stem>_files/`` into its freeze store after executing a
    document and restores it before rendering a frozen one, so the PNGs written here
    survive ``freeze: auto`` and renders that execute nothing (CI). Outside Quarto the
    folder is ``figure-static/`` under the working directory.

    Returns
    -------
    path : Path
        Relative to the working directory (the document's folder when Quarto runs it).
    """
    document = os.environ.get("QUARTO_DOCUMENT_FILE")
    if document:
        return Path(f"{Path(document).stem}_files") / "figure-static"
    return Path("figure-static")


def live_link(lang: str, page: str) -> str:
    """Markdown pointing the reader of a static copy to the interactive page.

    Parameters
    ----------
    lang : {"en", "zh"}
    page : str
        The page path inside a language site, e.g. ``"report/results/training.html"``.

    Returns
    -------
    text : str
        A sentence with a link when ``GGMM_SITE_URL`` names the published site, else a
        sentence naming the page.
    """
    check_lang(lang)
    base = os.environ.get("GGMM_SITE_URL", "").strip()
    if base:
        url = f"{base.rstrip('/')}/{lang}/{page}"
        if lang == "zh":
            return f"交互版本见报告网站：<{url}>。"
        return f"The interactive version is on the report site: <{url}>."
    if lang == "zh":
        return f"交互版本见报告网站的 `{lang}/{page}` 页面。"
    return f"The interactive version is on the report site, page `{lang}/{page}`."


def _fence(text: str, char: str = "`", minimum: int = 3) -> str:
    """A code fence longer than any run of ``char`` inside ``text``."""
    longest = max((len(m) for m in re.findall(f"{re.escape(char)}+", text)), default=0)
    return char * max(minimum, longest + 1)


def _div_fence(text: str) -> str:
    """A div fence longer than any ``:::`` fence inside ``text``."""
    return _fence(text, ":", minimum=3)


def raw_html(html: str, *, table_processing: bool = False) -> str:
    """A raw HTML block holding ``html``.

    Parameters
    ----------
    html : str
    table_processing : bool
        Leave False for widgets and figures: Quarto would otherwise parse any ``<table>``
        inside into a Markdown table. True for tables meant to appear in every format.
    """
    if not table_processing:
        html = "<!--| quarto-html-table-processing: none -->\n" + html
    fence = _fence(html)
    return f"{fence}{{=html}}\n{html}\n{fence}"


def _div(body: str, attributes: str) -> str:
    fence = _div_fence(body)
    return f"{fence} {{{attributes}}}\n{body}\n{fence}"


def language_blocks(text_by_lang: Mapping[str, str] | Callable[[str], str]) -> str:
    """One ``content-visible when-profile`` block per language.

    Parameters
    ----------
    text_by_lang : mapping or callable
        ``{"en": markdown, "zh": markdown}`` or a function of the language.

    Returns
    -------
    markdown : str
    """
    parts = []
    for lang in LANGS:
        text = text_by_lang(lang) if callable(text_by_lang) else text_by_lang[lang]
        parts.append(_div(text, f'.content-visible when-profile="{lang}"'))
    return "\n\n".join(parts) + "\n"


def _caption(caption: Mapping[str, str] | Callable[[str], str] | None, lang: str) -> str:
    if caption is None:
        return ""
    return caption(lang) if callable(caption) else caption[lang]


def _check_label(label: str | None, prefix: str) -> None:
    if label is not None and not re.fullmatch(rf"{prefix}-[a-z0-9-]+", label):
        raise ValueError(
            f"The parameter 'label' must look like '{prefix}-name' (lower case, digits, dashes), but got {label!r}."
        )


def _float(content: str, label: str | None, caption: str) -> str:
    """A cross-referenceable div (``#fig-...`` / ``#tbl-...``) or plain content."""
    if label is None:
        return content + (f"\n\n{caption}" if caption else "")
    return _div(f"{content}\n\n{caption}", f"#{label}")


#: Width (CSS px) of the wide poster (the site's text column) and of the narrow one (phones, below
#: 600 px) that stand in for a figure until it is needed; their pixel densities. The narrow one is about
#: a common phone's text column (390 px less the page's margins): the figure's box keeps the drawn
#: figure's height, so a poster much wider than the column would shrink and leave a band below it.
POSTER_WIDTH = 800
POSTER_NARROW_WIDTH = 360
POSTER_SCALES = (1.5, 2.0)
#: The loader every page with an interactive element loads once (Quarto resolves the site path).
LOADER = '<script type="module" src="/assets/js/loader.js"></script>'

_loader_written: set[str] = set()


def _loader_tag() -> str:
    """The loader's ``<script>`` for the first interactive element of a document, else nothing."""
    document = os.environ.get("QUARTO_DOCUMENT_FILE")
    if document is None:
        return LOADER
    key = f"{os.getcwd()}|{document}"
    if key in _loader_written:
        return ""
    _loader_written.add(key)
    return LOADER


def _png(fig: Any, path: Path, width: int, height: int, scale: float, palette: bool = False) -> Path:
    from .images import write_png

    return write_png(fig, path, width, height, scale, palette)


def _write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` unless it already holds it (keeps the file's time for caches)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def _height(fig: Any, default: int = 450) -> int:
    return int(getattr(fig.layout, "height", None) or default)


def _poster(fig: Any, folder: Path, stem: str, lang: str, label: str, width: int = POSTER_WIDTH) -> Any:
    """Wide and narrow pictures of ``fig`` at its own height, for the figure's place on the page.

    Returns None outside a site build (no picture cache, see :func:`ggmm_build.pages.images.cache_dir`):
    the figure is then drawn as soon as it is visible.
    """
    from ..figures.widgets import Poster
    from .images import cache_dir

    if cache_dir() is None:
        return None
    height = _height(fig)
    wide = _png(fig, folder / f"{stem}-{lang}-poster.png", width, height, POSTER_SCALES[0], palette=True)
    narrow = _png(
        fig, folder / f"{stem}-{lang}-poster-narrow.png", POSTER_NARROW_WIDTH, height, POSTER_SCALES[1], palette=True
    )
    return Poster(
        src=wide.as_posix(),
        width=width,
        height=height,
        narrow_src=narrow.as_posix(),
        narrow_width=POSTER_NARROW_WIDTH,
        label=label,
    )


def _static_size(fig: Any, width: int | None, height: int | None) -> tuple[int, int]:
    from ..figures.print import PRINT_WIDTH

    return (int(width or getattr(fig.layout, "width", None) or PRINT_WIDTH), int(height or _height(fig, 540)))


#: A print picture taller than this (height / width) is sized by height, so it fits an A4 page
#: with its caption; the height given leaves room for the caption.
_TALL = 1.3
_TALL_HEIGHT = "19cm"


def _image_size(width: int, height: int) -> str:
    """Pandoc image attributes that fit a picture of ``width`` x ``height`` on a page."""
    return f"height={_TALL_HEIGHT}" if height > _TALL * width else "width=100%"


def _static_figure(fig: Any, print_fig: Callable[[str], Any] | None, lang: str) -> Any:
    from ..figures.print import print_figure

    return print_fig(lang) if print_fig is not None else print_figure(fig)


def emit_text(text_by_lang: Mapping[str, str] | Callable[[str], str]) -> None:
    """Print Markdown for each language in its own profile block."""
    sys.stdout.write(language_blocks(text_by_lang))


def emit(
    fig_by_lang: Callable[[str], Any],
    label: str | None = None,
    caption: Mapping[str, str] | Callable[[str], str] | None = None,
    *,
    name: str | None = None,
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.5,
    fmt: str | None = None,
    images: Path | None = None,
    print_fig: Callable[[str], Any] | None = None,
    poster_width: int = POSTER_WIDTH,
) -> None:
    """Print a Plotly figure in both languages, interactive and static.

    On the site the figure first shows as a picture of itself (wide, and narrow for phones, at
    the figure's height) and becomes the live Plotly figure when the reader points at, taps or
    focuses it, so a page paints without plotly.js; the figure's data waits in a JSON file beside
    the pictures until then. In slides it is drawn when its slide shows.
    The PDF and the PPTX get a print picture: ``print_fig`` when given, else the figure without
    its menus, sliders and animation (:func:`ggmm_build.figures.print.print_figure`).

    Parameters
    ----------
    fig_by_lang : callable
        ``lang -> plotly.graph_objects.Figure``, usually a ``ggmm_build.figures`` builder.
    label : str, optional
        Cross-reference label (``"fig-..."``); the same label is used in both language
        blocks, which never coexist in a rendered page.
    caption : mapping or callable, optional
        The caption per language.
    name : str, optional
        Stem for the pictures and the div id; defaults to the label.
    width, height : int, optional
        Size of the print picture in CSS pixels; by default the print figure's own.
    scale : float
        Pixel density of the print picture.
    fmt : str, optional
        The execution format; defaults to :func:`execution_format`. None prints both the
        interactive and the static branch.
    images : Path, optional
        Where pictures go; defaults to :func:`static_dir`.
    print_fig : callable, optional
        ``lang -> Figure`` laid out for paper (``ggmm_build.figures.print``).
    poster_width : int
        Width (CSS px) of the picture shown on the site until the figure is needed: the width of
        the column the figure sits in (800 for the text column; more for ``.column-page``).
    """
    from ..figures.widgets import figure_html, figure_spec_json
    from ..i18n.strings import t

    stem = _stem(label, name, "figure")
    figures = functools.cache(fig_by_lang)  # one build per language, shared by both branches
    folder = static_dir() if images is None else images
    slides = fmt == "revealjs" or (fmt is None and execution_format() == "revealjs")

    def live(lang: str) -> str:
        fig = figures(lang)
        if slides:
            return figure_html(fig, f"{stem}-{lang}", activate="visible")
        poster = _poster(fig, folder, stem, lang, t("poster.figure", lang), poster_width)
        if poster is None:
            return figure_html(fig, f"{stem}-{lang}", activate="visible")
        spec = _write_text(folder / f"{stem}-{lang}.json", figure_spec_json(fig))
        return figure_html(fig, f"{stem}-{lang}", activate="interact", poster=poster, spec_url=spec.as_posix())

    _emit_branches(
        live,
        lambda lang: _static_figure(figures(lang), print_fig, lang),
        None,
        label,
        caption,
        stem,
        width,
        height,
        scale,
        fmt,
        images,
    )


def emit_widget(
    html_by_lang: Callable[..., str],
    fig_by_lang: Callable[[str], Any],
    label: str | None = None,
    caption: Mapping[str, str] | Callable[[str], str] | None = None,
    *,
    page: str,
    name: str | None = None,
    width: int | None = None,
    height: int | None = None,
    scale: float = 1.5,
    fmt: str | None = None,
    images: Path | None = None,
    poster_label: str = "poster.figure",
    poster_width: int = POSTER_WIDTH,
    print_fig: Callable[[str], Any] | None = None,
) -> None:
    """Print an interactive widget, with a representative static frame elsewhere.

    Parameters
    ----------
    html_by_lang : callable
        ``lang -> str``, a ``ggmm_build.figures.widgets`` embedder (the widget's container markup). When it
        also takes the keywords ``activate`` and ``poster`` (``lambda lang, **kw:
        training_viewer_html(url, lang, **kw)``), the site shows ``fig_by_lang``'s picture
        until the reader starts the widget, and slides build it when its slide shows.
    fig_by_lang : callable
        ``lang -> Figure``: the static stand-in (e.g. the final training frame).
    label, caption, name, width, height, scale, fmt, images
        As in :func:`emit`.
    page : str
        The page's path in a language site, for the link under the static frame.
    poster_label : str
        The string-table key of the start button's text (``"poster.viewer"``, ...).
    poster_width, print_fig
        As in :func:`emit` (``print_fig`` replaces ``fig_by_lang`` on paper).
    """
    from ..i18n.strings import t

    stem = _stem(label, name, "widget")
    figures = functools.cache(fig_by_lang)
    folder = static_dir() if images is None else images
    slides = fmt == "revealjs" or (fmt is None and execution_format() == "revealjs")

    def live(lang: str) -> str:
        if not _takes_options(html_by_lang):
            return html_by_lang(lang)
        if slides:
            return html_by_lang(lang, activate="visible")
        poster = _poster(figures(lang), folder, stem, lang, t(poster_label, lang), poster_width)
        return html_by_lang(lang, activate="interact" if poster else "visible", poster=poster)

    _emit_branches(
        live,
        lambda lang: _static_figure(figures(lang), print_fig, lang),
        lambda lang: live_link(lang, page),
        label,
        caption,
        stem,
        width,
        height,
        scale,
        fmt,
        images,
    )


def _takes_options(func: Callable[..., str]) -> bool:
    """Whether a widget embedder accepts the ``activate`` and ``poster`` keywords."""
    import inspect

    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    names = {p.name for p in params}
    return {"activate", "poster"} <= names or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def _stem(label: str | None, name: str | None, what: str) -> str:
    """File stem and div id of an emitted figure or widget (checks the label)."""
    _check_label(label, "fig")
    stem = name or label
    if stem is None:
        raise ValueError(f"The parameters 'label' and 'name' are both None; one names the {what}.")
    return stem


def _emit_branches(
    html_by_lang: Callable[[str], str],
    fig_by_lang: Callable[[str], Any],
    note_by_lang: Callable[[str], str] | None,
    label: str | None,
    caption: Mapping[str, str] | Callable[[str], str] | None,
    stem: str,
    width: int | None,
    height: int | None,
    scale: float,
    fmt: str | None,
    images: Path | None,
) -> None:
    """Print, per language, the interactive HTML (HTML formats) and a static PNG of the figure
    (other formats, followed by ``note_by_lang`` when given) inside one cross-referenced float."""
    interactive, static = _branches(execution_format() if fmt is None else fmt)
    folder = static_dir() if images is None else images
    loader = _loader_tag() if interactive else ""

    def block(lang: str) -> str:
        parts = []
        if interactive:
            parts.append(_div(raw_html(loader + html_by_lang(lang)), '.content-visible when-format="html:js"'))
        if static:
            fig = fig_by_lang(lang)
            w, h = _static_size(fig, width, height)
            png = _png(fig, folder / f"{stem}-{lang}.png", w, h, scale)
            body = f"![]({png.as_posix()}){{{_image_size(w, h)}}}"
            if note_by_lang is not None:
                body += f"\n\n{note_by_lang(lang)}"
            parts.append(_div(body, '.content-visible unless-format="html:js"'))
        return _float("\n\n".join(parts), label, _caption(caption, lang))

    emit_text(block)


def emit_table(
    html_by_lang: Callable[[str], str],
    label: str | None = None,
    caption: Mapping[str, str] | Callable[[str], str] | None = None,
) -> None:
    """Print an HTML table in both languages.

    Quarto parses HTML tables in raw HTML blocks into Pandoc tables for every output
    format, so the same markup serves the site, the PDF and the slides. A ``<caption>``
    inside the markup is dropped: the page's table div (or ``caption``) carries it, and a
    table must not have two.
    """
    _check_label(label, "tbl")

    def block(lang: str) -> str:
        html = re.sub(r"<caption\b.*?</caption>", "", html_by_lang(lang), flags=re.DOTALL | re.IGNORECASE)
        return _float(raw_html(html, table_processing=True), label, _caption(caption, lang))

    emit_text(block)


def display_math(latex: str, label: str | None = None) -> str:
    """A display-math block, optionally with an ``eq-`` label."""
    if label is not None and not re.fullmatch(r"eq-[a-z0-9-]+", label):
        raise ValueError(f"The parameter 'label' must look like 'eq-name', but got {label!r}.")
    suffix = f" {{#{label}}}" if label else ""
    return f"$$\n{latex.strip()}\n$${suffix}\n"
