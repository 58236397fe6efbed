"""The batch: find inputs, skip what is done, process the rest in parallel, stream results to disk.

Planning comes first and is light (the manifest, a stat per input): workers, the fork server and
the extract / normalize / validate modules (and Great Expectations with them) are started or
imported only when some report must be processed, so a night where nothing changed costs about
a second for a thousand inputs."""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__, manifest
from pipeline.manifest import file_sha256
from pipeline.runlog import RunLog, one_line, record_interrupted
from pipeline.settings import RunSettings
from pipeline.store import remove_report, remove_temp_files

if TYPE_CHECKING:
    from pipeline.worker import Landed, ReportTask


class UsageError(Exception):
    """Bad paths or an unusable output folder: exit code 2."""


@dataclass
class Summary:
    ok: int = 0
    quarantined: int = 0
    failed: int = 0
    skipped: int = 0
    indicators: int = 0
    budget_lines: int = 0
    checks_failed: int = 0
    pages: int = 0
    pruned: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    run: dict = field(default_factory=dict)  # the run row written to OUT/runs/runs.jsonl

    @property
    def all_landed(self) -> bool:
        return not (self.quarantined or self.failed)

    def add(self, landed: Landed) -> None:
        r = landed.report
        setattr(self, r["status"], getattr(self, r["status"]) + 1)
        self.indicators += landed.indicators
        self.budget_lines += landed.budget_lines
        self.checks_failed += landed.checks_failed
        self.pages += int(r.get("page_count") or 0)
        if r["status"] != "ok":
            self.failures.append(f"{r['status']}: {r['source_path']}: {r.get('error')}")

    def counts(self) -> dict:
        rate = self.pages / self.seconds if self.seconds else 0.0
        return {k: getattr(self, k) for k in ("ok", "quarantined", "failed", "skipped", "pruned",
                                              "indicators", "budget_lines", "checks_failed",
                                              "pages")} | {"seconds": round(self.seconds, 3),
                                                           "pages_per_s": round(rate, 2)}

    def render(self) -> str:
        rate = self.pages / self.seconds if self.seconds else 0.0
        lines = [
            f"reports: {self.ok} ok, {self.quarantined} quarantined, {self.failed} failed,"
            f" {self.skipped} unchanged (skipped)" + (f", {self.pruned} pruned" if self.pruned else ""),
            f"rows: {self.indicators} indicators, {self.budget_lines} budget lines;"
            f" {self.checks_failed} checks failed",
            f"pages: {self.pages} in {self.seconds:.1f} s ({rate:.1f} pages/s)",
        ]
        lines += self.failures[:20]
        if len(self.failures) > 20:
            lines.append(f"… and {len(self.failures) - 20} more (see the reports dataset)")
        if self.run:
            lines.append(f"run {self.run['run_id']}: log in runs/{self.run['run_id']}.jsonl")
        return "\n".join(lines)


