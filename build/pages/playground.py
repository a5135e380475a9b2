"""The KAN playground's page markup and the numbers its guided experiments quote.

* :func:`playground_html` writes the playground's controls and canvases for one language,
  every label from :mod:`ggmm_build.i18n.strings`; ``assets/js/playground/page.js`` brings it to life.
* :func:`run_experiments` trains the page's own runs in Python (pykan, through the
  sandbox) from the same data and initial parameters the browser draws for the same
  settings (a port of the page's seeded generator), and :func:`main` exports the results to
  ``report/data/playground.json``, which the page's text quotes.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n.strings import bundle, t
from ..syntax import function_code

__all__ = ["playground_html", "print_playground", "run_experiments", "EXPERIMENTS", "experiment_text", "main"]

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "report" / "data" / "playground.json"
SCHEMA = "ggmm-playground"
VERSION = 2


# -- the page ------------------------------------------------------------------------------


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


# -- the page's runs in Python -------------------------------------------------------------
# A port of the page's seeded set-up (assets/js/playground/ggmm.js, tasks.js and kan.js's
# createKAN): the same samples, split, domain points, quadrature shifts and initial parameters
# for the same settings, then pykan trains the network. tests/test_playground_experiments.py
# checks the port against the JavaScript session.


def mulberry32(seed: int):
    """The page's generator: floats in [0, 1) from a 32-bit seed."""
    state = seed & 0xFFFFFFFF

    def imul(a: int, b: int) -> int:
        return (a * b) & 0xFFFFFFFF

    def next_float() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        x = state
        x = imul(x ^ (x >> 15), x | 1)
        x ^= (x + imul(x ^ (x >> 7), x | 61)) & 0xFFFFFFFF
        return ((x ^ (x >> 14)) & 0xFFFFFFFF) / 4294967296.0

    return next_float


def _normal(rng) -> float:
    u, v = 1.0 - rng(), rng()
    return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)


def _gamma(rng, shape: float) -> float:
    if shape < 1:
        return _gamma(rng, shape + 1) * math.pow(1.0 - rng(), 1.0 / shape)
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = _normal(rng)
        v = 1.0 + c * x
        if v <= 0:
            continue
        v = v * v * v
        u = 1.0 - rng()
        if u < 1 - 0.0331 * x * x * x * x:
            return d * v
        if math.log(u) < 0.5 * x * x + d * (1 - v + math.log(v)):
            return d * v


def sample(mixture: dict, n: int, seed: int) -> np.ndarray:
    """The page's samples, shape (n, 2)."""
    rng = mulberry32(seed)
    weights, ps = mixture["weights"], mixture["p"]
    total = float(sum(weights))
    out = np.empty((n, 2))
    for q in range(n):
        u, acc, k = rng() * total, 0.0, 0
        while k < len(weights) - 1:
            acc += weights[k]
            if u < acc:
                break
            k += 1
        for d in range(2):
            r = math.pow(_gamma(rng, 1.0 / ps[k]), 1.0 / ps[k])
            sign = -1.0 if rng() < 0.5 else 1.0
            out[q, d] = mixture["centers"][k][d] + sign * mixture["scales"][k][d] * r
    return out


def _js_round(x: float) -> int:
    return math.floor(x + 0.5)


@dataclass
class PageData:
    """What the page's session prepares for a task: unit coordinates and targets."""

    u_train: np.ndarray
    u_val: np.ndarray
    x_val: np.ndarray
    x_fit: np.ndarray
    box: np.ndarray
    log_volume: float
    y_fit: np.ndarray | None = None
    y_val: np.ndarray | None = None
    scale: float = 1.0
    # the density task's tail component (empty for regression)
    tail_center: np.ndarray = field(default_factory=lambda: np.zeros(0))
    tail_scale: np.ndarray = field(default_factory=lambda: np.zeros(0))
    eps: float = 0.0


