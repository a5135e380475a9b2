"""build/site.py without Quarto: root page, language links, PDF source, freeze bookkeeping,
the stop with a clear message when quarto is missing, and the CI workflows."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from ggmm_build import site

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------
# Root page and language switch
# ---------------------------------------------------------------------------


def test_root_index_links_are_relative_and_work_without_javascript():
    html = site.root_index_html()
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert "en/report/overview/index.html" in hrefs
    assert "zh/report/overview/index.html" in hrefs
    assert all(not h.startswith(("/", "http:", "https:", "//")) for h in hrefs), hrefs
    assert "<noscript>" in html
    assert "src=" not in html, "the root page loads nothing"


@pytest.fixture
def minimal_site(tmp_path):
    """A two-language site of minimal pages, as Quarto would lay it out."""
    base = tmp_path / "_site"
    for lang in site.LANGS:
        page = base / lang / "report" / "overview" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html lang='{lang}'><body>{lang}</body></html>", encoding="utf-8")
    (base / "index.html").write_text(site.root_index_html(), encoding="utf-8")
    return base


@pytest.mark.browser
@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh-CN", "zh"), ("zh-TW", "zh"), ("en-US", "en"), ("fr-FR", "en"), ("de-DE", "en")],
)
def test_root_index_sends_readers_to_their_language(browser, minimal_site, locale, expected):
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto((minimal_site / "index.html").as_uri())
        page.wait_for_url(f"**/{expected}/report/overview/index.html", timeout=5000)
        assert page.locator("body").inner_text() == expected
    finally:
        context.close()


@pytest.mark.parametrize(
    ("page", "lang", "href"),
    [
        ("index.html", "en", "../zh/index.html"),
        ("report/overview/index.html", "en", "../../../zh/report/overview/index.html"),
        ("report/ggmm/sampling.html", "zh", "../../../en/report/ggmm/sampling.html"),
    ],
)
def test_language_switch_points_at_the_same_page(page, lang, href):
    assert site.language_switch_href(Path(page), lang) == href
    start = Path("/site") / lang / page
    assert (start.parent / href).resolve() == (Path("/site") / ("zh" if lang == "en" else "en") / page).resolve()


def test_language_switch_rejects_unknown_language():
    with pytest.raises(ValueError, match="'lang'"):
        site.language_switch_href(Path("index.html"), "fr")


def test_post_render_rewrites_every_switch(tmp_path):
    out = tmp_path / "_site" / "zh"
    pages = [out / "index.html", out / "report" / "results" / "training.html"]
    for page in pages:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f'<a class="nav-link" href="{site.LANG_SWITCH_MARKER}">English</a>', encoding="utf-8")
    assert site.rewrite_language_links(out) == 2
    assert 'href="../en/index.html"' in pages[0].read_text(encoding="utf-8")
    assert 'href="../../../en/report/results/training.html"' in pages[1].read_text(encoding="utf-8")
    assert site.rewrite_language_links(out) == 0


# ---------------------------------------------------------------------------
# Pages and the combined PDF source
# ---------------------------------------------------------------------------


def test_page_sources_follow_the_navbar():
    pages = site.page_sources(ROOT)
    assert pages[0] == Path("report/overview/index.qmd")
    assert Path("report/reproducibility/index.qmd") == pages[-1]
    assert Path("report/slides.qmd") not in pages
    assert len(pages) == len(set(pages)) >= 15


def test_front_matter_split_rejects_text_without_it():
    with pytest.raises(ValueError, match="front matter"):
        site.split_front_matter("no front matter here")
    meta, body = site.split_front_matter("---\ntitle: x\n---\nbody\n")
    assert meta == {"title": "x"} and body == "body\n"


def test_pdf_source_holds_every_page_with_internal_links_only():
    text = site.assemble_pdf_source(ROOT)
    meta, body = site.split_front_matter(text)
    typst = meta["format"]["typst"]
    assert typst["mainfont"] == "Noto Serif CJK SC"
    assert set(meta["format"]) == {"typst"}
    for page in site.page_sources(ROOT):
        slug = site._slug(page)
        assert body.count(f"{{#{slug}}}") == len(site.LANGS), slug
    assert not re.search(r"\]\([^)#]*\.qmd", body), "a link to a page file survived"
    assert "aliases" not in body


def test_prepare_is_idempotent(tmp_path):
    root = _project_copy(tmp_path, None)
    site.prepare(root)
    first = (root / site.PDF_SOURCE).stat().st_mtime_ns
    assert (root / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    site.prepare(root)
    assert (root / site.PDF_SOURCE).stat().st_mtime_ns == first


# ---------------------------------------------------------------------------
# Freeze bookkeeping
# ---------------------------------------------------------------------------


def test_changed_exports_drop_the_frozen_results_of_the_pages_reading_them(tmp_path):
    (tmp_path / "report" / "results").mkdir(parents=True)
    (tmp_path / "report" / "results" / "a.qmd").write_text('load_export("../data/comparison.json")')
    (tmp_path / "report" / "results" / "b.qmd").write_text('training_file("../data/training")')
    for name in ("a", "b"):
        (tmp_path / "_freeze" / "report" / "results" / name).mkdir(parents=True)
    sources = [Path("report/results/a.qmd"), Path("report/results/b.qmd")]
    old = {"comparison.json": "1", "training/original-x.json": "2"}
    assert site.stale_freeze_dirs(tmp_path, old, dict(old), sources) == []
    new = dict(old, **{"comparison.json": "3"})
    assert site.stale_freeze_dirs(tmp_path, old, new, sources) == [tmp_path / "_freeze/report/results/a"]
    new = dict(old, **{"training/original-x.json": "4"})
    assert site.stale_freeze_dirs(tmp_path, old, new, sources) == [tmp_path / "_freeze/report/results/b"]


def test_refresh_freeze_records_hashes_and_acts_only_on_change(tmp_path):
    root = tmp_path
    data = root / "report" / "data"
    data.mkdir(parents=True)
    (data / "comparison.json").write_text("{}")
    (root / "report" / "page.qmd").write_text('load_export("data/comparison.json")')
    frozen = root / "_freeze" / "report" / "page"
    frozen.mkdir(parents=True)
    assert site.refresh_freeze(root) == []
    manifest = json.loads((root / site.FREEZE_MANIFEST).read_text())
    assert set(manifest) == {"comparison.json"}
    assert site.refresh_freeze(root) == [] and frozen.exists()
    (data / "comparison.json").write_text('{"changed": true}')
    assert site.refresh_freeze(root) == [frozen]
    assert not frozen.exists()


# ---------------------------------------------------------------------------
# `make site` without Quarto
# ---------------------------------------------------------------------------


def _project_copy(tmp_path: Path, exports: Path | None) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("_quarto.yml", "_quarto-en.yml", "_quarto-zh.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "report", root / "report",
                    ignore=shutil.ignore_patterns("data", "pdf", "*_files", ".quarto"))
    (root / "assets").mkdir()
    if exports is not None:
        shutil.copytree(exports, root / "report" / "data")
    else:
        (root / "report" / "data").mkdir()
    return root


@pytest.fixture
def no_quarto(monkeypatch, tmp_path):
    """PATH without any quarto binary."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("quarto") is None


