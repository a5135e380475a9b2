"""Figure builders and HTML embedders on the report's exports."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest
from ggmm_build.figures import (
    bspline_basis,
    bspline_basis_figure,
    comparison_figure,
    em_history_figure,
    formula_html,
    formula_latex,
    ground_truth_figure,
    load_export,
    network_figure,
    posterior_table,
    recovered_figure,
    recovered_table,
    training_figure,
)
from ggmm_build.figures.bspline import GRID_SIZES, ORDERS, extended_knots
from ggmm_build.figures.comparison_points import comparison_points, method_label, seed_values, wrap_label
from ggmm_build.figures.em_history import MAX_FRAMES, select_iterations
from ggmm_build.figures.io import check_export, packed_array
from ggmm_build.figures.network import N_BINS
from ggmm_build.figures.paired import VERDICT_MARKS, paired_figure, paired_rows
from ggmm_build.figures.print import paired_print_figure
from ggmm_build.figures.widgets import Poster, explorer_html, figure_html, training_viewer_html
from ggmm_build.i18n.strings import LANGS, t
from scipy.interpolate import BSpline

from ggmm import GeneralizedGaussianMixture

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def exports(report_exports: Path) -> dict[str, Any]:
    data = {
        name: load_export(report_exports / f"{name}.json")
        for name in ("presets", "comparison", "em_history", "recovered")
    }
    data["snapshots"] = [load_export(p) for p in sorted((report_exports / "training").glob("*.json"))]
    assert data["snapshots"], "the profile exports at least one training run"
    return data


def _texts(fig: go.Figure) -> str:
    """Every piece of text a reader sees in the figure's JSON (titles, labels, hover, buttons)."""
    return json.dumps(json.loads(fig.to_json()), ensure_ascii=False)


def _check(fig: go.Figure, lang: str) -> dict[str, Any]:
    assert isinstance(fig, go.Figure)
    spec = json.loads(fig.to_json())  # serializable and valid (plotly validated it on construction)
    assert spec["data"]
    if lang == "zh":
        assert CJK.search(_texts(fig)), "a Chinese figure shows Chinese text"
    else:
        assert not CJK.search(_texts(fig)), "an English figure shows no Chinese text"
    return spec


# -- figure 1 -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_comparison_figure(exports: dict[str, Any], lang: str) -> None:
    comparison = exports["comparison"]
    for dataset in [d["name"] for d in comparison["datasets"]]:
        for metric in comparison["metrics"]:
            if not any(r["dataset"] == dataset and r.get(metric) for r in comparison["summary"]):
                continue
            fig = comparison_figure(comparison, lang, dataset=dataset, metric=metric)
            spec = _check(fig, lang)
            points = comparison_points(comparison, dataset, metric)
            means = [p["mean"] for p in points]
            assert means == sorted(means)
            shown = [tr for tr in spec["data"] if tr.get("meta", {}).get("role") == "method" and tr["visible"] is True]
            assert {tr["meta"]["dataset"] for tr in shown} == {dataset}
            xs = sorted(x for tr in shown for x in tr["x"])
            assert xs == pytest.approx(means)
            # sorted by value on the dataset's own category axis, best on top
            axis = {tr.get("yaxis", "y") for tr in shown}
            assert len(axis) == 1
            layout_axis = "yaxis" + axis.pop()[1:]
            assert spec["layout"][layout_axis]["categoryorder"] == "total descending"
            assert spec["layout"][layout_axis]["visible"] is True
            # x range fitted to the data (intervals and every seed's own value), not started at 0;
            # an RMSE on a log axis (range in log10 units), so it never reaches 0 or below
            lo, hi = spec["layout"]["xaxis"]["range"]
            seeds = [v for p in points for v in seed_values(comparison, dataset, metric, p["method"])]
            data_lo = min([p["lo"] for p in points] + seeds)
            data_hi = max([p["hi"] for p in points] + seeds)
            if metric == "nll" and comparison["truth_nll"].get(dataset):
                data_lo = min(data_lo, comparison["truth_nll"][dataset]["mean"])
                data_hi = max(data_hi, comparison["truth_nll"][dataset]["mean"])
            if metric == "nll_gap":
                data_lo, data_hi = min(data_lo, 0.0), max(data_hi, 0.0)
            if metric in ("rmse_test", "rmse_grid"):
                assert spec["layout"]["xaxis"]["type"] == "log"
                data_lo, data_hi = np.log10(data_lo), np.log10(data_hi)
            else:
                assert spec["layout"]["xaxis"]["type"] == "linear"
            assert lo <= data_lo and hi >= data_hi
            assert (hi - lo) <= 1.2 * (data_hi - data_lo) + 1e-12
            assert lo != 0.0
            if data_lo > 0.2 * (data_hi - data_lo) and metric not in ("rmse_test", "rmse_grid"):
                assert lo > 0.0, "the axis does not reach down to 0 when the data stays away from it"
            # oracle regressors (trained on true density values) are marked, and only they
            oracle = {wrap_label("◇ " + m["label"][lang], lang) for m in comparison["methods"] if not m["normalized"]}
            for tr in shown:
                for y, symbol in zip(tr["y"], tr["marker"]["symbol"], strict=True):
                    assert (y in oracle) == (symbol == "diamond-open")


