"""Where the pipeline's jobs run: in this process, in a local process pool, or on a Dask cluster.

An executor is given the jobs to train and streams back ``(key, result)`` pairs as jobs finish,
reporting each job's progress on the way. It never touches the cache or the exports: the
pipeline, in this process, writes both, so a cluster needs no shared filesystem. Jobs are plain
JSON-able dicts run by :func:`ggmm_build.jobs.execute` wherever they land, so every executor yields
the same results and the exports are byte-identical.

* :class:`InlineExecutor`: one job after another in this process (``--workers 1``);
* :class:`LocalPoolExecutor`: a pool of spawned local processes (the default);
* :class:`DaskExecutor`: the workers of a ``dask.distributed`` cluster (``--executor dask``).

Each is a context manager: entering starts the pool or connects to the scheduler, leaving
stops it, and leaving on an exception (Ctrl-C included) cancels what has not run.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing as mp
import os
import queue as queue_module
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType
from typing import Any, NamedTuple

from .cache import package_versions
from .jobs import execute

#: The environment variable holding the Dask scheduler's address when ``--scheduler`` is not given.
SCHEDULER_ENV = "GGMM_DASK_SCHEDULER"
#: Executor names accepted by :func:`make_executor` and ``ggmm-build --executor``.
EXECUTORS = ("local", "dask")
#: The Dask event topic that workers send per-job progress on.
PROGRESS_TOPIC = "ggmm-progress"
#: Seconds between two progress events of one job sent by a Dask worker (the last one always goes).
PROGRESS_INTERVAL = 0.5
#: Seconds between two looks at the cluster's size while jobs wait to be handed out.
WORKERS_CHECK_INTERVAL = 0.5

ShowProgress = Callable[[str, int, int], None]
Log = Callable[[str], None]


class Task(NamedTuple):
    """One job to run: its entry, its cache key and a short human name."""

    job: dict[str, Any]
    key: str
    label: str


class ExecutorError(RuntimeError):
    """An executor cannot start, or jobs were lost; the message says which and what to do."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Executor(ABC):
    """Runs tasks somewhere and streams their results back to the caller."""

    #: Name shown to the user.
    name: str = "executor"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close(failed=kind is not None)

    def close(self, failed: bool = False) -> None:  # noqa: B027 (optional hook: nothing to release by default)
        """Release the executor's resources; ``failed`` cancels what has not run yet."""

    @abstractmethod
    def run(self, tasks: Sequence[Task], show: ShowProgress) -> Iterator[tuple[str, dict[str, Any]]]:
        """Run ``tasks``; yield ``(key, result)`` as each one finishes, in completion order.

        Parameters
        ----------
        tasks : sequence of Task
            The jobs, most urgent first.
        show : callable
            ``show(key, done, total)``: a job's progress, called in this thread.

        Yields
        ------
        tuple of (str, dict)
            A task's key and its job's result.
        """


# -- in this process ----------------------------------------------------------


class InlineExecutor(Executor):
    """One job after another in this process."""

    name = "inline"

    def run(self, tasks: Sequence[Task], show: ShowProgress) -> Iterator[tuple[str, dict[str, Any]]]:
        for task in tasks:
            yield task.key, execute(task.job, functools.partial(show, task.key))


# -- a local process pool -----------------------------------------------------


@functools.cache
def _ready() -> None:
    """Once per worker process, before its first job: compile the training kernels.

    numba compiles them on a machine's first use (some seconds) and loads them from its disk
    cache afterwards; done here, that time is not counted in a job's timing.
    """
    from ggmm.estimators import _kankernel, _mlpkernel

    _kankernel.compile_kernels()
    _mlpkernel.compile_kernels()


def _pool_worker(job: dict[str, Any], key: str, channel: Any) -> dict[str, Any]:
    def progress(done: int, total: int) -> None:
        channel.put((key, done, total))

    _ready()
    return execute(job, progress)


def _drain(channel: Any, show: ShowProgress) -> None:
    while True:
        try:
            key, done, total = channel.get_nowait()
        except queue_module.Empty:
            return
        show(key, done, total)


