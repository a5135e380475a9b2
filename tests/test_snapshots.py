"""Snapshot recording and the ggmm-snapshots format: a real recorded run is valid, broken
documents are rejected with the path of the bad field."""

from __future__ import annotations

import base64
import copy
import json
from importlib import resources

import jsonschema
import numpy as np
import pytest

from ggmm import get_preset
from ggmm.estimators import KAMixtureKAN, KANDensityEstimator, KANRegressor, MLPRegressor
from ggmm.packing import pack, unpack
from ggmm.snapshot_model import schema_text
from ggmm.snapshots import STAGES, SnapshotRecorder, load_schema, validate_snapshots

RUN = {"dataset": "original", "method": "kan", "task": "regression", "seed": 0}


class Data:
    """Samples of a preset and its plotting box."""

    def __init__(self, name: str, n: int, seed: int) -> None:
        preset = get_preset(name)
        self.mixture, self.bounds = preset.mixture, preset.bounds
        self.X_train, _ = preset.mixture.sample(n, seed=seed)


def recorder_for(data: Data, n: int = 30, **kwargs) -> SnapshotRecorder:
    g = data.mixture.grid(data.bounds, n)
    return SnapshotRecorder(g.axes[0], g.axes[1], g.z, **kwargs)


@pytest.fixture(scope="module")
def data() -> Data:
    return Data("original", 600, seed=0)


@pytest.fixture(scope="module")
def recorded(data: Data) -> dict:
    rec = recorder_for(data, curve_samples=16)
    KANRegressor(
        steps=60,
        retrain_steps=40,
        refine_grid=8,
        patience=10_000,
        node_threshold=0.1,  # prunes a hidden node (score about 0.06; the next lowest is about 0.11)
        stages=["train", "prune", "refine", "retrain", "symbolic"],
        symbolic_lib=["x", "x^2", "exp", "abs"],
        symbolic_points=50,
    ).fit(data.X_train, target=data.mixture.pdf, seed=0, recorder=rec)
    return json.loads(json.dumps(rec.to_dict(RUN)))  # what a reader gets back from the file


def test_a_real_recorded_run_is_valid(recorded: dict) -> None:
    validate_snapshots(recorded)
    assert recorded["run"]["layers"] == [2, 5, 1]
    assert [s["name"] for s in recorded["stages"]] == list(STAGES)
    assert recorded["loss"]["step"] == list(range(1, 101))
    assert len(recorded["edges"]) == 15


def test_stage_boundaries_are_frames(recorded: dict) -> None:
    frames = recorded["frames"]
    assert frames[0]["step"] == 0
    for stage in recorded["stages"]:
        assert any(f["step"] == stage["end"] and f["stage"] == stage["name"] for f in frames)
    # cadence: total 100 steps, target 100 frames -> every step, plus the boundaries
    assert len(frames) >= 100


def test_recorded_density_is_non_negative_and_curves_are_finite(recorded: dict) -> None:
    for frame in recorded["frames"]:
        density = unpack(frame["density"]).astype(float)
        assert density.shape == (30, 30) and density.min() >= 0
        x, y = unpack(frame["edges"]["x"]), unpack(frame["edges"]["y"])
        assert x.shape == y.shape == (15, 16) and np.all(np.isfinite(y))
        assert max(frame["edges"]["importance"]) == pytest.approx(1.0)
    # layer-0 curves are in data units: they span the domain
    first = unpack(recorded["frames"][-2]["edges"]["x"]).astype(float)
    assert first[0].min() < -3.0 and first[0].max() > 3.0


def _live_widths(live: list[int], edges: list[dict], layers: list[int]) -> list[int]:
    """Nodes per layer that live edges keep: an input with a live outgoing edge, a hidden node with live
    edges on both sides, an output with a live incoming edge."""
    sends: list[set[int]] = [set() for _ in layers]
    receives: list[set[int]] = [set() for _ in layers]
    for flag, edge in zip(live, edges, strict=True):
        if flag:
            sends[edge["layer"]].add(edge["in"])
            receives[edge["layer"] + 1].add(edge["out"])
    hidden = [len(sends[i] & receives[i]) for i in range(1, len(layers) - 1)]
    return [len(sends[0]), *hidden, len(receives[-1])]


