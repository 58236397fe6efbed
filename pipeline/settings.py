"""How a batch runs: workers, the per-report time limit, what to redo. Defaults named once here."""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_TIMEOUT_S = 120.0  # a report taking longer is stuck (pdfminer on a pathological page); fail it, go on
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
    timeout: float = DEFAULT_TIMEOUT_S  # seconds per report; 0 = no limit
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
        return "inline" if self.workers == 1 else f"{self.workers} processes"
