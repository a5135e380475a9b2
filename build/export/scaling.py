"""The scaling export: the scaling law (power-law fits, local exponents) and the cost study."""

from __future__ import annotations

from typing import Any

import numpy as np

from ggmm import PRESETS
from ggmm.generate import random_mixture
from ggmm.power_law import (
    floor_start,
    local_exponents,
    power_law_curvature,
    power_law_fit,
)
from ggmm.stats import (
    bootstrap_interval,
    paired_difference,
    position,
)

from ..config import Profile
from ..plan import cost_dataset
from .format import EXPORT_VERSION, Pairs
from .tuning import tuning_entries


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
        "tuning": tuning_entries([(j, r) for j, r in tunes if j["method"] in (law.kan, law.mlp)]),
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
        ``local_alpha``: :func:`ggmm.power_law.local_exponents` between consecutive sizes (the
        exponent alpha = -d log RMSE / d log N_params, paired over seeds); ``floor``: where the
        error stops falling (the first size from which the local exponent's interval reaches
        0: ``size``, ``n_params``, ``rmse_test`` the interval over seeds of each seed's
        geometric mean over that size and the larger ones, ``fits`` and ``ran_to_cap`` at
        those sizes) or None; ``fit_below_floor``: the power-law fit over the sizes up to the
        floor's start (None when fewer than two sizes or no floor), with ``alpha_below_floor``
        and ``paper_position_below_floor``; ``curvature``:
        :func:`ggmm.power_law.power_law_curvature` over every size (None when it cannot be fitted);
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
        "tuning": tuning_entries([(j, r) for j, r in tunes if j["method"] in cost.methods and "dim" in j]),
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
