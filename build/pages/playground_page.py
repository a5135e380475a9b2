"""The KAN playground's page markup.

:func:`playground_html` writes the playground's controls and canvases for one language, every
label from :mod:`ggmm_build.i18n.strings`; ``assets/js/playground/page.js`` brings it to life.
:func:`print_playground` prints it for the report's page, :func:`write_harness` as a standalone
page for the browser tests and the benchmark.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from ..i18n.strings import bundle, t

__all__ = ["playground_html", "print_playground", "write_harness"]

ROOT = Path(__file__).resolve().parents[2]


def _presets(lang: str) -> list[dict[str, Any]]:
    data = json.loads((ROOT / "report" / "data" / "presets.json").read_text())
    out = []
    for preset in data["presets"]:
        mixture = preset["mixture"]
        if len(mixture["centers"][0]) != 2:
            continue
        K = len(mixture["weights"])
        p = mixture["p"] if isinstance(mixture["p"], list) else [mixture["p"]] * K
        out.append(
            {
                "name": preset["name"],
                "title": preset["title"][lang],
                "mixture": {
                    "centers": mixture["centers"],
                    "scales": mixture["scales"],
                    "weights": mixture["weights"],
                    "p": p,
                },
            }
        )
    return out


def _attr(value: Any) -> str:
    return html.escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True)


def _field(name: str, label: str, control: str) -> str:
    return f'<div class="kp-field"><label for="kp-{name}-{{uid}}">{html.escape(label)}</label>{control}</div>'


def _number(name: str, lang: str, lo: float, hi: float, step: float | str, value: float, key: str = "") -> str:
    control = (
        f'<input type="number" id="kp-{name}-{{uid}}" data-kp="{name}" min="{lo}" max="{hi}" '
        f'step="{step}" value="{value}">'
    )
    return _field(name, t(f"playground.{key or name}", lang), control)


def playground_html(lang: str, assets: str = "../", uid: str = "main") -> str:
    """The playground's markup for ``lang``: controls, views and the module script.

    Parameters
    ----------
    lang : {"en", "zh"}
    assets : str
        The URL of the site's folder holding ``assets/`` relative to the page (``"../"``
        for a page one folder down).
    uid : str
        Suffix of the element ids (unique per page).

    Returns
    -------
    str
        HTML for one ``<div data-kan-playground>``.
    """
    s = lambda key: html.escape(t(key, lang))  # noqa: E731 - a local shorthand
    presets = _presets(lang)
    options = (
        "".join(f'<option value="{html.escape(p["name"])}">{html.escape(p["title"])}</option>' for p in presets)
        + f'<option value="">{s("playground.custom")}</option>'
    )
    heads = "".join(
        f'<th scope="col">{s("playground." + key)}</th>'
        for key in ("center_x", "center_y", "scale_x", "scale_y", "weight", "shape")
    )
    batch = "".join(
        f'<option value="{v}">{s("playground.batch.full") if v == 0 else v}</option>' for v in (0, 64, 256, 1024)
    )
    order = "".join(f'<option value="{v}">{v}</option>' for v in (1, 2, 3))
    tasks = "".join(
        f'<label class="kp-radio"><input type="radio" name="kp-task-{{uid}}" data-kp="task" value="{v}">'
        f"{s('playground.task.' + v)}</label>"
        for v in ("density", "regression")
    )
    markup = f"""<div class="kan-playground" data-kan-playground data-lang="{lang}"
 data-strings="{_attr(bundle(("playground.",), lang))}" data-presets="{_attr(presets)}">
