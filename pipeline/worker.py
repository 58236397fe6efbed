"""What runs in a worker (pool process, Dask worker, or this process): one report in, its files
written, a small summary back. The Parquet files are written where the report was computed, so
only a few numbers travel back to the coordinating process; with Dask that makes `--out` shared
storage that every worker can write to.
"""
from __future__ import annotations

import os
import select
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from normalize.rows import frame
from pipeline.process import ReportResult, failed, file_sha256, process
from pipeline.store import write_report
from pipeline.time_limit import ReportTimeout, time_limit

# Columns of the reports row that travel back to the coordinator (the manifest and run log use them).
_REPORT_KEYS = ("report_id", "source_path", "file_sha256", "page_count", "fiscal_year", "status",
                "error", "pipeline_version", "ingested_at", "seconds", "report_kind")


@dataclass(frozen=True)
class Landed:
    """One report as written: its reports row (the light columns) and row counts."""
    report: dict
    indicators: int = 0
    budget_lines: int = 0
    checks_failed: int = 0
    worker: str = ""
    files: tuple[str, ...] = ()  # written, relative to --out


def init_worker(coordinator_pid: int | None = None) -> None:
    """Load what every report needs once per worker, not once per report: the extract / normalize /
    validate modules and Great Expectations' context. (The OCR model loads on a worker's first
    scanned page, once: most batches have none.) With `coordinator_pid`, the worker exits when
    that process dies (see _exit_with)."""
    if coordinator_pid is not None:
        _exit_with(coordinator_pid)
    from validate import gx_suites

    gx_suites.warm_up()


def _exit_with(pid: int) -> None:
    """A killed coordinator (kill -9) cannot shut its pool down, and pool workers wait on their
    task queue forever; they also keep the fork server alive. So each worker watches the
    coordinator and exits as soon as it is gone, leaving no orphans behind."""
    try:
        fd = os.pidfd_open(pid)  # Linux ≥ 5.3: readable once the process has exited
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        fd = None

    def watch() -> None:
        if fd is not None:
            select.select([fd], [], [])
        else:
            while True:
                time.sleep(1.0)
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:  # alive, someone else's (only after pid reuse)
                    continue
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-coordinator", daemon=True).start()


def frames(result: ReportResult) -> dict:
    """The report's rows per dataset, as written to --out."""
    rows, rid = result.rows, result.report["report_id"]
    return {
        "reports": frame("reports", [result.report]),
        "tables": rows.tables, "cells": rows.cells,
        "indicators": rows.indicators, "budget_lines": rows.budget_lines,
        "checks": frame("checks", [c.as_row(rid) for c in result.checks]),
    }


def land(out: Path, result: ReportResult) -> Landed:
    """Write one report's files (atomically, replacing any earlier files of the same report_id)."""
    r = result.report
    written = write_report(out, r["report_id"], r.get("fiscal_year"), r["status"] == "quarantined",
                           frames(result))
    return Landed(
        files=tuple(str(p.relative_to(out)) for p in written),
        report={k: r.get(k) for k in _REPORT_KEYS},
        indicators=len(result.rows.indicators), budget_lines=len(result.rows.budget_lines),
        checks_failed=sum(not c.passed for c in result.checks),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )


def run_report(path: str | Path, acceptances: list[dict] | None, timeout: float) -> ReportResult:
    """process() under the time limit; a report over the limit becomes a failed report."""
    started = time.perf_counter()
    sha = None
    try:
        with time_limit(timeout):
            sha = file_sha256(path)
            return process(path, acceptances, sha256=sha)
    except ReportTimeout:
        result = failed(path, f"timed out after {timeout:g} s", sha)
    except OSError as exc:  # hashing failed: unreadable path
        result = failed(path, f"cannot read file: {exc.strerror or exc}")
    result.report["seconds"] = time.perf_counter() - started
    return result


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def ingest_one(path: str, out: str, acceptances: list[dict] | None, timeout: float) -> Landed:
    """The per-report task every executor runs: process under the time limit, then write."""
    result = run_report(path, acceptances, timeout)
    try:
        return land(Path(out), result)
    except OSError:
        raise  # --out unwritable or full: the run cannot go on
    except Exception as exc:  # rows that do not fit the schema: the report fails, the batch goes on
        reason = f"cannot write rows: {one_line(exc)}"
        return land(Path(out), failed(path, reason, result.report.get("file_sha256")))


@dataclass(frozen=True)
class ReportTask:
    """The per-report task with its run-wide arguments bound; picklable for pools and Dask."""
    out: str
    acceptances: list[dict]
    timeout: float

    def __call__(self, path: str) -> Landed:
        return ingest_one(path, self.out, self.acceptances, self.timeout)

    def lost(self, path: str, reason: str) -> Landed:
        """Record a report whose worker died or whose task errored outside process()."""
        try:
            sha = file_sha256(path)
        except OSError:
            sha = None
        return land(Path(self.out), failed(path, reason, sha))
