"""Training snapshots: the data behind the training-progress viewer (figure 3).

A :class:`SnapshotRecorder` is handed to a KAN estimator's ``fit``. The estimator
reports every optimizer step (losses) and, when the recorder asks for it, the state
of the network: the predicted density on the plotting grid, every edge's activation
curve, edge importance, live masks and widths. A frame is kept every ``cadence``
steps and at every stage boundary. Losses are on the estimator's own training and
validation samples: no test point enters training, not even for display. :meth:`SnapshotRecorder.to_dict` gives the
``ggmm-snapshots`` JSON document (version 2) described by
``ggmm/schemas/snapshots.schema.json``; :func:`validate_snapshots` checks a document
against that format in plain Python and names the path of the first bad field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from .checking import Checker
from .packing import pack

__all__ = [
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "STAGES",
    "FrameState",
    "SnapshotRecorder",
    "load_schema",
    "validate_snapshots",
]

SCHEMA_NAME = "ggmm-snapshots"
SCHEMA_VERSION = 2
#: Stage names, in the order of pykan's workflow.
STAGES = ("train", "prune", "refine", "retrain", "symbolic")
TASKS = ("regression", "density", "ka")
LOSS_NAMES = ("rmse", "nll")
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


# ---------------------------------------------------------------------------
# Validation (plain Python; mirrors ggmm/schemas/snapshots.schema.json)
# ---------------------------------------------------------------------------


def load_schema() -> dict[str, Any]:
    """The JSON Schema document shipped with the package."""
    text = resources.files("ggmm").joinpath("schemas/snapshots.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_snapshots(obj: Any) -> None:
    """Check a snapshot document against the ``ggmm-snapshots`` version 2 format.

    Beyond the structure of ``snapshots.schema.json`` it checks what a JSON Schema
    cannot: array lengths that must agree (loss series, E edges, S samples, grid sizes),
    packed byte counts, densities >= 0 and a frame at the end of every stage.

    Parameters
    ----------
    obj : dict
        A parsed snapshot document.

    Raises
    ------
    ValueError
        Naming the path of the first bad field, e.g. ``frames[3].edges.x.shape``.
    """
    c = Checker("Invalid snapshots at ")
    c.table(obj, "")
    if c.get(obj, "schema", "", str) != SCHEMA_NAME:
        c.fail("schema", f"expected {SCHEMA_NAME!r}, got {obj['schema']!r}")
    if c.get(obj, "version", "", int) != SCHEMA_VERSION:
        c.fail("version", f"expected {SCHEMA_VERSION}, got {obj['version']!r}")

    run = c.get(obj, "run", "", dict)
    for key in ("dataset", "method"):
        c.get(run, key, "run", str)
    c.one_of(c.get(run, "task", "run", str), "run.task", TASKS)
    c.get(run, "seed", "run", int)
    layers = c.integers(c.get(run, "layers", "run", list), "run.layers", minimum=1)
    if len(layers) < 2:
        c.fail("run.layers", f"expected at least 2 layers, got {layers}")

    grid = c.get(obj, "grid", "", dict)
    gx = c.numbers(c.get(grid, "x", "grid", list), "grid.x")
    gy = c.numbers(c.get(grid, "y", "grid", list), "grid.y")
    for name, axis in (("grid.x", gx), ("grid.y", gy)):
        if len(axis) < 2 or any(b <= a for a, b in zip(axis, axis[1:], strict=False)):
            c.fail(name, "expected at least 2 strictly increasing values")
    ny, nx = len(gy), len(gx)
    c.packed(c.get(obj, "truth", "", dict), "truth", (ny, nx), non_negative=True)

    c.one_of(c.get(obj, "loss_name", "", str), "loss_name", LOSS_NAMES)
    loss = c.get(obj, "loss", "", dict)
    steps = c.integers(c.get(loss, "step", "loss", list), "loss.step", minimum=0)
    c.numbers(c.get(loss, "train", "loss", list), "loss.train", len(steps))
    c.numbers(c.get(loss, "validation", "loss", list), "loss.validation", len(steps))
    if any(b < a for a, b in zip(steps, steps[1:], strict=False)):
        c.fail("loss.step", "expected non-decreasing step numbers")

    stages = c.get(obj, "stages", "", list)
    for i, stage in enumerate(stages):
        where = f"stages[{i}]"
        c.one_of(c.get(stage, "name", where, str), f"{where}.name", STAGES)
        start, end = c.get(stage, "start", where, int), c.get(stage, "end", where, int)
        if end < start:
            c.fail(f"{where}.end", f"expected end >= start ({start}), got {end}")

    edges = c.get(obj, "edges", "", list)
    for i, edge in enumerate(edges):
        where = f"edges[{i}]"
        layer = c.get(edge, "layer", where, int)
        if not 0 <= layer < len(layers) - 1:
            c.fail(f"{where}.layer", f"expected 0 <= layer < {len(layers) - 1}, got {layer}")
        if not 0 <= c.get(edge, "in", where, int) < layers[layer]:
            c.fail(f"{where}.in", f"expected 0 <= in < {layers[layer]}, got {edge['in']}")
        if not 0 <= c.get(edge, "out", where, int) < layers[layer + 1]:
            c.fail(f"{where}.out", f"expected 0 <= out < {layers[layer + 1]}, got {edge['out']}")
    E = len(edges)

    frames = c.get(obj, "frames", "", list)
    if not frames:
        c.fail("frames", "expected at least one frame")
    samples: int | None = None
    for i, frame in enumerate(frames):
        where = f"frames[{i}]"
        c.get(frame, "step", where, int)
        c.one_of(c.get(frame, "stage", where, str), f"{where}.stage", STAGES)
        c.get(frame, "train_loss", where, (int, float))
        c.get(frame, "validation_loss", where, (int, float))
        c.integers(c.get(frame, "width", where, list), f"{where}.width", len(layers), minimum=0)
        c.packed(c.get(frame, "density", where, dict), f"{where}.density", (ny, nx), ("float16",), non_negative=True)
        fe = c.get(frame, "edges", where, dict)
        x = c.packed(c.get(fe, "x", f"{where}.edges", dict), f"{where}.edges.x", (E, samples), ("float16",))
        samples = x.shape[1]
        c.packed(c.get(fe, "y", f"{where}.edges", dict), f"{where}.edges.y", (E, samples), ("float16",))
        importance = c.numbers(c.get(fe, "importance", f"{where}.edges", list), f"{where}.edges.importance", E)
        if any(v < 0 or v > 1 for v in importance):
            c.fail(f"{where}.edges.importance", "expected values in [0, 1]")
        live = c.integers(c.get(fe, "live", f"{where}.edges", list), f"{where}.edges.live", E, minimum=0)
        if any(v > 1 for v in live):
            c.fail(f"{where}.edges.live", "expected 0 or 1 values")
    if any(b["step"] < a["step"] for a, b in zip(frames, frames[1:], strict=False)):
        c.fail("frames", "expected frames in non-decreasing step order")
    for i, stage in enumerate(stages):
        if not any(f["step"] == stage["end"] and f["stage"] == stage["name"] for f in frames):
            c.fail(f"stages[{i}]", f"no frame at the end of stage {stage['name']!r} (step {stage['end']})")
