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
    tests = np.vstack(
        [draw_samples(mixture, prof.n_train, prof.n_test, data_seed("original", s))[1] for s in prof.seeds]
    )
    trains = np.vstack(
        [draw_samples(mixture, prof.n_train, prof.n_test, data_seed("original", s))[0] for s in prof.seeds]
    )
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


def test_an_axis_goes_on_by_its_own_spacing() -> None:
    from ggmm_build.tuning import extend_value

    lrs = [0.001, 0.003, 0.01, 0.03, 0.1]
    assert extend_value(lrs, "high") == 0.3 and extend_value(lrs + [0.3], "high") == 1.0
    assert extend_value(lrs, "low") == 0.0003
    assert extend_value([5, 10], "low") == 3 and extend_value([5, 10], "high") == 20
    assert extend_value([3, 5, 10], "low") == 2 and extend_value([2, 3, 5, 10], "low") == 1
    assert extend_value([1, 2, 3, 5, 10], "low") is None  # a grid of fewer than 1 interval does not exist
    assert extend_value([0.0, 0.01], "low") is None  # a penalty cannot go below 0
    assert extend_value([0.0, 0.01], "high") == 0.02  # no ratio from 0: the difference
    with pytest.raises(ValueError, match="'end'"):
        extend_value(lrs, "middle")


def test_bracket_walks_to_the_minimum_of_a_valley_and_stops_on_either_side() -> None:
    """On a score with its minimum at lr = 1 beyond a grid that ends at 0.1, the walk adds 0.3, 1 and 3
    and stops once 3 loses; a penalty chosen at 0 stays (a hard bound); a limit of one step leaves the
    axis open."""
    import math

    from ggmm_build.tuning import bracket, ordered_axes

    grid = [
        {"lr": lr, "lamb": lamb, "optimizer": o}
        for lr in (0.001, 0.003, 0.01, 0.03, 0.1)
        for lamb in (0.0, 0.01)
        for o in ("adam", "lbfgs")
    ]
    axes = ordered_axes(grid)
    assert set(axes) == {"lr", "lamb"}  # the optimizer is not ordered

    def score(c: dict) -> float:
        return abs(math.log10(c["lr"])) + 100 * c["lamb"]

    chosen = {"lr": 0.1, "lamb": 0.0, "optimizer": "adam"}
    out = bracket(chosen, score(chosen), axes, score, extensions=3)
    assert [c["lr"] for c in out["candidates"]] == [0.3, 1.0, 3.0]
    assert out["chosen"] == {"lr": 1.0, "lamb": 0.0, "optimizer": "adam"}
    assert out["axes"]["lr"]["status"] == "inside" and out["axes"]["lamb"]["status"] == "bound"
    assert out["scores"] == [score(c) for c in out["candidates"]]
    short = bracket(chosen, score(chosen), axes, score, extensions=1)
    assert short["axes"]["lr"]["status"] == "limit" and short["chosen"]["lr"] == 0.3
    inside = {"lr": 0.01, "lamb": 0.01, "optimizer": "lbfgs"}
    high_lamb = bracket(inside, score(inside), axes, score, extensions=3)
    assert [c["lamb"] for c in high_lamb["candidates"]] == [0.02]  # 0.02 loses: 0.01 is now inside
    assert high_lamb["chosen"] == inside and high_lamb["axes"]["lamb"]["status"] == "inside"
