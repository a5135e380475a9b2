"""The scaling experiments: config checks, the exponent fit, grid extension, fit work, jobs, export,
figures, tables and sentences (on tiny settings and on the report's exports)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ggmm_build.config import ConfigError, load_config
from ggmm_build.documents.exports import load_export, validate_export
from ggmm_build.export import dumps, law_shape, scaling_export
from ggmm_build.figures import scaling_accuracy_figure, scaling_cost_figure, scaling_law_figure
from ggmm_build.jobs import execute, over_limit
from ggmm_build.pages import Prose, scaling_cost_table, scaling_law_table
from ggmm_build.plan import cost_dataset, matches, plan_jobs, plan_tuning

from ggmm import get_preset
from ggmm.estimators import EMEstimator, KANDensityEstimator, KANRegressor, KDEBaseline
from ggmm.power_law import floor_start, local_exponents, power_law_curvature, power_law_fit
from ggmm.stats import position

CJK = re.compile(r"[\u4e00-\u9fff]")

CONFIG = """
[tuning]
candidates = 4

[profiles.s]
seeds = [0, 1]
tuning_seeds = [100]
n_train = 100
n_test = 100
n_validation = 60
grid_resolution = 10
datasets = ["original"]
methods = ["em"]

[profiles.s.scaling_law]
dataset = "original"
kan = "kan"
mlp = "mlp"
grids = [3, 5]
mlp_widths = [3, 6]
seeds = [0, 1]
n_train = 120
n_test = 200

[profiles.s.scaling_cost]
methods = ["em", "kd", "kde"]
dims = [1, 2]
dim_samples = 100
sample_dim = 1
sample_sizes = [200]
p = 1.5
n_components = 2
mixture_seed = 8001
seeds = [0, 1]
n_test = 200
limits = { quadrature_nodes = 1000, kernel_evaluations = 1_000_000 }

[methods.em]
estimator = "EMEstimator"
family = "classical"
label = { en = "EM", zh = "EM 算法" }

[methods.kde]
estimator = "KDEBaseline"
family = "classical"
label = { en = "KDE", zh = "核密度" }

[methods.kd]
estimator = "KANDensityEstimator"
family = "KAN"
label = { en = "KAN density", zh = "KAN 密度" }
params = { steps = 5, quad_points = 16, grid = 3 }

[methods.kan]
estimator = "KANRegressor"
family = "KAN"
label = { en = "KAN", zh = "KAN 回归" }
params = { hidden = [2], stages = ["train"], steps = 6, retrain_steps = 4, lamb = 0.0 }
tune = { lr = [0.005, 0.02] }

