"""Checks per document of an ingest, as the README's table prints them.

    .venv/bin/python bench/checks_by_document.py OUT

OUT is an ingest output folder. One row per report (landed and quarantined): checks run, passed,
failed, not applied (passed null), the failed error checks that quarantine it, and its status; a
last row sums them. Markdown on stdout."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def _read(out: Path, dataset: str) -> pd.DataFrame:
    frames = [pd.read_parquet(root / dataset) for root in (out, out / "quarantine") if (root / dataset).is_dir()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def table(out: Path) -> str:
    reports, checks = _read(out, "reports"), _read(out, "checks")
    checks = checks.merge(reports[["report_id", "source_path"]], on="report_id")
    rows = []
    for r in reports.sort_values("source_path").itertuples():
        c = checks[checks.report_id == r.report_id]
        rows.append((Path(r.source_path).name, len(c), int((c.passed == True).sum()),  # noqa: E712
                     int((c.passed == False).sum()), int(c.passed.isna().sum()),  # noqa: E712
                     int(((c.passed == False) & (c.severity == "error")).sum()), r.status))  # noqa: E712
    total = ("all", *(sum(x[i] for x in rows) for i in range(1, 6)), "")
    lines = ["| document | run | passed | failed | not applied | failed errors | status |",
             "|---|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {d} | {a} | {b} | {c} | {n} | {e} | {s} |" for d, a, b, c, n, e, s in [*rows, total]]
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(Path(sys.argv[1])))
