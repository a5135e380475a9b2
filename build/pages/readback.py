"""The KA read-back against EM as the pages state it, from ``recovered.json`` and ``comparison.json``.

Per preset (:func:`recovery_facts`, :func:`seed_worst`), on generated mixtures
(:func:`generated_facts`, :func:`readback_worst`), on every dataset across seeds
(:func:`readback_facts`), from a random start (:func:`random_start_facts`), the step early
stopping kept (:func:`kept_step_facts`), and how EM moves the k-means weights
(:func:`em_weight_facts`, from ``em_history.json``). Plain values, no wording.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..i18n.strings import LANGS
from .format import Facts
from .lookups import Doc, _labels, _runs

__all__ = [
    "FEW_STEPS",
    "em_weight_facts",
    "generated_facts",
    "kept_step_facts",
    "random_start_facts",
    "readback_facts",
    "readback_worst",
    "recovery_facts",
    "seed_worst",
]


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
