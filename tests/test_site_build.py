"""The site build without Quarto: root page, language links, pages and numbering, the PDF source,
freeze bookkeeping, the stop with a clear message when quarto is missing, the configuration the
render relies on, and the CI workflows."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from ggmm_build import site
from ggmm_build.site import rendering as site_render
from ggmm_build.site import sources as site_pages

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------
# Root page and language switch
# ---------------------------------------------------------------------------


def test_root_index_links_are_relative_and_work_without_javascript():
    html = site.root_index_html()
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert "en/report/overview/index.html" in hrefs
    assert "zh/report/overview/index.html" in hrefs
    assert all(not h.startswith(("/", "http:", "https:", "//")) for h in hrefs if not h.startswith("data:")), hrefs
    assert "<noscript>" in html and "<main>" in html
    assert re.search(r'<meta name="description" content="[^"]{40,}"', html)
    assert "src=" not in html, "the root page loads nothing"


def test_root_page_comes_from_the_one_template(tmp_path, monkeypatch):
    """build/site/templates/root.html is the only copy: an edit shows in the site's and the gallery's root page."""
    from ggmm_build.site import gallery
    from ggmm_build.site import links as site_links

    templates = tmp_path / "templates"
    shutil.copytree(site_links.TEMPLATES, templates)
    template = templates / "root.html"
    text = template.read_text(encoding="utf-8")
    assert "<main>" in text
    template.write_text(text.replace("<main>", "<main><!-- the edited template -->", 1), encoding="utf-8")
    monkeypatch.setattr(site_links, "TEMPLATES", templates)
    site_root = site.write_root_index(tmp_path).read_text(encoding="utf-8")
    (tmp_path / "no-exports").mkdir()
    gallery_root = gallery.build_gallery(tmp_path / "gallery", tmp_path / "no-exports")[0].read_text(encoding="utf-8")
    assert "<!-- the edited template -->" in site_root and "<!-- the edited template -->" in gallery_root
    assert "window.location" in site_root  # the site's root page redirects, the gallery's only links
    assert "window.location" not in gallery_root and 'href="en/index.html"' in gallery_root


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


def test_langs_are_defined_once():
    """Every build module that has a LANGS holds ggmm_build.i18n.strings' own list, never a copy of it."""
    import ggmm_build
    from ggmm_build.i18n.strings import LANGS

    names = [m.name for m in pkgutil.walk_packages(ggmm_build.__path__, "ggmm_build.")]
    modules = [importlib.import_module(name) for name in names if not name.endswith("__main__")]
    holders = [m.__name__ for m in modules if hasattr(m, "LANGS")]
    assert "ggmm_build.site" in holders and len(holders) >= 3, holders
    assert [name for name in holders if sys.modules[name].LANGS is not LANGS] == []


# ---------------------------------------------------------------------------
# Pages, numbering and the combined PDF source
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


def test_every_page_has_a_description_in_both_languages():
    for page in [*site.page_sources(ROOT), site_pages.SLIDES]:
        meta, _ = site.split_front_matter((ROOT / page).read_text(encoding="utf-8"))
        descriptions = meta.get("descriptions") or {}
        assert set(descriptions) == set(site.LANGS), page
        assert all(10 <= len(text) <= 200 for text in descriptions.values()), page


def _page(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / "report" / f"{name}.qmd"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'---\ntitle: "{title}"\ntitles:\n  en: "{title}"\n  zh: "x"\n---\n{body}', encoding="utf-8")
    return path.relative_to(folder)


