"""The presets and the comparison exports: per-run rows, summaries and paired per-seed comparisons."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from ggmm import PRESETS
from ggmm.packing import pack
from ggmm.stats import (
    LEVEL,
    adjusted_verdict,
    bootstrap_interval,
    holm,
    paired_difference,
)

from ..config import Comparison, Correction, Profile
from ..samples import data_seed
from .format import EXPORT_VERSION, Pairs


def presets_export(profile: Profile) -> dict[str, Any]:
    """Every preset with samples and (2-D) its density on the plotting grid."""
    entries = []
    for name, preset in PRESETS.items():
        X, labels = preset.mixture.sample(profile.preset_samples, seed=data_seed(name, 0))
        grid = None
        if preset.mixture.n_features == 2:
            g = preset.mixture.grid(preset.bounds, profile.grid_resolution)
            grid = {"x": g.axes[0].tolist(), "y": g.axes[1].tolist(), "density": pack(g.z, "float32")}
        entries.append(
            {
                "name": name,
                "title": preset.title,
                "mixture": preset.mixture.to_dict(),
                "bounds": preset.bounds.tolist(),
                "samples": {"x": pack(X, "float32"), "labels": labels.tolist()},
                "grid": grid,
            }
        )
    return {"schema": "ggmm-presets", "version": EXPORT_VERSION, "presets": entries}


def _run_row(job: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
    nll = res["nll"]
    return {
        "dataset": job["dataset"],
        "method": job["method"],
        "seed": job["seed"],
        "rmse_test": res["rmse_test"],
        "rmse_grid": res["rmse_grid"],
        "nll": nll,
        "nll_gap": None if nll is None else nll - res["truth_nll"],
        "nll_stderr": res["nll_stderr"],
        "truth_nll": res["truth_nll"],
        "n_params": res["n_params"],
        "param_errors": res["param_errors"],
        "best_steps": res.get("best_steps"),
        "bandwidth": res.get("bandwidth"),
        "stages": res.get("stages"),
        "param_errors_init": res.get("param_errors_init"),
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
            summary.append(
                {
                    "dataset": dataset,
                    "method": method,
                    "family": profile.method(method).family,
                    "n_params": int(np.median([r["n_params"] for r in mine])),
                    "rmse_test": bootstrap_interval([r["rmse_test"] for r in mine]),
                    "rmse_grid": bootstrap_interval([r["rmse_grid"] for r in mine]),
                    "nll": bootstrap_interval([r["nll"] for r in mine]) if normalized else None,
                    "nll_gap": bootstrap_interval([r["nll_gap"] for r in mine]) if normalized else None,
                }
            )
    comparisons, correction = paired_comparisons(rows, profile.datasets, profile.comparisons, profile.correction)
    truth_nll = {}
    for dataset in profile.datasets:
        per_seed = {job["seed"]: res["truth_nll"] for job, res in runs if job["dataset"] == dataset}
        truth_nll[dataset] = bootstrap_interval([per_seed[s] for s in sorted(per_seed)])
    return {
        "schema": "ggmm-comparison",
        "version": EXPORT_VERSION,
        "profile": profile.name,
        "n_seeds": len(profile.seeds),
        "seeds": list(profile.seeds),
        "datasets": [
            {
                "name": d,
                "title": PRESETS[d].title,
                "dim": PRESETS[d].mixture.n_features,
                "n_components": PRESETS[d].mixture.n_components,
            }
            for d in profile.datasets
        ],
        "methods": [
            {
                "name": m,
                "family": profile.method(m).family,
                "label": profile.method(m).label,
                "normalized": profile.method(m).normalized,
            }
            for m in profile.methods
        ],
        "metrics": ["nll", "nll_gap", "rmse_test", "rmse_grid"],
        "summary": summary,
        "runs": rows,
        "comparisons": comparisons,
        "correction": correction,
        "truth_nll": truth_nll,
    }


def paired_comparisons(
    rows: list[dict[str, Any]], datasets: list[str], declared: list[Comparison], correction: Correction
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every declared comparison on every dataset, from the per-run rows, with Holm's adjustment.

    Parameters
    ----------
    rows : list of dict
        Per-run rows (``dataset``, ``method``, ``seed`` and the metrics), as in ``runs``.
    datasets : list of str
    declared : list of Comparison
    correction : Correction
        How the comparisons are grouped into families.

    Returns
    -------
    comparisons : list of dict
        In dataset-then-declaration order: ``dataset``, ``name``, ``a``, ``b``, ``metric``,
        ``label``, ``role``, the paired difference (with ``verdict`` and ``p_value``), and
        ``family`` (the Holm family's name), ``p_adjusted``, ``verdict_adjusted`` and
        ``borderline`` (the two verdicts differ).
    correction : dict
        ``method``, ``family``, ``level`` and ``families`` [{name, role, comparisons (names),
        n_tests}].
    """
    by: dict[tuple[str, str], dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        by[(row["dataset"], row["method"])][row["seed"]] = row
    out = []
    for dataset in datasets:
        for c in declared:
            a, b = by.get((dataset, c.a), {}), by.get((dataset, c.b), {})
            seeds = sorted(s for s in set(a) & set(b) if a[s][c.metric] is not None and b[s][c.metric] is not None)
            if len(seeds) < 2:
                continue
            diff = paired_difference(
                [a[s][c.metric] for s in seeds], [b[s][c.metric] for s in seeds], log=c.metric != "nll"
            )
            family = c.role if correction.family == "all" else f"{c.role}:{c.name}"
            out.append(
                {
                    "dataset": dataset,
                    "name": c.name,
                    "a": c.a,
                    "b": c.b,
                    "metric": c.metric,
                    "label": c.label,
                    "role": c.role,
                    **diff,
                    "family": family,
                }
            )
    families = list(dict.fromkeys(x["family"] for x in out))
    for family in families:
        members = [x for x in out if x["family"] == family]
        for x, p_adjusted in zip(members, holm([x["p_value"] for x in members]), strict=True):
            x["p_adjusted"] = p_adjusted
            x["verdict_adjusted"] = adjusted_verdict(x, p_adjusted)
            x["borderline"] = x["verdict_adjusted"] != x["verdict"]
    summary = {
        "method": correction.method,
        "family": correction.family,
        "level": LEVEL,
        "families": [
            {
                "name": f,
                "role": next(x["role"] for x in out if x["family"] == f),
                "comparisons": list(dict.fromkeys(x["name"] for x in out if x["family"] == f)),
                "n_tests": sum(x["family"] == f for x in out),
            }
            for f in families
        ],
    }
    return out, summary
