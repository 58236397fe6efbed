"""How a batch runs: workers, the per-report time limit, what to redo. Defaults named once here."""
from __future__ import annotations

import os
from dataclasses import dataclass

# A report's time limit is a base plus an allowance per further page (report_time_limit), so a
# 300-page budget that is simply long is read while a page that never ends is still stopped.
DEFAULT_TIMEOUT_S = 120.0  # base: startup, a short report's slowest pathological page; fail it, go on
# per page: ~10x the median text page (0.1-0.2 s), and with the base enough for a scan of ~40
# pages at OCR's ~5 s a page
DEFAULT_TIMEOUT_PER_PAGE_S = 2.0
# RLIMIT_AS per worker process: a PDF bomb (a content stream inflating to gigabytes, a huge image)
# fails its own report with a MemoryError instead of driving the machine into swap or the OOM
# killer. 6 GB fits 2 workers on a 24 GB machine with room for the rest. A worker maps ~1.2 GB of
# address space with Great Expectations and the OCR model loaded (measured); the bomb tests run
# real reports, a scan among them, under a 2 GB limit.
DEFAULT_MEMORY_LIMIT_MB = 6144
IN_FLIGHT_PER_WORKER = 2  # queued tasks per worker: keeps workers busy without holding the batch in memory
DASK_CONNECT_TIMEOUT_S = 10.0  # a scheduler that does not answer within this is a wrong address
MANIFEST_CHECKPOINT_S = 5.0  # save the manifest at most this often, so a killed run loses little work


def default_workers() -> int:
    """The cores this process may use (respects CPU affinity / container limits where visible)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class RunSettings:
    workers: int = 1  # processes; 1 runs in this process (no pool)
    timeout: float = DEFAULT_TIMEOUT_S  # base seconds per report; 0 = no limit at all
    timeout_per_page: float = DEFAULT_TIMEOUT_PER_PAGE_S  # seconds added per page of the report
    memory_limit_mb: int = DEFAULT_MEMORY_LIMIT_MB  # address space per worker process; 0 = none
    # each report runs in a worker process (a hard kill when stuck, the memory limit) even with
    # workers=1; False runs workers=1 in this process (profiling, debugging: no backstop, no limit)
    isolate: bool = True
    dask: str | None = None  # scheduler address (tcp://host:8786); runs reports on that cluster instead
    force: bool = False  # re-extract unchanged files
    retry_failed: bool = False  # re-extract unchanged files whose last attempt failed
    prune: bool = False  # drop rows of inputs no longer given
    progress: bool = False  # a progress bar on stderr
    in_flight_per_worker: int = IN_FLIGHT_PER_WORKER
    manifest_checkpoint_s: float = MANIFEST_CHECKPOINT_S
    dask_connect_timeout_s: float = DASK_CONNECT_TIMEOUT_S

    def __post_init__(self) -> None:
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise ValueError(f"workers must be a whole number >= 1, got {self.workers!r}")
        if not isinstance(self.timeout, (int, float)) or self.timeout < 0:
            raise ValueError(f"timeout must be >= 0 seconds (0 = no limit), got {self.timeout!r}")
        if not isinstance(self.timeout_per_page, (int, float)) or self.timeout_per_page < 0:
            raise ValueError(f"timeout_per_page must be >= 0 seconds, got {self.timeout_per_page!r}")
        if (isinstance(self.memory_limit_mb, bool) or not isinstance(self.memory_limit_mb, int)
                or self.memory_limit_mb < 0):
            raise ValueError(f"memory_limit_mb must be a whole number >= 0, got {self.memory_limit_mb!r}")
        if self.in_flight_per_worker < 1:
            raise ValueError("in_flight_per_worker must be >= 1")
        if self.dask_connect_timeout_s <= 0:
            raise ValueError("dask_connect_timeout_s must be > 0")
        if self.manifest_checkpoint_s < 0:
            raise ValueError("manifest_checkpoint_s must be >= 0")
        if self.dask is not None and not self.dask.strip():
            raise ValueError("dask address must not be empty")

    @property
    def executor(self) -> str:
        if self.dask:
            return f"dask {self.dask}"
        if self.workers == 1:
            return "1 process" if self.isolate else "inline"
        return f"{self.workers} processes"


def report_time_limit(base: float, per_page: float, pages: int) -> float:
    """Seconds a report of `pages` pages may take: the base covers a one-page report (so --timeout
    means what it always did for short ones), each further page adds `per_page`. 0 = no limit."""
    if not base:
        return 0.0
    return base + per_page * max(pages - 1, 0)
