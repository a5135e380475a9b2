"""The report's facts and sentences: computed from the exports, verdicts from the paired test."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from ggmm_build.config import load_config
from ggmm_build.documents.exports import validate_export
from ggmm_build.export import comparison_export, dumps
from ggmm_build.pages import (
    Prose,
    comparisons_table,
    fmt,
    identity_check,
    record,
    sampler_table,
    summary_table,
    tail_mass,
)
from ggmm_build.pages.prose import SENTENCES, render

CONFIG = """
[tuning]
candidates = 4

[profiles.t]
seeds = [0, 1, 2, 3, 4, 5]
tuning_seeds = [100]
n_train = 100
n_test = 100
n_validation = 50
grid_resolution = 10
datasets = ["original", "laplace"]
methods = ["ka", "em", "reg", "mlp"]

[[comparisons]]
name = "ka-vs-em"
a = "ka"
b = "em"
metric = "nll"
label = { en = "KA vs EM", zh = "KA 对 EM" }

[[comparisons]]
name = "kan-vs-mlp"
a = "reg"
b = "mlp"
metric = "rmse_test"
label = { en = "KAN vs MLP", zh = "KAN 对 MLP" }

[methods.ka]
estimator = "KAMixtureKAN"
family = "KAN"
label = { en = "KA-KAN", zh = "KA 结构 KAN" }

[methods.em]
estimator = "EMEstimator"
family = "classical"
label = { en = "EM", zh = "EM 算法" }

[methods.reg]
estimator = "KANRegressor"
family = "KAN"
label = { en = "KAN regression", zh = "KAN 回归" }

