"""The staged trainer of the pykan-based estimators: the stages, the kept copies, the loop.

A :class:`Trainer` runs a list of :class:`Stage` on a pykan model for a task
(:class:`KANProblem`): the training stages through the common loop
(:func:`~ggmm.estimators._training.train_stage`), pykan's pruning (done with masks, so
edges keep their numbers, see :mod:`._kan_core`) and grid refinement. It reports losses
and frames to a snapshot recorder and progress to a callback, and keeps a copy of the
network at the end of every stage marked ``keep`` (:class:`Kept`).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import torch

from ..snapshots import FrameState, SnapshotRecorder
from ._kan_core import BoxScaler, clone_model, edge_curves, edge_importance, live_edges, live_width, update_grid
from ._pykan import mask_edges, refine_kan
from ._training import StageOutcome, train_stage

__all__ = ["Kept", "Trainer", "Stage", "KANProblem"]


class KANProblem(Protocol):
    """What the trainer needs of a task: an objective, a validation loss and densities."""

    x_fit: torch.Tensor  # inputs of the objective (cached by pykan for curves and importance)

    def objective(self, model: Any, step: int) -> tuple[torch.Tensor, float]: ...

    def validation_loss(self, model: Any) -> float: ...

    def train_loss(self, model: Any) -> float: ...

    def density_unit(self, model: Any, U: torch.Tensor) -> np.ndarray: ...


@dataclass
class Stage:
    """One stage of the workflow.

    ``name`` is one of "train", "prune", "refine", "retrain", "symbolic"; ``steps`` (the
    most), ``lr``, ``lamb`` and ``patience`` apply to the two training stages, ``grid`` to
    "refine". A training stage stops after ``patience`` steps without a lower validation
    loss and keeps the parameters of its best step. With ``keep`` the trainer stores a copy
    of the network as it is at the end of the stage (:attr:`Trainer.kept`).
    """

    name: str
    steps: int = 0
    lr: float = 0.01
    lamb: float = 0.0
    grid: int = 0
    update_grid: bool = False
    patience: int = 100
    keep: bool = False
    optimizer: str = "adam"
    rel_tol: float = 0.0


@dataclass
class Kept:
    """A copy of the network at the end of a stage with ``keep`` set.

    Attributes
    ----------
    stage : str
    grid : int
        Grid intervals of its splines.
    step : int
        The optimizer step whose parameters it holds (the stage's best step).
    validation_loss : float
    model : kan.MultKAN
    """

    stage: str
    grid: int
    step: int
    validation_loss: float
    model: Any
    outcome: dict[str, Any] | None = None


@dataclass
class Trainer:
    """Runs stages on a pykan model, reporting to a recorder and a progress callback."""

    model: Any
    problem: KANProblem
    scaler: BoxScaler
    edges: list[tuple[int, int, int]]
    ckpt_path: str
    total_steps: int
    recorder: SnapshotRecorder | None = None
    progress: Callable[[int, int], None] | None = None
    node_threshold: float = 1e-2
    edge_threshold: float = 3e-2
    grid_updates: int = 10
    validate_every: int = 10
    step: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    stopped: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)
    outcomes: dict[str, StageOutcome] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._every = max(1, self.total_steps // 50)
        if self.recorder is not None:
            self._grid_units = self.scaler.to_unit(self.recorder.grid_points())
            ny, nx = self.recorder.truth.shape
            self._grid_shape = (ny, nx)

    # -- frames -------------------------------------------------------------

    def frame_state(self, model: Any | None = None) -> FrameState:
        model = self.model if model is None else model
        assert self.recorder is not None
        live = live_edges(model)
        return FrameState(
            width=live_width(model),
            density=self.problem.density_unit(model, self._grid_units).reshape(self._grid_shape),
            edge_x=(curves := edge_curves(model, self.recorder.curve_samples, self.scaler, self.edges))[0],
            edge_y=curves[1],
            importance=edge_importance(model, self.edges),
            live=np.array([int(live[layer][i, j]) for layer, i, j in self.edges]),
        )

    def boundary(
        self, stage: str, start: int | None, model: Any | None = None, losses: tuple[float, float] | None = None
    ) -> None:
        """Record the frame that closes ``stage`` (or the initial frame when ``start`` is None)."""
        if self.recorder is None:
            return
        model = self.model if model is None else model
        model.get_act(self.problem.x_fit)
        train, val = (
            losses if losses is not None else (self.problem.train_loss(model), self.problem.validation_loss(model))
        )
        self.recorder.boundary(self.step, stage, train, val, self.frame_state(model), start=start)

    # -- stages -------------------------------------------------------------

    def run(self, stages: list[Stage]) -> Any:
        self.boundary(stages[0].name if stages else "train", None)
        for stage in stages:
            start, t0 = self.step, time.perf_counter()
            if stage.name in ("train", "retrain"):
                self._train(stage)
            elif stage.name == "prune":
                self._prune()
            elif stage.name == "refine":
                self.model = refine_kan(self.model, stage.grid, self.problem.x_fit, self.ckpt_path)
            else:
                raise ValueError(f"The trainer does not run stage {stage.name!r}.")
            self.seconds[stage.name] = self.seconds.get(stage.name, 0.0) + time.perf_counter() - t0
            if stage.keep:
                self.kept.append(
                    Kept(
                        stage.name,
                        int(self.model.act_fun[0].num),
                        self.stopped.get(stage.name, self.step),
                        self.problem.validation_loss(self.model),
                        clone_model(self.model),
                        self.outcomes[stage.name].record() if stage.name in self.outcomes else None,
                    )
                )
            self.boundary(stage.name, start)
        return self.model

    def _train(self, stage: Stage) -> None:
        model = self.model
        params = [p for p in model.parameters() if p.requires_grad]
        update_every = max(1, stage.steps // (2 * self.grid_updates))

        def before(local: int) -> None:
            if stage.update_grid and local < stage.steps // 2 and local % update_every == 0:
                update_grid(model, self.problem.x_fit)

        def objective(step: int) -> tuple[torch.Tensor, float]:
            model.want_reg = stage.lamb > 0
            loss, train_loss = self.problem.objective(model, step)
            if stage.lamb > 0:
                # the penalty leaves the model with the loss: a graph tensor held there would
                # make the model impossible to copy (kept stages, the symbolic step)
                loss, model.last_reg = loss + stage.lamb * model.last_reg, None
            return loss, train_loss

        def after(step: int, train_loss: float, val: float | None, stop: bool) -> None:
            self.step = step
            self._report(stage, train_loss, val, model)

        start = self.step
        try:
            outcome = train_stage(
                params=params,
                objective=objective,
                validate=lambda: self.problem.validation_loss(model),
                get_state=lambda: copy.deepcopy(model.state_dict()),
                set_state=model.load_state_dict,
                steps=stage.steps,
                lr=stage.lr,
                optimizer=stage.optimizer,
                patience=stage.patience,
                every=self.validate_every,
                rel_tol=stage.rel_tol,
                first_step=start + 1,
                before_step=before,
                after_step=after,
            )
        finally:
            model.want_reg = False
        self.step = start + outcome.steps
        self.stopped[stage.name] = start + outcome.best_step
        self.outcomes[stage.name] = outcome

    def _report(self, stage: Stage, train_loss: float, val: float | None, model: Any) -> None:
        if self.recorder is not None:
            self.recorder.step(
                self.step,
                stage.name,
                train_loss,
                (lambda: val) if val is not None else (lambda: self.problem.validation_loss(model)),
                self.frame_state,
            )
        if self.progress is not None and (self.step % self._every == 0 or self.step == self.total_steps):
            self.progress(self.step, self.total_steps)

    def _prune(self) -> None:
        """pykan's prune (nodes by node score, then edges by edge score) done with masks."""
        model = self.model
        model.get_act(self.problem.x_fit)
        model.attribute(plot=False)
        keep = [torch.ones_like(layer.mask.data, dtype=torch.bool) for layer in model.act_fun]
        for layer in range(1, len(model.act_fun)):
            dead = model.node_scores[layer] <= self.node_threshold
            keep[layer - 1][:, dead] = False
            keep[layer][dead, :] = False
        mask_edges(model, keep)
        model.get_act(self.problem.x_fit)
        model.attribute(plot=False)
        edge_keep = [(s.T > self.edge_threshold) for s in model.edge_scores]
        mask_edges(model, edge_keep)
