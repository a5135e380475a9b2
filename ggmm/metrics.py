"""Accuracy measures used by the comparison.

Definitions
-----------
held-out NLL
    ``-(1/N) sum_n log q(x_n)`` over test samples drawn from the true mixture, in
    nats per sample. The true density's own held-out NLL is the floor a correct,
    normalized estimator can reach only up to sampling error.
density RMSE
    ``sqrt((1/M) sum_m (q(x_m) - P(x_m)) ** 2)`` between an estimated density q and
    the true density P at M evaluation points (test samples or grid nodes).
parameter errors
    After matching estimated to true components by the Hungarian assignment on
    the squared distance between centers: the RMSE of centers, of scales, the
    largest absolute weight error and the absolute error of the shape p.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from .distribution import GeneralizedGaussianMixture

__all__ = [
    "heldout_nll",
    "density_rmse",
    "match_components",
    "parameter_errors",
]


def heldout_nll(log_density: Any) -> tuple[float, float]:
    """Mean negative log-likelihood and its standard error.

    Parameters
    ----------
    log_density : array-like of shape (N,)
        ``log q(x_n)`` at held-out samples.

    Returns
    -------
    nll : float
    stderr : float
        Standard error of the mean, ``std / sqrt(N)``.
    """
    values = -np.asarray(log_density, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"The parameter 'log_density' should be a non-empty 1-D array, but got shape {values.shape}.")
    stderr = float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else float("nan")
    return float(values.mean()), stderr


def density_rmse(estimate: Any, truth: Any) -> float:
    """Root mean squared difference between two density arrays of the same shape."""
    estimate = np.asarray(estimate, dtype=float)
    truth = np.asarray(truth, dtype=float)
    if estimate.shape != truth.shape:
        raise ValueError(
            f"The parameter 'estimate' should have the shape of 'truth' {truth.shape}, but got {estimate.shape}."
        )
    return float(np.sqrt(np.mean((estimate - truth) ** 2)))


def match_components(true_centers: Any, estimated_centers: Any) -> np.ndarray:
    """Hungarian matching of estimated components to true ones.

    Parameters
    ----------
    true_centers : array-like of shape (K, D)
    estimated_centers : array-like of shape (K, D)

    Returns
    -------
    order : ndarray of shape (K,)
        ``estimated[order[k]]`` is matched with ``true[k]``.
    """
    a = np.asarray(true_centers, dtype=float)
    b = np.asarray(estimated_centers, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"The parameter 'estimated_centers' should have shape {a.shape}, but got {b.shape}.")
    cost = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    order = np.empty(len(rows), dtype=int)
    order[rows] = cols
    return order


def parameter_errors(truth: GeneralizedGaussianMixture, estimate: GeneralizedGaussianMixture) -> dict[str, float]:
    """Errors of an estimated mixture's parameters after matching components.

    Returns
    -------
    errors : dict
        ``center_rmse``, ``scale_rmse``, ``weight_max_abs``, ``p_abs`` (mean absolute
        error of the per-component shapes).
    """
    if (truth.n_components, truth.n_features) != (estimate.n_components, estimate.n_features):
        raise ValueError(
            "The parameter 'estimate' should have the same K and D as 'truth' "
            f"({truth.n_components}, {truth.n_features}), but got "
            f"({estimate.n_components}, {estimate.n_features})."
        )
    order = match_components(truth.centers, estimate.centers)
    return {
        "center_rmse": float(np.sqrt(np.mean((estimate.centers[order] - truth.centers) ** 2))),
        "scale_rmse": float(np.sqrt(np.mean((estimate.scales[order] - truth.scales) ** 2))),
        "weight_max_abs": float(np.max(np.abs(estimate.weights[order] - truth.weights))),
        "p_abs": float(np.mean(np.abs(estimate.shapes[order] - truth.shapes))),
    }
