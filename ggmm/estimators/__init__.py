"""Estimators of a generalized Gaussian mixture's density or parameters.

The neural estimators (KAN, MLP) are imported on first use, so that importing this
package for EM or the classical baselines does not load torch.
"""

from typing import Any

from .baselines import DensityEstimator, EMEstimator, GaussianMixtureBaseline, KDEBaseline
from .em import P_BOUNDS, EMResult, fit_em
from .task import TaskData

_LAZY = {
    "KAMixtureKAN": ".kan",
    "KANDensityEstimator": ".kan",
    "KANRegressor": ".kan",
    "MLPRegressor": ".mlp",
}

__all__ = [
    "DensityEstimator",
    "EMEstimator",
    "EMResult",
    "GaussianMixtureBaseline",
    "KAMixtureKAN",
    "KANDensityEstimator",
    "KANRegressor",
    "KDEBaseline",
    "MLPRegressor",
    "P_BOUNDS",
    "TaskData",
    "fit_em",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
