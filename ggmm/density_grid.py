"""A density evaluated on a regular grid: what :meth:`ggmm.distribution.GeneralizedGaussianMixture.grid` returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DensityGrid"]


@dataclass(frozen=True)
class DensityGrid:
    """A density evaluated on a regular grid.

    Attributes
    ----------
    axes : tuple of ndarray
        One 1-D array of coordinates per dimension.
    density : ndarray of shape (len(axes[0]), ..., len(axes[-1]))
        Density values, ``density[i, j] = pdf(axes[0][i], axes[1][j])`` ("ij" indexing).
    """

    axes: tuple[np.ndarray, ...]
    density: np.ndarray

    @property
    def z(self) -> np.ndarray:
        """The 2-D density as plotting libraries want it: shape (n_y, n_x)."""
        if self.density.ndim != 2:
            raise ValueError(f"z is defined for 2-D grids only, this grid has {self.density.ndim}.")
        return self.density.T

    @property
    def cell_volume(self) -> float:
        """Volume of one grid cell (product of the axis spacings)."""
        return float(np.prod([a[1] - a[0] for a in self.axes]))