def test_pruned_edges_are_marked_and_widths_shrink(recorded: dict) -> None:
    frames, edges, layers = recorded["frames"], recorded["edges"], recorded["run"]["layers"]
    start = frames[0]
    assert start["width"] == [2, 5, 1] and all(start["edges"]["live"])
    # every frame's widths are the nodes its live edges keep
    for frame in frames:
        assert frame["width"] == _live_widths(frame["edges"]["live"], edges, layers), frame["step"]
    # pruning removed something here, and a pruned edge never comes back in a later frame
    last_train = [f for f in frames if f["stage"] == "train"][-1]
    pruned = [f for f in frames if f["stage"] == "prune"][-1]
    assert sum(pruned["edges"]["live"]) < sum(last_train["edges"]["live"])
    assert sum(pruned["width"]) < sum(last_train["width"])
    later = frames[frames.index(pruned) :]
    for before, after in zip(later, later[1:], strict=False):
        assert all(b or not a for a, b in zip(after["edges"]["live"], before["edges"]["live"], strict=True)), (
            before["stage"],
            after["stage"],
        )


def _nan16(shape: tuple[int, ...]) -> dict:
    """A float16 packed array holding NaN (``pack`` refuses to write one)."""
    return {"dtype": "float16", "shape": list(shape), "data": base64.b64encode(np.full(shape, np.nan, "<f2")).decode()}


def _set(path: str, value):
    """A breakage setting the field at a dotted path (``frames.3.edges.x``) to ``value``."""

    def breakage(doc: dict) -> None:
        *parents, last = (int(k) if k.isdigit() else k for k in path.split("."))
        for key in parents:
            doc = doc[key]
        doc[last] = value

    return breakage