def test_comparison_opens_on_the_density_estimators_nll_and_keys_the_oracles(exports: dict[str, Any]) -> None:
    comparison = exports["comparison"]
    for lang in LANGS:
        fig = comparison_figure(comparison, lang)
        assert fig.layout.updatemenus[1].buttons[fig.layout.updatemenus[1].active].label == t(
            "metric.nll_gap.short", lang
        )
        legend = [tr.name for tr in fig.data if tr.meta.get("role") == "legend"]
        assert t("comparison.oracle", lang) in legend
        shown = [tr for tr in fig.data if tr.meta.get("role") == "method" and tr.visible is True]
        assert all("◇" not in y for tr in shown for y in tr.y), "no regressor has a held-out NLL"
        reference = next(tr for tr in fig.data if tr.meta.get("role") == "reference" and tr.visible is True)
        assert list(reference.x) == [0.0, 0.0], "the truth is a gap of 0"


def test_comparison_controls_are_consistent(exports: dict[str, Any]) -> None:
    comparison = exports["comparison"]
    fig = comparison_figure(comparison, "en")
    n = len([tr for tr in fig.data if tr.meta.get("role") != "legend"])
    dataset_menu, metric_menu = fig.layout.updatemenus
    assert len(dataset_menu.buttons) == len(comparison["datasets"])
    for button in dataset_menu.buttons:
        restyle, relayout = button.args
        assert len(restyle["visible"]) == len(fig.data) and len(restyle["showlegend"]) == len(fig.data)
        assert False not in restyle["visible"], "hidden traces use 'legendonly' (plotly.js sorting bug)"
        assert relayout["xaxis.autorange"] is True
    for button in metric_menu.buttons:
        restyle, relayout, indices = button.args
        assert list(indices) == list(range(n - 1))
        for key, values in restyle.items():
            assert len(values) == n - 1, key
        assert relayout["xaxis.autorange"] is True
        assert relayout["xaxis.type"] == ("log" if restyle["x"] and "RMSE" in button.label else "linear")
    # every point carries hover text with exact values
    method = [tr for tr in fig.data if tr.meta["role"] == "method" and tr.visible is True]
    assert all(len(tr.hovertext) == len(tr.x) for tr in method)
    # marker size grows with the parameter count
    sizes = {(tr.y[i], tr.marker.size[i]) for tr in method for i in range(len(tr.x))}
    counts = {
        method_label(p, "en"): p["n_params"]
        for p in comparison_points(comparison, comparison["datasets"][0]["name"], "nll_gap")
    }
    ordered = sorted(sizes, key=lambda item: counts[item[0]])
    assert [s for _, s in ordered] == sorted(s for _, s in ordered)


def test_comparison_rejects_bad_arguments(exports: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="dataset"):
        comparison_figure(exports["comparison"], "en", dataset="nope")
    with pytest.raises(ValueError, match="metric"):
        comparison_figure(exports["comparison"], "en", metric="accuracy")
    with pytest.raises(ValueError, match="lang"):
        comparison_figure(exports["comparison"], "de")


