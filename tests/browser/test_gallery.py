"""The standalone gallery in headless Chromium: clean loads, no outside requests, working controls."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import READY, Watch, open_page
from ggmm_build.figures.widgets import training_viewer_html
from ggmm_build.i18n.strings import LANGS
from ggmm_build.site.serve import serving

from ggmm import GeneralizedGaussianMixture
from ggmm.packing import unpack

PHONE = {"width": 390, "height": 844}
PHONE_PAGES = {
    "en": ("comparison.html", "explorer.html", "viewer-"),
    "zh": ("ground-truth-original.html", "bspline.html"),
}


def _pages(gallery: Path, lang: str) -> list[str]:
    return sorted(p.name for p in (gallery / lang).glob("*.html"))


def _one_of_each_kind(names: list[str]) -> list[str]:
    """One page of every kind (``ground-truth-close.html`` and ``ground-truth-flat.html`` are one kind),
    plus every 3-D page (drawn by another plotly.js bundle)."""
    kinds: dict[str, str] = {}
    for name in names:
        kind = name.split("-")[0] if "-" in name else name
        kinds.setdefault(kind, name)
    return sorted(set(kinds.values()) | {n for n in names if "trivariate" in n})


def _first(gallery: Path, lang: str, prefix: str) -> str:
    names = [n for n in _pages(gallery, lang) if n.startswith(prefix)]
    assert names, f"the gallery has a {prefix}* page"
    return names[0]


@pytest.mark.parametrize("every", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["each-kind", "every"])
def test_pages_load_clean(browser: Any, server: str, gallery: Path, artifacts: Path, every: bool) -> None:
    """A page of every kind in both languages (every page with ``-m slow``): drawn, no console
    error, no request to another origin (a page that fails leaves its screenshot in the artifacts).

    Pages load two at a time (two tabs of one context, sharing the cache), which halves the wait
    on the software WebGL that headless Chromium uses for the 3-D figures.
    """
    names = {lang: _pages(gallery, lang) for lang in LANGS}
    for lang in LANGS:
        assert {"index.html", "comparison.html", "explorer.html", "bspline.html"} <= set(names[lang])
        assert any(p.startswith("viewer-") for p in names[lang])
        assert any(p.startswith("ground-truth-") for p in names[lang])
        assert names[lang] == names[LANGS[0]], "both languages have the same pages"
    chosen = {lang: names[lang] if every else _one_of_each_kind(names[lang]) for lang in LANGS}
    queue = ["index.html"] + [f"{lang}/{name}" for lang in LANGS for name in chosen[lang]]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tabs = [(Watch(server), context.new_page()) for _ in range(2)]
    for watch, page in tabs:
        watch.attach(page)
    problems: dict[str, list[str]] = {}
    try:
        for start in range(0, len(queue), len(tabs)):
            batch = list(zip(queue[start : start + len(tabs)], tabs, strict=False))
            for path, (watch, page) in batch:
                watch.reset()
                page.goto(server + path, wait_until="commit")
            for path, (watch, page) in batch:
                page.wait_for_load_state("load")
                page.wait_for_function(READY, timeout=20_000)
                if watch.errors or watch.foreign:  # the picture goes with the report (a full page is slow)
                    problems[path] = watch.errors + watch.foreign
                    page.screenshot(
                        path=str(artifacts / (path.replace("/", "-").removesuffix(".html") + ".png")), full_page=True
                    )
    finally:
        context.close()
    assert problems == {}
    for lang in LANGS:
        other = "zh" if lang == "en" else "en"
        for name in names[lang]:
            html = (gallery / lang / name).read_text(encoding="utf-8")
            assert 'src="http' not in html and "cdn." not in html, name
            assert f'href="../{other}/{name}"' in html, f"{lang}/{name} links to itself in the other language"


def test_pages_on_a_phone(browser: Any, server: str, gallery: Path, artifacts: Path) -> None:
    """Key pages at a phone's width: nothing makes the page as a whole scroll sideways (wide figures
    scroll inside their own box)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = Watch(server).attach(context.new_page())
    try:
        for lang in LANGS:
            for prefix in PHONE_PAGES[lang]:
                name = _first(gallery, lang, prefix)
                open_page(page, f"{server}{lang}/{name}")
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= PHONE["width"] + 1, f"{lang}/{name} scrolls sideways as a whole"
                page.screenshot(path=str(artifacts / f"phone-{lang}-{Path(name).stem}.png"), full_page=True)
    finally:
        context.close()


