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

__all__ = ["CAPPED_SHARE_LIMIT", "convergence_facts"]

#: The largest share of capped runs for which a family's runs are called converged.
CAPPED_SHARE_LIMIT = 0.10

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
        stages = [{"name": name,
                   "limit": max(r["stages"][name]["limit"] for r in runs if name in r["stages"]),
                   "patience": runs[0]["stages"][name]["patience"],
                   "capped": sum(1 for r in runs if r["stages"].get(name, {}).get("reason") == "limit")}
                  for name in stage_names]
        optim = Counter(s["optimizer"] for r in runs for s in list(r["stages"].values())[:1])
        taken = sorted(sum(s["steps"] for s in r["stages"].values()) for r in runs)
        share = len(capped_runs) / len(runs)
        families.append({
            "method": method, "label": labels[method], "runs": len(runs), "capped": len(capped_runs),
            "converged": len(runs) - len(capped_runs), "share_capped": share, "ok": share <= CAPPED_SHARE_LIMIT,
            "stages": stages,
            "optimizers": [{"name": name, "label": OPTIMIZER_NAMES.get(name, {"en": name, "zh": name}), "runs": n}
                           for name, n in optim.most_common()],
            "steps": {"min": taken[0], "median": taken[len(taken) // 2], "max": taken[-1]},
        })
    n_ok = sum(f["ok"] for f in families)
    return {"families": families, "all_ok": bool(families) and n_ok == len(families), "limit": CAPPED_SHARE_LIMIT,
            "n_families": len(families), "n_ok": n_ok}