class LocalPoolExecutor(Executor):
    """A pool of ``workers`` spawned processes on this machine (no forked torch state).

    Parameters
    ----------
    workers : int
        Number of processes, at least 1.
    """

    name = "local"

    def __init__(self, workers: int) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"The parameter 'workers' must be an integer >= 1, but got {workers!r}.")
        self.workers = workers
        self._manager: Any = None
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalPoolExecutor:
        context = mp.get_context("spawn")
        self._manager = context.Manager()
        self._channel = self._manager.Queue()
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self

    def close(self, failed: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=not failed, cancel_futures=True)
            self._pool = None
        if self._manager is not None:
            self._manager.shutdown()
            self._manager = None

    def run(self, tasks: Sequence[Task], show: ShowProgress) -> Iterator[tuple[str, dict[str, Any]]]:
        if self._pool is None:
            raise RuntimeError("LocalPoolExecutor.run needs the executor entered (`with executor:`)")
        pending: dict[Future[dict[str, Any]], Task] = {
            self._pool.submit(_pool_worker, task.job, task.key, self._channel): task for task in tasks
        }
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(self._channel, show)
            for future in done:
                yield pending.pop(future).key, future.result()


# -- a Dask cluster -----------------------------------------------------------

#: Jobs of one worker process run one at a time: pykan's global state (seeds, torch threads) is
#: per process, so a worker started with several threads must not run two fits at once.
_JOB_LOCK = threading.Lock()


#: glibc's ``mallopt`` parameters, and the values its adaptive thresholds grow to on 64-bit Linux.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD, _TRIM_THRESHOLD = 32 * 2**20, 64 * 2**20
_malloc_tuned = False


def _tune_malloc() -> None:
    """Undo the Dask nanny's ``MALLOC_TRIM_THRESHOLD_`` in this worker process, once.

    The nanny sets it so that freed memory goes back to the system sooner; but with it set, glibc
    stops adapting its mmap threshold, so every array above 128 KiB is mapped and unmapped again,
    and a KAN fit spends 40-80 % more CPU time than in a plain process (measured). Setting both
    thresholds to the largest values the adaptive ones reach restores the speed; a worker then keeps
    up to 64 MiB of freed memory. Nothing happens outside glibc or when the variable is not set.
    """
    global _malloc_tuned
    if _malloc_tuned:
        return
    _malloc_tuned = True
    if not sys.platform.startswith("linux") or not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    except (OSError, AttributeError):  # not glibc
        pass


def _dask_task(job: dict[str, Any], key: str) -> dict[str, Any]:
    """Run one job on a Dask worker; send throttled progress events; return the result and the
    worker's package versions (the client checks that they match its own)."""
    from distributed import get_worker

    _tune_malloc()
    worker = get_worker()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last[0] >= PROGRESS_INTERVAL:
            last[0] = now
            worker.log_event(PROGRESS_TOPIC, {"key": key, "done": int(done), "total": int(total)})

    with _JOB_LOCK:
        _ready()
        result = execute(job, progress)
    return {"result": result, "versions": package_versions(), "worker": worker.address}


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ExecutorError(
            "the Dask executor needs dask.distributed, which is not installed "
            f"({exc}); install the project's cluster extra: pip install '.[cluster]'"
        ) from exc
    return distributed


