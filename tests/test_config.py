"""The experiment config's models (``ggmm_build.config``): malformed files are refused with the
field's path and the file named; the shipped file loads to the very plan it always gave."""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from ggmm_build.config import DEFAULT_CONFIG, ConfigError, config_schema, load_config, main, read_config
from ggmm_build.plan import plan_jobs, plan_scaling_tuning, plan_tuning

#: sha256 of the JSON of every job entry (tuning, scaling tuning, then the rest, nothing chosen yet) the
#: shipped config plans, per profile, and how many jobs: pinned when the config's hand-written validation
#: was replaced by its models, so the models read the shipped file exactly as before. Changing
#: experiments.toml on purpose changes these; update them in the same commit.
PLANS = {
    "quick": (88, "d13c14125925fef0e2e12be474bb30d1a876f74e5a83148cffd85bcd3a1ac258"),
    "full": (711, "fa9360ad59c6f138974f6f514d461c668f0e60378211a4e542df2b47dd922b3f"),
}

MINIMAL = """
[tuning]
candidates = 4

[methods.em]
estimator = "EMEstimator"
family = "classical"
label = { en = "EM", zh = "EM" }
params = { init = "kmeans" }

[methods.mlp]
estimator = "MLPRegressor"
family = "MLP"
label = { en = "MLP", zh = "MLP" }
params = { hidden = [8] }
tune = { lr = [0.003, 0.01] }

[profiles.p]
seeds = [0, 1]
tuning_seeds = [100]
n_train = 300
n_test = 400
n_validation = 200
grid_resolution = 20
datasets = ["original"]
methods = ["em", "mlp"]
"""


@pytest.mark.parametrize("profile", sorted(PLANS))
def test_shipped_config_plans_the_same_jobs(profile: str) -> None:
    prof = load_config(profile)
    jobs = plan_tuning(prof) + plan_scaling_tuning(prof) + plan_jobs(prof)
    digest = hashlib.sha256(json.dumps(jobs, sort_keys=True, default=str).encode()).hexdigest()
    assert (len(jobs), digest) == PLANS[profile]


def test_every_shipped_profile_is_valid_and_defaults_apply(tmp_path: Path) -> None:
    config = read_config()
    assert set(config.profiles) == {"full", "quick"}
    path = tmp_path / "c.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    prof = load_config("p", path)
    assert (prof.workers, prof.grid_resolution_3d, prof.preset_samples) == (1, 15, 200)
    assert (prof.rungs, prof.keep, prof.extensions) == ([1.0], 1.0, 0)
    assert prof.readback is None and prof.scaling_law is None and prof.comparisons == []
    assert prof.method("mlp").candidates() == [{"lr": 0.003}, {"lr": 0.01}]


