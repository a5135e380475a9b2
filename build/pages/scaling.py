"""Facts of the scaling study (``scaling.json``) as the pages state them.

The scaling law, each family's exponent against the paper's (:func:`scaling_law_facts`), the
cost study's time exponents and the cells not run (:func:`scaling_cost_facts`), and held-out
accuracy at the largest dimension (:func:`scaling_accuracy_facts`). Plain values, no wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n.strings import LANGS
from .format import Facts
from .lookups import Doc

__all__ = ["scaling_accuracy_facts", "scaling_cost_facts", "scaling_law_facts"]


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
