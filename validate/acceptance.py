"""A reviewer's decision that a failed check is the publisher's own error: recorded under --out,
applied on the next run so the report lands with the check kept as failed-and-accepted."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from validate.result import CheckResult

ACCEPTANCES_FILE = "accepted_checks.jsonl"


def record_acceptance(out_dir: str | os.PathLike, report_id: str, check: str, reason: str,
                      table_id: str | None = None, page: int | None = None) -> dict:
    """Append one acceptance to `<out_dir>/accepted_checks.jsonl` (rewritten atomically) and return it."""
    if not report_id or not check:
        raise ValueError("an acceptance needs a report id and a check name")
    if not reason or not reason.strip():
        raise ValueError("an acceptance needs a reason (who confirmed what)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    entry = {"report_id": report_id, "check": check, "table_id": table_id,
             "page": None if page is None else int(page), "reason": reason.strip(),
             "accepted_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    path = out / ACCEPTANCES_FILE
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".accepted-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(existing + json.dumps(entry, ensure_ascii=False) + "\n")
        os.replace(tmp, path)  # readers see the old file or the new one, never half of it
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return entry


def load_acceptances(out_dir: str | os.PathLike) -> list[dict]:
    """Every recorded acceptance under `out_dir` (none when the file does not exist)."""
    path = Path(out_dir) / ACCEPTANCES_FILE
    if not path.exists():
        return []
    entries = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{n}: not a JSON line ({e.msg})") from None
    return entries


def _matches(entry: dict, result: CheckResult, report_id: str) -> bool:
    if entry.get("report_id") != report_id or entry.get("check") != result.check:
        return False
    # A table or page given when accepting narrows the acceptance to that failure.
    if entry.get("table_id") is not None and entry["table_id"] != result.table_id:
        return False
    if entry.get("page") is not None and entry["page"] != result.page:
        return False
    return True


def apply_acceptances(results: list[CheckResult], acceptances: list[dict],
                      report_id: str) -> list[CheckResult]:
    """The results with every accepted failure marked `accepted=True` (it no longer blocks)."""
    mine = [a for a in acceptances if a.get("report_id") == report_id]
    if not mine:
        return list(results)
    return [replace(r, accepted=True) if r.passed is False and any(_matches(a, r, report_id) for a in mine)
            else r for r in results]
