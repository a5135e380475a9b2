"""The gallery in headless Chromium: slider latency of the widgets and the weight of every page.

Latency is measured in the page: ``performance.now()`` when the slider's value is set and its
``input`` event dispatched, and again just after the first paint (a ``requestAnimationFrame``
callback, then a task after it) by which the viewer's Plotly calls have all resolved. Inputs are
dispatched at varying points of a frame, as a reader's arrive; waiting for a full frame after each
update instead (this benchmark's earlier method) put a floor of one frame, 16.7 ms, under every
step. Goal: one frame, a median of at most 16 ms from input to paint for a training-viewer step
(the DESIGN.md budget is 50 ms); the rows below it give the time until Plotly's asynchronous
``relayout``/``animate`` calls resolve and the viewer's own synchronous work. Latencies depend on
the machine's load: the load average is printed with them.

Page weight counts every response the page loads (HTML, the plotly.js bundle from
``assets/vendor/``, widget scripts and styles, fetched data), raw and gzip-compressed (level 6,
what a static host with compression would send); a page is weighed once its figures and widgets
have drawn and no request of its own is pending (not on Playwright's "network idle", which never
comes while a 3-D surface renders with software WebGL).

Data: ``$GGMM_BENCH_DATA``, else ``$GGMM_TEST_EXPORTS``, else ``report/data``. ``--smoke``: a few
steps on one viewer and two pages, nothing judged.
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
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STEPS = 40
GOAL_MS = 16.0
BUDGET_MS = 50.0

VIEWER_LATENCY = """async (steps) => {
  const el = document.querySelector('.ggmm-training-viewer'), viewer = el.ggmmViewer;
  const slider = el.querySelector('.ggmm-tv-slider'), n = viewer.n, out = [], work = [], ready = [];
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));  // just after a paint
  await frame();
  for (let i = 0; i < steps; i++) {
    await new Promise(r => setTimeout(r, (i * 5) % 16));  // inputs land anywhere in a frame, as a reader's do
    const target = (i * 7 + 1) % n;            // jumps across the run, not only neighbours
    const t0 = performance.now();
    slider.value = String(target);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    let done = false;
    viewer.ready.then(() => { done = true; ready.push(performance.now() - t0); });  // Plotly's calls resolved
    do { await frame(); } while (!done);       // the first paint after every plot has its new state
    out.push(performance.now() - t0);
    work.push(viewer.lastUpdateMs);            // goTo's own synchronous work, as the viewer times it
  }
  return {painted: out, ready: ready, work: work};
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
    for candidate in (
        os.environ.get("GGMM_BENCH_DATA"),
        os.environ.get("GGMM_TEST_EXPORTS"),
        str(ROOT / "report" / "data"),
    ):
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


