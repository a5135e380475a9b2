"""Read and check the experiment config before anything is trained.

Every problem stops the build with a :class:`ConfigError` naming the file, the key
and what is wrong.
"""

from __future__ import annotations

import inspect
import itertools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ggmm.estimators as estimators
from ggmm import PRESETS
from ggmm.checking import Checker

DEFAULT_CONFIG = Path(__file__).with_name("experiments.toml")
FAMILIES = ("KAN", "MLP", "classical")
EM_INITS = ("kmeans", "random")
#: The metrics a comparison may be judged on.
METRICS = ("nll", "rmse_test", "rmse_grid")
#: A comparison's role: "primary" (a question the report answers) or "secondary" (another metric
#: read on a primary question, to qualify its answer); Holm families never mix the two.
ROLES = ("primary", "secondary")
#: How the comparisons are grouped into families for Holm's adjustment ([comparisons_correction]).
CORRECTION_FAMILIES = ("all", "comparison")
#: Constructor arguments the pipeline fills in from the dataset, never from the config.
DERIVED_PARAMS = ("n_components",)
_PROFILE_KEYS = {"seeds", "n_train", "n_test", "grid_resolution", "grid_resolution_3d", "workers", "datasets",
                 "methods", "preset_samples", "em_history", "recovered", "training", "overrides", "tuning_seeds",
                 "n_validation", "readback", "original", "scaling_law", "scaling_cost"}
_LAW_KEYS = {"dataset", "kan", "mlp", "grids", "mlp_widths", "seeds", "n_train", "n_test"}
_COST_KEYS = {"methods", "dims", "dim_samples", "sample_dim", "sample_sizes", "p", "n_components", "mixture_seed",
              "seeds", "n_test", "limits"}
#: The amounts of work a cost-study limit may bound (see ``BaseEstimator.fit_work``).
WORK_MEASURES = ("quadrature_nodes", "kernel_evaluations")


class ConfigError(ValueError):
    """A malformed experiment config."""


@dataclass(frozen=True)
class Method:
    """One estimator configuration; ``tune`` maps hyperparameters to their candidate values."""

    name: str
    estimator: str
    family: str
    label: dict[str, str]
    params: dict[str, Any]
    tune: dict[str, list[Any]] = field(default_factory=dict)

    def candidates(self) -> list[dict[str, Any]]:
        """Every setting of the tuned hyperparameters, in a stable order ([{}] when nothing is tuned)."""
        names = sorted(self.tune)
        return [dict(zip(names, values, strict=True)) for values in itertools.product(*(self.tune[n] for n in names))]

    @property
    def normalized(self) -> bool:
        """Whether the estimator gives a normalized density (``logpdf``)."""
        return bool(getattr(estimators, self.estimator).tags.normalized)


@dataclass(frozen=True)
class Comparison:
    """A pre-declared paired comparison of method ``a`` against method ``b`` on ``metric``."""

    name: str
    a: str
    b: str
    metric: str
    label: dict[str, str]
    role: str = "primary"


@dataclass(frozen=True)
class Correction:
    """Holm's adjustment over families of comparisons (``[comparisons_correction]``).

    ``family``: "all" puts every comparison of one role, on every dataset, in one family;
    "comparison" makes a family of each declared comparison across the datasets.
    """

    method: str = "holm"
    family: str = "all"


@dataclass(frozen=True)
class Readback:
    """Read-back of the KA-structured KAN on generated (non-preset) mixtures."""

    p: list[float]
    seeds: list[int]
    n_train: int
    n_test: int
    method: str
    grids: list[int]


@dataclass(frozen=True)
class ScalingLaw:
    """The KAN scaling law on the density-regression task: test RMSE against parameter count.

    The KAN method is fitted once per seed with grid extension over ``grids``; the MLP
    method once per width in ``mlp_widths`` (every hidden layer takes the width).
    """

    dataset: str
    kan: str
    mlp: str
    grids: list[int]
    mlp_widths: list[int]
    seeds: list[int]
    n_train: int
    n_test: int


