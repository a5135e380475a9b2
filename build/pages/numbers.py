"""Facts the pages state, computed from the exports (pure functions, no wording).

Every function here returns plain values (numbers, names, per-language labels); the
sentences that put them into words are in ``sentences.j2`` (:mod:`ggmm_build.pages.prose`).
Verdicts are never recomputed here: they come from the paired comparisons the pipeline
exported (:func:`ggmm.stats.paired_difference`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n.strings import LANGS
from .format import Facts

__all__ = [
    "Checked",
    "comparison_entry",
    "dataset_facts",
    "generated_facts",
    "identity_check",
    "original_facts",
    "recovery_facts",
    "record",
    "scaling_accuracy_facts",
    "scaling_cost_facts",
    "scaling_law_facts",
    "seeds_text",
    "snapshot_facts",
    "tail_mass",
    "timing_ratio",
    "training_file",
    "tuning_facts",
]

Doc = Mapping[str, Any]


def _titles(comparison: Doc) -> dict[str, dict[str, str]]:
    return {d["name"]: d["title"] for d in comparison["datasets"]}


def _labels(comparison: Doc) -> dict[str, dict[str, str]]:
    return {m["name"]: m["label"] for m in comparison["methods"]}


def _check_dataset(comparison: Doc, dataset: str) -> None:
    known = [d["name"] for d in comparison["datasets"]]
    if dataset not in known:
        raise ValueError(f"The parameter 'dataset' must be one of {known}, but got {dataset!r}.")


def _summary(comparison: Doc, dataset: str, method: str) -> Mapping[str, Any] | None:
    return next((s for s in comparison["summary"] if s["dataset"] == dataset and s["method"] == method), None)


def _raw(entry: Mapping[str, Any]) -> str:
    """A comparison's verdict before any multiplicity adjustment, as "better", "tied" or "worse"."""
    return "tied" if entry["verdict"] in ("tie", "tied") else entry["verdict"]


def _final(entry: Mapping[str, Any]) -> str:
    """The verdict the report states: after the multiplicity adjustment when the export has one."""
    verdict = entry.get("verdict_adjusted") or entry["verdict"]
    return "tied" if verdict in ("tie", "tied") else verdict


def comparison_entry(comparison: Doc, name: str, dataset: str) -> Facts:
    """One declared paired comparison on one dataset, with labels and both methods' levels.

    Returns
    -------
    dict
        The exported entry (``mean``, ``lo``, ``hi``, ``n``, ``wins_a``, ``wins_b``,
        ``verdict``, ``ratio*`` for RMSE, ...) plus ``a_label``, ``b_label``, ``dataset_title``
        (per language), ``a_level`` and ``b_level`` (the two methods' mean over seeds of the
        metric) and, for NLL, ``a_gap`` / ``b_gap`` (mean NLL above the truth's).
    """
    _check_dataset(comparison, dataset)
    entry = next((c for c in comparison["comparisons"] if c["name"] == name and c["dataset"] == dataset), None)
    if entry is None:
        known = sorted({c["name"] for c in comparison["comparisons"]})
        raise ValueError(f"The parameter 'name' must be one of {known}, but got {name!r}.")
    labels = _labels(comparison)
    out = Facts(
        {
            **entry,
            "a_label": labels[entry["a"]],
            "b_label": labels[entry["b"]],
            "dataset_title": _titles(comparison)[dataset],
            "n_datasets": len(comparison["datasets"]),
            "final": _final(entry),
            "borderline": _final(entry) != _raw(entry),
            "n_tests": sum(c.get("family") == entry.get("family") for c in comparison["comparisons"]),
        }
    )
    for side in ("a", "b"):
        row = _summary(comparison, dataset, entry[side])
        out[f"{side}_level"] = row[entry["metric"]]["mean"] if row and row.get(entry["metric"]) else None
        out[f"{side}_gap"] = row["nll_gap"]["mean"] if row and row.get("nll_gap") else None
    return out


def record(comparison: Doc, name: str) -> Facts:
    """How a declared comparison came out on every dataset.

    Returns
    -------
    dict
        ``better``, ``tied``, ``worse``: lists of dataset titles (per language) where method
        a is better, cannot be told apart, is worse (after the multiplicity adjustment when the
        export has one); ``borderline``: those whose verdict the adjustment changed; ``n``: datasets; ``a_label``,
        ``b_label``, ``metric``.
    """
    entries = [c for c in comparison["comparisons"] if c["name"] == name]
    if not entries:
        known = sorted({c["name"] for c in comparison["comparisons"]})
        raise ValueError(f"The parameter 'name' must be one of {known}, but got {name!r}.")
    titles, labels = _titles(comparison), _labels(comparison)
    out = Facts({key: {lang: [] for lang in LANGS} for key in ("better", "tied", "worse", "borderline")})
    for c in entries:
        for lang in LANGS:
            out[_final(c)][lang].append(titles[c["dataset"]][lang])
            if _final(c) != _raw(c):
                out["borderline"][lang].append(titles[c["dataset"]][lang])
    out.update(
        n=len(entries),
        a_label=labels[entries[0]["a"]],
        b_label=labels[entries[0]["b"]],
        metric=entries[0]["metric"],
        label=entries[0]["label"],
        counts={k: len(out[k]["en"]) for k in ("better", "tied", "worse")},
    )
    return out