@pytest.mark.parametrize(
    ("breakage", "path"),
    [
        # the document, its name and version
        (lambda d: d.clear() or d.update({"frames": []}), "schema"),
        (_set("schema", "other"), "schema"),
        (_set("version", 1), "version"),
        (_set("version", 2.0), "version"),
        (_set("version", True), "version"),
        (lambda d: d.pop("loss"), "loss"),
        # run
        (lambda d: d["run"].pop("seed"), "run.seed"),
        (_set("run.seed", True), "run.seed"),
        (_set("run.dataset", 3), "run.dataset"),
        (_set("run.method", None), "run.method"),
        (_set("run.task", "classification"), "run.task"),
        (_set("run.layers", [2]), "run.layers"),
        (_set("run.layers", (2, 5, 1)), "run.layers"),
        (_set("run.layers.1", 0), "run.layers[1]"),
        (_set("run.layers.1", 5.0), "run.layers[1]"),
        # grid and truth
        (_set("grid.x", [0.0]), "grid.x"),
        (_set("grid.x.3", -10.0), "grid.x"),
        (_set("grid.y.0", float("nan")), "grid.y[0]"),
        (_set("grid.y.0", False), "grid.y[0]"),
        (_set("truth", pack(np.zeros((30, 29)), "float32")), "truth.shape"),
        (_set("truth", pack(np.zeros(900), "float32")), "truth.shape"),
        (_set("truth", pack(-np.ones((30, 30)), "float32")), "truth.data"),
        (_set("truth.data", "AAAA"), "truth.data"),
        (_set("truth.data", "not base64!"), "truth.data"),
        (_set("truth.dtype", "float64"), "truth.dtype"),
        (_set("truth.shape", [30, -30]), "truth.shape[1]"),
        (lambda d: d["truth"].pop("data"), "truth.data"),
        (_set("truth", [0.0]), "truth"),
        # losses
        (_set("loss_name", "mse"), "loss_name"),
        (lambda d: d["loss"]["validation"].pop(), "loss.validation"),
        (lambda d: d["loss"]["train"].append(0.5), "loss.train"),
        (_set("loss.train.4", float("inf")), "loss.train[4]"),
        (_set("loss.step.0", -1), "loss.step[0]"),
        (_set("loss.step.0", 50), "loss.step"),
        # stages and edges
        (_set("stages.0.name", "warmup"), "stages[0].name"),
        (_set("stages.1.end", 0), "stages[1].end"),
        (_set("stages.1.start", 1.5), "stages[1].start"),
        (_set("edges.0.in", 7), "edges[0].in"),
        (_set("edges.0.in", -1), "edges[0].in"),
        (_set("edges.14.out", 1), "edges[14].out"),
        (_set("edges.0.layer", 2), "edges[0].layer"),
        (_set("edges.0.layer", True), "edges[0].layer"),
        # frames
        (_set("frames", []), "frames"),
        (_set("frames.0.step", 1.0), "frames[0].step"),
        (_set("frames.0.stage", "warmup"), "frames[0].stage"),
        (_set("frames.0.train_loss", float("nan")), "frames[0].train_loss"),
        (_set("frames.0.validation_loss", True), "frames[0].validation_loss"),
        (lambda d: d["frames"][0].pop("width"), "frames[0].width"),
        (lambda d: d["frames"][0]["width"].pop(), "frames[0].width"),
        (_set("frames.0.width.0", -1), "frames[0].width[0]"),
        (_set("frames.3.density", pack(np.zeros((30, 29)))), "frames[3].density.shape"),
        (_set("frames.3.density", pack(np.zeros((30, 30)), "float32")), "frames[3].density.dtype"),
        (_set("frames.4.density", pack(-np.ones((30, 30)))), "frames[4].density.data"),
        (_set("frames.4.density", _nan16((30, 30))), "frames[4].density.data"),
        (_set("frames.2.edges.x", pack(np.zeros((14, 16)))), "frames[2].edges.x.shape"),
        (_set("frames.2.edges.x", pack(np.zeros((15, 17)))), "frames[2].edges.x.shape"),
        (_set("frames.2.edges.x", pack(np.zeros(15 * 16))), "frames[2].edges.x.shape"),
        (_set("frames.2.edges.x", _nan16((15, 16))), "frames[2].edges.x.data"),
        (_set("frames.2.edges.y", pack(np.zeros((15, 17)))), "frames[2].edges.y.shape"),
        (_set("frames.2.edges.y", pack(np.zeros((15, 16)), "float32")), "frames[2].edges.y.dtype"),
        (lambda d: d["frames"][2]["edges"].pop("y"), "frames[2].edges.y"),
        (lambda d: d["frames"][1]["edges"]["importance"].pop(), "frames[1].edges.importance"),
        (_set("frames.1.edges.importance.0", 1.01), "frames[1].edges.importance[0]"),
        (_set("frames.1.edges.importance.0", -0.1), "frames[1].edges.importance[0]"),
        (lambda d: d["frames"][1]["edges"]["live"].append(1), "frames[1].edges.live"),
        (_set("frames.1.edges.live.0", 2), "frames[1].edges.live[0]"),
        (_set("frames.1.edges.live.0", True), "frames[1].edges.live[0]"),
        (_set("frames.1.edges.live.0", 1.0), "frames[1].edges.live[0]"),
        (lambda d: d["frames"].insert(0, d["frames"].pop(5)), "frames"),
        (lambda d: d.__setitem__("frames", [f for f in d["frames"] if f["stage"] != "refine"]), "stages[2]"),
    ],
)
def test_broken_documents_are_rejected_with_the_path(recorded: dict, breakage, path: str) -> None:
    doc = copy.deepcopy(recorded)
    breakage(doc)
    with pytest.raises(ValueError) as info:
        validate_snapshots(doc)
    assert str(info.value).startswith(f"Invalid snapshots at {path}: ")


@pytest.mark.parametrize("obj", [None, 5, [], "ggmm-snapshots"])
def test_a_document_that_is_not_an_object_is_rejected(obj) -> None:
    with pytest.raises(ValueError, match=r"^Invalid snapshots at \(document\): "):
        validate_snapshots(obj)


