"""Keep a language folder of ``_site`` down to what its pages use (Quarto's post-render step).

Quarto copies more than the pages need: every picture in a document's ``_files`` folder (the
other language's posters, the print pictures of the PDF and the PPTX), every plotly.js bundle
and training file under the project's resources, and libraries' source maps and unused
modules. After each render, :func:`prune` removes from the output folder

* pictures under ``*_files/`` that no page references (``src``, ``srcset``, ``href``);
* plotly.js bundles that no page needs (the bundle a page loads is chosen as
  ``assets/js/loader.js`` chooses it);
* training snapshot files that no widget fetches (``data-src``);
* JavaScript files and source maps under ``site_libs/`` that no page, script or style names.

It then copies into the folder the files under ``*_files/`` that pages reference where Quarto
does not look (``srcset``, ``data-ggmm-spec``). The result is the same after any number of rebuilds.

Both languages load the same plotly.js bundles: once both are rendered, :func:`share_bundles`
keeps one copy at ``_site/assets/vendor/``, where ``assets/js/loader.js`` looks first when its
page sits in a language folder.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["page_bundle", "polish", "polish_pages", "prune", "share_bundles"]

_REF = re.compile(r"""(?:src|href|data-src|data-ggmm-spec)\s*=\s*["']([^"'#?]+)""", re.IGNORECASE)
_SRCSET = re.compile(r"""srcset\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_NEEDS = re.compile(r"""data-ggmm-plotly\s*=\s*["']([a-z0-9]+)["']""")


def _local_refs(page: Path, text: str, base: Path) -> set[Path]:
    """Files inside ``base`` that an HTML page refers to."""
    urls = [m.group(1) for m in _REF.finditer(text)]
    for srcset in _SRCSET.findall(text):
        urls += [part.strip().split(" ")[0] for part in html.unescape(srcset).split(",")]
    found = set()
    for url in urls:
        url = html.unescape(url)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = Path(os.path.normpath(page.parent / unquote(parts.path)))
        if base in target.parents:
            found.add(target)
    return found


def page_bundle(names: Iterable[str]) -> str | None:
    """The plotly.js bundle a page loads for containers needing ``names`` (as assets/js/loader.js)."""
    needed = set(names)
    if not needed:
        return None
    if needed <= {"basic"}:
        return "basic"
    if needed <= {"basic", "cartesian"}:
        return "cartesian"
    if needed <= {"gl3d"}:
        return "gl3d"
    return "full"


def _remove(paths: Iterable[Path]) -> int:
    count = 0
    for path in paths:
        if path.is_file():
            path.unlink()
            count += 1
    return count


def _remove_empty_dirs(base: Path) -> None:
    for folder in sorted((p for p in base.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def prune(output: Path, project: Path) -> dict[str, int]:
    """Remove what no page of ``output`` uses; copy posters pages name only through ``srcset``.

    Parameters
    ----------
    output : Path
        A language folder, e.g. ``_site/en``.
    project : Path
        The project folder (where the posters are, beside the page sources).

    Returns
    -------
    counts : dict
        Files removed per kind, and posters copied.
    """
    output = output.resolve()
    pages = sorted(output.rglob("*.html"))
    texts = {page: page.read_text(encoding="utf-8", errors="replace") for page in pages}
    referenced: set[Path] = set()
    bundles: set[str] = set()
    for page, text in texts.items():
        referenced |= _local_refs(page, text, output)
        bundle = page_bundle(_NEEDS.findall(text))
        if bundle:
            bundles.add(bundle)
    counts = {"copied": 0}
    # files named where Quarto does not look (srcset, data-ggmm-spec): copied from beside the sources
    for target in sorted(referenced):
        if any(part.endswith("_files") for part in target.parts) and not target.is_file():
            source = project / target.relative_to(output)
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
                counts["copied"] += 1
    pictures = [
        p
        for p in output.rglob("*")
        if p.is_file() and any(part.endswith("_files") for part in p.relative_to(output).parts[:-1])
    ]
    counts["pictures"] = _remove(p for p in pictures if p not in referenced)
    vendor = output / "assets" / "vendor"
    available = {p.name for p in vendor.glob("plotly-*.min.js")}
    keep = {f"plotly-{name}.min.js" for name in bundles}
    if not keep <= available:
        keep.add("plotly-full.min.js")  # the loader's fallback for a missing partial bundle
    counts["bundles"] = _remove(vendor / name for name in available - keep)
    training = output / "report" / "data" / "training"
    counts["data"] = _remove(p for p in training.glob("*.json") if p not in referenced)
    libs = output / "site_libs"
    if libs.is_dir():
        named = "\n".join(texts.values())
        named += "\n".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in libs.rglob("*")
            if p.suffix in (".js", ".css") and p.is_file()
        )
        unused = [
            p
            for p in libs.rglob("*")
            if p.is_file()
            and (p.suffix == ".map" or (p.suffix == ".js" and p not in referenced and p.name not in named))
        ]
        counts["libs"] = _remove(unused)
    _remove_empty_dirs(output)
    return counts


def share_bundles(site: Path, langs: Iterable[str], source: Path | None = None) -> list[str]:
    """Keep one copy of the plotly.js bundles the pages need, in ``<site>/assets/vendor/``.

    The bundles needed are read from the pages of every language (as :func:`prune` does); copies
    in the language folders move to the shared folder, and shared bundles no page needs are
    removed. Running it again (or after a render of one language only) changes nothing.

    Parameters
    ----------
    site : Path
        The ``_site`` folder.
    langs : iterable of str
        Its language folders.
    source : Path, optional
        Where the build keeps the bundles (``assets/vendor``): a needed bundle missing from the
        site is copied from there.

    Returns
    -------
    names : list of str
        The bundles in the shared folder.
    """
    shared = site / "assets" / "vendor"
    shared.mkdir(parents=True, exist_ok=True)
    needed: set[str] = set()
    for lang in langs:
        for page in (site / lang).rglob("*.html"):
            bundle = page_bundle(_NEEDS.findall(page.read_text(encoding="utf-8", errors="replace")))
            if bundle:
                needed.add(f"plotly-{bundle}.min.js")
        vendor = site / lang / "assets" / "vendor"
        for path in sorted(vendor.glob("plotly-*.min.js")):
            target = shared / path.name
            if not target.is_file() or target.read_bytes() != path.read_bytes():
                shutil.copyfile(path, target)
            path.unlink()
        if vendor.is_dir() and not any(vendor.iterdir()):
            vendor.rmdir()
    if not all((shared / name).is_file() or (source is not None and (source / name).is_file()) for name in needed):
        needed.add("plotly-full.min.js")  # the loader's fallback for a missing partial bundle
    for name in sorted(needed):
        if not (shared / name).is_file() and source is not None and (source / name).is_file():
            shutil.copyfile(source / name, shared / name)
    for path in shared.glob("plotly-*.min.js"):
        if path.name not in needed:
            path.unlink()
    return sorted(p.name for p in shared.glob("plotly-*.min.js"))


# ---------------------------------------------------------------------------
# Markup fixes on Quarto's output
# ---------------------------------------------------------------------------

#: Stylesheets nothing on first paint needs (icons, tooltips, code colours): loaded without blocking.
_LATE_CSS = re.compile(
    r'<link (?=[^>]*rel="stylesheet")(?![^>]*media=)([^>]*href="[^"]*'
    r'(?:bootstrap-icons|tippy|light-border|quarto-syntax-highlighting)[^"]*\.css"[^>]*)>'
)
_HEAD_SCRIPT = re.compile(r'<script (?![^>]*\b(?:defer|async)\b)(?![^>]*type="module")([^>]*\bsrc="[^"]+"[^>]*)>')
_NAV_LABELS = {"en": ("Site", "On this page"), "zh": ("网站导航", "本页目录")}


def polish(html_text: str, lang: str) -> str:
    """Quarto's page markup, fixed for first paint, validity and accessibility (idempotent).

    * the classic scripts in ``<head>`` run deferred (Quarto's own page script waits for
      ``DOMContentLoaded`` anyway), and icon, tooltip and code-colour stylesheets load without
      blocking the first paint;
    * the navbar and the table of contents are navigation landmarks with different names;
    * the navbar's collapse button loses a role it may not have (``menu``) and dropdown toggles,
      which are buttons, say so (``aria-expanded`` is not allowed on a link);
    * an empty header cell of a table becomes an ordinary cell (it names no column);
    * the slides' viewport lets readers zoom; the stylesheet link loses a non-standard attribute.

    Parameters
    ----------
    html_text : str
        A rendered page.
    lang : str
        Its language (names of the landmarks).

    Returns
    -------
    html : str
    """
    head, sep, body = html_text.partition("</head>")
    if sep:
        head = _HEAD_SCRIPT.sub(r"<script defer \1>", head)
        head = _LATE_CSS.sub(r"""<link \1 media="print" onload="this.media='all'">""", head)
        html_text = head + sep + body
    site_label, toc_label = _NAV_LABELS.get(lang, _NAV_LABELS["en"])
    html_text = re.sub(
        r'<nav class="navbar([^"]*)"(?![^>]*aria-label)', rf'<nav class="navbar\1" aria-label="{site_label}"', html_text
    )
    html_text = re.sub(
        r'<nav id="TOC" role="doc-toc"(?![^>]*aria-label)',
        rf'<nav id="TOC" role="doc-toc" aria-label="{toc_label}"',
        html_text,
    )
    html_text = re.sub(r'(<button class="navbar-toggler"[^>]*?) role="menu"', r"\1", html_text)
    html_text = re.sub(r'(<a class="nav-link dropdown-toggle"[^>]*?) role="link"', r'\1 role="button"', html_text)
    html_text = re.sub(r"<th([^>]*)>\s*</th>", r"<td\1></td>", html_text)
    html_text = re.sub(
        r'(<meta name="viewport" content="[^"]*?), maximum-scale=1\.0, user-scalable=no', r"\1", html_text
    )
    return html_text.replace(' append-hash="true"', "")


def polish_pages(output: Path) -> int:
    """:func:`polish` every page of a language folder; returns the pages changed."""
    lang = output.name if output.name in _NAV_LABELS else "en"
    changed = 0
    for page in output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = polish(text, lang)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed
