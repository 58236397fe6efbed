"""The record of runs under OUT/runs/: one JSON-lines log per run (an event per report, flushed as it
happens, so a killed run's log is complete up to the kill) and one row per run in runs.jsonl with
counts, durations and failures. A run that never wrote its row (killed) gets an `interrupted` row,
rebuilt from its log, when the next run starts.

    pd.read_json("outputs/runs/runs.jsonl", lines=True)
    duckdb: SELECT * FROM read_json_auto('outputs/runs/runs.jsonl')
"""
from __future__ import annotations

import json
import os
import statistics
import uuid
from datetime import datetime, timezone
from pathlib import Path

RUNS_DIR = "runs"
RUN_ROWS = "runs.jsonl"
SLOWEST_KEPT = 10  # slowest reports named in the run row


def one_line(exc: BaseException) -> str:
    """An exception as the one-line reason a report row or log event carries."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _json(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class RunLog:
    """Events of one run, appended and flushed line by line."""

    def __init__(self, out: Path) -> None:
        self.dir = out / RUNS_DIR
        self.dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.run_id = f"{stamp}-{uuid.uuid4().hex[:6]}"
        self.started_at = _now()
        self.path = self.dir / f"{self.run_id}.jsonl"
        self._file = open(self.path, "a", encoding="utf-8", buffering=1)
        self.reports: list[dict] = []

    def event(self, event: str, **fields) -> None:
        line = {"ts": _now(), "run_id": self.run_id, "event": event, **fields}
        self._file.write(json.dumps(line, ensure_ascii=False, default=_json) + "\n")

    def report(self, landed) -> None:
        """One report landed (ok, quarantined or failed)."""
        r = landed.report
        fields = {k: r.get(k) for k in ("source_path", "report_id", "status", "error",
                                        "page_count", "seconds")}
        fields.update(indicators=landed.indicators, budget_lines=landed.budget_lines,
                      checks_failed=landed.checks_failed, worker=landed.worker)
        self.reports.append(fields)
        self.event("report", **fields)

    def finish(self, **row) -> dict:
        """Close the log and append the run row; returns the row."""
        row = {"run_id": self.run_id, "status": "finished", "started_at": self.started_at,
               "finished_at": _now(), **row, **durations(self.reports)}
        self.event("run_finished", **{k: v for k, v in row.items() if k not in ("failures", "slowest")})
        self._file.close()
        append_row(self.dir, row)
        return row

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


def durations(reports: list[dict]) -> dict:
    """Per-report seconds: median, max, and the slowest reports by name; plus the failures."""
    secs = [r["seconds"] for r in reports if isinstance(r.get("seconds"), (int, float))]
    slowest = sorted((r for r in reports if r.get("seconds") is not None),
                     key=lambda r: -r["seconds"])[:SLOWEST_KEPT]
    return {
        "report_seconds_median": round(statistics.median(secs), 3) if secs else None,
        "report_seconds_max": round(max(secs), 3) if secs else None,
        "slowest": [{"source_path": r["source_path"], "seconds": round(r["seconds"], 3)}
                    for r in slowest],
        "failures": [{"source_path": r["source_path"], "status": r["status"], "error": r["error"]}
                     for r in reports if r.get("status") != "ok"],
    }


def append_row(runs_dir: Path, row: dict) -> None:
    with open(runs_dir / RUN_ROWS, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False, default=_json) + "\n")
        f.flush()
        os.fsync(f.fileno())


def read_rows(out: Path) -> list[dict]:
    path = out / RUNS_DIR / RUN_ROWS
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:  # a line cut by a kill mid-write
            continue
    return rows


def record_interrupted(out: Path) -> list[str]:
    """Give every earlier run that has a log but no run row (it was killed) an `interrupted` row.
    Call under the run lock. Returns their run ids."""
    runs_dir = out / RUNS_DIR
    if not runs_dir.is_dir():
        return []
    finished = {r.get("run_id") for r in read_rows(out)}
    found = []
    for log in sorted(runs_dir.glob("*.jsonl")):
        run_id = log.stem
        if log.name == RUN_ROWS or run_id in finished:
            continue
        events = []
        for line in log.read_text(encoding="utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        start = next((e for e in events if e.get("event") == "run_started"), {})
        reports = [e for e in events if e.get("event") == "report"]
        counts = {s: sum(r.get("status") == s for r in reports) for s in ("ok", "quarantined", "failed")}
        append_row(runs_dir, {
            "run_id": run_id, "status": "interrupted", "started_at": start.get("ts"),
            "finished_at": None, "last_event_at": events[-1]["ts"] if events else None,
            "pipeline_version": start.get("pipeline_version"), "inputs": start.get("inputs"),
            "todo": start.get("todo"), **counts, "pages": sum(r.get("page_count") or 0 for r in reports),
            **durations(reports),
        })
        found.append(run_id)
    return found
