"""The rendered site, checked in headless Chromium. Needs the quarto binary (CI has none: skipped).

`make site` must succeed and leave the work tree as it was; then every page of both languages
loads with no console error and no request to another origin, has a description, fits a
390 px phone, loads plotly.js only when it draws something; the language switch lands on the
same page; every internal link resolves; figure numbers agree with the page titles; the
training viewer works once started; the PDF has pages and real pictures; a second `make site`
renders nothing and leaves the site the same size.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from ggmm_build import site
from ggmm_build.site.serve import serving

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_site"
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.quarto, pytest.mark.browser]

if shutil.which("quarto") is None:
    pytest.skip(
        "quarto binary not found: install Quarto (https://quarto.org/docs/get-started/ or "
        "`pip install quarto-cli` with internet access) to render and check the site",
        allow_module_level=True,
    )


def _pages() -> list[str]:
    return [page.with_suffix(".html").as_posix() for page in site.page_sources(ROOT)]


def _git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="session")
def built_site() -> dict:
    """Run `make site` once (the exports, the pictures and the freeze make a second run cheap)."""
    before = _git_status()
    result = subprocess.run(["make", "site"], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert (SITE / "index.html").exists()
    return {
        "log": result.stdout + result.stderr,
        "status_before": before,
        "status_after": _git_status(),
        "size": _size(SITE),
    }


@pytest.fixture(scope="session")
def server(built_site):
    # Served from a sub-path, as on a GitHub project page: the site must not assume the root.
    with serving(SITE) as base:
        yield base


def _open(browser, url: str, **context):
    """Load ``url``; return the context, the page, its console errors and its requests to other origins."""
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    origin = urlsplit(url).netloc
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda req: (
            foreign.append(req.url)
            if urlsplit(req.url).scheme in ("http", "https") and urlsplit(req.url).netloc != origin
            else None
        ),
    )
    page.goto(url, wait_until="networkidle")
    return ctx, page, errors, foreign


def test_a_build_leaves_the_work_tree_as_it_was(built_site):
    assert built_site["status_after"] == built_site["status_before"]
    assert "Duplicate identifier" not in built_site["log"]


def test_the_site_is_only_the_site(built_site):
    assert built_site["size"] < 40 * 2**20, f"{built_site['size'] / 2**20:.1f} MB"
    for lang in site.LANGS:
        assert not (SITE / lang / "_site").exists() and not list((SITE / lang).rglob(".venv"))
        assert not list((SITE / lang).rglob("*.qmd")), "page sources copied into the site"
    names = {p.name for p in SITE.rglob("*") if p.is_file()}
    assert not any(name.endswith(".map") for name in names)


@pytest.mark.parametrize("lang", site.LANGS)
def test_every_page_loads_cleanly_offline_and_fits_a_phone(browser, server, lang):
    for size in (
        {"viewport": {"width": 1280, "height": 800}},
        {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    ):
        for path in _pages():
            ctx, page, errors, foreign = _open(browser, f"{server}{lang}/{path}", **size)
            try:
                assert errors == [], f"{lang}/{path}: {errors}"
                assert foreign == [], f"{lang}/{path} asked other origins: {foreign}"
                assert page.locator("html").get_attribute("lang").startswith(lang)
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= size["viewport"]["width"], f"{lang}/{path} is {width} px wide"
            finally:
                ctx.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_pages_say_what_they_are_and_load_only_what_they_use(built_site, lang):
    for path in _pages():
        html = (SITE / lang / path).read_text(encoding="utf-8")
        assert re.search(r'<meta name="description" content="[^"]{10,}"', html), path
        assert "plotly" not in re.sub(r"data-ggmm-plotly=\"[a-z0-9]+\"", "", html.split("</head>")[0]), (
            f"{path} loads plotly.js in its head"
        )
        draws = 'data-ggmm-widget="' in html
        assert ("assets/js/loader.js" in html) == draws, path
        # an inline value that printed a Python object instead of its text
        leaked = re.search(r"&lt;(?:function|bound method|built-in method)[^&]{0,80}", html)
        assert leaked is None, f"{path} prints {leaked.group(0) if leaked else ''}"


@pytest.mark.parametrize("lang", site.LANGS)
def test_figure_numbers_agree_with_the_page_titles(built_site, lang):
    word = {"en": "Figure", "zh": "图"}[lang]
    for path in _pages():
        html = (SITE / lang / path).read_text(encoding="utf-8")
        title = re.search(r'<h1 class="title">(.*?)</h1>', html, re.S)
        match = re.match(rf"{word}\s*(\d+)", title.group(1).strip()) if title else None
        captions = re.findall(r'<figcaption class="[^"]*quarto-float-fig[^"]*"[^>]*>\s*(.*?)[:：]', html, re.S)
        if match:
            assert captions, path
            for caption in captions:
                assert re.sub(r"&nbsp;|\s", "", caption).startswith(f"{word}{match.group(1)}"), (path, caption)


def _without_index(url: str) -> str:
    return url.removesuffix("index.html")


@pytest.mark.parametrize("lang", site.LANGS)
def test_language_switch_lands_on_the_same_page(browser, server, lang):
    other = "zh" if lang == "en" else "en"
    for path in _pages():
        ctx, page, _, _ = _open(browser, f"{server}{lang}/{path}")
        try:
            # Quarto's navigation script drops a trailing index.html from links when served over http
            target = _without_index(f"{server}{other}/{path}")
            hrefs = page.eval_on_selector_all("nav a", "links => links.map(a => a.href)")
            # the switch carries the page's state in its fragment (a playground setting, a snapshot)
            switch = [h for h in hrefs if _without_index(h.split("#")[0]) == target]
            assert switch, f"{lang}/{path}: no switch to {other}"
            assert urlsplit(switch[0]).fragment == urlsplit(page.url).fragment, (path, switch[0], page.url)
            page.goto(switch[0], wait_until="networkidle")
            assert _without_index(page.url.split("#")[0]) == target
        finally:
            ctx.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_internal_links_resolve(browser, server, lang):
    import urllib.request

    checked: set[str] = set()
    for path in _pages():
        ctx, page, _, _ = _open(browser, f"{server}{lang}/{path}")
        try:
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        finally:
            ctx.close()
        for href in hrefs:
            target = urljoin(f"{server}{lang}/{path}", href).split("#")[0]
            if not target.startswith(server) or target in checked:
                continue
            checked.add(target)
            with urllib.request.urlopen(target) as response:  # noqa: S310 - local server
                assert response.status == 200, target
    assert len(checked) > len(_pages())


def test_root_page_redirects_to_a_language(browser, server):
    ctx, page, errors, foreign = _open(browser, server)
    try:
        page.wait_for_url("**/report/overview/index.html")
        assert errors == [] and foreign == []
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_training_viewer_works_once_started(browser, server, lang):
    ctx, page, errors, _ = _open(browser, f"{server}{lang}/report/results/training.html")
    try:
        viewer = page.locator(".ggmm-training-viewer").first
        assert page.evaluate("() => typeof window.Plotly") == "undefined", "plotly.js waits for the reader"
        viewer.locator(".ggmm-activate").click()
        slider = viewer.locator('input[type="range"]').first
        slider.wait_for(timeout=30000)
        before = viewer.inner_html()
        slider.evaluate("el => { el.value = el.max; el.dispatchEvent(new Event('input', {bubbles: true})); }")
        page.wait_for_timeout(300)
        assert viewer.inner_html() != before, "moving the slider changed nothing"
        assert viewer.locator(".js-plotly-plot").count() >= 1
        assert errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", site.LANGS)
def test_pdf_has_pages_and_real_images(built_site, lang):
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF (pip install pypdf)")
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pdf = SITE / lang / "report" / "pdf" / "ggmm-kan-report.pdf"
    reader = pypdf.PdfReader(str(pdf))
    assert 15 <= len(reader.pages) <= 150
    images = [image for pdf_page in reader.pages for image in pdf_page.images]
    assert len(images) >= 8
    for image in images:
        pixels = np.asarray(Image.open(BytesIO(image.data)).convert("L"), dtype=float)
        assert pixels.std() > 2.0, f"{image.name} is blank"
    text = "".join(page.extract_text() or "" for page in reader.pages)
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text[:5000]), "no Chinese text in the Chinese PDF"
    word = {"en": "Figure", "zh": "图"}[lang]
    for n in ("1", "2a", "2b", "3a", "3b"):
        assert re.search(rf"{word}\s*{n}\b", text), f"{word} {n} missing from the PDF"


@pytest.mark.parametrize("lang", site.LANGS)
def test_slides_and_pptx_exist(built_site, lang):
    assert (SITE / lang / "report" / "slides.html").exists()
    assert (SITE / lang / "report" / "slides.pptx").stat().st_size > 10_000


def test_second_make_site_renders_nothing_and_changes_nothing(built_site):
    result = subprocess.run(["make", "site"], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0
    log = result.stdout + result.stderr
    assert "Starting python3 kernel" not in log, "a code cell ran again"
    assert "quarto render" not in log, "an unchanged output was rendered again"
    assert _size(SITE) == built_site["size"], "the site grew on a rebuild"
    assert _git_status() == built_site["status_before"]