def test_fields_the_format_does_not_name_are_accepted(recorded: dict) -> None:
    doc = copy.deepcopy(recorded)
    doc["note"] = "extra"
    doc["run"]["profile"] = "quick"
    doc["truth"]["units"] = "density"
    doc["frames"][0]["seconds"] = 1.5
    doc["frames"][0]["edges"]["x"]["note"] = None
    validate_snapshots(doc)


def test_the_schema_is_generated_from_the_model_and_names_the_format() -> None:
    schema = load_schema()
    assert schema["$id"] == "ggmm-snapshots-v2"
    assert schema["properties"]["schema"]["const"] == "ggmm-snapshots"
    assert schema["properties"]["version"]["const"] == 2
    assert set(schema["required"]) == {
        "schema",
        "version",
        "run",
        "grid",
        "truth",
        "loss_name",
        "loss",
        "stages",
        "edges",
        "frames",
    }


def test_the_shipped_schema_file_is_the_models_schema() -> None:
    shipped = resources.files("ggmm").joinpath("schemas/snapshots.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(), "regenerate it: python -m ggmm.snapshot_model > ggmm/schemas/snapshots.schema.json"


def test_the_schema_accepts_a_recorded_run_and_rejects_a_broken_one(recorded: dict) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(recorded, schema)
    for breakage in (_set("run.task", "classification"), _set("frames.0.edges.live.0", 2), _set("frames", [])):
        doc = copy.deepcopy(recorded)
        breakage(doc)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, schema)


def test_cadence_is_derived_for_at_least_the_target(data: Data) -> None:
    rec = recorder_for(data)
    rec.start(total_steps=700, layers=[2, 5, 1], edges=[], loss_name="rmse")
    assert rec.cadence == 7 and 700 // rec.cadence >= 100
    rec = recorder_for(data, cadence=7)
    rec.start(total_steps=700, layers=[2, 5, 1], edges=[], loss_name="rmse")
    assert rec.cadence == 7


def test_density_ka_and_mlp_runs_record_valid_files(data: Data) -> None:
    for estimator, task in [
        (KANDensityEstimator(steps=20, grid=5, quad_points=16), "density"),
        (KAMixtureKAN(steps=20, grid=10, quad_points=50), "ka"),
        (MLPRegressor(hidden=[8], steps=20), "regression"),
    ]:
        rec = recorder_for(data, curve_samples=8)
        estimator.fit(
            data.X_train, seed=0, recorder=rec, **({"target": data.mixture.pdf} if task == "regression" else {})
        )
        doc = rec.to_dict({**RUN, "task": task})
        validate_snapshots(json.loads(json.dumps(doc)))
        assert doc["loss_name"] == ("rmse" if task == "regression" else "nll")
        # the frames follow the run from its start to its last step, each a non-negative density on the grid
        steps = [frame["step"] for frame in doc["frames"]]
        assert steps[0] == 0 and steps == sorted(steps) and steps[-1] == estimator.n_steps_, (task, steps)
        assert doc["loss"]["step"][-1] == estimator.n_steps_ == doc["stages"][-1]["end"], task
        for frame in doc["frames"]:
            density = unpack(frame["density"]).astype(float)
            assert density.shape == (30, 30) and density.min() >= 0, task


def test_recorder_rejects_bad_arguments(data: Data) -> None:
    g = data.mixture.grid(data.bounds, 10)
    with pytest.raises(ValueError, match="truth"):
        SnapshotRecorder(g.axes[0], g.axes[1], g.z[:, :5])
    with pytest.raises(ValueError, match="cadence"):
        SnapshotRecorder(g.axes[0], g.axes[1], g.z, cadence=0)
    rec = SnapshotRecorder(g.axes[0], g.axes[1], g.z)
    with pytest.raises(ValueError, match="start"):
        rec.to_dict(RUN)
    data3 = Data("trivariate", 50, seed=0)
    with pytest.raises(ValueError, match="2-D"):
        KANRegressor(steps=2).fit(data3.X_train, target=data3.mixture.pdf, seed=0, recorder=rec)
