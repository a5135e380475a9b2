"""Expectation-maximization for generalized Gaussian mixtures.

The loop is written once (:func:`fit_em`): initialize, then alternate the E-step
(responsibilities in log space) and the M-step, tracking the mean log-likelihood.
Whether the shape p is fixed or estimated is one M-step detail. The M-step is a
generalized one (each block of parameters maximizes the expected complete-data
log-likelihood given the others), so the log-likelihood never decreases:

* weights: ``pi_k = N_k / N``;
* centers: ``c_kd = argmin_c sum_n gamma_nk |x_nd - c| ** p`` (the weighted mean at
  p = 2, the weighted median at p = 1, a bounded 1-D convex solve otherwise);
* shared shape (if estimated): a bounded 1-D maximization with the scales profiled out;
* scales: ``alpha_kd ** p = (p / N_k) sum_n gamma_nk |x_nd - c_kd| ** p``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import gammaln, logsumexp

from .._validation import check_int, check_samples
from ..components import estimate_component_logpdf
from ..distribution import GeneralizedGaussianMixture

__all__ = ["EMResult", "fit_em", "P_BOUNDS"]

#: Search interval for the shape p when it is estimated.
P_BOUNDS = (0.3, 20.0)
_EPS = 10 * np.finfo(float).eps


@dataclass
class EMResult:
    """What :func:`fit_em` returns.

    Attributes
    ----------
    model : GeneralizedGaussianMixture
        The fitted mixture (best of ``n_init`` runs).
    log_likelihood : ndarray of shape (n_iter + 1,)
        Mean log-likelihood per sample before the first M-step and after each one.
    n_iter : int
        Number of EM iterations run.
    converged : bool
        Whether the change in mean log-likelihood fell below ``tol``.
    history : list of GeneralizedGaussianMixture
        The parameters at initialization and after every iteration.
    warnings : list of str
        Scale floors hit and components re-seeded, in plain words.
    init : str
        The initialization used.
    """

    model: GeneralizedGaussianMixture
    log_likelihood: np.ndarray
    n_iter: int
    converged: bool
    history: list[GeneralizedGaussianMixture] = field(repr=False)
    warnings: list[str]
    init: str

    @property
    def n_parameters(self) -> int:
        """Free parameters of the fitted mixture."""
        return self.model.n_parameters


# ---------------------------------------------------------------------------
# M-step parameter estimators
# ---------------------------------------------------------------------------


def _weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cum, 0.5 * cum[-1])])


def estimate_center(x: np.ndarray, w: np.ndarray, p: float, start: float) -> float:
    """Weighted L^p location: ``argmin_c sum_n w_n |x_n - c| ** p``.

    Parameters
    ----------
    x : ndarray of shape (N,)
        One coordinate of the samples.
    w : ndarray of shape (N,)
        Responsibilities of one component.
    p : float
        Shape parameter.
    start : float
        The current center, kept if the solve does not improve on it (p < 1 is not convex).

    Returns
    -------
    center : float
    """
    if p == 2.0:
        return float(np.dot(w, x) / w.sum())
    if p == 1.0:
        return _weighted_median(x, w)
    mask = w > 1e-8 * w.max()
    xs, ws = x[mask], w[mask]

    def cost(c: float) -> float:
        return float(np.dot(ws, np.abs(xs - c) ** p))

    lo, hi = float(xs.min()), float(xs.max())
    if hi - lo < 1e-12:
        return lo
    res = minimize_scalar(cost, bounds=(lo, hi), method="bounded", options={"xatol": 1e-9 * max(1.0, hi - lo)})
    return float(res.x) if res.fun <= cost(start) else float(start)


def estimate_scales(X: np.ndarray, resp: np.ndarray, nk: np.ndarray, centers: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Closed-form scales ``alpha_kd ** p = (p / N_k) sum_n gamma_nk |x_nd - c_kd| ** p``.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    resp : ndarray of shape (N, K)
    nk : ndarray of shape (K,)
    centers : ndarray of shape (K, D)
    p : ndarray of shape (K,)

    Returns
    -------
    scales : ndarray of shape (K, D)
    """
    scales = np.empty_like(centers)
    for k in range(centers.shape[0]):
        dev = np.abs(X - centers[k])
        moment = resp[:, k] @ (dev * dev if p[k] == 2.0 else dev ** p[k])
        scales[k] = (p[k] * moment / nk[k]) ** (1.0 / p[k])
    return scales


