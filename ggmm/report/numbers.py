"""Facts the pages state, computed from the exports (pure functions, no wording).

Every function here returns plain values (numbers, names, per-language labels); the
sentences that put them into words are in ``sentences.j2`` (:mod:`ggmm.report.prose`).
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

from ..strings import LANGS
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
    out = Facts({**entry, "a_label": labels[entry["a"]], "b_label": labels[entry["b"]],
           "dataset_title": _titles(comparison)[dataset], "n_datasets": len(comparison["datasets"])})
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
        a is better, cannot be told apart, is worse; ``n``: datasets; ``a_label``,
        ``b_label``, ``metric``.
    """
    entries = [c for c in comparison["comparisons"] if c["name"] == name]
    if not entries:
        known = sorted({c["name"] for c in comparison["comparisons"]})
        raise ValueError(f"The parameter 'name' must be one of {known}, but got {name!r}.")
    titles, labels = _titles(comparison), _labels(comparison)
    out = Facts({key: {lang: [] for lang in LANGS} for key in ("better", "tied", "worse")})
    for c in entries:
        for lang in LANGS:
            out[c["verdict"]][lang].append(titles[c["dataset"]][lang])
    out.update(n=len(entries), a_label=labels[entries[0]["a"]], b_label=labels[entries[0]["b"]],
               metric=entries[0]["metric"], label=entries[0]["label"],
               counts={k: len(out[k]["en"]) for k in ("better", "tied", "worse")})
    return out


def dataset_facts(comparison: Doc, dataset: str) -> Facts:
    """Per-dataset levels: the truth's NLL, the best density estimator by NLL gap, seeds."""
    _check_dataset(comparison, dataset)
    labels = _labels(comparison)
    rows = [s for s in comparison["summary"] if s["dataset"] == dataset and s.get("nll_gap")]
    best = min(rows, key=lambda s: s["nll_gap"]["mean"]) if rows else None
    return Facts({
        "dataset_title": _titles(comparison)[dataset],
        "truth_nll": comparison["truth_nll"][dataset]["mean"],
        "n_seeds": comparison["n_seeds"],
        "n_methods": len([s for s in comparison["summary"] if s["dataset"] == dataset]),
        "best_label": labels[best["method"]] if best else None,
        "best_gap": best["nll_gap"]["mean"] if best else None,
        "profile": comparison["profile"],
    })


def timing_ratio(comparison: Doc, a: str, b: str, dataset: str) -> Facts:
    """Mean fit time of methods a and b on a dataset and their ratio (timings attached by ``load_export``)."""
    rows = {m: _summary(comparison, dataset, m) for m in (a, b)}
    seconds = {m: (row or {}).get("seconds") for m, row in rows.items()}
    if any(s is None for s in seconds.values()):
        return Facts({"a_seconds": None, "b_seconds": None, "ratio": None})
    sa, sb = seconds[a]["mean"], seconds[b]["mean"]
    labels = _labels(comparison)
    return Facts({"a_seconds": sa, "b_seconds": sb, "ratio": sa / sb if sb else None,
                  "a_label": labels[a], "b_label": labels[b], "a_params": rows[a]["n_params"],
                  "b_params": rows[b]["n_params"]})


def recovery_facts(recovered: Doc, dataset: str = "original") -> Facts:
    """The KA read-back against EM on one preset: seed 0 and all seeds, p's sign, weights, symbolic step."""
    entries = {entry["dataset"]: entry for entry in recovered["datasets"]}
    if dataset not in entries:
        raise ValueError(f"The parameter 'dataset' must be one of {sorted(entries)}, but got {dataset!r}.")
    entry = entries[dataset]
    across = entry["across_seeds"]
    out = Facts({"n_seeds": len(across["seeds"]), "seed": entry["seed"]})
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
        rows.append({"p": p, "grid": grid, "n": len(items),
                     "kan_center_max": max(e["center_rmse"] for e in kan),
                     "em_center_max": max(e["center_rmse"] for e in em),
                     "kan_p_abs": float(np.mean([e["p_abs"] for e in kan])),
                     "em_p_abs": float(np.mean([e["p_abs"] for e in em])),
                     "kan_scale": float(np.mean([e["scale_rmse"] for e in kan])),
                     "em_scale": float(np.mean([e["scale_rmse"] for e in em]))})
    grids = sorted({r["grid"] for r in rows})
    base = [r for r in rows if r["grid"] == grids[0]] if grids else []
    fine = [r for r in rows if r["grid"] == grids[-1]] if len(grids) > 1 else []
    # the mixtures whose centers the coarsest grid reads back worse than 0.05, and what the finest does there
    finest = {(g["p"], g["mixture_seed"]): g["errors"]["kan"]["center_rmse"] for g in recovered["generated"]
              if len(grids) > 1 and g["grid"] == grids[-1]}
    failures = [{"p": float(g["p"]), "mixture_seed": int(g["mixture_seed"]),
                 "coarse": g["errors"]["kan"]["center_rmse"], "fine": finest.get((g["p"], g["mixture_seed"]))}
                for g in recovered["generated"]
                if g["grid"] == grids[0] and g["errors"]["kan"]["center_rmse"] >= 0.05]
    return Facts({"rows": rows, "grids": grids, "n_mixtures": max((r["n"] for r in rows), default=0),
                  "ps": sorted({r["p"] for r in rows}),
                  "center_max": max((r["kan_center_max"] for r in base), default=math.nan),
                  "fine_center_max": max((r["kan_center_max"] for r in fine), default=None),
                  "failures": failures,
                  "all_below": all(r["kan_center_max"] < 0.05 for r in base)})


