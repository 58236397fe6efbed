"""Reports on a Dask distributed cluster (optional extra: pip install 'budgetperf[dask]').

Workers read the inputs and write the Parquet files themselves, so every worker must see the input
paths and `--out` at the same paths as the coordinator: shared storage (NFS, a mounted share).
Only the small Landed summaries travel back over the network.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from functools import partial

from distributed import Client, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from pipeline.executors import run_isolated
from pipeline.fork_server import start_early
from pipeline.runlog import one_line
from pipeline.worker import Landed, ReportTask


class WarmWorker(WorkerPlugin):
    """Each report runs in a child process of the Dask worker (executors.run_isolated: a hard kill
    when stuck in native code, the memory limit), forked from a fork server that has GX loaded:
    start that server when the worker joins."""

    name = "budgetperf-warm-worker"

    def setup(self, worker) -> None:
        # A nanny starts Dask workers as daemonic processes, which multiprocessing forbids to have
        # children. That rule keeps children from being orphaned; ours watch their parent and exit
        # with it (worker._exit_with), so the flag is lifted for this process.
        multiprocessing.current_process().daemon = False
        start_early()


def connect(address: str, timeout_s: float) -> Client:
    """A client of the scheduler at `address`; ConnectionError (one line) if it cannot be reached."""
    try:
        return Client(address, timeout=f"{timeout_s}s")
    except (OSError, ValueError) as exc:
        why = " ".join(str(exc).split())
        raise ConnectionError(f"cannot reach the Dask scheduler at {address}: {why}") from None


def run_on_cluster(paths: list[str], task: ReportTask, client: Client) -> Iterator[Landed]:
    if not paths:
        return
    client.register_plugin(WarmWorker())
    # pure=False: the same path may be re-run on purpose (--force); retries=1 survives one lost worker
    futures = client.map(partial(run_isolated, task), paths, pure=False, retries=1)
    path_of = {f.key: p for f, p in zip(futures, paths)}
    for fut in as_completed(futures):
        p = path_of[fut.key]
        if fut.status != "finished":  # error, or cancelled when a worker was lost twice
            why = one_line(fut.exception()) if fut.status == "error" else fut.status
            yield task.lost(p, f"dask task failed: {why}")
        else:
            yield fut.result()
        fut.release()