def test_figures_and_tables_are_numbered_once_for_the_report(tmp_path):
    pages = [
        _page(tmp_path, "intro", "Overview", "::: {#fig-head}\nx\n:::\n::: {#tbl-a}\nx\n:::\n"),
        _page(tmp_path, "one", "Figure 1: a comparison", "::: {#fig-cmp .column-page}\nx\n:::\n"),
        _page(
            tmp_path,
            "two",
            "Figure 2: the truth",
            '::: {#fig-t}\nx\n:::\n```{python}\nemit(f, label="fig-u")\n```\n::: {#tbl-b}\nx\n:::\n',
        ),
        _page(tmp_path, "later", "Methods", "::: {#fig-m}\nx\n:::\n"),
    ]
    numbers = site_pages.crossref_numbers(tmp_path, pages)
    assert numbers == {
        "fig-head": "3",
        "tbl-a": "1",
        "fig-cmp": "1",
        "fig-t": "2a",
        "fig-u": "2b",
        "tbl-b": "2",
        "fig-m": "4",
    }


def test_a_figure_shown_again_takes_its_owners_number(tmp_path):
    intro = tmp_path / "report" / "intro.qmd"
    pages = [
        _page(tmp_path, "intro", "Overview", "::: {#fig-head}\nx\n:::\n"),
        _page(tmp_path, "one", "Figure 1: a comparison", "::: {#fig-cmp}\nx\n:::\n"),
        _page(tmp_path, "later", "Methods", "::: {#fig-m}\nx\n:::\n"),
    ]
    intro.write_text(
        intro.read_text(encoding="utf-8").replace("---\n::", "repeats:\n  fig-head: fig-cmp\n---\n::"), encoding="utf-8"
    )
    assert site_pages.crossref_numbers(tmp_path, pages) == {"fig-head": "1", "fig-cmp": "1", "fig-m": "2"}
    intro.write_text(
        intro.read_text(encoding="utf-8").replace("fig-head: fig-cmp", "fig-head: fig-nowhere"), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="fig-nowhere"):
        site_pages.crossref_numbers(tmp_path, pages)


def test_the_report_pages_number_their_own_figures_like_their_titles():
    numbers = site_pages.crossref_numbers(ROOT)
    for page in site.page_sources(ROOT):
        meta, body = site.split_front_matter((ROOT / page).read_text(encoding="utf-8"))
        match = re.match(r"Figure (\d+)\b", meta["titles"]["en"])
        figures = [label for label in site_pages.float_labels(body) if label.startswith("fig-")]
        if match:
            assert figures and all(numbers[label].startswith(match.group(1)) for label in figures), page
    repeats: dict[str, str] = {}
    for page in site.page_sources(ROOT):
        repeats.update(site.split_front_matter((ROOT / page).read_text(encoding="utf-8"))[0].get("repeats") or {})
    assert numbers["fig-headline"] == numbers["fig-comparison"], "the overview shows Figure 1 again"
    assert re.fullmatch(r"1[a-z]?", numbers["fig-comparison"]), "Figure 1 (1a when its page has a second panel)"
    figure_numbers = [n for label, n in numbers.items() if label.startswith("fig-") and label not in repeats]
    assert len(figure_numbers) == len(set(figure_numbers)), "two figures share a number"


def test_pdf_source_holds_every_page_with_internal_links_only():
    from ggmm_build.site.pdf import WEB_ONLY

    text = site.assemble_pdf_source(ROOT)
    meta, body = site.split_front_matter(text)
    typst = meta["format"]["typst"]
    assert typst["mainfont"] == "Noto Serif CJK SC" and typst["papersize"] == "a4"
    assert set(meta["format"]) == {"typst"}
    for page in site.page_sources(ROOT):
        slug = site.section_slug(page)
        expected = 0 if page in WEB_ONLY else 1
        assert body.count(f"{{#{slug}}}") == expected, f"{slug}: one heading, one identifier (none if web-only)"
    assert not re.search(r"\]\(#[^)]*[=&]", body), "a link carrying run settings in its fragment reached the PDF"
    assert not re.search(r"\]\([^)#]*\.qmd", body), "a link to a page file survived"
    assert "aliases" not in body
    assert ".column-" not in body, "column classes switch Typst to a wide-margin layout"


