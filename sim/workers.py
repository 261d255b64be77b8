"""Worker processes for sweeps and the planner: no more than there is work and cores for, and
none outliving the acgsim that started it.

A process pool's workers are separate processes: if the parent is killed (SIGKILL, or SIGTERM
with Python's default handler) they used to run on for minutes, finishing work nobody would
read. Each worker now asks the kernel to end it when its parent dies (Linux prctl
PR_SET_PDEATHSIG) and, everywhere, watches its parent id and exits once it changes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PARENT_CHECK_S = 1.0  # how often a worker looks for its parent where prctl is not available


def worker_count(requested: int, tasks: int) -> int:
    """Processes worth starting: at most one a task and one a core (2 tasks never start 10,000)."""
    return max(1, min(requested, tasks, os.cpu_count() or 1))


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers die with this process."""
    return ProcessPoolExecutor(workers, initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent: int) -> None:
    # Ctrl-C reaches the whole process group: a worker ends quietly, the parent reports it once
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


class WorkerSetupError(Exception):
    """The workers could not be had (Dask missing, a scheduler that does not answer)."""


DASK_DEADLINE_S = 20.0  # the whole connection to a Dask scheduler, handshake included


def run_everywhere(function, tasks: list, workers: int = 1, scheduler: str | None = None):
    """FUNCTION on each task, yielding each result as it completes: in this process (1 worker),
    on a process pool, or on Dask (`scheduler` = "local" for a LocalCluster of `workers`, or the
    address of a running scheduler)."""
    if scheduler:
        yield from _dask(function, tasks, workers, scheduler)
        return
    workers = worker_count(workers, len(tasks))
    if workers == 1:
        for task in tasks:
            yield function(task)
        return
    from concurrent.futures import as_completed

    pool = process_pool(workers)
    try:
        futures = [pool.submit(function, t) for t in tasks]
        for future in as_completed(futures):
            yield future.result()
    finally:  # an interruption: nothing new starts, and the workers end with their task
        pool.shutdown(wait=True, cancel_futures=True)


def require_dask() -> None:
    """WorkerSetupError unless Dask can be used: checked before a sweep writes anything."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise WorkerSetupError("Dask is not installed: pip install 'acgsim[dask]'") from None


def _dask(function, tasks: list, workers: int, scheduler: str):
    require_dask()
    from distributed import LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        with _sigint_ignored():  # the cluster's processes inherit it: Ctrl-C is ours to handle
            cluster = LocalCluster(
                n_workers=worker_count(workers, len(tasks)),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,  # an interruption cancels tasks: no warning per task
            )
        client = _connect(cluster, DASK_DEADLINE_S)
    else:
        client = _connect(scheduler, DASK_DEADLINE_S)
    try:
        futures = client.map(function, tasks, pure=False)
        for future in as_completed(futures):
            yield future.result()
    finally:
        with contextlib.suppress(Exception):  # closing after an interruption: say nothing more
            client.close(timeout=5)
            if cluster is not None:
                cluster.close(timeout=5)


def _connect(address, deadline_s: float):
    """A Dask client, or WorkerSetupError when the scheduler does not answer within the deadline
    (Client's own timeout covers the TCP connect, not a peer that accepts and then says nothing:
    that hung for over ten minutes)."""
    from distributed import Client

    box: dict = {}

    def connect() -> None:
        try:
            box["client"] = Client(address, timeout=deadline_s)
        except Exception as exc:  # reported below, in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=connect, daemon=True, name="acgsim-dask-connect")
    thread.start()
    thread.join(deadline_s + 1)
    if "client" in box:
        return box["client"]
    why = (
        f"({type(box['error']).__name__}: {box['error']})"
        if "error" in box
        else (f"(no answer within {deadline_s:.0f} s: is it a Dask scheduler?)")
    )
    raise WorkerSetupError(f"--scheduler {address}: cannot connect {why}")


@contextlib.contextmanager
def _sigint_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
