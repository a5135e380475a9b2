"""Estimators of a generalized Gaussian mixture's density or parameters.

All follow one contract (:mod:`ggmm.estimators.base`): scikit-learn estimators constructed
with hyperparameters, fitted with ``fit(X, seed=...)`` on samples (regressors also take
``target``), fitted attributes ending in ``_``; each class declares its :class:`EstimatorTags`
and reports through ``fit_report()`` (:class:`FitReport`). The module docstring of
:mod:`ggmm.estimators.base` says how to add one. The neural estimators (KAN, MLP) are imported on first use,
so that importing this package for EM or the classical baselines does not load torch.
"""

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

#: The concrete estimators, by class name: what ``[methods.*].estimator`` in the experiment
#: config may name. A new estimator adds its name here (and to ``_LAZY`` if it imports torch).
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
    "fit_em",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
