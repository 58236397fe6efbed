"""Where reports run: in this process or in a local process pool (on a Dask cluster:
pipeline/dask_executor.py, an optional extra that runs each report through run_isolated here;
pipeline/run.py calls it directly). Each executor takes the input paths and a ReportTask and
yields one Landed per path, in completion order, as soon as it is written, so the coordinator can
record progress while the batch runs."""
from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from pipeline.fork_server import pool_context
from pipeline.runlog import one_line
from pipeline.worker import Landed, ReportTask, init_worker

WORKER_DIED = "worker process died while processing this file (crash or out of memory)"
STUCK = "timed out after {:g} s and did not stop (stuck in native code); its worker was killed"
STUCK_GRACE_S = 30.0  # past its time limit and this, a report is stuck where SIGALRM cannot reach
_POLL_S = 1.0


def run_inline(paths: list[str], task: ReportTask) -> Iterator[Landed]:
    """In this process: no hard kill, no memory limit (profiling, debugging; RunSettings.isolate)."""
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
    Each worker's address space is capped at task.memory_limit_mb.
    """
    pending, suspects = deque(paths), deque()
    limit = workers * in_flight_per_worker
    ctx = pool_context()
    while pending or suspects:
        # workers announce their reports on a pipe: one small write each, atomic (< PIPE_BUF), so
        # no lock that a killed worker could leave held
        announced, announce = ctx.Pipe(duplex=False)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker,
                                   initargs=(os.getpid(), task.memory_limit_mb, announce))
        running: dict = {}
        watch = Watchdog(task.timeout)
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
                done, _ = wait(running, timeout=_POLL_S if task.timeout else None,
                               return_when=FIRST_COMPLETED)
                alone = len(running) == 1
                for fut in done:
                    p = running.pop(fut)
                    watch.forget(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if alone:
                            yield task.lost(p, worker_died(task.memory_limit_mb))
                        else:
                            suspects.append(p)
                    except OSError:
                        raise  # --out unwritable or full: no point going on
                    except Exception as exc:  # e.g. a result that cannot be pickled back
                        yield task.lost(p, f"task failed: {one_line(exc)}")
                while not broken and announced.poll():
                    watch.heard(*announced.recv())
                stuck = watch.stuck(running) if task.timeout and not broken else []
                if stuck:
                    _kill_workers(pool)
                    broken = True
                    for fut, seconds in stuck:
                        yield task.lost(running.pop(fut), STUCK.format(seconds))
            if broken:
                suspects.extend(running.values())  # in flight when it broke: suspects too
        finally:
            pool.shutdown(wait=not broken, cancel_futures=True)
            announced.close()
            announce.close()


def worker_died(memory_limit_mb: int) -> str:
    if memory_limit_mb:
        return ("worker process died while processing this file (crash, out of memory, or over"
                f" the {memory_limit_mb} MB memory limit)")
    return WORKER_DIED


class Watchdog:
    """When each running report must be done. A worker announces each report with its time limit
    (the base plus the per-page allowance); a report past it and STUCK_GRACE_S is stuck. A report
    never announced (it runs, but not through ingest_one) counts from when its future was first
    seen running, with twice the base limit, since a queued task may be seen late. `clock` is the
    one the workers announce their start on (time.monotonic, the same in every process of the
    machine); a test passes its own."""

    def __init__(self, base: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.base = base
        self.clock = clock
        self.limits: dict[str, tuple[float, float]] = {}  # path → (started, limit), monotonic
        self.seen: dict = {}  # future → first seen running

    def heard(self, path: str, pid: int, started: float, limit: float) -> None:
        self.limits[path] = (started, limit)

    def forget(self, fut) -> None:
        self.seen.pop(fut, None)

    def stuck(self, running: dict) -> list[tuple[object, float]]:
        """(future, its limit in seconds) of every running report past its hard deadline."""
        now, found = self.clock(), []
        for fut, path in running.items():
            if fut.running():
                self.seen.setdefault(fut, now)
            if path in self.limits and fut in self.seen:
                started, limit = self.limits[path]
                if limit and now - started > limit + STUCK_GRACE_S:
                    found.append((fut, limit))
            elif fut in self.seen and now - self.seen[fut] > 2 * self.base + STUCK_GRACE_S:
                found.append((fut, self.base))
        return found


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL the pool's worker processes (the executor has no public way to stop a running task)."""
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()


def run_isolated(task: ReportTask, path: str) -> Landed:
    """One report in a fresh worker process of this process's fork server, with the pool's
    watchdog and memory limit: what a Dask worker runs (its tasks run in threads, where neither
    a hard kill nor a memory limit can reach)."""
    return next(run_pool([path], task, 1, 1))