def dataset_facts(comparison: Doc, dataset: str) -> Facts:
    """Per-dataset levels: the truth's NLL, the best density estimator by NLL gap, seeds."""
    _check_dataset(comparison, dataset)
    labels = _labels(comparison)
    rows = [s for s in comparison["summary"] if s["dataset"] == dataset and s.get("nll_gap")]
    best = min(rows, key=lambda s: s["nll_gap"]["mean"]) if rows else None
    return Facts(
        {
            "dataset_title": _titles(comparison)[dataset],
            "truth_nll": comparison["truth_nll"][dataset]["mean"],
            "n_seeds": comparison["n_seeds"],
            "n_methods": len([s for s in comparison["summary"] if s["dataset"] == dataset]),
            "best_label": labels[best["method"]] if best else None,
            "best_gap": best["nll_gap"]["mean"] if best else None,
            "profile": comparison["profile"],
        }
    )


def timing_ratio(comparison: Doc, a: str, b: str, dataset: str) -> Facts:
    """Mean fit time of methods a and b on a dataset and their ratio (timings attached by ``load_export``)."""
    rows = {m: _summary(comparison, dataset, m) for m in (a, b)}
    row_a, row_b = rows[a], rows[b]
    seconds_a, seconds_b = ((row or {}).get("seconds") for row in (row_a, row_b))
    if row_a is None or row_b is None or seconds_a is None or seconds_b is None:
        return Facts({"a_seconds": None, "b_seconds": None, "ratio": None})
    sa, sb = seconds_a["mean"], seconds_b["mean"]
    labels = _labels(comparison)
    return Facts(
        {
            "a_seconds": sa,
            "b_seconds": sb,
            "ratio": sa / sb if sb else None,
            "a_label": labels[a],
            "b_label": labels[b],
            "a_params": row_a["n_params"],
            "b_params": row_b["n_params"],
        }
    )


def recovery_facts(recovered: Doc, dataset: str = "original") -> Facts:
    """The KA read-back against EM on one preset: seed 0 and all seeds, p's sign, weights, symbolic step."""
    entries = {entry["dataset"]: entry for entry in recovered["datasets"]}
    if dataset not in entries:
        raise ValueError(f"The parameter 'dataset' must be one of {sorted(entries)}, but got {dataset!r}.")
    entry = entries[dataset]
    across = entry["across_seeds"]
    truth_p = entry.get("truth", {}).get("p")
    out = Facts(
        {
            "n_seeds": len(across["seeds"]),
            "seed": entry["seed"],
            "truth_p": float(np.mean(truth_p)) if truth_p is not None else None,
        }
    )
    for who in ("kan", "em"):
        for key, stat in across[who].items():
            out[f"{who}_{key}"] = stat["mean"]
    out["centers"] = across["paired"].get("center_rmse")
    out["scales"] = across["paired"].get("scale_rmse")
    out["p_signed"] = across.get("p_signed")
    out["weights_moved"] = across.get("weights_moved")
    symbolic = entry.get("symbolic")
    out["symbolic"] = None if not symbolic else {**symbolic, "ratio": symbolic["rmse"] / symbolic["rmse_constant"]}
    return out


def generated_facts(recovered: Doc) -> Facts:
    """The read-back on generated mixtures: per (p, grid), the worst and mean errors over mixtures."""
    groups: dict[tuple[float, int], list[Mapping[str, Any]]] = {}
    for g in recovered["generated"]:
        groups.setdefault((float(g["p"]), int(g["grid"])), []).append(g)
    rows = []
    for (p, grid), items in sorted(groups.items()):
        kan = [g["errors"]["kan"] for g in items]
        em = [g["errors"]["em"] for g in items]
        rows.append(
            {
                "p": p,
                "grid": grid,
                "n": len(items),
                "kan_center_max": max(e["center_rmse"] for e in kan),
                "em_center_max": max(e["center_rmse"] for e in em),
                "kan_p_abs": float(np.mean([e["p_abs"] for e in kan])),
                "em_p_abs": float(np.mean([e["p_abs"] for e in em])),
                "kan_scale": float(np.mean([e["scale_rmse"] for e in kan])),
                "em_scale": float(np.mean([e["scale_rmse"] for e in em])),
            }
        )
    grids = sorted({r["grid"] for r in rows})
    base = [r for r in rows if r["grid"] == grids[0]] if grids else []
    fine = [r for r in rows if r["grid"] == grids[-1]] if len(grids) > 1 else []
    # the mixtures whose centers the coarsest grid reads back worse than 0.05, and what the finest does there
    finest = {
        (g["p"], g["mixture_seed"]): g["errors"]["kan"]["center_rmse"]
        for g in recovered["generated"]
        if len(grids) > 1 and g["grid"] == grids[-1]
    }
    failures = [
        {
            "p": float(g["p"]),
            "mixture_seed": int(g["mixture_seed"]),
            "coarse": g["errors"]["kan"]["center_rmse"],
            "fine": finest.get((g["p"], g["mixture_seed"])),
        }
        for g in recovered["generated"]
        if g["grid"] == grids[0] and g["errors"]["kan"]["center_rmse"] >= 0.05
    ]
    return Facts(
        {
            "rows": rows,
            "grids": grids,
            "n_mixtures": max((r["n"] for r in rows), default=0),
            "ps": sorted({r["p"] for r in rows}),
            "center_max": max((r["kan_center_max"] for r in base), default=math.nan),
            "fine_center_max": max((r["kan_center_max"] for r in fine), default=None),
            "failures": failures,
            "all_below": all(r["kan_center_max"] < 0.05 for r in base),
        }
    )


