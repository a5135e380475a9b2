"""Turn job results into the report's compact JSON exports.

Every export carries ``schema`` and ``version``. Floats are rounded to 7 significant
digits and large arrays are packed (``ggmm.packing``), so the files stay small and two
builds from the same results are byte-identical. Wall times, which differ from run to
run, live in ``timings.json`` only. Intervals and verdicts come from :mod:`ggmm.stats`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from ggmm import PRESETS
from ggmm.packing import pack
from ggmm.stats import bootstrap_interval, paired_difference

from .cache import write_atomic
from .config import Profile
from .jobs import data_seed

EXPORT_VERSION = 2
Pairs = list[tuple[dict[str, Any], dict[str, Any]]]


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


def _run_row(job: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
    nll = res["nll"]
    return {
        "dataset": job["dataset"], "method": job["method"], "seed": job["seed"],
        "rmse_test": res["rmse_test"], "rmse_grid": res["rmse_grid"], "nll": nll,
        "nll_gap": None if nll is None else nll - res["truth_nll"],
        "nll_stderr": res["nll_stderr"], "truth_nll": res["truth_nll"], "n_params": res["n_params"],
        "param_errors": res["param_errors"], "best_steps": res.get("best_steps"), "bandwidth": res.get("bandwidth"),
    }


def comparison_export(profile: Profile, runs: Pairs) -> dict[str, Any]:
    """Figure 1's data: per-run measurements, per-method intervals and the declared paired comparisons."""
    rows = [_run_row(job, res) for job, res in runs]
    by: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by[(row["dataset"], row["method"])].append(row)
    summary = []
    for dataset in profile.datasets:
        for method in profile.methods:
            mine = sorted(by.get((dataset, method), []), key=lambda r: r["seed"])
            if not mine:
                continue
            normalized = all(r["nll"] is not None for r in mine)
            summary.append({
                "dataset": dataset, "method": method, "family": profile.method(method).family,
                "n_params": int(np.median([r["n_params"] for r in mine])),
                "rmse_test": bootstrap_interval([r["rmse_test"] for r in mine]),
                "rmse_grid": bootstrap_interval([r["rmse_grid"] for r in mine]),
                "nll": bootstrap_interval([r["nll"] for r in mine]) if normalized else None,
                "nll_gap": bootstrap_interval([r["nll_gap"] for r in mine]) if normalized else None,
            })
    comparisons = []
    for dataset in profile.datasets:
        for c in profile.comparisons:
            a = {r["seed"]: r[c.metric] for r in by.get((dataset, c.a), [])}
            b = {r["seed"]: r[c.metric] for r in by.get((dataset, c.b), [])}
            seeds = sorted(set(a) & set(b))
            if len(seeds) < 2:
                continue
            diff = paired_difference([a[s] for s in seeds], [b[s] for s in seeds], log=c.metric != "nll")
            comparisons.append({"dataset": dataset, "name": c.name, "a": c.a, "b": c.b, "metric": c.metric,
                                "label": c.label, **diff})
    truth_nll = {}
    for dataset in profile.datasets:
        per_seed = {job["seed"]: res["truth_nll"] for job, res in runs if job["dataset"] == dataset}
        truth_nll[dataset] = bootstrap_interval([per_seed[s] for s in sorted(per_seed)])
    return {
        "schema": "ggmm-comparison", "version": EXPORT_VERSION, "profile": profile.name,
        "n_seeds": len(profile.seeds), "seeds": list(profile.seeds),
        "datasets": [{"name": d, "title": PRESETS[d].title, "dim": PRESETS[d].mixture.n_features,
                      "n_components": PRESETS[d].mixture.n_components} for d in profile.datasets],
        "methods": [{"name": m, "family": profile.method(m).family, "label": profile.method(m).label,
                     "normalized": profile.method(m).normalized} for m in profile.methods],
        "metrics": ["nll", "nll_gap", "rmse_test", "rmse_grid"],
        "summary": summary, "runs": rows, "comparisons": comparisons, "truth_nll": truth_nll,
    }


def tuning_export(profile: Profile, tunes: Pairs) -> dict[str, Any]:
    """Every tuning job: the candidates, their validation scores and the setting chosen."""
    return {
        "schema": "ggmm-tuning", "version": EXPORT_VERSION, "profile": profile.name,
        "tuning_seeds": list(profile.tuning_seeds), "n_validation": profile.n_validation,
        "candidates_budget": profile.candidates,
        "entries": [{"dataset": job["dataset"], "method": job["method"], "score": res["score"],
                     "candidates": res["candidates"], "scores": res["scores"], "chosen": res["chosen"]}
                    for job, res in tunes],
    }