def page_data(settings: dict) -> PageData:
    """The page's data for ``settings`` (keys as the page's session: mixture, samples, seed, task)."""
    from ggmm import GeneralizedGaussianMixture

    N, seed, task = settings["samples"], settings["seed"], settings["task"]
    x = sample(settings["mixture"], N, seed)
    rng = mulberry32(int(float(seed) * 2654435761.0 + 17.0) % 2**32)
    order = list(range(N))
    for a in range(N - 1, 0, -1):
        b = math.floor(rng() * (a + 1))
        order[a], order[b] = order[b], order[a]
    n_val = max(1, _js_round(0.2 * N))
    x_train, x_val = x[order[n_val:]], x[order[:n_val]]
    margin = 0.1 if task == "density" else 0.25
    lo, hi = x.min(axis=0), x.max(axis=0)
    width = np.maximum(hi - lo, 1e-9)
    box = np.stack([lo - margin * width, hi + margin * width], axis=1)
    center, half = box.mean(axis=1), (box[:, 1] - box[:, 0]) / 2
    to_unit = lambda v: (v - center) / half  # noqa: E731
    extra_rng = mulberry32((seed + 0x51ED) & 0xFFFFFFFF)
    n_extra = len(x_train) if task == "density" else _js_round(0.5 * len(x_train))
    extra = np.array([extra_rng() * 2 - 1 for _ in range(2 * n_extra)]).reshape(n_extra, 2)
    u_train = to_unit(x_train)
    data = PageData(
        u_train=u_train,
        u_val=to_unit(x_val),
        x_val=x_val,
        x_fit=np.vstack([u_train, extra]),
        box=box,
        log_volume=float(np.log(box[0, 1] - box[0, 0]) + np.log(box[1, 1] - box[1, 0])),
    )
    m = settings["mixture"]
    mixture = GeneralizedGaussianMixture(centers=m["centers"], scales=m["scales"], weights=m["weights"], p=m["p"])
    if task == "regression":
        data.y_fit = mixture.pdf(data.x_fit * half + center)
        data.y_val = mixture.pdf(x_val)
        data.scale = float(np.var(data.y_fit, ddof=1)) or 1.0
    else:
        data.tail_center = np.median(x, axis=0)
        data.tail_scale = np.maximum(np.mean(np.abs(x - data.tail_center), axis=0), 1e-6)
        data.eps = 4.0 / (N + 1)
    return data


def initial_parameters(width: list[int], grid: int, k: int, seed: int, noise_scale: float = 0.3) -> list[dict]:
    """The page's initial parameters (createKAN): per layer grid, coef, scale_base, scale_sp."""
    import torch
    from kan.spline import B_batch, extend_grid

    rng = mulberry32((seed ^ 0x2545F491) & 0xFFFFFFFF)
    layers = []
    for n_in, n_out in zip(width[:-1], width[1:], strict=True):
        knots = torch.tensor([[-1 + 2 * m / grid for m in range(grid + 1)]] * n_in, dtype=torch.float64)
        g = extend_grid(knots, k_extend=k)
        noise = np.array([(rng() - 0.5) * noise_scale / grid for _ in range((grid + 1) * n_in * n_out)])
        noise = noise.reshape(grid + 1, n_in, n_out)
        coef = np.zeros((n_in, n_out, grid + k))
        for i in range(n_in):
            A = B_batch(g[i, k:-k][:, None], g[i : i + 1], k=k)[:, 0, :].numpy()
            for j in range(n_out):
                coef[i, j] = np.linalg.lstsq(A, noise[:, i, j], rcond=None)[0]
        scale_base = np.array([(rng() * 2 - 1) / math.sqrt(n_in) for _ in range(n_in * n_out)]).reshape(n_in, n_out)
        layers.append(
            {
                "grid": g.numpy(),
                "coef": coef,
                "scale_base": scale_base,
                "scale_sp": np.full((n_in, n_out), 1 / math.sqrt(n_in)),
            }
        )
    return layers


def _logsumexp(v: np.ndarray) -> float:
    m = float(np.max(v))
    return m + math.log(float(np.sum(np.exp(v - m))))


def _midpoints(nq: int) -> np.ndarray:
    axis = -1.0 + (np.arange(nq) + 0.5) * (2.0 / nq)
    return np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)