VIEWER_STATE = """el => {
  const plots = el.querySelectorAll('.js-plotly-plot');
  const [density, loss, network] = plots;
  return {
    step: el.dataset.step, frame: Number(el.dataset.frame),
    readout: el.querySelector('.ggmm-tv-readout').textContent,
    z: density.data[0].z.map(r => Array.from(r)),
    picture: density.layout.images[0].source,
    marker: Array.from(loss.data[3].x),
    curves: network.data.map(t => Array.from(t.x || []).filter(v => v !== null).map(v => v.toFixed(4)).join())
  };
}"""


def _slide(page: Any, index: int) -> None:
    page.evaluate(
        """i => { const s = document.querySelector('.ggmm-tv-slider');
                            s.value = String(i); s.dispatchEvent(new Event('input', {bubbles: true})); }""",
        index,
    )


def test_training_slider_moves_everything(
    tab: tuple[Any, Watch], server: str, gallery: Path, report_exports: Path
) -> None:
    page, watch = tab
    name = _first(gallery, "en", "viewer-")
    snap = json.loads(
        (report_exports / "training" / (name.removeprefix("viewer-").removesuffix(".html") + ".json")).read_text(
            encoding="utf-8"
        )
    )
    watch.reset()
    open_page(page, f"{server}en/{name}")
    viewer = page.locator(".ggmm-training-viewer")
    before = viewer.evaluate(VIEWER_STATE)
    assert before["frame"] == 0 and before["step"] == str(snap["frames"][0]["step"])
    target = len(snap["frames"]) - 1
    _slide(page, target)
    page.wait_for_function(
        "i => document.querySelector('.ggmm-training-viewer').dataset.frame === String(i)", arg=target
    )
    page.evaluate("() => document.querySelector('.ggmm-training-viewer').ggmmViewer.ready")
    moved = viewer.evaluate(VIEWER_STATE)
    frame = snap["frames"][target]
    assert moved["step"] == str(frame["step"]) != before["step"]
    assert str(frame["step"]) in moved["readout"]
    assert moved["marker"] == [frame["step"], frame["step"]]
    assert moved["picture"] != before["picture"], "the density picture changed at once"
    assert moved["curves"] != before["curves"], "the network's activation curves changed"
    # once the slider rests, the hover data (the heatmap's values) are those of the new frame
    page.wait_for_function(
        "i => document.querySelector('.ggmm-training-viewer').dataset.settled === String(i)", arg=target
    )
    after = viewer.evaluate(VIEWER_STATE)
    expected = unpack(frame["density"]).astype(float)
    assert np.allclose(np.array(after["z"], dtype=float), expected, atol=1e-6)
    assert not np.allclose(np.array(after["z"]), np.array(before["z"])), "the density values changed"
    assert watch.errors == [] and watch.foreign == []


def test_training_play_keys_and_error_map(tab: tuple[Any, Watch], server: str, gallery: Path) -> None:
    page, watch = tab
    watch.reset()
    open_page(page, f"{server}zh/{_first(gallery, 'zh', 'viewer-')}")
    viewer = page.locator(".ggmm-training-viewer")
    page.click(".ggmm-tv-play")
    page.wait_for_function(
        "() => Number(document.querySelector('.ggmm-training-viewer').dataset.frame) >= 3", timeout=10_000
    )
    page.click(".ggmm-tv-play")  # pause
    frame = int(viewer.get_attribute("data-frame"))
    page.wait_for_timeout(300)
    assert int(viewer.get_attribute("data-frame")) == frame, "paused"
    viewer.focus()
    page.keyboard.press("ArrowRight")
    assert int(viewer.get_attribute("data-frame")) == frame + 1
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert int(viewer.get_attribute("data-frame")) == frame - 1
    page.click(".ggmm-tv-compare")
    page.wait_for_function("""() => { const d = document.querySelector('.ggmm-tv-density');
                                      return d.data[1].z.some(r => Array.from(r).some(v => v < 0)); }""")
    assert watch.errors == [] and watch.foreign == []


