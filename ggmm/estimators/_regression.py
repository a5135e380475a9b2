"""The density-regression task shared by the KAN and MLP regressors.

A regressor is fitted to known density values: at the samples and at uniform points over
the samples' domain (their bounding box widened by ``domain_margin``), the target is the
true density, given to ``fit`` as the callable ``target``. The network outputs the
log-density and the prediction is its exponential (``output="exp"``), or the density
itself (``output="linear"``, the original coursework's setting). A share
``validation_fraction`` of the samples is held out: the validation loss, the density RMSE
there, decides early stopping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .._validation import check_samples
from ..snapshots import SnapshotRecorder
from ._kan_core import BoxScaler, evaluate, forward
from .base import BaseEstimator, EstimatorTags, check_is_fitted, data_box, split_validation

__all__ = ["LOG_DENSITY_CAP", "RegressionOutputs", "RegressionProblem"]

#: Largest log-density the exponential output may reach (keeps predictions finite).
LOG_DENSITY_CAP = 12.0

Target = Callable[[np.ndarray], np.ndarray]


class RegressionProblem:
    """Squared error of the density at the fitting points (samples + domain points).

    Parameters
    ----------
    x_fit : torch.Tensor of shape (N_fit, D)
        Unit coordinates: the fitting samples, then ``n_domain`` fixed domain points.
    p_fit : ndarray of shape (N_fit,)
        The target there.
    x_val, p_val : torch.Tensor (M, D), ndarray (M,)
        Validation samples and their target.
    output : {"exp", "linear"}
    log_weight : float
    n_samples : int
        How many rows of ``x_fit`` are samples.
    target_unit : callable or None
        The target at unit coordinates; when given, the domain points are drawn afresh at
        every step from a generator seeded with ``seed``.
    """

    def __init__(
        self,
        x_fit: torch.Tensor,
        p_fit: np.ndarray,
        x_val: torch.Tensor,
        p_val: np.ndarray,
        output: str,
        log_weight: float,
        n_samples: int,
        target_unit: Callable[[np.ndarray], np.ndarray] | None = None,
        seed: int = 0,
    ) -> None:
        self.x_fit, self.x_val = x_fit, x_val
        self.n_samples, self.target_unit = n_samples, target_unit
        self.generator = torch.Generator().manual_seed(seed)
        self.p_fit = torch.as_tensor(p_fit, dtype=torch.float32)
        self.p_val = torch.as_tensor(p_val, dtype=torch.float32)
        self.output, self.log_weight = output, log_weight
        self.scale = float(self.p_fit.var()) or 1.0
        self.floor = 1e-3 * float(self.p_fit.max())
        self.log_target = torch.log(torch.clamp(self.p_fit, min=self.floor))
        # a fixed output offset: at initialization (output ~ 0) the prediction sits at the typical
        # log-density level instead of 1 everywhere, which otherwise first drives every output
        # far down and can leave the exponential stuck near 0
        self.offset = float(self.log_target.mean()) if output == "exp" else 0.0
        # the fitting points, targets and log targets of the current block of steps
        self._block: tuple[int, torch.Tensor, torch.Tensor, torch.Tensor] | None = None

    def to_density(self, raw: torch.Tensor) -> torch.Tensor:
        if self.output == "exp":
            return torch.exp(torch.clamp(raw + self.offset, max=LOG_DENSITY_CAP))
        return raw

    #: Steps whose fresh domain points are drawn (and their target evaluated) in one batch.
    BLOCK = 64

    def fitting_points(self, step: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Samples plus domain points; with ``target_unit`` set, fresh domain points every step.

        The points of step ``step`` are the same at every evaluation within that step (L-BFGS
        evaluates a step several times). They are drawn for :attr:`BLOCK` consecutive steps at
        once, and the block's fitting points and targets assembled: one target evaluation per
        block instead of one per step.
        """
        if self.target_unit is None or len(self.x_fit) == self.n_samples:
            return self.x_fit, self.p_fit, self.log_target
        block = (step - 1) // self.BLOCK
        if self._block is None or self._block[0] != block:
            n, D = len(self.x_fit) - self.n_samples, self.x_fit.shape[1]
            U = torch.rand(self.BLOCK * n, D, generator=self.generator) * 2.0 - 1.0
            p = torch.as_tensor(self.target_unit(U.numpy()), dtype=torch.float32).view(self.BLOCK, n)
            samples = self.x_fit[: self.n_samples].expand(self.BLOCK, -1, -1)
            x = torch.cat([samples, U.view(self.BLOCK, n, D)], dim=1)
            p = torch.cat([self.p_fit[: self.n_samples].expand(self.BLOCK, -1), p], dim=1)
            self._block = (block, x, p, torch.log(torch.clamp(p, min=self.floor)))
        row = (step - 1) % self.BLOCK
        return self._block[1][row], self._block[2][row], self._block[3][row]

    def objective(self, model: Any, step: int) -> tuple[torch.Tensor, float]:
        x, p, log_target = self.fitting_points(step)
        raw = forward(model, x)[:, 0]
        density = self.to_density(raw)
        mse = torch.mean((density - p) ** 2)
        objective = mse / self.scale
        if self.output == "exp" and self.log_weight > 0:
            objective = objective + self.log_weight * torch.mean(
                (torch.clamp(raw + self.offset, min=float(log_target.min())) - log_target) ** 2
            )
        return objective, float(torch.sqrt(mse.detach()))

    def rmse_of_raw(self, raw: torch.Tensor, p: torch.Tensor) -> float:
        """Density RMSE of the raw network outputs ``raw`` against the target ``p``."""
        density = torch.clamp(self.to_density(raw), min=0.0)
        return float(torch.sqrt(torch.mean((density - p) ** 2)))

    def _rmse(self, model: Any, x: torch.Tensor, p: torch.Tensor) -> float:
        return self.rmse_of_raw(evaluate(model, x), p)

    def train_loss(self, model: Any) -> float:
        return self._rmse(model, self.x_fit, self.p_fit)

    def validation_loss(self, model: Any) -> float:
        return self._rmse(model, self.x_val, self.p_val)

    def density_unit(self, model: Any, U: torch.Tensor) -> np.ndarray:
        return torch.clamp(self.to_density(evaluate(model, U)), min=0.0).numpy().astype(float)