def _profiled_q(p: float, X: np.ndarray, resp: np.ndarray, nk: np.ndarray, centers: np.ndarray) -> float:
    """Expected complete-data log-likelihood at shared shape p, scales at their optimum."""
    D = X.shape[1]
    scales = estimate_scales(X, resp, nk, centers, np.full(len(nk), p))
    log_scales = np.log(np.maximum(scales, 1e-300)).sum(axis=1)
    per_dim = np.log(p) - np.log(2.0) - gammaln(1.0 / p)
    return float(np.sum(nk * (D * per_dim - log_scales - D / p)))


def estimate_shape(X: np.ndarray, resp: np.ndarray, nk: np.ndarray, centers: np.ndarray, current: float) -> float:
    """Shared shape maximizing the profiled expected complete-data log-likelihood.

    Parameters
    ----------
    X : ndarray of shape (N, D)
    resp : ndarray of shape (N, K)
    nk : ndarray of shape (K,)
    centers : ndarray of shape (K, D)
    current : float
        The current shape, kept unless the search finds a better one.

    Returns
    -------
    p : float
        In :data:`P_BOUNDS`.
    """
    res = minimize_scalar(
        lambda p: -_profiled_q(p, X, resp, nk, centers),
        bounds=P_BOUNDS,
        method="bounded",
        options={"xatol": 1e-6},
    )
    best = float(res.x)
    return best if -res.fun >= _profiled_q(current, X, resp, nk, centers) else current


# ---------------------------------------------------------------------------
# E-step
# ---------------------------------------------------------------------------