@pytest.mark.parametrize(
    "edit, path, problem",
    [
        # wrong types
        (("n_train = 300", 'n_train = "300"'), "profiles.p.n_train", "expected an integer, got str '300'"),
        (("n_train = 300", "n_train = true"), "profiles.p.n_train", "expected an integer, got a boolean"),
        (("n_train = 300", "n_train = 300.0"), "profiles.p.n_train", "expected an integer"),
        (('datasets = ["original"]', 'datasets = "original"'), "profiles.p.datasets", "expected an array"),
        (("params = { hidden = [8] }", "params = 8"), "methods.mlp.params", "expected a table"),
        (
            ('label = { en = "MLP", zh = "MLP" }', 'label = { en = "MLP", zh = 3 }'),
            "methods.mlp.label.zh",
            "expected a string",
        ),
        # unknown keys
        (("candidates = 4", "candidates = 4\nbudget = 9"), "tuning.budget", "unknown key"),
        (('family = "MLP"', 'family = "MLP"\nfamilly = "MLP"'), "methods.mlp.familly", "unknown key"),
        (("grid_resolution = 20", "grid_resolution = 20\n[profiles.p.overides]"), "profiles.p.overides", "unknown key"),
        # out-of-range values
        (("candidates = 4", "candidates = 0"), "tuning.candidates", "must be >= 1, got 0"),
        (("candidates = 4", "candidates = 4\nkeep = 1.5"), "tuning.keep", "must be <= 1"),
        (("candidates = 4", "candidates = 4\nrungs = [0.5, 0.2, 1.0]"), "tuning.rungs", "increasing budget"),
        (("seeds = [0, 1]", "seeds = [0, -1]"), "profiles.p.seeds[1]", "must be >= 0, got -1"),
        (("seeds = [0, 1]", "seeds = [0, 0]"), "profiles.p.seeds", "lists a seed twice"),
        (("n_validation = 200", "n_validation = 5"), "profiles.p.n_validation", "must be >= 10, got 5"),
        (("tune = { lr = [0.003, 0.01] }", "tune = { lr = [0.003] }"), "methods.mlp.tune.lr", "at least 2 candidate"),
        (('family = "MLP"', 'family = "mlp"'), "methods.mlp.family", "must be one of KAN, MLP, classical"),
        (
            ("grid_resolution = 20", 'grid_resolution = 20\nrecovered = ["original", "original"]'),
            "profiles.p.recovered",
            "lists a name twice",
        ),
        # cross references
        (('methods = ["em", "mlp"]', 'methods = ["em", "kan"]'), "profiles.p.methods", "unknown method 'kan'"),
        (
            ("grid_resolution = 20", "grid_resolution = 20\noverrides = { mlp = { width = 3 } }"),
            "profiles.p.overrides.mlp.width",
            "has no parameter 'width'",
        ),
        (
            ("grid_resolution = 20", "grid_resolution = 20\noverrides = { kde = { bandwidth = 3 } }"),
            "profiles.p.overrides.kde",
            "unknown method 'kde'",
        ),
        (
            ('params = { init = "kmeans" }', 'params = { init = "kmeans", n_components = 3 }'),
            "methods.em.params.n_components",
            "set by the pipeline",
        ),
        (
            (
                "tune = { lr = [0.003, 0.01] }",
                "tune = { lr = [0.003, 0.01] }\n[[comparisons]]\nname = 'x'\na = 'em'\n"
                "b = 'mlp'\nmetric = 'nll'\nlabel = { en = 'x', zh = 'x' }",
            ),
            "comparisons[0].metric",
            "nll needs two density estimators",
        ),
    ],
)
def test_malformed_config_names_the_field(tmp_path: Path, edit: tuple[str, str], path: str, problem: str) -> None:
    assert edit[0] in MINIMAL
    config = tmp_path / "bad.toml"
    config.write_text(MINIMAL.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config("p", config)
    assert f"{config}: {path}: " in str(err.value) and problem in str(err.value), str(err.value)


@pytest.mark.parametrize("section", ["tuning", "methods", "profiles"])
def test_missing_section_is_named(tmp_path: Path, section: str) -> None:
    # drop the section's tables (each runs up to the next table header)
    blocks = MINIMAL.split("\n[")
    config = tmp_path / "bad.toml"
    config.write_text("\n[".join(b for b in blocks if not b.startswith(section)), encoding="utf-8")
    assert section not in tomllib.loads(config.read_text(encoding="utf-8"))
    with pytest.raises(ConfigError, match=rf"bad\.toml: {section}: missing"):
        load_config("p", config)


def test_every_problem_is_reported_at_once_and_unknown_profiles_are_named(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        MINIMAL.replace("n_train = 300", "n_train = 3").replace("n_test = 400", 'n_test = "x"'), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as err:
        load_config("p", config)
    lines = str(err.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["profiles.p.n_train", "profiles.p.n_test"]
    good = tmp_path / "good.toml"
    good.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(ConfigError, match="no profile 'full'; known: p"):
        load_config("full", good)
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.write_text("[tuning\n", encoding="utf-8")
        load_config("p", config)


def test_config_schema_describes_the_file(tmp_path: Path) -> None:
    schema = config_schema()
    assert set(schema["required"]) == {"tuning", "methods", "profiles"}
    assert schema["additionalProperties"] is False
    profile = schema["$defs"]["ProfileSection"]
    assert profile["properties"]["n_train"]["minimum"] == 10
    assert set(profile["required"]) >= {"seeds", "tuning_seeds", "datasets", "methods"}
    # every key the shipped file uses is a property the schema declares
    shipped = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    for name, entry in shipped["profiles"].items():
        assert set(entry) <= set(profile["properties"]), name
    assert main([str(tmp_path)]) == 0
    assert json.loads((tmp_path / "ggmm-config.schema.json").read_text(encoding="utf-8")) == schema


def test_an_unknown_estimator_is_named_with_the_known_ones() -> None:
    from ggmm_build.config_file import _estimator

    with pytest.raises(
        ValueError,
        match=r"unknown estimator 'KANN': not one of EMEstimator, .*MLPRegressor, and no ggmm/estimators/kann.py",
    ):
        _estimator("KANN")
