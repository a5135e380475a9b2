"""The KA-structured [D, K, 1] model of a generalized Gaussian mixture.

A GGMM is exactly a KAN of shape [D, K, 1]:

    log q(x) = logsumexp_k [ log w_k + sum_d ( phi_kd(x_d) - log Z_kd ) ],

with inner edges ``phi_kd`` (for a GGMM ``-(|t - c_kd| / alpha_kd) ** p``) and outer
edges ``Phi_k(s) = w_k exp(s)``; the weights are a softmax. Every inner edge is a B-spline
edge of one pykan ``KANLayer`` (D inputs, K outputs, no silu residual) on the box
``domain_``: the samples' bounding box widened by ``domain_margin`` on every side, so every
training sample lies inside it.

**Tails.** Beyond the box an edge continues as a straight line in the log domain with the
slope it has at the box edge, pointing down, and at least ``min_tail_rate`` (per half-width
of the box): each marginal has exponential tails, and

    Z_kd = integral over the box of exp(phi_kd) + exp(phi_kd(lo)) / rate_lo + exp(phi_kd(hi)) / rate_hi

(a midpoint rule with ``quad_points`` nodes inside, the tails in closed form). So ``q`` is a
normalized density on all of R^D, with no clipping, and mass the curves put at the box
edge costs likelihood through Z.

The model is trained by maximum likelihood with Adam from a k-means (or random)
initialization and stops early on the held-out NLL of ``validation_fraction`` of the
samples. :meth:`KAMixtureKAN.readback` fits the parametric form to the learned curves
(:mod:`ggmm.estimators._readback`): centers, scales and one p per component. The initial
layer and the read-back's fit of every curve are in :mod:`ggmm.estimators._ka_mixture_curves`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from .._validation import check_int, check_samples
from ..distribution import GeneralizedGaussianMixture
from ..snapshots import FrameState, SnapshotRecorder
from ._ka_mixture_curves import initial_layer, read_back_curves
from ._kan_core import BoxScaler
from ._pykan import pykan_sandbox
from ._readback import READBACK_WEIGHTINGS
from ._training import check_optimizer, known, state_copier, train_stage
from .base import BaseEstimator, DensityMixin, EstimatorTags, FitReport, check_is_fitted, data_box, split_validation

__all__ = ["KAMixtureKAN"]

_EDGE = torch.tensor([-1.0, 1.0])


class KAMixtureKAN(DensityMixin, BaseEstimator):
    """A [D, K, 1] KAN shaped like a GGMM, trained by maximum likelihood (see the module notes).

    Parameters
    ----------
    n_components : int, default 3
        K.
    grid, k : int, default 20, 3
        Grid intervals (uniform over the box) and order of the inner spline edges.
    steps : int, default 1000
        Most Adam steps (full batch).
    lr : float, default 0.01
    init : {"kmeans", "random"}, default "kmeans"
        k-means: each edge starts as the log of a Gaussian with its cluster's mean and
        standard deviation, weights as cluster fractions. random: centers at random
        samples, a common width, equal weights.
    quad_points : int, default 200
        Midpoint nodes per axis for the integrals over the box (10 per grid interval at the
        default grid).
    domain_margin : float, default 0.1
    min_tail_rate : float, default 1.0
        Smallest decay rate of the log-density beyond the box, per half-width of the box.
    validation_fraction : float, default 0.2
    patience : int, default 100
        Steps without a lower validation NLL after which training stops.
    readback_weighting : {"density", "equal"}, default "density"
    curve_samples : int, default 100
        Points per curve in :meth:`readback`.
    threads : int, default 1
    optimizer : {"adam", "lbfgs"}, default "adam"
    rel_tol : float, default 0
        A validation NLL improves when it is lower than the best by more than this share.
    validate_every : int, default 5

    Attributes
    ----------
    domain_ : ndarray of shape (D, 2)
    weights_init_ : ndarray of shape (K,)
        The mixing weights at initialization (the k-means cluster fractions).
    mixture_init_ : GeneralizedGaussianMixture
        The parameters read back (as :meth:`readback` does) from the initial curves: where
        training starts.
    best_steps_ : dict
    stages_ : dict
        ``{"train": StageOutcome.record()}``.
    n_steps_ : int
        Optimizer steps taken.
    n_parameters_ : int
        Spline coefficients of the K * D inner edges plus K - 1 free weights.
    """

    tags = EstimatorTags(
        kind="density", n_components=True, progress=True, snapshots="ka", mixture=True, budget=("steps",), neural=True
    )

    def __init__(
        self,
        n_components: int = 3,
        grid: int = 20,
        k: int = 3,
        steps: int = 1000,
        lr: float = 0.01,
        init: str = "kmeans",
        quad_points: int = 200,
        domain_margin: float = 0.1,
        min_tail_rate: float = 1.0,
        validation_fraction: float = 0.2,
        patience: int = 100,
        readback_weighting: str = "density",
        curve_samples: int = 100,
        threads: int = 1,
        optimizer: str = "adam",
        rel_tol: float = 0.0,
        validate_every: int = 5,
    ) -> None:
        if init not in ("kmeans", "random"):
            raise ValueError(f"The parameter 'init' must be 'kmeans' or 'random', but got {init!r}.")
        if readback_weighting not in READBACK_WEIGHTINGS:
            raise ValueError(
                f"The parameter 'readback_weighting' must be one of {READBACK_WEIGHTINGS}, "
                f"but got {readback_weighting!r}."
            )
        if not min_tail_rate > 0:
            raise ValueError(f"The parameter 'min_tail_rate' must be > 0, but got {min_tail_rate!r}.")
        self.n_components = check_int(n_components, "n_components", 1)
        self.grid, self.k = check_int(grid, "grid", 2), check_int(k, "k", 1)
        self.steps, self.lr, self.init = check_int(steps, "steps", 0), float(lr), init
        self.quad_points = check_int(quad_points, "quad_points", 8)
        self.domain_margin, self.min_tail_rate = float(domain_margin), float(min_tail_rate)
        self.validation_fraction, self.patience = float(validation_fraction), int(patience)
        self.readback_weighting = readback_weighting
        self.curve_samples, self.threads = int(curve_samples), int(threads)
        self.optimizer, self.rel_tol = check_optimizer(optimizer), float(rel_tol)
        self.validate_every = check_int(validate_every, "validate_every", 1)

    # -- the model ------------------------------------------------------------

    def _build(self, U: np.ndarray, seed: int) -> None:
        self._layer, self.weights_init_, self._logits, self._quad = initial_layer(
            U, seed, self.n_components, self.grid, self.k, self.init, self.quad_points
        )

    def _tail_rates(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Edge values and outward decay rates at the box edges, each of shape (K, D)."""
        D = self._quad.shape[1]
        h = 1e-3
        t = torch.stack([_EDGE[0].expand(D), (_EDGE[0] + h).expand(D), (_EDGE[1] - h).expand(D), _EDGE[1].expand(D)])
        _, _, post, _ = self._layer(t)  # (4, K, D)
        lo, hi = post[0], post[3]
        rate_lo = torch.clamp((post[1] - post[0]) / h, min=self.min_tail_rate)
        rate_hi = torch.clamp((post[2] - post[3]) / h, min=self.min_tail_rate)
        return lo, hi, rate_lo, rate_hi

    def _log_z(self) -> torch.Tensor:
        """log Z_kd in unit coordinates (box integral plus the two exponential tails), shape (K, D)."""
        _, _, post, _ = self._layer(self._quad)  # (n, K, D)
        inside = torch.logsumexp(post, dim=0) - np.log(self.quad_points) + np.log(2.0)
        lo, hi, rate_lo, rate_hi = self._tail_rates()
        return torch.logsumexp(torch.stack([inside, lo - torch.log(rate_lo), hi - torch.log(rate_hi)]), dim=0)

    def _edges_at(self, U: torch.Tensor) -> torch.Tensor:
        """phi_kd at unit coordinates U (N, D), linear tails beyond [-1, 1]: shape (N, K, D)."""
        _, _, post, _ = self._layer(torch.clamp(U, -1.0, 1.0))
        if bool((U.abs() > 1.0).any()):
            _, _, rate_lo, rate_hi = self._tail_rates()
            below = torch.clamp(U + 1.0, max=0.0)[:, None, :]  # <= 0 left of the box
            above = torch.clamp(U - 1.0, min=0.0)[:, None, :]  # >= 0 right of the box
            post = post + rate_lo[None] * below - rate_hi[None] * above
        edges: torch.Tensor = post
        return edges

    def _component_log(self, U: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(log w_k + log P_k(u)) of shape (N, K) and the per-edge normalized curves (N, K, D)."""
        edges = self._edges_at(U) - self._log_z()[None]
        return torch.log_softmax(self._logits, dim=0)[None] + edges.sum(dim=2), edges

    def _log_q_unit(self, U: torch.Tensor) -> torch.Tensor:
        return torch.logsumexp(self._component_log(U)[0], dim=1)

    # -- fitting ------------------------------------------------------------

    def fit(
        self,
        X: Any,
        *,
        seed: int = 0,
        recorder: SnapshotRecorder | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> KAMixtureKAN:
        """Maximum likelihood on the samples ``X`` (a share is held out for early stopping)."""
        X = check_samples(X)
        D = X.shape[1]
        if recorder is not None and D != 2:
            raise ValueError(f"Snapshots need 2-D data, but the data has D = {D}.")
        start = time.perf_counter()
        X_fit, X_val = split_validation(X, self.validation_fraction, seed)
        self.domain_ = data_box(X, self.domain_margin)
        self._scaler = BoxScaler(self.domain_)
        self._X_train = X_fit
        U, U_val = self._scaler.to_unit(X_fit), self._scaler.to_unit(X_val)
        every = max(1, self.steps // 50)
        with pykan_sandbox(seed, self.threads) as box:
            progress = box.unmuted(progress)
            self._build(U.numpy().astype(float), seed)
            self.mixture_init_ = self._read_start()
            params = [self._layer.coef, self._logits]
            if recorder is not None:
                self._grid_u = self._scaler.to_unit(recorder.grid_points())
                recorder.start(self.steps, [D, self.n_components, 1], self._edges(D), "nll")
                recorder.boundary(0, "train", self._nll(U), self._nll(U_val), self._frame(recorder))

            def objective(step: int) -> tuple[torch.Tensor, float]:
                nll = -self._log_q_unit(U).mean() + self._log_half
                return nll, float(nll.detach())

            def after(step: int, train_loss: float, val: float | None, stop: bool) -> None:
                if recorder is not None:
                    recorder.step(
                        step,
                        "train",
                        train_loss,
                        known(val) if val is not None else (lambda: self._nll(U_val)),
                        lambda: self._frame(recorder),
                    )
                if progress is not None and (step % every == 0 or step == self.steps or stop):
                    progress(step, self.steps)

            get_state, set_state = state_copier(params)
            outcome = train_stage(
                params=params,
                objective=objective,
                validate=lambda: self._nll(U_val),
                get_state=get_state,
                set_state=set_state,
                steps=self.steps,
                lr=self.lr,
                optimizer=self.optimizer,
                patience=self.patience,
                every=self.validate_every,
                rel_tol=self.rel_tol,
                after_step=after,
            )
            if recorder is not None:
                recorder.boundary(
                    outcome.steps, "train", self._nll(U), self._nll(U_val), self._frame(recorder), start=0
                )
        self._readback: dict[str, Any] | None = None
        self.best_steps_ = {"train": outcome.best_step}
        self.stages_ = {"train": outcome.record()}
        self.n_steps_ = outcome.steps
        self.n_parameters_ = int(self._layer.coef.numel()) + self.n_components - 1
        self.seconds_ = time.perf_counter() - start
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
        """Inner edges: the normalized log marginal over the box; outer edges: w_k exp(s)."""
        D, K, S = len(self._scaler.center), self.n_components, recorder.curve_samples
        with torch.no_grad():
            t = torch.linspace(-1, 1, S)[:, None].expand(-1, D)
            inner = (self._edges_at(t) - self._log_z()[None]).numpy() - np.log(self._scaler.half)[None, None]
            _, edges = self._component_log(self._scaler.to_unit(self._X_train))
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
        return FrameState(
            width=[D, K, 1],
            density=density.reshape(ny, nx),
            edge_x=np.array(xs),
            edge_y=np.array(ys),
            importance=np.array(imp),
            live=np.ones(len(xs), dtype=int),
        )

    # -- evaluation ---------------------------------------------------------

    def logpdf(self, X: Any) -> np.ndarray:
        """Normalized log-density on all of R^D, shape (N,)."""
        check_is_fitted(self)
        X = check_samples(X, len(self._scaler.center))
        with torch.no_grad():
            return self._log_q_unit(self._scaler.to_unit(X)).numpy().astype(float) - self._log_half

    @property
    def weights_(self) -> np.ndarray:
        """Mixing weights (softmax of the outer part), shape (K,)."""
        check_is_fitted(self)
        return torch.softmax(self._logits.detach(), dim=0).numpy().astype(float)

    def _read_start(self) -> GeneralizedGaussianMixture:
        """The parameters read back from the initial curves, before any training step."""
        self.n_parameters_, self._readback = 0, None
        try:
            start: GeneralizedGaussianMixture = self.readback()["mixture"]
            return start
        finally:
            self.n_parameters_, self._readback = None, None

    def fit_report(self) -> FitReport:
        """Training outcome and the read-back: the fitted and the initial mixture, the learned curves."""
        readback = self.readback()
        return replace(
            super().fit_report(),
            n_steps=self.n_steps_,
            best_steps=self.best_steps_,
            stages=self.stages_,
            mixture=readback["mixture"],
            mixture_init=self.mixture_init_,
            weights_init=self.weights_init_.tolist(),
            curves=readback["curves"],
        )

    def readback(self) -> dict[str, Any]:
        """Parameters read back from the learned curves.

        Each curve ``phi_kd - log Z_kd`` (a log marginal density, data units) is fitted over
        the component's live range, the 0.5%-99.5% responsibility-weighted quantiles of the
        fitting samples along that axis (:func:`ggmm.estimators._readback.fit_component`).

        Returns
        -------
        dict
            ``mixture`` (GeneralizedGaussianMixture: centers, scales, one p per component,
            the softmax weights) and ``curves``: one entry per (k, d) with ``component``,
            ``dim``, ``x`` (samples over the live range, data units), ``learned``
            (``phi_kd - log Z_kd`` there), ``fitted`` (``b - (|x - c| / alpha) ** p``),
            ``center``, ``scale``, ``p``.
        """
        check_is_fitted(self)
        if self._readback is not None:
            return self._readback
        with torch.no_grad():
            resp = torch.softmax(self._component_log(self._scaler.to_unit(self._X_train))[0], dim=1).numpy()
        centers, scales, shapes, curves = read_back_curves(
            self._X_train, resp, self._curve, self.curve_samples, self.readback_weighting
        )
        mixture = GeneralizedGaussianMixture(centers, scales, self.weights_, p=shapes, normalize_weights=True)
        self._readback = {"mixture": mixture, "curves": curves}
        return self._readback

    def _curve(self, t: np.ndarray, k: int, d: int) -> np.ndarray:
        """The learned normalized log marginal ``phi_kd - log Z_kd`` at data points t (data units)."""
        D = len(self._scaler.center)
        u = np.zeros((len(t), D))
        u[:, d] = (t - self._scaler.center[d]) / self._scaler.half[d]
        with torch.no_grad():
            value = self._edges_at(torch.as_tensor(u, dtype=torch.float32))[:, k, d] - self._log_z()[k, d]
        curve: np.ndarray = value.numpy().astype(float) - np.log(self._scaler.half[d])
        return curve

    @property
    def mixture_(self) -> GeneralizedGaussianMixture:
        """The mixture read back from the learned curves (see :meth:`readback`)."""
        mixture: GeneralizedGaussianMixture = self.readback()["mixture"]
        return mixture