def train_page_run(
    settings: dict, *, total: int | None = None, prune_at: int | None = None, record_every: int = 0
) -> dict:
    """Train the network the page trains for ``settings``, with pykan (float64, full batch).

    Parameters
    ----------
    settings : dict
        The page's session settings: mixture, samples, seed, task, width, grid, k, lr, lamb,
        gridUpdate, steps (full batch only).
    total : int or None
        Steps in all (default ``settings["steps"]``, the page's steps per run).
    prune_at : int or None
        Prune (the page's button: pykan's node then edge scores) after this many steps; a
        new stage starts there, as on the page (a fresh Adam, the grid schedule again).
    record_every : int
        Also record the train loss every this many steps (0: only the final values).

    Returns
    -------
    dict
        ``train_loss``, ``validation_loss`` (final), ``trace`` (step, train loss) and, when
        pruned, ``live_edges``, ``live_hidden`` and the validation loss just before pruning.
    """
    import torch

    from ggmm.estimators._kan_core import live_width
    from ggmm.estimators._pykan import mask_edges, new_kan, pykan_sandbox

    data = page_data(settings)
    width, grid, k, steps = list(settings["width"]), settings["grid"], settings["k"], settings["steps"]
    dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        with pykan_sandbox(settings["seed"]) as box:
            model = new_kan(width, grid, k, settings["seed"], box.ckpt_path)
            with torch.no_grad():
                start = initial_parameters(width, grid, k, settings["seed"])
                for layer, init in zip(model.act_fun, start, strict=True):
                    for name, value in init.items():
                        getattr(layer, name).data = torch.as_tensor(value, dtype=torch.float64).clone()
            x_fit = torch.as_tensor(data.x_fit)
            u_train = torch.as_tensor(data.u_train)
            quad = torch.as_tensor(_midpoints(48))
            h = 2.0 / 48
            shift_rng = mulberry32((settings["seed"] + 0xC0FFEE) & 0xFFFFFFFF)

            def validation() -> float:
                with torch.no_grad():
                    f = model(torch.as_tensor(data.u_val))[:, 0].numpy()
                    if settings["task"] == "regression":
                        return float(np.sqrt(np.mean((np.maximum(f, 0) - data.y_val) ** 2)))
                    log_z = _logsumexp(model(quad)[:, 0].numpy()) - math.log(len(quad)) + data.log_volume
                z = np.abs(data.x_val - data.tail_center) / data.tail_scale
                lt = -np.sum(z + np.log(2 * data.tail_scale), axis=1)
                lq = np.logaddexp(math.log1p(-data.eps) + f - log_z, math.log(data.eps) + lt)
                return float(-np.mean(lq))

            out: dict[str, Any] = {"trace": []}
            optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=settings["lr"])
            local, stage_steps, loss = 0, steps, float("nan")
            for step in range(steps if total is None else total):
                if prune_at is not None and step == prune_at:
                    out["validation_before_prune"] = validation()
                    model.get_act(x_fit)
                    model.attribute(plot=False)
                    keep = [torch.ones_like(layer.mask.data, dtype=torch.bool) for layer in model.act_fun]
                    for layer in range(1, len(model.act_fun)):
                        dead = model.node_scores[layer] <= 1e-2
                        keep[layer - 1][:, dead] = False
                        keep[layer][dead, :] = False
                    mask_edges(model, keep)
                    model.get_act(x_fit)
                    model.attribute(plot=False)
                    mask_edges(model, [(s.T > 3e-2) for s in model.edge_scores])
                    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=settings["lr"])
                    local = 0
                every = max(1, stage_steps // 20)
                if settings["gridUpdate"] and local < stage_steps // 2 and local % every == 0:
                    with torch.no_grad():
                        model.update_grid_from_samples(x_fit)
                optimizer.zero_grad()
                if settings["task"] == "regression":
                    out_fit = model(x_fit)[:, 0]
                    mse = torch.mean((out_fit - torch.as_tensor(data.y_fit)) ** 2)
                    objective, loss_t = mse / data.scale, torch.sqrt(mse)
                else:
                    sx, sy = (shift_rng() - 0.5) * h, (shift_rng() - 0.5) * h
                    f = model(torch.cat([u_train, quad + torch.tensor([sx, sy])]))[:, 0]
                    n = len(u_train)
                    objective = -f[:n].mean() + torch.logsumexp(f[n:], dim=0) - math.log(len(quad)) + data.log_volume
                    loss_t = objective
                if settings["lamb"] > 0:
                    reg = model.get_reg("edge_forward_spline_n", 1.0, 2.0, 0.0, 0.0)
                    objective = objective + settings["lamb"] * reg
                objective.backward()
                optimizer.step()
                local += 1
                loss = float(loss_t.detach())
                if record_every and (step + 1) % record_every == 0:
                    out["trace"].append([step + 1, loss])
            out["train_loss"] = loss
            out["validation_loss"] = validation()
            if prune_at is not None:
                out["live_edges"] = int(sum(int((layer.mask.data > 0).sum()) for layer in model.act_fun))
                out["live_hidden"] = live_width(model)[1:-1]
    finally:
        torch.set_default_dtype(dtype)
    return out


# -- the guided experiments ------------------------------------------------------------------

_LAPLACE = {
    "centers": [[-1.5, -1.0], [1.5, 1.0]],
    "scales": [[0.6, 0.6], [0.4, 0.8]],
    "weights": [0.5, 0.5],
    "p": [1.0, 1.0],
}
_THREE = {
    "centers": [[-2.0, -2.0], [0.0, 0.0], [2.0, 2.0]],
    "scales": [[0.3, 0.3], [0.2, 0.2], [0.4, 0.4]],
    "weights": [0.3, 0.4, 0.3],
    "p": [2.0, 2.0, 2.0],
}
_TWO = {
    "centers": [[-1.5, 0.0], [1.5, 0.5]],
    "scales": [[0.5, 0.5], [0.5, 0.5]],
    "weights": [0.5, 0.5],
    "p": [2.0, 2.0],
}

#: The experiments: each a list of (variant id, settings overrides), run with the page's
#: defaults for the rest; ``prune_at`` prunes after that many steps and trains as many again.
EXPERIMENTS: list[dict[str, Any]] = [
    {
        "id": "grid_update",
        "mixture": _LAPLACE,
        "variants": [("on", {"gridUpdate": True}), ("off", {"gridUpdate": False})],
    },
    {"id": "grid_size", "mixture": _THREE, "variants": [("G5", {"grid": 5}), ("G20", {"grid": 20})]},
    {
        "id": "prune",
        "mixture": _TWO,
        "prune_at": 200,
        "variants": [("wide", {"width": [2, 8, 1], "lamb": 0.01, "steps": 200})],
    },
]
_BASE = {
    "samples": 1000,
    "seed": 1,
    "task": "density",
    "width": [2, 5, 1],
    "grid": 5,
    "k": 3,
    "lr": 0.02,
    "lamb": 0.0,
    "batch": 0,
    "gridUpdate": True,
    "steps": 300,
    "quad": 48,
}


def page_hash(settings: dict) -> str:
    """The page's URL hash for session settings (assets/js/playground/state.js reads it)."""
    m = settings["mixture"]
    fields = {
        "task": settings["task"],
        "n": settings["samples"],
        "seed": settings["seed"],
        "grid": settings["grid"],
        "order": settings["k"],
        "lr": settings["lr"],
        "lamb": settings["lamb"],
        "batch": settings["batch"],
        "steps": settings["steps"],
        "hidden": ",".join(str(h) for h in settings["width"][1:-1]),
        "gridupdate": 1 if settings["gridUpdate"] else 0,
        "centers": ";".join(",".join(f"{v:g}" for v in c) for c in m["centers"]),
        "scales": ";".join(",".join(f"{v:g}" for v in a) for a in m["scales"]),
        "weights": ";".join(f"{v:g}" for v in m["weights"]),
        "p": ";".join(f"{v:g}" for v in m["p"]),
    }
    return "&".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items())