[methods.mlp]
estimator = "MLPRegressor"
family = "MLP"
label = { en = "MLP", zh = "多层感知机" }
params = { hidden = [4, 4], steps = 10 }
tune = { lr = [0.003, 0.01] }
"""


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    path = tmp_path / "scaling.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


# -- config -------------------------------------------------------------------


def test_real_profiles_declare_both_experiments() -> None:
    for name in ("full", "quick"):
        prof = load_config(name)
        assert prof.scaling_law is not None and prof.scaling_cost is not None
    full = load_config("full")
    assert full.scaling_law.grids == [3, 5, 10, 20, 40] and len(full.scaling_law.seeds) >= 5
    assert full.scaling_cost.dims == [2, 3, 5, 8]
    assert {1000, 4000, 16000} <= {n for d, n in full.scaling_cost.cells() if d == 2}
    assert {"em-kmeans", "gmm", "kde", "ka-kan", "kan-density", "kan-small", "mlp-small"} == set(
        full.scaling_cost.methods
    )


@pytest.mark.parametrize(
    "edit, key, problem",
    [
        (("grids = [3, 5]", "grids = [5, 3]"), "profiles.s.scaling_law.grids", "strictly increasing"),
        (("grids = [3, 5]", "grids = [3]"), "profiles.s.scaling_law.grids", "at least 2 integers"),
        (("grids = [3, 5]", "grids = [1, 5]"), "profiles.s.scaling_law.grids[0]", "must be >= 2"),
        (('kan = "kan"', 'kan = "mlp"'), "profiles.s.scaling_law.kan", "not a KAN regressor"),
        (('mlp = "mlp"', 'mlp = "em"'), "profiles.s.scaling_law.mlp", "not an MLP regressor"),
        (('kan = "kan"', 'kan = "svm"'), "profiles.s.scaling_law.kan", "must be one of"),
        (
            ('stages = ["train"], steps = 6', 'stages = ["train", "prune"], steps = 6'),
            "profiles.s.scaling_law.kan",
            "must have stages",
        ),
        (
            ("seeds = [0, 1]\nn_train = 120", "seeds = [0]\nn_train = 120"),
            "profiles.s.scaling_law.seeds",
            "at least 2 seeds",
        ),
        (
            ("seeds = [0, 1]\nn_train = 120", "seeds = [0, 100]\nn_train = 120"),
            "profiles.s.scaling_law.seeds",
            "also tuning seeds",
        ),
        (
            ('dataset = "original"\nkan', 'dataset = "moon"\nkan'),
            "profiles.s.scaling_law.dataset",
            "unknown dataset 'moon'",
        ),
        (("mlp_widths = [3, 6]", "mlp_widths = [3, 6]\ndepth = 2"), "profiles.s.scaling_law.depth", "unknown key"),
        (("dims = [1, 2]", "dims = [1, 1]"), "profiles.s.scaling_cost.dims", "strictly increasing"),
        (("sample_dim = 1", "sample_dim = 3"), "profiles.s.scaling_cost.sample_dim", "must be one of dims"),
        (("p = 1.5", "p = -1.0"), "profiles.s.scaling_cost.p", "must be > 0"),
        (("p = 1.5", 'p = "two"'), "profiles.s.scaling_cost.p", "expected a number"),
        (
            ('methods = ["em", "kd", "kde"]', 'methods = ["em", "nope"]'),
            "profiles.s.scaling_cost.methods",
            "unknown method 'nope'",
        ),
        (
            ("quadrature_nodes = 1000", "flops = 1000"),
            "profiles.s.scaling_cost.limits",
            "must be one of quadrature_nodes, kernel_evaluations",
        ),
        (
            ("quadrature_nodes = 1000", "quadrature_nodes = 0"),
            "profiles.s.scaling_cost.limits.quadrature_nodes",
            "must be >= 1",
        ),
        (("sample_sizes = [200]", "sample_sizes = [100]"), "profiles.s.scaling_cost.sample_sizes", "at least 2 sizes"),
        (("n_test = 200\nlimits", "limits"), "profiles.s.scaling_cost.n_test", "missing"),
    ],
)
def test_malformed_scaling_config_is_refused(config: Path, edit: tuple[str, str], key: str, problem: str) -> None:
    text = config.read_text(encoding="utf-8")
    assert edit[0] in text
    config.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config("s", config)
    message = str(err.value)
    assert str(config) in message and key in message and problem in message, message


def test_plan_tunes_each_family_once_and_selects_by_experiment(config: Path) -> None:
    prof = load_config("s", config)
    tunes = [j for j in plan_tuning(prof) if j["kind"] == "scaling_tune"]
    assert {(j["dataset"], j["method"]) for j in tunes} == {("original", "kan"), ("original", "mlp")}
    assert all(j["seeds"] == [100] for j in tunes)
    chosen = {(j["dataset"], j["method"]): j["candidates"][0] for j in tunes}
    jobs = plan_jobs(prof, chosen)
    law = [j for j in jobs if j["kind"] == "scaling_law"]
    assert len(law) == 4 and all(j["params"]["lr"] == 0.005 for j in law if j["method"] == "kan")
    cost = [j for j in jobs if j["kind"] == "scaling_cost"]
    assert len(cost) == 3 * 3 * 2  # methods x cells (D = 1, 2 at N = 100; N = 200 at D = 1) x seeds
    assert {j["dataset"] for j in cost} == {cost_dataset(prof.scaling_cost, d) for d in (1, 2)}
    assert all(matches(j, ["scaling"]) for j in tunes + law + cost)
    assert not any(matches(j, ["scaling"]) for j in jobs if j["kind"] == "run")
    # without tuning results the tuned families' jobs are left out
    assert not [j for j in plan_jobs(prof, {}) if j["kind"] == "scaling_law"]


# -- the exponent fit ---------------------------------------------------------


def _synthetic(alpha: float, sigma: float, seeds: int, rng: np.random.Generator) -> tuple[list, list, list]:
    sizes = np.array([120.0, 150.0, 225.0, 375.0, 675.0])
    x, y, g = [], [], []
    for s in range(seeds):
        offset = rng.normal(0.0, 0.5)  # a seed-level level shift, absorbed by the seed's intercept
        x += sizes.tolist()
        y += (np.exp(offset) * 3.0 * sizes ** (-alpha) * np.exp(sigma * rng.normal(size=sizes.size))).tolist()
        g += [s] * sizes.size
    return x, y, g


def test_power_law_fit_recovers_a_known_exponent() -> None:
    """Slope within 4 standard errors of the truth, the standard error being the noise over the spread of log x."""
    rng = np.random.default_rng(0)
    alpha, sigma, seeds = 2.5, 0.1, 5
    x, y, g = _synthetic(alpha, sigma, seeds, rng)
    fit = power_law_fit(x, y, g)
    lx = np.log(np.array([120.0, 150.0, 225.0, 375.0, 675.0]))
    expected_se = sigma / np.sqrt(seeds * np.sum((lx - lx.mean()) ** 2))
    assert abs(fit["slope"] + alpha) < 4 * expected_se
    assert fit["stderr"] == pytest.approx(expected_se, rel=0.5)
    assert fit["lo"] < fit["slope"] < fit["hi"] and fit["df"] == 5 * 5 - 5 - 1
    assert len(fit["groups"]) == seeds and fit["n_groups"] == seeds
    assert position(fit, -alpha) == "inside"


def test_power_law_interval_covers_at_its_level() -> None:
    """Over 400 synthetic studies the 95% interval holds the true exponent 95% of the time (binomial 4-sigma band)."""
    rng = np.random.default_rng(1)
    hits = sum(position(power_law_fit(*_synthetic(1.0, 0.3, 3, rng)), -1.0) == "inside" for _ in range(400))
    assert abs(hits / 400 - 0.95) < 4 * np.sqrt(0.95 * 0.05 / 400)


def test_power_law_fit_refuses_what_it_cannot_fit() -> None:
    with pytest.raises(ValueError, match="positive"):
        power_law_fit([1, 2, 3], [1, -1, 2], [0, 0, 0])
    with pytest.raises(ValueError, match="degree of freedom"):
        power_law_fit([1, 2], [1, 2], [0, 0])
    with pytest.raises(ValueError, match="distinct x"):
        power_law_fit([2, 2, 2, 2], [1, 2, 3, 4], [0, 0, 1, 1])
    assert position({"lo": 1.0, "hi": 2.0}, 4.0) == "above" and position({"lo": 1.0, "hi": 2.0}, 0.5) == "below"


def _bent(seeds: int, rng: np.random.Generator, floor: float = 0.0) -> list[dict[str, Any]]:
    """Points of sizes 1..5 falling as N^-4 down to ``floor`` (the floor only from size 4 on), per seed."""
    n = np.array([120.0, 150.0, 225.0, 375.0, 675.0])
    points = []
    for s in range(seeds):
        offset = rng.normal(0.0, 0.3)
        y = np.exp(offset) * 1e8 * n**-4.0 * np.exp(0.05 * rng.normal(size=n.size))
        if floor:
            y[3:] = floor * np.exp(0.05 * rng.normal(size=2))
        points += [
            {"size": i + 1, "n_params": int(v), "rmse_test": float(w), "seed": s, "ran_to_cap": i >= 3}
            for i, (v, w) in enumerate(zip(n, y, strict=True))
        ]
    return points


def test_local_exponents_are_paired_over_seeds() -> None:
    rng = np.random.default_rng(5)
    points = _bent(5, rng)
    local = local_exponents(
        [p["size"] for p in points],
        [p["n_params"] for p in points],
        [p["rmse_test"] for p in points],
        [p["seed"] for p in points],
    )
    assert [(e["from_size"], e["to_size"]) for e in local] == [(1, 2), (2, 3), (3, 4), (4, 5)]
    for e in local:
        # each seed's own level shift cancels in its differences: only the small noise is left
        assert e["lo"] < 4.0 < e["hi"] and e["n"] == 5 and len(e["values"]) == 5
        assert e["p_value"] < 0.05 and e["lo"] <= e["mean"] <= e["hi"]
    assert local[0]["from_x"] == 120 and local[-1]["to_x"] == 675
    assert floor_start(local) is None, "a straight power law has no floor"
    with pytest.raises(ValueError, match="share the size"):
        local_exponents([1, 1], [1.0, 2.0], [1.0, 2.0], [0, 0])


def test_floor_and_curvature_find_a_bent_relation() -> None:
    rng = np.random.default_rng(6)
    straight = _bent(5, rng)
    bent = _bent(5, rng, floor=float(1e8 * 375.0**-4.0))  # flat from the 4th size on
    xs = lambda pts, k: [p[k] for p in pts]  # noqa: E731
    flat = power_law_curvature(xs(straight, "n_params"), xs(straight, "rmse_test"), xs(straight, "seed"))
    assert not flat["curved"] and flat["lo"] < 0.0 < flat["hi"]
    curved = power_law_curvature(xs(bent, "n_params"), xs(bent, "rmse_test"), xs(bent, "seed"))
    assert curved["curved"] and curved["quadratic"] > 0 and curved["t"] > 2 and curved["df"] == 25 - 5 - 2
    shape = law_shape(bent, [1, 2, 3, 4, 5], 4)
    assert shape["floor"]["size"] == 4 and shape["floor"]["n_params"] == 375
    assert shape["floor"]["rmse_test"]["mean"] == pytest.approx(1e8 * 375.0**-4.0, rel=0.1)
    assert shape["floor"]["fits"] == 10 and shape["floor"]["ran_to_cap"] == 10
    # below the floor the relation is the N^-4 it was made of
    assert shape["fit_below_floor"]["x_max"] == pytest.approx(375) and shape["fit_below_floor"]["n"] == 20
    assert shape["alpha_below_floor"]["lo"] < 4.0 < shape["alpha_below_floor"]["hi"]
    assert shape["paper_position_below_floor"] == "inside"
    assert [r["ran_to_cap"] for r in shape["ran_to_cap_by_size"]] == [0, 0, 0, 5, 5]
    whole = law_shape(straight, [1, 2, 3, 4, 5], 4)
    assert whole["floor"] is None and whole["fit_below_floor"] is None and whole["alpha_below_floor"] is None
    with pytest.raises(ValueError, match="three distinct x"):
        power_law_curvature([1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0], [0, 0, 1, 1])


def _close(a: Any, b: Any, rel: float = 1e-4) -> bool:
    """Equal structures whose numbers agree to ``rel`` (and whose other values are equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, int | float) and not isinstance(b, bool):
        return a == pytest.approx(b, rel=rel, abs=1e-6)
    return a == b


