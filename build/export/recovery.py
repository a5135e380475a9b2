"""The parameter-recovery exports: EM's iterations, the KAN read-back across seeds, the original method."""

from __future__ import annotations

from typing import Any

import numpy as np

from ggmm import PRESETS
from ggmm.packing import pack
from ggmm.stats import (
    bootstrap_interval,
    paired_difference,
)

from ..config import Profile
from .format import EXPORT_VERSION, Pairs


def em_history_export(histories: Pairs) -> dict[str, Any]:
    """Every EM iteration of the recorded EM fits."""
    out = []
    for job, res in histories:
        out.append(
            {
                "dataset": job["dataset"],
                "init": job["init"],
                "seed": job["seed"],
                "truth": job["mixture"],
                "samples": pack(np.asarray(res["samples"]), "float32"),
                "converged": res["converged"],
                "warnings": res["warnings"],
                "iterations": [
                    {"iter": i, "log_likelihood": ll, "mixture": m}
                    for i, (ll, m) in enumerate(zip(res["log_likelihood"], res["history"], strict=True))
                ],
            }
        )
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
        signed.append(
            float(np.mean(mixture["p"] if isinstance(mixture["p"], list) else [mixture["p"]]))
            - float(np.mean(truth.shapes))
        )
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
    symbolic = {
        j["dataset"]: {k: v for k, v in r["symbolic"].items() if k != "seconds"}
        for j, r in trainings
        if r.get("symbolic")
    }
    datasets = []
    for dataset in profile.recovered:
        kan = by[(dataset, "ka-kan", first)]
        em = by[(dataset, "em-kmeans", first)]
        readback = kan["readback"] or {}
        datasets.append(
            {
                "dataset": dataset,
                "seed": first,
                "truth": PRESETS[dataset].mixture.to_dict(),
                "em": em["mixture"],
                "kan": kan["mixture"],
                "weights_init": kan.get("weights_init"),
                "errors": {"em": em["param_errors"], "kan": kan["param_errors"]},
                "curves": readback.get("curves", []),
                "across_seeds": _across_seeds(profile, dataset, by),
                "symbolic": symbolic.get(dataset),
            }
        )
    generated = []
    for job, res in readbacks:
        generated.append(
            {
                "p": job["p"],
                "mixture_seed": job["mixture_seed"],
                "grid": job["params"]["grid"],
                "n_train": job["n_train"],
                "truth": res["truth"],
                "kan": res["kan"],
                "em": res["em"],
                "errors": res["errors"],
                "nll": res["nll"],
            }
        )
    return {"schema": "ggmm-recovered", "version": EXPORT_VERSION, "datasets": datasets, "generated": generated}


def original_export(originals: Pairs) -> dict[str, Any]:
    """The original coursework's method, reproduced: what it gets wrong, measured."""
    entries = []
    for job, res in originals:
        entries.append(
            {
                "dataset": job["dataset"],
                "method": job["method"],
                "seed": job["seed"],
                "n_train": job["n_train"],
                "n_test": job["n_test"],
                "params": job["params"],
                **{k: v for k, v in res.items() if k != "seconds"},
                "symbolic": None
                if res["symbolic"] is None
                else {k: v for k, v in res["symbolic"].items() if k != "seconds"},
            }
        )
    return {"schema": "ggmm-original", "version": EXPORT_VERSION, "runs": entries}
