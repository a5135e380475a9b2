"""Links out of the widgets, in the gallery in headless Chromium: the explorer's "train a KAN on this
mixture" opens the playground on the explorer's mixture (its (x1, x2) marginal in 3-D), and the
viewer's "link to this snapshot" opens the viewer at that snapshot, while a hostile hash opens it at
the first one without an error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from conftest import Watch, open_page
from ggmm_build.i18n.strings import t


@pytest.fixture
def reduced(browser: Any, server: str) -> Iterator[tuple[Any, Watch]]:
    """A desktop tab that asks for reduced motion (the playground then never starts by itself)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    watch = Watch(server)
    page = watch.attach(context.new_page())
    yield page, watch
    context.close()


def _mixture(hash_text: str) -> dict[str, np.ndarray]:
    """The mixture a playground hash carries (state.js's format: pairs by ';', numbers by ',')."""
    q = {k: v[0] for k, v in parse_qs(hash_text.lstrip("#"), keep_blank_values=True).items()}
    rows = lambda key: np.array([[float(v) for v in r.split(",")] for r in q[key].split(";")])  # noqa: E731
    return {
        "centers": rows("centers"),
        "scales": rows("scales"),
        "weights": rows("weights").ravel(),
        "p": rows("p").ravel(),
    }


def _explorer_link(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const el = document.querySelector('.ggmm-explorer');
        const a = el.querySelector('a.ggmm-ex-playground');
        return {href: a.href, text: a.textContent, title: a.title, marginal: a.dataset.marginal,
                mixture: el.ggmmExplorer.last.mixture}; }""")


def _open_playground(page: Any, url: str) -> dict[str, np.ndarray]:
    page.goto(url)
    page.wait_for_function("() => window.kanPlayground !== undefined", timeout=30_000)
    page.evaluate("() => kanPlayground.ready")
    assert page.locator("[data-kp=notes]").is_hidden(), "the playground corrected nothing"
    return _mixture(page.evaluate("() => kanPlayground.state().hash"))


def _expected(mixture: dict[str, Any]) -> dict[str, np.ndarray]:
    """The explorer's mixture as the playground should get it: (x1, x2), one shape per component."""
    centers, scales = np.array(mixture["centers"])[:, :2], np.array(mixture["scales"])[:, :2]
    k = len(centers)
    return {
        "centers": centers,
        "scales": scales,
        "weights": np.array(mixture["weights"]),
        "p": np.full(k, float(mixture["p"])),
    }


