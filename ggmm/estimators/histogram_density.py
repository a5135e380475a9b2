"""A histogram density estimator (the example of adding an estimator)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._validation import check_int, check_samples
from .base import BaseEstimator, DensityMixin, EstimatorTags, FitReport, check_is_fitted


class HistogramDensity(DensityMixin, BaseEstimator):
    """Equal bins per axis over the samples' range, mixed with a wide Gaussian (weight ``floor``)."""

    tags = EstimatorTags(kind="density")

    def __init__(self, bins: int = 10, floor: float = 0.01) -> None:
        self.bins, self.floor = bins, floor

    def fit(self, X: object, *, seed: int = 0) -> HistogramDensity:
        X = check_samples(X, min_samples=2)
        self.counts_, self.edges_ = np.histogramdd(X, bins=check_int(self.bins, "bins", 1), density=True)
        self.wide_ = stats.multivariate_normal(X.mean(axis=0), 4.0 * np.cov(X.T).reshape(X.shape[1], -1))
        self.n_parameters_ = int(self.counts_.size)
        return self

    def logpdf(self, X: object) -> np.ndarray:
        check_is_fitted(self)
        X = check_samples(X, len(self.edges_))
        idx = [np.searchsorted(e, x, side="right") - 1 for e, x in zip(self.edges_, X.T, strict=True)]
        inside = np.all([(i >= 0) & (i < len(e) - 1) for i, e in zip(idx, self.edges_, strict=True)], axis=0)
        hist = np.zeros(len(X))
        hist[inside] = self.counts_[tuple(np.asarray(i)[inside] for i in idx)]
        wide = np.atleast_1d(self.wide_.pdf(X))
        return np.log((1.0 - self.floor) * hist + self.floor * wide)

    def fit_report(self) -> FitReport:
        check_is_fitted(self)
        return FitReport(n_parameters=int(self.n_parameters_ or 0))
