"""Cache keys come from the code that ran: editing a module retrains exactly the jobs that run it.

Every test edits a temporary copy of ``ggmm/`` and ``build/`` and reads the keys from that
copy (:class:`~ggmm_build.cache.SourceTree`), so nothing here touches the working tree.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ggmm_build.cache import SourceTree, job_key
from ggmm_build.config import load_config
from ggmm_build.pipeline import plan_digest
from ggmm_build.plan import plan_jobs, plan_tuning

ROOT = Path(__file__).resolve().parents[1]

#: What no job runs: figures, strings, widgets, report prose, the site and the gallery.
PRESENTATION = [
    "build/figures/*.py",
    "build/pages/*.py",
    "build/i18n/*.py",
    "build/documents/*.py",
    "build/site/*.py",
    "build/cli.py",
]


@pytest.fixture(scope="module")
def jobs() -> list[dict[str, Any]]:
    """Every job of the full profile (every kind, every estimator), tuned methods as templates."""
    profile = load_config("full")
    return plan_tuning(profile) + plan_jobs(profile)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the two packages' sources."""
    for name in ("ggmm", "build"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def tree(root: Path) -> SourceTree:
    return SourceTree({"ggmm": root / "ggmm", "ggmm_build": root / "build"})


def keys(root: Path, jobs: list[dict[str, Any]]) -> list[str]:
    source = tree(root)
    return [job_key(job, source) for job in jobs]


def edit(path: Path) -> None:
    """A change to a module's code (a new module-level constant)."""
    path.write_text(path.read_text(encoding="utf-8") + "\n_EDITED_FOR_A_TEST = 1\n", encoding="utf-8")


def changed(before: list[str], after: list[str], jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [job for job, a, b in zip(jobs, before, after, strict=True) if a != b]


def test_keys_are_stable_and_independent_of_where_the_project_lives(copy: Path, jobs: list[dict[str, Any]]) -> None:
    first = keys(copy, jobs)
    assert keys(copy, jobs) == first
    assert [job_key(job) for job in jobs] == first  # this installation's sources, read from ROOT
    assert len(set(first)) == len(first)


def by_estimator(*names: str) -> Callable[[dict[str, Any]], bool]:
    return lambda job: job.get("estimator") in names


@pytest.mark.parametrize(
    ("module", "runs_it", "never_runs_it"),
    [
        # an estimator's own module: its jobs, whatever their kind, and nothing else
        ("ggmm/estimators/mlp.py", by_estimator("MLPRegressor"), lambda job: job.get("estimator") != "MLPRegressor"),
        (
            "ggmm/estimators/kan_regression.py",
            by_estimator("KANRegressor"),
            lambda job: job.get("estimator") != "KANRegressor",
        ),
        # EM: the EM baselines (one module with the other classical baselines), the EM-history jobs,
        # the read-back (which fits EM beside the KAN) and the KA-KAN (its read-back reuses EM's bounds);
        # never the KAN regressor, the exp(KAN) density or the MLP
        (
            "ggmm/estimators/em.py",
            lambda job: (
                job.get("estimator") in ("EMEstimator", "KDEBaseline", "GaussianMixtureBaseline", "KAMixtureKAN")
                or job["kind"] in ("em_history", "readback")
            ),
            by_estimator("KANRegressor", "KANDensityEstimator", "MLPRegressor"),
        ),
    ],
)
def test_editing_an_estimator_changes_the_keys_of_its_jobs_only(
    copy: Path,
    jobs: list[dict[str, Any]],
    module: str,
    runs_it: Callable[[dict[str, Any]], bool],
    never_runs_it: Callable[[dict[str, Any]], bool],
) -> None:
    before = keys(copy, jobs)
    edit(copy / module)
    moved = changed(before, keys(copy, jobs), jobs)
    assert [j for j in jobs if runs_it(j)] and [j for j in jobs if never_runs_it(j)]
    assert all(runs_it(job) for job in moved)
    assert len(moved) == sum(runs_it(job) for job in jobs)
    assert not any(never_runs_it(job) for job in moved)


def test_editing_the_runner_or_a_shared_module_changes_the_jobs_that_run_it(
    copy: Path, jobs: list[dict[str, Any]]
) -> None:
    before = keys(copy, jobs)
    edit(copy / "build" / "jobs.py")
    after = keys(copy, jobs)
    assert all(a != b for a, b in zip(before, after, strict=True))
    edit(copy / "ggmm" / "distribution.py")  # every job builds the true mixture
    assert all(a != b for a, b in zip(after, keys(copy, jobs), strict=True))


def test_presentation_code_is_in_no_key_and_not_in_the_plan_digest(copy: Path, jobs: list[dict[str, Any]]) -> None:
    before, digest = keys(copy, jobs), plan_digest(jobs, tree(copy))
    edited = [path for pattern in PRESENTATION for path in copy.glob(pattern)]
    assert len(edited) >= 10
    for path in edited:
        edit(path)
    assert keys(copy, jobs) == before
    assert plan_digest(jobs, tree(copy)) == digest


def test_the_exporter_makes_exports_stale_without_retraining(copy: Path, jobs: list[dict[str, Any]]) -> None:
    before, digest = keys(copy, jobs), plan_digest(jobs, tree(copy))
    edit(copy / "build" / "export" / "scaling.py")  # a module of the exporter package
    assert keys(copy, jobs) == before
    assert plan_digest(jobs, tree(copy)) != digest


def test_line_endings_change_no_key(copy: Path, jobs: list[dict[str, Any]]) -> None:
    before = keys(copy, jobs)
    for path in [copy / "build" / "jobs.py", *(copy / "ggmm" / "estimators").glob("*.py")]:
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert keys(copy, jobs) == before


def test_a_runner_without_a_kinds_table_counts_every_import(copy: Path, jobs: list[dict[str, Any]]) -> None:
    """When the runner's shape is not understood, the key errs towards retraining."""
    runner = copy / "build" / "jobs.py"
    runner.write_text(
        runner.read_text(encoding="utf-8").replace("KINDS:", "_KINDS:").replace("return KINDS[", "return _KINDS["),
        encoding="utf-8",
    )
    em_run = next(j for j in jobs if j["kind"] == "run" and j["estimator"] == "EMEstimator")
    assert "ggmm.estimators.kan_regression" in tree(copy).job_modules(em_run)


def test_layout_comments_and_docstrings_change_no_key(copy: Path, jobs: list[dict[str, Any]]) -> None:
    """Reformatting or re-documenting a module is not a code change; editing a constant is."""
    before = keys(copy, jobs)
    path = copy / "ggmm" / "estimators" / "em.py"
    text = path.read_text(encoding="utf-8")
    restyled = text.replace('"""', '"""Reworded. ', 1).replace("\n\n\n", "\n\n\n# a comment\n\n\n")
    restyled = restyled.replace("import ", "import  ", 1).replace("(self", "(\n        self", 3)
    assert restyled != text
    path.write_text(restyled, encoding="utf-8")
    assert keys(copy, jobs) == before
    edit(path)
    assert keys(copy, jobs) != before
