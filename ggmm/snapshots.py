"""Training snapshots: the data behind the training-progress viewer (figure 3).

A :class:`SnapshotRecorder` is handed to a KAN estimator's ``fit``. The estimator
reports every optimizer step (losses) and, when the recorder asks for it, the state
of the network: the predicted density on the plotting grid, every edge's activation
curve, edge importance, live masks and widths. A frame is kept every ``cadence``
steps and at every stage boundary. Losses are on the estimator's own training and
validation samples: no test point enters training, not even for display. :meth:`SnapshotRecorder.to_dict` gives the
``ggmm-snapshots`` JSON document (version 2), whose models are in :mod:`ggmm.snapshot_model`
(JSON Schema: :func:`load_schema`, shipped as ``ggmm/schemas/snapshots.schema.json``);
:func:`validate_snapshots` checks a document against them and names the path of the first
bad field.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .packing import pack
from .snapshot_model import LOSS_NAMES, SCHEMA_NAME, SCHEMA_VERSION, STAGES, load_schema, validate_snapshots

__all__ = [
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "STAGES",
    "FrameState",
    "SnapshotRecorder",
    "load_schema",
    "validate_snapshots",
]

_F16_MAX = 6.0e4


def _sig(value: float, digits: int = 6) -> float:
    """Round to ``digits`` significant digits (keeps the JSON short)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"A loss value must be finite, but got {value}.")
    return float(f"{value:.{digits}g}")


@dataclass(frozen=True)
class FrameState:
    """The network's state at one frame, as the estimator computes it.

    Attributes
    ----------
    width : list of int
        Live nodes per layer.
    density : ndarray of shape (ny, nx)
        Predicted density on the recorder's grid (>= 0).
    edge_x, edge_y : ndarray of shape (E, S)
        Each edge's input samples over its live range and its activation there.
    importance : ndarray of shape (E,)
        Edge importance, >= 0 (normalized to max 1 by the recorder).
    live : ndarray of shape (E,)
        1 for a live edge, 0 for a pruned one.
    """

    width: list[int]
    density: np.ndarray
    edge_x: np.ndarray
    edge_y: np.ndarray
    importance: np.ndarray
    live: np.ndarray


