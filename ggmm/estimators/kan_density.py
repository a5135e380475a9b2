"""KAN density estimation from samples alone, by maximum likelihood.

The density is a proper density on all of R^D, a two-part mixture:

    q(x) = (1 - eps) * q_box(x) + eps * g(x),

* ``q_box(x) = exp(f(x)) / Z`` inside the box ``domain_`` (the samples' bounding box
  widened by ``domain_margin`` on every side, so every sample lies inside) and 0 outside;
  f is the KAN's output and ``Z`` its integral over the box;
* ``g`` is a product of Laplace densities (per axis: the samples' median and mean absolute
  deviation), whose tails decay exponentially in every direction;
* ``eps = 2 D / (N + 1)`` by default: about the chance that a new sample falls outside the
  bounding box of N samples (``tail_weight``).

So the density never clips a point onto the box, and a point far from the data gets the
small density of the tail, not that of the nearest box edge. The KAN maximizes the mean
log-likelihood of the fitting samples under ``q_box`` (all of them lie in the box).

``Z`` comes from a midpoint rule on a regular grid of ``quad_points`` nodes per axis. A
fixed quadrature can be fooled: the network may put narrow spikes on the samples, between
quadrature nodes, where Z does not see them (an earlier prototype did this at p = 1 and
"beat" the true density's held-out NLL). Two defences:

* during training the quadrature grid is shifted by a fresh uniform random offset at
  every step (a randomly shifted lattice rule): mass hidden between nodes is seen in
  expectation, so spikes no longer pay off;
* after training, ``log Z`` is recomputed on a grid ``norm_refine`` times finer per axis,
  and that value normalizes :meth:`KANDensityEstimator.logpdf`.

Training stops early on the held-out NLL of ``validation_fraction`` of the samples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import torch

from .._validation import check_samples
from ..snapshots import SnapshotRecorder
from ._kan_core import BoxScaler, edge_list, evaluate, forward, n_live_parameters
from ._kan_trainer import Stage, Trainer
from ._pykan import new_kan, pykan_sandbox
from ._training import check_optimizer
from .base import BaseEstimator, DensityMixin, EstimatorTags, FitReport, check_is_fitted, data_box, split_validation

__all__ = ["KANDensityEstimator", "LaplaceTail", "midpoint_grid"]


def midpoint_grid(n: int, D: int) -> torch.Tensor:
    """Midpoints of an ``n ** D`` regular partition of ``[-1, 1]^D``, shape (n ** D, D)."""
    axis = -1.0 + (torch.arange(n, dtype=torch.float32) + 0.5) * (2.0 / n)
    mesh = torch.meshgrid(*([axis] * D), indexing="ij")
    return torch.stack([m.reshape(-1) for m in mesh], dim=1)


class LaplaceTail:
    """A product of per-axis Laplace densities fitted to samples (median, mean absolute deviation).

    Parameters
    ----------
    X : ndarray of shape (N, D)
    """

    def __init__(self, X: np.ndarray) -> None:
        self.center = np.median(X, axis=0)
        self.scale = np.maximum(np.mean(np.abs(X - self.center), axis=0), 1e-6)

    def logpdf(self, X: np.ndarray) -> np.ndarray:
        """Log-density at X (N, D), shape (N,)."""
        z = np.abs(np.asarray(X, dtype=float) - self.center) / self.scale
        log_density: np.ndarray = -np.sum(z + np.log(2.0 * self.scale), axis=1)
        return log_density


class _DensityProblem:
    """Negative log-likelihood of the fitting samples under ``q_box``; validation NLL under ``q``."""

    def __init__(
        self,
        x_data: torch.Tensor,
        X_val: np.ndarray,
        scaler: BoxScaler,
        tail: LaplaceTail,
        tail_weight: float,
        n_quad: int,
        seed: int,
    ) -> None:
        D = x_data.shape[1]
        self.x_data, self.X_val, self.scaler, self.tail = x_data, X_val, scaler, tail
        self.log_box, self.log_tail = float(np.log1p(-tail_weight)), float(np.log(tail_weight))
        self.quad = midpoint_grid(n_quad, D)
        self.h = 2.0 / n_quad
        self.log_volume = scaler.log_volume
        self.log_n = float(np.log(len(self.quad)))
        self.generator = torch.Generator().manual_seed(seed)
        self.log_norm: float | None = None  # set after training: the refined log Z
        # pykan's grid updates and cached activations use the samples plus as many uniform points
        g = torch.Generator().manual_seed(seed + 1)
        self.x_fit = torch.cat([x_data, torch.rand(len(x_data), D, generator=g) * 2.0 - 1.0])

    def _log_z(self, f_quad: torch.Tensor) -> torch.Tensor:
        return torch.logsumexp(f_quad, dim=0) - self.log_n + self.log_volume

    def objective(self, model: Any, step: int) -> tuple[torch.Tensor, float]:
        if getattr(self, "_shift", (None,))[0] != step:  # one shift per step, however often it is evaluated
            self._shift = (step, (torch.rand(1, self.quad.shape[1], generator=self.generator) - 0.5) * self.h)
        out = forward(model, torch.cat([self.x_data, self.quad + self._shift[1]]))[:, 0]
        n = len(self.x_data)
        nll = -out[:n].mean() + self._log_z(out[n:])
        return nll, float(nll.detach())

    def log_z(self, model: Any) -> float:
        if self.log_norm is not None:
            return self.log_norm
        return float(self._log_z(evaluate(model, self.quad)))

    def logpdf(self, model: Any, X: np.ndarray) -> np.ndarray:
        """log q at data points X (N, D): the box part (inside the box only) plus the tail."""
        U = self.scaler.to_unit(X)
        inside = torch.all(U.abs() <= 1.0, dim=1).numpy()
        box = np.full(len(X), -np.inf)
        if inside.any():
            box[inside] = evaluate(model, U[inside]).numpy().astype(float) - self.log_z(model)
        return np.logaddexp(self.log_box + box, self.log_tail + self.tail.logpdf(X))

    def train_loss(self, model: Any) -> float:
        return float(-evaluate(model, self.x_data).mean()) + self.log_z(model)

    def validation_loss(self, model: Any) -> float:
        return float(-np.mean(self.logpdf(model, self.X_val)))

    def density_unit(self, model: Any, U: torch.Tensor) -> np.ndarray:
        density: np.ndarray = np.exp(self.logpdf(model, self.scaler.from_unit_all(U.numpy())))
        return density


class KANDensityEstimator(DensityMixin, BaseEstimator):
    """Density estimation from samples with a KAN log-density (see the module notes).

    Parameters
    ----------
    hidden : list of int, default [5]
        Hidden widths; the network is ``[D, *hidden, 1]``.
    grid, k : int, default 10, 3
    steps : int, default 500
        Most Adam steps (full batch: all fitting samples and all quadrature nodes every step).
    lr : float, default 0.02
    lamb : float, default 0.0
        pykan's sparsity regularization.
    quad_points : int or None
        Quadrature nodes per axis during training; None gives 48 for D <= 2, 16 for D = 3
        and 8 beyond.
    norm_refine : int, default 4
        The final ``log Z`` uses ``norm_refine`` times more nodes per axis.
    domain_margin : float, default 0.1
        The box is the samples' bounding box widened by this fraction of its width per side.
    tail_weight : float or None
        ``eps``; None gives ``2 D / (N + 1)``.
    validation_fraction : float, default 0.2
    patience : int, default 100
        Steps without a lower validation NLL after which training stops.
    noise_scale : float, default 0.3
    threads : int, default 1

    Attributes
    ----------
    domain_ : ndarray of shape (D, 2)
    log_norm_ : float
        The final ``log Z`` of the box part.
    tail_weight_ : float
    model_ : kan.MultKAN
    best_steps_ : dict
    n_steps_ : int
        Optimizer steps taken.
    n_parameters_ : int
        Spline coefficients + 2 scales of every live edge.
    """

    tags = EstimatorTags(kind="density", progress=True, snapshots="density", budget=("steps",), neural=True)

    def __init__(
        self,
        hidden: Sequence[int] = (5,),
        grid: int = 10,
        k: int = 3,
        steps: int = 500,
        lr: float = 0.02,
        lamb: float = 0.0,
        quad_points: int | None = None,
        norm_refine: int = 4,
        domain_margin: float = 0.1,
        tail_weight: float | None = None,
        validation_fraction: float = 0.2,
        patience: int = 100,
        noise_scale: float = 0.3,
        threads: int = 1,
        optimizer: str = "adam",
        rel_tol: float = 0.0,
    ) -> None:
        if norm_refine < 1:
            raise ValueError(f"The parameter 'norm_refine' must be >= 1, but got {norm_refine}.")
        if tail_weight is not None and not 0 < tail_weight < 1:
            raise ValueError(f"The parameter 'tail_weight' must be None or in (0, 1), but got {tail_weight!r}.")
        self.hidden = hidden
        self.grid, self.k, self.steps = int(grid), int(k), int(steps)
        self.lr, self.lamb = float(lr), float(lamb)
        self.quad_points = None if quad_points is None else int(quad_points)
        self.norm_refine = int(norm_refine)
        self.domain_margin, self.tail_weight = float(domain_margin), tail_weight
        self.validation_fraction, self.patience = float(validation_fraction), int(patience)
        self.noise_scale, self.threads = float(noise_scale), int(threads)
        self.optimizer, self.rel_tol = check_optimizer(optimizer), float(rel_tol)

    def fit_report(self) -> FitReport:
        return replace(super().fit_report(), n_steps=self.n_steps_, best_steps=self.best_steps_, stages=self.stages_)

    def training_quad_points(self, D: int) -> int:
        """Quadrature nodes per axis used in training for dimension D."""
        if self.quad_points is not None:
            return self.quad_points
        return 48 if D <= 2 else 16 if D == 3 else 8

    def fit_work(self, n_samples: int, n_features: int) -> dict[str, int]:
        """The final normalization's quadrature nodes: ``(quad_points * norm_refine) ** D``.

        The grid grows exponentially with the dimension D (training evaluates
        ``quad_points ** D`` nodes at every step); see :meth:`BaseEstimator.fit_work`.
        """
        return {"quadrature_nodes": (self.training_quad_points(n_features) * self.norm_refine) ** n_features}

    def fit(
        self,
        X: Any,
        *,
        seed: int = 0,
        recorder: SnapshotRecorder | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> KANDensityEstimator:
        """Maximum likelihood on the samples ``X`` (a share is held out for early stopping)."""
        X = check_samples(X)
        N, D = X.shape
        if recorder is not None and D != 2:
            raise ValueError(f"Snapshots need 2-D data, but the data has D = {D}.")
        X_fit, X_val = split_validation(X, self.validation_fraction, seed)
        self.domain_ = data_box(X, self.domain_margin)
        self._scaler = scaler = BoxScaler(self.domain_)
        self.tail_weight_ = float(self.tail_weight or 2.0 * D / (N + 1))
        self._tail = LaplaceTail(X)
        n_quad = self.training_quad_points(D)
        problem = _DensityProblem(scaler.to_unit(X_fit), X_val, scaler, self._tail, self.tail_weight_, n_quad, seed)
        width = [D, *self.hidden, 1]
        edges = edge_list(width)
        if recorder is not None:
            recorder.start(self.steps, width, edges, "nll")
        with pykan_sandbox(seed, self.threads) as box:
            model = new_kan(width, self.grid, self.k, seed, box.ckpt_path, noise_scale=self.noise_scale)
            trainer = Trainer(model, problem, scaler, edges, box.ckpt_path, self.steps, recorder, box.unmuted(progress))
            self.model_ = trainer.run(
                [
                    Stage(
                        "train",
                        steps=self.steps,
                        lr=self.lr,
                        lamb=self.lamb,
                        update_grid=True,
                        patience=self.patience,
                        optimizer=self.optimizer,
                        rel_tol=self.rel_tol,
                    )
                ]
            )
            fine = midpoint_grid(n_quad * self.norm_refine, D)
            self.log_norm_ = float(
                torch.logsumexp(evaluate(self.model_, fine), dim=0) - np.log(len(fine)) + scaler.log_volume
            )
        problem.log_norm = self.log_norm_
        self._problem = problem
        self.best_steps_ = dict(trainer.stopped)
        self.stages_ = {name: outcome.record() for name, outcome in trainer.outcomes.items()}
        self.n_steps_ = trainer.step
        self.n_parameters_ = n_live_parameters(self.model_)
        return self

    def logpdf(self, X: Any) -> np.ndarray:
        """Normalized log-density on all of R^D, shape (N,)."""
        check_is_fitted(self)
        return self._problem.logpdf(self.model_, check_samples(X, len(self._scaler.center)))
