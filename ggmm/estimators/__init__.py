"""Estimators of a generalized Gaussian mixture's density or parameters."""

from .baselines import DensityEstimator, EMEstimator, GaussianMixtureBaseline, KDEBaseline
from .em import P_BOUNDS, EMResult, fit_em

__all__ = [
    "DensityEstimator",
    "EMEstimator",
    "EMResult",
    "GaussianMixtureBaseline",
    "KDEBaseline",
    "P_BOUNDS",
    "fit_em",
]