def timings_export(profile: Profile, runs: Pairs, extra: Pairs) -> dict[str, Any]:
    """Wall times of every job (not deterministic, so kept apart from the other exports)."""
    summary = []
    for dataset in profile.datasets:
        for method in profile.methods:
            secs = [res["seconds"] for job, res in runs if job["dataset"] == dataset and job["method"] == method]
            if secs:
                summary.append({"dataset": dataset, "method": method, "seconds": bootstrap_interval(secs)})
    symbolic = [{"dataset": job["dataset"], "method": job["method"], "seconds": res["symbolic"]["seconds"]}
                for job, res in extra if job["kind"] in ("training", "original") and res.get("symbolic")]
    return {
        "schema": "ggmm-timings", "version": EXPORT_VERSION, "profile": profile.name,
        "summary": summary, "symbolic": symbolic,
        "jobs": [{"kind": job["kind"], "dataset": job["dataset"], "method": job.get("method", job.get("init")),
                  "seed": job.get("seed", -1), "seconds": res["seconds"]} for job, res in runs + extra],
    }


def em_history_export(histories: Pairs) -> dict[str, Any]:
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


_ERRORS = ("center_rmse", "scale_rmse", "weight_max_abs", "p_abs")


def _across_seeds(profile: Profile, dataset: str, by: dict[tuple[str, str, int], dict[str, Any]]) -> dict[str, Any]:
    """The KA read-back against EM on every seed: intervals, paired comparisons, p's sign, weights' movement."""
    truth = PRESETS[dataset].mixture
    seeds = [s for s in profile.seeds if (dataset, "ka-kan", s) in by and (dataset, "em-kmeans", s) in by]
    kan = [by[(dataset, "ka-kan", s)]["param_errors"] for s in seeds]
    em = [by[(dataset, "em-kmeans", s)]["param_errors"] for s in seeds]
    out: dict[str, Any] = {"seeds": seeds, "kan": {}, "em": {}, "paired": {}}
    for key in _ERRORS:
        out["kan"][key] = bootstrap_interval([e[key] for e in kan])
        out["em"][key] = bootstrap_interval([e[key] for e in em])
        a, b = [e[key] for e in kan], [e[key] for e in em]
        if len(seeds) >= 2 and min(a + b) > 0:
            out["paired"][key] = paired_difference(a, b, log=True)
    # signed error of the mean shape, per seed: is the read-back's p biased?
    signed = []
    moved = []
    for s in seeds:
        mixture = by[(dataset, "ka-kan", s)]["mixture"]
        signed.append(float(np.mean(mixture["p"] if isinstance(mixture["p"], list) else [mixture["p"]]))
                      - float(np.mean(truth.shapes)))
        init = by[(dataset, "ka-kan", s)].get("weights_init")
        if init is not None:
            moved.append(float(np.max(np.abs(np.asarray(mixture["weights"]) - np.asarray(init)))))
    if len(signed) >= 2:
        out["p_signed"] = paired_difference(signed, [0.0] * len(signed))
    out["weights_moved"] = max(moved) if moved else None
    return out


def recovered_export(profile: Profile, runs: Pairs, trainings: Pairs, readbacks: Pairs) -> dict[str, Any]:
    """Parameters read back from the KA-structured KAN beside EM's and the truth."""
    first = profile.seeds[0]
    by = {(j["dataset"], j["method"], j["seed"]): r for j, r in runs}
    symbolic = {j["dataset"]: {k: v for k, v in r["symbolic"].items() if k != "seconds"}
                for j, r in trainings if r.get("symbolic")}
    datasets = []
    for dataset in profile.recovered:
        kan = by[(dataset, "ka-kan", first)]
        em = by[(dataset, "em-kmeans", first)]
        readback = kan["readback"] or {}
        datasets.append({
            "dataset": dataset, "seed": first, "truth": PRESETS[dataset].mixture.to_dict(),
            "em": em["mixture"], "kan": kan["mixture"], "weights_init": kan.get("weights_init"),
            "errors": {"em": em["param_errors"], "kan": kan["param_errors"]},
            "curves": readback.get("curves", []),
            "across_seeds": _across_seeds(profile, dataset, by),
            "symbolic": symbolic.get(dataset),
        })
    generated = []
    for job, res in readbacks:
        generated.append({"p": job["p"], "mixture_seed": job["mixture_seed"], "grid": job["params"]["grid"],
                          "n_train": job["n_train"],
                          "truth": res["truth"], "kan": res["kan"], "em": res["em"], "errors": res["errors"],
                          "nll": res["nll"]})
    return {"schema": "ggmm-recovered", "version": EXPORT_VERSION, "datasets": datasets, "generated": generated}


def original_export(originals: Pairs) -> dict[str, Any]:
    """The original coursework's method, reproduced: what it gets wrong, measured."""
    entries = []
    for job, res in originals:
        entries.append({"dataset": job["dataset"], "method": job["method"], "seed": job["seed"],
                        "n_train": job["n_train"], "n_test": job["n_test"], "params": job["params"],
                        **{k: v for k, v in res.items() if k != "seconds"},
                        "symbolic": None if res["symbolic"] is None
                        else {k: v for k, v in res["symbolic"].items() if k != "seconds"}})
    return {"schema": "ggmm-original", "version": EXPORT_VERSION, "runs": entries}


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
