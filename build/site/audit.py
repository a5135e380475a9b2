"""Measure the rendered site as readers get it (``make audit``; an audit, not a test).

Serves ``_site/`` compressed, as GitHub Pages does, and prints:

* **Lighthouse** (npm ``lighthouse``, mobile and desktop presets, against Debian's chromium):
  performance score, FCP, LCP, TBT and CLS for one page of each type (text page, figure page,
  training viewer, explorer) in each language, or for every page with ``--all``;
* **axe-core** violations of every page of both languages, at 1280x800 and at 390x844, as
  loaded and, on pages with interactive parts, once they are built;
* **Nu HTML checker** (npm ``vnu-jar``, needs java) errors in the rendered DOM of every page;
* the pages that scroll sideways on a 390 px phone.

The tools are pinned in ``build/audit/package.json`` (and its lock file) and installed on first
use into ``.cache/audit/`` (``npm ci``), outside the folders Quarto walks. Chromium is
``/usr/bin/chromium`` (``$CHROME_PATH`` overrides it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n.strings import LANGS
from .serve import serving
from .sources import page_sources

if TYPE_CHECKING:  # Playwright is a dev tool, imported when the audit runs
    from playwright.sync_api import ConsoleMessage, ViewportSize

__all__ = ["main", "page_kinds"]

TOOLS = Path(__file__).resolve().parents[1] / "audit"
#: Where the tools are installed (a hidden folder: Quarto does not walk it, git ignores it).
INSTALL = Path(".cache/audit")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
KIND_ORDER = ("text", "figure", "viewer", "explorer")


def _log(message: str) -> None:
    print(f"audit: {message}", file=sys.stderr, flush=True)


def _chrome() -> str:
    return os.environ.get("CHROME_PATH") or "/usr/bin/chromium"


def _tools(root: Path) -> Path:
    """The audit tools' ``node_modules``, installed from ``build/audit``'s lock file when missing or stale."""
    folder = root / INSTALL
    modules = folder / "node_modules"
    manifests = ("package.json", "package-lock.json")
    current = all(
        (folder / name).is_file() and (folder / name).read_bytes() == (TOOLS / name).read_bytes() for name in manifests
    )
    if not current or not (modules / ".bin" / "lighthouse").exists():
        if shutil.which("npm") is None:
            raise SystemExit("audit: npm is needed to install Lighthouse and axe-core (build/audit/package.json)")
        _log(f"installing the audit tools (npm install in {INSTALL})")
        folder.mkdir(parents=True, exist_ok=True)
        for name in manifests:
            shutil.copyfile(TOOLS / name, folder / name)
        # `npm install`, not `npm ci`: npm's ci refuses this lock file (it reports lighthouse's
        # third-party-web as missing, a lock that `npm install` itself just wrote); install follows the
        # lock's exact versions all the same
        subprocess.run(
            ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            check=True,
        )
    return modules


def page_kinds(site: Path, lang: str, pages: list[str]) -> dict[str, str]:
    """Each page's type: ``viewer``, ``explorer``, ``figure`` (draws a Plotly figure) or ``text``."""
    kinds = {}
    for page in pages:
        html = (site / lang / page).read_text(encoding="utf-8", errors="replace")
        kinds[page] = (
            "viewer"
            if "ggmm-training-viewer" in html
            else "explorer"
            if "ggmm-explorer" in html
            else "figure"
            if 'data-ggmm-widget="figure"' in html
            else "text"
        )
    return kinds


# ---------------------------------------------------------------------------
# Lighthouse
# ---------------------------------------------------------------------------


def lighthouse(url: str, preset: str, modules: Path, runs: int = 1) -> dict[str, float]:
    """Median Lighthouse performance figures of ``url`` over ``runs`` runs."""
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.json"
            command = [
                str(modules / ".bin" / "lighthouse"),
                url,
                "--quiet",
                "--only-categories=performance",
                "--output=json",
                f"--output-path={out}",
                f"--chrome-flags={' '.join(CHROME_FLAGS)}",
            ]
            if preset == "desktop":
                command.append("--preset=desktop")
            env = dict(os.environ, CHROME_PATH=_chrome())
            subprocess.run(command, env=env, check=False, capture_output=True, timeout=600)
            if not out.is_file():
                raise RuntimeError(f"Lighthouse wrote no report for {url}")
            report = json.loads(out.read_text(encoding="utf-8"))
        audits = report["audits"]
        results.append(
            {
                "score": 100 * (report["categories"]["performance"]["score"] or 0),
                "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
                "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
                "tbt": audits["total-blocking-time"]["numericValue"],
                "cls": audits["cumulative-layout-shift"]["numericValue"],
                "bytes": audits["total-byte-weight"]["numericValue"] / 1024,
            }
        )
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