def _e_step(
    X: np.ndarray, centers: np.ndarray, scales: np.ndarray, weights: np.ndarray, p: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean log-likelihood, log responsibilities (N, K) and per-sample log-likelihood (N,)."""
    with np.errstate(divide="ignore"):
        weighted = estimate_component_logpdf(X, centers, scales, p) + np.log(weights)
    log_norm = logsumexp(weighted, axis=1)
    return float(log_norm.mean()), weighted - log_norm[:, None], log_norm


# ---------------------------------------------------------------------------
# Initialization
# ---------------------------------------------------------------------------


def _init_params(
    X: np.ndarray, K: int, p0: float, init: str, rng: np.random.Generator, floor: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    N, D = X.shape
    if init == "kmeans":
        from sklearn.cluster import KMeans

        labels = KMeans(n_clusters=K, n_init=1, random_state=int(rng.integers(2**31 - 1))).fit(X).labels_
        resp = np.zeros((N, K))
        resp[np.arange(N), labels] = 1.0
        nk = resp.sum(axis=0) + _EPS
        centers = (resp.T @ X) / nk[:, None]
        scales = np.maximum(estimate_scales(X, resp, nk, centers, np.full(K, p0)), floor)
        return centers, scales, nk / N
    centers = X[rng.choice(N, size=K, replace=False)].copy()
    spread = X.std(axis=0) * np.sqrt(p0) if p0 > 0 else X.std(axis=0)
    scales = np.tile(np.maximum(spread, floor), (K, 1))
    return centers, scales, np.full(K, 1.0 / K)


# ---------------------------------------------------------------------------
# The EM loop
# ---------------------------------------------------------------------------


def _run_once(
    X: np.ndarray,
    K: int,
    p: float | Literal["estimate"],
    init: str,
    max_iter: int,
    tol: float,
    rng: np.random.Generator,
    floor: np.ndarray,
    init_params: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> EMResult:
    estimate_p = p == "estimate"
    shape = 2.0 if estimate_p else float(p)
    if init_params is None:
        centers, scales, weights = _init_params(X, K, shape, init, rng, floor)
    else:
        centers, scales, weights = (np.array(a, dtype=float) for a in init_params)
    warnings: list[str] = []

    def snapshot() -> GeneralizedGaussianMixture:
        return GeneralizedGaussianMixture(centers, scales, weights, shape, normalize_weights=True)

    history = [snapshot()]
    ll, log_resp, per_sample = _e_step(X, centers, scales, weights, np.full(K, shape))
    lls = [ll]
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        resp = np.exp(log_resp)
        nk = resp.sum(axis=0) + _EPS
        empty = np.flatnonzero(nk < 1e-8 * len(X) + 1e-12)
        for k in empty:
            worst = int(np.argmin(per_sample))
            resp[:, k] = 0.0
            resp[worst, :] = 0.0
            resp[worst, k] = 1.0
            warnings.append(
                f"iteration {n_iter}: component {k} was empty and was re-seeded "
                f"at the worst-fitted sample {X[worst].round(4).tolist()}"
            )
        if len(empty):
            nk = resp.sum(axis=0) + _EPS
        weights = nk / nk.sum()
        centers = np.array(
            [[estimate_center(X[:, d], resp[:, k], shape, centers[k, d]) for d in range(X.shape[1])] for k in range(K)]
        )
        if estimate_p:
            shape = estimate_shape(X, resp, nk, centers, shape)
        scales = estimate_scales(X, resp, nk, centers, np.full(K, shape))
        low = scales < floor
        if np.any(low):
            for k, d in zip(*np.nonzero(low), strict=True):
                warnings.append(
                    f"iteration {n_iter}: component {k} collapsed in dimension {d}; "
                    f"its scale was floored at {floor[d]:.3g}"
                )
            scales = np.maximum(scales, floor)
        ll, log_resp, per_sample = _e_step(X, centers, scales, weights, np.full(K, shape))
        lls.append(ll)
        history.append(snapshot())
        if abs(lls[-1] - lls[-2]) < tol:
            converged = True
            break
    return EMResult(history[-1], np.asarray(lls), n_iter, converged, history, warnings, init)


def fit_em(
    X: Any,
    n_components: int,
    p: float | Literal["estimate"] = 2.0,
    init: Literal["kmeans", "random"] = "kmeans",
    n_init: int = 1,
    max_iter: int = 300,
    tol: float = 1e-6,
    seed: int | np.random.Generator | None = None,
    scale_floor: float = 1e-3,
    init_params: tuple[Any, Any, Any] | None = None,
) -> EMResult:
    """Fit a generalized Gaussian mixture by expectation-maximization.

    Parameters
    ----------
    X : array-like of shape (N, D)
        Samples.
    n_components : int
        Number of components K (1 <= K <= N).
    p : float or "estimate", default 2.0
        A fixed shape, or ``"estimate"`` to fit one shared shape in :data:`P_BOUNDS`.
    init : {"kmeans", "random"}, default "kmeans"
        k-means labels, or K random samples as centers with the data's spread as scale.
    n_init : int, default 1
        Independent initializations; the one with the highest final log-likelihood is kept.
    max_iter : int, default 300
        Iterations per initialization.
    tol : float, default 1e-6
        Convergence threshold on the change of the mean log-likelihood per sample.
    seed : int, numpy.random.Generator or None
        Randomness for the initializations.
    scale_floor : float, default 1e-3
        Smallest scale allowed, as a fraction of each dimension's standard deviation
        (guards against components collapsing onto a point).
    init_params : (centers, scales, weights), optional
        Explicit starting parameters; overrides ``init`` (used to compare with other code
        from the same start).

    Returns
    -------
    EMResult

    Raises
    ------
    ValueError
        On bad arguments; each message names the argument.
    """
    X = check_samples(X)
    K = check_int(n_components, "n_components", 1)
    if K > X.shape[0]:
        raise ValueError(f"The parameter 'n_components' must be <= n_samples = {X.shape[0]}, but got {K}.")
    if isinstance(p, str):
        if p != "estimate":
            raise ValueError(f"The parameter 'p' must be a positive number or 'estimate', but got {p!r}.")
    elif not (np.isfinite(p) and p > 0):
        raise ValueError(f"The parameter 'p' must be a positive number or 'estimate', but got {p!r}.")
    if init not in ("kmeans", "random"):
        raise ValueError(f"The parameter 'init' must be 'kmeans' or 'random', but got {init!r}.")
    n_init = check_int(n_init, "n_init", 1)
    max_iter = check_int(max_iter, "max_iter", 1)
    if not (tol >= 0):
        raise ValueError(f"The parameter 'tol' must be >= 0, but got {tol!r}.")
    if not (scale_floor > 0):
        raise ValueError(f"The parameter 'scale_floor' must be > 0, but got {scale_floor!r}.")
    rng = np.random.default_rng(seed)
    std = X.std(axis=0)
    floor = scale_floor * np.where(std > 0, std, 1.0)
    best: EMResult | None = None
    for _ in range(n_init):
        result = _run_once(X, K, p, init, max_iter, tol, rng, floor, init_params)
        if best is None or result.log_likelihood[-1] > best.log_likelihood[-1]:
            best = result
    assert best is not None
    return best
