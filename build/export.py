"""Turn job results into the report's compact JSON exports.

Every export carries ``schema`` and ``version``. Floats are rounded to 7 significant
digits and large arrays are packed (``ggmm.packing``), so the files stay small and two
builds from the same results are byte-identical. Wall times, which differ from run to
run, live in ``timings.json`` only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from ggmm import PRESETS
from ggmm.packing import pack

from .cache import write_atomic
from .config import Profile
from .jobs import data_seed

EXPORT_VERSION = 1
Results = Callable[[dict[str, Any]], dict[str, Any]]


def rounded(value: Any, digits: int = 7) -> Any:
    """Round every float in a JSON-able structure to ``digits`` significant digits."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot export the non-finite value {value}")
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v, digits) for v in value]
    return value


def interval(values: list[float]) -> dict[str, float | int]:
    """Mean and 95% t-interval of the mean over seeds (``lo == hi == mean`` for one seed)."""
    arr = np.asarray(values, dtype=float)
    mean = float(arr.mean())
    if arr.size < 2:
        return {"mean": mean, "lo": mean, "hi": mean, "n": int(arr.size)}
    half = float(stats.t.ppf(0.975, arr.size - 1) * arr.std(ddof=1) / np.sqrt(arr.size))
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "n": int(arr.size)}


def presets_export(profile: Profile) -> dict[str, Any]:
    """Every preset with samples and (2-D) its density on the plotting grid."""
    entries = []
    for name, preset in PRESETS.items():
        X, labels = preset.mixture.sample(profile.preset_samples, seed=data_seed(name, 0))
        grid = None
        if preset.mixture.n_features == 2:
            g = preset.mixture.grid(preset.bounds, profile.grid_resolution)
            grid = {"x": g.axes[0].tolist(), "y": g.axes[1].tolist(), "density": pack(g.z, "float32")}
        entries.append({
            "name": name, "title": preset.title, "mixture": preset.mixture.to_dict(),
            "bounds": preset.bounds.tolist(),
            "samples": {"x": pack(X, "float32"), "labels": labels.tolist()},
            "grid": grid,
        })
    return {"schema": "ggmm-presets", "version": EXPORT_VERSION, "presets": entries}


