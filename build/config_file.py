"""The experiment config file's typed models (pydantic, strict): :class:`ConfigFile` and its sections.

Validators raise a problem at the path of the bad field; :mod:`ggmm_build.config` turns it
into a :class:`~ggmm_build.config.ConfigError` naming the file and the field.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

import ggmm.estimators as estimators
from ggmm import PRESETS

from .profile import DERIVED_PARAMS, EM_INITS, Method


class _Problem(ValueError):
    """A problem found by a validator, at ``path`` below the model that raised it ("" for the model itself)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path, self.problem = path, problem


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Section(BaseModel):
    """A table of the config: strict types (booleans are not numbers), finite numbers, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


def _seeds(values: list[int]) -> list[int]:
    if not values:
        raise ValueError("expected a non-empty list of integers, got []")
    if len(set(values)) != len(values):
        raise ValueError(f"lists a seed twice: {values}")
    return values


def _increasing(minimum_count: int) -> AfterValidator:
    def check(values: list[int]) -> list[int]:
        if len(values) < minimum_count:
            raise ValueError(f"expected a list of at least {minimum_count} integers, got {values!r}")
        if any(b <= a for a, b in itertools.pairwise(values)):
            raise ValueError(f"expected strictly increasing values, got {values}")
        return values

    return AfterValidator(check)


def _distinct_names(values: list[str]) -> list[str]:
    if not values:
        raise ValueError("expected a non-empty list of names, got []")
    if len(set(values)) != len(values):
        raise ValueError(f"lists a name twice: {values}")
    return values


def _datasets(values: list[str]) -> list[str]:
    for name in values:
        _known(name, "", list(PRESETS), "dataset")
    return values


def _known(name: str, path: str, allowed: list[str], what: str) -> None:
    if name not in allowed:
        raise _Problem(path, f"unknown {what} {name!r}; known: {', '.join(allowed)}")


def _one_of(value: Any, path: str, allowed: list[str] | tuple[str, ...]) -> None:
    if value not in allowed:
        raise _Problem(path, f"must be one of {', '.join(map(str, allowed))}, got {value!r}")


#: A list of distinct data seeds (integers >= 0), at least one.
Seeds = Annotated[list[Annotated[int, Field(ge=0)]], AfterValidator(_seeds)]


#: A sample count: at least 10.
Samples = Annotated[int, Field(ge=10)]


#: A non-empty list of distinct names (datasets or methods, checked against their tables).
Names = Annotated[list[str], AfterValidator(_distinct_names)]


#: A non-empty list of distinct dataset presets (``ggmm.PRESETS``).
Datasets = Annotated[Names, AfterValidator(_datasets)]


#: A ``[name, name]`` pair.
Pair = Annotated[list[str], Field(min_length=2, max_length=2)]


class Bilingual(Section):
    """A text in both languages, neither empty."""

    en: Annotated[str, Field(min_length=1)]
    zh: Annotated[str, Field(min_length=1)]


def _check_params(estimator: str, params: dict[str, Any], key: str) -> None:
    # scikit-learn's convention: the constructor names every hyperparameter, no **kwargs
    accepted = set(getattr(estimators, estimator)._get_param_names())
    for name in params:
        if name in DERIVED_PARAMS:
            raise _Problem(_join(key, name), "is set by the pipeline from the dataset; remove it")
        if name not in accepted:
            raise _Problem(
                _join(key, name), f"{estimator} has no parameter {name!r}; it takes {', '.join(sorted(accepted))}"
            )


def _estimator(name: str) -> str:
    if name not in estimators.ESTIMATORS:
        estimators.estimator_class(name)  # a class in a module of its own, or a clear error
    return name


def _candidates(values: list[Any]) -> list[Any]:
    if len(values) < 2:
        raise ValueError(f"expected a list of at least 2 candidate values, got {values!r}")
    return values


class MethodSection(Section):
    """``[methods.<name>]``: an estimator of :mod:`ggmm.estimators`, its constructor arguments (``params``)
    and the candidate values of the hyperparameters tuned (``tune``)."""

    estimator: Annotated[str, AfterValidator(_estimator)]
    family: Literal["KAN", "MLP", "classical"]
    label: Bilingual
    params: dict[str, Any] = {}
    tune: dict[str, Annotated[list[Any], AfterValidator(_candidates)]] = {}

    @model_validator(mode="after")
    def _parameters(self) -> MethodSection:
        _check_params(self.estimator, self.params, "params")
        _check_params(self.estimator, self.tune, "tune")
        for param in self.tune:
            if param in self.params:
                raise _Problem(f"tune.{param}", "is also fixed in params; keep it in one place")
        return self


class ComparisonSection(Section):
    """``[[comparisons]]``: a pre-declared paired comparison of method ``a`` against ``b``."""

    name: str
    a: str
    b: str
    metric: Literal["nll", "rmse_test", "rmse_grid"]
    label: Bilingual
    role: Literal["primary", "secondary"] = "primary"


class CorrectionSection(Section):
    """``[comparisons_correction]``: Holm's adjustment and how its families are formed."""

    method: Literal["holm"] = "holm"
    family: Literal["all", "comparison"] = "all"