def original_facts(original: Doc) -> Facts:
    """What the original coursework's method gets wrong, as measured by the reproduction job."""
    run = original["runs"][0]
    symbolic = run.get("symbolic") or {}
    return Facts(
        {
            **{k: v for k, v in run.items() if k != "symbolic"},
            "negative_pct": 100.0 * run["negative_share"],
            "symbolic": symbolic or None,
            "symbolic_ratio": symbolic["rmse"] / symbolic["rmse_constant"] if symbolic else None,
            "sample_half_width": max(abs(v) for pair in run["sample_range"] for v in pair),
        }
    )


def tuning_facts(tuning: Doc) -> Facts:
    """The tuning protocol as run: seeds, validation size, budget and how many settings were tried."""
    entries = tuning["entries"]
    return Facts(
        {
            "seeds": tuning["tuning_seeds"],
            "n_validation": tuning["n_validation"],
            "budget": tuning["candidates_budget"],
            "n_entries": len(entries),
            "n_methods": len({e["method"] for e in entries}),
            "n_fits": sum(len(e["candidates"]) for e in entries) * len(tuning["tuning_seeds"]),
        }
    )


def seeds_text(comparison: Doc) -> Facts:
    """The evaluated seeds of the comparison."""
    seeds = sorted({int(run["seed"]) for run in comparison["runs"]})
    return Facts({"values": ", ".join(str(s) for s in seeds), "count": len(seeds)})


def snapshot_facts(snapshots: Doc) -> Facts:
    """Facts about a training run for the prose of Figure 3."""
    frames = snapshots["frames"]
    run = snapshots["run"]
    first, last = frames[0], frames[-1]
    return Facts(
        {
            "dataset": run["dataset"],
            "method": run["method"],
            "n_frames": len(frames),
            "n_steps": max(snapshots["loss"]["step"], default=last["step"]),
            "stages": " → ".join(stage["name"] for stage in snapshots["stages"]),
            "initial_width": list(first["width"]),
            "final_width": list(last["width"]),
            "n_edges": len(snapshots["edges"]),
            "live_edges": int(sum(last["edges"]["live"])),
            "loss_name": snapshots["loss_name"],
            "final_train": last["train_loss"],
            "final_validation": last["validation_loss"],
        }
    )


def training_file(
    folder: str | os.PathLike[str], dataset: str = "original", prefer: Iterable[str] = ("ka", "density")
) -> str:
    """The snapshot file a page shows for ``dataset``.

    Parameters
    ----------
    folder : path
        The ``training/`` export folder.
    dataset : str
        Dataset name (the file stem starts with ``<dataset>-``).
    prefer : iterable of str
        Substrings of the method name tried in order; the first file whose method contains
        one wins, else the alphabetically first file of the dataset.

    Returns
    -------
    path : str
        POSIX path, ``folder`` joined with the file name (usable as a page-relative URL).

    Raises
    ------
    ValueError
        When the folder holds no snapshot file for ``dataset``.
    """
    base = Path(folder)
    files = sorted(base.glob(f"{dataset}-*.json"))
    if not files:
        raise ValueError(f"The parameter 'dataset' names no snapshot file in {base}: got {dataset!r}.")
    for key in prefer:
        for path in files:
            if key in path.stem[len(dataset) + 1 :]:
                return (base / path.name).as_posix()
    return (base / files[0].name).as_posix()


def _scaling_part(scaling: Doc, part: str) -> Mapping[str, Any]:
    if scaling.get(part) is None:
        raise ValueError(f"The scaling export has no {part!r} part: its profile did not run that experiment.")
    return scaling[part]