def test_pdf_source_numbers_figures_like_the_site():
    text = site.assemble_pdf_source(ROOT)
    numbers = site_pages.crossref_numbers(ROOT)
    labels = site_pages.float_labels(text)
    block = re.search(r"#let ggmm-numbers = \(fig: \((.*?)\), tbl: \((.*?)\)\)", text)
    figs = re.findall(r'"([^"]+)"', block.group(1))
    tbls = re.findall(r'"([^"]+)"', block.group(2))
    assert figs == [numbers[label] for label in labels if label.startswith("fig-")]
    assert tbls == [numbers[label] for label in labels if label.startswith("tbl-")]
    assert "set block(breakable: true)" in text, "long tables break across pages"


def _ignored(paths: list[str]) -> set[str]:
    """Those of ``paths`` (relative to the repository) that git ignores, tracked or not."""
    done = site_render.subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 1), done.stderr  # 1: none ignored
    return set(done.stdout.split())


def test_pdf_source_is_generated_not_committed():
    assert _ignored(["report/pdf/index.qmd", "report/pdf/figures/a.png"]) == {
        "report/pdf/index.qmd",
        "report/pdf/figures/a.png",
    }
    tracked = site_render.subprocess.run(
        ["git", "ls-files", "report/pdf"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    assert tracked.strip() == ""


def test_prepare_is_idempotent(tmp_path):
    root = _project_copy(tmp_path, None)
    site.prepare(root, images=False)
    first = (root / site.PDF_SOURCE).stat().st_mtime_ns
    vendor = root / "assets" / "vendor"
    assert (vendor / "plotly-full.min.js").stat().st_size > 1_000_000
    assert not (root / "assets" / "plotly.min.js").exists()
    site.prepare(root, images=False)
    assert (root / site.PDF_SOURCE).stat().st_mtime_ns == first
    numbers = json.loads((root / site_pages.CROSSREF_FILE).read_text(encoding="utf-8"))
    assert numbers == site_pages.crossref_numbers(root)


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


def test_changed_figure_code_drops_the_frozen_results_of_pages_with_cells(tmp_path):
    from ggmm_build.site.freeze import CODE_KEY

    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "cells.qmd").write_text("```{python}\nprint(1)\n```\n")
    (tmp_path / "report" / "prose.qmd").write_text("no code")
    for name in ("cells", "prose"):
        (tmp_path / "_freeze" / "report" / name).mkdir(parents=True)
    sources = [Path("report/cells.qmd"), Path("report/prose.qmd")]
    stale = site.stale_freeze_dirs(tmp_path, {CODE_KEY: "a"}, {CODE_KEY: "b"}, sources)
    assert stale == [tmp_path / "_freeze/report/cells"]


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
# `make site` without Quarto, and what a render is skipped on
# ---------------------------------------------------------------------------


def _project_copy(tmp_path: Path, exports: Path | None) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("_quarto.yml", "_quarto-en.yml", "_quarto-zh.yml", "_quarto-web.yml", "_quarto-pdf.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(
        ROOT / "report", root / "report", ignore=shutil.ignore_patterns("data", "pdf", "*_files", ".quarto")
    )
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


def test_site_render_without_quarto_prepares_everything_then_stops(
    tmp_path, report_exports, no_quarto, capsys, monkeypatch
):
    root = _project_copy(tmp_path, Path(report_exports))
    prepare = site.prepare
    monkeypatch.setattr(site, "prepare", lambda root: prepare(root, images=False))
    assert site.main(["render"], root=root) == 2
    message = capsys.readouterr().err
    assert "Quarto was not found" in message and "quarto.org" in message and "pip install quarto-cli" in message
    assert (root / "assets" / "vendor" / "plotly-full.min.js").exists()
    assert (root / site.PDF_SOURCE).exists()
    assert not (root / "_site").exists()


def test_site_all_runs_the_pipeline_first(tmp_path, monkeypatch, no_quarto, capsys):
    root = _project_copy(tmp_path, None)
    commands: list[list[str]] = []
    monkeypatch.setattr(site, "run", lambda command, root=None: commands.append(list(command)))
    monkeypatch.setattr(site, "prepare", lambda root: None)
    assert site.main(["all", "--profile", "quick"], root=root) == 2
    assert commands and commands[0][1:] == ["-m", "ggmm_build.cli", "--profile", "quick"]
    assert "Quarto was not found" in capsys.readouterr().err


def test_an_unchanged_output_is_not_rendered_again(tmp_path, monkeypatch):
    root = _project_copy(tmp_path, None)
    calls: list[str] = []

    def fake_run(command, root_):
        profiles = command[command.index("--profile") + 1].split(",")
        kind = "pdf" if "pdf" in profiles else "web"
        lang = next(p for p in profiles if p in site.LANGS)
        calls.append(f"{lang}:{kind}")
        if kind == "web":
            shutil.rmtree(root_ / "_site" / lang, ignore_errors=True)  # a pages render cleans the folder
            paths = site_render.Target(lang, "web").outputs(root_)
        else:
            paths = [root_ / site_render.PDF_OUTPUT / "report" / "pdf" / "ggmm-kan-report.pdf"]
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(" ".join(command), encoding="utf-8")

    monkeypatch.setattr(site_render, "run", fake_run)
    monkeypatch.setattr(site_render, "_quarto_version", lambda quarto: "1.10.18")
    wanted = site_render.targets(["en"])
    assert [t.name for t in site_render.render(root, wanted, quarto="quarto")] == ["en:web", "en:pdf"]
    pdf = root / "_site" / "en" / "report" / "pdf" / "ggmm-kan-report.pdf"
    assert pdf.exists(), "the PDF is copied into the language folder"
    assert site_render.render(root, wanted, quarto="quarto") == []
    page = root / "report" / "overview" / "index.qmd"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert [t.name for t in site_render.render(root, wanted, quarto="quarto")] == ["en:web"], (
        "the PDF source did not change, so the PDF is not rendered again"
    )
    assert pdf.exists(), "a pages render (which cleans the folder) gets the PDF back"
    assert calls == ["en:web", "en:pdf", "en:web"]


def test_the_pdf_render_leaves_out_every_page_folder():
    """_quarto-pdf.yml renders the combined PDF alone: it must exclude every folder of pages."""
    rendered = set(_yaml("_quarto-pdf.yml")["project"]["render"])
    folders = {page.parts[1] for page in site.page_sources(ROOT) if len(page.parts) > 2}
    assert {f"!report/{folder}/" for folder in folders} | {"!report/*.qmd"} <= rendered
    assert _yaml("_quarto-pdf.yml")["project"]["output-dir"] == ".cache/site/pdf"
    assert site_render.Target("zh", "pdf").command("quarto")[-2:] == ["--profile", "pdf,zh"], (
        "the first profile's output folder wins"
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("target", "command"),
    [("site", "all"), ("pdf", "pdf"), ("slides", "slides"), ("serve", "serve"), ("audit", "audit")],
)
def test_make_targets_call_the_site_builder(target, command, capsys):
    """What `make <target>` runs (make's dry run) is a command of the site builder that it accepts."""
    dry = (
        site_render.subprocess.run(
            ["make", "-n", "--no-print-directory", target, f"PY={sys.executable}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()
    )
    assert dry == [f"{sys.executable} -m ggmm_build.site {command}"], dry
    # the builder knows the command: its parser gets past it and stops at the bad option after it
    with pytest.raises(SystemExit):
        site.main([command, "--port", "not-a-port"])
    assert "argument --port: invalid int value" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# What Quarto reads: resources, ignored files, no page-wide scripts
# ---------------------------------------------------------------------------


def _yaml(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_resources_are_anchored_at_the_project_root():
    """A bare "assets/" matches every folder of that name (.venv's, _site's): the output then holds
    copies of the site inside itself and grows with every rebuild."""
    resources = _yaml("_quarto.yml")["project"]["resources"]
    assert resources and all(entry.startswith("/") for entry in resources), resources
    assert not any(entry.rstrip("/") in ("/assets", "/report") for entry in resources)


def test_no_page_loads_plotly_or_widget_scripts_from_the_config():
    """Scripts come from the emitters, only on pages that draw something (assets/js/loader.js)."""
    slides = site.split_front_matter((ROOT / "report" / "slides.qmd").read_text(encoding="utf-8"))[0]
    config = json.dumps(_yaml("_quarto.yml")) + json.dumps(slides)
    assert "<script src" not in config


def test_a_render_leaves_the_work_tree_clean():
    """Everything a build, a render or the checks write is ignored by git; the sources beside them are not."""
    written = [
        ".quarto/idx/report.json",
        "report/results/index.quarto_ipynb",
        "_freeze/report/results/a.json",
        "report/pdf/index.qmd",
        "_site/en/index.html",
        "assets/vendor/plotly-basic.min.js",
        "report/results/index_files/figure-html/a.png",
        "node_modules/eslint/package.json",
        ".cache/site/pdf/report.pdf",
        ".mypy_cache/3.11/ggmm/distribution.data.json",
        "out/schemas/a.json",
    ]
    sources = ["report/results/index.qmd", "assets/js/loader.js", "build/experiments.toml", "report/data/presets.json"]
    assert _ignored(written + sources) == set(written)


# ---------------------------------------------------------------------------
# Workflows
# ---------------------------------------------------------------------------


def _workflow(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def _steps(flow: dict) -> list[dict]:
    return [step for job in flow["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("name", ["publish.yml", "tests.yml"])
def test_actions_are_pinned_and_checkouts_keep_no_credentials(name):
    for step in _steps(_workflow(name)):
        uses = step.get("uses")
        if uses:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), f"{uses} is not pinned to a commit"
        if uses and uses.startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    text = (ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8")
    assert all(re.search(r"# v\d", line) for line in text.splitlines() if "uses:" in line and "@" in line)


def test_publish_workflow_deploys_with_least_privilege():
    flow = _workflow("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["permissions"] == {}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    uses = [step.get("uses", "") for step in _steps(flow)]
    for action in (
        "actions/checkout",
        "actions/setup-python",
        "quarto-dev/quarto-actions/setup",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ):
        assert any(u.startswith(action + "@") for u in uses), action
    runs = "\n".join(step.get("run", "") for step in _steps(flow))
    assert "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in runs
    assert "pip install -e ." in runs and "npm ci --omit=dev" in runs and "fonts-noto-cjk" in runs
    assert "ggmm_build.site render" in runs
    assert "ggmm_build.cli" not in runs, "CI renders from the committed exports, it never trains"
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"
    header = (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8").split("name:")[0]
    assert "not committed" in header and "_freeze" in header


def test_tests_workflow_runs_the_suite_on_pull_requests():
    flow = _workflow("tests.yml")
    assert "pull_request" in flow["on"]
    assert flow["permissions"] == {"contents": "read"}
    runs = "\n".join(step.get("run", "") for step in _steps(flow))
    assert "make setup" in runs and "make test" in runs


def test_workflows_pass_zizmor():
    """No finding at all (GitHub Actions security linter, offline audits), when zizmor is installed."""
    beside = Path(site_render.sys.executable).parent / "zizmor"
    zizmor = str(beside) if beside.exists() else shutil.which("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install zizmor)")
    result = site_render.subprocess.run(
        [zizmor, "--offline", "--persona=auditor", "--format=json", str(ROOT / ".github" / "workflows")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(result.stdout or "[]") == [], result.stdout[-2000:]
