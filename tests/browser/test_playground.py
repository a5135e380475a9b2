"""The KAN playground in headless Chromium, on a standalone page (no Quarto needed):
the worker trains, window.kanPlayground keeps its contract, the model it reports is pykan's
(same outputs in pykan), the URL hash reproduces a run, hostile links are corrected with a
visible note, divergence stops with a message, controls work from the keyboard, reduced
motion means no autoplay, and both languages show their own labels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from conftest import Watch
from ggmm_build.i18n.strings import t
from ggmm_build.pages.playground_page import write_harness
from ggmm_build.site.serve import serving

from ggmm.estimators._pykan import new_kan, pykan_sandbox

ROOT = Path(__file__).resolve().parents[2]
SMALL = "task=regression&n=400&seed=3&grid=5&order=3&lr=0.02&hidden=3&steps=200"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("playground")
    write_harness(folder / "en", "en")
    write_harness(folder / "zh", "zh")
    with serving(folder) as url:
        yield url


def _open(
    browser: Any, url: str, *, reduced: bool = True, viewport: tuple[int, int] = (1280, 800)
) -> tuple[Any, Watch]:
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, reduced_motion="reduce" if reduced else "no-preference"
    )
    watch = Watch(url.split("/en/")[0].split("/zh/")[0])
    page = watch.attach(context.new_page())
    page.goto(url)
    page.wait_for_function("() => window.kanPlayground !== undefined", timeout=90_000)
    page.evaluate("() => kanPlayground.ready")
    return page, watch


def _pykan_outputs(model: dict, points: np.ndarray) -> np.ndarray:
    """pykan's own forward pass with the parameters the page reports."""
    dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        with pykan_sandbox(0) as box:
            width = model["width"]
            kan = new_kan(width, len(model["layers"][0]["grid"][0]) - 2 * model["k"] - 1, model["k"], 0, box.ckpt_path)
            with torch.no_grad():
                for layer, data in zip(kan.act_fun, model["layers"], strict=True):
                    for name in ("grid", "coef", "scale_base", "scale_sp", "mask"):
                        getattr(layer, name).data = torch.tensor(data[name], dtype=torch.float64)
                return kan(torch.tensor(points, dtype=torch.float64))[:, 0].numpy()
    finally:
        torch.set_default_dtype(dtype)


def test_contract_and_pykan_agreement(browser: Any, site: str) -> None:
    page, watch = _open(browser, f"{site}en/index.html#{SMALL}")
    state = page.evaluate("kanPlayground.state()")
    assert state["step"] == 0 and not state["playing"], state  # reduced motion: no autoplay
    page.evaluate("kanPlayground.step(12)")
    state = page.evaluate("kanPlayground.state()")
    assert state["step"] == 12 and np.isfinite(state["trainLoss"]) and np.isfinite(state["validationLoss"])
    model = page.evaluate("kanPlayground.model()")
    assert model["width"] == [2, 3, 1] and model["k"] == 3
    layer = model["layers"][0]
    assert np.array(layer["coef"]).shape == (2, 3, 8) and np.array(layer["grid"]).shape == (2, 12)
    points = np.random.default_rng(0).uniform(-1.1, 1.1, size=(50, 2))
    js = np.array(page.evaluate("(p) => kanPlayground.predict(p)", points.tolist()))
    py = _pykan_outputs(model, points)
    assert np.max(np.abs(js - py) / np.maximum(np.abs(py), 1e-6)) < 1e-9
    assert not watch.errors and not watch.foreign, (watch.errors, watch.foreign)
    page.context.close()


