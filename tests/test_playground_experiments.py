"""The guided experiments' numbers: the build's Python runs are the page's runs, the export is
current, and the words around the numbers follow the numbers."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from ggmm_build.documents.exports import validate_export
from ggmm_build.pages import playground
from ggmm_build.pages.playground import EXPORT, page_hash, source_digest
from ggmm_build.pages.playground_text import experiment_text
from ggmm_build.pages.playground_training import train_page_run

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")

SESSION = """
import { Session } from "%s";
const settings = JSON.parse(process.argv[2]);
const s = new Session(settings), trace = [];
for (let i = 0; i < settings.steps; i++) { s.trainStep(); trace.push(s.trainLoss); }
console.log(JSON.stringify({ trace, validation: s.computeValidation() }));
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed: the page's session cannot run")
@pytest.mark.parametrize("task", ["density", "regression"])
def test_python_port_trains_the_pages_run(task: str, tmp_path: Path) -> None:
    """Same settings -> the same samples, split, initial parameters and shifts: pykan's loss
    curve equals the page's session to 1e-9."""
    settings = {
        "mixture": {
            "centers": [[-1, 0], [1.5, 1]],
            "scales": [[0.5, 0.4], [0.3, 0.6]],
            "weights": [0.6, 0.4],
            "p": [1, 1.5],
        },
        "samples": 300,
        "seed": 7,
        "task": task,
        "width": [2, 3, 1],
        "grid": 5,
        "k": 3,
        "lr": 0.02,
        "lamb": 0.001,
        "batch": 0,
        "gridUpdate": True,
        "steps": 12,
        "quad": 48,
    }
    script = tmp_path / "session.mjs"
    script.write_text(SESSION % (ROOT / "assets" / "js" / "playground" / "tasks.js").as_uri())
    out = subprocess.run(
        [NODE, str(script), json.dumps(settings)], capture_output=True, text=True, check=True, timeout=120
    )
    js = json.loads(out.stdout)
    py = train_page_run(settings, record_every=1)
    trace = np.array([loss for _, loss in py["trace"]])
    assert np.max(np.abs(np.array(js["trace"]) - trace) / np.abs(trace)) < 1e-9
    assert abs(js["validation"] - py["validation_loss"]) < 1e-9 * abs(py["validation_loss"])


def test_page_hash_is_read_back_by_the_page() -> None:
    settings = {**playground._BASE, "mixture": playground.EXPERIMENTS[0]["mixture"], "gridUpdate": False}
    hash_ = page_hash(settings)
    assert "gridupdate=0" in hash_ and "n=1000" in hash_ and "p=1;1" in hash_
    assert re.fullmatch(r"[A-Za-z0-9=&.,;_-]+", hash_)


def test_export_is_valid_and_current() -> None:
    doc = json.loads(EXPORT.read_text(encoding="utf-8"))
    assert validate_export(doc) == "ggmm-playground"
    assert doc["code"] == source_digest(), (
        "report/data/playground.json is stale: run `python -m ggmm_build.pages.playground` (about a minute of CPU)"
    )


def _flip(doc: dict, experiment: str, variant: int, key: str, value: float) -> dict:
    doc = copy.deepcopy(doc)
    exp = next(e for e in doc["experiments"] if e["id"] == experiment)
    exp["variants"][variant]["results"][key] = value
    return doc


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_words_follow_the_numbers(lang: str) -> None:
    doc = json.loads(EXPORT.read_text(encoding="utf-8"))
    lower, higher = ("lower than", "higher than") if lang == "en" else ("低于", "高于")
    better = _flip(_flip(doc, "grid_update", 0, "validation_loss", 1.0), "grid_update", 1, "validation_loss", 2.0)
    worse = _flip(_flip(doc, "grid_update", 0, "validation_loss", 2.0), "grid_update", 1, "validation_loss", 1.0)
    first = lambda text: text.splitlines()[0]  # noqa: E731
    assert lower in first(experiment_text(better, lang)) and higher not in first(experiment_text(better, lang))
    assert higher in first(experiment_text(worse, lang)) and lower not in first(experiment_text(worse, lang))
    for live, word in ((2, ("as many", "等于")), (5, ("more hidden", "多于")), (1, ("fewer", "少于"))):
        doc2 = copy.deepcopy(doc)
        doc2["experiments"][2]["variants"][0]["results"]["live_hidden"] = [live]
        assert word[0 if lang == "en" else 1] in experiment_text(doc2, lang).splitlines()[2]
    # every number quoted comes from the export
    text = experiment_text(doc, lang)
    for exp in doc["experiments"]:
        for v in exp["variants"]:
            assert f"{v['results']['validation_loss']:.3f}" in text
