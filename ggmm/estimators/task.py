"""The data every neural estimator is fitted on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import as_float_array, check_int, check_samples
from ..distribution import GeneralizedGaussianMixture

__all__ = ["TaskData"]


@dataclass(frozen=True)
class TaskData:
    """Samples of a known mixture on a plotting domain.

    Attributes
    ----------
    mixture : GeneralizedGaussianMixture
        The truth. Estimators use it only to build regression targets (density values at
        training points); density estimators see the samples alone.
    bounds : ndarray of shape (D, 2)
        The plotting domain, ``[low, high]`` per dimension.
    X_train : ndarray of shape (N, D)
    X_test : ndarray of shape (M, D)
        Independent samples of ``mixture``.
    """

    mixture: GeneralizedGaussianMixture
    bounds: np.ndarray
    X_train: np.ndarray
    X_test: np.ndarray

    def __post_init__(self) -> None:
        D = self.mixture.n_features
        bounds = as_float_array(self.bounds, "bounds", 2)
        if bounds.shape != (D, 2) or np.any(bounds[:, 1] <= bounds[:, 0]):
            raise ValueError(f"The parameter 'bounds' should have shape ({D}, 2) with low < high, "
                             f"but got {bounds.tolist()}.")
        object.__setattr__(self, "bounds", bounds)
        object.__setattr__(self, "X_train", check_samples(self.X_train, D, "X_train"))
        object.__setattr__(self, "X_test", check_samples(self.X_test, D, "X_test"))

    @property
    def n_features(self) -> int:
        """Dimension D."""
        return self.mixture.n_features

    @classmethod
    def draw(cls, mixture: GeneralizedGaussianMixture, bounds: Any, n_train: int, n_test: int,
             seed: int) -> TaskData:
        """Draw independent training and test samples.

        Parameters
        ----------
        mixture : GeneralizedGaussianMixture
        bounds : array-like of shape (D, 2)
        n_train, n_test : int
            Sample sizes (>= 1).
        seed : int
            The same seed gives the same samples; train and test come from independent
            streams of one ``numpy.random.SeedSequence``.
        """
        n_train = check_int(n_train, "n_train", 1)
        n_test = check_int(n_test, "n_test", 1)
        train_seq, test_seq = np.random.SeedSequence(check_int(seed, "seed", 0)).spawn(2)
        X_train, _ = mixture.sample(n_train, np.random.default_rng(train_seq))
        X_test, _ = mixture.sample(n_test, np.random.default_rng(test_seq))
        return cls(mixture, np.asarray(bounds, dtype=float), X_train, X_test)