[methods.mlp]
estimator = "MLPRegressor"
family = "MLP"
label = { en = "MLP", zh = "多层感知机" }
"""


def synthetic_runs(profile, ka_shift: dict[str, float]) -> list[tuple[dict, dict]]:
    """Per-seed results: seeds differ a lot (test sets of varying difficulty), methods by a shift."""
    rng = np.random.default_rng(0)
    runs = []
    for dataset in profile.datasets:
        level = rng.normal(2.0, 0.2, len(profile.seeds))
        for method in profile.methods:
            for i, seed in enumerate(profile.seeds):
                normalized = method in ("ka", "em")
                truth_nll = level[i] - 0.01
                # KA's difference from EM alternates +-0.005 around the shift: mean exactly the shift
                nll = level[i] + (ka_shift[dataset] + 0.005 * (-1) ** i if method == "ka" else 0.0)
                rmse = 0.05 * (0.5 if method == "reg" else 1.0) * (1 + 0.3 * rng.random())
                runs.append(
                    (
                        {"dataset": dataset, "method": method, "seed": seed},
                        {
                            "rmse_test": rmse,
                            "rmse_grid": rmse / 5,
                            "nll": nll if normalized else None,
                            "nll_stderr": 0.01 if normalized else None,
                            "truth_nll": truth_nll,
                            "n_params": 100,
                            "param_errors": None,
                            "seconds": 1.0,
                        },
                    )
                )
    return runs


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    config = folder / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    profile = load_config("t", config)
    # KA better than EM by 0.01 nats on every seed of "original", no systematic difference on "laplace"
    doc = comparison_export(profile, synthetic_runs(profile, {"original": -0.01, "laplace": 0.0}))
    validate_export(json.loads(dumps(doc)))
    (folder / "comparison.json").write_bytes(dumps(doc))
    return folder


def test_verdicts_come_from_the_paired_test(data: Path) -> None:
    doc = json.loads((data / "comparison.json").read_text(encoding="utf-8"))
    ka = {(s["dataset"], s["method"]): s["nll"] for s in doc["summary"] if s["nll"]}
    # the per-method intervals overlap (seeds vary far more than the methods differ) ...
    a, b = ka[("original", "ka")], ka[("original", "em")]
    assert a["hi"] > b["lo"]
    # ... but the paired comparison decides
    say = Prose(data)
    assert "KA-KAN is better" in say.en("comparison", "ka-vs-em", "original")
    assert "KA-KAN is lower on all 6 seeds" in say.en("comparison", "ka-vs-em", "original")
    assert "KA 结构 KAN 更好" in say.zh("comparison", "ka-vs-em", "original")
    assert "cannot be told apart" in say.en("comparison", "ka-vs-em", "laplace")
    r = record(doc, "ka-vs-em")
    assert r.counts == {"better": 1, "tied": 1, "worse": 0}


def test_every_comparison_sentence_names_its_metric(data: Path) -> None:
    say = Prose(data)
    assert "held-out NLL" in say.en("comparison", "ka-vs-em", "original")
    assert "test RMSE" in say.en("comparison", "kan-vs-mlp", "original")
    assert "times that of MLP" in say.en("comparison", "kan-vs-mlp", "original")
    assert "留出集 NLL" in say.zh("comparison", "ka-vs-em", "original")
    assert "测试 RMSE" in say.zh("comparison", "kan-vs-mlp", "original")


def test_tables_hold_every_comparison_and_intervals_stay_in_range(data: Path) -> None:
    doc = json.loads((data / "comparison.json").read_text(encoding="utf-8"))
    for lang in ("en", "zh"):
        html = comparisons_table(doc, lang)
        assert html.count("<tr>") == 1 + 4
        assert summary_table(doc, lang).count("<tr>") == 1 + 8
    for row in doc["summary"]:
        for key in ("rmse_test", "rmse_grid"):
            assert row[key]["lo"] >= 0


def test_chinese_sentences_space_latin_words(data: Path) -> None:
    text = Prose(data).zh("comparison", "kan-vs-mlp", "original")
    assert "的测试 RMSE 是" in text and "KAN 回归" in text


def test_unknown_names_are_refused(data: Path) -> None:
    say = Prose(data)
    with pytest.raises(ValueError, match="'name'"):
        say.en("no-such-sentence")
    with pytest.raises(ValueError, match="'name'"):
        say.en("comparison", "no-such-comparison", "original")
    with pytest.raises(ValueError, match="'dataset'"):
        say.en("comparison", "ka-vs-em", "nowhere")
    with pytest.raises(ValueError, match="'lang'"):
        render("identity_check", "fr", identity_check(n=10))


def test_every_sentence_renders_on_the_report_exports(report_exports: Path) -> None:
    say = Prose(report_exports)
    no_args = (
        "identity_check",
        "generated",
        "generated_shape",
        "tuning",
        "original_negative",
        "original_symbolic",
        "claims_params",
        "scaling_law",
        "claims_scaling",
        "scaling_cost",
        "scaling_limits",
        "scaling_accuracy",
        "scaling_budget",
        "scaling_shape",
        "headline_samples",
        "headline_regression",
        "headline_readback",
        "readback_all",
        "readback_random",
        "readback_steps",
        "recovery_shapes",
        "correction",
        "params_claim",
        "convergence",
        "tuning_outcome",
        "stuck_runs",
        "tuning_budget",
    )
    args = {
        "comparison": ("ka-vs-em", "original"),
        "record": ("ka-vs-em",),
        "grid_record": ("kan-vs-mlp",),
        "claims_time": ("original",),
        "identity_check": (0, 1000),
        "sampler_note": (100, 0),
        "training_prune": ("original-kan-staged",),
        "training_losses": ("original-kan-staged",),
        "training_caption": ("original-kan-staged",),
        "em_weights": ("close",),
        **{name: () for name in no_args if name != "identity_check"},
    }
    optional: set[str] = set()  # sentences allowed to say nothing (none: the exports hold every field worded)
    for name in SENTENCES:
        for lang in ("en", "zh"):
            text = say.say(lang, name, *args.get(name, ("original",)))
            assert (text or name in optional) and "n/a" not in text and "nan" not in text, (name, lang, text)


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.123456, 3, "0.123"),
        (12.3456, 3, "12.3"),
        (1234.6, 3, "1235"),
        (None, 3, "n/a"),
        (float("nan"), 3, "n/a"),
        (0.0, 3, "0"),
        (3.2e-7, 2, "3.2e-07"),
    ],
)
def test_fmt(value, digits, text) -> None:
    assert fmt(value, digits) == text


def test_checks_computed_while_the_page_builds() -> None:
    check = identity_check(seed=1, n=1000)
    assert max(check.values.values()) < 1e-9
    assert "1,000 random points" in render("identity_check", "en", check)
    assert tail_mass(1.0) == pytest.approx(math.exp(-1.0), rel=1e-6)
    assert tail_mass(2.0) == pytest.approx(0.15729921, rel=1e-6)
    with pytest.raises(ValueError, match="'p'"):
        tail_mass(0.0)
    row = sampler_table([2.0], "en", n=2000, seed=0).splitlines()[2].split("|")
    assert row[4].strip() == "0", "the original sampler never leaves one scale"


def test_a_fact_named_like_a_dict_method_is_refused() -> None:
    """``facts.values`` would read dict.values, and a page would print ``<function ...>``."""
    from ggmm_build.pages.format import Facts

    assert Facts({"listed": "0, 1", "count": 2}).listed == "0, 1"
    with pytest.raises(ValueError, match=r"\['values'\] are dict methods"):
        Facts({"values": "0, 1"})
