"""The build pipeline: config -> jobs -> cache or training -> exports.

Finished jobs are cached one by one, so an interrupted build resumes where it stopped;
the exports are written only when every job of the profile has a result.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .cache import EXPORTER, Cache, SourceTree, job_key, package_versions, source_tree
from .config import DEFAULT_CONFIG, Profile, load_config
from .executors import Executor, Task, make_executor
from .export import (
    EXPORT_VERSION,
    comparison_export,
    em_history_export,
    original_export,
    presets_export,
    recovered_export,
    scaling_export,
    timings_export,
    tuning_export,
    write_exports,
)
from .plan import job_label, matches, plan_jobs, plan_tuning

__all__ = [
    "Outcome",
    "build_documents",
    "exports_up_to_date",
    "plan_digest",
    "plan_jobs",
    "plan_tuning",
    "run_pipeline",
]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = ROOT / "report" / "data"
DEFAULT_CACHE_DIR = Path(os.environ.get("GGMM_CACHE_DIR", ROOT / ".cache" / "ggmm"))


@dataclass
class Outcome:
    """What a pipeline run did."""

    trained: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    exports: list[Path] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    up_to_date: bool = False


MANIFEST = "manifest.json"


def code_digest(jobs: list[dict[str, Any]], tree: SourceTree | None = None) -> str:
    """A hash of the code the exports come from: every module the jobs run, and the exporter's code.

    The exporter (:data:`~ggmm_build.cache.EXPORTER` and what it imports) turns cached results
    into the exports, so a change to it makes the exports stale without retraining anything.
    """
    tree = tree or source_tree()
    modules = tree.closure({EXPORTER}).union(*(tree.job_modules(job) for job in _distinct_code(jobs)))
    return tree.digest(modules)


def _distinct_code(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One job per (kind, estimator): the jobs' code depends on nothing else."""
    return list({(job["kind"], job.get("estimator")): job for job in jobs}.values())