class SnapshotRecorder:
    """Records losses at every step and frames at a fixed cadence and at stage boundaries.

    Parameters
    ----------
    grid_x : array-like of shape (nx,)
    grid_y : array-like of shape (ny,)
        Plotting grid axes (2-D datasets only).
    truth : array-like of shape (ny, nx)
        The true density on the grid (``DensityGrid.z``).
    cadence : int or None
        Keep a frame every ``cadence`` optimizer steps; when None it is derived from the
        run's total steps so that the run gives at least ``target_frames`` frames.
    target_frames : int, default 100
    curve_samples : int, default 48
        S, the points at which every edge's activation is sampled.

    Notes
    -----
    The estimator calls :meth:`start` once, :meth:`step` after every optimizer step and
    :meth:`boundary` at the start of the run and at the end of every stage. The frame
    payload is passed as a callable, evaluated only when a frame is kept.
    """

    def __init__(
        self,
        grid_x: Any,
        grid_y: Any,
        truth: Any,
        cadence: int | None = None,
        target_frames: int = 100,
        curve_samples: int = 48,
    ) -> None:
        self.grid_x = np.asarray(grid_x, dtype=float)
        self.grid_y = np.asarray(grid_y, dtype=float)
        if self.grid_x.ndim != 1 or self.grid_x.size < 2:
            raise ValueError(
                f"The parameter 'grid_x' should be 1-D with >= 2 points, but got shape {self.grid_x.shape}."
            )
        if self.grid_y.ndim != 1 or self.grid_y.size < 2:
            raise ValueError(
                f"The parameter 'grid_y' should be 1-D with >= 2 points, but got shape {self.grid_y.shape}."
            )
        self.truth = np.asarray(truth, dtype=float)
        if self.truth.shape != (self.grid_y.size, self.grid_x.size):
            raise ValueError(
                f"The parameter 'truth' should have shape (ny, nx) = "
                f"{(self.grid_y.size, self.grid_x.size)}, but got {self.truth.shape}."
            )
        if cadence is not None and (isinstance(cadence, bool) or not isinstance(cadence, int) or cadence < 1):
            raise ValueError(f"The parameter 'cadence' must be None or an integer >= 1, but got {cadence!r}.")
        for name, value, low in (("target_frames", target_frames, 1), ("curve_samples", curve_samples, 2)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"The parameter '{name}' must be an integer >= {low}, but got {value!r}.")
        self.requested_cadence = cadence
        self.target_frames = target_frames
        self.curve_samples = curve_samples
        self.cadence = cadence or 1
        self.layers: list[int] = []
        self.edges: list[tuple[int, int, int]] = []
        self.loss_name = "rmse"
        self.loss: dict[str, list[Any]] = {"step": [], "train": [], "validation": []}
        self.stages: list[dict[str, Any]] = []
        self.frames: list[dict[str, Any]] = []
        self._started = False

    # -- the grid, for estimators ------------------------------------------

    def grid_points(self) -> np.ndarray:
        """Grid nodes as samples, shape (ny * nx, 2), row-major over (y, x)."""
        gx, gy = np.meshgrid(self.grid_x, self.grid_y, indexing="xy")
        return np.column_stack([gx.ravel(), gy.ravel()])

    # -- recording ----------------------------------------------------------

    def start(
        self, total_steps: int, layers: Sequence[int], edges: Sequence[tuple[int, int, int]], loss_name: str
    ) -> None:
        """Begin a run (clears anything recorded before).

        Parameters
        ----------
        total_steps : int
            Optimizer steps the whole run will take (all stages).
        layers : sequence of int
            Initial widths, e.g. ``[2, 5, 1]``.
        edges : sequence of (layer, in, out)
            The E edges of the initial network in the order frames will use.
        loss_name : {"rmse", "nll"}
        """
        if loss_name not in LOSS_NAMES:
            raise ValueError(f"The parameter 'loss_name' must be one of {LOSS_NAMES}, but got {loss_name!r}.")
        total_steps = max(int(total_steps), 1)
        self.cadence = self.requested_cadence or max(1, total_steps // self.target_frames)
        self.layers = [int(n) for n in layers]
        self.edges = [(int(a), int(b), int(c)) for a, b, c in edges]
        self.loss_name = loss_name
        self.loss = {"step": [], "train": [], "validation": []}
        self.stages, self.frames = [], []
        self._started = True

    def wants_frame(self, step: int) -> bool:
        """Whether :meth:`step` will keep a frame at this step."""
        return step % self.cadence == 0

    def step(
        self,
        step: int,
        stage: str,
        train_loss: float,
        validation_loss: float | Callable[[], float],
        state: Callable[[], FrameState],
    ) -> None:
        """Record one optimizer step, and a frame if the cadence says so.

        Parameters
        ----------
        step : int
            Global step number (1-based, counted over all stages).
        stage : str
        train_loss : float
        validation_loss : float or callable returning float
        state : callable returning FrameState
            Called only when a frame is kept.
        """
        self._require_started()
        validation = float(validation_loss() if callable(validation_loss) else validation_loss)
        self.loss["step"].append(int(step))
        self.loss["train"].append(_sig(train_loss))
        self.loss["validation"].append(_sig(validation))
        if self.wants_frame(step):
            self._add_frame(step, stage, float(train_loss), validation, state())

    def boundary(
        self,
        step: int,
        stage: str,
        train_loss: float,
        validation_loss: float,
        state: FrameState,
        start: int | None = None,
    ) -> None:
        """Record a stage boundary: the frame at the end of ``stage`` (or the initial frame).

        Parameters
        ----------
        step : int
            The step at which the stage ends.
        stage : str
        start : int or None
            The step at which the stage started; when given, the stage is added to
            ``stages``; None records the run's initial frame only.
        """
        self._require_started()
        if stage not in STAGES:
            raise ValueError(f"The parameter 'stage' must be one of {STAGES}, but got {stage!r}.")
        if start is not None:
            self.stages.append({"name": stage, "start": int(start), "end": int(step)})
        if self.frames and self.frames[-1]["step"] == step and self.frames[-1]["stage"] == stage:
            self.frames.pop()  # the cadence frame at this very step is replaced by the boundary frame
        self._add_frame(step, stage, float(train_loss), float(validation_loss), state)

    def _require_started(self) -> None:
        if not self._started:
            raise ValueError("SnapshotRecorder.start(...) must be called before recording.")

    def _add_frame(self, step: int, stage: str, train_loss: float, validation_loss: float, state: FrameState) -> None:
        E, S = len(self.edges), self.curve_samples
        density = np.asarray(state.density, dtype=float)
        if density.shape != self.truth.shape:
            raise ValueError(f"The frame density should have shape {self.truth.shape}, but got {density.shape}.")
        if not np.all(np.isfinite(density)) or density.min() < 0:
            raise ValueError("The frame density must be finite and >= 0.")
        ex, ey = np.asarray(state.edge_x, dtype=float), np.asarray(state.edge_y, dtype=float)
        if ex.shape != (E, S) or ey.shape != (E, S):
            raise ValueError(f"The frame edge curves should have shape {(E, S)}, but got {ex.shape}, {ey.shape}.")
        importance = np.nan_to_num(np.asarray(state.importance, dtype=float), nan=0.0, posinf=0.0)
        importance = np.clip(importance, 0.0, None)
        top = importance.max() if importance.size else 0.0
        importance = importance / top if top > 0 else importance
        self.frames.append(
            {
                "step": int(step),
                "stage": stage,
                "train_loss": _sig(train_loss),
                "validation_loss": _sig(validation_loss),
                "width": [int(n) for n in state.width],
                "density": pack(np.clip(density, 0.0, _F16_MAX), "float16"),
                "edges": {
                    "x": pack(np.clip(np.nan_to_num(ex), -_F16_MAX, _F16_MAX), "float16"),
                    "y": pack(np.clip(np.nan_to_num(ey), -_F16_MAX, _F16_MAX), "float16"),
                    "importance": [round(float(v), 4) for v in importance],
                    "live": [int(bool(v)) for v in np.asarray(state.live).ravel()],
                },
            }
        )

    # -- export -------------------------------------------------------------

    def to_dict(self, run: dict[str, Any]) -> dict[str, Any]:
        """The snapshot document (validated before it is returned).

        Parameters
        ----------
        run : dict
            ``{"dataset", "method", "task", "seed"}``; ``"layers"`` defaults to the
            widths given to :meth:`start`.

        Returns
        -------
        dict
            JSON-safe, conforming to ``ggmm-snapshots`` version 2.
        """
        self._require_started()
        run = {"layers": list(self.layers), **run}
        doc = {
            "schema": SCHEMA_NAME,
            "version": SCHEMA_VERSION,
            "run": run,
            "grid": {"x": [_sig(v, 7) for v in self.grid_x], "y": [_sig(v, 7) for v in self.grid_y]},
            "truth": pack(self.truth, "float32"),
            "loss_name": self.loss_name,
            "loss": {k: list(v) for k, v in self.loss.items()},
            "stages": [dict(s) for s in self.stages],
            "edges": [{"layer": a, "in": b, "out": c} for a, b, c in self.edges],
            "frames": list(self.frames),
        }
        validate_snapshots(doc)
        return doc

    @property
    def n_frames(self) -> int:
        """Frames kept so far."""
        return len(self.frames)