def test_export_loads_into_pykan_with_the_pages_snippet(
    browser: Any, site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Export button's file, loaded by the Python snippet the page shows, predicts what the page does."""
    page, _ = _open(browser, f"{site}en/index.html#{SMALL}")
    page.evaluate("kanPlayground.step(5)")
    with page.expect_download() as download:
        page.locator("[data-kp=export]").click()
    download.value.save_as(tmp_path / "kan-playground-step400.json")
    points = np.random.default_rng(1).uniform(-1, 1, size=(20, 2))
    js = np.array(page.evaluate("(p) => kanPlayground.predict(p)", points.tolist()))
    page.context.close()
    source = (ROOT / "report" / "playground" / "index.qmd").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", source, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)
    dtype = torch.get_default_dtype()
    try:
        with pykan_sandbox(0):
            namespace: dict[str, Any] = {}
            exec(snippet, namespace)  # noqa: S102 - the page's own snippet
            with torch.no_grad():
                py = namespace["model"](torch.tensor(points))[:, 0].numpy()
    finally:
        torch.set_default_dtype(dtype)
    assert np.max(np.abs(js - py)) < 1e-9 * max(1.0, float(np.max(np.abs(py))))
    assert not (tmp_path / "model").exists()


def test_hash_reproduces_the_run(browser: Any, site: str) -> None:
    page, _ = _open(browser, f"{site}en/index.html#{SMALL}")
    page.evaluate("kanPlayground.step(25)")
    page.wait_for_function("() => kanPlayground.state().hash.includes('step=25')")
    first = page.evaluate("kanPlayground.state()")
    assert "grid=5" in first["hash"] and "hidden=3" in first["hash"]
    assert page.evaluate("location.hash") == "#" + first["hash"]
    page.context.close()
    again, _ = _open(browser, f"{site}en/index.html#{first['hash']}")  # trains to step 25 on its own
    again.wait_for_function("() => kanPlayground.state().step === 25")
    second = again.evaluate("kanPlayground.state()")
    assert second["hash"] == first["hash"]
    assert second["trainLoss"] == first["trainLoss"] and second["validationLoss"] == first["validationLoss"]
    again.context.close()


def test_hostile_hash_is_corrected_with_a_note(browser: Any, site: str) -> None:
    hostile = (
        "grid=100000&n=1000000000&lr=abc&hidden=9,9,9&%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E=1"
        "&task=<b>x</b>&centers=1e308,nan;0,0&p=0"
    )
    page, watch = _open(browser, f"{site}en/index.html#{hostile}")
    state = page.evaluate("kanPlayground.state()")
    assert "grid=30" in state["hash"] and "n=10000" in state["hash"] and "lr=0.02" in state["hash"]
    assert "hidden=8,8" in state["hash"] and "task=density" in state["hash"]
    notes = page.locator("[data-kp=notes]")
    assert notes.is_visible()
    text = notes.inner_text()
    assert "<img" in text  # shown as text ...
    assert page.locator(".kan-playground img").count() == 0  # ... never as markup
    assert page.evaluate("document.querySelectorAll('.kan-playground b').length") == 0
    page.evaluate("kanPlayground.step(2)")
    assert np.isfinite(page.evaluate("kanPlayground.state()")["trainLoss"])
    assert not watch.errors, watch.errors
    page.context.close()


def test_divergence_stops_with_a_message_and_reset(browser: Any, site: str) -> None:
    page, _ = _open(browser, f"{site}en/index.html#task=density&n=400&lr=100&hidden=3")
    page.evaluate("kanPlayground.step(400)")
    state = page.evaluate("kanPlayground.state()")
    assert state["diverged"], state
    alert = page.locator("[data-kp=diverged]")
    assert alert.is_visible() and "diverged" in alert.inner_text()
    page.locator("[data-kp=reset2]").click()
    page.wait_for_function("() => kanPlayground.state().step === 0 && !kanPlayground.state().diverged")
    assert not alert.is_visible()
    page.context.close()


def test_keyboard_controls_and_autoplay(browser: Any, site: str) -> None:
    page, _ = _open(browser, f"{site}en/index.html#{SMALL}", reduced=False)
    page.wait_for_function("() => kanPlayground.state().playing", timeout=90_000)  # autoplay
    page.locator("[data-kp=play]").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => !kanPlayground.state().playing")
    grid = page.locator("[data-kp=grid]")
    grid.focus()
    grid.fill("8")
    page.keyboard.press("Tab")
    page.wait_for_function("() => kanPlayground.state().hash.includes('grid=8')")
    assert page.evaluate("kanPlayground.state().step") == 0
    # every control has an accessible name
    unnamed = page.evaluate("""() => [...document.querySelectorAll(
        '.kan-playground input, .kan-playground select, .kan-playground button')].filter(el =>
        !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
        .map(el => el.outerHTML)""")
    assert unnamed == []
    page.context.close()


def test_chinese_labels_and_phone_width(browser: Any, site: str) -> None:
    page, watch = _open(browser, f"{site}zh/index.html#{SMALL}", viewport=(390, 844))
    assert page.locator("[data-kp=play]").inner_text() == t("playground.play", "zh")
    page.evaluate("kanPlayground.step(3)")
    page.wait_for_function("() => document.querySelector('[data-kp=status]').textContent.includes('第 3 步')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not watch.errors, watch.errors
    page.context.close()
