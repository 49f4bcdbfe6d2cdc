"""Where a campaign's tasks run: in this process, a local process pool, or Dask.

Each executor maps a picklable function over tasks and yields ``(index, result, error)``
as tasks finish (unordered), so the runner writes every finished task to the store at
once and an interruption loses at most the tasks in flight. We use the standard
``concurrent.futures`` pool and ``dask.distributed`` as they are; this module only gives
them one interface.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from ligandlab.chem.conformers import THREADS_ENV, cores_per_worker, worker_threads
from ligandlab.errors import LigandLabError

Yielded = tuple[int, Any, BaseException | None]


def threads_per_worker(workers: int) -> str:
    """OpenMM CPU threads for each of ``workers`` local processes: the cores shared out
    (``OPENMM_CPU_THREADS`` wins if the user set it). Without this every worker's CPU
    context starts one thread per core and the workers fight over the cores."""
    return os.environ.get("OPENMM_CPU_THREADS") or str(cores_per_worker(workers))


def worker_env(workers: int) -> dict[str, str]:
    """Thread counts for each of ``workers`` local processes: OpenMM CPU contexts (read by
    ``simulate.platforms.platform_properties``) and RDKit embedding and minimisation."""
    return {
        "OPENMM_CPU_THREADS": threads_per_worker(workers),
        THREADS_ENV: str(worker_threads(workers)),
    }


def _set_env(env: dict[str, str]) -> None:
    """Worker initializer."""
    os.environ.update(env)


class Executor(Protocol):
    name: str
    workers: int

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Yielded]:
        """Run ``fn`` on every task; yield (task index, result, exception) as they finish."""
        ...

    def close(self) -> None: ...


class SerialExecutor:
    """Everything in this process, in order (``workers=1``: no start-up cost)."""

    name = "serial"
    workers = 1

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Yielded]:
        for i, task in enumerate(tasks):
            try:
                yield i, fn(task), None
            except Exception as exc:  # recorded by the runner as the task's failure
                yield i, None, exc

    def close(self) -> None:
        return None


class LocalExecutor:
    """A pool of local worker processes (``concurrent.futures.ProcessPoolExecutor``)."""

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = cf.ProcessPoolExecutor(
            max_workers=workers, initializer=_set_env, initargs=(worker_env(workers),)
        )

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Yielded]:
        futures = {self._pool.submit(fn, t): i for i, t in enumerate(tasks)}
        try:
            for fut in cf.as_completed(futures):
                exc = fut.exception()
                yield futures[fut], (None if exc else fut.result()), exc
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Dask distributed: a ``LocalCluster`` of ``workers`` single-threaded processes, or
    an existing scheduler at ``scheduler`` (``tcp://host:port``; e.g. one started by
    dask-jobqueue on SLURM, see docs/scaling.md)."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - distributed is a dependency
            raise LigandLabError("executor 'dask' needs dask.distributed installed") from exc
        self._cluster = None
        try:
            if scheduler is None:
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                    env=worker_env(workers),
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(scheduler, timeout=30)
        except OSError as exc:
            raise LigandLabError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        info = self._client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})))

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[Yielded]:
        from dask.distributed import as_completed

        futures = [self._client.submit(fn, t, pure=False) for t in tasks]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for fut in as_completed(futures):
                exc = fut.exception()
                yield index[fut.key], (None if exc else fut.result()), exc
        finally:
            self._client.cancel(futures)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, workers: int, scheduler: str | None = None) -> Executor:
    """The executor for ``kind`` ("local" or "dask"); local with one worker runs in-process."""
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    if kind != "local":
        raise LigandLabError(f"unknown executor {kind!r}; use 'local' or 'dask'")
    if scheduler is not None:
        raise LigandLabError("scheduler is only used with executor='dask'")
    return SerialExecutor() if workers <= 1 else LocalExecutor(workers)