@dataclass(frozen=True)
class ScalingCost:
    """Cost and accuracy against the dimension D (at ``dim_samples`` samples) and against the
    sample size N (at dimension ``sample_dim``), on mixtures from ``ggmm.generate.random_mixture``.

    ``limits`` bounds the work of a fit (a ``BaseEstimator.fit_work`` measure), checked
    before fitting: a fit beyond a limit is reported, not run.
    """

    methods: list[str]
    dims: list[int]
    dim_samples: int
    sample_dim: int
    sample_sizes: list[int]
    p: float
    n_components: int
    mixture_seed: int
    seeds: list[int]
    n_test: int
    limits: dict[str, int]

    def cells(self) -> list[tuple[int, int]]:
        """Every (D, N) fitted, without repeats: the dimension sweep, then the sample-size sweep."""
        cells = [(d, self.dim_samples) for d in self.dims]
        return cells + [(self.sample_dim, n) for n in self.sample_sizes if (self.sample_dim, n) not in cells]


@dataclass(frozen=True)
class Profile:
    """One profile of the config with its method parameters resolved."""

    name: str
    seeds: list[int]
    n_train: int
    n_test: int
    grid_resolution: int
    grid_resolution_3d: int
    workers: int
    datasets: list[str]
    methods: list[str]
    preset_samples: int
    em_history: list[tuple[str, str]]
    recovered: list[str]
    training: list[tuple[str, str]]
    tuning_seeds: list[int]
    n_validation: int
    candidates: int
    comparisons: list[Comparison]
    readback: Readback | None
    original: tuple[str, str] | None
    method_table: dict[str, Method] = field(repr=False)
    scaling_law: ScalingLaw | None = None
    scaling_cost: ScalingCost | None = None
    correction: Correction = field(default_factory=Correction)
    rungs: list[float] = field(default_factory=lambda: [1.0])
    keep: float = 1.0
    extensions: int = 0

    def method(self, name: str) -> Method:
        """The resolved configuration of the method called ``name``."""
        return self.method_table[name]


def _check_params(c: Checker, estimator: str, params: dict[str, Any], key: str) -> None:
    cls = getattr(estimators, estimator)
    signature = inspect.signature(cls.__init__)
    accepted = set(signature.parameters) - {"self"}
    has_kwargs = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    for name in params:
        if name in DERIVED_PARAMS:
            c.fail(f"{key}.{name}", "is set by the pipeline from the dataset; remove it")
        if name not in accepted and not has_kwargs:
            c.fail(f"{key}.{name}", f"{estimator} has no parameter {name!r}; it takes {', '.join(sorted(accepted))}")


def _method(c: Checker, name: str, raw: Any, candidates: int) -> Method:
    key = f"methods.{name}"
    raw = c.table(raw, key)
    estimator = c.get(raw, "estimator", key, str)
    if not hasattr(estimators, estimator):
        known = ", ".join(n for n in estimators.__all__ if n[0].isupper() and n.endswith(("Estimator", "KAN",
                                                                                         "Baseline", "Regressor")))
        c.fail(f"{key}.estimator", f"unknown estimator {estimator!r}; known: {known}")
    family = c.one_of(c.get(raw, "family", key, str), f"{key}.family", FAMILIES)
    label = c.bilingual(raw, "label", key)
    params = c.table(raw.get("params", {}), f"{key}.params")
    _check_params(c, estimator, params, f"{key}.params")
    tune = c.table(raw.get("tune", {}), f"{key}.tune")
    _check_params(c, estimator, tune, f"{key}.tune")
    for param, values in tune.items():
        if not isinstance(values, list) or len(values) < 2:
            c.fail(f"{key}.tune.{param}", f"expected a list of at least 2 candidate values, got {values!r}")
        if param in params:
            c.fail(f"{key}.tune.{param}", "is also fixed in params; keep it in one place")
    unknown = set(raw) - {"estimator", "family", "label", "params", "tune"}
    if unknown:
        c.fail(key, f"unknown key(s) {sorted(unknown)}")
    method = Method(name, estimator, family, dict(label), dict(params), {k: list(v) for k, v in tune.items()})
    if len(method.candidates()) > candidates:
        c.fail(f"{key}.tune", f"{len(method.candidates())} candidate settings exceed the tuning budget of "
                              f"{candidates} (tuning.candidates)")
    return method


