"""Where the pipeline's jobs run: in this process or in a local process pool.

An executor is given the jobs to train and streams back ``(key, result)`` pairs as jobs finish,
reporting each job's progress on the way. It never touches the cache or the exports: the
pipeline, in this process, writes both. Jobs are plain JSON-able dicts run by
:func:`ggmm_build.jobs.execute` wherever they land, so every executor yields the same results
and the exports are byte-identical.

* :class:`InlineExecutor`: one job after another in this process (``--workers 1``);
* :class:`LocalPoolExecutor`: a pool of spawned local processes (the default).

Each is a context manager: entering starts the pool, leaving stops it, and leaving on an
exception (Ctrl-C included) cancels what has not run.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_module
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from types import TracebackType
from typing import Any, NamedTuple

from .jobs import execute

#: Executor names accepted by :func:`make_executor`.
EXECUTORS = ("local",)

ShowProgress = Callable[[str, int, int], None]


class Task(NamedTuple):
    """One job to run: its entry, its cache key and a short human name."""

    job: dict[str, Any]
    key: str
    label: str


class ExecutorError(RuntimeError):
    """An executor cannot start, or jobs were lost; the message says which and what to do."""


class Executor(ABC):
    """Runs tasks somewhere and streams their results back to the caller."""

    #: Name shown to the user.
    name: str = "executor"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
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
            yield task.key, execute(task.job, lambda done, total, key=task.key: show(key, done, total))


# -- a local process pool -----------------------------------------------------


def _pool_worker(job: dict[str, Any], key: str, channel: Any) -> dict[str, Any]:
    def progress(done: int, total: int) -> None:
        channel.put((key, done, total))

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


# -- choosing one -------------------------------------------------------------


def make_executor(kind: str = "local", workers: int = 1) -> Executor:
    """The executor named ``kind``.

    Parameters
    ----------
    kind : {"local"}
        ``local``: this machine's processes (inline when ``workers`` is 1).
    workers : int
        Local processes.

    Returns
    -------
    Executor
        Not yet entered: use it as ``with executor: ...``.

    Raises
    ------
    ExecutorError
        An unknown ``kind``.
    """
    if kind == "local":
        return InlineExecutor() if workers == 1 else LocalPoolExecutor(workers)
    raise ExecutorError(f"unknown executor {kind!r}: expected one of {', '.join(EXECUTORS)}")