def test_viewer_works_with_inline_data(browser: Any, gallery: Path, report_exports: Path, tmp_path: Path) -> None:
    """A page that embeds the snapshots (no fetch) and imports the viewer's module itself, without the
    loader, served over HTTP (ES modules do not run from file://)."""
    snapshot = sorted((report_exports / "training").glob("*.json"))[0]
    snap = json.loads(snapshot.read_text(encoding="utf-8"))
    shutil.copytree(gallery / "assets", tmp_path / "assets")
    page_file = tmp_path / "inline.html"
    page_file.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
        "<link rel='stylesheet' href='assets/css/widgets.css'>"
        "<script src='assets/vendor/plotly-full.min.js'></script>"
        "<script type='module' src='assets/js/training-viewer.js'></script></head><body>"
        f"{training_viewer_html('missing.json', 'en', inline=snap)}</body></html>",
        encoding="utf-8",
    )
    with serving(tmp_path) as base:
        context = browser.new_context()
        watch = Watch(base)
        page = watch.attach(context.new_page())
        try:
            page.goto(f"{base}inline.html")
            page.wait_for_function(READY)
            _slide(page, 2)
            assert page.locator(".ggmm-training-viewer").get_attribute("data-step") == str(snap["frames"][2]["step"])
            assert watch.errors == [] and watch.foreign == []
        finally:
            context.close()


def test_explorer_p_slider_recomputes_the_density(tab: tuple[Any, Watch], server: str) -> None:
    page, watch = tab
    watch.reset()
    open_page(page, f"{server}en/explorer.html")
    state = """() => { const el = document.querySelector('.ggmm-explorer'); const ex = el.ggmmExplorer;
                       const gd = el.querySelector('.ggmm-ex-plot');
                       return {p: ex.state.p, z: gd.data[0].z, xs: gd.data[0].x, ys: gd.data[0].y,
                               mixture: ex.last.mixture, sx: gd.data[4].x.slice(0, 20),
                               formula: el.querySelector('.ggmm-formula').textContent,
                               table: el.querySelector('.ggmm-ex-table').textContent}; }"""
    before = page.evaluate(state)
    page.evaluate("""() => { const s = document.querySelector('.ggmm-ex-p');
                             s.value = '150'; s.dispatchEvent(new Event('input', {bubbles: true})); }""")
    page.wait_for_function("p => document.querySelector('.ggmm-explorer').dataset.p !== p", arg=f"{before['p']:.4f}")
    page.wait_for_timeout(100)
    after = page.evaluate(state)
    assert after["p"] != pytest.approx(before["p"])
    assert not np.allclose(after["z"], before["z"]), "the density changed"
    assert after["sx"] != before["sx"], "the samples were redrawn with the new shape"
    assert after["formula"] != before["formula"] and after["table"] != before["table"]
    # the browser's surface is the density of the mixture it shows, as ggmm computes it
    m = GeneralizedGaussianMixture.from_dict(after["mixture"])
    two = GeneralizedGaussianMixture(m.centers[:, :2], m.scales[:, :2], m.weights, m.p, normalize_weights=True)
    g = two.grid(
        [[after["xs"][0], after["xs"][-1]], [after["ys"][0], after["ys"][-1]]], (len(after["xs"]), len(after["ys"]))
    )
    assert np.allclose(np.array(after["z"]), g.z, rtol=1e-6, atol=1e-12)
    assert watch.errors == [] and watch.foreign == []


