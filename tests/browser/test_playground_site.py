"""The playground page of the rendered site (``_site/``, written by ``make site``), in both
languages: it trains, shows its own language, and fits a phone. Skipped where the site was
not rendered (CI has no Quarto; tests/browser/test_playground.py covers the same code on a
standalone page)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import Watch
from ggmm_build.i18n.strings import t
from ggmm_build.site.serve import serving

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("GGMM_SITE_DIR", ROOT / "_site"))  # another rendered copy, if given
PAGE = "report/playground/index.html"

pytestmark = pytest.mark.skipif(
    not all((SITE / lang / PAGE).exists() for lang in ("en", "zh")),
    reason="the rendered site has no playground page: run `make site` (needs Quarto) first",
)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_rendered_playground_trains(browser: Any, lang: str, viewport: tuple[int, int]) -> None:
    with serving(SITE) as url:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, reduced_motion="reduce")
        watch = Watch(url)
        page = watch.attach(context.new_page())
        page.goto(f"{url}{lang}/{PAGE}")
        page.wait_for_function("() => window.kanPlayground !== undefined", timeout=90_000)
        page.evaluate("() => kanPlayground.ready")
        assert page.locator("[data-kp=play]").inner_text() == t("playground.play", lang)
        page.evaluate("kanPlayground.step(10)")
        state = page.evaluate("kanPlayground.state()")
        assert state["step"] == 10 and state["trainLoss"] == state["trainLoss"]
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]
        # the guided experiments' links set the playground up
        page.locator("a[href*='#task=']").first.click()
        page.wait_for_function("() => kanPlayground.state().step === 0 && location.hash.includes('n=1000')")
        assert not watch.errors and not watch.foreign, (watch.errors, watch.foreign)
        context.close()
