"""The gallery in headless Chromium: slider latency of the widgets and the weight of every page.

Latency is measured in the page: ``performance.now()`` when the slider's value is set and its
``input`` event dispatched, and again once the update has run and the next frame has been painted
(a ``requestAnimationFrame`` callback, then a task after it). Page weight counts every response the
page loads (HTML, plotly.min.js, widget scripts and styles, fetched data), raw and gzip-compressed
(level 6, what a static host with compression would send). Budget (DESIGN.md): median < 50 ms for a
training-viewer step. Data: ``$GGMM_BENCH_DATA``, else ``$GGMM_TEST_EXPORTS``, else ``report/data``.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STEPS = 40
BUDGET_MS = 50.0

VIEWER_LATENCY = """async (steps) => {
  const el = document.querySelector('.ggmm-training-viewer'), viewer = el.ggmmViewer;
  const slider = el.querySelector('.ggmm-tv-slider'), n = viewer.n, out = [];
  const painted = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  await painted();
  for (let i = 0; i < steps; i++) {
    const target = (i * 7 + 1) % n;            // jumps across the run, not only neighbours
    const t0 = performance.now();
    slider.value = String(target);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    await viewer.ready;
    await painted();
    out.push(performance.now() - t0);
  }
  return out;
}"""

EXPLORER_LATENCY = """async (steps) => {
  const el = document.querySelector('.ggmm-explorer'), ex = el.ggmmExplorer;
  const slider = el.querySelector('.ggmm-ex-p'), out = [];
  const painted = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  await ex.ready; await painted();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    slider.value = String(100 + (i * 137) % 800);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise(r => requestAnimationFrame(r));   // the explorer updates on the next frame
    await ex.ready;
    await painted();
    out.push(performance.now() - t0);
  }
  return out;
}"""


READY = """() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d.classList.contains('js-plotly-plot'))
  && [...document.querySelectorAll('.ggmm-training-viewer, .ggmm-explorer')].every(w => w.dataset.ready === '1')"""


def _data_dir() -> Path:
    for candidate in (os.environ.get("GGMM_BENCH_DATA"), os.environ.get("GGMM_TEST_EXPORTS"),
                      str(ROOT / "report" / "data")):
        if candidate and (Path(candidate) / "presets.json").is_file():
            return Path(candidate)
    raise FileNotFoundError("no exports found: run `make data` or set GGMM_BENCH_DATA")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _fmt_bytes(n: int) -> str:
    return f"{n / 1024:,.0f} kB" if n < 1024**2 else f"{n / 1024**2:,.2f} MB"


def main() -> list[tuple[str, str]]:
    if not CHROMIUM.exists():
        raise FileNotFoundError("Debian's chromium is not installed at /usr/bin/chromium")
    from ggmm_build.gallery import build_gallery
    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        gallery = Path(tmp) / "gallery"
        build_gallery(gallery, _data_dir())
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(gallery)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                for name in sorted(n.name for n in (gallery / "en").glob("viewer-*.html")):
                    page.goto(base + "en/" + name)
                    page.wait_for_function("() => document.querySelector('.ggmm-training-viewer').dataset.ready")
                    times = page.evaluate(VIEWER_LATENCY, STEPS)
                    median, p95 = statistics.median(times), _percentile(times, 0.95)
                    verdict = "within" if median < BUDGET_MS else "OVER"
                    rows.append((f"viewer slider -> painted, {name} ({len(times)} steps)",
                                 f"median {median:.1f} ms, p95 {p95:.1f} ms ({verdict} the {BUDGET_MS:.0f} ms budget)"))
                page.goto(base + "en/explorer.html")
                page.wait_for_function("() => document.querySelector('.ggmm-explorer').dataset.ready")
                times = page.evaluate(EXPLORER_LATENCY, 30)
                rows.append(("explorer p slider -> painted (3-D surface, software WebGL; 30 steps)",
                             f"median {statistics.median(times):.1f} ms, p95 {_percentile(times, 0.95):.1f} ms"))
                context.close()
                totals = []
                for lang in ("en", "zh"):
                    for path in sorted((gallery / lang).glob("*.html")):
                        ctx = browser.new_context()  # empty cache: everything the page needs
                        tab = ctx.new_page()
                        urls: list[str] = []
                        tab.on("requestfinished", lambda r, urls=urls: urls.append(r.url))
                        tab.goto(f"{base}{lang}/{path.name}", wait_until="load")
                        tab.wait_for_function(READY, timeout=30_000)  # widgets fetched their data and drew
                        tab.wait_for_load_state("networkidle")
                        ctx.close()
                        # the server sends files as they are: their bytes are what went over the wire
                        files = [gallery / unquote(urlsplit(u).path).lstrip("/") for u in urls if u.startswith(base)]
                        blobs = [f.read_bytes() for f in files if f.is_file()]
                        raw = sum(len(b) for b in blobs)
                        packed = sum(len(gzip.compress(b, 6)) for b in blobs)
                        totals.append((f"{lang}/{path.name}", raw, packed, len(blobs)))
                for name, raw, packed, n in totals:
                    rows.append((f"page weight {name}", f"{_fmt_bytes(raw)} raw, {_fmt_bytes(packed)} gzipped, "
                                                         f"{n} requests"))
                plotly_js = (gallery / "assets" / "plotly.min.js").read_bytes()
                zipped = len(gzip.compress(plotly_js, 6))
                rows.append(("of which plotly.min.js (every page)",
                             f"{_fmt_bytes(len(plotly_js))} raw, {_fmt_bytes(zipped)} gzipped"))
                browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
    return rows


if __name__ == "__main__":
    for label, value in main():
        print(f"{label:<70} {value}", file=sys.stdout)
