"""The standalone figure gallery: ``python -m ggmm_build.site.gallery --out out/gallery [--data report/data]``.

Writes one page per figure and widget in each language (``<out>/en/``, ``<out>/zh/``), a
root page to choose the language, and next to them everything the pages need: the plotly.js
bundles (``assets/vendor``, as the site has them), ``assets/js`` (the playground's modules
included), ``assets/css`` and the snapshot files the training-progress viewer fetches. Every page
loads ``assets/js/loader.js``, which draws all its figures at once (the site instead waits until a
figure is needed). Every page stands on its own and makes no request to another origin. The
scripts are ES modules, which browsers do not run from ``file://``: serve the folder
(``python -m http.server``). ``--inline-data`` embeds the snapshots in the viewer pages instead of
fetching them.

The gallery has its own copy of the KAN playground (``playground.html``), so the explorer's link
"train a KAN on this mixture" opens it there, as it opens the site's playground on the site.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..figures import (
    bspline_basis_figure,
    comparison_figure,
    em_history_figure,
    formula_html,
    formula_latex,
    ground_truth_figure,
    load_export,
    network_figure,
    paired_figure,
    posterior_table,
    recovered_figure,
    recovered_table,
    training_figure,
)
from ..figures.widgets import explorer_html, figure_html, training_viewer_html
from ..i18n import FONT_FAMILY, LANGS, t
from ..pages.playground_page import playground_html
from .assets import bundle_sources, full_bundle
from .links import root_index_html

__all__ = ["Page", "build_gallery", "plotly_js_path", "main"]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / "report" / "data"
ASSETS = ROOT / "assets"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS_FILES = ("widgets.css",)
#: The gallery's playground page, which the explorer links to (beside it in each language folder).
PLAYGROUND_PAGE = "playground.html"
HTML_LANG = {"en": "en", "zh": "zh-CN"}


@dataclass
class Page:
    """One gallery page in one language."""

    file: str
    title: str
    about: str = ""
    group: str = ""
    blocks: list[dict[str, Any]] = field(default_factory=list)


def plotly_js_path() -> Path:
    """The ``plotly.min.js`` shipped inside the plotly Python package."""
    return full_bundle()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _load(data: Path, name: str) -> dict[str, Any] | None:
    path = data / name
    if not path.is_file():
        _log(f"gallery: {path} not found, its pages are skipped")
        return None
    return load_export(path)


def _block(html: str, heading: str = "", css: str = "", block_id: str = "") -> dict[str, Any]:
    return {"html": html, "heading": heading, "css": css, "id": block_id}


def _formula_block(mixture: dict[str, Any], lang: str) -> str:
    latex = formula_latex(mixture)
    from html import escape

    return (
        f'<div class="formula-block">{formula_html(mixture)}'
        f'<details class="ggmm-latex"><summary>{escape(t("formula.latex", lang))}</summary>'
        f"<pre>{escape(latex)}</pre></details></div>"
    )


def _pages(
    lang: str, data: Path, exports: dict[str, Any], snapshot_files: list[Path], inline_data: bool = False
) -> list[Page]:
    """Every page of one language, in index order."""
    pages: list[Page] = []
    g_results, g_truth, g_training, g_background = (
        t("page.comparison", lang),
        t("page.ground_truth", lang),
        t("page.training", lang),
        t("page.bspline", lang),
    )
    comparison = exports.get("comparison")
    if comparison is not None:
        fig = comparison_figure(comparison, lang)
        pages.append(
            Page(
                "comparison.html",
                t("page.comparison", lang),
                t("page.comparison.about", lang),
                g_results,
                [
                    _block(figure_html(paired_figure(comparison, lang), "fig-paired")),
                    _block(figure_html(fig, "fig-comparison")),
                ],
            )
        )
    presets = exports.get("presets")
    if presets is not None:
        for entry in presets["presets"]:
            name, title = entry["name"], entry["title"][lang]
            blocks = [
                _block(figure_html(ground_truth_figure(entry, lang), f"fig-truth-{name}"), css="ggmm-wide"),
                _block(_formula_block(entry["mixture"], lang), t("formula.title", lang)),
                _block(f'<div class="ggmm-table-wrap">{posterior_table(entry, lang)}</div>'),
            ]
            pages.append(
                Page(
                    f"ground-truth-{name}.html",
                    f"{t('page.ground_truth', lang)} · {title}",
                    t("page.ground_truth.about", lang),
                    g_truth,
                    blocks,
                )
            )
        pages.append(
            Page(
                "explorer.html",
                t("page.explorer", lang),
                t("page.explorer.about", lang),
                g_truth,
                [_block(explorer_html(presets, lang, "explorer", playground_url=PLAYGROUND_PAGE))],
            )
        )
        pages.append(
            Page(
                PLAYGROUND_PAGE,
                t("page.playground", lang),
                t("page.playground.about", lang),
                g_truth,
                [_block(playground_html(lang, assets="../"))],
            )
        )
    for path in snapshot_files:
        snap = load_export(path)
        stem = path.stem
        run = snap["run"]
        label = f"{run['dataset']} · {run['method']}"
        blocks = []
        if snap.get("grid"):
            blocks.append(_block(figure_html(training_figure(snap, lang, -1), f"fig-training-{stem}"), css="ggmm-wide"))
        blocks.append(
            _block(
                figure_html(network_figure(snap, lang, 0), f"fig-network-{stem}-first"), t("network.short_title", lang)
            )
        )
        pages.append(
            Page(
                f"training-{stem}.html",
                f"{t('page.training', lang)} · {label}",
                t("page.training.about", lang),
                g_training,
                blocks,
            )
        )
        url = f"../data/training/{path.name}"
        pages.append(
            Page(
                f"viewer-{stem}.html",
                f"{t('page.viewer', lang)} · {label}",
                t("page.viewer.about", lang),
                g_training,
                [_block(training_viewer_html(url, lang, f"viewer-{stem}", inline=snap if inline_data else None))],
            )
        )
    recovered = exports.get("recovered")
    if recovered is not None:
        for entry in recovered["datasets"]:
            ds = entry["dataset"]
            blocks = []
            if entry.get("curves"):
                blocks.append(_block(figure_html(recovered_figure(recovered, lang, ds), f"fig-recovered-{ds}")))
            blocks.append(_block(f'<div class="ggmm-table-wrap">{recovered_table(recovered, lang, ds)}</div>'))
            pages.append(
                Page(
                    f"recovered-{ds}.html",
                    f"{t('page.recovered', lang)} · {ds}",
                    t("page.recovered.about", lang),
                    g_training,
                    blocks,
                )
            )
    em = exports.get("em_history")
    if em is not None:
        datasets = list(dict.fromkeys(run["dataset"] for run in em["runs"]))
        for ds in datasets:
            blocks = [
                _block(
                    figure_html(em_history_figure(em, lang, ds, run["init"]), f"fig-em-{ds}-{run['init']}"),
                    t(f"em.init.{run['init']}", lang),
                    css="ggmm-wide",
                )
                for run in em["runs"]
                if run["dataset"] == ds
            ]
            pages.append(
                Page(
                    f"em-history-{ds}.html",
                    f"{t('page.em_history', lang)} · {ds}",
                    t("page.em_history.about", lang),
                    g_results,
                    blocks,
                )
            )
    pages.append(
        Page(
            "bspline.html",
            t("page.bspline", lang),
            t("page.bspline.about", lang),
            g_background,
            [_block(figure_html(bspline_basis_figure(lang), "fig-bspline"))],
        )
    )
    return pages


def _copy_assets(out: Path, snapshot_files: list[Path]) -> None:
    for folder in ("js", "css", "vendor"):
        (out / "assets" / folder).mkdir(parents=True, exist_ok=True)
    for name, source in bundle_sources(ROOT).items():
        shutil.copyfile(source, out / "assets" / "vendor" / f"plotly-{name}.min.js")
    shutil.copytree(ASSETS / "js", out / "assets" / "js", dirs_exist_ok=True)
    for name in CSS_FILES:
        shutil.copyfile(ASSETS / "css" / name, out / "assets" / "css" / name)
    if snapshot_files:
        (out / "data" / "training").mkdir(parents=True, exist_ok=True)
        for path in snapshot_files:
            shutil.copyfile(path, out / "data" / "training" / path.name)


def build_gallery(out: str | Path, data: str | Path = DEFAULT_DATA, inline_data: bool = False) -> list[Path]:
    """Write the gallery.

    Parameters
    ----------
    out : str or Path
        Output folder (created; pages already there are overwritten).
    data : str or Path
        Folder with the exports, laid out like ``report/data``.
    inline_data : bool
        Embed the snapshot files in the training-viewer pages instead of fetching them (the pages
        get heavier; like every page they still need HTTP, their scripts being ES modules).

    Returns
    -------
    pages : list of Path
        Every HTML file written, the root page first.
    """
    out, data = Path(out), Path(data)
    if not data.is_dir():
        raise ValueError(f"The parameter 'data' must be a folder of exports, but {str(data)!r} is not a folder.")
    exports = {key: _load(data, f"{key}.json") for key in ("presets", "comparison", "em_history", "recovered")}
    snapshot_files = sorted((data / "training").glob("*.json")) if (data / "training").is_dir() else []
    profile = (exports.get("comparison") or {}).get("profile", "")
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    out.mkdir(parents=True, exist_ok=True)
    _copy_assets(out, snapshot_files)
    written = [out / "index.html"]
    written[0].write_text(
        root_index_html(
            "index.html",
            redirect=False,
            titles={lang: t("gallery.title", lang) for lang in LANGS},
            descriptions={lang: t("gallery.intro", lang) for lang in LANGS},
            links={lang: t("gallery.home", lang) for lang in LANGS},
        ),
        encoding="utf-8",
    )
    for lang in LANGS:
        other = LANGS[1 - LANGS.index(lang)]
        folder = out / lang
        folder.mkdir(exist_ok=True)
        pages = _pages(lang, data, exports, snapshot_files, inline_data)
        common = {
            "html_lang": HTML_LANG[lang],
            "other_lang": other,
            "other_html_lang": HTML_LANG[other],
            "site_title": t("gallery.title", lang),
            "home_label": t("gallery.home", lang),
            "switch_label": t("lang.switch", lang),
            "nav_label": t("gallery.home", lang),
            "root": "../",
            "footer": t("gallery.data_note", lang).format(profile=profile or "?"),
            "font_family": FONT_FAMILY,
        }
        for page in pages:
            html = env.get_template("page.html").render(
                title=page.title,
                about=page.about,
                blocks=page.blocks,
                page_file=page.file,
                is_index=False,
                description=page.about or page.title,
                **common,
            )
            (folder / page.file).write_text(html, encoding="utf-8")
            written.append(folder / page.file)
        groups: dict[str, list[dict[str, str]]] = {}
        for page in pages:
            groups.setdefault(page.group, []).append({"file": page.file, "title": page.title, "about": page.about})
        index = env.get_template("index.html").render(
            title=t("gallery.title", lang),
            about=t("gallery.intro", lang),
            page_file="index.html",
            is_index=True,
            description=t("gallery.intro", lang),
            groups=[{"heading": heading, "pages": items} for heading, items in groups.items()],
            **common,
        )
        (folder / "index.html").write_text(index, encoding="utf-8")
        written.append(folder / "index.html")
    _log(f"gallery: {len(written)} pages written to {out}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ggmm_build.site.gallery", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/gallery"), help="output folder")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="exports folder (default: report/data)")
    parser.add_argument(
        "--inline-data",
        action="store_true",
        help="embed the training snapshots in the viewer pages instead of fetching them",
    )
    args = parser.parse_args(argv)
    try:
        build_gallery(args.out, args.data, inline_data=args.inline_data)
    except (ValueError, FileNotFoundError) as exc:
        _log(f"gallery: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
