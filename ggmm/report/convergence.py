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


def tuning_outcome_facts(tuning: dict[str, Any]) -> dict[str, Any]:
    """What the tuning chose: the optimizer per (dataset, method) and where the learning rate fell.

    Parameters
    ----------
    tuning : dict
        A loaded ``tuning.json`` (entries with ``candidates``, ``scores``, ``chosen`` and,
        under successive halving, ``rung``).

    Returns
    -------
    dict
        ``n`` (entries that tune a learning rate), ``n_judged`` (those whose grid has at least
        three learning rates, so that an end of the grid means something), ``optimizers`` [{name, label, count}],
        ``edge`` [{method, dataset, lr, end ("low" or "high"), margin}] where the chosen
        learning rate is the smallest or largest of its grid (``margin``: how much better, as a
        share of its score, the chosen setting scored than the runner-up of the last rung),
        ``margin_median`` and ``margin_max`` over those (None when there are none).
    """
    entries = [e for e in tuning["entries"] if "lr" in e["chosen"]]
    optim = Counter(e["chosen"].get("optimizer", "adam") for e in entries)
    judged = [e for e in entries if len({c["lr"] for c in e["candidates"]}) >= 3]  # an end means something
    edge = []
    for e in judged:
        grid = sorted({c["lr"] for c in e["candidates"]})
        lr = e["chosen"]["lr"]
        if lr not in (grid[0], grid[-1]):
            continue
        rung = e.get("rung") or [0] * len(e["candidates"])
        last = max(rung)
        final = sorted(s for s, r in zip(e["scores"], rung, strict=True) if r == last)
        margin = (final[1] - final[0]) / abs(final[0]) if len(final) > 1 and final[0] else None
        edge.append({"method": e["method"], "dataset": e["dataset"], "lr": lr,
                     "end": "low" if lr == grid[0] else "high", "margin": margin})
    margins = sorted(x["margin"] for x in edge if x["margin"] is not None)
    return {"n": len(entries), "n_judged": len(judged), "edge": edge,
            "optimizers": [{"name": n, "label": OPTIMIZER_NAMES.get(n, {"en": n, "zh": n}), "count": c}
                           for n, c in optim.most_common()],
            "margin_median": margins[len(margins) // 2] if margins else None,
            "margin_max": margins[-1] if margins else None}
