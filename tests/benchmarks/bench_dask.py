"""The Dask executor's overhead: the quick profile, cold, on a LocalCluster against the local pool.

Both executors use two single-threaded worker processes on this machine and a fresh cache for every
build. The builds run in the order local, Dask, Dask, local, so that a load that drifts during the
run weighs on both alike; the ratio is the Dask builds' total time over the local ones'. The cluster
is started before its builds are timed (a real cluster is already running when a sweep is sent to
it), but its workers import torch and the project on their first job, as the local pool's do.

``--smoke``: the tiny config of ``_smoke.py``, one build on each executor, one worker each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _smoke import TINY_PROFILE, tiny_config
from ggmm_build.pipeline import run_pipeline

#: The goal for the Dask builds' time over the local pool's.
GOAL = 1.2


def _build(folder: Path, **kwargs: Any) -> tuple[float, float]:
    """Wall time of a cold build (the quick profile unless ``kwargs`` say), and the sum of its jobs' own times."""
    start = time.perf_counter()
    kwargs.setdefault("profile", "quick")
    outcome = run_pipeline(data_dir=folder / "data", cache_dir=folder / "cache", quiet=True, **kwargs)
    return time.perf_counter() - start, sum(outcome.seconds.values())


def _exports(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.json")) if p.name != "timings.json"
    }


def main(smoke: bool = False) -> list[tuple[str, str]]:
    try:
        from distributed import LocalCluster
    except ImportError:
        return [("Dask executor", "skipped: dask.distributed is not installed (pip install '.[cluster]')")]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        which: dict[str, Any] = {"profile": TINY_PROFILE, "config": tiny_config(base)} if smoke else {}
        n_dask, n_workers = (1, 1) if smoke else (2, 2)
        runs = [("local", _build(base / "local-1", workers=n_workers, **which))]
        start = time.perf_counter()
        with LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
        ) as cluster:  # idle workers must not slow the local builds
            startup = time.perf_counter() - start
            dask = {"executor": "dask", "scheduler": cluster.scheduler_address, **which}
            runs += [("dask", _build(base / f"dask-{i}", **dask)) for i in range(1, n_dask + 1)]
        if not smoke:
            runs.append(("local", _build(base / "local-2", workers=2)))
        others = [f"dask-{i}" for i in range(1, n_dask + 1)] + ([] if smoke else ["local-2"])
        same = all(_exports(base / name / "data") == _exports(base / "local-1" / "data") for name in others)
    wall = {kind: [w for k, (w, _) in runs if k == kind] for kind in ("local", "dask")}
    jobs = {kind: sum(j for k, (_, j) in runs if k == kind) for kind in ("local", "dask")}
    ratio = sum(wall["dask"]) / sum(wall["local"])
    profile = which.get("profile", "quick")
    return [
        (
            f"{profile} profile, cold, local pool ({n_workers} process(es))",
            " and ".join(f"{w:.1f} s" for w in wall["local"]),
        ),
        (
            f"{profile} profile, cold, Dask LocalCluster ({n_workers} worker(s) x 1 thread)",
            " and ".join(f"{w:.1f} s" for w in wall["dask"]),
        ),
        (
            f"Dask / local pool, wall time (goal <= {GOAL})",
            f"{ratio:.2f}x{'' if smoke or ratio <= GOAL else '  OVER GOAL'}",
        ),
        ("Dask / local pool, sum of the jobs' own times", f"{jobs['dask'] / jobs['local']:.2f}x"),
        ("LocalCluster start-up (not counted above)", f"{startup:.1f} s"),
        ("exports identical (timings.json aside)", "yes" if same else "NO"),
    ]


if __name__ == "__main__":
    for label, value in main(smoke="--smoke" in sys.argv[1:]):
        print(f"{label:<64} {value}")