def _truth_nll(settings: dict) -> float:
    """The held-out NLL of the true density on the page's validation samples."""
    from ggmm import GeneralizedGaussianMixture

    m = settings["mixture"]
    data = page_data(settings)
    mixture = GeneralizedGaussianMixture(centers=m["centers"], scales=m["scales"], weights=m["weights"], p=m["p"])
    return float(-np.mean(mixture.logpdf(data.x_val)))


def _maths_modules() -> list[str]:
    """The page's maths: tasks.js and every playground module it imports, directly or not (the
    KAN, its B-splines, least squares, training, grids and pruning, the sampler), not the
    page's UI (page.js, views.js, state.js, worker.js)."""
    import re

    folder = ROOT / "assets" / "js" / "playground"
    found: set[str] = set()
    todo = ["tasks.js"]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += re.findall(r'\bfrom\s+"\./([\w.-]+\.js)"', (folder / name).read_text(encoding="utf-8"))
    return sorted(found)


def source_digest() -> str:
    """A hash of what the experiments' numbers depend on: the page's maths (tasks.js and the
    modules it imports, :func:`_maths_modules`), the Python port and training code here (as
    syntax: layout, comments and docstrings do not count), the experiments' settings, and the
    versions of torch and pykan (not the page's markup or the text around the numbers)."""
    import hashlib
    from importlib import metadata

    h = hashlib.sha256()
    for name in _maths_modules():
        source = (ROOT / "assets" / "js" / "playground" / name).read_bytes().replace(b"\r\n", b"\n")
        h.update(name.encode() + b"\0" + source)
    for function in (
        mulberry32,
        _normal,
        _gamma,
        sample,
        page_data,
        initial_parameters,
        train_page_run,
        page_hash,
        _truth_nll,
        run_experiments,
    ):
        h.update(function_code(function).encode())
    h.update(repr((EXPERIMENTS, _BASE)).encode())
    for package in ("torch", "pykan"):
        try:
            h.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=absent".encode())
    return h.hexdigest()[:16]