@pytest.mark.parametrize("lang", LANGS)
def test_paired_figure_has_a_row_per_comparison_and_dataset(exports: dict[str, Any], lang: str) -> None:
    comparison = exports["comparison"]
    spec = _check(paired_figure(comparison, lang), lang)
    marks = [tr for tr in spec["data"] if tr.get("meta", {}).get("role") == "paired"]
    drawn = {(tr["meta"]["comparison"], d) for tr in marks for d in tr["meta"]["datasets"]}
    assert drawn == {(c["name"], c["dataset"]) for c in comparison["comparisons"]}
    assert len(drawn) == sum(len(tr["x"]) for tr in marks), "one row each"
    entries = {(c["name"], c["dataset"]): c for c in comparison["comparisons"]}
    for tr in marks:
        color, symbol = VERDICT_MARKS[tr["meta"]["verdict"]]
        assert tr["marker"]["color"] == color and tr["marker"]["symbol"] == symbol
        for i, dataset in enumerate(tr["meta"]["datasets"]):
            c = entries[(tr["meta"]["comparison"], dataset)]
            assert c["verdict_adjusted"] == tr["meta"]["verdict"], "the mark is the adjusted verdict"
            value, lo, hi = (c["ratio"], c["ratio_lo"], c["ratio_hi"]) if c["log"] else (c["mean"], c["lo"], c["hi"])
            assert tr["x"][i] == pytest.approx(value)
            assert tr["x"][i] - tr["error_x"]["arrayminus"][i] == pytest.approx(lo)
            assert tr["x"][i] + tr["error_x"]["array"][i] == pytest.approx(hi)
            assert str(c["wins_a"]) in tr["hovertext"][i] and f"{c['p_adjusted']:.2g}" in tr["hovertext"][i]
    # borderline rows, and only they, are ringed
    ringed = {
        (tr["meta"]["comparison"], d)
        for tr in spec["data"]
        if tr.get("meta", {}).get("role") == "borderline"
        for d in tr["meta"]["datasets"]
    }
    assert ringed == {k for k, c in entries.items() if c["borderline"]}
    # every panel has its no-difference line: 0 for NLL, a ratio of 1 (on a log axis) for RMSE
    references = {
        tr["meta"]["comparison"]: tr["meta"]["x"]
        for tr in spec["data"]
        if tr.get("meta", {}).get("role") == "reference"
    }
    assert references == {c["name"]: 1.0 if c["log"] else 0.0 for c in comparison["comparisons"]}
    axes = {k: v for k, v in spec["layout"].items() if k.startswith("xaxis")}
    assert {v.get("type") for v in axes.values()} == {"log", "linear"}
    for axis in axes.values():
        if axis["type"] == "log":
            assert 10 ** axis["range"][0] > 0 and axis["range"][0] < 0 < axis["range"][1]  # the line at 1 is inside
    texts = _texts(paired_figure(comparison, lang))
    assert t("paired.axis.ratio", lang) in texts
    # the ring's legend entry is there exactly when some verdict changed under the adjustment
    assert (t("paired.borderline", lang) in texts) == any(c["borderline"] for c in comparison["comparisons"])
    flipped = copy.deepcopy(comparison)
    # a verdict the adjustment changed: a decided comparison made 'tied' by a larger adjusted p
    changed = next(c for c in flipped["comparisons"] if c["verdict"] != "tied")
    changed.update(verdict_adjusted="tied", p_adjusted=1.0, borderline=True)
    assert t("paired.borderline", lang) in _texts(paired_figure(flipped, lang))
    assert t("paired.secondary_tag", lang) in texts, "secondary comparisons are tagged"


def test_paired_figure_selects_and_refuses(exports: dict[str, Any]) -> None:
    comparison = exports["comparison"]
    primary = paired_rows(comparison, roles=("primary",), datasets=["original"])
    assert {r["role"] for r in primary} == {"primary"} and {r["dataset"] for r in primary} == {"original"}
    assert [r["name"] for r in primary] == list(
        dict.fromkeys(c["name"] for c in comparison["comparisons"] if c["role"] == "primary")
    )
    fig = paired_figure(comparison, "en", roles=("primary",), datasets=["original"], cols=1)
    assert len([tr for tr in fig.data if tr.meta.get("role") == "reference"]) == len(primary)
    printed = paired_print_figure(comparison, "zh", cols=3, width=1180)
    assert printed.layout.width == 1180 and printed.layout.hovermode is False
    with pytest.raises(ValueError, match="datasets"):
        paired_figure(comparison, "en", datasets=["nowhere"])
    with pytest.raises(ValueError, match="roles"):
        paired_figure(comparison, "en", roles=("tertiary",))
    with pytest.raises(ValueError, match="lang"):
        paired_figure(comparison, "fr")