SORTED = """() => {
  const gd = document.getElementById('fig-comparison');  // the per-method chart (the forest plot comes first)
  const fl = gd._fullLayout, out = [];
  for (const key of Object.keys(fl).filter(k => /^yaxis\\d*$/.test(k))) {
    const ax = fl[key];
    if (ax.type !== 'category' || !ax.visible) continue;
    const value = {};
    // the mean markers only: every seed's own tick sits on the same row
    gd._fullData.filter(t => t.visible === true && t.yaxis === ax._id && !(t.meta && t.meta.role === 'seeds'))
      .forEach(t => t.y.forEach((c, i) => { if (c != null) value[c] = t.x[i]; }));  // legend-only keys have no row
    const range = fl.xaxis.type === 'log' ? fl.xaxis.range.map(v => 10 ** v) : fl.xaxis.range.slice();
    out.push({categories: ax._categories.slice(), value: value, range: range,
              yrange: ax.range.slice()});
  }
  return out;
}"""


def _choose(page: Any, menu: int, label_part: str) -> None:
    """Open dropdown ``menu`` of the comparison figure and click the option containing ``label_part``."""
    page.locator(".updatemenu-header-group").nth(menu).click()
    page.locator(".updatemenu-dropdown-button", has_text=label_part).first.click()
    page.wait_for_timeout(150)


def _assert_sorted(view: list[dict[str, Any]]) -> None:
    assert len(view) == 1, "exactly one dataset axis is shown"
    cats, value, (lo, hi) = view[0]["categories"], view[0]["value"], view[0]["range"]
    shown = cats[: len(value)]
    assert set(shown) == set(value), "the rows with data come first (categories left over from another metric "
    assert view[0]["yrange"][1] < len(value), "sort last and stay outside the drawn range)"
    values = [value[c] for c in shown]
    assert values == sorted(values, reverse=True), "largest error at the bottom, best method on top"
    assert lo <= min(values) and hi >= max(values)
    assert not (lo == 0 and min(values) > 0.2 * (max(values) - min(values))), "the range is fitted to the data"


def test_comparison_sorted_under_every_control(tab: tuple[Any, Watch], server: str, report_exports: Path) -> None:
    page, watch = tab
    comparison = json.loads((report_exports / "comparison.json").read_text(encoding="utf-8"))
    watch.reset()
    open_page(page, f"{server}en/comparison.html")
    _assert_sorted(page.evaluate(SORTED))
    _choose(page, 1, "held-out NLL")
    nll_view = page.evaluate(SORTED)
    _assert_sorted(nll_view)
    with_nll = {
        r["method"]
        for r in comparison["summary"]
        if r["dataset"] == comparison["datasets"][0]["name"] and r["nll"] is not None
    }
    assert len(nll_view[0]["value"]) == len(with_nll)
    last = comparison["datasets"][-1]
    _choose(page, 0, last["title"]["en"])
    _assert_sorted(page.evaluate(SORTED))
    _choose(page, 1, "RMSE, grid")
    _assert_sorted(page.evaluate(SORTED))
    assert watch.errors == [] and watch.foreign == []


def test_em_and_bspline_controls(tab: tuple[Any, Watch], server: str, gallery: Path) -> None:
    page, watch = tab
    watch.reset()
    open_page(page, f"{server}en/{_first(gallery, 'en', 'em-history-')}")
    moved = page.evaluate("""async () => {
        const gd = document.querySelector('.js-plotly-plot');
        const steps = gd.layout.sliders[0].steps, last = steps[steps.length - 1];
        await Plotly.animate(gd, ...last.args);
        return [Number(last.label), gd.data[5].x[0]];
    }""")
    assert moved[0] == moved[1], "the log-likelihood marker follows the slider"
    open_page(page, f"{server}en/bspline.html")
    shown = page.evaluate("""async () => {
        const gd = document.querySelector('.js-plotly-plot');
        await Plotly.restyle(gd, ...gd.layout.sliders[0].steps[2].args);
        await Plotly.relayout(gd, ...gd.layout.updatemenus[0].buttons[4].args);
        return [gd._fullData.filter(t => t.visible === true).length, gd._fullLayout.yaxis4.domain];
    }""")
    assert shown[0] > 0 and shown[1] == [0, 1]
    assert watch.errors == [] and watch.foreign == []
