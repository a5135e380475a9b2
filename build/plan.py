"""Which jobs a profile needs, in two phases.

1. ``tune`` jobs (:func:`plan_tuning`): one per (dataset, method) whose method has a
   ``tune`` table, on the profile's tuning seeds only; and ``scaling_tune`` jobs, one per
   tuned method of the scaling experiments (:func:`plan_scaling_tuning`).
2. Everything else (:func:`plan_jobs`): the evaluated runs and the report's other
   experiments, with each tuned method's chosen setting merged into its parameters.

The scaling experiments' jobs carry ``"experiment": "scaling"``, so ``--only scaling``
selects all of them (their tuning included).

A job entry is a plain JSON-able dict; its hash is the cache key, so the chosen setting
is part of the key of every job that uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ggmm import PRESETS
from ggmm.generate import random_mixture

from .config import Profile, ScalingCost

Chosen = dict[tuple[str, str], dict[str, Any]]


def _dataset_entry(name: str) -> dict[str, Any]:
    preset = PRESETS[name]
    return {"dataset": name, "mixture": preset.mixture.to_dict(), "bounds": preset.bounds.tolist()}


def _resolution(profile: Profile, dataset: str) -> int:
    return profile.grid_resolution if PRESETS[dataset].mixture.n_features == 2 else profile.grid_resolution_3d


def tuned_pairs(profile: Profile) -> list[tuple[str, str]]:
    """Every (dataset, method) whose method is tuned, for the runs and the training runs."""
    pairs = [(d, m) for d in profile.datasets for m in profile.methods]
    pairs += [pair for pair in profile.training if pair not in pairs]
    return [(d, m) for d, m in pairs if profile.method(m).tune]


def cost_dataset(cost: ScalingCost, dim: int) -> str:
    """The name of the cost study's mixture in dimension ``dim`` (also seeds its samples)."""
    return f"generated-D{dim}-p{cost.p:g}-{cost.mixture_seed}"


def _cost_entry(cost: ScalingCost, dim: int) -> dict[str, Any]:
    mixture = random_mixture(dim, cost.n_components, cost.p, cost.mixture_seed)
    return {"dataset": cost_dataset(cost, dim), "mixture": mixture.to_dict(), "dim": dim}


def plan_scaling_tuning(profile: Profile) -> list[dict[str, Any]]:
    """The scaling experiments' tuning jobs, on the profile's tuning seeds.

    The scaling law tunes each family once for all its sizes; the cost study tunes each
    method once, at ``(sample_dim, dim_samples)``, and uses the setting in every cell.
    """
    jobs = []
    common = {
        "kind": "scaling_tune",
        "experiment": "scaling",
        "seeds": profile.tuning_seeds,
        "n_validation": profile.n_validation,
        "rungs": profile.rungs,
        "keep": profile.keep,
        "extensions": profile.extensions,
    }
    law = profile.scaling_law
    if law is not None:
        for method, sizes in ((law.kan, law.grids), (law.mlp, law.mlp_widths)):
            m = profile.method(method)
            if m.tune:
                jobs.append(
                    {
                        **common,
                        **_dataset_entry(law.dataset),
                        "method": method,
                        "estimator": m.estimator,
                        "params": m.params,
                        "candidates": m.candidates(),
                        "sizes": sizes,
                        "n_train": law.n_train,
                        "normalized": False,
                    }
                )
    cost = profile.scaling_cost
    if cost is not None:
        for method in cost.methods:
            m = profile.method(method)
            if m.tune:
                jobs.append(
                    {
                        **common,
                        **_cost_entry(cost, cost.sample_dim),
                        "method": method,
                        "estimator": m.estimator,
                        "params": m.params,
                        "candidates": m.candidates(),
                        "sizes": None,
                        "n_train": cost.dim_samples,
                        "normalized": m.normalized,
                    }
                )
    return jobs


def plan_tuning(profile: Profile) -> list[dict[str, Any]]:
    """The tuning jobs, in a stable order (the comparison's, then the scaling experiments')."""
    jobs = []
    for dataset, method in tuned_pairs(profile):
        m = profile.method(method)
        jobs.append(
            {
                "kind": "tune",
                **_dataset_entry(dataset),
                "method": method,
                "estimator": m.estimator,
                "params": m.params,
                "candidates": m.candidates(),
                "seeds": profile.tuning_seeds,
                "n_train": profile.n_train,
                "n_validation": profile.n_validation,
                "normalized": m.normalized,
                "rungs": profile.rungs,
                "keep": profile.keep,
                "extensions": profile.extensions,
            }
        )
    return jobs + plan_scaling_tuning(profile)


