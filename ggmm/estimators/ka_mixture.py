"""The KA-structured [D, K, 1] model of a generalized Gaussian mixture.

A GGMM is exactly a KAN of shape [D, K, 1]:

    log q(x) = logsumexp_k [ log w_k + sum_d ( phi_kd(x_d) - log Z_kd ) ],

with inner edges ``phi_kd`` (for a GGMM ``-(|t - c_kd| / alpha_kd) ** p``) and outer
edges ``Phi_k(s) = w_k exp(s)``. Here every inner edge is a B-spline edge of one pykan
``KANLayer`` (D inputs, K outputs, no silu residual), ``log Z_kd`` normalizes each
edge's marginal by a 1-D midpoint rule over the domain, and the weights are a softmax.
The model is trained by maximum likelihood with Adam from a k-means initialization.

After training the parameters are read back (:meth:`KAMixtureKAN.readback`): the
curve ``phi_kd - log Z_kd`` (a log marginal density, data units) is fitted by least
squares with ``b_kd - (|t - c_kd| / alpha_kd) ** p_k`` over its live input range (the
0.5%-99.5% responsibility-weighted quantiles of the training samples), each point weighted
by the curve's own relative density (the ends of the range, pinned by few samples, count
less; on the original, laplace and trivariate presets this lowered every read-back error
compared with equal weights); the shape p is
shared by the D curves of one component (as in :class:`GeneralizedGaussianMixture`,
where p is per component) and the weights are the softmax.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from scipy.optimize import least_squares

from .._validation import check_int, check_samples
from ..distribution import GeneralizedGaussianMixture
from ..snapshots import FrameState, SnapshotRecorder
from ._kan_core import BoxScaler
from ._pykan import pykan_sandbox
from .em import P_BOUNDS
from .kan_density import midpoint_grid
from .task import TaskData

__all__ = ["KAMixtureKAN"]


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    return float(x[order][min(np.searchsorted(cum, q * cum[-1]), len(x) - 1)])


def _fit_ggd_curves(ts: list[np.ndarray], ys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, float,
                                                                              np.ndarray]:
    """Weighted least-squares fit of ``b_d - (|t - c_d| / alpha_d) ** p`` to D curves, one shared p.

    Returns
    -------
    centers, scales : ndarray of shape (D,)
    p : float
    offsets : ndarray of shape (D,)
    """
    D = len(ts)
    start = []
    for t, y in zip(ts, ys, strict=True):
        c0 = t[np.argmax(y)]
        drop = y.max() - y
        span = np.sqrt(np.sum(drop * (t - c0) ** 2) / max(np.sum(drop ** 2), 1e-12))
        start += [c0, np.log(max(span, 1e-3 * (t[-1] - t[0]))), y.max()]
    lo_p, hi_p = np.log(P_BOUNDS[0]), np.log(P_BOUNDS[1])

    # weights: the square root of each curve's own (relative) density, so that the far ends of
    # the live range, where few samples pin the spline down, count less than the bulk
    root_w = [np.exp(0.5 * (y - y.max())) for y in ys]

    def residuals(theta: np.ndarray) -> np.ndarray:
        p = np.exp(theta[-1])
        out = []
        for d in range(D):
            c, log_a, b = theta[3 * d: 3 * d + 3]
            out.append(root_w[d] * (b - (np.abs(ts[d] - c) / np.exp(log_a)) ** p - ys[d]))
        return np.concatenate(out)

    lower = np.concatenate([[-np.inf, -20.0, -np.inf] * D, [lo_p]])
    upper = np.concatenate([[np.inf, 20.0, np.inf] * D, [hi_p]])
    theta0 = np.clip(np.concatenate([start, [np.log(2.0)]]), lower + 1e-9, upper - 1e-9)
    sol = least_squares(residuals, theta0, bounds=(lower, upper), method="trf")
    th = sol.x
    return th[0:3 * D:3], np.exp(th[1:3 * D:3]), float(np.exp(th[-1])), th[2:3 * D:3]


class KAMixtureKAN:
    """A [D, K, 1] KAN shaped like a GGMM, trained by maximum likelihood.

    Parameters
    ----------
    n_components : int, default 3
        K.
    grid, k : int, default 40, 3
        Grid intervals (uniform over ``bounds``) and order of the inner spline edges.
    steps : int, default 300
        Adam steps (full batch).
    lr : float, default 0.02
    init : {"kmeans", "random"}, default "kmeans"
        k-means: each edge starts as the log of a Gaussian with its cluster's mean and
        standard deviation, weights as cluster fractions. random: centers at random
        samples, a common width, equal weights.
    quad_points : int, default 400
        Midpoint nodes per axis for the 1-D normalizers ``log Z_kd``.
    curve_samples : int, default 100
        Points per curve in :meth:`readback`.
    test_points : int, default 256
    threads : int, default 1

    Attributes
    ----------
    normalized : bool
        True.
    """

    normalized = True

    def __init__(self, n_components: int = 3, grid: int = 40, k: int = 3, steps: int = 300, lr: float = 0.02,
                 init: str = "kmeans", quad_points: int = 400, curve_samples: int = 100,
                 test_points: int = 256, threads: int = 1) -> None:
        if init not in ("kmeans", "random"):
            raise ValueError(f"The parameter 'init' must be 'kmeans' or 'random', but got {init!r}.")
        self.n_components = check_int(n_components, "n_components", 1)
        self.grid, self.k = check_int(grid, "grid", 2), check_int(k, "k", 1)
        self.steps, self.lr, self.init = check_int(steps, "steps", 0), float(lr), init
        self.quad_points = check_int(quad_points, "quad_points", 8)
        self.curve_samples, self.test_points = int(curve_samples), int(test_points)
        self.threads = int(threads)
        self._layer: Any = None
        self.seconds = 0.0

    # -- the model ------------------------------------------------------------

    def _build(self, U: np.ndarray, seed: int) -> None:
        from kan.KANLayer import KANLayer
        from kan.spline import curve2coef

        D, K = U.shape[1], self.n_components
        layer = KANLayer(in_dim=D, out_dim=K, num=self.grid, k=self.k, noise_scale=0.0,
                         scale_base_mu=0.0, scale_base_sigma=0.0, grid_range=[-1, 1])
        layer.scale_base.requires_grad_(False)
        layer.scale_sp.data = torch.ones(D, K)
        layer.scale_sp.requires_grad_(False)
        rng = np.random.default_rng(seed)
        if self.init == "kmeans":
            from sklearn.cluster import KMeans

            labels = KMeans(K, n_init=4, random_state=seed).fit_predict(U)
            means = np.array([U[labels == j].mean(axis=0) if np.any(labels == j) else U.mean(axis=0)
                              for j in range(K)])
            stds = np.array([U[labels == j].std(axis=0) if np.sum(labels == j) > 1 else U.std(axis=0)
                             for j in range(K)])
            weights = np.bincount(labels, minlength=K) / len(U)
        else:
            means = U[rng.choice(len(U), K, replace=False)]
            stds = np.tile(U.std(axis=0) / K, (K, 1))
            weights = np.full(K, 1.0 / K)
        stds = np.maximum(stds, 2.0 / self.grid)
        t = torch.linspace(-1, 1, 4 * self.grid + 1)[:, None].expand(-1, D)
        target = -0.5 * ((t[:, :, None].numpy() - means.T[None]) / stds.T[None]) ** 2  # (n, D, K)
        target = np.maximum(target, -50.0)
        layer.coef.data = curve2coef(t, torch.as_tensor(target, dtype=torch.float32), layer.grid, self.k)
        self._layer = layer
        self._logits = torch.nn.Parameter(torch.as_tensor(np.log(np.maximum(weights, 1e-3)),
                                                          dtype=torch.float32))
        self._quad = midpoint_grid(self.quad_points, 1).expand(-1, D).contiguous()

    def _log_z(self) -> torch.Tensor:
        """log Z_kd in unit coordinates, shape (K, D)."""
        _, _, post, _ = self._layer(self._quad)  # (n, K, D)
        return torch.logsumexp(post, dim=0) - np.log(self.quad_points) + np.log(2.0)

    def _component_log(self, U: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(log w_k + log P_k(u)) of shape (N, K) and the per-edge normalized curves (N, K, D)."""
        _, _, post, _ = self._layer(U)
        edges = post - self._log_z()[None]
        return torch.log_softmax(self._logits, dim=0)[None] + edges.sum(dim=2), edges

    def _log_q_unit(self, U: torch.Tensor) -> torch.Tensor:
        return torch.logsumexp(self._component_log(U)[0], dim=1)

    # -- fitting ------------------------------------------------------------

    def fit(self, data: TaskData, seed: int, recorder: SnapshotRecorder | None = None,
            progress: Callable[[int, int], None] | None = None) -> KAMixtureKAN:
        """Maximum likelihood on ``data.X_train`` (the mixture is not used)."""
        D = data.n_features
        if recorder is not None and D != 2:
            raise ValueError(f"Snapshots need 2-D data, but the data has D = {D}.")
        start = time.perf_counter()
        self._scaler = BoxScaler(data.bounds)
        self._bounds = data.bounds.copy()
        self._X_train = data.X_train
        rng = np.random.default_rng(seed)
        X_test = data.X_test[rng.choice(len(data.X_test), min(self.test_points, len(data.X_test)), replace=False)]
        U = self._scaler.to_unit(data.X_train)
        U_test = self._scaler.to_unit(self._clip(X_test))
        every = max(1, self.steps // 50)
        with pykan_sandbox(seed, self.threads) as box:
            progress = box.unmuted(progress)
            self._build(U.numpy().astype(float), seed)
            params = [self._layer.coef, self._logits]
            optimizer = torch.optim.Adam(params, lr=self.lr)
            if recorder is not None:
                self._grid_u = self._scaler.to_unit(recorder.grid_points())
                recorder.start(self.steps, [D, self.n_components, 1], self._edges(D), "nll")
                recorder.boundary(0, "train", self._nll(U), self._nll(U_test), self._frame(recorder))
            for step in range(1, self.steps + 1):
                optimizer.zero_grad()
                nll = -self._log_q_unit(U).mean() + self._log_half
                nll.backward()
                optimizer.step()
                if not torch.isfinite(nll):
                    raise FloatingPointError(f"Training diverged at step {step}.")
                if recorder is not None:
                    recorder.step(step, "train", float(nll), lambda: self._nll(U_test),
                                  lambda: self._frame(recorder))
                if progress is not None and (step % every == 0 or step == self.steps):
                    progress(step, self.steps)
            if recorder is not None:
                recorder.boundary(self.steps, "train", self._nll(U), self._nll(U_test), self._frame(recorder),
                                  start=0)
        self._readback = None
        self.seconds = time.perf_counter() - start
        return self

    @property
    def _log_half(self) -> float:
        return float(np.sum(np.log(self._scaler.half)))

    def _nll(self, U: torch.Tensor) -> float:
        with torch.no_grad():
            return float(-self._log_q_unit(U).mean()) + self._log_half

    # -- snapshots ----------------------------------------------------------

    def _edges(self, D: int) -> list[tuple[int, int, int]]:
        K = self.n_components
        return [(0, d, k) for d in range(D) for k in range(K)] + [(1, k, 0) for k in range(K)]

    def _frame(self, recorder: SnapshotRecorder) -> FrameState:
        """Inner edges: the normalized log marginal over the domain; outer edges: w_k exp(s)."""
        D, K, S = len(self._scaler.center), self.n_components, recorder.curve_samples
        with torch.no_grad():
            t = torch.linspace(-1, 1, S)[:, None].expand(-1, D)
            _, _, post, _ = self._layer(t)
            inner = (post - self._log_z()[None]).numpy() - np.log(self._scaler.half)[None, None]
            comp, edges = self._component_log(self._scaler.to_unit(self._X_train))
            s = (edges.sum(dim=2) - self._log_half).numpy()  # (N, K)
            w = torch.softmax(self._logits, dim=0).numpy()
            density = torch.exp(self._log_q_unit(self._grid_u) - self._log_half).numpy()
        xs, ys, imp = [], [], []
        for d in range(D):
            for k in range(K):
                xs.append(self._scaler.from_unit(t[:, d].numpy(), d))
                ys.append(inner[:, k, d])
                imp.append(w[k] * edges[:, k, d].std().item())
        for k in range(K):
            sk = np.linspace(s[:, k].min(), s[:, k].max(), S)
            xs.append(sk)
            ys.append(w[k] * np.exp(sk))
            imp.append(float(np.std(w[k] * np.exp(s[:, k]))))
        ny, nx = recorder.truth.shape
        return FrameState(width=[D, K, 1], density=density.reshape(ny, nx), edge_x=np.array(xs),
                          edge_y=np.array(ys), importance=np.array(imp), live=np.ones(len(xs), dtype=int))

    # -- evaluation ---------------------------------------------------------

    def _clip(self, X: np.ndarray) -> np.ndarray:
        return np.clip(X, self._bounds[:, 0], self._bounds[:, 1])

    def _require_fit(self) -> None:
        if self._layer is None:
            raise ValueError("KAMixtureKAN is not fitted yet; call fit(data, seed) first.")

    def logpdf(self, X: Any) -> np.ndarray:
        """Normalized log-density, shape (N,) (points outside ``bounds`` are projected onto it)."""
        self._require_fit()
        X = self._clip(check_samples(X, len(self._scaler.center)))
        with torch.no_grad():
            return self._log_q_unit(self._scaler.to_unit(X)).numpy().astype(float) - self._log_half

    def density(self, X: Any) -> np.ndarray:
        """Normalized density, shape (N,), >= 0 and finite."""
        return np.exp(self.logpdf(X))

    @property
    def n_parameters(self) -> int:
        """Spline coefficients of the K * D inner edges plus K - 1 free weights."""
        self._require_fit()
        return int(self._layer.coef.numel()) + self.n_components - 1

    @property
    def weights(self) -> np.ndarray:
        """Mixing weights (softmax of the outer part), shape (K,)."""
        self._require_fit()
        return torch.softmax(self._logits.detach(), dim=0).numpy().astype(float)

    def readback(self) -> dict[str, Any]:
        """Parameters read back from the learned curves.

        Returns
        -------
        dict
            ``mixture`` (GeneralizedGaussianMixture) and ``curves``: one entry per (k, d)
            with ``component``, ``dim``, ``x`` (samples over the live range, data units),
            ``learned`` (``phi_kd - log Z_kd`` there), ``fitted``
            (``b - (|x - c| / alpha) ** p``), ``center``, ``scale``, ``p``.
        """
        self._require_fit()
        if self._readback is not None:
            return self._readback
        D, K = len(self._scaler.center), self.n_components
        with torch.no_grad():
            resp = torch.softmax(self._component_log(self._scaler.to_unit(self._X_train))[0], dim=1).numpy()
        centers, scales, shapes, curves = np.zeros((K, D)), np.zeros((K, D)), np.zeros(K), []
        per_comp = []
        for k in range(K):
            ts, ys = [], []
            for d in range(D):
                x = self._X_train[:, d]
                lo = _weighted_quantile(x, resp[:, k], 0.005)
                hi = _weighted_quantile(x, resp[:, k], 0.995)
                t = np.linspace(lo, hi, self.curve_samples)
                ts.append(t)
                ys.append(self._curve(t, k, d))
            c, a, p, b = _fit_ggd_curves(ts, ys)
            centers[k], scales[k], shapes[k] = c, a, p
            per_comp.append((ts, ys, b))
        for k, (ts, ys, b) in enumerate(per_comp):
            for d in range(D):
                fitted = b[d] - (np.abs(ts[d] - centers[k, d]) / scales[k, d]) ** shapes[k]
                curves.append({"component": k, "dim": d, "x": ts[d].tolist(), "learned": ys[d].tolist(),
                               "fitted": fitted.tolist(), "center": float(centers[k, d]),
                               "scale": float(scales[k, d]), "p": float(shapes[k])})
        mixture = GeneralizedGaussianMixture(centers, scales, self.weights, p=shapes, normalize_weights=True)
        self._readback = {"mixture": mixture, "curves": curves}
        return self._readback

    def _curve(self, t: np.ndarray, k: int, d: int) -> np.ndarray:
        """The learned normalized log marginal ``phi_kd - log Z_kd`` at data points t (data units)."""
        D = len(self._scaler.center)
        u = np.zeros((len(t), D))
        u[:, d] = (t - self._scaler.center[d]) / self._scaler.half[d]
        with torch.no_grad():
            _, _, post, _ = self._layer(torch.as_tensor(u, dtype=torch.float32))
            value = post[:, k, d] - self._log_z()[k, d]
        return value.numpy().astype(float) - np.log(self._scaler.half[d])

    @property
    def mixture(self) -> GeneralizedGaussianMixture:
        """The mixture read back from the learned curves (see :meth:`readback`)."""
        return self.readback()["mixture"]