def test_committed_law_is_told_from_its_points(scaling: dict[str, Any]) -> None:
    law = scaling["law"]
    for family in law["families"]:
        mine = [p for p in law["points"] if p["method"] == family["method"]]
        again = law_shape(mine, family["sizes"], law["paper_alpha"])
        # the export derives the shape from unrounded points, this test from the exported ones (7 digits)
        assert _close(json.loads(dumps(again)), {k: family[k] for k in again}), family["method"]
        local = family["local_alpha"]
        assert len(local) == len(family["sizes"]) - 1
        if family["floor"] is not None:
            i = family["sizes"].index(family["floor"]["size"])
            assert local[i]["lo"] <= 0 and all(e["lo"] > 0 for e in local[:i])


# -- estimators: grid extension and fit work -----------------------------------


@pytest.mark.parametrize("lamb", [0.0, 0.01])
def test_grid_extension_keeps_every_grid(lamb: float) -> None:
    preset = get_preset("original")
    X, _ = preset.mixture.sample(150, seed=0)
    model = KANRegressor(hidden=[2], stages=["train"], grid_schedule=[3, 5, 8], steps=8, retrain_steps=5, lamb=lamb)
    model.fit(X, target=preset.mixture.pdf, seed=0)
    path = model.grid_path_
    assert [p["grid"] for p in path] == [3, 5, 8]
    edges = 2 * 2 + 2 * 1
    assert [p["n_parameters"] for p in path] == [edges * (g + 3 + 2) for g in (3, 5, 8)]
    assert model.n_parameters_ == path[-1]["n_parameters"]
    assert [p["best_step"] for p in path] == sorted(p["best_step"] for p in path)
    X_test, _ = preset.mixture.sample(50, seed=1)
    np.testing.assert_allclose(model.density_at_grid(X_test, 8), model.density(X_test), rtol=1e-6)
    assert not np.allclose(model.density_at_grid(X_test, 3), model.density(X_test))
    with pytest.raises(ValueError, match="'grid'"):
        model.density_at_grid(X_test, 4)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"grid_schedule": [5, 3]}, "increasing"),
        ({"grid_schedule": []}, "increasing"),
        ({"grid_schedule": [3, 5], "stages": ["train", "prune"]}, "stages"),
    ],
)
def test_grid_schedule_is_checked(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        KANRegressor(**kwargs)


def test_fit_work_is_known_before_fitting() -> None:
    assert KANDensityEstimator(quad_points=8, norm_refine=4).fit_work(1000, 5) == {"quadrature_nodes": 32**5}
    assert KANDensityEstimator().fit_work(1000, 2) == {"quadrature_nodes": (48 * 4) ** 2}
    assert KDEBaseline().fit_work(1000, 2) == {"kernel_evaluations": 20 * 1000 * 800}
    assert KDEBaseline(bandwidth="scott").fit_work(1000, 2) == {}
    assert EMEstimator(3).fit_work(10**6, 50) == {}
    assert over_limit({"quadrature_nodes": 2000}, {"quadrature_nodes": 1000}) == {
        "measure": "quadrature_nodes",
        "amount": 2000,
        "limit": 1000,
    }
    assert over_limit({"quadrature_nodes": 1000}, {"quadrature_nodes": 1000}) is None


# -- jobs and export on tiny settings ------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every scaling job of the tiny config run once, and the export built from them."""
    folder = tmp_path_factory.mktemp("scaling")
    path = folder / "scaling.toml"
    path.write_text(CONFIG, encoding="utf-8")
    prof = load_config("s", path)
    tunes = [(j, execute(j)) for j in plan_tuning(prof) if j["kind"] == "scaling_tune"]
    chosen = {(j["dataset"], j["method"]): r["chosen"] for j, r in tunes}
    jobs = [j for j in plan_jobs(prof, chosen) if j["kind"] in ("scaling_law", "scaling_cost")]
    pairs = [(j, execute(j)) for j in jobs]
    laws = [p for p in pairs if p[0]["kind"] == "scaling_law"]
    costs = [p for p in pairs if p[0]["kind"] == "scaling_cost"]
    doc = json.loads(dumps(scaling_export(prof, tunes, laws, costs)))
    return {"profile": prof, "tunes": tunes, "laws": laws, "costs": costs, "doc": doc}


def test_tuning_scores_every_size(tiny: dict[str, Any]) -> None:
    for job, res in tiny["tunes"]:
        assert res["score"] == "log_rmse" and len(res["scores"]) == len(job["candidates"])
        assert res["chosen"] in job["candidates"]


def test_law_jobs_give_one_point_per_size(tiny: dict[str, Any]) -> None:
    for job, res in tiny["laws"]:
        assert [p["size"] for p in res["points"]] == job["sizes"]
        counts = [p["n_params"] for p in res["points"]]
        assert counts == sorted(counts) and counts[0] < counts[-1]
        assert all(p["rmse_test"] > 0 for p in res["points"]) and res["cpu_seconds"] > 0
    mlp = next(res for job, res in tiny["laws"] if job["method"] == "mlp")
    assert [p["n_params"] for p in mlp["points"]] == [(2 + 1) * w + (w + 1) * w + w + 1 for w in (3, 6)]


def test_cost_jobs_run_or_name_their_limit(tiny: dict[str, Any]) -> None:
    for job, res in tiny["costs"]:
        if job["method"] == "kd" and job["dim"] == 2:  # (16 * 4) ** 2 = 4096 nodes > 1000
            assert not res["feasible"] and res["limit"] == {
                "measure": "quadrature_nodes",
                "amount": 4096,
                "limit": 1000,
            }
            assert res["nll_gap"] is None and res["cpu_seconds"] == 0.0
        else:
            assert res["feasible"] and res["limit"] is None, (job["method"], job["dim"])
            assert res["rmse_rel"] > 0 and res["nll_gap"] is not None and res["n_params"] > 0


def test_scaling_export_validates_and_is_deterministic(tiny: dict[str, Any]) -> None:
    doc = tiny["doc"]
    assert validate_export(doc) == "ggmm-scaling"
    law, cost = doc["law"], doc["cost"]
    assert law["paper_alpha"] == 4 and {f["method"] for f in law["families"]} == {"kan", "mlp"}
    assert len(law["points"]) == 2 * 2 * 2 and law["paired_alpha"]["n"] == 2
    assert {(c["method"], c["dim"], c["n_train"]) for c in cost["cells"] if not c["feasible"]} == {("kd", 2, 100)}
    again = scaling_export(tiny["profile"], tiny["tunes"], tiny["laws"], tiny["costs"])
    assert dumps(again) == dumps(doc)
    assert "seconds" not in json.dumps(doc), "fit times belong in timings.json"


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("law", "families", 0, "alpha", "lo"), 1e9, "law.families[0].alpha"),
        (("law", "families", 0, "paper_position"), "near", "paper_position"),
        (("law", "points", 0, "seed"), 77, "law.points[0].seed"),
        (
            ("cost", "cells", 0, "limit"),
            {"measure": "quadrature_nodes", "amount": 5, "limit": 10},
            "cost.cells[0].limit",
        ),
        (("cost", "points", 0, "dim"), 9, "cost.points[0].dim"),
        (("law", "tuning", 0, "chosen"), {"lr": 9.0}, "law.tuning[0].chosen"),
    ],
)
def test_scaling_validator_names_the_bad_field(tiny: dict[str, Any], path: tuple, value: Any, message: str) -> None:
    doc = json.loads(json.dumps(tiny["doc"]))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_export(doc)