# -- figure 2 -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_ground_truth_figure(exports: dict[str, Any], lang: str) -> None:
    for preset in exports["presets"]["presets"]:
        spec = _check(ground_truth_figure(preset, lang), lang)
        kinds = [tr["type"] for tr in spec["data"]]
        assert "scatter3d" in kinds and "contour" in kinds
        contour = next(tr for tr in spec["data"] if tr["type"] == "contour")
        if preset["grid"] is not None:
            surface = next(tr for tr in spec["data"] if tr["type"] == "surface")
            # one shared colour scale: same colours and the same limits
            assert surface["colorscale"] == contour["colorscale"]
            assert (surface["cmin"], surface["cmax"]) == pytest.approx((contour["zmin"], contour["zmax"]))
        scatter = [tr for tr in spec["data"] if tr["type"] == "scatter"]
        assert scatter[0]["marker"]["color"] == "#FFD21F"  # samples in yellow
        assert scatter[1]["marker"]["color"] == "#E0201B"  # centers in red


def test_posterior_table_values(exports: dict[str, Any]) -> None:
    preset = exports["presets"]["presets"][0]
    mixture = GeneralizedGaussianMixture.from_dict(preset["mixture"])
    X = packed_array(preset["samples"]["x"])[:5]
    table = posterior_table(preset, "en", n=5)
    rows = re.findall(r"<tr>(.*?)</tr>", table)[1:]
    assert len(rows) == 5
    K, D = mixture.n_components, mixture.n_features
    for i, row in enumerate(rows):
        cells = [float(re.sub(r"<.*?>", "", c)) for c in re.findall(r"<td>(.*?)</td>", row)]
        assert cells[1 : 1 + D] == pytest.approx(X[i], abs=6e-4)
        assert cells[1 + D] == pytest.approx(mixture.pdf(X[i : i + 1])[0], rel=1e-3)
        post = cells[2 + D : 2 + D + K]
        assert post == pytest.approx(mixture.posterior(X[i : i + 1])[0], abs=6e-4)
        assert sum(post) == pytest.approx(1.0, abs=3e-3)
    assert "<caption>" in posterior_table(preset, "zh") and CJK.search(posterior_table(preset, "zh"))
    with pytest.raises(ValueError, match="'n'"):
        posterior_table(preset, "en", n=0)


def test_formula_holds_the_parameters(exports: dict[str, Any]) -> None:
    for preset in exports["presets"]["presets"]:
        mixture = GeneralizedGaussianMixture.from_dict(preset["mixture"])
        latex = formula_latex(preset["mixture"])
        assert latex.startswith(r"\begin{aligned}") and latex.endswith(r"\end{aligned}")
        assert latex.count(r"\exp") == mixture.n_components + 1
        lines = latex.split(r" \\ ")[1:]
        for line, k in zip(lines, range(mixture.n_components), strict=True):
            coef = float(re.search(r"(?:&= |\+ )([0-9.e+-]+)\\,", line).group(1))
            value = mixture.pdf(mixture.centers[k : k + 1])[0]  # upper bound of pi_k * eta_k
            assert 0 < coef <= value * 1.001
        text = formula_html(preset["mixture"])
        assert text.count('class="ggmm-formula-line"') == mixture.n_components


