"""Print bilingual Markdown that Quarto renders, from the report's code cells.

The report is one set of page sources rendered twice, once per language profile, and
Quarto's freeze cache is shared between the two renders. A cell's output therefore never
depends on the profile: every emitter here prints one
``::: {.content-visible when-profile="<lang>"}`` block per language and each site keeps its
own. Inside a block, interactive content sits under ``when-format="html:js"`` and its static
stand-in (a PNG rendered by kaleido) under ``unless-format="html:js"``, which is what the
Typst PDF and the PPTX deck show. Cells call these emitters with ``#| output: asis``.
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

from ..strings import LANGS

__all__ = ["display_math", "emit", "emit_table", "emit_text", "emit_widget", "execution_format",
           "language_blocks", "live_link", "raw_html", "static_dir", "check_lang"]

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


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"The parameter 'lang' must be one of {list(LANGS)}, but got {lang!r}.")


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
            f"The parameter 'label' must look like '{prefix}-name' (lower case, digits, dashes), "
            f"but got {label!r}."
        )


def _float(content: str, label: str | None, caption: str) -> str:
    """A cross-referenceable div (``#fig-...`` / ``#tbl-...``) or plain content."""
    if label is None:
        return content + (f"\n\n{caption}" if caption else "")
    return _div(f"{content}\n\n{caption}", f"#{label}")


def _write_png(fig: Any, path: Path, width: int, height: int, scale: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.write_image(str(path), format="png", width=width, height=height, scale=scale)


def _figure_html(fig: Any, div_id: str) -> str:
    from ggmm.widgets import figure_html

    return figure_html(fig, div_id=div_id)


def emit_text(text_by_lang: Mapping[str, str] | Callable[[str], str]) -> None:
    """Print Markdown for each language in its own profile block."""
    sys.stdout.write(language_blocks(text_by_lang))


def emit(
    fig_by_lang: Callable[[str], Any],
    label: str | None = None,
    caption: Mapping[str, str] | Callable[[str], str] | None = None,
    *,
    name: str | None = None,
    width: int = 960,
    height: int = 540,
    scale: float = 2.0,
    fmt: str | None = None,
    images: Path | None = None,
) -> None:
    """Print a Plotly figure in both languages, interactive and static.

    Parameters
    ----------
    fig_by_lang : callable
        ``lang -> plotly.graph_objects.Figure``, usually a ``ggmm.figures`` builder.
    label : str, optional
        Cross-reference label (``"fig-..."``); the same label is used in both language
        blocks, which never coexist in a rendered page.
    caption : mapping or callable, optional
        The caption per language.
    name : str, optional
        Stem for the PNG and the div id; defaults to the label.
    width, height, scale : int, int, float
        Size of the static PNG in CSS pixels and its pixel density.
    fmt : str, optional
        The execution format; defaults to :func:`execution_format`. None prints both the
        interactive and the static branch.
    images : Path, optional
        Where PNGs go; defaults to :func:`static_dir`.
    """
    stem = _stem(label, name, "figure")
    figures = functools.cache(fig_by_lang)  # one build per language, shared by both branches
    _emit_branches(lambda lang: _figure_html(figures(lang), f"{stem}-{lang}"), figures, None, label, caption,
                   stem, width, height, scale, fmt, images)


def emit_widget(
    html_by_lang: Callable[[str], str],
    fig_by_lang: Callable[[str], Any],
    label: str | None = None,
    caption: Mapping[str, str] | Callable[[str], str] | None = None,
    *,
    page: str,
    name: str | None = None,
    width: int = 960,
    height: int = 540,
    scale: float = 2.0,
    fmt: str | None = None,
    images: Path | None = None,
) -> None:
    """Print an interactive widget, with a representative static frame elsewhere.

    Parameters
    ----------
    html_by_lang : callable
        ``lang -> str``, a ``ggmm.widgets`` embedder (the widget's container markup).
    fig_by_lang : callable
        ``lang -> Figure``: the static stand-in (e.g. the final training frame).
    label, caption, name, width, height, scale, fmt, images
        As in :func:`emit`.
    page : str
        The page's path in a language site, for the link under the static frame.
    """
    stem = _stem(label, name, "widget")
    _emit_branches(html_by_lang, fig_by_lang, lambda lang: live_link(lang, page), label, caption, stem,
                   width, height, scale, fmt, images)


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
    width: int,
    height: int,
    scale: float,
    fmt: str | None,
    images: Path | None,
) -> None:
    """Print, per language, the interactive HTML (HTML formats) and a static PNG of the figure
    (other formats, followed by ``note_by_lang`` when given) inside one cross-referenced float."""
    interactive, static = _branches(execution_format() if fmt is None else fmt)
    folder = static_dir() if images is None else images

    def block(lang: str) -> str:
        parts = []
        if interactive:
            parts.append(_div(raw_html(html_by_lang(lang)), '.content-visible when-format="html:js"'))
        if static:
            png = folder / f"{stem}-{lang}.png"
            _write_png(fig_by_lang(lang), png, width, height, scale)
            body = f"![]({png.as_posix()}){{width=100%}}"
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
