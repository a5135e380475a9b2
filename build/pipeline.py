"""The build pipeline: config -> jobs -> cache or training -> exports.

Finished jobs are cached one by one, so an interrupted build resumes where it stopped;
the exports are written only when every job of the profile has a result.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ggmm import PRESETS

from .cache import CODE_VERSION, Cache, job_key, package_versions
from .config import DEFAULT_CONFIG, Profile, load_config
from .executors import Executor, Task, make_executor
from .export import (
    comparison_export,
    em_history_export,
    presets_export,
    recovered_export,
    timings_export,
    write_exports,
)

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


def plan_digest(jobs: list[dict[str, Any]]) -> str:
    """A hash of every job entry and the code version: what the exports were computed from."""
    blob = json.dumps({"jobs": jobs, "code": CODE_VERSION}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def manifest_document(profile: Profile, jobs: list[dict[str, Any]], files: list[str]) -> dict[str, Any]:
    """The export folder's provenance: profile, plan digest, files and package versions."""
    return {"schema": "ggmm-manifest", "version": 1, "profile": profile.name, "plan": plan_digest(jobs),
            "code_version": CODE_VERSION, "n_jobs": len(jobs), "files": sorted(files),
            "versions": package_versions()}


def exports_up_to_date(data_dir: Path, profile: Profile, jobs: list[dict[str, Any]]) -> bool:
    """Whether ``data_dir`` holds every export of exactly this plan (same config entries, same code).

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


def _dataset_entry(name: str) -> dict[str, Any]:
    preset = PRESETS[name]
    return {"dataset": name, "mixture": preset.mixture.to_dict(), "bounds": preset.bounds.tolist()}


def plan_jobs(profile: Profile) -> list[dict[str, Any]]:
    """Every job the profile's exports need, in a stable order."""
    jobs: list[dict[str, Any]] = []
    sizes = {"n_train": profile.n_train, "n_test": profile.n_test}

    def resolution(dataset: str) -> int:
        return profile.grid_resolution if PRESETS[dataset].mixture.n_features == 2 else profile.grid_resolution_3d

    def run(dataset: str, method: str, seed: int) -> dict[str, Any]:
        m = profile.method(method)
        return {"kind": "run", **_dataset_entry(dataset), "method": method, "estimator": m.estimator,
                "params": m.params, "seed": seed, **sizes, "grid_resolution": resolution(dataset)}

    for dataset in profile.datasets:
        for method in profile.methods:
            for seed in profile.seeds:
                jobs.append(run(dataset, method, seed))
    for dataset in profile.recovered:  # the read-back needs seed-0 runs of these two methods
        for method in ("ka-kan", "em-kmeans"):
            job = run(dataset, method, profile.seeds[0])
            if job not in jobs:
                jobs.append(job)
    for dataset, method in profile.training:
        m = profile.method(method)
        jobs.append({"kind": "training", **_dataset_entry(dataset), "method": method,
                     "estimator": m.estimator, "params": m.params, "seed": profile.seeds[0], **sizes,
                     "grid_resolution": profile.grid_resolution})
    for dataset, init in profile.em_history:
        jobs.append({"kind": "em_history", **_dataset_entry(dataset), "init": init,
                     "seed": profile.seeds[0], **sizes})
    return jobs


def job_label(job: dict[str, Any]) -> str:
    """A short human name of a job."""
    what = job.get("method", job.get("init"))
    return f"{job['kind']}:{job['dataset']}/{what}/seed{job['seed']}"


def _matches(job: dict[str, Any], only: list[str] | None) -> bool:
    if not only:
        return True
    names = {job["dataset"], job.get("method"), job.get("init"), job["kind"]}
    return any(o in names for o in only)


