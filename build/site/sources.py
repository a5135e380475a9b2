"""The report's pages: which they are (the navbar), their front matter, and one numbering of figures.

Pages are discovered from the navbar of ``_quarto-en.yml``, so the site, the PDF and the tests
agree on one list.

Figures and tables are numbered once for the whole report, the same on the site and in the PDF:

* a page whose English title starts with "Figure N" owns the number N; its figures are
  "N" (one figure) or "Na", "Nb", ... (several), so a page title and its captions agree;
* every other figure takes the next number after the largest owned one, in reading (navbar)
  order, so no two figures of the report share a number;
* tables are numbered 1, 2, ... in reading order;
* a page may show again a figure another page owns (the overview's headline is Figure 1 drawn for
  one mixture): its front matter maps the label to the owner's, ``repeats: {fig-headline:
  fig-comparison}``, and the figure takes the owner's number instead of a new one.

The numbers reach Quarto through ``report/_filters/crossref-numbers.lua`` (the site) and a
Typst numbering rule in the combined PDF source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..i18n.strings import LANGS

__all__ = [
    "LANGS",
    "SLIDES",
    "crossref_numbers",
    "float_labels",
    "page_sources",
    "section_slug",
    "split_front_matter",
    "write_crossref_numbers",
]

SLIDES = Path("report/slides.qmd")
#: Where the numbering is written for the Lua filter (relative to the project root).
CROSSREF_FILE = Path(".cache/site/crossref-numbers.json")

_FLOAT_DIV = re.compile(r"\{#((?:fig|tbl)-[A-Za-z0-9_-]+)[\s}]")
_FLOAT_IN_CODE = re.compile(r"""\blabel\s*=\s*["']((?:fig|tbl)-[a-z0-9-]+)["']""")
_FIGURE_TITLE = re.compile(r"^Figure\s+(\d+)\b")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a ``.qmd`` source into its YAML front matter and its body.

    Raises
    ------
    ValueError
        When the text does not open with a ``---`` block or the YAML is not a mapping.
    """
    match = re.match(r"^---\n(.*?)\n---\n?(.*)$", text, flags=re.DOTALL)
    if not match:
        raise ValueError("The parameter 'text' must open with a '---' YAML front matter block.")
    meta = yaml.safe_load(match.group(1))
    if not isinstance(meta, dict):
        raise ValueError(f"The front matter must be a YAML mapping, but got {type(meta).__name__}.")
    return meta, match.group(2)


def _navbar_hrefs(items: Iterable[Any]) -> list[str]:
    hrefs: list[str] = []
    for item in items:
        if isinstance(item, str):
            hrefs.append(item)
        elif isinstance(item, dict):
            if "href" in item:
                hrefs.append(str(item["href"]))
            hrefs.extend(_navbar_hrefs(item.get("menu", [])))
    return hrefs


def page_sources(root: Path, profile: str = "en") -> list[Path]:
    """The report pages in navbar order (project-relative ``.qmd`` paths, slides excluded).

    Parameters
    ----------
    root : Path
        The project folder (holding ``_quarto-<profile>.yml``).
    profile : {"en", "zh"}

    Returns
    -------
    pages : list of Path
    """
    config = yaml.safe_load((root / f"_quarto-{profile}.yml").read_text(encoding="utf-8"))
    navbar = config["website"]["navbar"]
    hrefs = _navbar_hrefs(navbar.get("left", [])) + _navbar_hrefs(navbar.get("right", []))
    pages = [Path(h) for h in hrefs if h.endswith(".qmd") and Path(h) != SLIDES]
    return list(dict.fromkeys(pages))


def section_slug(page: Path) -> str:
    """The section id of a page in the combined PDF: ``report/ggmm/sampling.qmd`` -> ``sec-ggmm-sampling``."""
    parts = page.with_suffix("").parts[1:]  # drop "report"
    if parts and parts[-1] == "index":
        parts = parts[:-1]
    return "sec-" + "-".join(parts)


def float_labels(text: str) -> list[str]:
    """The ``fig-``/``tbl-`` labels a page defines, in document order (divs and emitter ``label=``)."""
    found = [(m.start(), m.group(1)) for m in _FLOAT_DIV.finditer(text)]
    found += [(m.start(), m.group(1)) for m in _FLOAT_IN_CODE.finditer(text)]
    return list(dict.fromkeys(label for _, label in sorted(found)))


def _owned_number(meta: dict[str, Any]) -> int | None:
    title = (meta.get("titles") or {}).get("en") or meta.get("title") or ""
    match = _FIGURE_TITLE.match(str(title))
    return int(match.group(1)) if match else None


def crossref_numbers(root: Path, pages: Sequence[Path] | None = None) -> dict[str, str]:
    """The report-wide number of every figure and table (see the module docstring).

    Parameters
    ----------
    root : Path
        The project folder.
    pages : sequence of Path, optional
        The pages in reading order; by default :func:`page_sources`.

    Returns
    -------
    numbers : dict
        label -> number text, e.g. ``{"fig-training": "3a", "tbl-summary": "2"}``.
    """
    pages = list(pages) if pages is not None else page_sources(root)
    parsed = []
    repeats: dict[str, str] = {}
    for page in pages:
        meta, body = split_front_matter((root / page).read_text(encoding="utf-8"))
        page_repeats = {str(k): str(v) for k, v in (meta.get("repeats") or {}).items()}
        repeats.update(page_repeats)
        parsed.append((_owned_number(meta), [label for label in float_labels(body) if label not in page_repeats]))
    owned = [n for n, _ in parsed if n is not None]
    next_figure = max(owned, default=0) + 1
    next_table = 1
    numbers: dict[str, str] = {}
    for number, labels in parsed:
        figures = [label for label in labels if label.startswith("fig-")]
        for label in labels:
            if label.startswith("tbl-"):
                numbers[label] = str(next_table)
                next_table += 1
        if number is not None:
            for k, label in enumerate(figures):
                numbers[label] = str(number) if len(figures) == 1 else f"{number}{chr(ord('a') + k)}"
        else:
            for label in figures:
                numbers[label] = str(next_figure)
                next_figure += 1
    for label, owner in repeats.items():
        if owner not in numbers:
            raise ValueError(f"'repeats' maps {label!r} to {owner!r}, which no page defines.")
        numbers[label] = numbers[owner]
    return numbers


def write_crossref_numbers(root: Path) -> Path:
    """Write :func:`crossref_numbers` where the Lua filter reads it; returns the file."""
    target = root / CROSSREF_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(crossref_numbers(root), indent=1, sort_keys=True) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target