# ---------------------------------------------------------------------------
# axe-core, the rendered DOM, sideways scrolling
# ---------------------------------------------------------------------------

_AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                 where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def _collect_errors(errors: list[str]) -> Callable[[ConsoleMessage], None]:
    """A console listener that keeps the text of every error message in ``errors``."""

    def collect(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    return collect


def browse(base: str, paths: list[str], modules: Path, dom_dir: Path) -> list[dict[str, Any]]:
    """axe violations, sideways overflow and the rendered DOM of every path, at both sizes."""
    from playwright.sync_api import sync_playwright

    axe = (modules / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chrome(), args=CHROME_FLAGS)
        try:
            for size, viewport in SIZES.items():
                phone = size == "phone"
                context = browser.new_context(
                    viewport=viewport, is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1
                )
                for path in paths:
                    page = context.new_page()
                    errors: list[str] = []
                    page.on("console", _collect_errors(errors))
                    page.goto(base + path, wait_until="networkidle")
                    states = [("loaded", page)]
                    if page.evaluate("() => !!window.GGMMLoader && !!document.querySelector('[data-ggmm-widget]')"):
                        states.append(("built", page))
                    for state, _ in states:
                        if state == "built":
                            page.evaluate("() => GGMMLoader.activateAll()")
                            page.wait_for_timeout(1500)
                        name = f"{size}-{state}-{path.replace('/', '_')}"
                        if not name.endswith(".html"):
                            name += ".html"
                        (dom_dir / name).write_text(page.content(), encoding="utf-8")  # before axe joins it
                        page.evaluate("src => { if (!window.axe) { (0, eval)(src); } }", axe)
                        violations = page.evaluate(_AXE_RUN)
                        width = page.evaluate("() => document.documentElement.scrollWidth")
                        rows.append(
                            {
                                "size": size,
                                "state": state,
                                "path": path,
                                "violations": violations,
                                "width": width,
                                "console": list(errors),
                                "dom": name,
                            }
                        )
                    page.close()
                context.close()
        finally:
            browser.close()
    return rows


#: Markers of the project's own markup in a Nu checker extract: its class names and data
#: attributes, not the word "ggmm" alone, which also appears in page addresses. The rest comes
#: from Quarto's template and scripts (tippy's reference pop-ups) and from plotly.js's SVG.
OWN_MARKUP = ('class="ggmm', " ggmm-", "data-ggmm", 'id="ggmm')


def nu_check(dom_dir: Path, modules: Path) -> dict[str, list[str]]:
    """Nu HTML checker errors per saved DOM file (empty when java is missing).

    Each message is prefixed ``[project]`` when its extract shows the project's own markup
    (:data:`OWN_MARKUP`), else ``[Quarto/plotly.js]``.
    """
    jar = modules / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if shutil.which("java") is None or not jar.is_file():
        _log("java or vnu.jar missing: the Nu HTML checker is skipped")
        return {}
    files = sorted(str(p) for p in dom_dir.glob("*.html"))
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}').get("messages", [])
    out: dict[str, list[str]] = {Path(f).name: [] for f in files}
    for message in messages:
        name = Path(message.get("url", "").removeprefix("file:")).name
        own = any(marker in message.get("extract", "") for marker in OWN_MARKUP)
        out.setdefault(name, []).append(("[project] " if own else "[Quarto/plotly.js] ") + message.get("message", ""))
    return out


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _targets(site: Path, every: bool) -> list[tuple[str, str, str]]:
    pages = [p.with_suffix(".html").as_posix() for p in page_sources(site.parent)]
    chosen = []
    for lang in LANGS:
        kinds = page_kinds(site, lang, pages)
        if every:
            chosen += [(lang, page, kinds[page]) for page in pages]
        else:
            for kind in KIND_ORDER:
                first = next((page for page in pages if kinds[page] == kind), None)
                if first:
                    chosen.append((lang, first, kind))
    return chosen


