"""Build the report site: data, both language sites, the slides, the PDF, the root page.

Run as ``python -m ggmm_build.site COMMAND`` (``make site`` runs ``all``):

``all``
    Bring the exports up to date through the pipeline's cache (``ggmm_build.cli --profile
    full``), prepare Quarto's inputs, then render both profiles (pages, slides and PDF) into
    ``_site/`` and write the root page. Without the ``quarto`` binary it stops after the
    preparation with exit code 2 and says how to install Quarto.
``render``
    The same without retraining: the pipeline runs only when exports are missing (CI).
``pdf`` / ``slides``
    Render only the combined PDF report / only the reveal.js deck and its PPTX, per language.
``serve``
    Preview ``_site/`` on http://127.0.0.1:8000.
``index``
    Write only the root page ``_site/index.html``.
``prepare`` / ``post-render``
    Quarto's own pre- and post-render steps (see ``_quarto.yml``): copy plotly.js, generate
    the PDF source, drop stale frozen results; then point every page's language switch at
    the same page in the other language.

Pages are discovered from the navbar of ``_quarto-en.yml``, so the site, the PDF and the
tests agree on one list.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "LANGS",
    "QuartoMissing",
    "assemble_pdf_source",
    "language_switch_href",
    "main",
    "page_sources",
    "prepare",
    "rewrite_language_links",
    "root_index_html",
    "split_front_matter",
    "stale_freeze_dirs",
]

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "zh")
SITE = "_site"
DATA = Path("report/data")
PDF_SOURCE = Path("report/pdf/ggmm-kan-report.qmd")
SLIDES = Path("report/slides.qmd")
FIRST_PAGE = "report/overview/index.html"
LANG_SWITCH_MARKER = "https://lang-switch.invalid/"
FREEZE_MANIFEST = Path("_freeze/ggmm-exports.json")
QUARTO_HELP = (
    "Quarto was not found on PATH. Everything before Quarto is built: the exports in report/data/, "
    "assets/plotly.min.js and the PDF source report/pdf/ggmm-kan-report.qmd.\n"
    "Install Quarto (1.8 or later) to render the site, the slides and the PDF:\n"
    "  * with the installer from https://quarto.org/docs/get-started/ (Debian/Ubuntu: the .deb), or\n"
    "  * on a machine with internet access: .venv/bin/pip install quarto-cli\n"
    "then run `make site` again."
)


class QuartoMissing(RuntimeError):
    """Raised when a step needs the quarto binary and it is not installed."""


def _log(message: str) -> None:
    print(f"site: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Page sources
# ---------------------------------------------------------------------------


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


def page_sources(root: Path = ROOT, profile: str = "en") -> list[Path]:
    """The report pages in navbar order (project-relative ``.qmd`` paths, slides excluded)."""
    config = yaml.safe_load((root / f"_quarto-{profile}.yml").read_text(encoding="utf-8"))
    navbar = config["website"]["navbar"]
    hrefs = _navbar_hrefs(navbar.get("left", [])) + _navbar_hrefs(navbar.get("right", []))
    pages = [Path(h) for h in hrefs if h.endswith(".qmd") and Path(h) != SLIDES]
    return list(dict.fromkeys(pages))


def _slug(page: Path) -> str:
    parts = page.with_suffix("").parts[1:]  # drop "report"
    if parts and parts[-1] == "index":
        parts = parts[:-1]
    return "sec-" + "-".join(parts)


# ---------------------------------------------------------------------------
# The combined PDF source
# ---------------------------------------------------------------------------

_LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)\s]+)\)")

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
        }
    },
}


def _rewrite_links(body: str, page: Path, pages: Sequence[Path]) -> str:
    """Links to other pages become links to their section; other relative links become text."""
    known = {p.as_posix(): _slug(p) for p in pages}

    def replace(match: re.Match[str]) -> str:
        target, _, anchor = match.group(1).partition("#")
        resolved = os.path.normpath((page.parent / target).as_posix()) if target else page.as_posix()
        if resolved.endswith(".qmd"):
            slug = known.get(Path(resolved).as_posix())
            if slug is not None:
                return f"](#{anchor or slug})"
        return "](#" + _slug(page) + ")"

    return _LINK.sub(replace, body)


def assemble_pdf_source(root: Path = ROOT, pages: Sequence[Path] | None = None) -> str:
    """The combined report for the Typst PDF, built from the page sources.

    Each page becomes a top-level section titled in both languages (``content-visible``
    blocks); its body follows unchanged except that links to other pages point at their
    sections. The file lives at the pages' depth (``report/pdf/``), so the cells' relative
    data paths stay valid.
    """
    pages = list(pages) if pages is not None else page_sources(root)
    header = yaml.safe_dump(PDF_FRONT_MATTER, allow_unicode=True, sort_keys=False).strip()
    parts = [
        f"---\n{header}\n---\n",
        "<!-- Generated by `python -m ggmm_build.site prepare` from the page sources listed in the\n"
        "     navbar of _quarto-en.yml. Do not edit: edit the pages and build again. -->\n",
    ]
    for page in pages:
        meta, body = split_front_matter((root / page).read_text(encoding="utf-8"))
        titles = meta.get("titles") or {lang: meta.get("title", page.stem) for lang in LANGS}
        slug = _slug(page)
        for lang in LANGS:
            parts.append(
                f'::: {{.content-visible when-profile="{lang}"}}\n# {titles[lang]} {{#{slug}}}\n:::\n'
            )
        parts.append(_rewrite_links(body, page, pages).strip() + "\n")
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# Freeze bookkeeping: exports changed -> the pages reading them execute again
# ---------------------------------------------------------------------------


def _export_hashes(root: Path) -> dict[str, str]:
    data = root / DATA
    return {
        path.relative_to(data).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(data.rglob("*.json"))
    }


def _freeze_dir(root: Path, source: Path) -> Path:
    return root / "_freeze" / source.with_suffix("")


def stale_freeze_dirs(root: Path, previous: dict[str, str], current: dict[str, str],
                      sources: Iterable[Path]) -> list[Path]:
    """Frozen results of the documents reading an export that changed.

    Quarto's freeze keys a document's results on the document's text only, so new exports
    would otherwise leave old figures and numbers in place. A document reads an export when
    its source names the file (``data/comparison.json``) or its folder (``data/training``).
    """
    changed = {name for name in set(previous) | set(current) if previous.get(name) != current.get(name)}
    if not changed:
        return []
    stale = []
    for source in sources:
        text = (root / source).read_text(encoding="utf-8")
        reads = any(f"data/{name}" in text
                    or (Path(name).parent != Path(".") and f"data/{Path(name).parent.as_posix()}" in text)
                    for name in changed)
        folder = _freeze_dir(root, source)
        if reads and folder.exists():
            stale.append(folder)
    return stale


def refresh_freeze(root: Path = ROOT) -> list[Path]:
    """Remove stale frozen results and record the current export hashes."""
    manifest = root / FREEZE_MANIFEST
    previous = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    current = _export_hashes(root)
    sources = sorted(p.relative_to(root) for p in (root / "report").rglob("*.qmd")
                     if not any(part.startswith(("_", ".")) for part in p.relative_to(root).parts))
    stale = stale_freeze_dirs(root, previous, current, sources) if previous else []
    for folder in stale:
        _log(f"exports changed: dropping frozen results in {folder.relative_to(root)}")
        shutil.rmtree(folder)
    if current != previous and (root / "_freeze").exists():
        manifest.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return stale


# ---------------------------------------------------------------------------
# Preparation (Quarto's pre-render step)
# ---------------------------------------------------------------------------


def copy_plotly(root: Path = ROOT) -> Path:
    """Copy the plotly.js bundled with the plotly package to ``assets/plotly.min.js``."""
    import plotly

    source = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    target = root / "assets" / "plotly.min.js"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        _log(f"copied {source} -> {target.relative_to(root)}")
    return target


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it; True when written."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def prepare(root: Path = ROOT) -> None:
    """Everything Quarto reads that is not a committed source."""
    copy_plotly(root)
    if write_if_changed(root / PDF_SOURCE, assemble_pdf_source(root)):
        _log(f"wrote {PDF_SOURCE}")
    refresh_freeze(root)


# ---------------------------------------------------------------------------
# After rendering: language switch and root page
# ---------------------------------------------------------------------------


def language_switch_href(page: Path, lang: str) -> str:
    """Relative URL of the same page in the other language.

    Parameters
    ----------
    page : Path
        The page inside its language site, e.g. ``report/ggmm/sampling.html``.
    lang : {"en", "zh"}
        The page's language.
    """
    if lang not in LANGS:
        raise ValueError(f"The parameter 'lang' must be one of {list(LANGS)}, but got {lang!r}.")
    other = "zh" if lang == "en" else "en"
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


def root_index_html(first_page: str = FIRST_PAGE) -> str:
    """The root page: send the reader to the language their browser prefers.

    The first of the browser's languages that is Chinese (``zh*``) or English decides;
    anything else goes to English. Plain links and a ``<noscript>`` note remain for readers
    without JavaScript. Every URL is relative, so the site works from a sub-path.
    """
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>KANs and generalized Gaussian mixtures · KAN 与广义高斯混合分布</title>
<link rel="alternate" hreflang="en" href="en/{first_page}">
<link rel="alternate" hreflang="zh" href="zh/{first_page}">
<script>
(function () {{
  var prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  var lang = "en";
  for (var i = 0; i < prefs.length; i++) {{
    var tag = String(prefs[i]).toLowerCase();
    if (tag.indexOf("zh") === 0) {{ lang = "zh"; break; }}
    if (tag.indexOf("en") === 0) {{ break; }}
  }}
  window.location.replace(lang + "/{first_page}");
}})();
</script>
<style>body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; }}</style>
</head>
<body>
<h1>KANs and generalized Gaussian mixtures</h1>
<p><a href="en/{first_page}">Read the report in English</a></p>
<p lang="zh"><a href="zh/{first_page}">阅读中文版报告</a></p>
<noscript><p>JavaScript is off, so choose a language above. · 未启用 JavaScript，请在上方选择语言。</p></noscript>
</body>
</html>
"""


