"""Snapshot recording and the ggmm-snapshots format: a real recorded run is valid, broken
documents are rejected with the path of the bad field."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from ggmm import get_preset
from ggmm.estimators import KAMixtureKAN, KANDensityEstimator, KANRegressor, MLPRegressor
from ggmm.packing import pack, unpack
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


@pytest.mark.parametrize(
    ("breakage", "path"),
    [
        (lambda d: d.pop("loss"), "loss"),
        (lambda d: d.__setitem__("version", 1), "version"),
        (lambda d: d.__setitem__("schema", "other"), "schema"),
        (lambda d: d["run"].pop("seed"), "run.seed"),
        (lambda d: d["run"].__setitem__("task", "classification"), "run.task"),
        (lambda d: d["frames"][3].__setitem__("density", pack(np.zeros((30, 29)))), "frames[3].density.shape"),
        (lambda d: d["frames"][2]["edges"].__setitem__("x", pack(np.zeros((14, 16)))), "frames[2].edges.x.shape"),
        (lambda d: d["frames"][1]["edges"]["importance"].pop(), "frames[1].edges.importance"),
        (lambda d: d["frames"][0].pop("width"), "frames[0].width"),
        (lambda d: d["frames"][4].__setitem__("density", pack(-np.ones((30, 30)))), "frames[4].density.data"),
        (lambda d: d["loss"]["validation"].pop(), "loss.validation"),
        (lambda d: d["stages"][0].__setitem__("name", "warmup"), "stages[0].name"),
        (lambda d: d["edges"][0].__setitem__("in", 7), "edges[0].in"),
        (lambda d: d["truth"].__setitem__("data", "AAAA"), "truth.data"),
        (lambda d: d.__setitem__("frames", [f for f in d["frames"] if f["stage"] != "refine"]), "stages[2]"),
    ],
)
def test_broken_documents_are_rejected_with_the_path(recorded: dict, breakage, path: str) -> None:
    doc = copy.deepcopy(recorded)
    breakage(doc)
    with pytest.raises(ValueError) as info:
        validate_snapshots(doc)
    assert str(info.value).startswith(f"Invalid snapshots at {path}:")


def test_schema_file_is_shipped_and_names_the_format() -> None:
    schema = load_schema()
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