class DaskExecutor(Executor):
    """The workers of a running ``dask.distributed`` cluster.

    Workers compute and return results; nothing is written on them. A worker that dies mid-job
    has the job rescheduled by Dask on another worker; a job whose workers died more often than
    the scheduler allows (``distributed.scheduler.allowed-failures``, 3 by default) is reported:
    the other jobs go on, then :meth:`run` raises :class:`ExecutorError` naming it.

    Parameters
    ----------
    address : str
        The scheduler, e.g. ``tcp://10.0.0.5:8786``.
    connect_timeout : float, default 10
        Seconds to wait for the scheduler before giving up.
    log : callable, optional
        ``log(message)`` for one-line notes (connection, worker threads); stderr by default.
    """

    name = "dask"

    def __init__(self, address: str, connect_timeout: float = 10.0, log: Log | None = None) -> None:
        if not isinstance(address, str) or not address.strip():
            raise ExecutorError(
                f"the Dask executor needs a scheduler address: pass --scheduler ADDRESS "
                f"or set {SCHEDULER_ENV} (e.g. tcp://scheduler-host:8786)"
            )
        self.distributed = _import_distributed()
        self.address = address.strip()
        try:
            self.distributed.comm.get_address_host_port(self.address)
        except ValueError as exc:
            raise ExecutorError(
                f"invalid Dask scheduler address {self.address!r} ({exc}); expected e.g. tcp://scheduler-host:8786"
            ) from exc
        self.connect_timeout = float(connect_timeout)
        self.log = log or _stderr
        self.client: Any = None
        self._futures: list[Any] = []

    def __enter__(self) -> DaskExecutor:
        try:
            self.client = self.distributed.Client(self.address, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {self.address}: no answer within {self.connect_timeout:g} s "
                f"({type(exc).__name__}: {exc}). Check the address, that `dask scheduler` runs there and that "
                "this machine can reach its port"
            ) from exc
        try:
            workers = self.client.scheduler_info()["workers"]
        except BaseException:
            self.close(failed=True)
            raise
        threads = sum(w["nthreads"] for w in workers.values())
        self.log(f"dask: scheduler {self.address}, {len(workers)} workers, {threads} threads")
        if not workers:
            self.log("dask: no worker has joined yet; jobs wait until workers connect")
        if any(w["nthreads"] > 1 for w in workers.values()):
            self.log(
                "dask: some workers have several threads but run one job at a time "
                "(start them with --nthreads 1 --nworkers N to use every core)"
            )
        return self

    def close(self, failed: bool = False) -> None:
        if self.client is None:
            return
        # best effort: on a lost connection these fail, and must not hide the error that ended the run
        with contextlib.suppress(Exception):
            pending = [f for f in self._futures if not f.done()]
            if pending:
                self.client.cancel(pending)
            self.client.unsubscribe_topic(PROGRESS_TOPIC)
        with contextlib.suppress(Exception):
            self.client.close(timeout=self.connect_timeout)
        self._futures = []
        self.client = None

    def run(self, tasks: Sequence[Task], show: ShowProgress) -> Iterator[tuple[str, dict[str, Any]]]:
        """Run ``tasks`` on the cluster, at most one job in flight per worker process, most urgent first.

        Jobs are handed out as workers free up (as the local pool does) rather than all at once, so
        a short job never waits on a busy worker behind a long one while another worker idles.
        """
        if self.client is None:
            raise RuntimeError("DaskExecutor.run needs the executor entered (`with executor:`)")
        events: queue_module.Queue[tuple[Any, ...]] = queue_module.Queue()
        waiting = list(reversed(tasks))  # popped from the end: most urgent first
        pending: dict[str, Task] = {}  # by Dask key
        running: dict[str, Task] = {}  # the same, by cache key (progress events carry it)

        def on_progress(event: tuple[float, dict[str, Any]]) -> None:
            msg = event[1]
            if isinstance(msg, dict):
                events.put(("progress", msg.get("key"), msg.get("done"), msg.get("total")))

        self.client.subscribe_topic(PROGRESS_TOPIC, on_progress)
        lost: list[str] = []
        mine = package_versions()
        checked = 0.0
        while waiting or pending:
            if waiting and time.monotonic() - checked > WORKERS_CHECK_INTERVAL:
                checked = time.monotonic()
                slots = max(1, self._n_workers(len(pending) + len(waiting))) - len(pending)
                for _ in range(min(slots, len(waiting))):
                    task = waiting.pop()
                    pending[self._submit(task, events)] = running[task.key] = task
            try:
                event = events.get(timeout=WORKERS_CHECK_INTERVAL)
            except queue_module.Empty:
                continue
            if event[0] == "progress":
                if event[1] in running:  # not a late event of a finished job, nor another build's
                    show(event[1], event[2], event[3])
                continue
            future = event[1]
            task = pending.pop(future.key, None)
            if task is None:
                continue
            del running[task.key]
            checked = 0.0  # a worker is free: hand out the next job at once
            if future.cancelled():
                if self.client.status != "running":
                    raise self._disconnected(len(pending) + len(waiting) + 1)
                lost.append(f"{task.label}: cancelled on the cluster")
                continue
            try:
                payload = future.result()  # a job's own error is re-raised here, as the local pool does
            except self.distributed.KilledWorker as exc:
                lost.append(
                    f"{task.label}: its worker died {exc.allowed_failures + 1} time(s) while running it, "
                    f"last {exc.last_worker.address}"
                )
                continue
            except ImportError as exc:
                raise ExecutorError(
                    f"a Dask worker could not run {task.label} ({exc}); install the project "
                    "on every worker: pip install '.[cluster]'"
                ) from exc
            _check_versions(payload, mine)
            yield task.key, payload["result"]
        if lost:
            more = f"; and {len(lost) - 5} more" if len(lost) > 5 else ""
            raise ExecutorError(
                f"{len(lost)} job(s) lost on the Dask cluster at {self.address}: "
                + "; ".join(lost[:5])
                + more
                + ". The workers' logs say why (often memory); finished jobs are cached, "
                "so running the build again retries only the lost ones"
            )

    def _n_workers(self, unfinished: int) -> int:
        """How many worker processes the cluster has now."""
        try:
            return len(self.client.nthreads())
        except (OSError, TimeoutError) as exc:
            raise self._disconnected(unfinished) from exc

    def _disconnected(self, unfinished: int) -> ExecutorError:
        return ExecutorError(
            f"lost the connection to the Dask scheduler at {self.address} with {unfinished} "
            "job(s) unfinished; finished jobs are cached, so running the build again (with the "
            "scheduler back) finishes the others"
        )

    def _submit(self, task: Task, events: queue_module.Queue[tuple[Any, ...]]) -> str:
        """Send one job to the cluster; its future reports to ``events`` when done. Returns its Dask key."""
        future = self.client.submit(_dask_task, task.job, task.key, key=f"ggmm-{task.job['kind']}-{task.key}")
        self._futures.append(future)
        future.add_done_callback(lambda f: events.put(("done", f)))
        return future.key