def scaling_law_facts(scaling: Doc) -> Facts:
    """The scaling law as measured: each family's exponent, where the paper's lies, KAN against MLP.

    Returns
    -------
    dict
        ``title`` (per language), ``n_train``, ``n_seeds``, ``paper_alpha``; ``kan`` and ``mlp``:
        ``label``, ``alpha``, ``lo``, ``hi`` (the exponent of test RMSE against parameter count
        and its 95% interval), ``sizes``, ``params_min``, ``params_max``, ``position`` (where the
        paper's alpha lies against the interval: "below", "inside", "above"), ``rmse_first``,
        ``rmse_last`` (mean test RMSE at the smallest and largest size), ``fits`` and
        ``ran_to_cap`` (fits still improving at their step limit); ``paired``: the paired
        difference of per-seed exponents, KAN - MLP (None with fewer than 2 seeds).
    """
    law = _scaling_part(scaling, "law")
    out = Facts(
        {
            "title": law["title"],
            "n_train": law["n_train"],
            "n_seeds": len(law["seeds"]),
            "paper_alpha": law["paper_alpha"],
            "paired": law["paired_alpha"],
        }
    )
    for key in ("kan", "mlp"):
        family = next(f for f in law["families"] if f["method"] == law[key])
        summary = family["summary"]
        out[key] = Facts(
            {
                "label": family["label"],
                "alpha": family["alpha"]["mean"],
                "lo": family["alpha"]["lo"],
                "hi": family["alpha"]["hi"],
                "sizes": family["sizes"],
                "size_name": family["size_name"],
                "params_min": summary[0]["n_params"],
                "params_max": summary[-1]["n_params"],
                "position": family["paper_position"],
                "rmse_first": summary[0]["rmse_test"]["mean"],
                "rmse_last": summary[-1]["rmse_test"]["mean"],
                "fits": family["fits"],
                "ran_to_cap": family["ran_to_cap"],
                # the law's shape (absent from older exports): local exponents, floor, fit below it
                "local": family.get("local_alpha") or [],
                "floor": family.get("floor"),
                "below": family.get("alpha_below_floor"),
                "position_below": family.get("paper_position_below_floor"),
                "curvature": family.get("curvature"),
                "chosen": next((t["chosen"] for t in law.get("tuning") or [] if t["method"] == law[key]), None),
            }
        )
    return out


def _where(value: float, fit: Mapping[str, Any] | None) -> str | None:
    """Where ``value`` lies against a fit's slope interval, or None without a fit."""
    if not fit:
        return None
    return "below" if value < fit["lo"] else "above" if value > fit["hi"] else "inside"


def scaling_cost_facts(scaling: Doc) -> Facts:
    """The cost study's time exponents per method and the cells not run, with their limits.

    Returns
    -------
    dict
        ``methods``: per method ``label``, ``samples`` and ``dims`` (the fitted exponent of CPU
        time against N and against D: ``slope``, ``lo``, ``hi``, or None) and ``linear_samples``,
        ``linear_dims`` (where 1, linear growth, lies against each interval); ``groups``: for
        each sweep and position, the labels of the methods whose interval puts 1 there;
        ``refused``: per method not run somewhere, ``label``, ``measure``, ``limit``,
        ``dims`` and ``sizes`` where it was not run and ``amounts`` (the work there); ``dims``,
        ``sample_sizes``, ``sample_dim``, ``dim_samples``, ``n_seeds``, ``p``, ``has_timings``.
    """
    cost = _scaling_part(scaling, "cost")
    timings = scaling.get("timings") or {}
    fits = {(f["method"], f["sweep"]): f.get("fit") for f in timings.get("fits", [])}
    methods, refused = [], []
    groups: dict[str, dict[str, dict[str, list[str]]]] = {
        sweep: {pos: {lang: [] for lang in LANGS} for pos in ("below", "inside", "above")}
        for sweep in ("samples", "dims")
    }
    for m in cost["methods"]:
        entry = Facts({"name": m["name"], "label": m["label"]})
        for sweep in ("samples", "dims"):
            fit = fits.get((m["name"], sweep))
            entry[sweep] = None if not fit else {k: fit[k] for k in ("slope", "lo", "hi")}
            entry[f"linear_{sweep}"] = where = _where(1.0, fit)
            if where is not None:
                for lang in LANGS:
                    groups[sweep][where][lang].append(m["label"][lang])
        methods.append(entry)
        mine = [c for c in cost["cells"] if c["method"] == m["name"] and not c["feasible"]]
        if mine:
            refused.append(
                Facts(
                    {
                        "label": m["label"],
                        "measure": mine[0]["limit"]["measure"],
                        "limit": mine[0]["limit"]["limit"],
                        "cells": [
                            {"dim": c["dim"], "n_train": c["n_train"], "amount": c["limit"]["amount"]}
                            for c in sorted(mine, key=lambda c: (c["dim"], c["n_train"]))
                        ],
                    }
                )
            )
    return Facts(
        {
            "methods": methods,
            "groups": groups,
            "refused": refused,
            "dims": cost["dims"],
            "sample_sizes": cost["sample_sizes"],
            "sample_dim": cost["sample_dim"],
            "dim_samples": cost["dim_samples"],
            "n_seeds": len(cost["seeds"]),
            "p": cost["p"],
            "n_components": cost["n_components"],
            "has_timings": bool(fits),
        }
    )


