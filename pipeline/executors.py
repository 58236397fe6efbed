"""Where reports run: in this process, in a local process pool, or on a Dask cluster. Each executor
takes the input paths and a ReportTask and yields one Landed per path, in completion order, as
soon as it is written, so the coordinator can record progress while the batch runs."""
from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from pipeline.fork_server import pool_context
from pipeline.worker import Landed, ReportTask, init_worker, one_line

WORKER_DIED = "worker process died while processing this file (crash or out of memory)"
STUCK = "timed out after {:g} s and did not stop (stuck in native code); its worker was killed"
STUCK_GRACE_S = 30.0  # past twice the time limit and this, a report is stuck where SIGALRM cannot reach
_POLL_S = 1.0


def run_inline(paths: list[str], task: ReportTask) -> Iterator[Landed]:
    if paths:
        init_worker()
    for p in paths:
        yield task(p)


def run_pool(paths: list[str], task: ReportTask, workers: int, in_flight_per_worker: int
             ) -> Iterator[Landed]:
    """A process pool with a bounded queue (memory stays flat however long the batch).

    If a worker dies, the pool breaks and every report in flight with it is a suspect: the
    suspects are re-run one at a time in a fresh pool, and one that kills that pool too is
    recorded as failed. A report still running long after its time limit (a call into native
    code that never returns, which the limit cannot interrupt) is recorded as failed and the
    pool's workers are killed, its other reports becoming suspects. The batch goes on.
    """
    pending, suspects = deque(paths), deque()
    limit = workers * in_flight_per_worker
    stuck_after = 2 * task.timeout + STUCK_GRACE_S if task.timeout else None
    ctx = pool_context()
    while pending or suspects:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker,
                                   initargs=(os.getpid(),))
        running: dict = {}
        started: dict = {}  # when each future was first seen running (queued work counts: hence 2×)
        broken = False
        try:
            while (pending or suspects or running) and not broken:
                if suspects:
                    if not running:
                        p = suspects.popleft()
                        running[pool.submit(task, p)] = p
                else:
                    while pending and len(running) < limit:
                        p = pending.popleft()
                        running[pool.submit(task, p)] = p
                done, _ = wait(running, timeout=_POLL_S if stuck_after else None, return_when=FIRST_COMPLETED)
                alone = len(running) == 1
                for fut in done:
                    p = running.pop(fut)
                    started.pop(fut, None)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if alone:
                            yield task.lost(p, WORKER_DIED)
                        else:
                            suspects.append(p)
                    except OSError:
                        raise  # --out unwritable or full: no point going on
                    except Exception as exc:  # e.g. a result that cannot be pickled back
                        yield task.lost(p, f"task failed: {one_line(exc)}")
                stuck = _stuck(running, started, stuck_after) if stuck_after and not broken else []
                if stuck:
                    _kill_workers(pool)
                    broken = True
                    for fut in stuck:
                        yield task.lost(running.pop(fut), STUCK.format(task.timeout))
            if broken:
                suspects.extend(running.values())  # in flight when it broke: suspects too
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)


def _stuck(running: dict, started: dict, after: float) -> list:
    """Futures running longer than `after` seconds (first seen running counts as their start)."""
    now = time.monotonic()
    for fut in running:
        if fut.running():
            started.setdefault(fut, now)
    return [f for f in running if f in started and now - started[f] > after]


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL the pool's worker processes (the executor has no public way to stop a running task)."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()


def connect_dask(address: str, timeout_s: float):
    """A Dask client, connected before the run starts so a wrong address is a usage error."""
    from pipeline.dask_executor import connect  # dask is an optional extra

    return connect(address, timeout_s)


def run_dask(paths: list[str], task: ReportTask, client) -> Iterator[Landed]:
    from pipeline.dask_executor import run_on_cluster

    yield from run_on_cluster(paths, task, client)
