"""Fixtures of the browser tests: the gallery built from the report's exports, served on 127.0.0.1,
and Debian's headless Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def gallery(report_exports: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The standalone gallery built from the report's exports (the committed ones by default)."""
    from ggmm_build.site.gallery import build_gallery

    out = tmp_path_factory.mktemp("gallery")
    build_gallery(out, report_exports)
    return out


@pytest.fixture(scope="session")
def server(gallery: Path) -> Iterator[str]:
    """Base URL of a local http.server (127.0.0.1, any free port) serving the gallery."""
    handler = functools.partial(_QuietHandler, directory=str(gallery))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored); emptied of the previous run's screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    return ARTIFACTS


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught exceptions, off-origin requests."""

    origin: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> Any:
        page.on(
            "console",
            lambda msg: self.errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("request", self._request)
        return page

    def _request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.origin) or url.startswith("data:") or url.startswith("blob:")):
            self.foreign.append(url)

    def reset(self) -> None:
        self.errors.clear()
        self.foreign.clear()


READY = """() => {
  const plots = [...document.querySelectorAll('.plotly-graph-div')];
  const widgets = [...document.querySelectorAll('.ggmm-training-viewer, .ggmm-explorer')];
  return plots.every(d => d.classList.contains('js-plotly-plot'))
      && widgets.every(w => w.dataset.ready === '1' || w.querySelector('.ggmm-error'));
}"""


@pytest.fixture(scope="module")
def tab(browser: Any, server: str) -> Iterator[tuple[Any, Watch]]:
    """One desktop tab (its cache keeps the plotly.js bundle parsed between pages) and its watch."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch(server)
    page = watch.attach(context.new_page())
    yield page, watch
    context.close()


def open_page(page: Any, url: str) -> None:
    """Go to ``url`` and wait until every figure is drawn and every widget built."""
    page.goto(url, wait_until="load")
    page.wait_for_function(READY, timeout=90_000)