def _comparisons(c: Checker, raw: Any, methods: dict[str, Method]) -> list[Comparison]:
    out = []
    for i, entry in enumerate(raw if isinstance(raw, list) else c.fail("comparisons", "expected a list")):
        key = f"comparisons[{i}]"
        entry = c.table(entry, key)
        name = c.get(entry, "name", key, str)
        a, b = (c.one_of(c.get(entry, side, key, str), f"{key}.{side}", list(methods)) for side in ("a", "b"))
        metric = c.one_of(c.get(entry, "metric", key, str), f"{key}.metric", METRICS)
        if metric == "nll" and not (methods[a].normalized and methods[b].normalized):
            c.fail(f"{key}.metric", f"nll needs two density estimators; {a!r} or {b!r} is a regressor")
        role = c.one_of(entry.get("role", "primary"), f"{key}.role", ROLES)
        out.append(Comparison(name, a, b, metric, c.bilingual(entry, "label", key), role))
    if len({x.name for x in out}) != len(out):
        c.fail("comparisons", "two comparisons share a name")
    return out


def _correction(c: Checker, raw: Any) -> Correction:
    key = "comparisons_correction"
    raw = c.table(raw, key)
    unknown = set(raw) - {"method", "family"}
    if unknown:
        c.fail(key, f"unknown key(s) {sorted(unknown)}")
    method = c.one_of(raw.get("method", "holm"), f"{key}.method", ("holm",))
    family = c.one_of(raw.get("family", "all"), f"{key}.family", CORRECTION_FAMILIES)
    return Correction(method, family)


def _pairs(c: Checker, value: Any, key: str) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(s, str) for s in v) for v in value
    ):
        c.fail(key, f"expected a list of [name, name] pairs, got {value!r}")
    return [(a, b) for a, b in value]


def _seeds(c: Checker, value: Any, key: str) -> list[int]:
    if not isinstance(value, list) or not value:
        c.fail(key, f"expected a non-empty list of integers, got {value!r}")
    seeds = c.integers(value, key, minimum=0)
    if len(set(seeds)) != len(seeds):
        c.fail(key, f"lists a seed twice: {seeds}")
    return list(seeds)


def _readback(c: Checker, raw: Any, key: str, methods: dict[str, Method]) -> Readback:
    raw = c.table(raw, key)
    p = c.numbers(c.get(raw, "p", key, list), f"{key}.p")
    if not p or any(v <= 0 for v in p):
        c.fail(f"{key}.p", f"expected a non-empty list of positive shapes, got {p}")
    method = c.one_of(c.get(raw, "method", key, str), f"{key}.method", list(methods))
    if methods[method].estimator != "KAMixtureKAN":
        c.fail(f"{key}.method", f"{method!r} is not a KA-structured KAN (KAMixtureKAN)")
    grids = c.integers(c.get(raw, "grids", key, list), f"{key}.grids", minimum=2)
    if not grids:
        c.fail(f"{key}.grids", "expected at least one grid size")
    return Readback([float(v) for v in p], _seeds(c, c.get(raw, "seeds", key, list), f"{key}.seeds"),
                    c.integer(c.get(raw, "n_train", key, int), f"{key}.n_train", 10),
                    c.integer(c.get(raw, "n_test", key, int), f"{key}.n_test", 10), method, list(grids))


