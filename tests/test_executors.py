"""The executors: Dask against the local pool, a killed worker, an unreachable scheduler, Ctrl-C.

One ``dask.distributed.LocalCluster`` (2 worker processes, one thread each) serves the module.
A small config with a KAN regressor is built on the local pool; the cache is copied, the entries
of some jobs (the EM history and seed 0 of every method) are removed, and Dask recomputes them, with
the worker running the KAN job killed mid-job; the exports must then equal the local pool's byte
for byte.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ggmm_build.cache import Cache, job_key
from ggmm_build.cli import main
from ggmm_build.config import load_config
from ggmm_build.executors import PROGRESS_TOPIC, SCHEDULER_ENV, ExecutorError, make_executor
from ggmm_build.pipeline import Outcome, job_label, plan_jobs, plan_tuning, run_pipeline

TINY = """
[tuning]
candidates = 4

[profiles.tiny]
seeds = [0, 1]
tuning_seeds = [100]
n_validation = 100
n_train = 300
n_test = 400
grid_resolution = 20
grid_resolution_3d = 6
workers = 1
datasets = ["original", "trivariate"]
methods = ["em", "gmm", "kde"]
preset_samples = 20
em_history = [["original", "random"]]

[methods.em]
estimator = "EMEstimator"
family = "classical"
label = { en = "EM", zh = "EM 算法" }
params = { p = "estimate", init = "kmeans" }

[methods.gmm]
estimator = "GaussianMixtureBaseline"
family = "classical"
label = { en = "GMM", zh = "高斯混合" }
params = { covariance_type = "full" }

[methods.kde]
estimator = "KDEBaseline"
family = "classical"
label = { en = "KDE", zh = "核密度" }
"""

#: The small config with a KAN regressor (long enough to be killed mid-job, a few seconds in all).
TINY_KAN = (
    TINY.replace('methods = ["em", "gmm", "kde"]', 'methods = ["em", "gmm", "kde", "kan-small"]').replace(
        'datasets = ["original", "trivariate"]', 'datasets = ["original"]'
    )
    + """
