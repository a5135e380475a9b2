"""Facts about how the networks' training ended, from the per-run stage records of the exports.

A run *converged* when every one of its training stages ended by early stopping (its
validation loss stopped improving for ``patience`` steps before the step limit); it was
*capped* when a stage reached its step limit with its best step inside the last
``patience`` steps. A family is said to train to convergence only when at most
:data:`CAPPED_SHARE_LIMIT` of its runs were capped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

__all__ = ["CAPPED_SHARE_LIMIT", "STUCK_FACTOR", "convergence_facts", "stuck_runs_facts", "tuning_outcome_facts"]

#: The largest share of capped runs for which a family's runs are called converged.
CAPPED_SHARE_LIMIT = 0.10

#: A run is *stuck* when its test density RMSE exceeds this many times the lower quartile over
#: the seeds of its method on the same mixture (the quartile, not the median, so that a method
#: stuck on half its seeds is still seen).
STUCK_FACTOR = 4.0

#: Tuned hyperparameters as the report names them.
PARAM_NAMES = {
    "lr": {"en": "learning rate", "zh": "学习率"},
    "lamb": {"en": "penalty λ", "zh": "正则化系数 λ"},
    "grid": {"en": "spline grid G", "zh": "样条网格 G"},
}

#: Optimizer names as the report prints them.
OPTIMIZER_NAMES = {"adam": {"en": "Adam", "zh": "Adam"}, "lbfgs": {"en": "L-BFGS", "zh": "L-BFGS"}}


def convergence_facts(comparison: dict[str, Any]) -> dict[str, Any]:
    """How the runs of every network family of ``comparison.json`` ended.

    Parameters
    ----------
    comparison : dict
        A loaded ``comparison.json`` (runs carry ``stages``).

    Returns
    -------
    dict
        ``families``: one entry per method with stage records, in the export's method order:
        ``method``, ``label`` {en, zh}, ``runs``, ``capped``, ``converged``, ``share_capped``,
        ``ok`` (share within :data:`CAPPED_SHARE_LIMIT`), ``stages`` [{name, limit, patience,
        capped}], ``optimizers`` [{name, label {en, zh}, runs}] (most used first), ``steps``
        {min, median, max} (steps taken over all stages of a run). Also ``all_ok``,
        ``limit`` (the threshold), ``n_families`` and ``n_ok``.
    """
    labels = {m["name"]: m["label"] for m in comparison["methods"]}
    by_method: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for run in comparison["runs"]:
        if run.get("stages"):
            by_method[run["method"]].append(run)
    families = []
    for method in [m["name"] for m in comparison["methods"] if m["name"] in by_method]:
        runs = by_method[method]
        capped_runs = [r for r in runs if any(s["reason"] == "limit" for s in r["stages"].values())]
        stage_names = list(runs[0]["stages"])
        stages = [
            {
                "name": name,
                "limit": max(r["stages"][name]["limit"] for r in runs if name in r["stages"]),
                "patience": runs[0]["stages"][name]["patience"],
                "capped": sum(1 for r in runs if r["stages"].get(name, {}).get("reason") == "limit"),
            }
            for name in stage_names
        ]
        optim = Counter(s["optimizer"] for r in runs for s in list(r["stages"].values())[:1])
        taken = sorted(sum(s["steps"] for s in r["stages"].values()) for r in runs)
        share = len(capped_runs) / len(runs)
        families.append(
            {
                "method": method,
                "label": labels[method],
                "runs": len(runs),
                "capped": len(capped_runs),
                "converged": len(runs) - len(capped_runs),
                "share_capped": share,
                "ok": share <= CAPPED_SHARE_LIMIT,
                "stages": stages,
                "optimizers": [
                    {"name": name, "label": OPTIMIZER_NAMES.get(name, {"en": name, "zh": name}), "runs": n}
                    for name, n in optim.most_common()
                ],
                "steps": {"min": taken[0], "median": taken[len(taken) // 2], "max": taken[-1]},
            }
        )
    n_ok = sum(f["ok"] for f in families)
    return {
        "families": families,
        "all_ok": bool(families) and n_ok == len(families),
        "limit": CAPPED_SHARE_LIMIT,
        "n_families": len(families),
        "n_ok": n_ok,
    }


def tuning_outcome_facts(tuning: dict[str, Any]) -> dict[str, Any]:
    """What the tuning chose: the optimizer per (dataset, method), and whether each grid brackets its choice.

    Parameters
    ----------
    tuning : dict
        A loaded ``tuning.json``: entries with ``chosen`` and, per ordered hyperparameter,
        ``axes`` {name: {values, status}} where status is "inside" (a tried value on either
        side of the choice), "bound" (on an end that is a hard bound) or "limit" (still on an
        end after the extension steps allowed), and ``n_extended`` (settings the extension added).

    Returns
    -------
    dict
        ``n`` (tuned pairs), ``n_optimizer`` (those that choose an optimizer), ``optimizers``
        [{name, label, count}],
        ``n_axes`` (ordered hyperparameters judged over all entries), ``n_extended`` (settings
        added in all), ``pairs_extended`` (entries that added any), ``extensions`` (steps allowed
        per axis), ``bound`` [{param, value, count}] (choices on a hard bound, by value),
        ``open`` [{method, dataset, param, value, end}] (choices still on an end: the grid does
        not bracket them) and ``all_bracketed`` (no choice in ``open``).
    """
    optim = Counter(e["chosen"]["optimizer"] for e in tuning["entries"] if "optimizer" in e["chosen"])
    bound: Counter[tuple[str, Any]] = Counter()
    still_open = []
    n_axes = 0
    for e in tuning["entries"]:
        for name, axis in sorted(e.get("axes", {}).items()):
            n_axes += 1
            value = e["chosen"][name]
            if axis["status"] == "bound":
                bound[(name, value)] += 1
            elif axis["status"] == "limit":
                still_open.append(
                    {
                        "method": e["method"],
                        "dataset": e["dataset"],
                        "param": name,
                        "value": value,
                        "label": PARAM_NAMES.get(name, {"en": name, "zh": name}),
                        "end": "low" if value == min(axis["values"]) else "high",
                    }
                )
    extended = [e for e in tuning["entries"] if e.get("n_extended")]
    return {
        "n": len(tuning["entries"]),
        "n_optimizer": sum(optim.values()),
        "n_axes": n_axes,
        "n_extended": sum(e["n_extended"] for e in extended),
        "pairs_extended": len(extended),
        "extensions": tuning.get("scheme", {}).get("extensions", 0),
        "optimizers": [
            {"name": n, "label": OPTIMIZER_NAMES.get(n, {"en": n, "zh": n}), "count": c} for n, c in optim.most_common()
        ],
        "bound": [
            {"param": p, "label": PARAM_NAMES.get(p, {"en": p, "zh": p}), "value": v, "count": c}
            for (p, v), c in sorted(bound.items())
        ],
        "open": still_open,
        "all_bracketed": not still_open,
    }


def stuck_runs_facts(comparison: dict[str, Any], tuning: dict[str, Any] | None = None) -> dict[str, Any]:
    """Runs that ended far from the other seeds of their method (see :data:`STUCK_FACTOR`).

    Parameters
    ----------
    comparison : dict
        A loaded ``comparison.json``.
    tuning : dict, optional
        A loaded ``tuning.json``: marks which methods were tuned (on one seed).

    Returns
    -------
    dict
        ``methods``: per method with stuck runs, in the export's method order, ``method``,
        ``label`` {en, zh}, ``tuned``, ``total`` and ``cases`` [{dataset, label {en, zh},
        count, n, quartile, worst}] (datasets in export order). Also ``factor``, ``n_stuck``
        (all stuck runs), ``n_runs`` (all runs with a test RMSE) and ``any_tuned``.
    """
    labels = {m["name"]: m["label"] for m in comparison["methods"]}
    titles = {d["name"]: d["title"] for d in comparison["datasets"]}
    tuned = {e["method"] for e in (tuning or {}).get("entries", [])}
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for run in comparison["runs"]:
        if run.get("rmse_test") is not None:
            groups[(run["method"], run["dataset"])].append(float(run["rmse_test"]))
    methods = []
    for method in (m["name"] for m in comparison["methods"]):
        cases = []
        for dataset in (d["name"] for d in comparison["datasets"]):
            values = sorted(groups.get((method, dataset), []))
            if len(values) < 3:
                continue
            quartile = values[len(values) // 4]
            count = sum(v > STUCK_FACTOR * quartile for v in values)
            if count:
                cases.append(
                    {
                        "dataset": dataset,
                        "label": titles[dataset],
                        "count": count,
                        "n": len(values),
                        "quartile": quartile,
                        "worst": values[-1],
                    }
                )
        if cases:
            methods.append(
                {
                    "method": method,
                    "label": labels[method],
                    "tuned": method in tuned,
                    "total": sum(c["count"] for c in cases),
                    "cases": cases,
                }
            )
    return {
        "methods": methods,
        "factor": STUCK_FACTOR,
        "n_stuck": sum(m["total"] for m in methods),
        "n_runs": sum(len(v) for v in groups.values()),
        "any_tuned": any(m["tuned"] for m in methods),
    }