def scaling_accuracy_facts(scaling: Doc) -> Facts:
    """Held-out accuracy at the largest dimension of the cost study, per method that ran there.

    Returns
    -------
    dict
        ``dim``, ``n_train``; ``density`` (held-out NLL minus the truth's, density estimators) and
        ``regression`` (relative density RMSE at the test points, regressors): lists of
        ``{label, mean, lo, hi}`` sorted by the mean; ``refused``: labels of the methods not run there.
    """
    cost = _scaling_part(scaling, "cost")
    dim, n = max(cost["dims"]), cost["dim_samples"]
    labels = {m["name"]: m["label"] for m in cost["methods"]}
    normalized = {m["name"]: m["normalized"] for m in cost["methods"]}
    cells = [c for c in cost["cells"] if c["dim"] == dim and c["n_train"] == n]
    out = Facts(
        {
            "dim": dim,
            "n_train": n,
            "density": [],
            "regression": [],
            "refused": [labels[c["method"]] for c in cells if not c["feasible"]],
        }
    )
    for c in cells:
        if not c["feasible"]:
            continue
        key, metric = ("density", "nll_gap") if normalized[c["method"]] else ("regression", "rmse_rel")
        out[key].append({"label": labels[c["method"]], **{k: c[metric][k] for k in ("mean", "lo", "hi")}})
    for key in ("density", "regression"):
        out[key].sort(key=lambda r: r["mean"])
    return out


@dataclass(frozen=True)
class Checked:
    """The result of a check run while a page is built."""

    n: int
    seed: int
    values: dict[str, float]


def identity_check(seed: int = 0, n: int = 100_000) -> Checked:
    """Evaluate the two worked Kolmogorov-Arnold forms of ``xy`` on random points.

    Checks ``xy = exp(log(x+1) + log(y+1)) - (x+0.5) - (y+0.5)`` for ``x, y > -1`` and
    ``xy = ((x+y)^2 - (x-y)^2) / 4`` everywhere.

    Returns
    -------
    checked : Checked
        ``values`` holds the largest relative errors ``log_form`` and ``square_form``.
    """
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-0.999, 10.0, size=(2, n))
    log_form = np.exp(np.log(x + 1) + np.log(y + 1)) - (x + 0.5) - (y + 0.5)
    err_log = float(np.max(np.abs(log_form - x * y) / np.maximum(1.0, np.abs(x * y))))
    u, v = rng.normal(0.0, 100.0, size=(2, n))
    square_form = ((u + v) ** 2 - (u - v) ** 2) / 4
    err_sq = float(np.max(np.abs(square_form - u * v) / np.maximum(1.0, np.abs(u * v))))
    return Checked(n, seed, {"log_form": err_log, "square_form": err_sq})


def tail_mass(p: float) -> float:
    """``P(|X - c| > alpha)`` for one generalized Gaussian component: ``Q(1/p, 1)``."""
    from scipy.special import gammaincc

    if not p > 0:
        raise ValueError(f"The parameter 'p' must be > 0, but got {p!r}.")
    return float(gammaincc(1.0 / p, 1.0))


# ---- Facts added for the read-back, training, grid-RMSE and seed pages (issue 16). ----


def _runs(comparison: Doc, dataset: str, method: str) -> dict[int, Mapping[str, Any]]:
    return {int(r["seed"]): r for r in comparison["runs"] if r["dataset"] == dataset and r["method"] == method}


def _paired(a: list[float], b: list[float], log: bool) -> dict[str, Any] | None:
    """The pipeline's paired test on two per-seed lists (None with fewer than 2 pairs or non-positive logs)."""
    from ggmm.stats import paired_difference

    if len(a) < 2 or (log and (min(a) <= 0 or min(b) <= 0)):
        return None
    return paired_difference(a, b, log=log)


