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
from typing import TYPE_CHECKING

from pipeline.manifest import file_sha256
from pipeline.runlog import one_line  # noqa: F401 (executors import it from here)
from pipeline.store import landed_files, write_report
from pipeline.settings import report_time_limit
from pipeline.time_limit import Limit, ReportTimeout, time_limit

# The stages (pipeline.process: extract, normalize, validate, pandas) are imported where a report
# is processed or written, not when this module is: a pool worker has them already (the fork server
# preloads them, pipeline/preload.py), and the coordinator, which imports this module for
# ReportTask and only hands out paths, never pays their import (~1 CPU s a batch).
if TYPE_CHECKING:
    from pipeline.process import ReportResult


def failed(path, reason: str, sha256: str | None = None) -> ReportResult:
    """pipeline.process.failed, imported when a report fails."""
    from pipeline.process import failed as failed_report

    return failed_report(path, reason, sha256)


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


_announce = None  # where a pool worker says which report it started and its time limit
_memory_limit_mb = 0  # this worker's address-space limit, named in a MemoryError's reason


def init_worker(coordinator_pid: int | None = None, memory_limit_mb: int = 0, announce=None) -> None:
    """Load what every report needs once per worker, not once per report: the extract / normalize /
    validate modules and Great Expectations' context. (The OCR model loads on a worker's first
    scanned page, once: most batches have none.) With `coordinator_pid`, the worker exits when
    that process dies (see _exit_with). `memory_limit_mb` caps the worker's address space, so a
    PDF bomb fails its own report with a MemoryError; `announce` (a pipe's sending end) gets
    (path, pid, start, limit) for each report, for the coordinator's watchdog."""
    global _announce, _memory_limit_mb
    if coordinator_pid is not None:
        _exit_with(coordinator_pid)
    from validate import gx_suites

    gx_suites.warm_up()  # before the limit: GX's setup is not a report's memory
    if memory_limit_mb:
        limit_address_space(memory_limit_mb)
    _announce, _memory_limit_mb = announce, memory_limit_mb


def limit_address_space(megabytes: int) -> None:
    """RLIMIT_AS for this process (never above the hard limit it already has)."""
    import resource

    want = megabytes << 20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _tell(path: str, started: float, limit: float) -> None:
    """Tell the coordinator's watchdog when this report started and how long it may take."""
    if _announce is not None:
        try:
            _announce.send((str(path), os.getpid(), started, limit))
        except OSError:  # the coordinator is gone (this worker exits with it) or closed its end
            pass


def page_count(path: str | Path) -> int:
    """Pages of the PDF as PDFium counts them (cheap: the page tree only); 0 if it cannot tell
    (extraction then says what is wrong with the file)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # PdfiumError, ctypes errors: not our call to judge the file here
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


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
    from normalize.rows import frame

    rows, rid = result.rows, result.report["report_id"]
    return {
        "reports": frame("reports", [result.report]),
        "tables": rows.tables, "cells": rows.cells,
        "indicators": rows.indicators, "budget_lines": rows.budget_lines, "headlines": rows.headlines,
        "checks": frame("checks", [c.as_row(rid) for c in result.checks]),
    }


def land(out: Path, result: ReportResult) -> Landed:
    """Write one report's files (atomically, replacing any earlier files of the same report_id).
    A failed attempt never replaces rows that landed: the same bytes at another path (same
    report_id) that were read keep their rows, and the failure is this path's, in the manifest."""
    r = result.report
    written = landed_files(out, r["report_id"]) if r["status"] == "failed" else []
    if not written:
        written = write_report(out, r["report_id"], r.get("fiscal_year"), r["status"] == "quarantined",
                               frames(result))
    return Landed(
        files=tuple(str(p.relative_to(out)) for p in written),
        report={k: r.get(k) for k in _REPORT_KEYS},
        indicators=len(result.rows.indicators), budget_lines=len(result.rows.budget_lines),
        checks_failed=sum(c.passed is False for c in result.checks),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )


def timeout_reason(limit: float, base: float, per_page: float, pages: int) -> str:
    if limit <= base or not per_page:
        return f"timed out after {limit:g} s"
    return f"timed out after {limit:g} s ({base:g} s + {pages - 1} × {per_page:g} s for {pages} pages)"


def run_report(path: str | Path, acceptances: list[dict] | None, timeout: float,
               timeout_per_page: float = 0.0) -> ReportResult:
    """process() under the time limit (`timeout` + `timeout_per_page` × pages, see
    settings.report_time_limit); a report over the limit becomes a failed report."""
    started = time.perf_counter()
    sha, pages, limit = None, 0, Limit(0.0)
    _tell(path, time.monotonic(), timeout)
    try:
        with time_limit(timeout) as limit:
            if timeout and timeout_per_page:
                pages = page_count(path)
                limit.extend_to(report_time_limit(timeout, timeout_per_page, pages))
                _tell(path, limit.started, limit.seconds)
            sha = file_sha256(path)
            from pipeline.process import process

            result = process(path, acceptances, sha256=sha)
    except ReportTimeout:
        result = failed(path, timeout_reason(limit.seconds, timeout, timeout_per_page, pages), sha)
    except MemoryError:  # outside process()'s own handler (hashing, counting pages)
        result = failed(path, "MemoryError", sha)
    except OSError as exc:  # hashing failed: unreadable path
        result = failed(path, f"cannot read file: {exc.strerror or exc}")
    else:
        return result
    result.report["seconds"] = time.perf_counter() - started
    return result


def out_of_memory(result: ReportResult, memory_limit_mb: int) -> ReportResult:
    """A MemoryError in a worker with a memory limit: say which limit it ran into."""
    error = result.report.get("error") or ""
    if memory_limit_mb and result.status == "failed" and error.startswith("MemoryError"):
        detail = error.removeprefix("MemoryError").strip(": ")
        result.report["error"] = (f"out of memory: over the {memory_limit_mb} MB memory limit per worker"
                                  + (f" ({detail})" if detail and detail != "MemoryError" else ""))
    return result


def ingest_one(path: str, out: str, acceptances: list[dict] | None, timeout: float,
               timeout_per_page: float = 0.0) -> Landed:
    """The per-report task every executor runs: process under the time limit, then write."""
    result = out_of_memory(run_report(path, acceptances, timeout, timeout_per_page), _memory_limit_mb)
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
    timeout: float  # base seconds; 0 = no limit
    timeout_per_page: float = 0.0
    memory_limit_mb: int = 0  # per worker process (set when the worker starts); 0 = none

    def __call__(self, path: str) -> Landed:
        return ingest_one(path, self.out, self.acceptances, self.timeout, self.timeout_per_page)

    def lost(self, path: str, reason: str) -> Landed:
        """Record a report whose worker died or whose task errored outside process()."""
        try:
            sha = file_sha256(path)
        except OSError:
            sha = None
        return land(Path(self.out), failed(path, reason, sha))
