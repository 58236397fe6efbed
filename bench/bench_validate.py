"""Validation time against extraction time on the Putuo 2024 final accounts (25 pages).

The goal: validating a report adds under 20% to its extraction time. GX's import and setup are
paid once per process (gx_suites.warm_up) and reported apart. Rows come from the real normalizer;
while it does not yet turn 决算 tables into budget lines, the tests' grid reader stands in so that
every table check has its real load.

    .venv/bin/python bench/bench_validate.py [--runs 5] [--pdf PATH]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from extract.document import read_document  # noqa: E402
from normalize.document import normalize_document  # noqa: E402
from validate import gx_suites, validate_report  # noqa: E402

PUTUO = ROOT.parent / "shared/corpus/putuo-2024-finance-bureau-final-accounts.pdf"
GOAL = 0.20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pdf", type=Path, default=PUTUO)
    args = ap.parse_args()

    started = time.perf_counter()
    gx_suites.warm_up()
    warm = time.perf_counter() - started

    extract_times, validate_times = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        doc = read_document(args.pdf)
        extract_times.append(time.perf_counter() - t)
    rows = normalize_document(doc, {"report_id": "bench", "source_path": str(args.pdf)})
    source = "normalize"
    if not rows.budget_lines["table_title"].fillna("").str.contains("决算表|决算总表").any():
        from test_validate_budget_table import grid_lines  # stand-in until normalize emits 决算 lines
        rows.budget_lines = grid_lines(doc)
        source = "tests' grid reader"
    for _ in range(args.runs):
        t = time.perf_counter()
        results = validate_report(rows, doc)
        validate_times.append(time.perf_counter() - t)

    ext, val = statistics.median(extract_times), statistics.median(validate_times)
    print(f"{args.pdf.name}: {doc.page_count} pages, {len(rows.budget_lines)} budget lines ({source}), "
          f"{len(results)} checks, {sum(not r.passed for r in results)} failed")
    print(f"GX import + setup, once per process: {warm:.2f} s")
    print(f"extraction  (median of {args.runs}): {ext:.3f} s")
    print(f"validation  (median of {args.runs}): {val:.3f} s = {val / ext:.1%} of extraction "
          f"(goal < {GOAL:.0%}: {'met' if val / ext < GOAL else 'NOT met'})")


if __name__ == "__main__":
    main()
