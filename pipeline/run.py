"""The batch: find inputs, skip what is done, process the rest in parallel, stream results to disk."""
from __future__ import annotations

import fcntl
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__, manifest
from pipeline.process import ReportResult, file_sha256, process
from pipeline.store import remove_report, write_report
from normalize.rows import frame


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
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def all_landed(self) -> bool:
        return not (self.quarantined or self.failed)

    def add(self, result: ReportResult) -> None:
        r = result.report
        setattr(self, r["status"], getattr(self, r["status"]) + 1)
        self.indicators += len(result.rows.indicators)
        self.budget_lines += len(result.rows.budget_lines)
        self.checks_failed += sum(not c.passed for c in result.checks)
        self.pages += int(r.get("page_count") or 0)
        if r["status"] != "ok":
            self.failures.append(f"{r['status']}: {r['source_path']}: {r.get('error')}")

    def render(self) -> str:
        rate = self.pages / self.seconds if self.seconds else 0.0
        lines = [
            f"reports: {self.ok} ok, {self.quarantined} quarantined, {self.failed} failed,"
            f" {self.skipped} unchanged (skipped)",
            f"rows: {self.indicators} indicators, {self.budget_lines} budget lines;"
            f" {self.checks_failed} checks failed",
            f"pages: {self.pages} in {self.seconds:.1f} s ({rate:.1f} pages/s)",
        ]
        lines += self.failures[:20]
        if len(self.failures) > 20:
            lines.append(f"… and {len(self.failures) - 20} more (see the reports dataset)")
        return "\n".join(lines)


def find_pdfs(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*") if q.suffix.lower() == ".pdf" and q.is_file()))
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


def plan(pdfs: list[Path], done: dict[str, dict], force: bool) -> tuple[list[Path], int]:
    """Which inputs need work. Unchanged size+mtime skips without hashing; else the hash decides."""
    todo, skipped = [], 0
    for p in pdfs:
        entry = done.get(str(p))
        fresh = (not force and entry is not None and entry["pipeline_version"] == __version__)
        key = _stat_key(p)
        if fresh and key == (entry["size"], entry["mtime_ns"]):
            skipped += 1
        elif fresh and key and file_sha256(p) == entry["file_sha256"]:
            entry["size"], entry["mtime_ns"] = key
            skipped += 1
        else:
            todo.append(p)
    return todo, skipped


def _frames(result: ReportResult) -> dict:
    rows, rid = result.rows, result.report["report_id"]
    return {
        "reports": frame("reports", [result.report]),
        "tables": rows.tables, "cells": rows.cells,
        "indicators": rows.indicators, "budget_lines": rows.budget_lines,
        "checks": frame("checks", [c.as_row(rid) for c in result.checks]),
    }


def _land(out: Path, result: ReportResult, done: dict[str, dict]) -> None:
    r = result.report
    src = r["source_path"]
    old = done.get(src)
    if old and old["report_id"] != r["report_id"] and not any(
            e["report_id"] == old["report_id"] for k, e in done.items() if k != src):
        remove_report(out, old["report_id"])  # the file changed: its old rows go
    write_report(out, r["report_id"], r.get("fiscal_year"), r["status"] == "quarantined",
                 _frames(result))
    size, mtime = _stat_key(Path(src)) or (None, None)
    done[src] = {**{k: r.get(k) for k in ("source_path", "file_sha256", "report_id",
                                            "pipeline_version", "status", "fiscal_year",
                                            "ingested_at")}, "size": size, "mtime_ns": mtime}


def _results(todo: list[Path], workers: int, acceptances: dict):
    if workers <= 1 or len(todo) <= 1:
        for p in todo:
            yield process(p, acceptances)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(process, p, acceptances): p for p in todo}
        for fut in as_completed(futures):
            yield fut.result()


def ingest(paths: list[Path], out: Path, workers: int = 1, force: bool = False,
           prune: bool = False, progress: bool = False) -> Summary:
    from validate.acceptance import load_acceptances

    pdfs = find_pdfs(paths)
    summary = Summary()
    started = time.perf_counter()
    with locked(out):
        done = manifest.load(out)
        todo, summary.skipped = plan(pdfs, done, force)
        acceptances = load_acceptances(out)
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), unit="report", dynamic_ncols=True)
        try:
            for result in _results(todo, workers, acceptances):
                _land(out, result, done)
                summary.add(result)
                if bar:
                    bar.update(1)
                    bar.set_postfix_str(Path(result.report["source_path"]).name[:40])
        finally:
            if bar:
                bar.close()
            if prune:
                keep = {str(p) for p in pdfs}
                for src in [s for s in done if s not in keep]:
                    remove_report(out, done.pop(src)["report_id"])
            manifest.save(out, done)
        summary.seconds = time.perf_counter() - started
        _log_run(out, summary, len(pdfs))
    return summary


def _log_run(out: Path, summary: Summary, n_inputs: int) -> None:
    runs = out / "runs"
    runs.mkdir(exist_ok=True)
    row = {"finished_at": datetime.now(timezone.utc).isoformat(), "pipeline_version": __version__,
           "inputs": n_inputs, **{k: v for k, v in vars(summary).items()}}
    with open(runs / "runs.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
