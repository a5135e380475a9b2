"""KAN density regression: learn x -> P(x) from density values at given points.

This is the original coursework's task, done so that the prediction is a density on the
whole plotted domain. The original fitted density values at points inside the blobs
with a linear output, so off the data the network extrapolated freely and predicted
negative densities (the report's reproduction job measures how far). Two remedies, both
on by default:

* ``output="exp"``: the network outputs the log-density and the prediction is its
  exponential, so it is positive everywhere by construction (the loss is still the
  squared error of the density, the quantity the comparison reports);
* ``domain_points``: the training points are the samples plus uniform points over the
  samples' domain (their bounding box widened by ``domain_margin``; ``domain_points``
  times as many), so every part of the domain is constrained by data, and the near-zero
  density off the blobs is learned, not extrapolated.

``output="linear", domain_points=0`` reproduces the original's setting (its
:meth:`~KANRegressor.predict_raw` shows the negative values; :meth:`density` clips
them at 0 to keep the interface's promise).

Training follows pykan's workflow in stages (:class:`~ggmm.estimators._kan_trainer.Stage`):
regularized training, pruning, grid refinement, re-training and an optional symbolic
step, all recordable as snapshots. Both training stages stop early on the validation
loss (the density RMSE at held-out samples) and keep their best step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from .._validation import check_samples
from ..snapshots import SnapshotRecorder
from ._kan_core import edge_list, n_live_parameters
from ._kan_stages import DEFAULT_SYMBOLIC_LIB, _check_schedule, _check_stages
from ._kan_trainer import Stage, Trainer
from ._pykan import new_kan, pykan_sandbox
from ._regression import LOG_DENSITY_CAP, RegressionOutputs, RegressionProblem, Target
from ._training import check_optimizer
from .base import EstimatorTags, FitReport, check_is_fitted
from .kan_symbolic import symbolic_copy

__all__ = ["KANRegressor", "LOG_DENSITY_CAP"]


class KANRegressor(RegressionOutputs):
    """pykan KAN regressing the density value at a point, trained in pykan's stages.

    Parameters
    ----------
    hidden : list of int, default [5]
        Hidden widths; the network is ``[D, *hidden, 1]``.
    grid, k : int, default 5, 3
        Grid intervals and spline order at the start ("refine" changes the grid).
    stages : list of str, default ["train", "prune", "refine", "retrain"]
        Any of "train", "prune", "refine", "retrain", "symbolic", starting with "train";
        "symbolic" (pykan's ``auto_symbolic`` on a copy, see :meth:`symbolic_density`) comes last.
    steps, retrain_steps : int, default 400, 300
        Most Adam steps of the "train" and "retrain" stages (full batch).
    lr : float, default 0.02
        Adam learning rate of "train".
    retrain_lr : float, default 0.005
        Adam learning rate of "retrain" (a fresh optimizer on the refined splines: a smaller
        rate keeps its first steps from undoing the fit).
    lamb : float, default 1e-2
        Strength of pykan's sparsity regularization (l1 + entropy) in "train".
    refine_grid : int, default 10
        Grid intervals after "refine".
    node_threshold, edge_threshold : float, default 1e-2, 3e-2
        pykan's pruning thresholds on node and edge attribution scores.
    domain_points : float, default 0.5
        Uniform points over the domain added to the samples, as a fraction of them.
    domain_margin : float, default 0.25
        The domain is the samples' bounding box widened by this fraction of its width on
        every side.
    output : {"exp", "linear"}, default "exp"
        The network's output is the log-density ("exp") or the density itself ("linear").
    resample_domain : bool, default True
        Draw fresh domain points at every step (from a generator seeded by ``seed``), so
        that over the run the whole domain is covered densely; a fixed set of
        ``domain_points`` still serves pykan's grid updates and the logged train loss.
    log_weight : float, default 0.1
        Weight of an extra squared error on the log-density (floored at 1e-3 of the peak).
        It penalizes spurious bumps off the blobs, where the density error is small but the
        log-density error is large, and keeps gradients alive where exp(output) is tiny.
    validation_fraction : float, default 0.2
        Share of the samples held out for early stopping.
    patience : int, default 100
        Steps without a lower validation loss after which a training stage stops.
    symbolic_lib : list of str
        pykan function names for the "symbolic" stage.
    symbolic_points : int, default 400
        Fitting points (a random subset) used by ``auto_symbolic``.
    symbolic_steps, symbolic_lr : int, float, default 100, 0.01
        Adam steps on the symbolic edges' affine parameters after ``auto_symbolic`` (pykan's
        workflow re-trains after fixing the functions); 0 keeps ``auto_symbolic``'s fit.
    noise_scale : float, default 0.3
        pykan's initial spline noise.
    threads : int, default 1
        Torch threads during fit.
    grid_schedule : list of int, optional
        Grid extension as in the KAN paper's scaling experiments: train at the first grid,
        then for each later (larger) grid refine the splines onto it (pykan's ``refine``, a
        least-squares fit of the coarser curves) and retrain; every grid's training stops
        early on the validation loss. It replaces ``grid`` and the "refine" and "retrain"
        stages, so ``stages`` must be ``["train"]`` (no pruning: every grid has the full
        network's parameters). The first grid trains with ``steps``, ``lr`` and ``lamb``, the
        later ones with ``retrain_steps`` and ``retrain_lr``. The network after each grid is
        kept (``grid_path_``, :meth:`density_at_grid`).

    Attributes
    ----------
    model_ : kan.MultKAN
        The fitted spline model (inputs scaled to [-1, 1] over ``domain_``).
    n_parameters_ : int
        Spline coefficients + 2 scales of every live edge (see ``ggmm.estimators._kan_core``).
    best_steps_ : dict
        Per training stage, the step whose parameters were kept.
    n_steps_ : int
        Optimizer steps taken over all stages (early stopping included).
    stage_seconds_ : dict
        Wall time per stage.
    symbolic_ : dict or None
        With "symbolic" in ``stages``: ``formula_latex`` (the density in data coordinates
        x_1, x_2, ...) and ``seconds``.
    grid_path_ : list of dict or None
        With ``grid_schedule``: per grid, in order, ``grid``, ``n_parameters``, ``best_step``
        (the optimizer step whose parameters were kept) and ``validation_rmse``.
    """

    tags = EstimatorTags(
        kind="regressor",
        progress=True,
        snapshots="regression",
        budget=("steps", "retrain_steps"),
        scaling="grid",
        neural=True,
    )

    def __init__(
        self,
        hidden: Sequence[int] = (5,),
        grid: int = 5,
        k: int = 3,
        stages: Sequence[str] = ("train", "prune", "refine", "retrain"),
        steps: int = 400,
        retrain_steps: int = 300,
        lr: float = 0.02,
        retrain_lr: float = 0.005,
        lamb: float = 1e-2,
        refine_grid: int = 10,
        node_threshold: float = 1e-2,
        edge_threshold: float = 3e-2,
        domain_points: float = 0.5,
        domain_margin: float = 0.25,
        output: str = "exp",
        resample_domain: bool = True,
        log_weight: float = 0.1,
        validation_fraction: float = 0.2,
        patience: int = 100,
        symbolic_lib: Sequence[str] = DEFAULT_SYMBOLIC_LIB,
        symbolic_points: int = 400,
        symbolic_steps: int = 100,
        symbolic_lr: float = 0.01,
        noise_scale: float = 0.3,
        threads: int = 1,
        grid_schedule: Sequence[int] | None = None,
        optimizer: str = "adam",
        rel_tol: float = 0.0,
    ) -> None:
        if output not in ("exp", "linear"):
            raise ValueError(f"The parameter 'output' must be 'exp' or 'linear', but got {output!r}.")
        if domain_points < 0:
            raise ValueError(f"The parameter 'domain_points' must be >= 0, but got {domain_points}.")
        self.hidden = hidden
        self.grid, self.k = int(grid), int(k)
        self.stages = stages
        _check_stages(stages)
        self.steps, self.retrain_steps = int(steps), int(retrain_steps)
        self.lr, self.retrain_lr = float(lr), float(retrain_lr)
        self.lamb, self.refine_grid = float(lamb), int(refine_grid)
        self.node_threshold, self.edge_threshold = float(node_threshold), float(edge_threshold)
        self.domain_points, self.domain_margin = float(domain_points), float(domain_margin)
        self.output, self.log_weight = output, float(log_weight)
        self.resample_domain = bool(resample_domain)
        self.validation_fraction, self.patience = float(validation_fraction), int(patience)
        self.symbolic_lib, self.symbolic_points = symbolic_lib, int(symbolic_points)
        self.symbolic_steps, self.symbolic_lr = int(symbolic_steps), float(symbolic_lr)
        self.noise_scale, self.threads = float(noise_scale), int(threads)
        self.grid_schedule = grid_schedule
        if grid_schedule is not None:
            _check_schedule(grid_schedule, list(stages))
        self.optimizer, self.rel_tol = check_optimizer(optimizer), float(rel_tol)

    # -- fitting ------------------------------------------------------------

    def _optim(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer, "rel_tol": self.rel_tol}

    def _stage_plan(self) -> list[Stage]:
        if self.grid_schedule is not None:
            plan = [
                Stage(
                    "train",
                    steps=self.steps,
                    lr=self.lr,
                    lamb=self.lamb,
                    update_grid=True,
                    patience=self.patience,
                    keep=True,
                    **self._optim(),
                )
            ]
            for grid in self.grid_schedule[1:]:
                plan += [
                    Stage("refine", grid=grid),
                    Stage(
                        "retrain",
                        steps=self.retrain_steps,
                        lr=self.retrain_lr,
                        patience=self.patience,
                        keep=True,
                        **self._optim(),
                    ),
                ]
            return plan
        plan = []
        for name in self.stages:
            if name == "train":
                plan.append(
                    Stage(
                        "train",
                        steps=self.steps,
                        lr=self.lr,
                        lamb=self.lamb,
                        update_grid=True,
                        patience=self.patience,
                        **self._optim(),
                    )
                )
            elif name == "retrain":
                plan.append(
                    Stage(
                        "retrain", steps=self.retrain_steps, lr=self.retrain_lr, patience=self.patience, **self._optim()
                    )
                )
            elif name == "refine":
                plan.append(Stage("refine", grid=self.refine_grid))
            elif name == "prune":
                plan.append(Stage("prune"))
        return plan

    def fit(
        self,
        X: Any,
        *,
        target: Target,
        seed: int = 0,
        recorder: SnapshotRecorder | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> KANRegressor:
        """Fit the density values ``target(x)`` at the samples ``X`` and over their domain.

        Parameters
        ----------
        X : array-like of shape (N, D)
            Samples; a share ``validation_fraction`` is held out for early stopping.
        target : callable
            ``target(points) -> density`` for points of shape (n, D): the true density.
        seed : int
            Seeds the validation split, the domain points and pykan's initialization.
        recorder : SnapshotRecorder, optional
            Records losses and frames (2-D data only).
        progress : callable(done_steps, total_steps), optional
        """
        problem, X_fit, rng = self._prepare(X, target, seed, recorder)
        D = X_fit.shape[1]
        plan = self._stage_plan()
        width = [D, *self.hidden, 1]
        edges = edge_list(width)
        total = sum(s.steps for s in plan)
        if recorder is not None:
            recorder.start(total, width, edges, "rmse")
        first_grid = self.grid if self.grid_schedule is None else self.grid_schedule[0]
        with pykan_sandbox(seed, self.threads) as box:
            model = new_kan(width, first_grid, self.k, seed, box.ckpt_path, noise_scale=self.noise_scale)
            trainer = Trainer(
                model,
                problem,
                self._scaler,
                edges,
                box.ckpt_path,
                total,
                recorder,
                box.unmuted(progress),
                self.node_threshold,
                self.edge_threshold,
            )
            self.model_ = trainer.run(plan)
            self.stage_seconds_ = dict(trainer.seconds)
            self.best_steps_ = dict(trainer.stopped)
            self.stages_ = {name: outcome.record() for name, outcome in trainer.outcomes.items()}
            self.n_steps_ = trainer.step
            self.problem_ = problem
            self._grid_models = {kept.grid: kept.model for kept in trainer.kept}
            self.grid_path_: list[dict[str, Any]] | None = (
                None
                if self.grid_schedule is None
                else [
                    {
                        "grid": kept.grid,
                        "n_parameters": n_live_parameters(kept.model),
                        "best_step": kept.step,
                        "stage": kept.outcome,
                        "validation_rmse": kept.validation_loss,
                    }
                    for kept in trainer.kept
                ]
            )
            self.symbolic_: dict[str, Any] | None = None
            self._symbolic_model = None
            if "symbolic" in self.stages:
                self._run_symbolic(trainer, X_fit, rng)
        self.n_parameters_ = n_live_parameters(self.model_)
        return self

    def _run_symbolic(self, trainer: Trainer, X_fit: np.ndarray, rng: np.random.Generator) -> None:
        """pykan's auto_symbolic on a copy of the model; the estimator keeps the spline model."""
        start = time.perf_counter()
        problem = trainer.problem
        idx = rng.choice(len(X_fit), size=min(self.symbolic_points, len(X_fit)), replace=False)
        sym, latex = symbolic_copy(
            trainer.model,
            problem,
            self._scaler.to_unit(X_fit[idx]),
            self._scaler,
            self.symbolic_lib,
            self.symbolic_steps,
            self.symbolic_lr,
            exp_offset=problem.offset if isinstance(problem, RegressionProblem) and self.output == "exp" else None,
        )
        seconds = time.perf_counter() - start
        self._symbolic_model = sym
        self.symbolic_ = {"formula_latex": latex, "seconds": float(seconds)}
        self.stage_seconds_["symbolic"] = seconds
        trainer.boundary(
            "symbolic", trainer.step, model=sym, losses=(problem.train_loss(sym), problem.validation_loss(sym))
        )

    def fit_report(self) -> FitReport:
        """Training outcome, the symbolic formula (its density too) and the grid path (each grid's density)."""
        report = replace(
            super().fit_report(),
            n_steps=self.n_steps_,
            best_steps=self.best_steps_,
            stages=self.stages_,
            symbolic=self.symbolic_,
        )
        if self.symbolic_ is not None:
            report = replace(report, symbolic_density=self.symbolic_density)
        if self.grid_path_ is not None:
            report = replace(
                report,
                grid_path=[{**g, "density": partial(self.density_at_grid, grid=g["grid"])} for g in self.grid_path_],
            )
        return report

    def density_at_grid(self, X: Any, grid: int) -> np.ndarray:
        """The density at X, shape (N,), of the network as it was after training on ``grid``.

        Only for a fit with ``grid_schedule``; ``grid`` is one of its grids.
        """
        check_is_fitted(self)
        if self.grid_schedule is None:
            raise ValueError("No grid path: fit with a grid_schedule.")
        if grid not in self._grid_models:
            raise ValueError(f"The parameter 'grid' must be one of {sorted(self._grid_models)}, but got {grid!r}.")
        X = check_samples(X, len(self._scaler.center))
        return self.problem_.density_unit(self._grid_models[grid], self._scaler.to_unit(X))

    def symbolic_density(self, X: Any) -> np.ndarray:
        """The symbolic formula's density at X, shape (N,) (fit with "symbolic" in ``stages``)."""
        check_is_fitted(self)
        if self._symbolic_model is None:
            raise ValueError("No symbolic result: fit with 'symbolic' in stages.")
        X = check_samples(X, len(self._scaler.center))
        return self.problem_.density_unit(self._symbolic_model, self._scaler.to_unit(X))