def _increasing(c: Checker, value: Any, key: str, minimum: int, count: int = 2) -> list[int]:
    """A list of at least ``count`` strictly increasing integers >= ``minimum``."""
    if not isinstance(value, list) or len(value) < count:
        c.fail(key, f"expected a list of at least {count} integers, got {value!r}")
    values = c.integers(value, key, minimum=minimum)
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        c.fail(key, f"expected strictly increasing values, got {values}")
    return list(values)


def _evaluated_seeds(c: Checker, raw: dict[str, Any], key: str, tuning_seeds: list[int]) -> list[int]:
    """At least two evaluated seeds (an interval needs them), none of them a tuning seed."""
    seeds = _seeds(c, c.get(raw, "seeds", key, list), f"{key}.seeds")
    if len(seeds) < 2:
        c.fail(f"{key}.seeds", f"an exponent's interval needs at least 2 seeds, got {seeds}")
    if set(seeds) & set(tuning_seeds):
        c.fail(f"{key}.seeds", f"seeds {sorted(set(seeds) & set(tuning_seeds))} are also tuning seeds; "
                               "tuning must never see evaluated data")
    return seeds


def _scaling_law(c: Checker, raw: Any, key: str, methods: dict[str, Method], tuning_seeds: list[int]) -> ScalingLaw:
    raw = c.table(raw, key)
    unknown = set(raw) - _LAW_KEYS
    if unknown:
        c.fail(key, f"unknown key(s) {sorted(unknown)}")
    dataset = c.get(raw, "dataset", key, str)
    c.names([dataset], f"{key}.dataset", list(PRESETS), "dataset")
    kan = c.one_of(c.get(raw, "kan", key, str), f"{key}.kan", list(methods))
    if methods[kan].estimator != "KANRegressor":
        c.fail(f"{key}.kan", f"{kan!r} is not a KAN regressor (KANRegressor)")
    if methods[kan].params.get("stages", ["train"]) != ["train"]:
        c.fail(f"{key}.kan", f"{kan!r} must have stages = [\"train\"]: grid extension replaces refine and retrain")
    mlp = c.one_of(c.get(raw, "mlp", key, str), f"{key}.mlp", list(methods))
    if methods[mlp].estimator != "MLPRegressor":
        c.fail(f"{key}.mlp", f"{mlp!r} is not an MLP regressor (MLPRegressor)")
    for name, param in ((kan, "grid_schedule"), (kan, "grid"), (mlp, "hidden")):
        if param in methods[name].tune:
            c.fail(f"{key}.{'kan' if name == kan else 'mlp'}", f"{name!r} tunes {param!r}, which the scaling law sets")
    return ScalingLaw(dataset, kan, mlp, _increasing(c, c.get(raw, "grids", key, list), f"{key}.grids", 2),
                      _increasing(c, c.get(raw, "mlp_widths", key, list), f"{key}.mlp_widths", 1),
                      _evaluated_seeds(c, raw, key, tuning_seeds),
                      c.integer(c.get(raw, "n_train", key, int), f"{key}.n_train", 10),
                      c.integer(c.get(raw, "n_test", key, int), f"{key}.n_test", 10))


