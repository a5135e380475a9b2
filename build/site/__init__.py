"""Build the report site: data, both language sites, the slides, the PDF, the root page.

Run as ``python -m ggmm_build.site COMMAND`` (``make site`` runs ``all``):

``all``
    Bring the exports up to date through the pipeline's cache (``ggmm_build.cli --profile
    full``), prepare Quarto's inputs, render what changed of both languages (pages, PDF,
    slides) into ``_site/`` and write the root page. Without the ``quarto`` binary it stops
    after the preparation with exit code 2 and says how to install Quarto.
``render``
    The same without retraining: the pipeline runs only when exports are missing (CI).
``pdf`` / ``slides``
    Render the combined PDF report / the reveal.js deck and its PPTX, per language, even when
    nothing changed.
``serve``
    Preview ``_site/`` on http://127.0.0.1:8000, compressed like a static host.
``audit``
    Lighthouse and axe-core figures of the rendered site (see :mod:`ggmm_build.site.audit`).
``index``
    Write only the root page ``_site/index.html``.
``prepare`` / ``post-render``
    Quarto's own pre- and post-render steps (see ``_quarto.yml``): plotly.js bundles, the
    numbering of figures, the PDF source, stale frozen results, the pictures the documents
    need; then point every page's language switch at the same page in the other language.

The jobs live in the modules of this package: ``sources`` (which pages, front matter,
numbering), ``pdf`` (the combined PDF source), ``freeze``, ``assets`` (plotly.js bundles),
``images`` (pictures before Quarto runs), ``rendering`` (Quarto calls, skipped when their inputs
did not change), ``links`` (language switch, root page), ``serve``, ``audit``, and ``gallery``
(every figure and widget on one standalone page, ``make figures``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..i18n.strings import LANGS
from .freeze import FREEZE_MANIFEST, refresh_freeze, stale_freeze_dirs
from .links import (
    FIRST_PAGE,
    LANG_SWITCH_MARKER,
    language_switch_href,
    rewrite_language_links,
    root_index_html,
)
from .pdf import PDF_SOURCE, assemble_pdf_source
from .rendering import SITE, QuartoMissing, find_quarto, render, run, targets
from .sources import SLIDES, page_sources, section_slug, split_front_matter, write_crossref_numbers

__all__ = [
    "FIRST_PAGE",
    "FREEZE_MANIFEST",
    "LANGS",
    "LANG_SWITCH_MARKER",
    "PDF_SOURCE",
    "QuartoMissing",
    "assemble_pdf_source",
    "language_switch_href",
    "main",
    "page_sources",
    "prepare",
    "refresh_freeze",
    "rewrite_language_links",
    "root_index_html",
    "section_slug",
    "split_front_matter",
    "stale_freeze_dirs",
]

ROOT = Path(__file__).resolve().parents[2]
DATA = Path("report/data")
#: Set for Quarto's pre-render hook when this build has already prepared everything.
PREPARED_ENV = "GGMM_SITE_PREPARED"
#: A copy of plotly.js that older builds kept in assets/; the site must not ship it.
LEGACY_PLOTLY = Path("assets/plotly.min.js")


def _log(message: str) -> None:
    print(f"site: {message}", file=sys.stderr, flush=True)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it; True when written."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _documents(root: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """Every document Quarto executes, with the formats that need pictures."""
    pages = [(page, ("html",)) for page in page_sources(root)]
    return [*pages, (PDF_SOURCE, ("typst",)), (SLIDES, ("pptx",))]


def prepare(root: Path = ROOT, images: bool = True) -> None:
    """Everything Quarto reads that is not a committed source.

    Parameters
    ----------
    root : Path
        The project folder.
    images : bool
        Also render the pictures the documents need (needs kaleido and a Chromium).
    """
    from .assets import install_bundles
    from .images import prerender_images

    (root / LEGACY_PLOTLY).unlink(missing_ok=True)
    install_bundles(root)
    write_crossref_numbers(root)
    if write_if_changed(root / PDF_SOURCE, assemble_pdf_source(root)):
        _log(f"wrote {PDF_SOURCE}")
    refresh_freeze(root)
    if images:
        prerender_images(root, _documents(root))


def write_root_index(root: Path = ROOT) -> Path:
    """Write ``_site/index.html``."""
    target = root / SITE / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(root_index_html(), encoding="utf-8")
    _log(f"wrote {target.relative_to(root)}")
    return target


def update_data(root: Path = ROOT, profile: str = "full") -> None:
    """Run the pipeline; its cache makes this fast when nothing changed."""
    run([sys.executable, "-m", "ggmm_build.cli", "--profile", profile], root)


def exports_present(root: Path = ROOT) -> bool:
    """Whether every export the pages read exists."""
    data = root / DATA
    needed = ["presets.json", "comparison.json", "em_history.json", "recovered.json"]
    return all((data / name).exists() for name in needed) and any((data / "training").glob("*.json"))


def main(argv: Sequence[str] | None = None, root: Path | None = None) -> int:
    """Command-line entry point; ``root`` (default: this repository) is for tests."""
    parser = argparse.ArgumentParser(prog="python -m ggmm_build.site", description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["all", "render", "pdf", "slides", "serve", "audit", "index", "prepare", "post-render"]
    )
    parser.add_argument("--profile", default="full", help="experiment profile for `all` (default: full)")
    parser.add_argument("--port", type=int, default=8000, help="port for `serve` (default: 8000)")
    parser.add_argument("--force", action="store_true", help="render even what did not change")
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "audit":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    root = ROOT if root is None else Path(root)
    try:
        if args.command == "prepare":
            if os.environ.get(PREPARED_ENV) != "1":
                prepare(root)
        elif args.command == "post-render":
            output = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR")
            if output:
                from .output import polish_pages, prune

                changed = rewrite_language_links(root / output)
                polished = polish_pages(root / output)
                removed = prune(root / output, root)
                _log(
                    f"{output}: language switch set on {changed} pages, markup polished on {polished}, "
                    f"removed or copied: {removed}"
                )
        elif args.command == "index":
            write_root_index(root)
        elif args.command == "serve":
            from .serve import serve

            serve(root / SITE, args.port)
        elif args.command == "audit":
            from .audit import main as audit

            return audit(root, rest)
        else:
            if args.command == "all" or (args.command == "render" and not exports_present(root)):
                update_data(root, args.profile)
            prepare(root)
            quarto = find_quarto()
            os.environ[PREPARED_ENV] = "1"
            kinds = {"pdf": ["pdf"], "slides": ["slides"]}.get(args.command, ["web", "pdf"])
            render(root, targets(LANGS, kinds), quarto, force=args.force or args.command in ("pdf", "slides"))
            from .output import share_bundles

            share_bundles(root / SITE, LANGS, root / "assets" / "vendor")
            if args.command in ("all", "render"):
                write_root_index(root)
    except QuartoMissing as missing:
        print(missing, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