[methods.kan-small]
estimator = "KANRegressor"
family = "KAN"
label = { en = "KAN regression", zh = "KAN 回归" }
params = { hidden = [3], stages = ["train"], steps = 120, patience = 120 }
"""
)
#: Generous bound for "within seconds" (slow, busy CI machines): the executor's own timeout is 10 s.
UNREACHABLE_BOUND = 60.0


def _interruptible() -> None:
    """In the child: take SIGINT's default action back (a shell's background job inherits it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def read_all(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.json"))}


def without_timings(exports: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in exports.items() if name != "timings.json"}


def dask_key(job: dict[str, Any]) -> str:
    return f"ggmm-{job['kind']}-{job_key(job)}"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ggmm_build.cli", *args]


@pytest.fixture()
def tiny_config(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


# -- a local cluster and a worker killer --------------------------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of 2 worker processes with one thread each (as ``dask worker --nthreads 1``)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    """A second client of the cluster, for the tests to look at and kill its workers."""
    import distributed

    with distributed.Client(cluster.scheduler_address, set_as_default=False) as watcher:
        yield watcher


class WorkerKiller:
    """SIGKILL the worker process running a given job, once that job has reported progress.

    Parameters
    ----------
    client : distributed.Client
        A client of the cluster (not the one running the build).
    job : dict
        The job whose worker dies.
    """

    def __init__(self, client: Any, job: dict[str, Any]) -> None:
        self.client, self.key, self.dask_key = client, job_key(job), dask_key(job)
        self.running = threading.Event()
        self.killed: tuple[str, int] | None = None
        self.thread = threading.Thread(target=self._kill, daemon=True)

    def _on_progress(self, event: tuple[float, dict[str, Any]]) -> None:
        if event[1].get("key") == self.key and event[1].get("done", 0) >= 1:
            self.running.set()

    def _kill(self) -> None:
        if not self.running.wait(timeout=900):
            return
        for address, keys in self.client.processing().items():
            if self.dask_key in keys:
                pid = self.client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                self.killed = (address, pid)
                return

    def __enter__(self) -> WorkerKiller:
        self.client.subscribe_topic(PROGRESS_TOPIC, self._on_progress)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.running.set()  # never leave the thread waiting
        self.thread.join(timeout=60)
        self.client.unsubscribe_topic(PROGRESS_TOPIC)


def wait_for_two_workers(client: Any) -> None:
    client.wait_for_workers(2, timeout=120)  # the nanny restarts a killed worker


# -- a small config on Dask, with a worker killed mid-job -----------------------


@pytest.fixture(scope="module")
def dask_run(cluster: Any, client: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small config's exports from the local pool, and the same with part of its jobs recomputed
    on Dask; the worker running the KAN job is killed once that job has made progress."""
    base = tmp_path_factory.mktemp("dask-run")
    config = base / "tiny.toml"
    config.write_text(TINY_KAN, encoding="utf-8")
    run_pipeline("tiny", base / "local", base / "local-cache", config, quiet=True, workers=2)
    shutil.copytree(base / "local-cache", base / "cache")
    cache = Cache(base / "cache")
    jobs = plan_jobs(load_config("tiny", config), {})
    recomputed = [job for job in jobs if job["kind"] == "em_history" or job.get("seed") == 0]
    for job in recomputed:
        cache.path(job_key(job)).unlink()
    victim = next(job for job in recomputed if job.get("method") == "kan-small")
    wait_for_two_workers(client)
    with WorkerKiller(client, victim) as killer:
        outcome = run_pipeline(
            "tiny",
            base / "data",
            base / "cache",
            config,
            quiet=True,
            executor="dask",
            scheduler=cluster.scheduler_address,
        )
    return {
        "outcome": outcome,
        "local": base / "local",
        "data": base / "data",
        "cache": cache,
        "recomputed": recomputed,
        "victim": victim,
        "killed": killer.killed,
    }


def test_dask_exports_match_the_local_pool(dask_run: dict[str, Any]) -> None:
    outcome: Outcome = dask_run["outcome"]
    assert sorted(outcome.trained) == sorted(job_label(job) for job in dask_run["recomputed"])
    local, dask = without_timings(read_all(dask_run["local"])), without_timings(read_all(dask_run["data"]))
    assert local.keys() == dask.keys()
    for name in local:
        assert local[name] == dask[name], f"{name} differs between the local pool and Dask"


def test_killed_worker_job_is_retried(dask_run: dict[str, Any], client: Any) -> None:
    assert dask_run["killed"] is not None, "the job's worker was never found running it"
    address, _ = dask_run["killed"]
    victim = dask_run["victim"]
    assert job_label(victim) in dask_run["outcome"].trained
    assert dask_run["cache"].get(job_key(victim)) is not None
    wait_for_two_workers(client)  # the nanny replaced the killed worker
    assert address not in client.scheduler_info()["workers"]


def test_job_whose_worker_keeps_dying_is_reported(cluster: Any, client: Any, tmp_path: Path) -> None:
    """With no retry allowed, the killed worker's job is lost: the build names it and fails, the
    other jobs are cached and nothing is exported."""
    # --only kan-small starts with its tuning jobs; the first one's worker is killed
    jobs = [job for job in plan_tuning(load_config("quick")) if job.get("method") == "kan-small"]
    wait_for_two_workers(client)
    allowed = cluster.scheduler.allowed_failures
    cluster.scheduler.allowed_failures = 0
    try:
        with WorkerKiller(client, jobs[0]) as killer, pytest.raises(ExecutorError) as err:
            run_pipeline(
                "quick",
                tmp_path / "data",
                tmp_path / "cache",
                only=["kan-small"],
                quiet=True,
                executor="dask",
                scheduler=cluster.scheduler_address,
            )
    finally:
        cluster.scheduler.allowed_failures = allowed
    assert killer.killed is not None
    message = str(err.value)
    assert "lost on the Dask cluster" in message and cluster.scheduler_address in message
    assert f"{job_label(jobs[0])}: its worker died 1 time(s)" in message
    cache = Cache(tmp_path / "cache")
    lost = [job for job in jobs if job_label(job) in message]
    assert all(cache.get(job_key(job)) is not None for job in jobs if job not in lost)
    assert not (tmp_path / "data").exists()


# -- the command line on Dask ---------------------------------------------------


def test_cli_on_dask_logs_each_job_and_matches_inline(cluster: Any, tiny_config: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.Client(cluster.scheduler_address) as client:
        client.wait_for_workers(2, timeout=120)  # a worker an earlier test killed may still be restarting
    proc = subprocess.run(
        cli(
            "--profile",
            "tiny",
            "--config",
            str(tiny_config),
            "--cache-dir",
            str(tmp_path / "c1"),
            "--data-dir",
            str(tmp_path / "d1"),
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    jobs = plan_jobs(load_config("tiny", tiny_config))
    assert f"dask: scheduler {cluster.scheduler_address}, 2 workers" in proc.stderr
    for job in jobs:  # not a terminal: one line per finished job
        assert f"] {job_label(job)}: " in proc.stderr
    run_pipeline("tiny", tmp_path / "d2", tmp_path / "c2", tiny_config, quiet=True, workers=1)
    assert without_timings(read_all(tmp_path / "d1")) == without_timings(read_all(tmp_path / "d2"))


def test_ctrl_c_on_dask_exits_cleanly_and_resumes(cluster: Any, tiny_config: Path, tmp_path: Path) -> None:
    text = tiny_config.read_text(encoding="utf-8").replace("n_train = 300", "n_train = 1200")
    tiny_config.write_text(text, encoding="utf-8")
    cache_dir, data_dir = tmp_path / "cache", tmp_path / "data"
    proc = subprocess.Popen(
        cli(
            "--profile",
            "tiny",
            "--config",
            str(tiny_config),
            "--cache-dir",
            str(cache_dir),
            "--data-dir",
            str(data_dir),
            "--quiet",
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and proc.poll() is None and not list(cache_dir.rglob("*.json.gz")):
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 130, err
    assert "interrupted" in err and not data_dir.exists()
    assert not list(cache_dir.rglob("*.tmp"))
    finished = len(list(cache_dir.rglob("*.json.gz")))
    resumed = run_pipeline(
        "tiny", data_dir, cache_dir, tiny_config, quiet=True, executor="dask", scheduler=cluster.scheduler_address
    )
    assert len(resumed.cached) >= finished >= 1 and not resumed.recovered
    assert resumed.exports


# -- a scheduler that cannot be reached, a missing dask -------------------------


def test_unreachable_scheduler_is_named_within_seconds(tiny_config: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    started = time.monotonic()
    proc = subprocess.run(
        cli(
            "--profile",
            "tiny",
            "--config",
            str(tiny_config),
            "--cache-dir",
            str(tmp_path / "c"),
            "--data-dir",
            str(tmp_path / "d"),
            "--executor",
            "dask",
            "--scheduler",
            address,
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    assert f"ggmm-build: cannot reach the Dask scheduler at {address}: no answer within 10 s" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert elapsed < UNREACHABLE_BOUND
    assert not (tmp_path / "d").exists()


def test_scheduler_address_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://scheduler.example:8786")
    assert make_executor("dask").address == "tcp://scheduler.example:8786"
    assert make_executor("dask", scheduler="tcp://other:1").address == "tcp://other:1"
    monkeypatch.delenv(SCHEDULER_ENV)
    with pytest.raises(ExecutorError, match=f"--scheduler ADDRESS or set {SCHEDULER_ENV}"):
        make_executor("dask")
    with pytest.raises(ExecutorError, match="invalid Dask scheduler address 'scheduler-without-port'"):
        make_executor("dask", scheduler="scheduler-without-port")


def test_missing_dask_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, tiny_config: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(ExecutorError, match=r"pip install '\.\[cluster\]'"):
        run_pipeline(
            "tiny",
            tmp_path / "d",
            tmp_path / "c",
            tiny_config,
            quiet=True,
            executor="dask",
            scheduler="tcp://127.0.0.1:8786",
        )
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").rglob("*.json.gz"))


def test_scheduler_needs_the_dask_executor(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--scheduler", "tcp://127.0.0.1:8786"])
    assert exited.value.code == 2 and "--scheduler is for --executor dask" in capsys.readouterr().err


def test_local_executors_keep_their_names() -> None:
    assert make_executor("local", workers=1).name == "inline"
    assert make_executor("local", workers=2).name == "local"
    with pytest.raises(ExecutorError, match="unknown executor 'ray'"):
        make_executor("ray")
