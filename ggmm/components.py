"""The components of a generalized Gaussian mixture, one at a time: log density and normalizing constant.

A component is the product over the D dimensions of ``p / (2 alpha Gamma(1/p)) *
exp(-(|x - c| / alpha) ** p)`` (see :mod:`ggmm.distribution`). Module-level, with no hidden
state, so that EM (:mod:`ggmm.estimators.em`) evaluates its current parameters with the
same arithmetic as :class:`~ggmm.distribution.GeneralizedGaussianMixture`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

__all__ = ["component_log_norm", "estimate_component_logpdf", "logsumexp_rows"]


def component_log_norm(scales: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Log normalizing constant of each component.

    Parameters
    ----------
    scales : ndarray of shape (K, D)
        Scales alpha of each component and dimension.
    p : ndarray of shape (K,)
        Shape of each component.

    Returns
    -------
    log_eta : ndarray of shape (K,)
        ``sum_d log(p / (2 alpha_kd Gamma(1/p)))``.
    """
    D = scales.shape[1]
    per_dim = np.log(p) - np.log(2.0) - gammaln(1.0 / p)
    log_eta: np.ndarray = D * per_dim - np.log(scales).sum(axis=1)
    return log_eta


def estimate_component_logpdf(X: np.ndarray, centers: np.ndarray, scales: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Log density of every sample under every component.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    centers, scales : ndarray of shape (K, D)
    p : ndarray of shape (K,)

    Returns
    -------
    log_prob : ndarray of shape (N, K)
        Stored component-major (a transposed ``(K, N)`` array): each component's column is
        contiguous, so the per-dimension sums and the sums over components are whole-column
        additions rather than reductions along a short axis (the same additions in the same
        order, several times faster).
    """
    XT = np.ascontiguousarray(np.asarray(X, dtype=float).T)
    K, D = centers.shape
    log_prob = np.empty((K, XT.shape[1]))
    for k in range(K):
        total = log_prob[k]
        for d in range(D):
            term = np.power(np.abs(XT[d] - centers[k, d]) / scales[k, d], p[k])
            if d == 0:
                total[:] = term
            else:
                total += term
        np.negative(total, out=total)
    log_prob += component_log_norm(scales, p)[:, None]
    return log_prob.T


def logsumexp_rows(a: np.ndarray) -> np.ndarray:
    """``log(sum(exp(a), axis=1))`` of a (N, K) array, shifted by each row's largest entry.

    A row of ``-inf`` gives ``-inf``. scipy's ``logsumexp`` computes the same, with more
    generality and more per-call cost; the target densities of every training step pass here.
    """
    top = np.max(a, axis=1, keepdims=True)
    top[~np.isfinite(top)] = 0.0
    with np.errstate(divide="ignore"):
        out: np.ndarray = np.log(np.sum(np.exp(a - top), axis=1)) + top[:, 0]
    return out