def readback_facts(comparison: Doc, ka: str = "ka-kan", em: str = "em-kmeans", random: str = "ka-kan-random") -> Facts:
    """The read-back against EM on every dataset, from the per-run ``param_errors``.

    Returns
    -------
    dict
        ``rows``: per dataset ``title``, ``n`` (seeds), ``ka``, ``em`` and ``init`` (mean over
        seeds of each ``param_errors`` key; ``init`` is None unless the runs carry
        ``param_errors_init``, the errors of the k-means starting point), ``center`` and
        ``scale`` (the paired KA/EM ratio of the errors, :func:`ggmm.stats.paired_difference`
        on logs), ``ka_worst`` and ``em_worst`` (the largest per-seed center RMSE);
        ``n``: datasets; ``center_worse``, ``scale_worse``: titles (per language) where the
        ratio's interval lies above 1; ``has_init``; ``random``: the random-start control
        (see :func:`random_start_facts`).
    """
    rows, keys = [], ("center_rmse", "scale_rmse", "weight_max_abs", "p_abs")
    worse: dict[str, dict[str, list[str]]] = {k: {lang: [] for lang in LANGS} for k in ("center", "scale")}
    better: dict[str, dict[str, list[str]]] = {k: {lang: [] for lang in LANGS} for k in ("center", "scale")}
    for d in comparison["datasets"]:
        a, b = _runs(comparison, d["name"], ka), _runs(comparison, d["name"], em)
        seeds = sorted(s for s in set(a) & set(b) if a[s].get("param_errors") and b[s].get("param_errors"))
        if not seeds:
            continue
        row = Facts({"dataset": d["name"], "title": d["title"], "n": len(seeds)})
        sides = (("ka", a, "param_errors"), ("em", b, "param_errors"), ("init", a, "param_errors_init"))
        for who, runs, field in sides:
            have = [runs[s][field] for s in seeds if runs[s].get(field)]
            row[who] = {k: float(np.mean([e[k] for e in have])) for k in keys} if len(have) == len(seeds) else None
        for key, name in (("center_rmse", "center"), ("scale_rmse", "scale")):
            row[name] = _paired(
                [a[s]["param_errors"][key] for s in seeds], [b[s]["param_errors"][key] for s in seeds], log=True
            )
            if row[name] and row[name]["verdict"] in ("worse", "better"):
                for lang in LANGS:
                    (worse if row[name]["verdict"] == "worse" else better)[name][lang].append(d["title"][lang])
        row["ka_worst"] = max(a[s]["param_errors"]["center_rmse"] for s in seeds)
        row["em_worst"] = max(b[s]["param_errors"]["center_rmse"] for s in seeds)
        rows.append(row)
    return Facts(
        {
            "rows": rows,
            "n": len(rows),
            "center_worse": worse["center"],
            "scale_worse": worse["scale"],
            "center_better": better["center"],
            "scale_better": better["scale"],
            "has_init": bool(rows) and all(r["init"] is not None for r in rows),
            "ratio_min": {k: min((r[k]["ratio"] for r in rows if r[k]), default=None) for k in ("center", "scale")},
            "ratio_max": {k: max((r[k]["ratio"] for r in rows if r[k]), default=None) for k in ("center", "scale")},
            "random": random_start_facts(comparison, ka, random),
        }
    )


def random_start_facts(comparison: Doc, ka: str = "ka-kan", random: str = "ka-kan-random") -> Facts:
    """The KA-structured KAN from a random start against the same model from k-means, by held-out NLL.

    Returns
    -------
    dict
        ``rows``: per dataset ``title`` and the paired difference random - k-means in nats per
        sample (``mean``, ``lo``, ``hi``, ``verdict``: "worse" when the random start is worse);
        ``n``; ``worse``, ``tied``, ``better``: titles (per language) by verdict; ``gap_min``,
        ``gap_max``: the smallest and largest mean difference; ``labels``: both methods' labels.
    """
    labels = _labels(comparison)
    rows = []
    out = Facts({key: {lang: [] for lang in LANGS} for key in ("better", "tied", "worse")})
    for d in comparison["datasets"]:
        a, b = _runs(comparison, d["name"], random), _runs(comparison, d["name"], ka)
        seeds = sorted(s for s in set(a) & set(b) if a[s].get("nll") is not None and b[s].get("nll") is not None)
        diff = _paired([a[s]["nll"] for s in seeds], [b[s]["nll"] for s in seeds], log=False)
        if diff is None:
            continue
        rows.append({"title": d["title"], **diff})
        for lang in LANGS:
            out[diff["verdict"]][lang].append(d["title"][lang])
    out.update(
        rows=rows,
        n=len(rows),
        counts={k: len(out[k]["en"]) for k in ("better", "tied", "worse")},
        gap_min=min((r["mean"] for r in rows), default=None),
        gap_max=max((r["mean"] for r in rows), default=None),
        labels={"ka": labels.get(ka), "random": labels.get(random)},
    )
    return out


