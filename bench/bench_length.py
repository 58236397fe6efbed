"""Benchmark read_document against document length: pages per second at 10, 50, 100, 300 pages.

    .venv/bin/python bench/bench_length.py [--corpus DIR] [--lengths 10 50 100 300]

Two documents of each length are built from real corpus pages with PDFium (page import, the
pages are byte-for-byte the published ones):
- budget: the Putuo final accounts' 25 pages over and over, a long real-like budget (many tables,
  a few continuing onto a second page);
- long table: Putuo's 一般公共预算财政拨款基本支出决算表 page (16) and then its continuation page
  (17, 22 rows) repeated, so one table is stitched over every page: the case issue 15 found
  quadratic.
Pages per second must not fall with length. Pages/s is per CPU second of this process (the
machine is shared: wall time also counts other processes); wall seconds are shown too.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from extract import read_document  # noqa: E402

PUTUO = "putuo-2024-finance-bureau-final-accounts.pdf"
TABLE_START, TABLE_CONTINUED = 16, 17  # 1-based pages of Putuo's 一般公共预算财政拨款基本支出决算表


def build(source: Path, pages: list[int], out: Path) -> Path:
    """A PDF of the given 1-based pages of `source`, in that order (repeats allowed)."""
    src = pdfium.PdfDocument(str(source))
    new = pdfium.PdfDocument.new()
    try:
        for page in pages:  # one at a time: import_pages copies each listed page once
            new.import_pages(src, pages=[page - 1])
        new.save(str(out))
    finally:
        new.close()
        src.close()
    return out


def layouts(n_source: int, n: int) -> dict[str, list[int]]:
    return {
        "budget": list(itertools.islice(itertools.cycle(range(1, n_source + 1)), n)),
        "long table": [TABLE_START] + [TABLE_CONTINUED] * (n - 1),
    }


def measure(path: Path) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    doc = read_document(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "pages": doc.page_count, "seconds": wall, "cpu": cpu, "tables": len(doc.tables),
        "longest_rows": max((t.n_rows for t in doc.tables), default=0),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--lengths", type=int, nargs="+", default=[10, 50, 100, 300])
    args = ap.parse_args()
    source = args.corpus / PUTUO
    n_source = len(pdfium.PdfDocument(str(source)))
    read_document(source)  # imports and first-use costs out of the way
    print("| document | pages | tables | longest table rows | CPU s (wall s) | pages/s |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.lengths:
            for name, pages in layouts(n_source, n).items():
                path = build(source, pages, Path(tmp) / f"{name.replace(' ', '-')}-{n}.pdf")
                r = measure(path)
                path.unlink()
                print(f"| {name} | {r['pages']} | {r['tables']} | {r['longest_rows']} | "
                      f"{r['cpu']:.1f} ({r['seconds']:.1f}) | {r['pages'] / r['cpu']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
