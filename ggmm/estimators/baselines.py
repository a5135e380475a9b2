"""Classical density estimators behind one small interface.

Every estimator here has ``fit(X, seed=None) -> self``, ``logpdf(X) -> (N,)`` and
``n_parameters``: EM for generalized Gaussian mixtures, scikit-learn's Gaussian
mixture with full covariances, and SciPy's Gaussian kernel density estimate.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import numpy as np

from .._validation import check_int, check_samples
from ..distribution import GeneralizedGaussianMixture
from .em import EMResult, fit_em

__all__ = ["DensityEstimator", "EMEstimator", "GaussianMixtureBaseline", "KDEBaseline"]


class DensityEstimator(Protocol):
    """What the pipeline needs of a density estimator."""

    def fit(self, X: Any, seed: int | None = None) -> DensityEstimator: ...

    def logpdf(self, X: Any) -> np.ndarray: ...

    @property
    def n_parameters(self) -> int: ...


class _Fitted:
    """Raises a clear error when an estimator is used before ``fit``."""

    _fitted: Any = None

    def _require_fit(self) -> Any:
        if self._fitted is None:
            raise ValueError(f"{type(self).__name__} is not fitted yet; call fit(X) first.")
        return self._fitted


class EMEstimator(_Fitted):
    """EM for a generalized Gaussian mixture (see :func:`ggmm.estimators.fit_em`).

    Parameters
    ----------
    n_components : int
    p : float or "estimate"
    init : {"kmeans", "random"}
    n_init, max_iter : int
    """

    def __init__(self, n_components: int, p: float | str = "estimate",
                 init: Literal["kmeans", "random"] = "kmeans", n_init: int = 1,
                 max_iter: int = 300) -> None:
        self.n_components, self.p, self.init = n_components, p, init
        self.n_init, self.max_iter = n_init, max_iter

    def fit(self, X: Any, seed: int | None = None) -> EMEstimator:
        self._fitted = fit_em(X, self.n_components, p=self.p, init=self.init,  # type: ignore[arg-type]
                              n_init=self.n_init, max_iter=self.max_iter, seed=seed)
        return self

    @property
    def result(self) -> EMResult:
        """The full :class:`EMResult` of the last fit."""
        return self._require_fit()

    @property
    def model(self) -> GeneralizedGaussianMixture:
        """The fitted mixture."""
        return self._require_fit().model

    def logpdf(self, X: Any) -> np.ndarray:
        return self.model.logpdf(X)

    @property
    def n_parameters(self) -> int:
        return self.model.n_parameters


class GaussianMixtureBaseline(_Fitted):
    """scikit-learn's ``GaussianMixture`` (full covariances by default).

    Parameters
    ----------
    n_components : int
    covariance_type : {"full", "diag"}
    """

    def __init__(self, n_components: int, covariance_type: str = "full") -> None:
        self.n_components = check_int(n_components, "n_components", 1)
        if covariance_type not in ("full", "diag"):
            raise ValueError(f"The parameter 'covariance_type' must be 'full' or 'diag', "
                             f"but got {covariance_type!r}.")
        self.covariance_type = covariance_type

    def fit(self, X: Any, seed: int | None = None) -> GaussianMixtureBaseline:
        from sklearn.mixture import GaussianMixture

        X = check_samples(X)
        self._fitted = GaussianMixture(self.n_components, covariance_type=self.covariance_type,
                                       random_state=seed, max_iter=500).fit(X)
        return self

    def logpdf(self, X: Any) -> np.ndarray:
        return self._require_fit().score_samples(check_samples(X))

    @property
    def n_parameters(self) -> int:
        gm = self._require_fit()
        K, D = gm.means_.shape
        cov = D * (D + 1) // 2 if self.covariance_type == "full" else D
        return K * (D + cov) + K - 1


class KDEBaseline(_Fitted):
    """SciPy's Gaussian kernel density estimate (``scipy.stats.gaussian_kde``).

    Its "parameters" are the stored samples and the bandwidth: N * D + 1.

    Parameters
    ----------
    bandwidth : "scott", "silverman" or float
    """

    def __init__(self, bandwidth: str | float = "scott") -> None:
        self.bandwidth = bandwidth

    def fit(self, X: Any, seed: int | None = None) -> KDEBaseline:
        from scipy.stats import gaussian_kde

        X = check_samples(X)
        self._fitted = gaussian_kde(X.T, bw_method=self.bandwidth)
        return self

    def logpdf(self, X: Any) -> np.ndarray:
        kde = self._require_fit()
        return kde.logpdf(check_samples(X, kde.d).T)

    @property
    def n_parameters(self) -> int:
        kde = self._require_fit()
        return kde.n * kde.d + 1