class RegressionOutputs(BaseEstimator):
    """What every density-regression model gives once fitted (KAN or MLP).

    Subclasses have the hyperparameters ``domain_points``, ``domain_margin``, ``output``,
    ``log_weight``, ``resample_domain`` and ``validation_fraction``, call :meth:`_prepare`
    in ``fit`` and set ``model_``, ``problem_`` and ``n_parameters_``.

    Fitted attributes
    -----------------
    domain_ : ndarray of shape (D, 2)
        The box the network's inputs are scaled from and the domain points are drawn in.
    model_ : the fitted network
    """

    tags = EstimatorTags(kind="regressor")
    model_: Any = None

    def _prepare(
        self, X: Any, target: Target, seed: int, recorder: SnapshotRecorder | None
    ) -> tuple[RegressionProblem, np.ndarray, np.random.Generator]:
        """The fitting problem: samples plus uniform points over the domain, and the validation split.

        Returns the problem, the fitting points (N_fit, D) in data units and the generator,
        which later draws (the symbolic step's subset) continue.
        """
        X = check_samples(X)
        if not callable(target):
            raise ValueError(
                f"The parameter 'target' must be a callable giving the density at points, "
                f"but got {type(target).__name__}."
            )
        D = X.shape[1]
        if recorder is not None and D != 2:
            raise ValueError(f"Snapshots need 2-D data, but the data has D = {D}.")
        X_fit, X_val = split_validation(X, self.validation_fraction, seed)
        rng = np.random.default_rng(seed)
        self.domain_ = data_box(X, self.domain_margin)
        lo, hi = self.domain_[:, 0], self.domain_[:, 1]
        n_domain = int(round(self.domain_points * len(X_fit)))
        X_all = np.vstack([X_fit, rng.uniform(lo, hi, size=(n_domain, D))])
        self._scaler = scaler = BoxScaler(self.domain_)

        def target_unit(U: np.ndarray) -> np.ndarray:
            return np.asarray(target(scaler.from_unit_all(U)), dtype=float)

        problem = RegressionProblem(
            scaler.to_unit(X_all),
            np.asarray(target(X_all), dtype=float),
            scaler.to_unit(X_val),
            np.asarray(target(X_val), dtype=float),
            self.output,
            self.log_weight,
            len(X_fit),
            target_unit if self.resample_domain and getattr(self, "optimizer", "adam") == "adam" else None,
            seed,
        )
        return problem, X_all, rng

    def predict_raw(self, X: Any) -> np.ndarray:
        """The network's output at X (log-density for ``output="exp"``), shape (N,)."""
        check_is_fitted(self)
        X = check_samples(X, len(self._scaler.center))
        raw: np.ndarray = evaluate(self.model_, self._scaler.to_unit(X)).numpy().astype(float)
        return raw + float(self.problem_.offset)

    def density(self, X: Any) -> np.ndarray:
        """Predicted density, shape (N,), >= 0 and finite (a "linear" output is clipped at 0)."""
        check_is_fitted(self)
        X = check_samples(X, len(self._scaler.center))
        density: np.ndarray = self.problem_.density_unit(self.model_, self._scaler.to_unit(X))
        return density