def _rungs(values: list[float]) -> list[float]:
    if (
        not values
        or values[-1] != 1.0
        or any(not 0 < r <= 1 for r in values)
        or any(b <= a for a, b in itertools.pairwise(values))
    ):
        raise ValueError(f"expected increasing budget fractions in (0, 1] ending at 1, got {values}")
    return values


class TuningSection(Section):
    """``[tuning]``: the budget and the successive-halving scheme every tuned method gets."""

    candidates: Annotated[int, Field(ge=1)]
    rungs: Annotated[list[float], AfterValidator(_rungs)] = [1.0]
    keep: Annotated[float, Field(gt=0, le=1)] = 1.0
    extensions: Annotated[int, Field(ge=0)] = 0


class ReadbackSection(Section):
    """``profiles.<name>.readback``: the KA-structured KAN read back on generated mixtures."""

    p: Annotated[list[Annotated[float, Field(gt=0)]], Field(min_length=1)]
    seeds: Seeds
    n_train: Samples
    n_test: Samples
    method: str
    grids: Annotated[list[Annotated[int, Field(ge=2)]], Field(min_length=1)]


def _evaluated(seeds: list[int]) -> list[int]:
    if len(seeds) < 2:
        raise ValueError(f"an exponent's interval needs at least 2 seeds, got {seeds}")
    return seeds


class ScalingLawSection(Section):
    """``profiles.<name>.scaling_law``: test RMSE against parameter count, KAN and MLP."""

    dataset: str
    kan: str
    mlp: str
    grids: Annotated[list[Annotated[int, Field(ge=2)]], _increasing(2)]
    mlp_widths: Annotated[list[Annotated[int, Field(ge=1)]], _increasing(2)]
    seeds: Annotated[Seeds, AfterValidator(_evaluated)]
    n_train: Samples
    n_test: Samples

    @model_validator(mode="after")
    def _dataset(self) -> ScalingLawSection:
        _known(self.dataset, "dataset", list(PRESETS), "dataset")
        return self


class ScalingCostSection(Section):
    """``profiles.<name>.scaling_cost``: fit cost and accuracy against the dimension and the sample size."""

    methods: Names
    dims: Annotated[list[Annotated[int, Field(ge=1)]], _increasing(2)]
    dim_samples: Samples
    sample_dim: Annotated[int, Field(ge=1)]
    sample_sizes: Annotated[list[Annotated[int, Field(ge=10)]], _increasing(1)]
    p: Annotated[float, Field(gt=0)]
    n_components: Annotated[int, Field(ge=1)]
    mixture_seed: Annotated[int, Field(ge=0)]
    seeds: Annotated[Seeds, AfterValidator(_evaluated)]
    n_test: Samples
    limits: dict[Literal["quadrature_nodes", "kernel_evaluations"], Annotated[int, Field(ge=1)]]

    @model_validator(mode="after")
    def _sweeps(self) -> ScalingCostSection:
        if self.sample_dim not in self.dims:
            raise _Problem("sample_dim", f"must be one of dims {self.dims}, got {self.sample_dim}")
        if len(set(self.sample_sizes) | {self.dim_samples}) < 2:
            raise _Problem("sample_sizes", "the sample-size sweep needs at least 2 sizes (with dim_samples)")
        return self