# -- figure 3 -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_training_figure(exports: dict[str, Any], lang: str) -> None:
    for snap in exports["snapshots"]:
        if not snap.get("grid"):
            continue
        for frame in (0, len(snap["frames"]) // 2, -1):
            fig = training_figure(snap, lang, frame)
            spec = _check(fig, lang)
            fr = snap["frames"][frame]
            marker = next(
                tr
                for tr in spec["data"]
                if tr.get("name") and "hovertext" in tr and tr["mode"] == "markers" and tr.get("xaxis", "x") == "x3"
            )
            assert marker["x"] == [fr["step"], fr["step"]]
            assert spec["layout"]["yaxis3"]["type"] == "log"
            bands = [s for s in spec["layout"]["shapes"] if s.get("xref") == "x3"]
            assert len(bands) == len(snap["stages"]) + 1  # one per stage, plus the current-step line
        _check(training_figure(snap, lang, compare="error"), lang)
    with pytest.raises(ValueError, match="frame"):
        training_figure(exports["snapshots"][0], "en", frame=10**6)
    with pytest.raises(ValueError, match="compare"):
        training_figure(exports["snapshots"][0], "en", compare="diff")


@pytest.mark.parametrize("lang", LANGS)
def test_network_figure(exports: dict[str, Any], lang: str) -> None:
    for snap in exports["snapshots"]:
        E = len(snap["edges"])
        for frame in (0, -1):
            spec = _check(network_figure(snap, lang, frame), lang)
            assert len(spec["data"]) == 2 * (N_BINS + 1) + 3  # fixed: a frame change is a restyle
            live = snap["frames"][frame]["edges"]["live"]
            pruned_lines = next(tr for tr in spec["data"] if tr["meta"] == {"role": "edge-lines", "bin": -1})
            assert sum(v is None for v in pruned_lines["x"]) == 2 * (E - sum(live))
            hover = next(tr for tr in spec["data"] if tr["meta"]["role"] == "edge-hover")
            assert len(hover["hovertext"]) == E
            assert len(spec["layout"]["shapes"]) == E  # one inset box per edge


# -- recovered parameters and EM history ----------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_recovered(exports: dict[str, Any], lang: str) -> None:
    for entry in exports["recovered"]["datasets"]:
        if entry["curves"]:
            spec = _check(recovered_figure(exports["recovered"], lang, entry["dataset"]), lang)
            assert sum(tr["name"] == spec["data"][0]["name"] for tr in spec["data"]) == len(entry["curves"])
        table = recovered_table(exports["recovered"], lang, entry["dataset"])
        truth = GeneralizedGaussianMixture.from_dict(entry["truth"])
        assert table.count("<tr>") >= truth.n_components * (2 * truth.n_features + 2)
        assert f"{truth.centers[0, 0]:.3f}" in table


@pytest.mark.parametrize("lang", LANGS)
def test_em_history_figure(exports: dict[str, Any], lang: str) -> None:
    for run in exports["em_history"]["runs"]:
        fig = em_history_figure(exports["em_history"], lang, run["dataset"], run["init"])
        spec = _check(fig, lang)
        steps = spec["layout"]["sliders"][0]["steps"]
        assert len(steps) == len(spec["frames"]) <= MAX_FRAMES
        iters = [int(s["label"]) for s in steps]
        assert iters[0] == 0 and iters[-1] == run["iterations"][-1]["iter"]
        assert "Plotly.animate" not in figure_html(fig), "nothing plays on load"


def test_select_iterations() -> None:
    assert select_iterations(5) == [0, 1, 2, 3, 4]
    many = select_iterations(300)
    assert len(many) <= MAX_FRAMES and many[0] == 0 and many[-1] == 299 and many == sorted(set(many))


# -- B-spline basis -----------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("grid_size", GRID_SIZES)
def test_cox_de_boor_matches_scipy(grid_size: int, order: int) -> None:
    knots = extended_knots(grid_size, order)
    x = -1.0 + 2.0 * (np.arange(300) + 0.37) / 300  # no point on a knot: scipy's single elements close
    basis = bspline_basis(x, knots, order)  # their last interval, Cox-de Boor's are half-open
    assert basis.shape == (300, grid_size + order)
    assert basis.sum(axis=1) == pytest.approx(1.0)  # partition of unity on [-1, 1)
    for i in range(grid_size + order):
        ref = BSpline.basis_element(knots[i : i + order + 2], extrapolate=False)(x)
        assert basis[:, i] == pytest.approx(np.nan_to_num(ref), abs=1e-12)


@pytest.mark.parametrize("lang", LANGS)
def test_bspline_figure(lang: str) -> None:
    spec = _check(bspline_basis_figure(lang), lang)
    slider = spec["layout"]["sliders"][0]
    assert [s["label"] for s in slider["steps"]] == [str(g) for g in GRID_SIZES]
    n = len(spec["data"])
    for g, step in enumerate(slider["steps"]):
        visible = step["args"][0]["visible"]
        assert len(visible) == n
        curves = sum(
            1
            for v, tr in zip(visible, spec["data"], strict=True)
            if v and tr["mode"] == "lines" and tr.get("legendgroup") != "sum"
        )
        assert curves == sum(GRID_SIZES[g] + k for k in ORDERS)  # every basis function, every order
    buttons = spec["layout"]["updatemenus"][0]["buttons"]
    assert len(buttons) == len(ORDERS) + 1
    assert all(b["method"] == "relayout" for b in buttons), "the order buttons never touch visibility"


def test_bspline_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="grid_size"):
        extended_knots(0, 3)
    with pytest.raises(ValueError, match="order"):
        bspline_basis([0.0], [0.0, 1.0], 3)


