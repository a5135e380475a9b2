"""Named mixtures used by the report.

Each preset carries the mixture, the plotting bounds the report uses for it and a
title in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .distribution import GeneralizedGaussianMixture

__all__ = ["Preset", "PRESETS", "get_preset", "preset_names"]


@dataclass(frozen=True)
class Preset:
    """A named mixture with its plotting domain.

    Attributes
    ----------
    name : str
        Identifier used in configs, file names and the report.
    mixture : GeneralizedGaussianMixture
    bounds : ndarray of shape (D, 2)
        Plotting and evaluation domain, ``[low, high]`` per dimension.
    title : dict
        ``{"en": ..., "zh": ...}``.
    """

    name: str
    mixture: GeneralizedGaussianMixture
    bounds: np.ndarray
    title: dict[str, str]


def _diag(scales: list[float], D: int) -> list[list[float]]:
    return [[s] * D for s in scales]


_ORIGINAL_CENTERS = [[-2.0, -2.0], [0.0, 0.0], [2.0, 2.0]]

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in [
        Preset(
            "original",
            GeneralizedGaussianMixture(_ORIGINAL_CENTERS, _diag([0.3, 0.2, 0.4], 2), [0.3, 0.4, 0.3], p=2.0),
            np.array([[-4.0, 4.0], [-4.0, 4.0]]),
            {"en": "Original example (p = 2)", "zh": "原始示例（p = 2）"},
        ),
        Preset(
            "laplace",
            GeneralizedGaussianMixture(_ORIGINAL_CENTERS, _diag([0.3, 0.2, 0.4], 2), [0.3, 0.4, 0.3], p=1.0),
            np.array([[-4.0, 4.0], [-4.0, 4.0]]),
            {"en": "Laplace-like (p = 1)", "zh": "类拉普拉斯（p = 1）"},
        ),
        Preset(
            "flat",
            GeneralizedGaussianMixture(_ORIGINAL_CENTERS, _diag([0.6, 0.5, 0.7], 2), [0.3, 0.4, 0.3], p=4.0),
            np.array([[-4.0, 4.0], [-4.0, 4.0]]),
            {"en": "Flat-topped (p = 4)", "zh": "平顶（p = 4）"},
        ),
        Preset(
            "close",
            GeneralizedGaussianMixture([[-0.6, 0.0], [0.6, 0.3]], [[0.5, 0.6], [0.4, 0.5]], [0.6, 0.4], p=2.0),
            np.array([[-3.0, 3.0], [-3.0, 3.0]]),
            {"en": "Two close, overlapping clusters", "zh": "两个相近且重叠的簇"},
        ),
        Preset(
            "trivariate",
            GeneralizedGaussianMixture(
                [[-1.5, -1.5, 0.0], [0.0, 1.5, 1.0], [1.5, -0.5, -1.0]],
                [[0.4, 0.3, 0.5], [0.3, 0.4, 0.3], [0.5, 0.4, 0.4]],
                [0.35, 0.35, 0.3],
                p=1.5,
            ),
            np.array([[-3.5, 3.5], [-3.5, 3.5], [-3.5, 3.5]]),
            {"en": "Three dimensions (p = 1.5)", "zh": "三维（p = 1.5）"},
        ),
    ]
}


def preset_names() -> list[str]:
    """Names of all presets, in report order."""
    return list(PRESETS)


def get_preset(name: str) -> Preset:
    """Return the preset called ``name``.

    Raises
    ------
    ValueError
        If there is no such preset; the message lists the known names.
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"The parameter 'name' must be one of {preset_names()}, but got {name!r}.") from None
