"""Links between the two language sites: the switch on every page and the root page.

Each page's navbar holds a language switch pointing at ``https://lang-switch.invalid/`` in the
sources; after Quarto has rendered a language, :func:`rewrite_language_links` points it at the
same page in the other language. The root page ``_site/index.html`` (from
``build/site/templates/root.html``) sends a reader to the language their browser prefers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..i18n import FONT_FAMILY, LANGS

__all__ = ["FIRST_PAGE", "LANG_SWITCH_MARKER", "language_switch_href", "rewrite_language_links", "root_index_html"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
FIRST_PAGE = "report/overview/index.html"
LANG_SWITCH_MARKER = "https://lang-switch.invalid/"
HTML_LANG = {"en": "en", "zh": "zh-CN"}
SITE_TITLES = {"en": "KANs and generalized Gaussian mixtures", "zh": "KAN 与广义高斯混合分布"}
SITE_DESCRIPTIONS = {
    "en": "How well Kolmogorov-Arnold Networks estimate a generalized Gaussian mixture, in English.",
    "zh": "Kolmogorov-Arnold 网络估计广义高斯混合分布的效果（中文版）。",
}
SITE_LINKS = {"en": "Read the report in English", "zh": "阅读中文版报告"}


def _other(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"The parameter 'lang' must be one of {list(LANGS)}, but got {lang!r}.")
    return LANGS[1 - LANGS.index(lang)]


def language_switch_href(page: Path, lang: str) -> str:
    """Relative URL of the same page in the other language.

    Parameters
    ----------
    page : Path
        The page inside its language site, e.g. ``report/ggmm/sampling.html``.
    lang : {"en", "zh"}
        The page's language.

    Returns
    -------
    href : str
    """
    other = _other(lang)
    return "../" * len(page.parts) + f"{other}/{page.as_posix()}"


def rewrite_language_links(output_dir: Path) -> int:
    """Point the navbar's language switch of every page at its counterpart; returns pages changed."""
    lang = output_dir.name
    changed = 0
    for path in sorted(output_dir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if LANG_SWITCH_MARKER not in text:
            continue
        href = language_switch_href(path.relative_to(output_dir), lang)
        path.write_text(text.replace(LANG_SWITCH_MARKER, href), encoding="utf-8")
        changed += 1
    return changed


def root_index_html(
    first_page: str = FIRST_PAGE,
    *,
    redirect: bool = True,
    titles: Mapping[str, str] | None = None,
    descriptions: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
) -> str:
    """The root page that sends a reader to their language (``build/site/templates/root.html``).

    With ``redirect``, the first of the browser's languages that is Chinese (``zh*``) or English
    decides; anything else goes to English. Plain links (and a ``<noscript>`` note) remain for
    readers without JavaScript. Every URL is relative, so the site works from a sub-path.

    Parameters
    ----------
    first_page : str
        The page to open inside a language folder.
    redirect : bool
        Whether to go there at once (the site) or only offer the links (the gallery).
    titles, descriptions, links : mapping, optional
        Per language: the heading, the meta description and the link text.

    Returns
    -------
    html : str
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("root.html").render(
        first_page=first_page,
        redirect=redirect,
        langs=LANGS,
        html_lang=HTML_LANG,
        font_family=FONT_FAMILY,
        titles=titles or SITE_TITLES,
        descriptions=descriptions or SITE_DESCRIPTIONS,
        links=links or SITE_LINKS,
    )