<noscript><p>{s("playground.noscript")}</p></noscript>
<p data-kp="loading" role="status">{s("playground.loading")}</p>
<div data-kp="notes" class="kp-notes" role="status" hidden><p>{s("playground.notes")}</p>
<ul data-kp="notes-list"></ul></div>
<div data-kp="diverged" class="kp-alert" role="alert" hidden><p data-kp="diverged-text"></p>
<button type="button" data-kp="reset2">{s("playground.reset")}</button></div>
<div class="kp-buttons">
<button type="button" data-kp="play" aria-pressed="false">{s("playground.play")}</button>
<button type="button" data-kp="step">{s("playground.step_once")}</button>
<button type="button" data-kp="reset">{s("playground.reset")}</button>
<button type="button" data-kp="prune">{s("playground.prune")}</button>
<button type="button" data-kp="refine">{s("playground.refine")}</button>
<button type="button" data-kp="export">{s("playground.export")}</button>
</div>
<p class="kp-status"><span data-kp="status" aria-live="off"></span> · <span data-kp="grid-now"></span></p>
<div class="kp-views">
<figure class="kp-pair"><div class="kp-density">
<canvas data-kp="predicted" role="img" aria-label="{s("playground.predicted")}"></canvas>
<canvas data-kp="truth" role="img" aria-label="{s("playground.truth")}"></canvas></div>
<figcaption>{s("playground.views")}</figcaption></figure>
<figure><canvas data-kp="loss" role="img" aria-label="{s("playground.loss")}"></canvas></figure>
<figure><canvas data-kp="network" role="img" aria-label="{s("playground.network_view")}"></canvas>
<figcaption>{s("playground.network_view")}</figcaption>
{_field("edge", t("playground.edge_pick", lang), '<select id="kp-edge-{uid}" data-kp="edge"></select>')}
<canvas data-kp="edgeview" role="img" aria-label="{s("playground.edge_pick")}"></canvas></figure>
</div>
<div class="kp-controls">
<fieldset><legend>{s("playground.data")}</legend>
{_field("preset", t("playground.preset", lang), f'<select id="kp-preset-{{uid}}" data-kp="preset">{options}</select>')}
<div class="kp-table"><table><caption>{s("playground.components")}</caption>
<thead><tr><th scope="col">#</th>{heads}</tr></thead><tbody data-kp="components"></tbody></table></div>
<div class="kp-buttons"><button type="button" data-kp="add">{s("playground.add_component")}</button>
<button type="button" data-kp="remove">{s("playground.remove_component")}</button></div>
{_number("n", lang, 100, 10000, 100, 2000, "samples")}
{_number("seed", lang, 0, 2147483647, 1, 1)}
<fieldset class="kp-inline"><legend>{s("playground.task")}</legend>{tasks}</fieldset>
</fieldset>
<fieldset><legend>{s("playground.network")}</legend>
{_number("hidden1", lang, 1, 8, 1, 5)}
{_number("hidden2", lang, 0, 8, 1, 0)}
{_number("grid", lang, 3, 30, 1, 5)}
{_field("order", t("playground.order", lang), f'<select id="kp-order-{{uid}}" data-kp="order">{order}</select>')}
<div class="kp-field kp-check"><input type="checkbox" id="kp-gridupdate-{{uid}}" data-kp="gridupdate" checked>
<label for="kp-gridupdate-{{uid}}">{s("playground.gridupdate")}</label></div>
</fieldset>
<fieldset><legend>{s("playground.training")}</legend>
{_number("lr", lang, 0.0001, 10, "any", 0.02)}
{_number("lamb", lang, 0, 0.1, "any", 0)}
{_field("batch", t("playground.batch", lang), f'<select id="kp-batch-{{uid}}" data-kp="batch">{batch}</select>')}
{_number("steps", lang, 20, 5000, 10, 400)}
</fieldset>
{_field("link", t("playground.link", lang), '<input type="text" readonly id="kp-link-{uid}" data-kp="link">')}
<div class="kp-buttons"><button type="button" data-kp="copy">{s("playground.copy_link")}</button>
<span data-kp="copied" role="status"></span></div>
</div>
</div>
<link rel="stylesheet" href="{assets}assets/js/playground/playground.css">
<script type="module" src="{assets}assets/js/playground/page.js"></script>"""
    return markup.replace("{uid}", html.escape(uid))


def write_harness(folder: Path, lang: str = "en") -> Path:
    """A standalone page (no Quarto) with the playground and its scripts, for the browser
    tests and the benchmark: ``folder/index.html`` and ``folder/assets/js/playground/``.

    Returns
    -------
    Path
        ``folder/index.html``.
    """
    import shutil

    target = folder / "assets" / "js" / "playground"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "assets" / "js" / "playground", target)
    page = (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(t('page.playground', lang))}</title><link rel='icon' href='data:,'>"
        "<style>body{font-family:system-ui,sans-serif;margin:0 auto;padding:0 12px;max-width:1200px}</style>"
        f"</head><body><main><h1>{html.escape(t('page.playground', lang))}</h1>"
        f"{playground_html(lang, assets='./')}</main></body></html>"
    )
    index = folder / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def print_playground(assets: str = "../") -> None:
    """Print the playground for both languages, each in its profile's block (a Quarto
    ``output: asis`` cell: the freeze cache is shared between profiles)."""
    for lang in ("en", "zh"):
        block = playground_html(lang, assets)
        print(f'::: {{.content-visible when-profile="{lang}"}}\n```{{=html}}\n{block}\n```\n:::\n')
