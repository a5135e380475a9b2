"""The KA-structured mixture's curves and the mixture's parameters, both ways.

:func:`initial_layer` turns initial Gaussians (k-means clusters or random samples) into the
[D, K] spline layer of :class:`~ggmm.estimators.ka_mixture.KAMixtureKAN`; :func:`read_back_curves`
fits the generalized Gaussian form to its learned curves (:mod:`ggmm.estimators._readback`)
and gives centers, scales and one p per component.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ._readback import fit_component, weighted_quantile

__all__ = ["initial_layer", "read_back_curves"]


def initial_layer(
    U: np.ndarray, seed: int, n_components: int, grid: int, k: int, init: str, quad_points: int
) -> tuple[Any, np.ndarray, torch.nn.Parameter, torch.Tensor]:
    """The model at initialization: every inner edge the log of a Gaussian.

    With ``init="kmeans"`` each edge starts as the log of a Gaussian with its k-means
    cluster's mean and standard deviation along its axis, the weights as the cluster
    fractions; with ``init="random"`` the centers are random samples, the width common, the
    weights equal. Standard deviations are floored at one grid interval and the logs at -50.

    Parameters
    ----------
    U : ndarray of shape (N, D)
        The training samples in unit coordinates.
    seed : int
    n_components, grid, k, init, quad_points
        The estimator's parameters of these names.

    Returns
    -------
    layer : kan.KANLayer
        D inputs, K outputs, spline edges only (no silu residual, unit spline scales).
    weights : ndarray of shape (K,)
        The initial mixing weights.
    logits : torch.nn.Parameter of shape (K,)
        Their logs (each at least log 1e-3): the trained outer part.
    quad : torch.Tensor of shape (quad_points, D)
        The midpoint nodes of the integrals over the box.
    """
    from kan.KANLayer import KANLayer
    from kan.spline import curve2coef

    D, K = U.shape[1], n_components
    layer = KANLayer(
        in_dim=D,
        out_dim=K,
        num=grid,
        k=k,
        noise_scale=0.0,
        scale_base_mu=0.0,
        scale_base_sigma=0.0,
        grid_range=[-1, 1],
    )
    layer.scale_base.requires_grad_(False)
    layer.scale_sp.data = torch.ones(D, K)
    layer.scale_sp.requires_grad_(False)
    rng = np.random.default_rng(seed)
    if init == "kmeans":
        from sklearn.cluster import KMeans

        labels = KMeans(K, n_init=4, random_state=seed).fit_predict(U)
        means = np.array([U[labels == j].mean(axis=0) if np.any(labels == j) else U.mean(axis=0) for j in range(K)])
        stds = np.array([U[labels == j].std(axis=0) if np.sum(labels == j) > 1 else U.std(axis=0) for j in range(K)])
        weights = np.bincount(labels, minlength=K) / len(U)
    else:
        means = U[rng.choice(len(U), K, replace=False)]
        stds = np.tile(U.std(axis=0) / K, (K, 1))
        weights = np.full(K, 1.0 / K)
    stds = np.maximum(stds, 2.0 / grid)
    t = torch.linspace(-1, 1, 4 * grid + 1)[:, None].expand(-1, D)
    target = -0.5 * ((t[:, :, None].numpy() - means.T[None]) / stds.T[None]) ** 2  # (n, D, K)
    target = np.maximum(target, -50.0)
    layer.coef.data = curve2coef(t, torch.as_tensor(target, dtype=torch.float32), layer.grid, k)
    logits = torch.nn.Parameter(torch.as_tensor(np.log(np.maximum(weights, 1e-3)), dtype=torch.float32))
    quad = (-1.0 + (torch.arange(quad_points) + 0.5) * (2.0 / quad_points))[:, None].expand(-1, D).contiguous()
    return layer, weights.astype(float), logits, quad


def read_back_curves(
    X_train: np.ndarray,
    resp: np.ndarray,
    curve: Callable[[np.ndarray, int, int], np.ndarray],
    curve_samples: int,
    weighting: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]]]:
    """Fit the parametric form to every component's learned curves (:func:`ggmm.estimators._readback.fit_component`).

    Parameters
    ----------
    X_train : ndarray of shape (N, D)
        The fitting samples, data units.
    resp : ndarray of shape (N, K)
        Their responsibilities under the learned model.
    curve : callable
        ``curve(t, k, d)``: the learned ``phi_kd - log Z_kd`` at the data points ``t``.
    curve_samples : int
        Points per curve, over its live range (the 0.5%-99.5% responsibility-weighted
        quantiles of the samples along that axis).
    weighting : {"density", "equal"}

    Returns
    -------
    centers, scales : ndarray of shape (K, D)
    shapes : ndarray of shape (K,)
    curves : list of dict
        One per (k, d), as :meth:`~ggmm.estimators.ka_mixture.KAMixtureKAN.readback` describes.
    """
    D, K = X_train.shape[1], resp.shape[1]
    centers, scales, shapes, curves = np.zeros((K, D)), np.zeros((K, D)), np.zeros(K), []
    per_comp = []
    for k in range(K):
        ts, ys = [], []
        for d in range(D):
            x = X_train[:, d]
            t = np.linspace(
                weighted_quantile(x, resp[:, k], 0.005), weighted_quantile(x, resp[:, k], 0.995), curve_samples
            )
            ts.append(t)
            ys.append(curve(t, k, d))
        c, a, p, b = fit_component(ts, ys, weighting)
        centers[k], scales[k], shapes[k] = c, a, p
        per_comp.append((ts, ys, b))
    for k, (ts, ys, b) in enumerate(per_comp):
        for d in range(D):
            fitted = b[d] - (np.abs(ts[d] - centers[k, d]) / scales[k, d]) ** shapes[k]
            curves.append(
                {
                    "component": k,
                    "dim": d,
                    "x": ts[d].tolist(),
                    "learned": ys[d].tolist(),
                    "fitted": fitted.tolist(),
                    "center": float(centers[k, d]),
                    "scale": float(scales[k, d]),
                    "p": float(shapes[k]),
                }
            )
    return centers, scales, shapes, curves
