"""The rendered site, checked in headless Chromium. Needs the quarto binary.

`make site` must succeed; then every page of both languages loads with no console error
and no request to another origin, the language switch lands on the same page, every
internal link resolves, the training viewer works inside its page, and the PDF has a
plausible number of pages with images that are not blank.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from ggmm_build import site

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_site"

pytestmark = [pytest.mark.quarto, pytest.mark.browser]

if shutil.which("quarto") is None:
    pytest.skip(
        "quarto binary not found: install Quarto (https://quarto.org/docs/get-started/ or "
        "`pip install quarto-cli` with internet access) to render and check the site",
        allow_module_level=True,
    )


def _pages(lang: str) -> list[str]:
    return [page.with_suffix(".html").as_posix() for page in site.page_sources(ROOT)]


@pytest.fixture(scope="session")
def built_site() -> Path:
    """Run `make site` once (exports and freeze make a second run cheap)."""
    result = subprocess.run(["make", "site"], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert (SITE / "index.html").exists()
    return SITE


@pytest.fixture(scope="session")
def server(built_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    # Served from a sub-path, as on a GitHub project page: the site must not assume the root.
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _open(browser, url: str):
    """Load ``url``; return the page, its console errors and its requests to other origins."""
    page = browser.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    origin = urlsplit(url).netloc
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: foreign.append(req.url)
            if urlsplit(req.url).scheme in ("http", "https") and urlsplit(req.url).netloc != origin else None)
    page.goto(url, wait_until="networkidle")
    return page, errors, foreign


@pytest.mark.parametrize("lang", site.LANGS)
def test_every_page_loads_cleanly_and_offline(browser, server, lang):
    for path in _pages(lang):
        page, errors, foreign = _open(browser, f"{server}{lang}/{path}")
        try:
            assert errors == [], f"{lang}/{path}: {errors}"
            assert foreign == [], f"{lang}/{path} asked other origins: {foreign}"
            assert page.locator("html").get_attribute("lang").startswith(lang)
        finally:
            page.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_language_switch_lands_on_the_same_page(browser, server, lang):
    other = "zh" if lang == "en" else "en"
    for path in _pages(lang):
        page, _, _ = _open(browser, f"{server}{lang}/{path}")
        try:
            link = page.locator(f'nav a[href$="{other}/{path}"]')
            assert link.count() >= 1, f"{lang}/{path}: no switch to {other}"
            link.first.click()
            page.wait_for_load_state("networkidle")
            assert page.url == f"{server}{other}/{path}"
        finally:
            page.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_internal_links_resolve(browser, server, lang):
    import urllib.request

    checked: set[str] = set()
    for path in _pages(lang):
        page, _, _ = _open(browser, f"{server}{lang}/{path}")
        try:
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        finally:
            page.close()
        for href in hrefs:
            target = urljoin(f"{server}{lang}/{path}", href).split("#")[0]
            if not target.startswith(server) or target in checked:
                continue
            checked.add(target)
            with urllib.request.urlopen(target) as response:  # noqa: S310 - local server
                assert response.status == 200, target
    assert len(checked) > len(_pages(lang))


def test_root_page_redirects_to_a_language(browser, server):
    page, errors, foreign = _open(browser, server)
    try:
        page.wait_for_url("**/report/overview/index.html")
        assert errors == [] and foreign == []
    finally:
        page.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_training_viewer_works_inside_its_page(browser, server, lang):
    page, errors, _ = _open(browser, f"{server}{lang}/report/results/training.html")
    try:
        viewer = page.locator(".ggmm-training-viewer").first
        viewer.wait_for(state="visible")
        slider = viewer.locator('input[type="range"]').first
        slider.wait_for(timeout=15000)
        before = viewer.inner_html()
        slider.evaluate("el => { el.value = el.min; el.dispatchEvent(new Event('input', {bubbles: true})); }")
        page.wait_for_timeout(300)
        slider.evaluate("el => { el.value = el.max; el.dispatchEvent(new Event('input', {bubbles: true})); }")
        page.wait_for_timeout(300)
        assert viewer.inner_html() != before, "moving the slider changed nothing"
        assert viewer.locator(".js-plotly-plot").count() >= 1
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_pdf_has_pages_and_real_images(built_site, lang):
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF (pip install pypdf)")
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pdf = built_site / lang / "report" / "pdf" / "ggmm-kan-report.pdf"
    reader = pypdf.PdfReader(str(pdf))
    assert 15 <= len(reader.pages) <= 150
    images = [image for pdf_page in reader.pages for image in pdf_page.images]
    assert len(images) >= 8
    for image in images:
        pixels = np.asarray(Image.open(BytesIO(image.data)).convert("L"), dtype=float)
        assert pixels.std() > 2.0, f"{image.name} is blank"
    if lang == "zh":
        text = "".join(page.extract_text() or "" for page in reader.pages[:5])
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), "no Chinese text in the Chinese PDF"


@pytest.mark.parametrize("lang", site.LANGS)
def test_slides_and_pptx_exist(built_site, lang):
    assert (built_site / lang / "report" / "slides.html").exists()
    assert (built_site / lang / "report" / "slides.pptx").stat().st_size > 10_000


def test_second_make_site_executes_nothing(built_site):
    result = subprocess.run(["make", "site"], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0
    assert "Starting python3 kernel" not in result.stdout + result.stderr, "a code cell ran again"
