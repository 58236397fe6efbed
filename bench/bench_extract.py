"""Benchmark read_document: pages per second for each corpus PDF, the slowest page, and peak RSS
over batches of copies (20 vs 200 files) to show memory stays flat.

    .venv/bin/python bench/bench_extract.py [--corpus DIR] [--small 20] [--large 200] [--pdfplumber-only]

--pdfplumber-only turns off the pypdfium2 fast path for text-only pages (the before/after baseline).

Each batch runs in a fresh child process so its peak RSS (ru_maxrss) is its own.
"""
from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from extract import ExtractError, document, read_document  # noqa: E402
from extract.document import _read_page  # noqa: E402
from extract.settings import DEFAULT  # noqa: E402


def per_pdf(pdf: Path) -> dict:
    t0 = time.perf_counter()
    doc = read_document(pdf)
    elapsed = time.perf_counter() - t0
    slowest = 0.0
    with pdfplumber.open(pdf) as handle:  # per-page timing of the same work read_document does
        for number, page in enumerate(handle.pages, 1):
            t = time.perf_counter()
            _read_page(page, number, DEFAULT)
            slowest = max(slowest, time.perf_counter() - t)
            page.close()
    return {
        "file": pdf.name, "pages": doc.page_count, "tables": len(doc.tables), "seconds": round(elapsed, 2),
        "pages_per_s": round(doc.page_count / elapsed, 1), "slowest_page_s": round(slowest, 2),
    }


def batch(files: list[str]) -> dict:
    t0 = time.perf_counter()
    pages = 0
    for f in files:
        try:
            pages += read_document(f).page_count
        except ExtractError:
            pass
    return {
        "files": len(files), "pages": pages, "seconds": round(time.perf_counter() - t0, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_batch_in_child(pdfs: list[Path], n: int, flags: list[str]) -> dict:
    files = [str(p) for p in itertools.islice(itertools.cycle(pdfs), n)]
    out = subprocess.run(
        [sys.executable, __file__, "--child", *flags], input=json.dumps(files), capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--small", type=int, default=20)
    ap.add_argument("--large", type=int, default=200)
    ap.add_argument("--pdfplumber-only", action="store_true", help="read every page with pdfplumber")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pdfplumber_only:
        document._open_pdfium = lambda path: None  # no PDFium document: every page takes the old path
    if args.child:
        print(json.dumps(batch(json.loads(sys.stdin.read()))))
        return
    pdfs = sorted(args.corpus.glob("*.pdf"))
    print(f"{'file':48} {'pages':>5} {'tables':>6} {'s':>6} {'pages/s':>8} {'slowest page s':>15}")
    for pdf in pdfs:
        r = per_pdf(pdf)
        print(f"{r['file']:48} {r['pages']:5} {r['tables']:6} {r['seconds']:6} {r['pages_per_s']:8} {r['slowest_page_s']:15}")
    flags = ["--pdfplumber-only"] if args.pdfplumber_only else []
    small = run_batch_in_child(pdfs, args.small, flags)
    large = run_batch_in_child(pdfs, args.large, flags)
    growth = (large["peak_rss_mb"] - small["peak_rss_mb"]) / small["peak_rss_mb"] * 100
    for r in (small, large):
        print(f"batch of {r['files']:4} files: {r['pages']:5} pages in {r['seconds']:7} s, peak RSS {r['peak_rss_mb']} MB")
    print(f"peak RSS growth {args.small} → {args.large} files: {growth:+.1f}% ({'flat' if abs(growth) <= 20 else 'NOT flat'})")


if __name__ == "__main__":
    main()
