"""Read and check the experiment config before anything is trained.

Every problem stops the build with a :class:`ConfigError` naming the file, the key
and what is wrong.
"""

from __future__ import annotations

import inspect
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ggmm.estimators as estimators
from ggmm import PRESETS

DEFAULT_CONFIG = Path(__file__).with_name("experiments.toml")
FAMILIES = ("KAN", "MLP", "classical")
EM_INITS = ("kmeans", "random")
#: Constructor arguments the pipeline fills in from the dataset, never from the config.
DERIVED_PARAMS = ("n_components",)


class ConfigError(ValueError):
    """A malformed experiment config."""


@dataclass(frozen=True)
class Method:
    """One estimator configuration."""

    name: str
    estimator: str
    family: str
    label: dict[str, str]
    params: dict[str, Any]


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
    method_table: dict[str, Method] = field(repr=False)

    def method(self, name: str) -> Method:
        """The resolved configuration of the method called ``name``."""
        return self.method_table[name]


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {key}: {problem}")

    def table(self, data: Any, key: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, f"expected a table, got {type(data).__name__} {data!r}")
        return data

    def get(self, data: dict[str, Any], key: str, prefix: str) -> Any:
        if key not in data:
            raise self.fail(f"{prefix}.{key}", "missing")
        return data[key]

    def integer(self, value: Any, key: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected an integer, got {type(value).__name__} {value!r}")
        if value < minimum:
            raise self.fail(key, f"must be >= {minimum}, got {value}")
        return value

    def names(self, value: Any, key: str, allowed: list[str], what: str) -> list[str]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"expected a non-empty list of {what} names, got {value!r}")
        for item in value:
            if item not in allowed:
                raise self.fail(key, f"unknown {what} {item!r}; known: {', '.join(allowed)}")
        if len(set(value)) != len(value):
            raise self.fail(key, f"lists a {what} twice: {value}")
        return list(value)

    def pairs(self, value: Any, key: str) -> list[tuple[str, str]]:
        if not isinstance(value, list) or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(s, str) for s in v) for v in value
        ):
            raise self.fail(key, f"expected a list of [name, name] pairs, got {value!r}")
        return [(a, b) for a, b in value]


def _check_params(c: _Checker, estimator: str, params: dict[str, Any], key: str) -> None:
    cls = getattr(estimators, estimator)
    signature = inspect.signature(cls.__init__)
    accepted = set(signature.parameters) - {"self"}
    has_kwargs = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    for name in params:
        if name in DERIVED_PARAMS:
            raise c.fail(f"{key}.{name}", "is set by the pipeline from the dataset; remove it")
        if name not in accepted and not has_kwargs:
            raise c.fail(f"{key}.{name}", f"{estimator} has no parameter {name!r}; "
                                          f"it takes {', '.join(sorted(accepted)) or 'none'}")


def _method(c: _Checker, name: str, raw: Any) -> Method:
    key = f"methods.{name}"
    raw = c.table(raw, key)
    estimator = c.get(raw, "estimator", key)
    if not isinstance(estimator, str) or not hasattr(estimators, estimator):
        known = ", ".join(n for n in estimators.__all__ if n[0].isupper())
        raise c.fail(f"{key}.estimator", f"unknown estimator {estimator!r}; known: {known}")
    family = c.get(raw, "family", key)
    if family not in FAMILIES:
        raise c.fail(f"{key}.family", f"must be one of {', '.join(FAMILIES)}, got {family!r}")
    label = c.table(c.get(raw, "label", key), f"{key}.label")
    for lang in ("en", "zh"):
        if not isinstance(label.get(lang), str) or not label[lang]:
            raise c.fail(f"{key}.label.{lang}", "missing or empty")
    params = c.table(raw.get("params", {}), f"{key}.params")
    _check_params(c, estimator, params, f"{key}.params")
    unknown = set(raw) - {"estimator", "family", "label", "params"}
    if unknown:
        raise c.fail(key, f"unknown key(s) {sorted(unknown)}")
    return Method(name, estimator, family, dict(label), dict(params))


