"""One report: file in, rows and checks out. Pure apart from reading the file."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from extract import read_document
from extract.errors import ExtractError
from normalize.document import normalize_document
from normalize.rows import ReportRows
from pipeline import __version__
from pipeline.manifest import file_sha256  # noqa: F401 (also imported from here)
from pipeline.runlog import one_line
from validate import validate_report
from validate.acceptance import apply_acceptances
from validate.result import CheckResult


@dataclass
class ReportResult:
    rows: ReportRows
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def report(self) -> dict:
        return self.rows.report

    @property
    def status(self) -> str:
        return self.report["status"]


def _report_row(path: Path, sha: str | None) -> dict:
    return {
        "report_id": sha[:16] if sha else hashlib.sha256(str(path).encode()).hexdigest()[:16],
        "source_path": str(path),
        "file_sha256": sha,
        "status": "failed",
        "pipeline_version": __version__,
        "ingested_at": datetime.now(timezone.utc),
    }


def failed(path: str | Path, error: str, sha256: str | None = None) -> ReportResult:
    """A failed report for `path` with a one-line reason (timeouts, dead workers, unreadable files)."""
    report = _report_row(Path(path), sha256)
    report["error"] = " ".join(error.split())
    return ReportResult(ReportRows(report))


def process(path: str | Path, acceptances: list[dict] | None = None,
            sha256: str | None = None) -> ReportResult:
    """Extract, normalize and validate one PDF. Never raises: failures become a failed report.

    `sha256` skips hashing the file again when the caller already has its hash.
    """
    path = Path(path)
    started = time.perf_counter()
    try:
        sha = sha256 or file_sha256(path)
    except OSError as exc:
        return failed(path, f"cannot read file: {exc.strerror or exc}")
    report = _report_row(path, sha)
    try:
        doc = read_document(path)
        rows = normalize_document(doc, report)
        checks = validate_report(rows, doc)
        checks = apply_acceptances(checks, acceptances or [], report["report_id"])
    except Exception as exc:  # one bad file must never stop the batch
        # an ExtractError's message starts with the path, which is in source_path already
        report["error"] = f"{exc.kind}: {exc.reason}" if isinstance(exc, ExtractError) else one_line(exc)
        report["seconds"] = time.perf_counter() - started
        return ReportResult(ReportRows(report))
    blocking = [c for c in checks if c.severity == "error" and c.passed is False and not c.accepted]
    report = rows.report
    report["status"] = "quarantined" if blocking else "ok"
    if blocking:
        report["error"] = "; ".join(f"{c.check}: {c.message}" for c in blocking[:3])
        if len(blocking) > 3:
            report["error"] += f"; … and {len(blocking) - 3} more failed error checks"
    report["n_checks_failed"] = sum(c.passed is False for c in checks)
    report["seconds"] = time.perf_counter() - started
    return ReportResult(rows, checks)
