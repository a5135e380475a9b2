"""Classical density estimators under the estimator contract (:mod:`ggmm.estimators.base`).

EM for generalized Gaussian mixtures, scikit-learn's Gaussian mixture with full
covariances and a Gaussian kernel density estimate whose bandwidth is chosen by
cross-validation on the training samples.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np

from .._validation import check_int, check_samples
from ..distribution import GeneralizedGaussianMixture
from .base import BaseEstimator, DensityMixin, EstimatorTags, FitReport, check_is_fitted
from .em import EMResult, fit_em

__all__ = ["EMEstimator", "GaussianMixtureBaseline", "KDEBaseline", "KDE_BANDWIDTH_FACTORS"]

#: Candidate bandwidths of the cross-validated KDE, as multiples of Scott's rule
#: (in standardized units): 20 values from a tenth to twice Scott's bandwidth.
KDE_BANDWIDTH_FACTORS = tuple(float(f) for f in np.geomspace(0.1, 2.0, 20))


class EMEstimator(DensityMixin, BaseEstimator):
    """EM for a generalized Gaussian mixture (see :func:`ggmm.estimators.fit_em`).

    Parameters
    ----------
    n_components : int
    p : float or "estimate"
    init : {"kmeans", "random"}
    n_init, max_iter : int

    Attributes
    ----------
    result_ : EMResult
    mixture_ : GeneralizedGaussianMixture
    n_parameters_ : int
    """

    tags = EstimatorTags(kind="density", n_components=True, mixture=True)

    def __init__(
        self,
        n_components: int,
        p: float | Literal["estimate"] = "estimate",
        init: Literal["kmeans", "random"] = "kmeans",
        n_init: int = 1,
        max_iter: int = 300,
    ) -> None:
        self.n_components, self.p, self.init = n_components, p, init
        self.n_init, self.max_iter = n_init, max_iter

    def fit(self, X: Any, *, seed: int = 0) -> EMEstimator:
        self.result_: EMResult = fit_em(
            X,
            self.n_components,
            p=self.p,
            init=self.init,
            n_init=self.n_init,
            max_iter=self.max_iter,
            seed=seed,
        )
        self.mixture_: GeneralizedGaussianMixture = self.result_.model
        self.n_parameters_ = self.mixture_.n_parameters
        return self

    def fit_report(self) -> FitReport:
        return replace(super().fit_report(), mixture=self.mixture_)

    def logpdf(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return self.mixture_.logpdf(X)


class GaussianMixtureBaseline(DensityMixin, BaseEstimator):
    """scikit-learn's ``GaussianMixture`` (full covariances by default).

    Parameters
    ----------
    n_components : int
    covariance_type : {"full", "diag"}

    Attributes
    ----------
    model_ : sklearn.mixture.GaussianMixture
    n_parameters_ : int
    """

    tags = EstimatorTags(kind="density", n_components=True)

    def __init__(self, n_components: int, covariance_type: str = "full") -> None:
        self.n_components = check_int(n_components, "n_components", 1)
        if covariance_type not in ("full", "diag"):
            raise ValueError(f"The parameter 'covariance_type' must be 'full' or 'diag', but got {covariance_type!r}.")
        self.covariance_type = covariance_type

    def fit(self, X: Any, *, seed: int = 0) -> GaussianMixtureBaseline:
        from sklearn.mixture import GaussianMixture

        X = check_samples(X)
        self.model_ = GaussianMixture(
            self.n_components, covariance_type=self.covariance_type, random_state=seed, max_iter=500
        ).fit(X)
        K, D = self.model_.means_.shape
        cov = D * (D + 1) // 2 if self.covariance_type == "full" else D
        self.n_parameters_ = K * (D + cov) + K - 1
        return self

    def logpdf(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        scores: np.ndarray = self.model_.score_samples(check_samples(X, self.model_.means_.shape[1]))
        return scores


class KDEBaseline(DensityMixin, BaseEstimator):
    """A Gaussian kernel density estimate on standardized data.

    Each axis is standardized by the training samples' mean and standard deviation, a
    Gaussian kernel of one bandwidth h is placed on every sample, and the density is mapped
    back to data units (the log-density gains ``-sum_d log sd_d``).

    Parameters
    ----------
    bandwidth : "cv", "scott" or float
        "cv" (default) picks h by ``cv_folds``-fold cross-validated log-likelihood on the
        training samples (scikit-learn's ``GridSearchCV`` over ``KernelDensity``) among
        :data:`KDE_BANDWIDTH_FACTORS` times Scott's rule; "scott" uses Scott's rule
        ``n ** (-1 / (D + 4))``; a number is used as given (standardized units).
    cv_folds : int, default 5

    Attributes
    ----------
    bandwidth_ : float
        The bandwidth used, in standardized units.
    cv_scores_ : list of float or None
        Mean held-out log-likelihood per sample of every candidate ("cv" only).
    n_parameters_ : int
        The stored samples and the bandwidth: N * D + 1.
    """

    tags = EstimatorTags(kind="density")

    def __init__(self, bandwidth: str | float = "cv", cv_folds: int = 5) -> None:
        if isinstance(bandwidth, str) and bandwidth not in ("cv", "scott"):
            raise ValueError(
                f"The parameter 'bandwidth' must be 'cv', 'scott' or a positive number, but got {bandwidth!r}."
            )
        if not isinstance(bandwidth, str) and not (isinstance(bandwidth, (int, float)) and bandwidth > 0):
            raise ValueError(
                f"The parameter 'bandwidth' must be 'cv', 'scott' or a positive number, but got {bandwidth!r}."
            )
        self.bandwidth = bandwidth
        self.cv_folds = check_int(cv_folds, "cv_folds", 2)

    def fit_work(self, n_samples: int, n_features: int) -> dict[str, int]:
        """Kernel evaluations of the bandwidth search ("cv" only), which grow as N squared.

        Every candidate bandwidth scores each held-out fold against the other folds:
        ``candidates * N * (N - N // cv_folds)`` Gaussian kernels; see :meth:`BaseEstimator.fit_work`.
        """
        if self.bandwidth != "cv":
            return {}
        return {"kernel_evaluations": len(KDE_BANDWIDTH_FACTORS) * n_samples * (n_samples - n_samples // self.cv_folds)}

    def fit(self, X: Any, *, seed: int = 0) -> KDEBaseline:
        from sklearn.model_selection import GridSearchCV, KFold
        from sklearn.neighbors import KernelDensity

        X = check_samples(X)
        n, D = X.shape
        self.mean_, self.sd_ = X.mean(axis=0), np.maximum(X.std(axis=0), 1e-12)
        Z = (X - self.mean_) / self.sd_
        scott = float(n ** (-1.0 / (D + 4)))
        self.cv_scores_: list[float] | None = None
        if self.bandwidth == "cv":
            grid = [scott * f for f in KDE_BANDWIDTH_FACTORS]
            search = GridSearchCV(
                KernelDensity(kernel="gaussian"),
                {"bandwidth": grid},
                cv=KFold(self.cv_folds, shuffle=True, random_state=seed),
            ).fit(Z)
            self.bandwidth_ = float(search.best_params_["bandwidth"])
            fold = n / self.cv_folds  # GridSearchCV scores total log-likelihood per held-out fold
            self.cv_scores_ = [float(s) / fold for s in search.cv_results_["mean_test_score"]]
        else:
            self.bandwidth_ = scott if self.bandwidth == "scott" else float(self.bandwidth)
        self.model_ = KernelDensity(kernel="gaussian", bandwidth=self.bandwidth_).fit(Z)
        self.n_parameters_ = n * D + 1
        return self

    def fit_report(self) -> FitReport:
        return replace(super().fit_report(), bandwidth=self.bandwidth_)

    def logpdf(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = check_samples(X, len(self.mean_))
        scores: np.ndarray = self.model_.score_samples((X - self.mean_) / self.sd_)
        return scores - float(np.sum(np.log(self.sd_)))
