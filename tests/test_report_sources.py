"""The report's page sources, checked without Quarto.

Every page is listed in the navbar, carries valid front matter and both languages, refers
only to labels, citations, data files and functions that exist, and every code cell runs
on the report's exports in the folder Quarto would run it from, for the interactive (HTML)
and the static (Typst/PDF) branch (three pages by default, every page with ``-m slow``).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from ggmm_build.site import LANGS, page_sources, split_front_matter

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "report"
PAGES = page_sources(ROOT)
SLIDES = Path("report/slides.qmd")
DOCUMENTS = [*PAGES, SLIDES]

CELL = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"(?<!`)`\{python\} +([^`\n]+)`")
LANG_DIV = re.compile(r'^(:{3,})\s*\{\.content-visible when-profile="(en|zh)"\}\s*$', re.MULTILINE)
LANG_SPAN = re.compile(r'\]\{\.content-visible when-profile="(en|zh)"\}')
LABEL_DEF = re.compile(r"\{#((?:fig|tbl|eq|sec)-[A-Za-z0-9_-]+)\}")
LABEL_IN_CODE = re.compile(r"""["']((?:fig|tbl|eq)-[a-z0-9-]+)["']""")
REF = re.compile(r"(?<![\w@])@((?:fig|tbl|eq|sec)-[A-Za-z0-9_-]*[A-Za-z0-9])")
CITE = re.compile(r"(?<![\w@.])@([A-Za-z][A-Za-z0-9_]*\d{4}[a-z]*|quarto|plotly|pykan)\b")
DATA_REF = re.compile(r"""["'](?:\.\./)?data/([A-Za-z0-9_./-]+)["']""")
IMPORT = re.compile(r"from (ggmm\.(?:figures|widgets|report)) import ([^\n]+)")


def _source(page: Path) -> str:
    return (ROOT / page).read_text(encoding="utf-8")


def _body(page: Path) -> str:
    return split_front_matter(_source(page))[1]


def _without_code(text: str) -> str:
    """The Markdown of a page with code cells and fenced code removed."""
    return re.sub(r"^```.*?^```[ \t]*$", "", text, flags=re.MULTILINE | re.DOTALL)


def _language_blocks(body: str) -> list[tuple[str, str]]:
    """Top-level ``content-visible when-profile`` blocks as (lang, text), in order."""
    blocks = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        match = LANG_DIV.match(lines[i])
        if not match:
            i += 1
            continue
        fence, lang = match.group(1), match.group(2)
        depth, j = 1, i + 1
        while j < len(lines):
            stripped = lines[j].strip()
            if re.fullmatch(r":{3,}", stripped):
                depth -= 1
                if depth == 0 and stripped == fence:
                    break
            elif re.match(r"^:{3,}\s*\S", stripped):
                depth += 1
            j += 1
        blocks.append((lang, "\n".join(lines[i + 1 : j])))
        i = j + 1
    return blocks


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------


def _yaml(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_quarto_project_files_have_the_documented_structure():
    base, en, zh = _yaml("_quarto.yml"), _yaml("_quarto-en.yml"), _yaml("_quarto-zh.yml")
    assert base["project"]["type"] == "website"
    assert base["profile"]["group"] == [["en", "zh"]]
    assert base["execute"]["freeze"] == "auto"
    assert "/assets/js/" in base["project"]["resources"], "resources anchored at the project root"
    assert "navbar" not in base["website"] or "left" not in base["website"]["navbar"], (
        "arrays merge across profile files: the navbar items belong in the profiles only"
    )
    html = base["format"]["html"]
    assert html["html-math-method"] == "mathml", "MathJax would be fetched from a CDN"
    header = "\n".join(item["text"] for item in html["include-in-header"])
    assert "plotly" not in header, "plotly.js loads on demand (assets/js/loader.js), not on every page"
    assert "cdn" not in header.lower()
    assert (ROOT / base["bibliography"]).exists()
    for filt in base["filters"]:
        assert (ROOT / (filt["path"] if isinstance(filt, dict) else filt)).exists()
    for lang, profile in (("en", en), ("zh", zh)):
        assert profile["lang"] == lang
        assert profile["project"]["output-dir"] == f"_site/{lang}"
        assert profile["website"]["title"]
        assert set(profile) <= {"project", "lang", "website", "format"}


def test_both_profiles_list_the_same_pages_in_the_same_order():
    assert page_sources(ROOT, "en") == page_sources(ROOT, "zh")
    for name in ("_quarto-en.yml", "_quarto-zh.yml"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "https://lang-switch.invalid/" in text, f"{name} has no language switch"
        assert "report/slides.qmd" in text


def test_every_page_exists_and_every_page_is_in_the_navbar():
    listed = set(PAGES)
    for page in PAGES:
        assert (ROOT / page).exists(), page
    on_disk = {
        p.relative_to(ROOT)
        for p in REPORT.rglob("*.qmd")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(REPORT).parts)
    }
    generated = {Path("report/pdf/ggmm-kan-report.qmd")}
    assert on_disk - listed - generated - {SLIDES} == set()
    sections = {page.parts[1] for page in PAGES if len(page.parts) > 2}
    assert sections == {"overview", "background", "ggmm", "methods", "results", "playground", "reproducibility"}


# ---------------------------------------------------------------------------
# Front matter and languages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", DOCUMENTS, ids=str)
def test_front_matter_is_valid_with_a_title_per_language(page):
    meta, body = split_front_matter(_source(page))
    assert isinstance(meta.get("title"), str) and meta["title"]
    assert set(meta["titles"]) == set(LANGS)
    assert all(isinstance(meta["titles"][lang], str) and meta["titles"][lang] for lang in LANGS)
    if "format" in meta:
        assert page == SLIDES, "a page-level format replaces the project's format list"
    assert body.strip()


@pytest.mark.parametrize("page", DOCUMENTS, ids=str)
def test_every_section_exists_in_both_languages(page):
    body = _body(page)
    blocks = _language_blocks(body)
    langs = [lang for lang, _ in blocks]
    if page != SLIDES:
        assert blocks, "a page holds its prose in content-visible blocks"
        assert langs.count("en") == langs.count("zh")
        for k in range(0, len(langs), 2):
            assert langs[k : k + 2] == ["en", "zh"], f"block {k}: an English block must be followed by Chinese"
        en_heads = [re.findall(r"^(#{2,4}) ", text, re.MULTILINE) for lang, text in blocks if lang == "en"]
        zh_heads = [re.findall(r"^(#{2,4}) ", text, re.MULTILINE) for lang, text in blocks if lang == "zh"]
        assert en_heads == zh_heads, "headings differ between the languages"
        for (_, en), (_, zh) in zip(blocks[0::2], blocks[1::2], strict=True):
            assert len(zh.strip()) > 0.2 * len(en.strip()), "a Chinese block is much shorter than its English one"
    assert not re.search(r"[^`]``\{python\}", body), "two inline expressions touch: `` opens a code span"
    spans = LANG_SPAN.findall(body)
    assert spans.count("en") == spans.count("zh")
    if page != SLIDES:  # a slide's title is a top-level heading holding one span per language
        outside = _without_code(body)
        for _, text in _language_blocks(outside):
            outside = outside.replace(text, "")
        assert not re.search(r"^#{1,6} ", outside, re.MULTILINE), "a heading outside a language block"


def test_chinese_blocks_are_written_in_chinese():
    for page in PAGES:
        for lang, text in _language_blocks(_body(page)):
            han = len(re.findall(r"[\u4e00-\u9fff]", text))
            if lang == "zh":
                assert han > 5, f"{page}: a zh block with almost no Chinese"
            else:
                assert han == 0, f"{page}: Chinese characters in an en block"


# ---------------------------------------------------------------------------
# References: labels, citations, data files, functions
# ---------------------------------------------------------------------------


def _labels(page: Path) -> set[str]:
    text = _source(page)
    labels = set(LABEL_DEF.findall(text))
    for cell in CELL.findall(text):
        labels |= set(LABEL_IN_CODE.findall(cell))
    return labels


@pytest.mark.parametrize("page", DOCUMENTS, ids=str)
def test_cross_references_resolve_on_the_same_page(page):
    labels = _labels(page)
    code = "\n".join(CELL.findall(_source(page)))
    for ref in REF.findall(_without_code(_body(page))):
        assert ref in labels or f'"{ref}"' in code, f"@{ref} has no target on {page}"


def test_labels_are_unique_across_pages():
    seen: dict[str, Path] = {}
    for page in PAGES:
        for label in _labels(page):
            assert label not in seen, f"{label} is defined on {seen.get(label)} and {page}"
            seen[label] = page


def test_cited_keys_exist_in_the_bibliography():
    bib = (REPORT / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, re.MULTILINE))
    required = {
        "liu2024kan",
        "kolmogorov1957",
        "arnold1957",
        "cybenko1989",
        "hornik1989",
        "deboor1978",
        "dempster1977",
        "nadarajah2005",
        "pedregosa2011",
        "quarto",
        "plotly",
    }
    assert required <= keys
    cited = set()
    for page in DOCUMENTS:
        cited |= set(CITE.findall(_without_code(_body(page))))
    assert cited, "no citation found"
    assert cited <= keys, f"unknown keys: {sorted(cited - keys)}"


EXPORTS = {
    "presets.json",
    "comparison.json",
    "em_history.json",
    "recovered.json",
    "timings.json",
    "tuning.json",
    "original.json",
    "scaling.json",
    "manifest.json",
    "training",
}


@pytest.mark.parametrize("page", DOCUMENTS, ids=str)
def test_pages_read_only_contracted_exports(page):
    for ref in DATA_REF.findall(_source(page)):
        assert ref.split("/")[0] in EXPORTS, f"{page} reads data/{ref}, which is not an export"


@pytest.mark.parametrize("page", DOCUMENTS, ids=str)
def test_imported_builders_and_helpers_exist(page):
    import importlib

    for module, names in IMPORT.findall(_source(page)):
        imported = importlib.import_module(module)
        for name in (n.strip() for n in names.split(",")):
            assert hasattr(imported, name), f"{module}.{name} used by {page} does not exist"


# ---------------------------------------------------------------------------
# Executing the cells
# ---------------------------------------------------------------------------


def _branches(page: Path) -> list[str]:
    code = "\n".join(CELL.findall(_source(page)))
    return ["html", "typst"] if re.search(r"\bemit(_widget)?\(", code) else ["html"]


#: Pages whose print (Typst) branch runs in the default suite; the others export many print images
#: (10-40 s each on 2 cores) and run with ``pytest -m slow`` and in every real PDF render.
TYPST_DEFAULT = {
    Path("report/overview/index.qmd"),
    Path("report/results/comparison.qmd"),
    Path("report/results/recovered.qmd"),
}
CASES = [
    pytest.param(
        page, fmt, id=f"{page}-{fmt}", marks=[pytest.mark.slow] if fmt == "typst" and page not in TYPST_DEFAULT else []
    )
    for page in DOCUMENTS
    for fmt in _branches(page)
]


@pytest.fixture(scope="module")
def report_copy(tmp_path_factory, report_exports):
    """The report's sources in a temporary folder, with ``data/`` holding the report's exports."""
    base = tmp_path_factory.mktemp("report-copy")
    target = base / "report"
    shutil.copytree(REPORT, target, ignore=shutil.ignore_patterns("data", "_freeze", "*_files", "pdf"))
    (target / "data").symlink_to(Path(report_exports).resolve(), target_is_directory=True)
    return base


@pytest.mark.parametrize(("page", "fmt"), CASES)
def test_cells_execute_on_the_report_exports(page, fmt, report_copy, monkeypatch, tmp_path):
    source = report_copy / page
    info = tmp_path / "execute-info.json"
    info.write_text(json.dumps({"document-path": str(source), "format": {"identifier": {"target-format": fmt}}}))
    monkeypatch.setenv("QUARTO_EXECUTE_INFO", str(info))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", source.name)
    monkeypatch.chdir(source.parent)
    namespace: dict = {"__name__": "__main__"}
    out = io.StringIO()
    text = source.read_text(encoding="utf-8")
    with contextlib.redirect_stdout(out):
        for cell in CELL.findall(text):
            exec(compile(cell, f"{page}:cell", "exec"), namespace)  # noqa: S102 - the page's own code
    for expression in INLINE.findall(_without_code(text)):
        value = eval(expression, namespace)  # noqa: S307 - the page's own inline expressions
        assert str(value).strip(), f"{expression} prints nothing"
        assert repr(value) == str(value), f"{expression} would print with quotes"
    printed = out.getvalue()
    opened = re.findall(r"^(:{3,}) \{", printed, re.MULTILINE)
    closed = re.findall(r"^(:{3,})$", printed, re.MULTILINE)
    assert sorted(opened) == sorted(closed), "unbalanced div fences in the printed Markdown"
    assert printed.count('when-profile="en"') == printed.count('when-profile="zh"')
    if fmt == "html":
        assert "unless-format" not in printed
    else:
        assert 'when-format="html:js"' not in printed
        for png in re.findall(r"!\[\]\(([^)]+\.png)\)", printed):
            path = source.parent / png
            assert path.exists() and path.stat().st_size > 1000, png


# ---------------------------------------------------------------------------
# ggmm_build.pages: the helpers the cells call
# ---------------------------------------------------------------------------

report = pytest.importorskip("ggmm_build.pages")


def test_language_blocks_nest_any_content():
    inner = '::: {.content-visible when-format="html:js"}\nx\n:::'
    text = report.language_blocks({"en": inner, "zh": "中文"})
    assert text.startswith(':::: {.content-visible when-profile="en"}')
    assert '::: {.content-visible when-profile="zh"}\n中文\n:::' in text
    raw = report.raw_html("<pre>```x```</pre>")
    assert raw.startswith("````{=html}") and "quarto-html-table-processing: none" in raw


def test_execution_format(monkeypatch, tmp_path):
    monkeypatch.delenv("QUARTO_EXECUTE_INFO", raising=False)
    assert report.execution_format() is None
    info = tmp_path / "info.json"
    info.write_text(json.dumps({"format": {"identifier": {"target-format": "typst+foo"}}}))
    monkeypatch.setenv("QUARTO_EXECUTE_INFO", str(info))
    assert report.execution_format() == "typst"
    info.write_text("not json")
    assert report.execution_format() is None


def test_emit_prints_the_branches_the_format_needs(tmp_path, capsys):
    import plotly.graph_objects as go

    def fig(lang):
        return go.Figure(go.Scatter(x=[0, 1], y=[1, 0]), layout={"title": {"text": lang}})

    report.emit(fig, "fig-demo", {"en": "Caption", "zh": "图注"}, fmt="html", images=tmp_path)
    html = capsys.readouterr().out
    assert "{=html}" in html and "#fig-demo" in html and "unless-format" not in html and "图注" in html
    report.emit(fig, name="demo", fmt="typst", images=tmp_path, width=300, height=200, scale=1)
    static = capsys.readouterr().out
    assert "when-format" not in static.replace("unless-format", "")
    assert (tmp_path / "demo-en.png").stat().st_size > 1000 and (tmp_path / "demo-zh.png").exists()
    with pytest.raises(ValueError, match="'label'"):
        report.emit(fig, "figure one", fmt="html")


def test_emit_widget_links_the_live_page_in_static_formats(tmp_path, capsys, monkeypatch):
    import plotly.graph_objects as go

    monkeypatch.setenv("GGMM_SITE_URL", "https://example.org/site/")
    report.emit_widget(
        lambda lang: f"<div class='w'>{lang}</div>",
        lambda lang: go.Figure(),
        name="w",
        page="report/results/training.html",
        fmt="typst",
        images=tmp_path,
        width=200,
        height=100,
    )
    out = capsys.readouterr().out
    assert "<https://example.org/site/en/report/results/training.html>" in out
    assert "<div class='w'>" not in out


def test_emit_table_keeps_one_caption(capsys):
    report.emit_table(lambda lang: f"<table><caption>old</caption><tr><td>{lang}</td></tr></table>")
    out = capsys.readouterr().out
    assert "<caption>" not in out and "quarto-html-table-processing" not in out


def test_training_file_prefers_the_named_run(tmp_path):
    for name in ("original-kan-staged.json", "original-ka-kan.json", "flat-ka-kan.json"):
        (tmp_path / name).write_text("{}")
    assert report.training_file(tmp_path, "original", prefer=("staged",)).endswith("original-kan-staged.json")
    assert report.training_file(tmp_path, "original", prefer=("nothing",)).endswith("original-ka-kan.json")
    with pytest.raises(ValueError, match="'dataset'"):
        report.training_file(tmp_path, "close")


def test_static_dir_lives_in_the_documents_files_folder(monkeypatch):
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "training.qmd")
    assert report.static_dir() == Path("training_files/figure-static")
    monkeypatch.delenv("QUARTO_DOCUMENT_FILE")
    assert report.static_dir() == Path("figure-static")