def plan_digest(jobs: list[dict[str, Any]], tree: SourceTree | None = None) -> str:
    """A hash of every job entry and of the code (:func:`code_digest`): what the exports were computed from."""
    blob = json.dumps({"jobs": jobs, "code": code_digest(jobs, tree)}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def manifest_document(profile: Profile, jobs: list[dict[str, Any]], files: list[str]) -> dict[str, Any]:
    """The export folder's provenance: profile, plan digest, code hash, files and package versions."""
    return {
        "schema": "ggmm-manifest",
        "version": EXPORT_VERSION,
        "profile": profile.name,
        "plan": plan_digest(jobs),
        "code": code_digest(jobs),
        "n_jobs": len(jobs),
        "files": sorted(files),
        "versions": {
            "python": platform.python_version(),
            **package_versions(),
            **{name: _version(name) for name in ("plotly", "kaleido")},
        },
    }


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def exports_up_to_date(data_dir: Path, profile: Profile, jobs: list[dict[str, Any]]) -> bool:
    """Whether ``data_dir`` holds every export of exactly this plan (same config entries, same code).

    Same code means the same sources of the modules the jobs and the exporter run
    (:func:`code_digest`), line endings aside.

    Package versions are recorded in the manifest but do not make committed exports stale:
    a fresh clone renders the published data as it is, and ``--force`` recomputes it.
    """
    try:
        manifest = json.loads((data_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or manifest.get("plan") != plan_digest(jobs):
        return False
    if manifest.get("profile") != profile.name:
        return False
    return all((data_dir / name).is_file() for name in manifest.get("files", [])) and bool(manifest.get("files"))


def build_documents(
    profile: Profile, jobs: list[dict[str, Any]], results: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """All export documents, keyed by their path under the data folder."""
    pairs = [(job, results[job_key(job)]) for job in jobs]

    def kind(name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(j, r) for j, r in pairs if j["kind"] == name]

    runs, trainings = kind("run"), kind("training")
    documents = {
        "presets.json": presets_export(profile),
        "comparison.json": comparison_export(profile, runs),
        "tuning.json": tuning_export(profile, kind("tune")),
        "em_history.json": em_history_export(kind("em_history")),
        "recovered.json": recovered_export(profile, runs, trainings, kind("readback")),
        "timings.json": timings_export(profile, runs, [p for p in pairs if p[0]["kind"] != "run"]),
    }
    if kind("original"):
        documents["original.json"] = original_export(kind("original"))
    if kind("scaling_law") or kind("scaling_cost"):
        documents["scaling.json"] = scaling_export(
            profile, kind("scaling_tune"), kind("scaling_law"), kind("scaling_cost")
        )
    for job, res in trainings:
        documents[f"training/{job['dataset']}-{job['method']}.json"] = res["snapshots"]
    return documents


def run_pipeline(
    profile: str = "full",
    data_dir: Path | str = DEFAULT_DATA_DIR,
    cache_dir: Path | str = DEFAULT_CACHE_DIR,
    config: Path | str = DEFAULT_CONFIG,
    only: list[str] | None = None,
    force: bool = False,
    quiet: bool = False,
    workers: int | None = None,
    executor: str | Executor = "local",
    scheduler: str | None = None,
) -> Outcome:
    """Bring the exports of ``profile`` up to date.

    Parameters
    ----------
    profile : str
        "full" (the published report) or "quick" (tests, CI).
    data_dir, cache_dir : Path
        Where exports and cached results go.
    config : Path
        The experiment config (checked completely before anything is trained).
    only : list of str, optional
        Run only the jobs whose dataset, method, EM init or kind is named here.
    force : bool
        Recompute the selected jobs even when cached.
    quiet : bool
        No progress display.
    workers : int, optional
        Parallel local processes; the profile's ``workers`` when None.
    executor : {"local", "dask"} or Executor
        Where jobs run: this machine's processes, or the workers of a Dask cluster (see
        :mod:`ggmm_build.executors`). Results come back here; only this process writes the cache
        and the exports, so they are the same whichever executor ran the jobs.
    scheduler : str, optional
        The Dask scheduler's address (``executor="dask"``); ``$GGMM_DASK_SCHEDULER`` when None.

    Returns
    -------
    Outcome

    Raises
    ------
    ExecutorError
        The executor cannot start (no scheduler, dask missing) or jobs were lost on the cluster.
    """
    prof = load_config(profile, config)
    console = Console(stderr=True, quiet=quiet)
    cache = Cache(cache_dir)
    template = plan_tuning(prof) + plan_jobs(prof)
    outcome = Outcome()
    if not force and not only and exports_up_to_date(Path(data_dir), prof, template):
        outcome.up_to_date = True
        console.print(
            f"exports in {data_dir} are up to date with the {prof.name} profile and the code; "
            "nothing to train (--force recomputes them)"
        )
        return outcome
    results: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    n_workers = max(1, workers or prof.workers)
    runner = (
        executor
        if isinstance(executor, Executor)
        else make_executor(executor, n_workers, scheduler, log=lambda message: console.print(message, highlight=False))
    )
    with (
        ExitStack() as stack,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=quiet,
        ) as bar,
    ):
        entered: list[Executor] = []

        def start() -> Executor:
            """The executor, entered on first use and for both phases (a cluster is joined once)."""
            if not entered:
                entered.append(stack.enter_context(runner))
            return entered[0]

        phase = _Phase(
            cache,
            results,
            outcome,
            only,
            force,
            bar,
            bar.add_task(f"[bold]{prof.name}", total=None),
            console,
            quiet,
            start,
        )
        tune_jobs = plan_tuning(prof)
        phase.resolve(tune_jobs)
        chosen = {
            (j["dataset"], j["method"]): results[job_key(j)]["chosen"] for j in tune_jobs if job_key(j) in results
        }
        jobs = plan_jobs(prof, chosen)
        phase.resolve(jobs)
    outcome.recovered = list(cache.recovered)
    missing = [job_label(j) for j in tune_jobs + jobs if job_key(j) not in results]
    waiting = len(template) - len(tune_jobs) - len(jobs)  # runs whose tuning has no result yet
    if missing or waiting:
        first = missing[0] if missing else "a run whose tuning has no result yet"
        console.print(
            f"[yellow]exports not written: {len(missing) + waiting} job(s) have no result yet "
            f"(first: {first}); run without --only to finish them"
        )
    else:
        documents = build_documents(prof, tune_jobs + jobs, results)
        documents[MANIFEST] = manifest_document(prof, template, list(documents))
        outcome.exports = write_exports(Path(data_dir), documents)
    _report(console, outcome, time.perf_counter() - started, Path(data_dir))
    return outcome


@dataclass
class _Phase:
    """Resolves batches of jobs against the cache and runs the rest on the executor."""

    cache: Cache
    results: dict[str, dict[str, Any]]
    outcome: Outcome
    only: list[str] | None
    force: bool
    bar: Progress
    overall: Any
    console: Console
    quiet: bool
    start: Any

    def resolve(self, jobs: list[dict[str, Any]]) -> None:
        """Fill ``results`` for ``jobs``: from the cache, else by running the ones ``only`` selects."""
        todo: list[Task] = []
        for job in jobs:
            key = job_key(job)
            selected = matches(job, self.only)
            hit = None if (self.force and selected) else self.cache.get(key)
            if hit is not None:
                self.results[key] = hit
                self.outcome.cached.append(job_label(job))
            elif selected:
                todo.append(Task(job, key, job_label(job)))
        todo.sort(key=lambda task: task.job["kind"] not in ("training", "tune"))  # the longest jobs first
        total = (self.bar.tasks[self.overall].total or 0) + len(todo)
        self.bar.update(
            self.overall,
            total=total,
            description=f"[bold]{len(self.outcome.trained) + len(todo)} to train, {len(self.outcome.cached)} cached",
        )
        if not todo:
            return
        queued = {task.key: task for task in todo}
        bars: dict[str, Any] = {}

        def show(key: str, done: int, steps: int) -> None:
            if key not in bars:
                bars[key] = self.bar.add_task(f"  {queued[key].label}", total=steps)
            self.bar.update(bars[key], completed=done, total=steps)

        n_before = len(self.outcome.trained)
        for key, result in self.start().run(todo, show):
            task = queued[key]
            self.cache.put(key, task.job, result)
            self.results[key] = result
            self.outcome.trained.append(task.label)
            self.outcome.seconds[task.label] = float(result.get("seconds", 0.0))
            self.bar.advance(self.overall)
            if not self.console.is_terminal and not self.quiet:  # logs and CI: one line per finished job
                self.console.print(
                    f"[{len(self.outcome.trained)}/{n_before + len(todo)}] {task.label}: "
                    f"{self.outcome.seconds[task.label]:.1f} s",
                    highlight=False,
                )
            if key in bars:
                self.bar.remove_task(bars.pop(key))


def _report(console: Console, outcome: Outcome, seconds: float, data_dir: Path) -> None:
    table = Table(title=f"build finished in {seconds:.1f} s", show_lines=False)
    table.add_column("job")
    table.add_column("source")
    table.add_column("seconds", justify="right")
    for label in outcome.trained:
        table.add_row(label, "trained", f"{outcome.seconds.get(label, 0.0):.2f}")
    if len(outcome.cached) > 12:
        table.add_row(f"{len(outcome.cached)} jobs", "cache", "")
    else:
        for label in outcome.cached:
            table.add_row(label, "cache", "")
    console.print(table)
    for message in outcome.recovered:
        console.print(f"[yellow]{message}")
    if outcome.exports:
        console.print(f"exports: {len(outcome.exports)} files under {data_dir}")
