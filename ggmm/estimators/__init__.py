"""Estimators of a generalized Gaussian mixture's density or parameters.

All follow one contract (:mod:`ggmm.estimators.base`): scikit-learn estimators constructed
with hyperparameters, fitted with ``fit(X, seed=...)`` on samples (regressors also take
``target``), fitted attributes ending in ``_``; each class declares its :class:`EstimatorTags`
and reports through ``fit_report()`` (:class:`FitReport`). The module docstring of
:mod:`ggmm.estimators.base` says how to add one. The neural estimators (KAN, MLP) are imported on first use,
so that importing this package for EM or the classical baselines does not load torch.

A class this package does not list is found by its name: ``HistogramDensity`` lives in
``ggmm/estimators/histogram_density.py`` (:func:`module_name`), so a new estimator is one new
module and the config entry that names it (:func:`estimator_class`).
"""

import importlib
import re
from pathlib import Path
from typing import Any

from .base import (
    BaseEstimator,
    DensityEstimator,
    DensityRegressor,
    EarlyStopping,
    Estimator,
    EstimatorTags,
    FitReport,
    NotFittedError,
    check_is_fitted,
    data_box,
)
from .baselines import EMEstimator, GaussianMixtureBaseline, KDEBaseline
from .em import P_BOUNDS, EMResult, fit_em

_LAZY = {
    "KAMixtureKAN": ".ka_mixture",
    "KANDensityEstimator": ".kan_density",
    "KANRegressor": ".kan_regression",
    "MLPRegressor": ".mlp",
}

#: The estimators this package ships, by class name. The config may also name a class found
#: by :func:`estimator_class` in a module of its own.
ESTIMATORS = (
    "EMEstimator",
    "GaussianMixtureBaseline",
    "KDEBaseline",
    "KAMixtureKAN",
    "KANDensityEstimator",
    "KANRegressor",
    "MLPRegressor",
)

__all__ = [
    "ESTIMATORS",
    "BaseEstimator",
    "DensityEstimator",
    "DensityRegressor",
    "EMEstimator",
    "EMResult",
    "EarlyStopping",
    "Estimator",
    "EstimatorTags",
    "FitReport",
    "GaussianMixtureBaseline",
    "KAMixtureKAN",
    "KANDensityEstimator",
    "KANRegressor",
    "KDEBaseline",
    "MLPRegressor",
    "NotFittedError",
    "P_BOUNDS",
    "check_is_fitted",
    "data_box",
    "estimator_class",
    "estimator_names",
    "fit_em",
    "module_name",
]


def module_name(class_name: str) -> str:
    """The module an estimator class not listed here lives in: ``HistogramDensity`` ->
    ``histogram_density`` (``KDEPlus`` -> ``kde_plus``)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", class_name).lower()


def estimator_class(name: str) -> type[BaseEstimator]:
    """The estimator class the config's ``estimator = "<name>"`` means.

    One of :data:`ESTIMATORS`, or the class ``name`` defined in ``ggmm/estimators/<module>.py``
    with ``<module> = module_name(name)``.

    Raises
    ------
    ValueError
        When no such class exists, or it is not an estimator (a :class:`BaseEstimator`
        subclass declaring its ``tags``); the message says where the class was looked for.
    """
    if name in ESTIMATORS:
        cls: type[BaseEstimator] = globals().get(name) or __getattr__(name)
        return cls
    module = module_name(name) if name.isidentifier() and name[:1].isupper() else None
    where = f"ggmm/estimators/{module}.py" if module else "a module named after it"
    if module is None or module.startswith("_") or not any((Path(p) / f"{module}.py").is_file() for p in __path__):
        raise ValueError(f"unknown estimator {name!r}: not one of {', '.join(ESTIMATORS)}, and no {where}")
    found = getattr(importlib.import_module(f".{module}", __name__), name, None)
    if not (isinstance(found, type) and issubclass(found, BaseEstimator) and isinstance(found.tags, EstimatorTags)):
        raise ValueError(f"{where} defines no estimator class {name!r} (a BaseEstimator subclass with tags)")
    return found


def estimator_names() -> tuple[str, ...]:
    """:data:`ESTIMATORS` and every estimator class found in a module of its own (imported to look)."""
    found = []
    for folder in map(Path, __path__):
        for file in sorted(folder.glob("[!_]*.py")):
            module = importlib.import_module(f".{file.stem}", __name__)
            found += [
                name
                for name, value in vars(module).items()
                if isinstance(value, type)
                and value.__module__ == module.__name__
                and module_name(name) == file.stem
                and issubclass(value, BaseEstimator)
                and name not in ESTIMATORS
            ]
    return ESTIMATORS + tuple(found)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name[:1].isupper():  # an estimator in a module of its own (estimator_class)
        try:
            value = estimator_class(name)
        except ValueError:
            pass
        else:
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