def _scaling_cost(c: Checker, raw: Any, key: str, methods: dict[str, Method], tuning_seeds: list[int]) -> ScalingCost:
    raw = c.table(raw, key)
    unknown = set(raw) - _COST_KEYS
    if unknown:
        c.fail(key, f"unknown key(s) {sorted(unknown)}")
    names = c.names(c.get(raw, "methods", key, list), f"{key}.methods", list(methods), "method")
    dims = _increasing(c, c.get(raw, "dims", key, list), f"{key}.dims", 1)
    sizes = _increasing(c, c.get(raw, "sample_sizes", key, list), f"{key}.sample_sizes", 10, count=1)
    dim_samples = c.integer(c.get(raw, "dim_samples", key, int), f"{key}.dim_samples", 10)
    sample_dim = c.integer(c.get(raw, "sample_dim", key, int), f"{key}.sample_dim", 1)
    if sample_dim not in dims:
        c.fail(f"{key}.sample_dim", f"must be one of dims {dims}, got {sample_dim}")
    if len(set(sizes) | {dim_samples}) < 2:
        c.fail(f"{key}.sample_sizes", "the sample-size sweep needs at least 2 sizes (with dim_samples)")
    p = c.number(raw, "p", key)
    if not p > 0:  # type: ignore[operator]
        c.fail(f"{key}.p", f"must be > 0, got {p}")
    limits = c.table(c.get(raw, "limits", key, dict), f"{key}.limits")
    for measure, value in limits.items():
        c.one_of(measure, f"{key}.limits", WORK_MEASURES)
        c.integer(value, f"{key}.limits.{measure}", 1)
    return ScalingCost(names, dims, dim_samples, sample_dim, sizes, float(p),  # type: ignore[arg-type]
                       c.integer(c.get(raw, "n_components", key, int), f"{key}.n_components", 1),
                       c.integer(c.get(raw, "mixture_seed", key, int), f"{key}.mixture_seed", 0),
                       _evaluated_seeds(c, raw, key, tuning_seeds),
                       c.integer(c.get(raw, "n_test", key, int), f"{key}.n_test", 10), dict(limits))