class ProfileSection(Section):
    """``[profiles.<name>]``: one version of every experiment (``full`` is published, ``quick`` tests it)."""

    seeds: Seeds
    tuning_seeds: Seeds
    n_train: Samples
    n_test: Samples
    n_validation: Samples
    grid_resolution: Annotated[int, Field(ge=5)]
    grid_resolution_3d: Annotated[int, Field(ge=3)] = 15
    workers: Annotated[int, Field(ge=1)] = 1
    datasets: Datasets
    methods: Names
    preset_samples: Annotated[int, Field(ge=1)] = 200
    em_history: list[Pair] = []
    recovered: Annotated[list[str], AfterValidator(lambda v: _distinct_names(v) if v else v)] = []
    training: list[Pair] = []
    original: Pair | None = None
    readback: ReadbackSection | None = None
    overrides: dict[str, dict[str, Any]] = {}
    scaling_law: ScalingLawSection | None = None
    scaling_cost: ScalingCostSection | None = None

    @model_validator(mode="after")
    def _own_fields(self) -> ProfileSection:
        both = sorted(set(self.tuning_seeds) & set(self.seeds))
        if both:
            raise _Problem("tuning_seeds", f"seeds {both} are also evaluated; tuning must never see evaluated data")
        presets = list(PRESETS)
        for i, (dataset, init) in enumerate(self.em_history):
            _known(dataset, f"em_history[{i}]", presets, "dataset")
            _one_of(init, f"em_history[{i}]", EM_INITS)
        for i, (dataset, _) in enumerate(self.training):
            _known(dataset, f"training[{i}]", presets, "dataset")
            if PRESETS[dataset].mixture.n_features != 2:
                raise _Problem(f"training[{i}]", f"training-progress runs need a 2-D dataset, {dataset!r} is not")
        if self.recovered:
            for name in self.recovered:
                _known(name, "recovered", self.datasets, "evaluated dataset")
        if self.original is not None:
            _known(self.original[0], "original", presets, "dataset")
        for name, seeds in (
            ("scaling_law", self.scaling_law and self.scaling_law.seeds),
            ("scaling_cost", self.scaling_cost and self.scaling_cost.seeds),
        ):
            shared = sorted(set(seeds or []) & set(self.tuning_seeds))
            if shared:
                raise _Problem(
                    f"{name}.seeds", f"seeds {shared} are also tuning seeds; tuning must never see evaluated data"
                )
        return self