def run_experiments(experiments: list[dict[str, Any]] = EXPERIMENTS) -> dict[str, Any]:
    """Train every variant of every experiment with pykan; the export document."""
    out = []
    for exp in experiments:
        variants = []
        for variant_id, overrides in exp["variants"]:
            settings = {**_BASE, "mixture": exp["mixture"], **overrides}
            prune_at = exp.get("prune_at")
            total = 2 * prune_at if prune_at else None
            t0 = time.process_time()
            result = train_page_run(settings, total=total, prune_at=prune_at)
            result.pop("trace", None)
            variants.append(
                {
                    "id": variant_id,
                    "hash": page_hash(settings),
                    "width": settings["width"],
                    "grid": settings["grid"],
                    "steps": total or settings["steps"],
                    "results": result,
                    "cpu_seconds": round(time.process_time() - t0, 1),
                }
            )
        settings = {**_BASE, "mixture": exp["mixture"]}
        out.append(
            {
                "id": exp["id"],
                "components": len(exp["mixture"]["weights"]),
                "p": exp["mixture"]["p"],
                "truth_nll": _truth_nll(settings),
                "variants": variants,
            }
        )
    return {"schema": SCHEMA, "version": VERSION, "code": source_digest(), "experiments": out}


# -- the words around the numbers ---------------------------------------------------------------


def _num(v: float) -> str:
    return f"{v:.3f}"


def _compare(a: float, b: float, lang: str) -> str:
    """How a compares with b, lower being better: "lower", "higher" or "equal" (3 decimals)."""
    if round(a, 3) == round(b, 3):
        return {"en": "the same as", "zh": "相同于"}[lang]
    return {"en": ("lower than", "higher than"), "zh": ("低于", "高于")}[lang][0 if a < b else 1]