def main(root: Path, argv: list[str] | None = None) -> int:
    """Run the audit of ``root/_site`` and print the figures; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m ggmm_build.site audit")
    parser.add_argument("--all", action="store_true", help="Lighthouse on every page, not one per type")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument(
        "--lighthouse-only",
        action="store_true",
        help="only Lighthouse (no axe-core, DOM and Nu checker pass over every page)",
    )
    args = parser.parse_args(argv or [])
    site = root / "_site"
    if not (site / "index.html").is_file():
        raise SystemExit("audit: _site/ is missing; run `make site` first")
    modules = _tools(root)
    pages = [p.with_suffix(".html").as_posix() for p in page_sources(root)] + ["report/slides.html"]
    paths = [""] + [f"{lang}/{page}" for lang in LANGS for page in pages]
    with serving(site) as base, tempfile.TemporaryDirectory() as tmp:
        rows: list[dict[str, Any]] = []
        nu: dict[str, list[str]] = {}
        if not args.lighthouse_only:
            _log(f"axe-core and the rendered DOM of {len(paths)} pages at {len(SIZES)} sizes")
            rows = browse(base, paths, modules, Path(tmp))
            nu = nu_check(Path(tmp), modules)
        lh = []
        if not args.skip_lighthouse:
            for lang, page, kind in _targets(site, args.all):
                for preset in ("mobile", "desktop"):
                    _log(f"Lighthouse {preset}: {lang}/{page}")
                    figures = lighthouse(f"{base}{lang}/{page}", preset, modules, args.runs)
                    lh.append((lang, page, kind, preset, figures))
    _print(rows, nu, lh)
    return 0


def _print(rows: list[dict[str, Any]], nu: dict[str, list[str]], lh: list[tuple[str, str, str, str, dict]]) -> None:
    if lh:
        print("\nLighthouse 12 (simulated throttling; median of the runs)")
        print(
            f"{'page':<42} {'type':<9} {'preset':<8} {'perf':>5} {'FCP s':>6} {'LCP s':>6} {'TBT ms':>7} "
            f"{'CLS':>6} {'KiB':>6}"
        )
        for lang, page, kind, preset, m in lh:
            print(
                f"{lang + '/' + page:<42} {kind:<9} {preset:<8} {m['score']:>5.0f} {m['fcp']:>6.2f} {m['lcp']:>6.2f} "
                f"{m['tbt']:>7.0f} {m['cls']:>6.3f} {m['bytes']:>6.0f}"
            )
        mobile = [m["score"] for _, _, _, preset, m in lh if preset == "mobile"]
        if mobile:
            print(
                f"lowest mobile performance: {min(mobile):.0f} (goal >= 90); "
                f"largest CLS: {max(m['cls'] for *_, m in lh):.3f} (goal <= 0.1)"
            )
    if not rows:
        return
    counts: Counter[tuple[str, str]] = Counter()
    print("\naxe-core violations (every page, both languages)")
    for row in rows:
        for v in row["violations"]:
            counts[(v["id"], v["impact"])] += v["nodes"]
            print(
                f"  {row['size']:<7} {row['state']:<6} /{row['path']}: {v['id']} ({v['impact']}) x{v['nodes']} "
                f"{v['where']}"
            )
    checked = len(rows)
    print(f"axe: {sum(counts.values())} violating nodes in {checked} page states" + ("" if counts else " - none"))
    print("\npages wider than the screen")
    wide = [r for r in rows if r["width"] > SIZES[r["size"]]["width"]]
    for row in wide:
        print(f"  {row['size']} /{row['path']}: {row['width']} px")
    print(f"{len(wide)} of {checked} page states scroll sideways")
    errors = sorted({e for r in rows for e in r["console"]})
    print(f"\nconsole errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors))
    if nu:
        total = sum(len(v) for v in nu.values())
        own = sum(1 for v in nu.values() for m in v if m.startswith("[project]"))
        print(f"\nNu HTML checker: {total} errors in {len(nu)} rendered pages, {own} from the project's own markup")
        for message, n in Counter(m for v in nu.values() for m in v).most_common():
            print(f"  x{n}: {message}")
