"""The declared comparisons as the pages state them, from ``comparison.json`` (no wording).

One comparison on one dataset (:func:`comparison_entry`), its record over the datasets
(:func:`record`) and its grid-RMSE counterpart (:func:`grid_record`), the multiplicity
correction (:func:`correction_facts`), per-dataset levels (:func:`dataset_facts`) and fit
times (:func:`timing_ratio`, :func:`fit_cost_facts`). Every function returns plain values
(numbers, names, per-language labels); ``sentences.j2`` puts them into words
(:mod:`ggmm_build.pages.prose`). Verdicts are never recomputed here: they come from the paired
comparisons the pipeline exported (:func:`ggmm.stats.paired_difference`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..i18n.strings import LANGS
from .format import Facts
from .lookups import Doc, _check_dataset, _final, _labels, _raw, _runs, _summary, _titles

__all__ = [
    "comparison_entry",
    "correction_facts",
    "dataset_facts",
    "fit_cost_facts",
    "grid_record",
    "record",
    "timing_ratio",
]


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
