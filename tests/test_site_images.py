"""Pictures before Quarto runs (build/pages/images.py, build/site/images.py), the print layouts
(build/figures/print.py) and what the emitters print for the site, the PDF and the slides."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from ggmm_build.figures import comparison_figure, em_history_figure, load_export
from ggmm_build.figures.print import comparison_print_figure, print_figure
from ggmm_build.figures.widgets import training_viewer_html
from ggmm_build.i18n.strings import LANGS, t
from ggmm_build.pages import emit, emit_widget, images
from ggmm_build.site import images as site_images

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


def _fig(title: str = "x") -> go.Figure:
    return go.Figure(go.Scatter(x=[0, 1], y=[1, 0]), layout={"title": {"text": title}, "height": 300})


def test_a_picture_is_named_by_what_decides_its_pixels() -> None:
    a = images.ImageRequest(_fig().to_json(), 400, 300, 1.0)
    assert a.key == images.ImageRequest(_fig().to_json(), 400, 300, 1.0).key
    assert a.key != images.ImageRequest(_fig("y").to_json(), 400, 300, 1.0).key
    assert a.key != images.ImageRequest(_fig().to_json(), 401, 300, 1.0).key
    assert a.key != images.ImageRequest(_fig().to_json(), 400, 300, 2.0).key


def test_collecting_records_without_rendering(tmp_path: Path) -> None:
    with images.collecting() as requests:
        images.write_png(_fig(), tmp_path / "a.png", 400, 300, 1.0)
    assert len(requests) == 1 and not (tmp_path / "a.png").exists()


def test_a_cached_picture_is_copied_not_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    request = images.ImageRequest(_fig().to_json(), 400, 300, 1.0)
    (cache / f"{request.key}.png").parent.mkdir(parents=True)
    (cache / f"{request.key}.png").write_bytes(PNG + b"cached")
    monkeypatch.setenv("GGMM_IMAGE_CACHE", str(cache))
    monkeypatch.setattr(images._Session, "png", lambda self, r: pytest.fail("rendered although cached"))
    out = images.write_png(_fig(), tmp_path / "page_files" / "a.png", 400, 300, 1.0)
    assert out.read_bytes() == PNG + b"cached"


def test_a_failed_render_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kaleido failing once (as it did in a busy render: 'kaleido_scopes is not defined') costs a retry,
    not the render."""
    import kaleido

    calls = {"n": 0}

    def flaky(spec, opts=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return PNG + b"ok"

    monkeypatch.setattr(kaleido, "calc_fig_sync", flaky)
    monkeypatch.setattr(kaleido, "start_sync_server", lambda **kw: None)
    monkeypatch.setattr(kaleido, "stop_sync_server", lambda **kw: None)
    monkeypatch.setattr(images.time, "sleep", lambda s: None)
    request = images.ImageRequest(_fig().to_json(), 400, 300, 1.0)
    assert images.render_missing([request, request], tmp_path) == 1
    assert (tmp_path / f"{request.key}.png").read_bytes() == PNG + b"ok" and calls["n"] == 2
    assert images.render_missing([request], tmp_path) == 0


def test_prerender_collects_each_changed_document_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path
    (root / "_quarto.yml").write_text("project: {}\n")
    doc = root / "report" / "page.qmd"
    doc.parent.mkdir(parents=True)
    doc.write_text(
        "---\ntitle: x\n---\n```{python}\nimport plotly.graph_objects as go\n"
        "from ggmm_build.pages import emit\n"
        "emit(lambda lang: go.Figure(layout={'title': {'text': lang}}), name='f', fmt='typst')\n```\n"
    )
    rendered: list[int] = []

    def render_missing(requests, folder):
        rendered.append(len(requests))
        for request in requests:
            (folder / f"{request.key}.png").parent.mkdir(parents=True, exist_ok=True)
            (folder / f"{request.key}.png").write_bytes(PNG)
        return len(requests)

    monkeypatch.setattr(images, "render_missing", render_missing)
    site_images.prerender_images(root, [(Path("report/page.qmd"), ("typst",))])
    assert rendered == [len(LANGS)]
    site_images.prerender_images(root, [(Path("report/page.qmd"), ("typst",))])
    assert rendered[-1] == 0, "an unchanged document is not executed again"
    (next((root / site_images.IMAGE_CACHE).glob("*.png"))).unlink()
    site_images.prerender_images(root, [(Path("report/page.qmd"), ("typst",))])
    assert rendered[-1] == len(LANGS), "a picture missing from the cache makes the document run again"


# ---------------------------------------------------------------------------
# Print layouts
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exports(report_exports: Path) -> dict:
    return {name: load_export(Path(report_exports) / f"{name}.json") for name in ("comparison", "em_history")}


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_on_paper_is_small_multiples_without_menus(exports: dict, lang: str) -> None:
    comparison = exports["comparison"]
    fig = comparison_print_figure(comparison, lang, metric="rmse_test", cols=2)
    assert not fig.layout.updatemenus and not fig.layout.sliders and not fig.frames
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [d["title"][lang] for d in comparison["datasets"]]
    labels = {label.removeprefix("◇ ") for trace in fig.data for label in trace.y if label is not None}
    assert labels <= {m["label"][lang] for m in comparison["methods"]}
    assert t("metric.rmse_test", lang) in fig.layout.title.text, "the metric is named in the document's language"
    assert "rmse_test" not in fig.to_json().replace('"rmse_test"', "")
    with pytest.raises(ValueError, match="'metric'"):
        comparison_print_figure(comparison, lang, metric="accuracy")
    with pytest.raises(ValueError, match="'datasets'"):
        comparison_print_figure(comparison, lang, datasets=["nowhere"])


def test_print_figure_drops_the_controls_and_shows_the_last_frame(exports: dict) -> None:
    run = exports["em_history"]["runs"][0]
    live = em_history_figure(exports["em_history"], "en", run["dataset"], run["init"])
    paper = print_figure(live)
    assert live.layout.sliders and live.frames, "the interactive figure is left as it was"
    assert not paper.layout.sliders and not paper.layout.updatemenus and not paper.frames
    last = live.frames[-1]
    moved = list(last.traces)[-1]
    assert list(paper.data[moved].x) == list(last.data[-1].x)
    assert paper.layout.height < live.layout.height, "the room the slider took is given back"


# ---------------------------------------------------------------------------
# What the emitters print
# ---------------------------------------------------------------------------


def test_site_figures_show_a_poster_until_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GGMM_IMAGE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "page.qmd")
    monkeypatch.chdir(tmp_path)
    with images.collecting() as requests:
        emit(lambda lang: _fig(lang), name="fig-demo", fmt="html", images=tmp_path)
        first = capsys.readouterr().out
        emit(lambda lang: _fig(lang), name="fig-other", fmt="html", images=tmp_path)
        second = capsys.readouterr().out
    assert first.count('src="/assets/js/loader.js"') == len(LANGS), "one loader per language block"
    assert "loader.js" not in second, "a document loads the loader once"
    assert 'data-ggmm-activate="interact"' in first and "ggmm-poster" in first and "srcset=" in first
    assert 'style="height: 300px"' in first, "the figure's height is reserved"
    assert t("poster.figure", "zh") in first
    assert len(requests) == 2 * 2 * len(LANGS), "wide and narrow posters per language"
    rest = re.sub(r'<script type="module" src="/assets/js/loader.js"></script>', "", first)
    assert not re.search(r"<script[^>]*\bsrc=", rest), "the loader is the only script the page fetches"