def readback_worst(recovered: Doc) -> Facts:
    """The generated mixtures at the coarsest grid: the worst center RMSE of the read-back and of EM, and NLL.

    Returns
    -------
    dict
        ``n`` mixtures, ``grid``, ``ka_worst``, ``em_worst``, ``ka_higher`` (mixtures where the
        read-back's center RMSE exceeds EM's), ``nll_n`` (mixtures with both NLLs) and
        ``nll_ka_worse`` (those where the KA-structured KAN's held-out NLL is higher than EM's).
    """
    items = recovered.get("generated") or []
    grids = sorted({int(g["grid"]) for g in items})
    base = [g for g in items if grids and int(g["grid"]) == grids[0]]
    with_nll = [g for g in base if g.get("nll") and g["nll"].get("kan") is not None and g["nll"].get("em") is not None]
    return Facts(
        {
            "n": len(base),
            "grid": grids[0] if grids else None,
            "ka_worst": max((g["errors"]["kan"]["center_rmse"] for g in base), default=None),
            "em_worst": max((g["errors"]["em"]["center_rmse"] for g in base), default=None),
            "ka_higher": sum(g["errors"]["kan"]["center_rmse"] > g["errors"]["em"]["center_rmse"] for g in base),
            "nll_n": len(with_nll),
            "nll_ka_worse": sum(g["nll"]["kan"] > g["nll"]["em"] for g in with_nll),
        }
    )


def seed_worst(recovered: Doc, dataset: str, key: str = "weight_max_abs") -> Facts:
    """The largest per-seed error ``key`` of the read-back and of EM on one preset (from ``recovered.json``).

    Returns None values when the export holds only the mean over seeds.
    """
    entry = next((e for e in recovered["datasets"] if e["dataset"] == dataset), None)
    per_seed = (entry or {}).get("across_seeds", {}).get("per_seed")
    if not per_seed:
        return Facts({"ka": None, "em": None})
    return Facts({"ka": max(s["kan"][key] for s in per_seed), "em": max(s["em"][key] for s in per_seed)})


def training_facts(snapshots: Doc) -> Facts:
    """What a training replay shows, told apart by stage: the spline network's end, pruning, the symbolic step.

    Returns
    -------
    dict
        ``n_edges``; ``pruned`` (edges not live at the last spline snapshot); ``width_first``,
        ``width_last``; ``spline_train``, ``spline_validation`` (losses at the last snapshot
        before any symbolic stage); ``symbolic_train``, ``symbolic_validation`` (at the last
        symbolic snapshot, or None); ``stages`` (names in order); ``loss_name``;
        ``has_prune`` (a prune stage ran); ``n_steps``; ``n_frames``; ``method``, ``dataset``.
    """
    frames = snapshots["frames"]
    spline = [f for f in frames if f.get("stage") != "symbolic"] or frames
    symbolic = [f for f in frames if f.get("stage") == "symbolic"]
    last = spline[-1]
    n_edges = len(snapshots["edges"])
    return Facts(
        {
            "dataset": snapshots["run"]["dataset"],
            "method": snapshots["run"]["method"],
            "n_frames": len(frames),
            "n_steps": max(snapshots["loss"]["step"], default=last["step"]),
            "stages": [s["name"] for s in snapshots["stages"]],
            "has_prune": any(s["name"] == "prune" for s in snapshots["stages"]),
            "n_edges": n_edges,
            "pruned": n_edges - int(sum(last["edges"]["live"])),
            "width_first": list(frames[0]["width"]),
            "width_last": list(last["width"]),
            "loss_name": snapshots["loss_name"],
            "spline_train": last["train_loss"],
            "spline_validation": last["validation_loss"],
            "symbolic_train": symbolic[-1]["train_loss"] if symbolic else None,
            "symbolic_validation": symbolic[-1]["validation_loss"] if symbolic else None,
        }
    )


def _match_weights(centers: list[list[float]], weights: list[float], truth: list[list[float]]) -> list[float]:
    """Weights reordered to the truth's components (each estimate to its nearest true center, one to one)."""
    from itertools import permutations

    c, t = np.asarray(centers, dtype=float), np.asarray(truth, dtype=float)
    best = min(permutations(range(len(t))), key=lambda p: sum(np.sum((c[p[k]] - t[k]) ** 2) for k in range(len(t))))
    return [float(weights[best[k]]) for k in range(len(t))]


def em_weight_facts(history: Doc, dataset: str = "close", init: str = "kmeans") -> Facts | None:
    """The mixing weights of one EM replay: truth, the k-means start and EM's end, matched to the truth.

    Returns
    -------
    dict or None
        ``truth``, ``start``, ``end`` (lists in the truth's component order), ``start_error`` and
        ``end_error`` (largest absolute weight error), ``iterations``; None without the replay.
    """
    run = next((r for r in history["runs"] if r["dataset"] == dataset and r["init"] == init), None)
    if run is None or not run.get("iterations"):
        return None
    truth = run["truth"]
    first, last = run["iterations"][0]["mixture"], run["iterations"][-1]["mixture"]
    start = _match_weights(first["centers"], first["weights"], truth["centers"])
    end = _match_weights(last["centers"], last["weights"], truth["centers"])
    err = lambda w: max(abs(a - b) for a, b in zip(w, truth["weights"], strict=True))  # noqa: E731
    return Facts(
        {
            "truth": [float(w) for w in truth["weights"]],
            "start": start,
            "end": end,
            "start_error": err(start),
            "end_error": err(end),
            "iterations": len(run["iterations"]) - 1,
            "seed": run["seed"],
        }
    )


