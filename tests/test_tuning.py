"""The tuning protocol never sees an evaluated seed or test point."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ggmm_build import jobs as jobs_module
from ggmm_build.config import load_config
from ggmm_build.jobs import data_seed, draw_samples, execute
from ggmm_build.plan import plan_jobs, plan_tuning

from ggmm import PRESETS


@pytest.mark.parametrize("profile", ["full", "quick"])
def test_tuning_and_evaluation_use_disjoint_data(profile: str) -> None:
    prof = load_config(profile)
    tunes = plan_tuning(prof)
    runs = [j for j in plan_jobs(prof) if j["kind"] == "run"]
    assert tunes and runs
    tuned_data = {(j["dataset"], data_seed(j["dataset"], s)) for j in tunes for s in j["seeds"]}
    evaluated = {(j["dataset"], data_seed(j["dataset"], j["seed"])) for j in runs}
    assert not tuned_data & evaluated
    assert not set(prof.tuning_seeds) & set(prof.seeds)
    # every tuned (dataset, method) of the runs has a tuning job
    assert {(j["dataset"], j["method"]) for j in runs if "tune" in j} <= {(j["dataset"], j["method"]) for j in tunes}


def test_a_tuning_job_draws_only_tuning_data_and_no_test_point(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a real tuning job with the sampler instrumented: every draw comes from a tuning seed,
    and no tuning sample equals any test point of an evaluated seed."""
    prof = load_config("quick")
    job = next(j for j in plan_tuning(prof) if j["method"] == "mlp-small" and j["dataset"] == "original")
    job = {**job, "params": {**job["params"], "steps": 20}}  # a short fit: only the data flow matters here
    seen: list[tuple[int, np.ndarray, np.ndarray]] = []

    def spy(mixture, n_first, n_second, seed):
        X1, X2 = draw_samples(mixture, n_first, n_second, seed)
        seen.append((seed, X1, X2))
        return X1, X2

    monkeypatch.setattr(jobs_module, "draw_samples", spy)
    result = execute(job)
    assert result["chosen"] in job["candidates"] and len(result["scores"]) == len(job["candidates"])
    allowed = {data_seed("original", s) for s in prof.tuning_seeds}
    assert seen and {seed for seed, _, _ in seen} <= allowed
    mixture = PRESETS["original"].mixture
    tests = np.vstack([draw_samples(mixture, prof.n_train, prof.n_test, data_seed("original", s))[1]
                       for s in prof.seeds])
    trains = np.vstack([draw_samples(mixture, prof.n_train, prof.n_test, data_seed("original", s))[0]
                        for s in prof.seeds])
    evaluated = {tuple(row) for row in np.vstack([tests, trains]).round(12)}
    for _, X1, X2 in seen:
        assert not {tuple(row) for row in np.vstack([X1, X2]).round(12)} & evaluated


def test_the_chosen_setting_reaches_every_run(tmp_path: Path) -> None:
    prof = load_config("quick")
    tunes = plan_tuning(prof)
    chosen = {(j["dataset"], j["method"]): j["candidates"][-1] for j in tunes}
    for job in plan_jobs(prof, chosen):
        if (job["dataset"], job.get("method")) in chosen and job["kind"] in ("run", "training"):
            setting = chosen[(job["dataset"], job["method"])]
            assert all(job["params"][k] == v for k, v in setting.items())
            assert "tune" not in job
    # without a result for a tuned pair, its runs are left out (never run with untuned defaults)
    partial = plan_jobs(prof, {})
    assert not any(j["kind"] == "run" and (j["dataset"], j["method"]) in chosen for j in partial)