def _assert_same(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> None:
    for key in ("centers", "scales", "weights", "p"):
        assert got[key].shape == want[key].shape, key
        assert np.allclose(got[key], want[key], rtol=1e-5, atol=1e-9), key


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explorer_link_opens_the_same_mixture_in_the_playground(
    reduced: tuple[Any, Watch], server: str, lang: str
) -> None:
    page, watch = reduced
    open_page(page, f"{server}{lang}/explorer.html")
    before = _explorer_link(page)
    assert before["text"] == t("explorer.playground", lang)
    assert before["title"] == t("explorer.playground_title", lang) and before["marginal"] == "0"
    assert urlsplit(before["href"]).path == f"/{lang}/playground.html"
    # the link follows the controls
    page.evaluate("""() => { const s = document.querySelector('.ggmm-ex-p');
                             s.value = '150'; s.dispatchEvent(new Event('input', {bubbles: true})); }""")
    page.wait_for_function("h => document.querySelector('a.ggmm-ex-playground').href !== h", arg=before["href"])
    link = _explorer_link(page)
    assert _mixture(urlsplit(link["href"]).fragment)["p"][0] != pytest.approx(
        _mixture(urlsplit(before["href"]).fragment)["p"][0]
    )
    _assert_same(_open_playground(page, link["href"]), _expected(link["mixture"]))
    assert page.locator("[data-kp=preset]").input_value() == "", "a custom mixture, not a preset"
    assert watch.errors == [] and watch.foreign == []


def test_explorer_link_sends_the_marginal_of_a_3d_mixture(
    reduced: tuple[Any, Watch], server: str, report_exports: Path
) -> None:
    page, watch = reduced
    presets = json.loads((report_exports / "presets.json").read_text(encoding="utf-8"))["presets"]
    index = next(i for i, p in enumerate(presets) if len(p["mixture"]["centers"][0]) == 3)
    open_page(page, f"{server}en/explorer.html")
    page.locator(".ggmm-ex-preset-select").select_option(str(index))
    page.wait_for_function("() => document.querySelector('a.ggmm-ex-playground').dataset.marginal === '1'")
    link = _explorer_link(page)
    assert len(link["mixture"]["centers"][0]) == 3
    assert t("explorer.playground_marginal", "en") in link["title"]
    got = _open_playground(page, link["href"])
    assert got["centers"].shape[1] == 2
    _assert_same(got, _expected(link["mixture"]))
    assert watch.errors == [] and watch.foreign == []


def _viewer_page(gallery: Path) -> str:
    names = sorted(p.name for p in (gallery / "en").glob("viewer-*.html"))
    assert names
    return next((n for n in names if "staged" in n), names[0])


def _viewer(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => { const el = document.querySelector('.ggmm-training-viewer');
        const a = el.querySelector('a.ggmm-tv-link');
        return {frame: Number(el.dataset.frame), step: el.dataset.step, href: a.href, text: a.textContent,
                id: el.id, n: el.ggmmViewer.n, frames: el.ggmmViewer.frames.map(f => [f.step, f.stage])}; }""")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_viewer_snapshot_link_opens_that_snapshot(
    tab: tuple[Any, Watch], server: str, gallery: Path, lang: str
) -> None:
    page, watch = tab
    watch.reset()
    name = _viewer_page(gallery)
    open_page(page, f"{server}{lang}/{name}")
    first = _viewer(page)
    assert first["frame"] == 0 and first["text"] == t("viewer.link", lang)
    # a snapshot whose step another snapshot shares, when there is one (the stage tells them apart)
    steps = [s for s, _ in first["frames"]]
    target = next(
        (i for i in range(1, first["n"]) if steps.count(steps[i]) > 1 and steps.index(steps[i]) != i), first["n"] // 2
    )
    page.evaluate(
        """i => { const s = document.querySelector('.ggmm-tv-slider');
                            s.value = String(i); s.dispatchEvent(new Event('input', {bubbles: true})); }""",
        target,
    )
    shown = _viewer(page)
    step, stage = first["frames"][target]
    assert shown["frame"] == target
    assert urlsplit(shown["href"]).fragment == f"{shown['id']}-step-{step}-{stage}"
    assert urlsplit(shown["href"]).path == f"/{lang}/{name}"
    page.goto("about:blank")
    open_page(page, shown["href"])
    opened = _viewer(page)
    assert opened["frame"] == target and opened["step"] == str(step)
    # following a link to another snapshot on the same page moves the viewer there
    other = f"{shown['id']}-step-{first['frames'][1][0]}-{first['frames'][1][1]}"
    page.evaluate("h => { location.hash = h; }", other)
    page.wait_for_function("() => document.querySelector('.ggmm-training-viewer').dataset.frame === '1'")
    assert watch.errors == [] and watch.foreign == []


@pytest.mark.parametrize(
    "fragment",
    [
        "{id}-step-abc",
        "{id}-step-99999999-train",
        "{id}-step-0-<script>alert(1)",
        "%3Cimg%20src=x%20onerror=alert(1)%3E",
        "{id}-step-%E0%A4%A",
        "{id}-step-" + "9" * 3000,
        "other-viewer-step-0-train",
        "{id}-step--1",
    ],
)
def test_a_hostile_hash_opens_the_first_snapshot(
    tab: tuple[Any, Watch], server: str, gallery: Path, fragment: str
) -> None:
    page, watch = tab
    watch.reset()
    name = _viewer_page(gallery)
    viewer_id = f"viewer-{name.removeprefix('viewer-').removesuffix('.html')}"
    page.goto("about:blank")
    open_page(page, f"{server}en/{name}#{fragment.format(id=viewer_id)}")
    state = _viewer(page)
    assert state["id"] == viewer_id
    assert state["frame"] == 0 and state["step"] == str(state["frames"][0][0])
    assert page.locator(".ggmm-training-viewer .ggmm-error").count() == 0
    assert watch.errors == [] and watch.foreign == []