def comparison_export(profile: Profile, runs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Figure 1's table: per-run measurements and their summaries over seeds."""
    rows = []
    for job, res in runs:
        rows.append({
            "dataset": job["dataset"], "method": job["method"], "seed": job["seed"],
            "rmse_test": res["rmse_test"], "rmse_grid": res["rmse_grid"], "nll": res["nll"],
            "nll_stderr": res["nll_stderr"], "truth_nll": res["truth_nll"], "n_params": res["n_params"],
            "param_errors": res["param_errors"],
        })
    summary = []
    for dataset in profile.datasets:
        for method in profile.methods:
            mine = [r for r in rows if r["dataset"] == dataset and r["method"] == method]
            if not mine:
                continue
            nll = [r["nll"] for r in mine]
            summary.append({
                "dataset": dataset, "method": method, "family": profile.method(method).family,
                "n_params": int(round(float(np.mean([r["n_params"] for r in mine])))),
                "rmse_test": interval([r["rmse_test"] for r in mine]),
                "rmse_grid": interval([r["rmse_grid"] for r in mine]),
                "nll": interval(nll) if all(v is not None for v in nll) else None,
            })
    truth_nll = {}
    for dataset in profile.datasets:
        # the true density's held-out NLL on each seed's test set (one value per seed)
        per_seed = {job["seed"]: res["truth_nll"] for job, res in runs if job["dataset"] == dataset}
        truth_nll[dataset] = interval([per_seed[s] for s in sorted(per_seed)])
    return {
        "schema": "ggmm-comparison", "version": EXPORT_VERSION, "profile": profile.name,
        "n_seeds": len(profile.seeds),
        "datasets": [{"name": d, "title": PRESETS[d].title, "dim": PRESETS[d].mixture.n_features,
                      "n_components": PRESETS[d].mixture.n_components} for d in profile.datasets],
        "methods": [{"name": m, "family": profile.method(m).family, "label": profile.method(m).label}
                    for m in profile.methods],
        "metrics": ["rmse_test", "rmse_grid", "nll"],
        "summary": summary, "runs": rows, "truth_nll": truth_nll,
    }


def timings_export(profile: Profile, runs: list[tuple[dict[str, Any], dict[str, Any]]],
                   extra: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Wall times of every job (not deterministic, so kept apart from the other exports)."""
    summary = []
    for dataset in profile.datasets:
        for method in profile.methods:
            secs = [res["seconds"] for job, res in runs if job["dataset"] == dataset and job["method"] == method]
            if secs:
                summary.append({"dataset": dataset, "method": method, "seconds": interval(secs)})
    return {
        "schema": "ggmm-timings", "version": EXPORT_VERSION, "profile": profile.name,
        "summary": summary,
        "symbolic": [{"dataset": job["dataset"], "method": job["method"], "seconds": res["symbolic"]["seconds"]}
                     for job, res in extra if job["kind"] == "training" and res.get("symbolic")],
        "jobs": [{"kind": job["kind"], "dataset": job["dataset"], "method": job.get("method", job.get("init")),
                  "seed": job["seed"], "seconds": res["seconds"]} for job, res in runs + extra],
    }


def em_history_export(histories: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Every EM iteration of the recorded EM fits."""
    out = []
    for job, res in histories:
        out.append({
            "dataset": job["dataset"], "init": job["init"], "seed": job["seed"], "truth": job["mixture"],
            "samples": pack(np.asarray(res["samples"]), "float32"), "converged": res["converged"],
            "warnings": res["warnings"],
            "iterations": [{"iter": i, "log_likelihood": ll, "mixture": m}
                           for i, (ll, m) in enumerate(zip(res["log_likelihood"], res["history"], strict=True))],
        })
    return {"schema": "ggmm-em-history", "version": EXPORT_VERSION, "runs": out}


def recovered_export(profile: Profile, runs: list[tuple[dict[str, Any], dict[str, Any]]],
                     trainings: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Parameters read back from the KA-structured KAN beside EM's and the truth."""
    first = profile.seeds[0]
    by = {(j["dataset"], j["method"], j["seed"]): r for j, r in runs}
    # the symbolic fit's wall time varies between runs: it goes to timings.json
    symbolic = {j["dataset"]: {k: v for k, v in r["symbolic"].items() if k != "seconds"}
                for j, r in trainings if r.get("symbolic")}
    datasets = []
    for dataset in profile.recovered:
        kan = by[(dataset, "ka-kan", first)]
        em = by[(dataset, "em-kmeans", first)]
        readback = kan["readback"] or {}
        datasets.append({
            "dataset": dataset, "seed": first, "truth": PRESETS[dataset].mixture.to_dict(),
            "em": em["mixture"], "kan": kan["mixture"],
            "errors": {"em": em["param_errors"], "kan": kan["param_errors"]},
            "curves": readback.get("curves", []),
            "readback": {k: v for k, v in readback.items() if k != "curves"},
            "symbolic": symbolic.get(dataset),
        })
    return {"schema": "ggmm-recovered", "version": EXPORT_VERSION, "datasets": datasets}


def dumps(document: dict[str, Any]) -> bytes:
    """The canonical bytes of an export (rounded floats, compact separators, UTF-8)."""
    return (json.dumps(rounded(document), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def write_exports(data_dir: Path, documents: dict[str, dict[str, Any]]) -> list[Path]:
    """Write every document atomically under ``data_dir`` (relative names, e.g. ``training/x.json``).

    All files are first written as temporaries, then renamed, so an interruption while
    serializing leaves the previous exports untouched.
    """
    blobs = {name: dumps(doc) for name, doc in documents.items()}
    written = []
    for name, blob in blobs.items():
        path = data_dir / name
        write_atomic(path, blob)
        written.append(path)
    return written