def _settle(tab: Any, pending: set[Any], timeout_s: float = 30.0) -> None:
    """Wait until no request the page started is still in flight (polling, at most ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        tab.wait_for_timeout(50)
    if pending:
        raise TimeoutError(
            f"{len(pending)} request(s) still pending after {timeout_s:.0f} s: {sorted(r.url for r in pending)[:3]}"
        )


def _weigh(browser: Any, url: str) -> list[str]:
    """The URLs of every response a page loaded, from an empty cache, once it has drawn and settled."""
    ctx = browser.new_context()  # empty cache: everything the page needs
    tab = ctx.new_page()
    pending: set[Any] = set()
    urls: list[str] = []
    tab.on("request", lambda r: pending.add(r))
    tab.on("requestfinished", lambda r: (pending.discard(r), urls.append(r.url)))
    tab.on("requestfailed", lambda r: pending.discard(r))
    tab.goto(url, wait_until="load")
    tab.wait_for_function(READY, timeout=30_000)  # widgets fetched their data and drew
    _settle(tab, pending)
    ctx.close()
    return urls


def _latency_row(label: str, times: list[float], judge: bool) -> tuple[str, str]:
    median, p95 = statistics.median(times), _percentile(times, 0.95)
    value = f"median {median:.1f} ms, p95 {p95:.1f} ms"
    if judge:
        goal = "within" if median <= GOAL_MS else "OVER"
        budget = "within" if median < BUDGET_MS else "OVER"
        value += f" ({goal} the {GOAL_MS:.0f} ms goal, {budget} the {BUDGET_MS:.0f} ms budget)"
    return f"{label} ({len(times)} steps)", value


def main(smoke: bool = False) -> list[tuple[str, str]]:
    if not CHROMIUM.exists():
        raise FileNotFoundError("Debian's chromium is not installed at /usr/bin/chromium")
    from ggmm_build.site.gallery import build_gallery
    from playwright.sync_api import sync_playwright

    steps, explorer_steps = (3, 3) if smoke else (STEPS, 30)
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
                viewers = sorted(n.name for n in (gallery / "en").glob("viewer-*.html"))
                if not viewers:
                    raise FileNotFoundError(f"the gallery in {gallery} has no training viewer page")
                for name in viewers[:1] if smoke else viewers:
                    page.goto(base + "en/" + name)
                    page.wait_for_function("() => document.querySelector('.ggmm-training-viewer').dataset.ready")
                    measured = page.evaluate(VIEWER_LATENCY, steps)
                    rows.append(_latency_row(f"viewer slider -> painted, {name}", measured["painted"], not smoke))
                    rows.append(_latency_row("  input -> Plotly's updates resolved", measured["ready"], False))
                    work = [w for w in measured["work"] if isinstance(w, int | float)]
                    if work:
                        rows.append(_latency_row("  of which the viewer's synchronous update", work, False))
                page.goto(base + "en/explorer.html")
                page.wait_for_function("() => document.querySelector('.ggmm-explorer').dataset.ready")
                rows.append(
                    _latency_row(
                        "explorer p slider -> painted (3-D surface, software WebGL)",
                        page.evaluate(EXPLORER_LATENCY, explorer_steps),
                        False,
                    )
                )
                rows.append(
                    ("load average (1 min) after the latencies", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
                )
                context.close()
                pages = [
                    f"{lang}/{path.name}" for lang in ("en", "zh") for path in sorted((gallery / lang).glob("*.html"))
                ]
                if smoke:
                    pages = ["en/explorer.html", f"en/{viewers[0]}"]
                vendor = {path.name: 0 for path in sorted((gallery / "assets" / "vendor").glob("*.js"))}
                for name in pages:
                    urls = _weigh(browser, base + name)
                    # the server sends files as they are: their bytes are what went over the wire
                    files = [gallery / unquote(urlsplit(u).path).lstrip("/") for u in urls if u.startswith(base)]
                    blobs = [f.read_bytes() for f in files if f.is_file()]
                    for f in files:
                        if f.parent.name == "vendor" and f.name in vendor:
                            vendor[f.name] += 1
                    raw, packed = sum(len(b) for b in blobs), sum(len(gzip.compress(b, 6)) for b in blobs)
                    rows.append(
                        (
                            f"page weight {name}",
                            f"{_fmt_bytes(raw)} raw, {_fmt_bytes(packed)} gzipped, {len(blobs)} requests",
                        )
                    )
                for bundle, n_pages in vendor.items():
                    js = (gallery / "assets" / "vendor" / bundle).read_bytes()
                    rows.append(
                        (
                            f"of which assets/vendor/{bundle}",
                            f"{_fmt_bytes(len(js))} raw, {_fmt_bytes(len(gzip.compress(js, 6)))} gzipped, "
                            f"loaded by {n_pages} of {len(pages)} pages",
                        )
                    )
                browser.close()
        finally:
            httpd.shutdown()
            httpd.server_close()
    return rows


if __name__ == "__main__":
    for label, value in main(smoke="--smoke" in sys.argv[1:]):
        print(f"{label:<70} {value}", file=sys.stdout)