def load_config(profile: str, path: Path | str = DEFAULT_CONFIG) -> Profile:
    """Read ``path`` and return the checked ``profile``.

    Raises
    ------
    ConfigError
        On any malformed entry, naming the file, the key and the problem.
    """
    path = Path(path)
    c = _Checker(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: the config file does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    methods_raw = c.table(c.get(raw, "methods", "(top level)"), "methods")
    method_table = {name: _method(c, name, entry) for name, entry in methods_raw.items()}
    profiles = c.table(c.get(raw, "profiles", "(top level)"), "profiles")
    if profile not in profiles:
        raise c.fail("profiles", f"no profile {profile!r}; known: {', '.join(profiles)}")
    key = f"profiles.{profile}"
    p = c.table(profiles[profile], key)
    allowed = {"seeds", "n_train", "n_test", "grid_resolution", "grid_resolution_3d", "workers", "datasets",
               "methods", "preset_samples", "em_history", "recovered", "training", "overrides"}
    unknown = set(p) - allowed
    if unknown:
        raise c.fail(key, f"unknown key(s) {sorted(unknown)}")
    seeds = c.get(p, "seeds", key)
    if not isinstance(seeds, list) or not seeds:
        raise c.fail(f"{key}.seeds", f"expected a non-empty list of integers, got {seeds!r}")
    seeds = [c.integer(s, f"{key}.seeds", 0) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise c.fail(f"{key}.seeds", f"lists a seed twice: {seeds}")
    presets = list(PRESETS)
    datasets = c.names(c.get(p, "datasets", key), f"{key}.datasets", presets, "dataset")
    methods = c.names(c.get(p, "methods", key), f"{key}.methods", list(method_table), "method")

    overrides = c.table(p.get("overrides", {}), f"{key}.overrides")
    resolved = dict(method_table)
    for name, values in overrides.items():
        okey = f"{key}.overrides.{name}"
        if name not in method_table:
            raise c.fail(okey, f"unknown method {name!r}; known: {', '.join(method_table)}")
        values = c.table(values, okey)
        m = method_table[name]
        _check_params(c, m.estimator, values, okey)
        resolved[name] = Method(m.name, m.estimator, m.family, m.label, {**m.params, **values})

    em_history = c.pairs(p.get("em_history", []), f"{key}.em_history")
    for dataset, init in em_history:
        c.names([dataset], f"{key}.em_history", presets, "dataset")
        if init not in EM_INITS:
            raise c.fail(f"{key}.em_history", f"init must be one of {', '.join(EM_INITS)}, got {init!r}")
    training = c.pairs(p.get("training", []), f"{key}.training")
    for dataset, method in training:
        c.names([dataset], f"{key}.training", presets, "dataset")
        c.names([method], f"{key}.training", list(method_table), "method")
        if PRESETS[dataset].mixture.n_features != 2:
            raise c.fail(f"{key}.training", f"training-progress runs need a 2-D dataset, {dataset!r} is not")
        if method_table[method].family == "classical":
            raise c.fail(f"{key}.training", f"{method!r} is not a neural method and has no training steps")
    recovered = p.get("recovered", [])
    if recovered:
        recovered = c.names(recovered, f"{key}.recovered", presets, "dataset")
    return Profile(
        name=profile,
        seeds=seeds,
        n_train=c.integer(c.get(p, "n_train", key), f"{key}.n_train", 10),
        n_test=c.integer(c.get(p, "n_test", key), f"{key}.n_test", 10),
        grid_resolution=c.integer(c.get(p, "grid_resolution", key), f"{key}.grid_resolution", 5),
        grid_resolution_3d=c.integer(p.get("grid_resolution_3d", 15), f"{key}.grid_resolution_3d", 3),
        workers=c.integer(p.get("workers", 1), f"{key}.workers", 1),
        datasets=datasets,
        methods=methods,
        preset_samples=c.integer(p.get("preset_samples", 200), f"{key}.preset_samples", 1),
        em_history=em_history,
        recovered=recovered,
        training=training,
        method_table=resolved,
    )