def write_root_index(root: Path = ROOT) -> Path:
    target = root / SITE / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(root_index_html(), encoding="utf-8")
    _log(f"wrote {target.relative_to(root)}")
    return target


# ---------------------------------------------------------------------------
# Running Quarto and the pipeline
# ---------------------------------------------------------------------------


def find_quarto() -> str:
    """Path of the quarto binary; raises :class:`QuartoMissing` when absent."""
    found = shutil.which("quarto")
    if not found:
        raise QuartoMissing(QUARTO_HELP)
    return found


def _environment() -> dict[str, str]:
    """This interpreter first on PATH (Quarto's pre/post-render run ``python``) and for Jupyter."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def _run(command: Sequence[str], root: Path = ROOT) -> None:
    _log("$ " + " ".join(command))
    result = subprocess.run(list(command), cwd=root, env=_environment(), check=False)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def update_data(root: Path = ROOT, profile: str = "full") -> None:
    """Run the pipeline; its cache makes this fast when nothing changed."""
    _run([sys.executable, "-m", "ggmm_build.cli", "--profile", profile], root)


def exports_present(root: Path = ROOT) -> bool:
    data = root / DATA
    needed = ["presets.json", "comparison.json", "em_history.json", "recovered.json"]
    return all((data / name).exists() for name in needed) and any((data / "training").glob("*.json"))


def render_site(root: Path = ROOT, quarto: str | None = None) -> None:
    quarto = quarto or find_quarto()
    for lang in LANGS:
        _run([quarto, "render", "--profile", lang], root)
    write_root_index(root)


def render_documents(documents: Sequence[Path], root: Path = ROOT) -> None:
    quarto = find_quarto()
    for lang in LANGS:
        for document in documents:
            _run([quarto, "render", document.as_posix(), "--profile", lang], root)


def serve(root: Path = ROOT, port: int = 8000) -> None:
    site = root / SITE
    if not site.exists():
        raise SystemExit(f"site: {site} does not exist; run `make site` first.")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        _log(f"serving {site} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, root: Path | None = None) -> int:
    """Command-line entry point; ``root`` (default: this repository) is for tests."""
    parser = argparse.ArgumentParser(prog="python -m ggmm_build.site", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["all", "render", "pdf", "slides", "serve", "index",
                                            "prepare", "post-render"])
    parser.add_argument("--profile", default="full", help="experiment profile for `all` (default: full)")
    parser.add_argument("--port", type=int, default=8000, help="port for `serve` (default: 8000)")
    args = parser.parse_args(argv)
    root = ROOT if root is None else Path(root)
    try:
        if args.command == "prepare":
            prepare(root)
        elif args.command == "post-render":
            output = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR")
            if output:
                changed = rewrite_language_links(root / output)
                _log(f"language switch set on {changed} pages of {output}")
        elif args.command == "index":
            write_root_index(root)
        elif args.command == "serve":
            serve(root, args.port)
        elif args.command in ("all", "render"):
            if args.command == "all" or not exports_present(root):
                update_data(root, args.profile)
            prepare(root)
            render_site(root, find_quarto())
        elif args.command == "pdf":
            prepare(root)
            render_documents([PDF_SOURCE], root)
        elif args.command == "slides":
            prepare(root)
            render_documents([SLIDES], root)
    except QuartoMissing as missing:
        print(missing, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
