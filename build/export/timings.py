"""The timings export: wall times of every job and the scaling experiments' fit times (not deterministic)."""

from __future__ import annotations

from typing import Any

from ggmm.power_law import power_law_fit
from ggmm.stats import bootstrap_interval

from ..config import Profile
from .format import EXPORT_VERSION, Pairs


def timings_export(profile: Profile, runs: Pairs, extra: Pairs) -> dict[str, Any]:
    """Wall times of every job (not deterministic, so kept apart from the other exports).

    The scaling experiments' fit times and the exponents fitted to them are here too
    (``scaling``, see :func:`scaling_timings`).
    """
    summary = []
    for dataset in profile.datasets:
        for method in profile.methods:
            secs = [res["seconds"] for job, res in runs if job["dataset"] == dataset and job["method"] == method]
            if secs:
                summary.append({"dataset": dataset, "method": method, "seconds": bootstrap_interval(secs)})
    symbolic = [
        {"dataset": job["dataset"], "method": job["method"], "seconds": res["symbolic"]["seconds"]}
        for job, res in extra
        if job["kind"] in ("training", "original") and res.get("symbolic")
    ]
    return {
        "schema": "ggmm-timings",
        "version": EXPORT_VERSION,
        "profile": profile.name,
        "summary": summary,
        "symbolic": symbolic,
        "scaling": scaling_timings(profile, [p for p in extra if p[0]["kind"] in ("scaling_law", "scaling_cost")]),
        "jobs": [
            {
                "kind": job["kind"],
                "dataset": job["dataset"],
                "method": job.get("method", job.get("init")),
                "seed": job.get("seed", -1),
                "seconds": res["seconds"],
            }
            for job, res in runs + extra
        ],
    }


SWEEPS = {"samples": "n_train", "dims": "dim"}


def scaling_timings(profile: Profile, pairs: Pairs) -> dict[str, Any]:
    """Fit times of the scaling experiments and, per method and sweep, the exponent of CPU time.

    The exponent is that of CPU seconds against N (at ``sample_dim``) or against D (at
    ``dim_samples``), over the cells the method ran in (:func:`ggmm.power_law.power_law_fit`);
    ``fit`` is None with a ``reason`` when fewer than two sizes ran.
    """
    law = [
        {"method": job["method"], "seed": job["seed"], "seconds": res["seconds"], "cpu_seconds": res["cpu_seconds"]}
        for job, res in pairs
        if job["kind"] == "scaling_law"
    ]
    points = [
        {
            "method": job["method"],
            "dim": job["dim"],
            "n_train": job["n_train"],
            "seed": job["seed"],
            "feasible": res["feasible"],
            "seconds": res["seconds"],
            "cpu_seconds": res["cpu_seconds"],
        }
        for job, res in pairs
        if job["kind"] == "scaling_cost"
    ]
    fits = []
    cost = profile.scaling_cost
    if cost is not None and points:
        for method in cost.methods:
            for sweep, axis in SWEEPS.items():
                fixed = ("dim", cost.sample_dim) if sweep == "samples" else ("n_train", cost.dim_samples)
                mine = [p for p in points if p["method"] == method and p[fixed[0]] == fixed[1] and p["feasible"]]
                entry: dict[str, Any] = {"method": method, "sweep": sweep, "fit": None, "reason": None}
                if len({p[axis] for p in mine}) < 2:
                    entry["reason"] = "fewer than two sizes ran"
                else:
                    try:
                        entry["fit"] = power_law_fit(
                            [p[axis] for p in mine],
                            [max(p["cpu_seconds"], 1e-6) for p in mine],
                            [p["seed"] for p in mine],
                        )
                    except ValueError as exc:
                        entry["reason"] = str(exc)
                fits.append(entry)
    return {"measure": "cpu_seconds", "law": law, "cost": points, "fits": fits}
