"""The combined PDF source: every page, in navbar order, as one Typst document.

``report/pdf/ggmm-kan-report.qmd`` is generated before each render (Quarto's pre-render step;
Quarto lists the documents to render again after that step, so the file need not exist
beforehand) and is not committed. It lives at the pages' depth, so the cells' relative data
paths stay valid. Each page becomes a top-level section whose heading holds both languages'
titles (one heading, one id, so no duplicate identifiers); links to other pages point at their
sections; column classes are dropped (they lay out the site, not the page); figures and tables
carry the report-wide numbers of :mod:`ggmm_build.site.sources`; and tables may break across
pages, repeating their header row.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from .sources import LANGS, crossref_numbers, float_labels, page_sources, section_slug, split_front_matter

__all__ = ["PDF_FRONT_MATTER", "PDF_SOURCE", "assemble_pdf_source", "typst_numbering"]

PDF_SOURCE = Path("report/pdf/ggmm-kan-report.qmd")
#: Pages that only work in a browser (the playground trains a network live and its links carry run
#: settings in the URL fragment): the PDF leaves them out, and links to them point at the citing section.
WEB_ONLY = frozenset({Path("report/playground/index.qmd")})

_LATIN_QUOTES = r"""#let latin-quote(it) = context {
  if text.lang == "en" { text(font: "Libertinus Serif", it) } else { it }
}
#show regex("[\u{2018}\u{2019}\u{201C}\u{201D}]"): latin-quote
#show smartquote: latin-quote"""

PDF_FRONT_MATTER = {
    "title": "Kolmogorov-Arnold Networks and generalized Gaussian mixtures",
    "titles": {
        "en": "Kolmogorov-Arnold Networks and generalized Gaussian mixtures",
        "zh": "Kolmogorov-Arnold 网络与广义高斯混合分布",
    },
    "subtitles": {
        "en": "How well a KAN estimates a GGMM, measured against classical estimators",
        "zh": "KAN 估计广义高斯混合分布的效果，与经典估计方法的实测对比",
    },
    "format": {
        "typst": {
            "toc": True,
            "toc-depth": 2,
            "section-numbering": "1.1",
            "papersize": "a4",
            "fontsize": "10pt",
            # Noto CJK carries Latin glyphs too, so one family sets both languages.
            "mainfont": "Noto Serif CJK SC",
            "codefont": "Noto Sans Mono CJK SC",
            "fig-format": "png",
            # Noto CJK's curly quotes are full-width: in English text they come from a Latin face,
            # typed ones (a regex on the text) and the smart quotes Typst makes of ' and ".
            "include-in-header": {"text": _LATIN_QUOTES},
        }
    },
}

_LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)\s]+)\)")
#: Quarto's column classes (.column-page, .column-screen-inset, ...) in a div's attributes. They
#: widen a figure on the site; in Typst they switch the whole document to a wide-margin layout.
_COLUMN_CLASS = re.compile(r"(\{[^}\n]*?)\s+\.column-[a-z-]+(?=[\s}])")


def _rewrite_links(body: str, page: Path, pages: Sequence[Path]) -> str:
    """Links to other pages become links to their section; other relative links become text."""
    known = {p.as_posix(): section_slug(p) for p in pages}

    def replace(match: re.Match[str]) -> str:
        target, _, anchor = match.group(1).partition("#")
        resolved = os.path.normpath((page.parent / target).as_posix()) if target else page.as_posix()
        if resolved.endswith(".qmd"):
            slug = known.get(Path(resolved).as_posix())
            if slug is not None:
                return f"](#{anchor or slug})"
        return "](#" + section_slug(page) + ")"

    return _LINK.sub(replace, body)


def _typst_strings(values: Sequence[str]) -> str:
    inner = ", ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return f"({inner},)" if len(values) == 1 else f"({inner})"


def typst_numbering(labels: Sequence[str], numbers: dict[str, str]) -> str:
    """A raw Typst block giving the document's figures and tables the report-wide numbers.

    Parameters
    ----------
    labels : sequence of str
        Every ``fig-``/``tbl-`` label of the document, in document order.
    numbers : dict
        label -> number text (:func:`ggmm_build.site.sources.crossref_numbers`).

    Returns
    -------
    block : str
        Typst numbers figures of a kind in order, so the k-th figure gets the k-th number;
        long tables may break across pages (their header row repeats) and are set a little
        smaller, ragged right.
    """
    figs = [numbers.get(label, "?") for label in labels if label.startswith("fig-")]
    tbls = [numbers.get(label, "?") for label in labels if label.startswith("tbl-")]
    rule = (
        '#show figure.where(kind: "quarto-float-{kind}"): '
        "set figure(numbering: n => ggmm-numbers.{kind}.at(n - 1, default: str(n)))"
    )
    return "\n".join(
        [
            "```{=typst}",
            f"#let ggmm-numbers = (fig: {_typst_strings(figs)}, tbl: {_typst_strings(tbls)})",
            rule.format(kind="fig"),
            rule.format(kind="tbl"),
            '#show figure.where(kind: "quarto-float-tbl"): set block(breakable: true)',
            "#show table: set text(size: 8.5pt)",
            "#show table.cell: set par(justify: false)",
            "```",
            "",
        ]
    )


def assemble_pdf_source(root: Path, pages: Sequence[Path] | None = None) -> str:
    """The combined report for the Typst PDF, built from the page sources.

    Parameters
    ----------
    root : Path
        The project folder.
    pages : sequence of Path, optional
        The pages in reading order; by default :func:`ggmm_build.site.sources.page_sources`.

    Returns
    -------
    text : str
        The ``.qmd`` source (front matter, numbering rules, then one section per page).
    """
    pages = [p for p in (pages if pages is not None else page_sources(root)) if Path(p) not in WEB_ONLY]
    header = yaml.safe_dump(PDF_FRONT_MATTER, allow_unicode=True, sort_keys=False).strip()
    sections, labels = [], []
    for page in pages:
        meta, body = split_front_matter((root / page).read_text(encoding="utf-8"))
        titles = meta.get("titles") or {lang: meta.get("title", page.stem) for lang in LANGS}
        heading = "".join(f'[{titles[lang]}]{{.content-visible when-profile="{lang}"}}' for lang in LANGS)
        labels += float_labels(body)
        body = _COLUMN_CLASS.sub(r"\1", _rewrite_links(body, page, pages))
        while _COLUMN_CLASS.search(body):
            body = _COLUMN_CLASS.sub(r"\1", body)
        sections.append(f"# {heading} {{#{section_slug(page)}}}\n\n{body.strip()}\n")
    parts = [
        f"---\n{header}\n---\n",
        "<!-- Generated by `python -m ggmm_build.site prepare` from the page sources listed in the\n"
        "     navbar of _quarto-en.yml. Do not edit: edit the pages and build again. -->\n",
        typst_numbering(labels, crossref_numbers(root, pages)),
        *sections,
    ]
    return "\n".join(parts)