# -- export loading and embedders ---------------------------------------------------


def test_load_export_checks_schema(tmp_path: Path, exports: dict[str, Any]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "ggmm-comparison", "version": 99}), encoding="utf-8")
    with pytest.raises(ValueError, match="version"):
        load_export(bad)
    bad.write_text(json.dumps({"schema": "something-else", "version": 1}), encoding="utf-8")
    with pytest.raises(ValueError, match="schema"):
        load_export(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="JSON"):
        load_export(bad)
    with pytest.raises(ValueError, match="schema"):
        check_export(exports["presets"], "ggmm-comparison")


def test_figure_html_is_deterministic_and_local(exports: dict[str, Any]) -> None:
    fig = comparison_figure(exports["comparison"], "zh")
    a, b = figure_html(fig), figure_html(comparison_figure(exports["comparison"], "zh"))
    assert a == b
    assert "<script src" not in a and "cdn" not in a.lower() and "https://" not in a
    assert re.search(r'id="ggmm-fig-[0-9a-f]{12}"', a)
    assert 'id="my-fig"' in figure_html(fig, "my-fig")
    with pytest.raises(ValueError, match="div_id"):
        figure_html(fig, "1 bad id")


def test_widget_containers(exports: dict[str, Any]) -> None:
    snap = exports["snapshots"][0]
    viewer = training_viewer_html("../data/training/run.json", "zh", "tv-1")
    assert viewer.startswith('<div class="ggmm-training-viewer" id="tv-1" data-src="../data/training/run.json"')
    assert 'data-lang="zh"' in viewer and "<script" not in viewer
    strings = json.loads(html.unescape(re.search(r'data-strings="([^"]*)"', viewer).group(1)))
    assert strings["viewer.play"] == "播放"
    inline = training_viewer_html("x.json", "en", inline=snap)
    payload = re.search(
        r'<script type="application/json" class="ggmm-snapshots-data">(.*?)</script>', inline, re.S
    ).group(1)
    assert json.loads(payload)["frames"][0]["step"] == snap["frames"][0]["step"]
    explorer = explorer_html(exports["presets"]["presets"][0], "en", "ex")
    body = re.search(
        r'<script type="application/json" class="ggmm-explorer-data">(.*?)</script>', explorer, re.S
    ).group(1)
    entry = json.loads(body)["presets"][0]
    assert entry["mixture"] == exports["presets"]["presets"][0]["mixture"]
    every = json.loads(re.search(r">(\{.*\})</script>", explorer_html(exports["presets"], "zh")).group(1))
    assert len(every["presets"]) == len(exports["presets"]["presets"])
    hostile = dict(exports["presets"]["presets"][0], title={"en": "</script><b>x", "zh": "x"})
    assert "</script><b>" not in explorer_html(hostile, "en")
    with pytest.raises(ValueError, match="lang"):
        explorer_html(exports["presets"]["presets"][0], "fr")


def test_a_phone_reserves_the_narrow_posters_shape() -> None:
    """Each picture of a poster carries its own size, so nothing moves when the narrow one loads."""
    poster = Poster(src="wide.png", width=1200, height=820, narrow_src="narrow.png", narrow_width=400, label="Start")
    html_text = figure_html(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])), "f", activate="interact", poster=poster)
    source = re.search(r"<source [^>]*>", html_text).group(0)
    assert 'srcset="narrow.png"' in source and 'width="400"' in source and 'height="820"' in source
    img = re.search(r"<img [^>]*>", html_text).group(0)
    assert 'width="1200"' in img and 'height="820"' in img