def experiment_text(doc: dict[str, Any], lang: str) -> str:
    """The guided experiments as Markdown for ``lang``: numbers and comparison words from ``doc``."""
    by_id = {e["id"]: e for e in doc["experiments"]}
    parts = []
    e = by_id["grid_update"]
    on, off = (v["results"]["validation_loss"] for v in e["variants"])
    h_on, h_off = (v["hash"] for v in e["variants"])
    steps = e["variants"][0]["steps"]
    if lang == "en":
        parts.append(
            f"1. **Grid updates on heavy tails.** A two-component Laplace mixture (p = 1) has samples far out in its "
            f"tails, outside the initial grid [−1, 1] of the hidden layer's inputs. After {steps} steps the held-out "
            f"NLL is {_num(on)} with pykan's grid updates and {_num(off)} without, so the run with updates ends "
            f"{_compare(on, off, lang)} the run without; the true density scores {_num(e['truth_nll'])} on the same "
            f"points. "
            f"[Run it with updates](#{h_on}) · [without](#{h_off})"
        )
    else:
        parts.append(
            f"1. **重尾数据上的网格更新。** 两个分量的拉普拉斯混合（p = 1）有远在尾部的样本，"
            f"落在隐藏层输入的初始网格 [−1, 1] 之外。"
            f"训练 {steps} 步后，使用 pykan 的网格更新时留出集 NLL 为 {_num(on)}，不更新时为 {_num(off)}："
            f"即带更新的运行最终{_compare(on, off, lang)}不带更新的运行；"
            f"真实密度在同样的点上为 {_num(e['truth_nll'])}。"
            f"[带网格更新运行](#{h_on}) · [不带网格更新](#{h_off})"
        )
    e = by_id["grid_size"]
    g5, g20 = (v["results"]["validation_loss"] for v in e["variants"])
    t5, t20 = (v["results"]["train_loss"] for v in e["variants"])
    h5, h20 = (v["hash"] for v in e["variants"])
    if lang == "en":
        parts.append(
            f"2. **G = 5 against G = 20.** On the original three-blob mixture, the finer grid's held-out NLL "
            f"({_num(g20)}) is {_compare(g20, g5, lang)} the coarser one's ({_num(g5)}); on the training samples "
            f"it is {_num(t20)} against {_num(t5)}. More knots fit the samples more closely; whether that carries "
            f"over to new points is what the held-out number says. [G = 5](#{h5}) · [G = 20](#{h20})"
        )
    else:
        parts.append(
            f"2. **G = 5 与 G = 20。** 在原作业的三团混合分布上，"
            f"细网格的留出集 NLL（{_num(g20)}）{_compare(g20, g5, lang)}"
            f"粗网格（{_num(g5)}）；在训练样本上分别为 {_num(t20)} 与 {_num(t5)}。节点越多，对训练样本拟合得越紧；"
            f"能否推广到新的点，要看留出集上的数字。[G = 5](#{h5}) · [G = 20](#{h20})"
        )
    e = by_id["prune"]
    v = e["variants"][0]
    live, K = v["results"]["live_hidden"][0], e["components"]
    rel = (
        "as many hidden nodes as" if live == K else "more hidden nodes than" if live > K else "fewer hidden nodes than"
    )
    rel_zh = "等于" if live == K else "多于" if live > K else "少于"
    before, after = v["results"]["validation_before_prune"], v["results"]["validation_loss"]
    half = v["steps"] // 2
    if lang == "en":
        parts.append(
            f"3. **Pruning [2, 8, 1] towards the mixture's structure.** The KA view of a GGMM writes the density of "
            f"this K = {K} mixture as a [2, {K}, 1] KAN, one hidden node per component; the density task learns the "
            f"log-density instead, so it need not find that structure. Trained for {half} steps with λ = "
            f"{v['hash'].split('lamb=')[1].split('&')[0]}, then pruned and trained {half} steps more, the network "
            f"keeps {live} hidden node{'s' if live != 1 else ''} and {v['results']['live_edges']} edges: {rel} the "
            f"{K} components. The held-out NLL goes from {_num(before)} before pruning to {_num(after)} at the end. "
            f"[Run it](#{v['hash']}), press Prune after the first run, then Play."
        )
    else:
        parts.append(
            f"3. **把 [2, 8, 1] 剪枝到混合分布的结构。** 按 GGMM 的 KA 视角，"
            f"这个 K = {K} 的混合分布的密度可以写成一个 [2, {K}, 1] 的 KAN，"
            f"每个隐藏节点对应一个分量；而密度任务学习的是对数密度，未必会找到这一结构。"
            f"以 λ = {v['hash'].split('lamb=')[1].split('&')[0]} 训练 {half} 步、剪枝、再训练 {half} 步后，"
            f"网络保留 {live} 个隐藏节点和 "
            f"{v['results']['live_edges']} 条边：隐藏节点数{rel_zh}分量数 {K}。"
            f"留出集 NLL 从剪枝前的 {_num(before)} 变为最终的 "
            f"{_num(after)}。[运行](#{v['hash']})，第一轮结束后按“剪枝”，再按“开始”。"
        )
    return "\n".join(parts) + "\n"


def print_experiments(path: Path | str = EXPORT) -> None:
    """Print the guided experiments in both languages (a Quarto ``output: asis`` cell)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in ("en", "zh"):
        print(f'::: {{.content-visible when-profile="{lang}"}}\n{experiment_text(doc, lang)}\n:::\n')


def main(argv: list[str] | None = None) -> int:
    """``python -m ggmm_build.pages.playground``: run the guided experiments, write the export."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXPORT)
    parser.add_argument("--if-stale", action="store_true", help="only when the sources changed since the export")
    args = parser.parse_args(argv)
    if args.if_stale and args.out.exists():
        if json.loads(args.out.read_text(encoding="utf-8")).get("code") == source_digest():
            print(f"{args.out} is up to date", file=sys.stderr)
            return 0
    t0 = time.perf_counter()
    doc = run_experiments()
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
