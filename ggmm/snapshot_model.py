"""The ``ggmm-snapshots`` document (version 2) as typed models (pydantic).

:class:`SnapshotDocument` states every field of the training-viewer files written by
:class:`ggmm.snapshots.SnapshotRecorder`: its type (strict: no coercion, booleans are not
numbers, numbers are finite) and the relations between fields (the loss series share one
length, every frame has E edges with S samples each, packed arrays decode to the grid's
shape, densities are >= 0, every stage has a frame at its end step). Fields a model does not
name are accepted as they are.

:func:`validate_snapshots` validates through the models and names the path of the first bad
field; :func:`load_schema` gives their JSON Schema, shipped as
``ggmm/schemas/snapshots.schema.json`` (``python -m ggmm.snapshot_model`` prints it).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, TypeVar, get_args

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from pydantic_core import ErrorDetails

from .packing import unpack

__all__ = [
    "LOSS_NAMES",
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "STAGES",
    "TASKS",
    "SnapshotDocument",
    "load_schema",
    "schema_text",
    "validate_snapshots",
]

SchemaName = Literal["ggmm-snapshots"]
SCHEMA_NAME: str = get_args(SchemaName)[0]
SCHEMA_VERSION = 2

Stage = Literal["train", "prune", "refine", "retrain", "symbolic"]
Task = Literal["regression", "density", "ka"]
LossName = Literal["rmse", "nll"]
#: Stage names, in the order of pykan's workflow.
STAGES: tuple[str, ...] = get_args(Stage)
TASKS: tuple[str, ...] = get_args(Task)
LOSS_NAMES: tuple[str, ...] = get_args(LossName)

Count = Annotated[int, Field(ge=0)]
Loc = tuple[int | str, ...]


class Problem(ValueError):
    """A bad field at ``loc``, relative to the model whose validator raises it."""

    def __init__(self, loc: Loc, problem: str) -> None:
        super().__init__(problem)
        self.loc, self.problem = loc, problem


class Part(BaseModel):
    """A part of the document: strict types, finite numbers, unnamed fields accepted."""

    model_config = ConfigDict(strict=True, extra="allow", allow_inf_nan=False)


def _version(value: int) -> int:
    if value != SCHEMA_VERSION:
        raise ValueError(f"expected {SCHEMA_VERSION}, got {value}")
    return value


def _increasing(values: list[float]) -> list[float]:
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        raise ValueError("expected strictly increasing values")
    return values


#: A grid axis: at least 2 strictly increasing numbers.
GridAxis = Annotated[list[float], Field(min_length=2), AfterValidator(_increasing)]


class Packed(Part):
    """A packed array: base64 of the little-endian C-order bytes (ggmm.packing)."""

    dtype: Literal["float16", "float32"]
    shape: list[Count]
    data: Annotated[str, Field(json_schema_extra={"contentEncoding": "base64"})]
    _array: np.ndarray = PrivateAttr()

    @model_validator(mode="after")
    def _decodes(self) -> Packed:
        try:
            array = unpack({"dtype": self.dtype, "shape": self.shape, "data": self.data})
        except ValueError as exc:
            raise Problem(("data",), str(exc)) from None
        if not np.all(np.isfinite(array)):
            raise Problem(("data",), "holds NaN or inf")
        self._array = array
        return self

    @property
    def array(self) -> np.ndarray:
        """The decoded array."""
        return self._array


class Packed16(Packed):
    """A packed array of float16 values."""

    dtype: Literal["float16"]


PackedT = TypeVar("PackedT", bound=Packed)


def _non_negative(packed: PackedT) -> PackedT:
    array = packed.array
    if array.size and array.min() < 0:
        raise Problem(("data",), f"expected values >= 0, got minimum {float(array.min())}")
    return packed


class Run(Part):
    dataset: str
    method: str
    task: Task
    seed: int
    layers: list[Annotated[int, Field(ge=1)]] = Field(min_length=2, description="Initial widths, e.g. [2, 5, 1].")


class Grid(Part):
    """Plotting grid axes (2-D datasets only)."""

    x: GridAxis
    y: GridAxis


class Loss(Part):
    """One entry per optimizer step, over all stages."""

    step: list[Count]
    train: list[float]
    validation: list[float]

    @model_validator(mode="after")
    def _series(self) -> Loss:
        for name, series in (("train", self.train), ("validation", self.validation)):
            if len(series) != len(self.step):
                raise Problem((name,), f"expected {len(self.step)} entries, got {len(series)}")
        if any(b < a for a, b in zip(self.step, self.step[1:], strict=False)):
            raise Problem(("step",), "expected non-decreasing step numbers")
        return self


class StageSpan(Part):
    name: Stage
    start: Count
    end: Count

    @model_validator(mode="after")
    def _ordered(self) -> StageSpan:
        if self.end < self.start:
            raise Problem(("end",), f"expected end >= start ({self.start}), got {self.end}")
        return self


class Edge(Part):
    layer: Count
    in_: Count = Field(alias="in")
    out: Count


class FrameEdges(Part):
    x: Packed16 = Field(
        description="Shape (E, S): S points over each edge's live input range. Edges of layer 0 are in data "
        "coordinates; deeper edges in the units of the hidden node feeding them."
    )
    y: Packed16 = Field(description="Shape (E, S): the edge activation phi(x) at those points.")
    importance: list[Annotated[float, Field(ge=0, le=1)]] = Field(description="Edge importance normalized to max 1.")
    live: list[Annotated[int, Field(ge=0, le=1)]] = Field(description="1 = live, 0 = pruned.")


class Frame(Part):
    step: Count
    stage: Stage
    train_loss: float
    validation_loss: float
    width: list[Count] = Field(description="Live nodes per layer at this frame.")
    density: Annotated[Packed16, AfterValidator(_non_negative)] = Field(
        description="Predicted density on the grid, shape (ny, nx), >= 0."
    )
    edges: FrameEdges


def _shape(loc: Loc, packed: Packed, expected: tuple[int | None, ...]) -> None:
    got = packed.shape
    if len(got) != len(expected) or any(w is not None and w != n for w, n in zip(expected, got, strict=False)):
        raise Problem((*loc, "shape"), f"expected {['*' if s is None else s for s in expected]}, got {got}")


def _length(loc: Loc, values: list[Any], expected: int) -> None:
    if len(values) != expected:
        raise Problem(loc, f"expected {expected} entries, got {len(values)}")


class SnapshotDocument(Part):
    """A ``ggmm-snapshots`` document, version 2."""

    schema_: SchemaName = Field(alias="schema")
    version: Annotated[int, Field(json_schema_extra={"const": SCHEMA_VERSION}), AfterValidator(_version)]
    run: Run
    grid: Grid
    truth: Annotated[Packed, AfterValidator(_non_negative)] = Field(
        description="True density on the grid, shape (ny, nx)."
    )
    loss_name: LossName = Field(
        description="rmse: root mean squared error of the density; nll: mean negative log-likelihood in nats."
    )
    loss: Loss
    stages: list[StageSpan]
    edges: list[Edge] = Field(
        description="The E edges of the initial network in a fixed order; frames index their edge arrays in this order."
    )
    frames: list[Frame] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SnapshotDocument:
        layers, grid = self.run.layers, (len(self.grid.y), len(self.grid.x))
        _shape(("truth",), self.truth, grid)
        for i, edge in enumerate(self.edges):
            if edge.layer >= len(layers) - 1:
                raise Problem(("edges", i, "layer"), f"expected 0 <= layer < {len(layers) - 1}, got {edge.layer}")
            for key, value, bound in (("in", edge.in_, layers[edge.layer]), ("out", edge.out, layers[edge.layer + 1])):
                if value >= bound:
                    raise Problem(("edges", i, key), f"expected 0 <= {key} < {bound}, got {value}")
        n_edges, samples = len(self.edges), None
        for i, frame in enumerate(self.frames):
            _length(("frames", i, "width"), frame.width, len(layers))
            _shape(("frames", i, "density"), frame.density, grid)
            _shape(("frames", i, "edges", "x"), frame.edges.x, (n_edges, samples))
            samples = frame.edges.x.shape[1]
            _shape(("frames", i, "edges", "y"), frame.edges.y, (n_edges, samples))
            _length(("frames", i, "edges", "importance"), frame.edges.importance, n_edges)
            _length(("frames", i, "edges", "live"), frame.edges.live, n_edges)
        if any(b.step < a.step for a, b in zip(self.frames, self.frames[1:], strict=False)):
            raise Problem(("frames",), "expected frames in non-decreasing step order")
        for i, stage in enumerate(self.stages):
            if not any(f.step == stage.end and f.stage == stage.name for f in self.frames):
                raise Problem(("stages", i), f"no frame at the end of stage {stage.name!r} (step {stage.end})")
        return self


# ---------------------------------------------------------------------------
# Validation and the JSON Schema
# ---------------------------------------------------------------------------


def _path(loc: Loc) -> str:
    """A location as a path: ``frames[3].edges.x``."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).removeprefix(".")
    return text or "(document)"