def load_config(profile: str, path: Path | str = DEFAULT_CONFIG) -> Profile:
    """Read ``path`` and return the checked ``profile``.

    Raises
    ------
    ConfigError
        On any malformed entry, naming the file, the key and the problem.
    """
    path = Path(path)
    c = Checker(f"{path}: ", ConfigError)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: the config file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tuning = c.table(c.get(raw, "tuning", "", dict), "tuning")
    candidates = c.integer(c.get(tuning, "candidates", "tuning", int), "tuning.candidates", 1)
    rungs = c.numbers(tuning.get("rungs", [1.0]), "tuning.rungs")
    if not rungs or rungs[-1] != 1.0 or any(not 0 < r <= 1 for r in rungs) \
            or any(b <= a for a, b in zip(rungs, rungs[1:], strict=False)):
        c.fail("tuning.rungs", f"expected increasing budget fractions in (0, 1] ending at 1, got {rungs}")
    keep = c.number(tuning, "keep", "tuning") if "keep" in tuning else 1.0
    if not 0 < keep <= 1:
        c.fail("tuning.keep", f"expected a share in (0, 1], got {keep}")
    extensions = c.integer(tuning.get("extensions", 0), "tuning.extensions", 0)
    methods_raw = c.table(c.get(raw, "methods", "", dict), "methods")
    method_table = {name: _method(c, name, entry, candidates) for name, entry in methods_raw.items()}
    comparisons = _comparisons(c, raw.get("comparisons", []), method_table)
    correction = _correction(c, raw.get("comparisons_correction", {}))
    profiles = c.table(c.get(raw, "profiles", "", dict), "profiles")
    if profile not in profiles:
        c.fail("profiles", f"no profile {profile!r}; known: {', '.join(profiles)}")
    key = f"profiles.{profile}"
    p = c.table(profiles[profile], key)
    unknown = set(p) - _PROFILE_KEYS
    if unknown:
        c.fail(key, f"unknown key(s) {sorted(unknown)}")
    seeds = _seeds(c, c.get(p, "seeds", key, list), f"{key}.seeds")
    tuning_seeds = _seeds(c, c.get(p, "tuning_seeds", key, list), f"{key}.tuning_seeds")
    if set(tuning_seeds) & set(seeds):
        c.fail(f"{key}.tuning_seeds", f"seeds {sorted(set(tuning_seeds) & set(seeds))} are also evaluated; "
                                      "tuning must never see evaluated data")
    presets = list(PRESETS)
    datasets = c.names(c.get(p, "datasets", key, list), f"{key}.datasets", presets, "dataset")
    methods = c.names(c.get(p, "methods", key, list), f"{key}.methods", list(method_table), "method")

    overrides = c.table(p.get("overrides", {}), f"{key}.overrides")
    resolved = dict(method_table)
    for name, values in overrides.items():
        okey = f"{key}.overrides.{name}"
        if name not in method_table:
            c.fail(okey, f"unknown method {name!r}; known: {', '.join(method_table)}")
        values = c.table(values, okey)
        m = method_table[name]
        _check_params(c, m.estimator, values, okey)
        tune = {k: v for k, v in m.tune.items() if k not in values}
        resolved[name] = Method(m.name, m.estimator, m.family, m.label, {**m.params, **values}, tune)

    em_history = _pairs(c, p.get("em_history", []), f"{key}.em_history")
    for dataset, init in em_history:
        c.names([dataset], f"{key}.em_history", presets, "dataset")
        c.one_of(init, f"{key}.em_history", EM_INITS)
    training = _pairs(c, p.get("training", []), f"{key}.training")
    for dataset, method in training:
        c.names([dataset], f"{key}.training", presets, "dataset")
        c.names([method], f"{key}.training", list(method_table), "method")
        if PRESETS[dataset].mixture.n_features != 2:
            c.fail(f"{key}.training", f"training-progress runs need a 2-D dataset, {dataset!r} is not")
        if method_table[method].family == "classical":
            c.fail(f"{key}.training", f"{method!r} is not a neural method and has no training steps")
    recovered = p.get("recovered", [])
    if recovered:
        recovered = c.names(recovered, f"{key}.recovered", datasets, "evaluated dataset")
        for needed in ("ka-kan", "em-kmeans"):
            if needed not in methods:
                c.fail(f"{key}.recovered", f"the read-back compares ka-kan with em-kmeans; {needed!r} is not run")
    original = None
    if "original" in p:
        pair = _pairs(c, [p["original"]], f"{key}.original")[0]
        c.names([pair[0]], f"{key}.original", presets, "dataset")
        c.names([pair[1]], f"{key}.original", list(method_table), "method")
        if method_table[pair[1]].estimator != "KANRegressor":
            c.fail(f"{key}.original", f"the original coursework's method is a KANRegressor, {pair[1]!r} is not")
        original = pair
    readback = _readback(c, p["readback"], f"{key}.readback", method_table) if "readback" in p else None
    scaling_law = (_scaling_law(c, p["scaling_law"], f"{key}.scaling_law", resolved, tuning_seeds)
                   if "scaling_law" in p else None)
    scaling_cost = (_scaling_cost(c, p["scaling_cost"], f"{key}.scaling_cost", resolved, tuning_seeds)
                    if "scaling_cost" in p else None)
    return Profile(
        name=profile,
        seeds=seeds,
        n_train=c.integer(c.get(p, "n_train", key, int), f"{key}.n_train", 10),
        n_test=c.integer(c.get(p, "n_test", key, int), f"{key}.n_test", 10),
        grid_resolution=c.integer(c.get(p, "grid_resolution", key, int), f"{key}.grid_resolution", 5),
        grid_resolution_3d=c.integer(p.get("grid_resolution_3d", 15), f"{key}.grid_resolution_3d", 3),
        workers=c.integer(p.get("workers", 1), f"{key}.workers", 1),
        datasets=datasets,
        methods=methods,
        preset_samples=c.integer(p.get("preset_samples", 200), f"{key}.preset_samples", 1),
        em_history=em_history,
        recovered=recovered,
        training=training,
        tuning_seeds=tuning_seeds,
        n_validation=c.integer(c.get(p, "n_validation", key, int), f"{key}.n_validation", 10),
        candidates=candidates,
        rungs=list(rungs),
        keep=float(keep),
        extensions=extensions,
        comparisons=[x for x in comparisons if x.a in methods and x.b in methods],
        readback=readback,
        original=original,
        method_table=resolved,
        scaling_law=scaling_law,
        scaling_cost=scaling_cost,
        correction=correction,
    )
