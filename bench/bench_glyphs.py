"""Cost of one page against the glyphs on it: read_document on a page of n one-glyph text objects
(and one ruled line, as table pages have), for growing n. Linear means the CPU µs per glyph stay
flat. PDFium reads such a page (extract/pdfium/glyphs.py); a page pdfminer must read (say it holds a
Bézier curve: --curve) costs far more per glyph.

    .venv/bin/python bench/bench_glyphs.py [--glyphs 15000 30000 60000 120000] [--curve]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_noop import one_page_pdf  # noqa: E402

from extract import read_document  # noqa: E402


def dust(n: int, curve: bool) -> bytes:
    rule = b"0.5 w 20 10 m 100 30 200 30 300 10 c S" if curve else b"0.5 w 20 10 m 300 10 l S"
    glyphs = (b"BT /F1 2 Tf %d %d Td (x) Tj ET" % (20 + (i % 280) * 2, 20 + (i // 280) % 400 * 2)
              for i in range(n))
    return one_page_pdf(b"\n".join([rule, *glyphs]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--glyphs", type=int, nargs="+", default=[15_000, 30_000, 60_000, 120_000])
    ap.add_argument("--curve", action="store_true", help="draw a Bézier curve: pdfminer reads the page")
    args = ap.parse_args()
    print("| glyphs | CPU s | µs per glyph | lines |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.glyphs:
            path = Path(tmp) / f"dust-{n}.pdf"
            path.write_bytes(dust(n, args.curve))
            started = time.process_time()
            doc = read_document(path, ocr_page=None)
            cpu = time.process_time() - started
            print(f"| {n:,} | {cpu:.2f} | {1e6 * cpu / n:.1f} | {len(doc.lines)} |", flush=True)


if __name__ == "__main__":
    main()