# -- the report's exports: figures, tables, sentences ----------------------------


@pytest.fixture(scope="module")
def scaling(report_exports: Path) -> dict[str, Any]:
    return load_export(report_exports / "scaling.json")


def test_scaling_export_has_timings_and_fits(scaling: dict[str, Any]) -> None:
    timings = scaling["timings"]
    assert timings is not None and timings["measure"] == "cpu_seconds"
    cost = scaling["cost"]
    ran = {(p["method"], p["dim"], p["n_train"], p["seed"]) for p in timings["cost"] if p["feasible"]}
    assert ran == {(p["method"], p["dim"], p["n_train"], p["seed"]) for p in cost["points"] if p["feasible"]}
    assert any(f["fit"] is not None for f in timings["fits"])
    assert any(not c["feasible"] for c in cost["cells"]), "the profile exercises a declared limit"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scaling_figures(scaling: dict[str, Any], lang: str) -> None:
    for builder in (scaling_law_figure, scaling_cost_figure, scaling_accuracy_figure):
        fig = builder(scaling, lang)
        spec = json.loads(fig.to_json())
        text = json.dumps(spec, ensure_ascii=False)
        assert spec["data"]
        assert bool(CJK.search(text)) == (lang == "zh"), builder.__name__
    law = json.loads(scaling_law_figure(scaling, lang).to_json())
    assert any(tr.get("meta", {}).get("role") == "reference" for tr in law["data"]), "the paper's alpha line"
    assert law["layout"]["xaxis"]["type"] == "log" and law["layout"]["yaxis"]["type"] == "log"
    # the local exponents beneath, one point per pair of consecutive sizes with an interval
    for family in scaling["law"]["families"]:
        local = [tr for tr in law["data"] if tr.get("meta") == {"role": "local", "method": family["method"]}]
        assert len(local) == 1 and len(local[0]["x"]) == len(family["local_alpha"])
        assert local[0]["y"] == pytest.approx([e["mean"] for e in family["local_alpha"]])
        roles = {tr["meta"]["role"] for tr in law["data"] if tr.get("meta", {}).get("method") == family["method"]}
        # the straight line drawn is the fit below the floor, or over every size when there is no floor
        if family["fit_below_floor"] is not None:
            assert "fit_below_floor" in roles and "fit" not in roles
            fit_line = next(
                tr for tr in law["data"] if tr.get("meta") == {"role": "fit_below_floor", "method": family["method"]}
            )
            assert max(fit_line["x"]) == pytest.approx(family["fit_below_floor"]["x_max"])
        elif family["floor"] is None:
            assert "fit" in roles
        assert ("floor" in roles) == (family["floor"] is not None)
    assert {tr["meta"]["value"] for tr in law["data"] if tr.get("meta", {}).get("role") == "local-reference"} == {
        0.0,
        scaling["law"]["paper_alpha"],
    }
    cost = json.loads(scaling_cost_figure(scaling, lang).to_json())
    crosses = [tr for tr in cost["data"] if tr.get("meta", {}).get("role") == "refused"]
    assert crosses and all("10" in tr["hovertext"] for tr in crosses)
    assert "×" in cost["layout"]["title"]["subtitle"]["text"], "the reason is printed, not only in the hover text"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scaling_tables(scaling: dict[str, Any], lang: str) -> None:
    assert scaling_law_table(scaling, lang).count("<tr>") == 1 + 2
    cost = scaling_cost_table(scaling, lang)
    assert cost.count("<tr>") == 1 + len(scaling["cost"]["methods"])
    assert "&gt;" in cost  # a cell not run, with its amount against the limit


def test_scaling_sentences_name_their_metric(report_exports: Path) -> None:
    say = Prose(report_exports)
    law = say.en("scaling_law")
    assert "test RMSE" in law and "α =" in law and "95%" in law
    assert "测试 RMSE" in say.zh("scaling_law")
    assert "CPU seconds" in say.en("scaling_cost") and "CPU 秒数" in say.zh("scaling_cost")
    assert "declared limit" in say.en("scaling_limits")
    assert "held-out NLL" in say.en("scaling_accuracy") or "relative density RMSE" in say.en("scaling_accuracy")
    claims = say.en("claims_scaling")
    assert claims.startswith(("Consistent with the claim here", "Not reached here", "Exceeded here"))