def grid_record(comparison: Doc, name: str) -> Facts | None:
    """The grid-RMSE counterpart of a declared RMSE comparison (same a and b, ``metric: rmse_grid``), or None."""
    entries = [c for c in comparison["comparisons"] if c["name"] == name]
    if not entries:
        return None
    a, b = entries[0]["a"], entries[0]["b"]
    twin = next(
        (c["name"] for c in comparison["comparisons"] if c["metric"] == "rmse_grid" and c["a"] == a and c["b"] == b),
        None,
    )
    return None if twin is None else record(comparison, twin)


def _steps_taken(run: Mapping[str, Any]) -> int | None:
    """Optimizer steps a run took: its ``n_steps``, else the sum over its ``stages`` records, else None."""
    if run.get("n_steps"):
        return int(run["n_steps"])
    stages = run.get("stages") or {}
    taken = [s.get("steps") for s in stages.values()] if isinstance(stages, Mapping) else []
    return int(sum(taken)) if taken and all(t is not None for t in taken) else None


def fit_cost_facts(
    comparison: Doc, dataset: str, kan: str = "kan-small", mlp: str = "mlp-small", big: str = "mlp-large"
) -> Facts:
    """Fit times of the regression KAN and both MLPs, with steps when the runs record them.

    Returns
    -------
    dict
        ``kan``, ``mlp``, ``big``: ``label``, ``params``, ``seconds`` (mean over seeds) and
        ``steps`` (mean optimizer steps taken, from a run's ``n_steps`` or its ``stages`` records, or None);
        ``ratio`` (KAN / same-size MLP per fit), ``step_ratio`` (per step, or None);
        ``size_ratio`` and ``time_ratio`` of the large MLP over the small one.
    """
    labels = _labels(comparison)
    out = Facts({})
    for key, method in (("kan", kan), ("mlp", mlp), ("big", big)):
        row = _summary(comparison, dataset, method) or {}
        runs = _runs(comparison, dataset, method).values()
        steps = [taken for r in runs if (taken := _steps_taken(r))]
        out[key] = Facts(
            {
                "label": labels[method],
                "params": row.get("n_params"),
                "seconds": (row.get("seconds") or {}).get("mean"),
                "steps": float(np.mean(steps)) if steps and len(steps) == len(runs) else None,
            }
        )
    k, m, b = out["kan"], out["mlp"], out["big"]
    ok = all(x["seconds"] for x in (k, m, b))
    out["ratio"] = k["seconds"] / m["seconds"] if ok else None
    out["step_ratio"] = (
        (k["seconds"] / k["steps"]) / (m["seconds"] / m["steps"]) if ok and k["steps"] and m["steps"] else None
    )
    out["size_ratio"] = b["params"] / m["params"] if b["params"] and m["params"] else None
    out["time_ratio"] = b["seconds"] / m["seconds"] if ok else None
    out["title"] = _titles(comparison)[dataset]
    return out


def correction_facts(comparison: Doc) -> Facts | None:
    """The multiplicity correction of the declared comparisons, or None when the export has none.

    Returns
    -------
    dict or None
        ``method``, ``families`` (``name``, ``role``, ``n_tests``) and ``borderline``: the
        comparisons whose verdict the correction changed (``label``, ``title`` per language,
        ``verdict``, ``verdict_adjusted``).
    """
    correction = comparison.get("correction")
    if not correction:
        return None
    titles = _titles(comparison)
    borderline = [
        {"label": c["label"], "title": titles[c["dataset"]], "verdict": _raw(c), "verdict_adjusted": _final(c)}
        for c in comparison["comparisons"]
        if _final(c) != _raw(c)
    ]
    return Facts(
        {"method": correction.get("method"), "families": correction.get("families", []), "borderline": borderline}
    )


#: A kept step below this many optimizer steps leaves the edges close to their starting point.
FEW_STEPS = 50


def kept_step_facts(comparison: Doc, method: str = "ka-kan") -> Facts:
    """The step early stopping kept, per dataset (``best_steps["train"]`` of each run).

    Returns
    -------
    dict
        ``rows``: per dataset ``title``, ``median``, ``lo``, ``hi`` (over seeds); ``few``:
        the rows whose median is below :data:`FEW_STEPS`; ``few_steps``.
    """
    rows = []
    for d in comparison["datasets"]:
        steps = [
            r["best_steps"]["train"]
            for r in _runs(comparison, d["name"], method).values()
            if r.get("best_steps") and r["best_steps"].get("train") is not None
        ]
        if steps:
            rows.append(
                {"title": d["title"], "median": int(round(float(np.median(steps)))), "lo": min(steps), "hi": max(steps)}
            )
    return Facts({"rows": rows, "few": [r for r in rows if r["median"] < FEW_STEPS], "few_steps": FEW_STEPS})
