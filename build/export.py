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
from ggmm.generate import random_mixture
from ggmm.packing import pack
from ggmm.stats import (
    LEVEL,
    adjusted_verdict,
    bootstrap_interval,
    floor_start,
    holm,
    local_exponents,
    paired_difference,
    position,
    power_law_curvature,
    power_law_fit,
)

from .cache import write_atomic
from .config import Comparison, Correction, Profile
from .plan import cost_dataset
from .samples import data_seed

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


def refresh_comparisons(document: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """A comparison export with its ``comparisons`` and ``correction`` derived again from its ``runs``.

    For exports written before the comparisons carried p-values and Holm's adjustment: the
    per-run rows are all the comparisons need, so no job is run again. The rows hold rounded
    values, so a comparison already in the document keeps its exported numbers (a fresh
    computation could differ in the 7th digit); what it lacked is added.
    """
    comparisons, correction = paired_comparisons(
        document["runs"], [d["name"] for d in document["datasets"]], profile.comparisons, profile.correction
    )
    before = {(x["dataset"], x["name"]): x for x in document["comparisons"]}
    for x in comparisons:
        x.update(before.get((x["dataset"], x["name"]), {}))
        x["verdict_adjusted"] = adjusted_verdict(x, x["p_adjusted"])
        x["borderline"] = x["verdict_adjusted"] != x["verdict"]
    out = {k: v for k, v in document.items() if k not in ("comparisons", "correction", "truth_nll")}
    return {**out, "comparisons": comparisons, "correction": correction, "truth_nll": document["truth_nll"]}


def tuning_export(profile: Profile, tunes: Pairs) -> dict[str, Any]:
    """Every tuning job: the candidates, their validation scores and the setting chosen."""
    return {
        "schema": "ggmm-tuning",
        "version": EXPORT_VERSION,
        "profile": profile.name,
        "tuning_seeds": list(profile.tuning_seeds),
        "n_validation": profile.n_validation,
        "candidates_budget": profile.candidates,
        "scheme": {
            "name": "successive-halving",
            "rungs": profile.rungs,
            "keep": profile.keep,
            "extensions": profile.extensions,
        },
        "entries": _tuning_entries(tunes),
    }


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


# ---------------------------------------------------------------------------
# The scaling experiments
# ---------------------------------------------------------------------------


def _tuning_entries(tunes: Pairs) -> list[dict[str, Any]]:
    return [
        {
            "dataset": job["dataset"],
            "method": job["method"],
            "score": res["score"],
            "candidates": res["candidates"],
            "scores": res["scores"],
            "chosen": res["chosen"],
            "rung": res["rung"],
            "rungs": res["rungs"],
            "axes": res["axes"],
            "n_extended": res["n_extended"],
            "failed": res["failed"],
        }
        for job, res in tunes
    ]


def _paper_alpha(profile: Profile, method: str) -> int:
    """The KAN paper's exponent k + 1 for the spline order k of ``method``."""
    import ggmm.estimators as estimators

    m = profile.method(method)
    k = m.params.get("k", getattr(estimators, m.estimator)().get_params()["k"])  # the constructor's default
    return int(k) + 1


def _ran_to_cap(point: dict[str, Any]) -> bool:
    """Whether a fit of the scaling law was still improving at its step limit: its stage ended
    at the limit with its best step inside the last ``patience`` steps (not by early stopping)."""
    return point["stage"]["reason"] == "limit"


def _law_export(profile: Profile, tunes: Pairs, laws: Pairs) -> dict[str, Any]:
    """The scaling law: per (family, size, seed) test RMSE and parameter count; the exponents."""
    law = profile.scaling_law
    assert law is not None
    points = [
        {
            "method": job["method"],
            "family": profile.method(job["method"]).family,
            "seed": job["seed"],
            "size": pt["size"],
            "n_params": pt["n_params"],
            "rmse_test": pt["rmse_test"],
            "best_step": pt["best_step"],
            "ran_to_cap": _ran_to_cap(pt),
        }
        for job, res in sorted(laws, key=lambda p: (p[0]["method"], p[0]["seed"]))
        for i, pt in enumerate(res["points"])
    ]
    families, alphas = [], {}
    for method, size_name, sizes in ((law.kan, "grid", law.grids), (law.mlp, "width", law.mlp_widths)):
        mine = [p for p in points if p["method"] == method]
        if not mine:
            continue
        fit = power_law_fit([p["n_params"] for p in mine], [p["rmse_test"] for p in mine], [p["seed"] for p in mine])
        alphas[method] = {g["group"]: -g["slope"] for g in fit["groups"]}
        m = profile.method(method)
        summary = []
        for size in sizes:
            at = [p for p in mine if p["size"] == size]
            summary.append(
                {
                    "size": size,
                    "n_params": int(np.median([p["n_params"] for p in at])),
                    "rmse_test": bootstrap_interval([p["rmse_test"] for p in at]),
                }
            )
        families.append(
            {
                "method": method,
                "family": m.family,
                "label": m.label,
                "size_name": size_name,
                "sizes": list(sizes),
                "fit": fit,
                "alpha": _alpha(fit),
                "summary": summary,
                "fits": len(mine),
                "ran_to_cap": sum(p["ran_to_cap"] for p in mine),
            }
        )
    paper = _paper_alpha(profile, law.kan)
    for family in families:
        family["paper_position"] = position(family["alpha"], paper)
        family.update(law_shape([p for p in points if p["method"] == family["method"]], family["sizes"], paper))
    paired = None
    if law.kan in alphas and law.mlp in alphas:
        seeds = sorted(set(alphas[law.kan]) & set(alphas[law.mlp]))
        if len(seeds) >= 2:
            paired = paired_difference([alphas[law.kan][s] for s in seeds], [alphas[law.mlp][s] for s in seeds])
    return {
        "dataset": law.dataset,
        "title": PRESETS[law.dataset].title,
        "n_train": law.n_train,
        "n_test": law.n_test,
        "seeds": list(law.seeds),
        "paper_alpha": paper,
        "kan": law.kan,
        "mlp": law.mlp,
        "families": families,
        "points": points,
        "paired_alpha": paired,
        "tuning": _tuning_entries([(j, r) for j, r in tunes if j["method"] in (law.kan, law.mlp)]),
    }


def _alpha(fit: dict[str, Any]) -> dict[str, Any]:
    """A power-law fit's exponent as the KAN paper states it: ``alpha = -slope``, with its interval."""
    return {"mean": -fit["slope"], "lo": -fit["hi"], "hi": -fit["lo"], "n": fit["n_groups"]}


def law_shape(points: list[dict[str, Any]], sizes: list[int], paper_alpha: float) -> dict[str, Any]:
    """Whether one family's error follows one power law, from its per-seed points.

    Parameters
    ----------
    points : list of dict
        The family's points (``size``, ``n_params``, ``rmse_test``, ``seed``, ``ran_to_cap``).
    sizes : list of int
        The family's sizes, in increasing order.
    paper_alpha : float
        The KAN paper's exponent.

    Returns
    -------
    dict
        ``local_alpha``: :func:`ggmm.stats.local_exponents` between consecutive sizes (the
        exponent alpha = -d log RMSE / d log N_params, paired over seeds); ``floor``: where the
        error stops falling (the first size from which the local exponent's interval reaches
        0: ``size``, ``n_params``, ``rmse_test`` the interval over seeds of each seed's
        geometric mean over that size and the larger ones, ``fits`` and ``ran_to_cap`` at
        those sizes) or None; ``fit_below_floor``: the power-law fit over the sizes up to the
        floor's start (None when fewer than two sizes or no floor), with ``alpha_below_floor``
        and ``paper_position_below_floor``; ``curvature``:
        :func:`ggmm.stats.power_law_curvature` over every size (None when it cannot be fitted);
        ``ran_to_cap_by_size``: how many fits were still improving at their step limit, per size.
    """
    local = local_exponents(
        [p["size"] for p in points],
        [p["n_params"] for p in points],
        [p["rmse_test"] for p in points],
        [p["seed"] for p in points],
    )
    start = floor_start(local)
    floor = fit = None
    if start is not None:
        first = local[start]["from_size"]
        at = [p for p in points if sizes.index(p["size"]) >= sizes.index(first)]
        seeds = sorted({p["seed"] for p in at})
        level = [float(np.exp(np.mean([np.log(p["rmse_test"]) for p in at if p["seed"] == s]))) for s in seeds]
        floor = {
            "size": first,
            "n_params": int(np.median([p["n_params"] for p in at if p["size"] == first])),
            "rmse_test": bootstrap_interval(level),
            "fits": len(at),
            "ran_to_cap": sum(p["ran_to_cap"] for p in at),
        }
        below = [p for p in points if sizes.index(p["size"]) <= sizes.index(first)]
        if len({p["size"] for p in below}) >= 2:
            try:
                fit = power_law_fit(
                    [p["n_params"] for p in below], [p["rmse_test"] for p in below], [p["seed"] for p in below]
                )
            except ValueError:
                fit = None
    try:
        curvature = power_law_curvature(
            [p["n_params"] for p in points], [p["rmse_test"] for p in points], [p["seed"] for p in points]
        )
    except ValueError:
        curvature = None
    return {
        "local_alpha": local,
        "floor": floor,
        "fit_below_floor": fit,
        "alpha_below_floor": None if fit is None else _alpha(fit),
        "paper_position_below_floor": None if fit is None else position(_alpha(fit), paper_alpha),
        "curvature": curvature,
        "ran_to_cap_by_size": [
            {
                "size": size,
                "fits": sum(p["size"] == size for p in points),
                "ran_to_cap": sum(p["ran_to_cap"] for p in points if p["size"] == size),
            }
            for size in sizes
        ],
    }


def refresh_scaling(document: dict[str, Any]) -> dict[str, Any]:
    """A scaling export whose law families get :func:`law_shape` again from the law's per-seed points.

    For exports written before the law's shape was exported: the points are all it needs.
    """
    law = document.get("law")
    if law is None:
        return document
    families = [
        {
            **family,
            **law_shape(
                [p for p in law["points"] if p["method"] == family["method"]], family["sizes"], law["paper_alpha"]
            ),
        }
        for family in law["families"]
    ]
    return {**document, "law": {**law, "families": families}}


def _cost_export(profile: Profile, tunes: Pairs, costs: Pairs) -> dict[str, Any]:
    """The cost study's accuracy (deterministic); its times go to ``timings.json``."""
    cost = profile.scaling_cost
    assert cost is not None
    points = []
    for job, res in sorted(
        costs, key=lambda p: (cost.methods.index(p[0]["method"]), p[0]["dim"], p[0]["n_train"], p[0]["seed"])
    ):
        points.append(
            {
                "method": job["method"],
                "dim": job["dim"],
                "n_train": job["n_train"],
                "seed": job["seed"],
                "feasible": res["feasible"],
                "limit": res["limit"],
                "work": res["work"],
                "nll_gap": res["nll_gap"],
                "rmse_rel": res["rmse_rel"],
                "n_params": res["n_params"],
                "n_steps": res["n_steps"],
            }
        )
    cells = []
    for method in cost.methods:
        for dim, n in sorted(cost.cells()):
            at = [p for p in points if p["method"] == method and p["dim"] == dim and p["n_train"] == n]
            if not at:
                continue
            ok = [p for p in at if p["feasible"]]
            cells.append(
                {
                    "method": method,
                    "dim": dim,
                    "n_train": n,
                    "feasible": bool(ok),
                    "limit": None if ok else at[0]["limit"],
                    "n_params": int(np.median([p["n_params"] for p in ok])) if ok else None,
                    "nll_gap": bootstrap_interval([p["nll_gap"] for p in ok])
                    if ok and ok[0]["nll_gap"] is not None
                    else None,
                    "rmse_rel": bootstrap_interval([p["rmse_rel"] for p in ok]) if ok else None,
                }
            )
    mixtures = [
        {
            "dim": dim,
            "dataset": cost_dataset(cost, dim),
            "mixture": random_mixture(dim, cost.n_components, cost.p, cost.mixture_seed).to_dict(),
        }
        for dim in cost.dims
    ]
    return {
        "p": cost.p,
        "n_components": cost.n_components,
        "mixture_seed": cost.mixture_seed,
        "dims": list(cost.dims),
        "dim_samples": cost.dim_samples,
        "sample_dim": cost.sample_dim,
        "sample_sizes": sorted({*cost.sample_sizes, cost.dim_samples}),
        "seeds": list(cost.seeds),
        "n_test": cost.n_test,
        "limits": dict(cost.limits),
        "methods": [
            {
                "name": m,
                "family": profile.method(m).family,
                "label": profile.method(m).label,
                "normalized": profile.method(m).normalized,
            }
            for m in cost.methods
        ],
        "mixtures": mixtures,
        "points": points,
        "cells": cells,
        "tuning": _tuning_entries([(j, r) for j, r in tunes if j["method"] in cost.methods and "dim" in j]),
    }


def scaling_export(profile: Profile, tunes: Pairs, laws: Pairs, costs: Pairs) -> dict[str, Any]:
    """The scaling experiments: the KAN scaling law and the cost study's accuracy.

    Deterministic like every export but timings: the fit times of the cost study and their
    exponents are in ``timings.json`` (``scaling``), attached by ``ggmm_build.documents.exports.load_export``.
    """
    return {
        "schema": "ggmm-scaling",
        "version": EXPORT_VERSION,
        "profile": profile.name,
        "law": _law_export(profile, tunes, laws) if profile.scaling_law is not None and laws else None,
        "cost": _cost_export(profile, tunes, costs) if profile.scaling_cost is not None and costs else None,
    }


#: The cost study's two sweeps: name -> the axis that varies.
SWEEPS = {"samples": "n_train", "dims": "dim"}


def scaling_timings(profile: Profile, pairs: Pairs) -> dict[str, Any]:
    """Fit times of the scaling experiments and, per method and sweep, the exponent of CPU time.

    The exponent is that of CPU seconds against N (at ``sample_dim``) or against D (at
    ``dim_samples``), over the cells the method ran in (:func:`ggmm.stats.power_law_fit`);
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