class ConfigFile(Section):
    """The experiment config (``build/experiments.toml``): the tuning protocol, the methods, the
    pre-declared comparisons and the profiles."""

    tuning: TuningSection
    comparisons_correction: CorrectionSection = CorrectionSection()
    comparisons: list[ComparisonSection] = []
    methods: dict[str, MethodSection]
    profiles: dict[str, ProfileSection]

    @model_validator(mode="after")
    def _references(self) -> ConfigFile:
        """What one table says about another: method names, budgets, estimators a role needs."""
        table = self.methods
        names = list(table)
        for name, m in table.items():
            count = len(_method(name, m).candidates())
            if count > self.tuning.candidates:
                raise _Problem(
                    f"methods.{name}.tune",
                    f"{count} candidate settings exceed the tuning budget of "
                    f"{self.tuning.candidates} (tuning.candidates)",
                )
        for i, c in enumerate(self.comparisons):
            _one_of(c.a, f"comparisons[{i}].a", names)
            _one_of(c.b, f"comparisons[{i}].b", names)
            if c.metric == "nll" and not (_method(c.a, table[c.a]).normalized and _method(c.b, table[c.b]).normalized):
                raise _Problem(
                    f"comparisons[{i}].metric", f"nll needs two density estimators; {c.a!r} or {c.b!r} is a regressor"
                )
        if len({c.name for c in self.comparisons}) != len(self.comparisons):
            raise _Problem("comparisons", "two comparisons share a name")
        for profile, p in self.profiles.items():
            self._profile_references(f"profiles.{profile}", p)
        return self

    def _profile_references(self, key: str, p: ProfileSection) -> None:
        table, names = self.methods, list(self.methods)
        for name in p.methods:
            _known(name, f"{key}.methods", names, "method")
        for name, values in p.overrides.items():
            _known(name, f"{key}.overrides.{name}", names, "method")
            _check_params(table[name].estimator, values, f"{key}.overrides.{name}")
        resolved = _resolved_methods(self, p)
        for i, (_, method) in enumerate(p.training):
            _known(method, f"{key}.training[{i}]", names, "method")
            if table[method].family == "classical":
                raise _Problem(f"{key}.training[{i}]", f"{method!r} is not a neural method and has no training steps")
        if p.recovered:
            for needed in ("ka-kan", "em-kmeans"):
                if needed not in p.methods:
                    raise _Problem(
                        f"{key}.recovered", f"the read-back compares ka-kan with em-kmeans; {needed!r} is not run"
                    )
        if p.original is not None:
            _known(p.original[1], f"{key}.original", names, "method")
            if table[p.original[1]].estimator != "KANRegressor":
                raise _Problem(
                    f"{key}.original", f"the original coursework's method is a KANRegressor, {p.original[1]!r} is not"
                )
        if p.readback is not None:
            _one_of(p.readback.method, f"{key}.readback.method", names)
            if table[p.readback.method].estimator != "KAMixtureKAN":
                raise _Problem(
                    f"{key}.readback.method", f"{p.readback.method!r} is not a KA-structured KAN (KAMixtureKAN)"
                )
        law = p.scaling_law
        if law is not None:
            at = f"{key}.scaling_law"
            _one_of(law.kan, f"{at}.kan", names)
            kan = resolved[law.kan]
            if kan.estimator != "KANRegressor":
                raise _Problem(f"{at}.kan", f"{law.kan!r} is not a KAN regressor (KANRegressor)")
            if kan.params.get("stages", ["train"]) != ["train"]:
                raise _Problem(
                    f"{at}.kan", f'{law.kan!r} must have stages = ["train"]: grid extension replaces refine and retrain'
                )
            _one_of(law.mlp, f"{at}.mlp", names)
            if resolved[law.mlp].estimator != "MLPRegressor":
                raise _Problem(f"{at}.mlp", f"{law.mlp!r} is not an MLP regressor (MLPRegressor)")
            for side, name, param in (
                ("kan", law.kan, "grid_schedule"),
                ("kan", law.kan, "grid"),
                ("mlp", law.mlp, "hidden"),
            ):
                if param in resolved[name].tune:
                    raise _Problem(f"{at}.{side}", f"{name!r} tunes {param!r}, which the scaling law sets")
        if p.scaling_cost is not None:
            for name in p.scaling_cost.methods:
                _known(name, f"{key}.scaling_cost.methods", names, "method")


def _method(name: str, m: MethodSection) -> Method:
    return Method(
        name, m.estimator, m.family, m.label.model_dump(), dict(m.params), {k: list(v) for k, v in m.tune.items()}
    )


def _resolved_methods(config: ConfigFile, p: ProfileSection) -> dict[str, Method]:
    """Every method with the profile's overrides applied (an overridden parameter is no longer tuned)."""
    resolved = {name: _method(name, m) for name, m in config.methods.items()}
    for name, values in p.overrides.items():
        m = resolved[name]
        tune = {k: v for k, v in m.tune.items() if k not in values}
        resolved[name] = Method(m.name, m.estimator, m.family, m.label, {**m.params, **values}, tune)
    return resolved