def find_pdfs(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            # a dangling link or unreadable entry is kept: it becomes a failed report, not silence
            found.extend(sorted(q for q in p.rglob("*") if q.suffix.lower() == ".pdf"
                                and (q.is_file() or q.is_symlink())))
        elif p.exists() or p.is_symlink():
            found.append(p)
        else:
            raise UsageError(f"no such file or folder: {p}")
    return list(dict.fromkeys(found))


@contextmanager
def locked(out: Path):
    """One run per output folder at a time; a second run exits instead of interleaving."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / ".lock", os.O_CREAT | os.O_RDWR)
    except OSError as exc:
        raise UsageError(f"cannot write to --out {out}: {exc.strerror or exc}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise UsageError(f"another run is writing to {out} (lock {out / '.lock'}); try later")
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _stat_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def plan(pdfs: list[Path], done: dict[str, dict], force: bool = False,
         retry_failed: bool = False) -> tuple[list[Path], int]:
    """Which inputs need work. Unchanged size+mtime skips without hashing; else the hash decides.
    A new pipeline version redoes everything; --retry-failed redoes files whose last try failed."""
    todo, skipped = [], 0
    for p in pdfs:
        entry = done.get(str(p))
        fresh = (not force and entry is not None and entry["pipeline_version"] == __version__
                 and not (retry_failed and entry["status"] == "failed"))
        key = _stat_key(p)
        if fresh and key == (entry["size"], entry["mtime_ns"]):
            skipped += 1
        elif fresh and key and file_sha256(p) == entry["file_sha256"]:
            entry["size"], entry["mtime_ns"] = key
            skipped += 1
        else:
            todo.append(p)
    return todo, skipped


def _stat_keys(done: dict[str, dict]) -> dict[str, tuple]:
    return {src: (e["size"], e["mtime_ns"]) for src, e in done.items()}


def _record(out: Path, landed: Landed, done: dict[str, dict]) -> None:
    """A report's files are written: drop the file's previous rows if its content changed, and
    note it in the manifest."""
    r = landed.report
    src = r["source_path"]
    old = done.get(src)
    if old and old["report_id"] != r["report_id"] and not any(
            e["report_id"] == old["report_id"] for k, e in done.items() if k != src):
        remove_report(out, old["report_id"])  # the file changed: its old rows go
    size, mtime = _stat_key(Path(src)) or (None, None)
    done[src] = {**{k: r.get(k) for k in ("source_path", "file_sha256", "report_id",
                                            "pipeline_version", "status", "fiscal_year",
                                            "ingested_at")},
                 "size": size, "mtime_ns": mtime, "files": list(landed.files)}


def _largest_first(todo: list[Path]) -> list[str]:
    """Big files first, so the batch does not end with one worker on a long report while the
    others idle (longest-processing-time-first; file size stands in for the time)."""
    return [str(p) for p in sorted(todo, key=lambda p: -((_stat_key(p) or (0, 0))[0]))]


def _results(todo: list[Path], task: ReportTask, settings: RunSettings, client) -> Iterator[Landed]:
    from pipeline import executors

    paths = _largest_first(todo) if client is not None or settings.workers > 1 else [str(p) for p in todo]
    if client is not None:
        from pipeline.dask_executor import run_on_cluster  # dask is an optional extra

        return run_on_cluster(paths, task, client)
    if settings.workers <= 1 and not settings.isolate:
        return executors.run_inline(paths, task)
    return executors.run_pool(paths, task, min(settings.workers, len(paths)),
                              settings.in_flight_per_worker)


def _start(todo: list[Path], out: Path, settings: RunSettings) -> ReportTask:
    """There is work: start the fork server first (it imports GX in the background), then import
    what the coordinator needs while it does."""
    if todo and settings.isolate and not settings.dask:
        from pipeline.fork_server import start_early

        start_early()
    from pipeline.worker import ReportTask
    from validate.acceptance import load_acceptances

    return ReportTask(out=str(out.absolute() if settings.dask else out),
                      acceptances=load_acceptances(out), timeout=float(settings.timeout),
                      timeout_per_page=float(settings.timeout_per_page),
                      memory_limit_mb=settings.memory_limit_mb)


def ingest(paths: list[Path], out: Path, settings: RunSettings | None = None, **options) -> Summary:
    """Ingest every PDF under `paths` into `out`. `options` are RunSettings fields (workers=...).
    Raises UsageError (bad paths, --out unusable or locked) and ConnectionError (--dask address)."""
    settings = settings or RunSettings(**options)
    pdfs = find_pdfs(paths)
    client = None
    if settings.dask:  # ConnectionError before anything is locked or logged
        from pipeline.dask_executor import connect  # dask is an optional extra

        client = connect(settings.dask, settings.dask_connect_timeout_s)
    try:
        return _ingest(pdfs, paths, out, settings, client)
    finally:
        if client is not None:
            client.close()


def _ingest(pdfs: list[Path], paths: list[Path], out: Path, settings: RunSettings, client) -> Summary:
    summary = Summary()
    started = time.perf_counter()
    with locked(out):
        remove_temp_files(out)  # left by a killed run; no other writer while we hold the lock
        record_interrupted(out)
        done = manifest.load(out)
        as_loaded = _stat_keys(done)
        todo, summary.skipped = plan(pdfs, done, settings.force, settings.retry_failed)
        task = _start(todo, out, settings) if todo else None
        log = RunLog(out)
        log.event("run_started", pipeline_version=__version__, inputs=len(pdfs), todo=len(todo),
                  skipped=summary.skipped, executor=settings.executor, timeout=settings.timeout,
                  timeout_per_page=settings.timeout_per_page,
                  memory_limit_mb=settings.memory_limit_mb, paths=[str(p) for p in paths])
        bar = _progress(len(todo)) if settings.progress and todo else None
        saved = time.monotonic()
        try:
            for landed in _results(todo, task, settings, client) if todo else ():
                _record(out, landed, done)
                summary.add(landed)
                log.report(landed)
                if bar:
                    bar.update(1)
                    bar.set_postfix_str(Path(landed.report["source_path"]).name[:40])
                if time.monotonic() - saved >= settings.manifest_checkpoint_s:
                    manifest.save(out, done)  # a killed run keeps what it finished
                    saved = time.monotonic()
            if settings.prune:
                keep = {str(p) for p in pdfs}
                for src in [s for s in done if s not in keep]:
                    gone = done.pop(src)["report_id"]
                    if not any(e["report_id"] == gone for e in done.values()):  # same bytes kept elsewhere
                        remove_report(out, gone)
                    summary.pruned += 1
        except BaseException as exc:
            log.event("run_aborted", error=one_line(exc))  # the next run records it as interrupted
            log.close()
            raise
        finally:
            if bar:
                bar.close()
            if todo or summary.pruned or _stat_keys(done) != as_loaded:  # a no-op writes nothing
                manifest.save(out, done)
        summary.seconds = time.perf_counter() - started
        summary.run = log.finish(
            pipeline_version=__version__, executor=settings.executor, timeout=settings.timeout,
            timeout_per_page=settings.timeout_per_page, memory_limit_mb=settings.memory_limit_mb,
            inputs=len(pdfs), todo=len(todo), **summary.counts())
    return summary


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, unit="report", dynamic_ncols=True)