def _located(error: ErrorDetails) -> tuple[str, str]:
    """The path of the bad field and what is wrong with it, from one pydantic error."""
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, Problem):
        return _path((*error["loc"], *cause.loc)), cause.problem
    if error["type"] == "missing":
        return _path(error["loc"]), "missing"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] != "value_error":
        shown = repr(error["input"])
        message += f", got {shown if len(shown) <= 40 else shown[:37] + '...'}"
    return _path(error["loc"]), message


def validate_snapshots(obj: Any) -> None:
    """Check a snapshot document against the ``ggmm-snapshots`` version 2 format.

    Beyond what ``snapshots.schema.json`` states it checks the relations between fields:
    array lengths that must agree (loss series, E edges, S samples, grid sizes), packed
    byte counts, densities >= 0 and a frame at the end of every stage.

    Parameters
    ----------
    obj : dict
        A parsed snapshot document.

    Raises
    ------
    ValueError
        Naming the path of the first bad field, e.g. ``frames[3].edges.x.shape``.
    """
    try:
        SnapshotDocument.model_validate(obj)
    except ValidationError as exc:
        where, problem = _located(exc.errors(include_url=False)[0])
        raise ValueError(f"Invalid snapshots at {where}: {problem}") from None


def load_schema() -> dict[str, Any]:
    """The JSON Schema of the format, generated from :class:`SnapshotDocument`."""
    schema = SnapshotDocument.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_NAME}-v{SCHEMA_VERSION}",
        **schema,
        "title": f"{SCHEMA_NAME}, version {SCHEMA_VERSION}: training snapshots of a KAN estimator "
        "(losses on the training and validation samples)",
        "description": "Written by ggmm.snapshots.SnapshotRecorder.to_dict and checked by "
        "ggmm.snapshots.validate_snapshots, which also checks what this schema cannot express: the loss "
        "series share one length; every frame has E edges (the length of 'edges') with S samples each; "
        "packed byte counts match their shapes; densities are >= 0; every stage has a frame at its end step.",
    }


def schema_text() -> str:
    """:func:`load_schema` as the text of ``ggmm/schemas/snapshots.schema.json``."""
    return json.dumps(load_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