def _check_versions(payload: dict[str, Any], mine: dict[str, str]) -> None:
    theirs = payload["versions"]
    if theirs != mine:
        diff = ", ".join(
            f"{name} {theirs.get(name, 'absent')} (here {mine.get(name, 'absent')})"
            for name in sorted(set(mine) | set(theirs))
            if theirs.get(name) != mine.get(name)
        )
        raise ExecutorError(
            f"the Dask worker {payload['worker']} runs other package versions than this client: {diff}. "
            "Its results would be cached under the wrong key; install the same versions on every worker"
        )


# -- choosing one -------------------------------------------------------------


def make_executor(
    kind: str = "local", workers: int = 1, scheduler: str | None = None, log: Log | None = None
) -> Executor:
    """The executor named ``kind``.

    Parameters
    ----------
    kind : {"local", "dask"}
        ``local``: this machine's processes (inline when ``workers`` is 1); ``dask``: a Dask cluster.
    workers : int
        Local processes; ignored by the Dask executor (the cluster has its own).
    scheduler : str, optional
        The Dask scheduler's address; ``$GGMM_DASK_SCHEDULER`` when None.
    log : callable, optional
        Where the Dask executor writes its one-line notes.

    Returns
    -------
    Executor
        Not yet entered: use it as ``with executor: ...``.

    Raises
    ------
    ExecutorError
        An unknown ``kind``, a Dask executor without an address, or dask.distributed missing.
    """
    if kind == "local":
        return InlineExecutor() if workers == 1 else LocalPoolExecutor(workers)
    if kind == "dask":
        return DaskExecutor(scheduler or os.environ.get(SCHEDULER_ENV, ""), log=log)
    raise ExecutorError(f"unknown executor {kind!r}: expected one of {', '.join(EXECUTORS)}")