def plan_jobs(profile: Profile, chosen: Chosen | None = None) -> list[dict[str, Any]]:
    """Every job after tuning, in a stable order.

    Parameters
    ----------
    profile : Profile
    chosen : dict, optional
        ``{(dataset, method): setting}`` from the tuning jobs. When None, a tuned method's
        entries carry its candidate grid (``"tune"``) instead: that template plan is what
        identifies the exports without running anything (see ``pipeline.plan_digest``).
        A tuned pair missing from ``chosen`` leaves its jobs out.
    """
    jobs: list[dict[str, Any]] = []
    sizes = {"n_train": profile.n_train, "n_test": profile.n_test}

    def params(dataset: str, method: str) -> dict[str, Any] | None:
        m = profile.method(method)
        if not m.tune:
            return {"params": m.params}
        if chosen is None:
            return {"params": m.params, "tune": m.tune}
        setting = chosen.get((dataset, method))
        return None if setting is None else {"params": {**m.params, **setting}}

    def run(dataset: str, method: str, seed: int) -> dict[str, Any] | None:
        p = params(dataset, method)
        if p is None:
            return None
        return {
            "kind": "run",
            **_dataset_entry(dataset),
            "method": method,
            "estimator": profile.method(method).estimator,
            **p,
            "seed": seed,
            **sizes,
            "grid_resolution": _resolution(profile, dataset),
        }

    for dataset in profile.datasets:
        for method in profile.methods:
            for seed in profile.seeds:
                if (job := run(dataset, method, seed)) is not None:
                    jobs.append(job)
    for dataset, method in profile.training:
        if (tuned := params(dataset, method)) is not None:
            jobs.append(
                {
                    "kind": "training",
                    **_dataset_entry(dataset),
                    "method": method,
                    "estimator": profile.method(method).estimator,
                    **tuned,
                    "seed": profile.seeds[0],
                    **sizes,
                    "grid_resolution": profile.grid_resolution,
                }
            )
    for dataset, init in profile.em_history:
        jobs.append({"kind": "em_history", **_dataset_entry(dataset), "init": init, "seed": profile.seeds[0], **sizes})
    if profile.original is not None:
        dataset, method = profile.original
        m = profile.method(method)
        jobs.append(
            {
                "kind": "original",
                **_dataset_entry(dataset),
                "method": method,
                "estimator": m.estimator,
                "params": m.params,
                "seed": profile.seeds[0],
                **sizes,
                "grid_resolution": profile.grid_resolution,
            }
        )
    if profile.readback is not None:
        rb = profile.readback
        m = profile.method(rb.method)
        for p in rb.p:
            for mixture_seed in rb.seeds:
                for grid in rb.grids:
                    jobs.append(
                        {
                            "kind": "readback",
                            "dataset": f"generated-p{p:g}-{mixture_seed}",
                            "method": f"{rb.method}-grid{grid}",
                            "estimator": m.estimator,
                            "params": {**m.params, "grid": grid},
                            "dim": 2,
                            "n_components": 3,
                            "p": p,
                            "mixture_seed": mixture_seed,
                            "seed": 0,
                            "n_train": rb.n_train,
                            "n_test": rb.n_test,
                        }
                    )
    return jobs + _plan_scaling(profile, params)


def _plan_scaling(profile: Profile, params: Callable[[str, str], dict[str, Any] | None]) -> list[dict[str, Any]]:
    """The scaling law's and the cost study's evaluated jobs (``params`` as in :func:`plan_jobs`)."""
    jobs: list[dict[str, Any]] = []
    law = profile.scaling_law
    if law is not None:
        for method, sizes in ((law.kan, law.grids), (law.mlp, law.mlp_widths)):
            if (p := params(law.dataset, method)) is None:
                continue
            for seed in law.seeds:
                jobs.append(
                    {
                        "kind": "scaling_law",
                        "experiment": "scaling",
                        **_dataset_entry(law.dataset),
                        "method": method,
                        "estimator": profile.method(method).estimator,
                        **p,
                        "sizes": sizes,
                        "seed": seed,
                        "n_train": law.n_train,
                        "n_test": law.n_test,
                    }
                )
    cost = profile.scaling_cost
    if cost is not None:
        tuned_on = cost_dataset(cost, cost.sample_dim)
        entries = {dim: _cost_entry(cost, dim) for dim in cost.dims}
        for method in cost.methods:
            if (p := params(tuned_on, method)) is None:
                continue
            for dim, n in cost.cells():
                for seed in cost.seeds:
                    jobs.append(
                        {
                            "kind": "scaling_cost",
                            "experiment": "scaling",
                            **entries[dim],
                            "method": method,
                            "estimator": profile.method(method).estimator,
                            **p,
                            "n_train": n,
                            "n_test": cost.n_test,
                            "seed": seed,
                            "limits": cost.limits,
                        }
                    )
    return jobs


def job_label(job: dict[str, Any]) -> str:
    """A short human name of a job."""
    what = job.get("method", job.get("init"))
    if job["kind"] == "scaling_cost":
        what = f"{what}/N{job['n_train']}"
    seed = job.get("seed", "+".join(str(s) for s in job.get("seeds", [])))
    return f"{job['kind']}:{job['dataset']}/{what}/seed{seed}"


def matches(job: dict[str, Any], only: list[str] | None) -> bool:
    """Whether ``--only`` selects the job (by dataset, method, EM init, kind or experiment)."""
    if not only:
        return True
    names = {job["dataset"], job.get("method"), job.get("init"), job["kind"], job.get("experiment")}
    return any(o in names for o in only)
