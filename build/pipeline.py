"""The build pipeline: config -> jobs -> cache or training -> exports.

Finished jobs are cached one by one, so an interrupted build resumes where it stopped;
the exports are written only when every job of the profile has a result.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import platform
import queue as queue_module
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .cache import CODE_VERSION, Cache, job_key, package_versions
from .config import DEFAULT_CONFIG, Profile, load_config
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
from .jobs import execute
from .plan import job_label, matches, plan_jobs, plan_tuning

__all__ = ["Outcome", "build_documents", "exports_up_to_date", "plan_digest", "plan_jobs", "plan_tuning",
           "run_pipeline"]

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
    return {"schema": "ggmm-manifest", "version": EXPORT_VERSION, "profile": profile.name, "plan": plan_digest(jobs),
            "code_version": CODE_VERSION, "n_jobs": len(jobs), "files": sorted(files),
            "versions": {"python": platform.python_version(), **package_versions(),
                         **{name: _version(name) for name in ("plotly", "kaleido")}}}


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


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


def _worker(job: dict[str, Any], key: str, channel: Any) -> dict[str, Any]:
    def progress(done: int, total: int) -> None:
        if channel is not None:
            channel.put((key, done, total))

    return execute(job, progress)


def build_documents(profile: Profile, jobs: list[dict[str, Any]],
                    results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
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
        documents["scaling.json"] = scaling_export(profile, kind("scaling_tune"), kind("scaling_law"),
                                                   kind("scaling_cost"))
    for job, res in trainings:
        documents[f"training/{job['dataset']}-{job['method']}.json"] = res["snapshots"]
    return documents


def run_pipeline(profile: str = "full", data_dir: Path | str = DEFAULT_DATA_DIR,
                 cache_dir: Path | str = DEFAULT_CACHE_DIR, config: Path | str = DEFAULT_CONFIG,
                 only: list[str] | None = None, force: bool = False, quiet: bool = False,
                 workers: int | None = None) -> Outcome:
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
        Parallel processes; the profile's ``workers`` when None.

    Returns
    -------
    Outcome
    """
    prof = load_config(profile, config)
    console = Console(stderr=True, quiet=quiet)
    cache = Cache(cache_dir)
    template = plan_tuning(prof) + plan_jobs(prof)
    outcome = Outcome()
    if not force and not only and exports_up_to_date(Path(data_dir), prof, template):
        outcome.up_to_date = True
        console.print(f"exports in {data_dir} are up to date with the {prof.name} profile and the code; "
                      "nothing to train (--force recomputes them)")
        return outcome
    results: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    n_workers = max(1, workers or prof.workers)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False, disable=quiet) as bar:
        overall = bar.add_task(f"[bold]{prof.name}", total=None)
        tune_jobs = plan_tuning(prof)
        _resolve(tune_jobs, cache, results, outcome, only, force, n_workers, bar, overall, console, quiet)
        chosen = {(j["dataset"], j["method"]): results[job_key(j)]["chosen"]
                  for j in tune_jobs if job_key(j) in results}
        jobs = plan_jobs(prof, chosen)
        _resolve(jobs, cache, results, outcome, only, force, n_workers, bar, overall, console, quiet)
    outcome.recovered = list(cache.recovered)
    missing = [job_label(j) for j in tune_jobs + jobs if job_key(j) not in results]
    waiting = len(template) - len(tune_jobs) - len(jobs)  # runs whose tuning has no result yet
    if missing or waiting:
        first = missing[0] if missing else "a run whose tuning has no result yet"
        console.print(f"[yellow]exports not written: {len(missing) + waiting} job(s) have no result yet "
                      f"(first: {first}); run without --only to finish them")
    else:
        documents = build_documents(prof, tune_jobs + jobs, results)
        documents[MANIFEST] = manifest_document(prof, template, list(documents))
        outcome.exports = write_exports(Path(data_dir), documents)
    _report(console, outcome, time.perf_counter() - started, Path(data_dir))
    return outcome


def _resolve(jobs: list[dict[str, Any]], cache: Cache, results: dict[str, dict[str, Any]], outcome: Outcome,
             only: list[str] | None, force: bool, n_workers: int, bar: Progress, overall: Any, console: Console,
             quiet: bool) -> None:
    """Fill ``results`` for ``jobs``: from the cache, else by running the ones ``only`` selects."""
    todo: list[tuple[dict[str, Any], str]] = []
    for job in jobs:
        key = job_key(job)
        selected = matches(job, only)
        hit = None if (force and selected) else cache.get(key)
        if hit is not None:
            results[key] = hit
            outcome.cached.append(job_label(job))
        elif selected:
            todo.append((job, key))
    todo.sort(key=lambda item: item[0]["kind"] not in ("training", "tune"))  # the longest jobs first
    total = (bar.tasks[overall].total or 0) + len(todo)
    bar.update(overall, total=total, description=f"[bold]{len(outcome.trained) + len(todo)} to train, "
                                                  f"{len(outcome.cached)} cached")
    tasks: dict[str, Any] = {}
    n_done = len(outcome.trained)

    def finish(job: dict[str, Any], key: str, result: dict[str, Any]) -> None:
        cache.put(key, job, result)
        results[key] = result
        label = job_label(job)
        outcome.trained.append(label)
        outcome.seconds[label] = float(result.get("seconds", 0.0))
        bar.advance(overall)
        if not console.is_terminal and not quiet:  # logs and CI: one line per finished job
            console.print(f"[{len(outcome.trained)}/{n_done + len(todo)}] {label}: "
                          f"{outcome.seconds[label]:.1f} s", highlight=False)
        if key in tasks:
            bar.remove_task(tasks.pop(key))

    def show(key: str, label: str, done: int, total: int) -> None:
        if key not in tasks:
            tasks[key] = bar.add_task(f"  {label}", total=total)
        bar.update(tasks[key], completed=done, total=total)

    labels = {key: job_label(job) for job, key in todo}
    if n_workers == 1 or len(todo) <= 1:
        for job, key in todo:
            finish(job, key, execute(job, lambda d, t, k=key: show(k, labels[k], d, t)))
    elif todo:
        _run_parallel(todo, min(n_workers, len(todo)), finish, lambda k, d, t: show(k, labels[k], d, t))


def _run_parallel(todo: list[tuple[dict[str, Any], str]], n_workers: int, finish: Any, show: Any) -> None:
    context = mp.get_context("spawn")  # no forked torch state
    with context.Manager() as manager:
        channel = manager.Queue()
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
        try:
            pending: dict[Future[dict[str, Any]], tuple[dict[str, Any], str]] = {
                pool.submit(_worker, job, key, channel): (job, key) for job, key in todo
            }
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(channel, show)
                for future in done:
                    job, key = pending.pop(future)
                    finish(job, key, future.result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


def _drain(channel: Any, show: Any) -> None:
    while True:
        try:
            key, done, total = channel.get_nowait()
        except queue_module.Empty:
            return
        show(key, done, total)


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
