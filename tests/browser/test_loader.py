"""assets/js/loader.js in headless Chromium: a page paints without plotly.js, loads the smallest bundle
that draws it only when a figure is needed, and nothing moves when the figure is drawn."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from ggmm_build.figures.widgets import Poster, figure_html
from ggmm_build.site.assets import bundle_sources
from ggmm_build.site.serve import serving

ROOT = Path(__file__).resolve().parents[2]
# a 1x1 grey PNG stands in for a poster
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")


def _figure(kind: str) -> go.Figure:
    trace = go.Heatmap(z=[[1, 2], [3, 4]]) if kind == "heatmap" else go.Scatter(x=[0, 1], y=[1, 0])
    return go.Figure(trace, layout={"height": 320})


def _page(figures: list[str], activate: str) -> str:
    blocks = []
    for k, kind in enumerate(figures):
        poster = Poster("poster.png", 800, 320, "poster.png", "Interactive") if activate == "interact" else None
        blocks.append(figure_html(_figure(kind), f"f{k}", activate=activate, poster=poster))
    spacer = '<div style="height: 3000px">text</div>'
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>t</title>"
        "<link rel='icon' href='data:,'><link rel='stylesheet' href='assets/css/widgets.css'>"
        "<script type='module' src='assets/js/loader.js'></script></head><body><main>"
        + blocks[0]
        + spacer
        + "".join(blocks[1:])
        + "</main></body></html>"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("loader")
    shutil.copytree(ROOT / "assets" / "js", folder / "assets" / "js")
    shutil.copytree(ROOT / "assets" / "css", folder / "assets" / "css")
    (folder / "assets" / "vendor").mkdir()
    for name, source in bundle_sources(ROOT).items():
        shutil.copyfile(source, folder / "assets" / "vendor" / f"plotly-{name}.min.js")
    (folder / "poster.png").write_bytes(PIXEL)
    (folder / "interact.html").write_text(_page(["scatter", "scatter"], "interact"), encoding="utf-8")
    (folder / "visible.html").write_text(_page(["scatter", "heatmap"], "visible"), encoding="utf-8")
    with serving(folder) as base:
        yield base


def _open(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url.rsplit("/", 1)[-1]) if r.url.endswith(".js") else None)
    page.goto(url, wait_until="networkidle")
    return context, page, scripts


def test_a_poster_stands_in_until_the_reader_points_at_it(browser: Any, site: str) -> None:
    context, page, scripts = _open(browser, site + "interact.html")
    try:
        assert scripts == ["loader.js"], "the page paints without plotly.js"
        assert page.evaluate("() => typeof window.Plotly") == "undefined"
        figure = page.locator("#f0")
        before = figure.bounding_box()
        figure.hover()
        page.wait_for_function("() => document.querySelector('#f0').dataset.ggmmState === 'ready'")
        assert "plotly-basic.min.js" in scripts, "scatter alone needs only the basic bundle"
        assert not any(name in scripts for name in ("plotly-full.min.js", "plotly-cartesian.min.js"))
        assert page.locator("#f0 .ggmm-poster").count() == 0 and page.locator("#f0.js-plotly-plot").count() == 1
        assert figure.bounding_box()["height"] == before["height"], "drawing the figure moves nothing"
        assert page.evaluate("() => document.querySelector('#f1').dataset.ggmmState") is None, (
            "a figure nobody pointed at stays a picture"
        )
    finally:
        context.close()


def test_keyboard_readers_reach_the_figure(browser: Any, site: str) -> None:
    context, page, _ = _open(browser, site + "interact.html")
    try:
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.className") == "ggmm-activate"
        page.wait_for_function("() => document.querySelector('#f0').dataset.ggmmState === 'ready'")
    finally:
        context.close()


def test_figures_are_drawn_when_they_come_into_view(browser: Any, site: str) -> None:
    context, page, scripts = _open(browser, site + "visible.html")
    try:
        page.wait_for_function("() => document.querySelector('#f0').dataset.ggmmState === 'ready'")
        assert page.evaluate("() => document.querySelector('#f1').dataset.ggmmState") is None, "below the fold"
        assert "plotly-cartesian.min.js" in scripts and "plotly-basic.min.js" not in scripts, (
            "one bundle for the page: the smallest that draws both figures"
        )
        page.locator("#f1").scroll_into_view_if_needed()
        page.wait_for_function("() => document.querySelector('#f1').dataset.ggmmState === 'ready'")
        assert scripts.count("plotly-cartesian.min.js") == 1
    finally:
        context.close()
