"""The export models: every committed export is valid, bad documents are refused naming the field,
and the JSON Schemas generated from the models accept the committed exports."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ggmm_build.documents.exports import load_export, validate_export
from ggmm_build.documents.models import EXPORT_MODELS, json_schemas, main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "report" / "data"
EXPORTS = sorted(DATA.glob("*.json")) + sorted(DATA.glob("training/*.json"))


def _read(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.relative_to(DATA).as_posix())
def test_every_committed_export_is_valid(path: Path) -> None:
    assert validate_export(json.loads(path.read_text(encoding="utf-8"))) in EXPORT_MODELS


def test_every_document_type_is_committed() -> None:
    committed = {json.loads(path.read_text(encoding="utf-8"))["schema"] for path in EXPORTS}
    assert committed == set(EXPORT_MODELS)


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        (
            "comparison.json",
            lambda d: d["summary"][0].pop("rmse_test"),
            r"ggmm-comparison\.summary\[0\]\.rmse_test: missing",
        ),
        (
            "comparison.json",
            lambda d: d["summary"][0]["rmse_test"].update(lo=-1.0, mean=0.0),
            r"summary\[0\]\.rmse_test: an RMSE interval cannot go below 0",
        ),
        ("comparison.json", lambda d: d["comparisons"][0].update(n=True), r"comparisons\[0\]\.n: .*integer.*True"),
        (
            "comparison.json",
            lambda d: d["summary"][0].update(dataset="nowhere"),
            r"summary\[0\]\.dataset: must be one of .*'nowhere'",
        ),
        (
            "comparison.json",
            lambda d: d["comparisons"][0].update(borderline=not d["comparisons"][0]["borderline"]),
            r"comparisons\[0\]\.borderline: should be true exactly when",
        ),
        ("presets.json", lambda d: d["presets"][0]["title"].update(zh=""), r"presets\[0\]\.title\.zh: String should"),
        (
            "presets.json",
            lambda d: d["presets"][0]["mixture"].update(weights=[2.0]),
            r"presets\[0\]\.mixture: .*mixture",
        ),
        ("manifest.json", lambda d: d["files"].append("../etc/passwd"), r"files\[\d+\]: .*relative file name"),
        ("timings.json", lambda d: d["jobs"][0].update(seconds=-1.0), r"jobs\[0\]\.seconds: .*greater than or equal"),
        ("recovered.json", lambda d: d["datasets"][0]["curves"][0]["learned"].pop(), r"curves\[0\]\.learned: expected"),
        ("em_history.json", lambda d: d["runs"][0].update(iterations=[]), r"runs\[0\]\.iterations: .*at least 1"),
        ("comparison.json", lambda d: d.update(version=1), r"ggmm-comparison\.version: this code reads version 2"),
        ("comparison.json", lambda d: d.update(schema="ggmm-nothing"), r"\(document\)\.schema: must be one of"),
    ],
)
def test_bad_documents_are_refused_naming_the_field(name: str, edit: Any, message: str) -> None:
    doc = copy.deepcopy(_read(name))
    validate_export(doc)  # the committed document is valid before the edit
    edit(doc)
    with pytest.raises(ValueError, match=message):
        validate_export(doc)


def test_tuning_entries_as_the_tuning_export_writes_them() -> None:
    """Per entry: candidates (declared grid, then extensions), scores (null where a fit failed),
    the chosen setting among the candidates, n_extended and the axes' status."""
    entry = {
        "dataset": "bimodal",
        "method": "kde",
        "score": "nll",
        "candidates": [{"h": 0.1}, {"h": 0.2}, {"h": 0.4}],
        "scores": [1.0, None, 0.9],
        "rung": [1, 0, 1],
        "rungs": [0.5, 1.0],
        "chosen": {"h": 0.4},
        "axes": {"h": {"values": [0.1, 0.2, 0.4], "status": "inside"}},
        "n_extended": 1,
        "failed": [],
    }
    doc = {
        "schema": "ggmm-tuning",
        "version": 2,
        "tuning_seeds": [1000],
        "n_validation": 500,
        "candidates_budget": 2,
        "scheme": {"name": "successive-halving", "rungs": [0.5, 1.0], "keep": 0.5, "extensions": 3},
        "entries": [entry],
    }
    assert validate_export(doc) == "ggmm-tuning"
    for edit, message in [
        (lambda e: e.update(n_extended=0), r"entries\[0\]\.candidates: expected 1 to 2 declared settings, got 3"),
        (lambda e: e.update(chosen={"h": 9.0}), r"entries\[0\]\.chosen: is not one of the candidates"),
        (lambda e: e["axes"]["h"].update(status="edge"), r"entries\[0\]\.axes\.h\.status: Input should be"),
        (lambda e: e.update(scores=[1.0]), r"entries\[0\]\.scores: expected 3 scores, got 1"),
        (lambda e: e.pop("axes"), r"entries\[0\]\.axes: missing"),
    ]:
        bad = copy.deepcopy(doc)
        edit(bad["entries"][0])
        with pytest.raises(ValueError, match=message):
            validate_export(bad)


def test_load_export_names_the_file(tmp_path: Path) -> None:
    doc = _read("original.json")
    doc["runs"][0]["rmse_test"] = "high"
    (tmp_path / "original.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValueError, match=r"original\.json: ggmm-original\.runs\[0\]\.rmse_test: .*'high'"):
        load_export(tmp_path / "original.json")


def test_json_schemas_accept_the_committed_exports(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    written = {path.name for path in tmp_path.glob("*.schema.json")}
    assert written == {f"{name}.schema.json" for name in EXPORT_MODELS if name != "ggmm-snapshots"}
    schemas = json_schemas()
    assert "n_extended" in schemas["ggmm-tuning"]["$defs"]["TuningEntry"]["required"]
    for path in EXPORTS:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["schema"] in schemas:
            jsonschema.validate(doc, schemas[doc["schema"]])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"schema": "ggmm-original", "version": 2, "runs": [{}]}, schemas["ggmm-original"])