def build_documents(profile: Profile, jobs: list[dict[str, Any]],
                    results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """All export documents, keyed by their path under the data folder."""
    pairs = [(job, results[job_key(job)]) for job in jobs]
    runs = [(j, r) for j, r in pairs if j["kind"] == "run"]
    main_runs = [(j, r) for j, r in runs if j["dataset"] in profile.datasets and j["method"] in profile.methods]
    trainings = [(j, r) for j, r in pairs if j["kind"] == "training"]
    histories = [(j, r) for j, r in pairs if j["kind"] == "em_history"]
    documents = {
        "presets.json": presets_export(profile),
        "comparison.json": comparison_export(profile, main_runs),
        "em_history.json": em_history_export(histories),
        "recovered.json": recovered_export(profile, runs, trainings),
        "timings.json": timings_export(profile, runs, trainings + histories),
    }
    for job, res in trainings:
        documents[f"training/{job['dataset']}-{job['method']}.json"] = res["snapshots"]
    return documents


def run_pipeline(profile: str = "full", data_dir: Path | str = DEFAULT_DATA_DIR,
                 cache_dir: Path | str = DEFAULT_CACHE_DIR, config: Path | str = DEFAULT_CONFIG,
                 only: list[str] | None = None, force: bool = False, quiet: bool = False,
                 workers: int | None = None, executor: str | Executor = "local",
                 scheduler: str | None = None) -> Outcome:
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
    jobs = plan_jobs(prof)
    outcome = Outcome()
    if not force and not only and exports_up_to_date(Path(data_dir), prof, jobs):
        outcome.up_to_date = True
        console.print(f"exports in {data_dir} are up to date with the {prof.name} profile and the code; "
                      "nothing to train (--force recomputes them)")
        return outcome
    keys = [job_key(job) for job in jobs]
    results: dict[str, dict[str, Any]] = {}
    todo: list[tuple[dict[str, Any], str]] = []
    for job, key in zip(jobs, keys, strict=True):
        selected = _matches(job, only)
        hit = None if (force and selected) else cache.get(key)
        if hit is not None:
            results[key] = hit
            outcome.cached.append(job_label(job))
        elif selected:
            todo.append((job, key))
    outcome.recovered = list(cache.recovered)
    todo.sort(key=lambda item: item[0]["kind"] != "training")  # the longest jobs first: shorter makespan

    n_workers = max(1, min(workers or prof.workers, len(todo) or 1))
    runner = executor if isinstance(executor, Executor) else make_executor(
        executor, n_workers, scheduler, log=lambda message: console.print(message, highlight=False))
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False, disable=quiet) as bar:
        overall = bar.add_task(f"[bold]{prof.name}: {len(todo)} to train, {len(results)} cached",
                               total=len(todo))
        tasks: dict[str, Any] = {}

        def finish(job: dict[str, Any], key: str, result: dict[str, Any]) -> None:
            cache.put(key, job, result)
            results[key] = result
            outcome.trained.append(job_label(job))
            outcome.seconds[job_label(job)] = float(result.get("seconds", 0.0))
            bar.advance(overall)
            if not console.is_terminal and not quiet:  # logs and CI: one line per finished job
                console.print(f"[{len(outcome.trained)}/{len(todo)}] {job_label(job)}: "
                              f"{outcome.seconds[job_label(job)]:.1f} s", highlight=False)
            if key in tasks:
                bar.remove_task(tasks.pop(key))

        def show(key: str, label: str, done: int, total: int) -> None:
            if key not in tasks:
                tasks[key] = bar.add_task(f"  {label}", total=total)
            bar.update(tasks[key], completed=done, total=total)

        queued = {key: Task(job, key, job_label(job)) for job, key in todo}
        if queued:
            with runner:
                for key, result in runner.run(list(queued.values()), lambda k, d, t: show(k, queued[k].label, d, t)):
                    finish(queued[key].job, key, result)

    missing = [job_label(j) for j, k in zip(jobs, keys, strict=True) if k not in results]
    if missing:
        console.print(f"[yellow]exports not written: {len(missing)} job(s) have no result yet "
                      f"(first: {missing[0]}); run without --only to finish them")
    else:
        documents = build_documents(prof, jobs, results)
        documents[MANIFEST] = manifest_document(prof, jobs, list(documents))
        outcome.exports = write_exports(Path(data_dir), documents)
    _report(console, outcome, time.perf_counter() - started, Path(data_dir))
    return outcome


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