def original_facts(original: Doc) -> Facts:
    """What the original coursework's method gets wrong, as measured by the reproduction job."""
    run = original["runs"][0]
    symbolic = run.get("symbolic") or {}
    return Facts({**{k: v for k, v in run.items() if k != "symbolic"},
                  "negative_pct": 100.0 * run["negative_share"],
                  "symbolic": symbolic or None,
                  "symbolic_ratio": symbolic["rmse"] / symbolic["rmse_constant"] if symbolic else None,
                  "sample_half_width": max(abs(v) for pair in run["sample_range"] for v in pair)})


def tuning_facts(tuning: Doc) -> Facts:
    """The tuning protocol as run: seeds, validation size, budget and how many settings were tried."""
    entries = tuning["entries"]
    return Facts({"seeds": tuning["tuning_seeds"], "n_validation": tuning["n_validation"],
                  "budget": tuning["candidates_budget"], "n_entries": len(entries),
                  "n_methods": len({e["method"] for e in entries}),
                  "n_fits": sum(len(e["candidates"]) for e in entries) * len(tuning["tuning_seeds"])})


def seeds_text(comparison: Doc) -> Facts:
    """The evaluated seeds of the comparison."""
    seeds = sorted({int(run["seed"]) for run in comparison["runs"]})
    return Facts({"values": ", ".join(str(s) for s in seeds), "count": len(seeds)})


def snapshot_facts(snapshots: Doc) -> Facts:
    """Facts about a training run for the prose of Figure 3."""
    frames = snapshots["frames"]
    run = snapshots["run"]
    first, last = frames[0], frames[-1]
    return Facts({
        "dataset": run["dataset"], "method": run["method"], "n_frames": len(frames),
        "n_steps": max(snapshots["loss"]["step"], default=last["step"]),
        "stages": " → ".join(stage["name"] for stage in snapshots["stages"]),
        "initial_width": list(first["width"]), "final_width": list(last["width"]),
        "n_edges": len(snapshots["edges"]), "live_edges": int(sum(last["edges"]["live"])),
        "loss_name": snapshots["loss_name"], "final_train": last["train_loss"],
        "final_validation": last["validation_loss"],
    })


def training_file(folder: str | os.PathLike[str], dataset: str = "original",
                  prefer: Iterable[str] = ("ka", "density")) -> str:
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
            if key in path.stem[len(dataset) + 1:]:
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
    out = Facts({"title": law["title"], "n_train": law["n_train"], "n_seeds": len(law["seeds"]),
                 "paper_alpha": law["paper_alpha"], "paired": law["paired_alpha"]})
    for key in ("kan", "mlp"):
        family = next(f for f in law["families"] if f["method"] == law[key])
        summary = family["summary"]
        out[key] = Facts({"label": family["label"], "alpha": family["alpha"]["mean"], "lo": family["alpha"]["lo"],
                          "hi": family["alpha"]["hi"], "sizes": family["sizes"], "size_name": family["size_name"],
                          "params_min": summary[0]["n_params"], "params_max": summary[-1]["n_params"],
                          "position": family["paper_position"], "rmse_first": summary[0]["rmse_test"]["mean"],
                          "rmse_last": summary[-1]["rmse_test"]["mean"], "fits": family["fits"],
                          "ran_to_cap": family["ran_to_cap"]})
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
        for sweep in ("samples", "dims")}
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
            refused.append(Facts({"label": m["label"], "measure": mine[0]["limit"]["measure"],
                                  "limit": mine[0]["limit"]["limit"],
                                  "cells": [{"dim": c["dim"], "n_train": c["n_train"], "amount": c["limit"]["amount"]}
                                            for c in sorted(mine, key=lambda c: (c["dim"], c["n_train"]))]}))
    return Facts({"methods": methods, "groups": groups, "refused": refused, "dims": cost["dims"],
                  "sample_sizes": cost["sample_sizes"], "sample_dim": cost["sample_dim"],
                  "dim_samples": cost["dim_samples"], "n_seeds": len(cost["seeds"]), "p": cost["p"],
                  "n_components": cost["n_components"], "has_timings": bool(fits)})


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
    out = Facts({"dim": dim, "n_train": n, "density": [], "regression": [],
                 "refused": [labels[c["method"]] for c in cells if not c["feasible"]]})
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
