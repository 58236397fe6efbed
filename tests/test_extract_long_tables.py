"""Long documents: reading a page costs the same on page 140 as on page 10 (issue 15).

The PDF is generated here: one ruled table of `ROWS_PER_PAGE` data rows per page under a header
row that every continuation page repeats, so stitching joins all pages into one table. Times are
CPU seconds of this process (other processes on the machine do not count) and compared as a ratio
in one run, never against an absolute budget.
"""
from __future__ import annotations

import gc
import time
import zlib
from pathlib import Path

import pytest

from extract import read_document
from pdf_gen import serialize

PAGE_W, PAGE_H = 595.0, 842.0
ROWS_PER_PAGE = 34
COLUMNS = (50.0, 170.0, 270.0, 370.0, 460.0, 545.0)  # x of the vertical rules
HEADER = ("Item", "Budget", "Spent", "Balance", "Code")
ROW_H = 20.0
TABLE_TOP = 62.0  # points from the top; the caption line sits above it on page 1


def _row_texts(n: int) -> tuple[str, ...]:
    """Data row n (0-based over the whole document): distinct text, real-looking numbers."""
    budget = 1000 + 37 * n
    spent = 600 + 23 * n
    return (f"Line item {n + 1}", f"{budget:,}.00", f"{spent:,}.50", f"{budget - spent - 1:,}.50", f"C{n % 97:02d}")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(page: int) -> bytes:
    """One page: the table's rules, the header row, ROWS_PER_PAGE data rows (PDF y grows upwards)."""
    rows = [HEADER] + [_row_texts(page * ROWS_PER_PAGE + k) for k in range(ROWS_PER_PAGE)]
    top = PAGE_H - TABLE_TOP
    bottom = top - ROW_H * len(rows)
    ops = ["0.6 w"]
    for k in range(len(rows) + 1):
        y = top - ROW_H * k
        ops.append(f"{COLUMNS[0]} {y:.2f} m {COLUMNS[-1]} {y:.2f} l S")
    for x in COLUMNS:
        ops.append(f"{x} {top:.2f} m {x} {bottom:.2f} l S")
    if page == 0:
        ops.append(f"BT /F1 12 Tf {COLUMNS[0]} {top + 20:.2f} Td (Budget table of the long report) Tj ET")
    for k, texts in enumerate(rows):
        y = top - ROW_H * (k + 1) + 6
        for x, text in zip(COLUMNS, texts):
            ops.append(f"BT /F1 9 Tf {x + 4:.2f} {y:.2f} Td ({_escape(text)}) Tj ET")
    return "\n".join(ops).encode("ascii")


def write_long_pdf(path: Path, pages: int) -> int:
    """A PDF of `pages` pages holding one table; returns the number of rows it prints once
    (the header, then every data row)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in range(pages):
        data = zlib.compress(_page_stream(page))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (PAGE_W, PAGE_H, content)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    path.write_bytes(serialize(objects))
    return 1 + pages * ROWS_PER_PAGE


def _cpu_seconds(path: Path, runs: int = 2):
    """Least CPU time of `runs` reads (a shared machine adds spikes, never takes time away)."""
    best, doc = float("inf"), None
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        doc = read_document(path, ocr_page=None)
        best = min(best, time.process_time() - start)
    return best, doc


@pytest.fixture(scope="module")
def long_pdfs(tmp_path_factory) -> dict[int, tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("long")
    return {n: (folder / f"long-{n}.pdf", write_long_pdf(folder / f"long-{n}.pdf", n)) for n in (5, 50, 150)}


def test_generated_table_reads_back(long_pdfs):
    path, rows = long_pdfs[5]
    doc = read_document(path, ocr_page=None)
    assert doc.page_count == 5
    [table] = doc.tables
    assert (table.page_start, table.page_end, table.n_rows, table.n_cols) == (1, 5, rows, 5)
    grid = table.text_grid()
    assert grid[0] == list(HEADER)
    assert grid[1] == list(_row_texts(0))
    assert grid[-1] == list(_row_texts(5 * ROWS_PER_PAGE - 1))
    assert sum(r == list(HEADER) for r in grid) == 1  # the repeated header rows were dropped


@pytest.mark.slow
def test_per_page_cost_does_not_grow_with_length(long_pdfs):
    """A page of the 150-page table costs at most 1.5× a page of the 50-page one (a step that grew
    with the length would make it 3×). Averages, not differences of two timings: a spike on a
    shared machine moves a difference of two short timings far more."""
    read_document(long_pdfs[5][0], ocr_page=None)  # imports and first-use costs out of the way
    t50, _ = _cpu_seconds(long_pdfs[50][0], runs=3)
    t150, doc = _cpu_seconds(long_pdfs[150][0], runs=3)
    short, long = t50 / 50, t150 / 150
    assert long <= 1.5 * short, f"per page: 50 pages {short * 1000:.1f} ms, 150 pages {long * 1000:.1f} ms"

    [table] = doc.tables  # and the one table kept every row over 150 pages
    rows = long_pdfs[150][1]
    assert (table.page_start, table.page_end, table.n_rows) == (1, 150, rows)
    grid = table.text_grid()
    assert grid[-1] == list(_row_texts(150 * ROWS_PER_PAGE - 1))
    assert [r[0] for r in grid[1:]] == [f"Line item {n + 1}" for n in range(rows - 1)]