def test_slides_draw_figures_when_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GGMM_IMAGE_CACHE", str(tmp_path / "cache"))
    with images.collecting() as requests:
        emit(lambda lang: _fig(lang), name="s", fmt="revealjs", images=tmp_path)
    out = capsys.readouterr().out
    assert 'data-ggmm-activate="visible"' in out and "ggmm-poster" not in out and requests == []


def test_widgets_take_a_poster_and_a_start_button(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GGMM_IMAGE_CACHE", str(tmp_path / "cache"))
    with images.collecting():
        emit_widget(
            lambda lang, **kw: training_viewer_html("run.json", lang, **kw),
            lambda lang: _fig(lang),
            name="w",
            page="report/results/training.html",
            fmt="html",
            images=tmp_path,
            poster_label="poster.viewer",
        )
    out = capsys.readouterr().out
    assert out.count('class="ggmm-training-viewer"') == len(LANGS)
    assert t("poster.viewer", "en") in out and t("poster.viewer", "zh") in out
    assert 'data-ggmm-scripts="training-viewer"' in out


def test_tall_print_pictures_fit_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GGMM_IMAGE_CACHE", str(tmp_path / "cache"))
    with images.collecting():
        emit(lambda lang: _fig(lang), name="wide", fmt="typst", images=tmp_path, width=800, height=400)
        emit(lambda lang: _fig(lang), name="tall", fmt="typst", images=tmp_path, width=800, height=1400)
    out = capsys.readouterr().out
    assert "wide-en.png){width=100%}" in out and "tall-en.png){height=19cm}" in out


def test_comparison_page_prints_small_multiples(
    exports: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GGMM_IMAGE_CACHE", str(tmp_path / "cache"))
    comparison = exports["comparison"]
    with images.collecting() as requests:
        emit(
            lambda lang: comparison_figure(comparison, lang),
            name="c",
            fmt="typst",
            images=tmp_path,
            print_fig=lambda lang: comparison_print_figure(comparison, lang, cols=2),
        )
    specs = [r.spec for r in requests]
    assert all('"updatemenus"' not in spec for spec in specs) and len(specs) == len(LANGS)
