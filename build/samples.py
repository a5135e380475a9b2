"""The samples every job draws: one seed per (dataset, seed), training and held-out draws, grids.

Every method sees the same data for a given dataset and seed, because every job derives its
samples here from :func:`data_seed`.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from ggmm import GeneralizedGaussianMixture

__all__ = ["data_seed", "draw_samples", "evaluation_grid", "original_sampler"]


def data_seed(dataset: str, seed: int) -> int:
    """The seed of a dataset's samples: every method sees the same data for a given seed."""
    return zlib.crc32(f"{dataset}/{seed}".encode())


def draw_samples(
    mixture: GeneralizedGaussianMixture, n_first: int, n_second: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Two independent samples of ``mixture`` (training, then test or validation samples).

    They come from independent streams of one ``numpy.random.SeedSequence(seed)``.
    """
    first, second = np.random.SeedSequence(seed).spawn(2)
    X1, _ = mixture.sample(n_first, np.random.default_rng(first))
    X2, _ = mixture.sample(n_second, np.random.default_rng(second))
    return X1, X2


def evaluation_grid(bounds: Any, resolution: int) -> np.ndarray:
    """Grid nodes over ``bounds``, shape (resolution ** D, D), "ij" order."""
    axes = [np.linspace(lo, hi, resolution) for lo, hi in bounds]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def original_sampler(mixture: GeneralizedGaussianMixture, n: int, seed: int) -> np.ndarray:
    """The original coursework's sampler: ``c + alpha * sign(u) |u| ** (1/p)``, u uniform on [-1, 1].

    Its draws never leave ``[c - alpha, c + alpha]``: not a generalized Gaussian.
    """
    rng = np.random.default_rng(seed)
    labels = rng.choice(mixture.n_components, size=n, p=mixture.weights)
    u = rng.uniform(-1.0, 1.0, size=(n, mixture.n_features))
    p = mixture.shapes[labels][:, None]
    return mixture.centers[labels] + mixture.scales[labels] * np.sign(u) * np.abs(u) ** (1.0 / p)
