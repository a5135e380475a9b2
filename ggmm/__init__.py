"""Generalized Gaussian mixtures: the distribution, sampling, presets, estimators, metrics and statistics."""

from .density_grid import DensityGrid
from .distribution import GeneralizedGaussianMixture
from .presets import PRESETS, Preset, get_preset, preset_names

__version__ = "0.1.0"

__all__ = [
    "DensityGrid",
    "GeneralizedGaussianMixture",
    "PRESETS",
    "Preset",
    "get_preset",
    "preset_names",
    "__version__",
]