def test_site_render_without_quarto_prepares_everything_then_stops(tmp_path, quick_exports, no_quarto, capsys):
    root = _project_copy(tmp_path, Path(quick_exports))
    assert site.main(["render"], root=root) == 2
    message = capsys.readouterr().err
    assert "Quarto was not found" in message and "quarto.org" in message and "pip install quarto-cli" in message
    assert (root / "assets" / "plotly.min.js").exists()
    assert (root / site.PDF_SOURCE).exists()
    assert not (root / "_site").exists()


def test_site_all_runs_the_pipeline_first(tmp_path, monkeypatch, no_quarto, capsys):
    root = _project_copy(tmp_path, None)
    commands: list[list[str]] = []
    monkeypatch.setattr(site, "_run", lambda command, root=None: commands.append(list(command)))
    assert site.main(["all", "--profile", "quick"], root=root) == 2
    assert commands and commands[0][1:] == ["-m", "ggmm_build.cli", "--profile", "quick"]
    assert "Quarto was not found" in capsys.readouterr().err


def test_make_site_target_calls_the_site_builder():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^site:\n\t\$\(PY\) -m ggmm_build\.site all$", makefile, re.MULTILINE)
    for target in ("pdf", "slides", "serve"):
        assert f"-m ggmm_build.site {target}" in makefile


# ---------------------------------------------------------------------------
# Workflows
# ---------------------------------------------------------------------------


def _workflow(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def test_publish_workflow_deploys_the_committed_site_with_least_privilege():
    flow = _workflow("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"]
    steps = [step for job in flow["jobs"].values() for step in job["steps"]]
    uses = [step.get("uses", "") for step in steps]
    for action in ("actions/checkout", "actions/setup-python", "quarto-dev/quarto-actions/setup",
                   "actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert any(u.startswith(action + "@") for u in uses), action
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in runs
    assert "pip install -e ." in runs
    assert "fonts-noto-cjk" in runs
    assert "ggmm_build.site render" in runs
    assert "ggmm_build.cli" not in runs, "CI renders from the committed exports, it never trains"
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"


def test_tests_workflow_runs_the_suite_on_pull_requests():
    flow = _workflow("tests.yml")
    assert "pull_request" in flow["on"]
    runs = "\n".join(step.get("run", "") for job in flow["jobs"].values() for step in job["steps"])
    assert "make setup" in runs and "make test" in runs


def test_committed_pdf_source_is_up_to_date():
    """report/pdf/ is generated from the pages but committed (Quarto lists inputs before pre-render)."""
    committed = (site.ROOT / site.PDF_SOURCE).read_text(encoding="utf-8")
    assert committed == site.assemble_pdf_source(site.ROOT), "run `python -m ggmm_build.site prepare`"
