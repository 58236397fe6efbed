"""Where a report's time goes, per stage and per function, on the real text PDFs of the corpus
(../shared/corpus and ../shared/corpus/real; scans are left out: OCR has bench_ocr.py).

Stages are timed around the calls process() and the worker make (extract.read_document,
normalize_document, validate_report, the Parquet writes), in one process, CPU seconds; then
cProfile over the same loop names the functions.

    .venv/bin/python bench/profile_stages.py [--top 25] [--files N]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from extract import read_document  # noqa: E402
from normalize.document import normalize_document  # noqa: E402
from pipeline.process import ReportResult, _report_row, file_sha256  # noqa: E402
from pipeline.worker import land  # noqa: E402
from validate import validate_report  # noqa: E402
from validate.gx_suites import warm_up  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def text_pdfs() -> list[Path]:
    found = sorted(CORPUS.glob("*.pdf")) + sorted((CORPUS / "real").glob("*.pdf"))
    return [p for p in found if "scanned" not in p.name]


def one(path: Path, out: Path, times: dict[str, float]) -> int:
    def timed(stage, fn, *args):
        started = time.process_time()
        value = fn(*args)
        times[stage] = times.get(stage, 0.0) + time.process_time() - started
        return value

    report = _report_row(path, file_sha256(path))
    doc = timed("extract", read_document, path)
    rows = timed("normalize", normalize_document, doc, report)
    checks = timed("validate", validate_report, rows, doc)
    rows.report["status"] = "ok"
    timed("write", land, out, ReportResult(rows, checks))
    return doc.page_count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--files", type=int, default=0, help="only the first N files")
    args = ap.parse_args()
    pdfs = text_pdfs()[: args.files or None]
    warm_up()
    out = Path(tempfile.mkdtemp(prefix="profile-stages-"))
    times: dict[str, float] = {}
    pages = sum(one(p, out, times) for p in pdfs)
    total = sum(times.values())
    print(f"{len(pdfs)} text PDFs, {pages} pages, {total:.1f} CPU s ({pages / total:.1f} pages per CPU s)")
    for stage, secs in times.items():
        print(f"  {stage:10s} {secs:7.2f} s  {100 * secs / total:5.1f}%")
    prof = cProfile.Profile()
    prof.enable()
    for p in pdfs:
        one(p, out, {})
    prof.disable()
    text = io.StringIO()
    stats = pstats.Stats(prof, stream=text)
    stats.sort_stats("tottime").print_stats(args.top)
    # our own functions by cumulative time: which step of which stage holds the time above
    ours = r"/(extract|normalize|validate|pipeline)/\w+\.py|pdfplumber/(page|pdf)\.py"
    stats.sort_stats("cumulative").print_stats(ours, args.top)
    print(text.getvalue())


if __name__ == "__main__":
    main()
