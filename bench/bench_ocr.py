"""Benchmark OCR of scanned pages: seconds per scanned page on one core, split into stages.

    .venv/bin/python bench/bench_ocr.py [PDF ...] [--pages N] [--runs N] [--no-fold]

Without arguments it scans the seed sample (image-only copy, as tests/test_extract_ocr.py makes
it) and times every page. Stages per page: render (pdfium, 200 dpi), text detection,
recognition, and the rest (straighten, find rules, grid and lines); plus the one-off model load.
onnxruntime runs with one thread (ExtractSettings.ocr_threads), as in a batch worker. With
--runs N every PDF is read N times and each page's stage keeps its fastest run (CPU seconds; the
machine is shared, so the minimum is the least disturbed); the summary gives, per stage, the
mean over pages of those minima and of the medians. --no-fold runs the models as rapidocr ships
them (without extract.ocr.engine.fold_affine_chains), for a before/after on the same pages.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pdfplumber  # noqa: E402

from extract.ocr import engine as ocr_engine  # noqa: E402
from extract.ocr import page as ocr_mod  # noqa: E402
from extract.ocr.grid import PageFrame  # noqa: E402
from extract.settings import DEFAULT  # noqa: E402


class TimedEngine:
    """The process engine, with the time spent detecting and reading recorded."""

    def __init__(self, inner) -> None:
        self.inner, self.detect_s, self.read_s, self.boxes = inner, 0.0, 0.0, 0

    def detect(self, image):
        t = time.process_time()
        out = self.inner.detect(image)
        self.detect_s += time.process_time() - t
        return out

    def read(self, image, boxes):
        t = time.process_time()
        out = self.inner.read(image, boxes)
        self.read_s += time.process_time() - t
        self.boxes += len(boxes)
        return out


STAGES = ("cpu_s", "render_s", "detect_s", "read_s", "rest_s")


def bench(pdf: Path, max_pages: int | None, engine) -> list[dict]:
    rows = []
    with pdfplumber.open(pdf) as handle:
        for number, page in enumerate(handle.pages, 1):
            if max_pages and number > max_pages:
                break
            t0, c0 = time.perf_counter(), time.process_time()
            gray = ocr_mod.render_page(page, DEFAULT.ocr_dpi)
            render = time.process_time() - c0
            x0, top, x1, _ = (float(v) for v in page.bbox)
            timed = TimedEngine(engine)
            lines, tables = ocr_mod.read_image(gray, number, PageFrame((x1 - x0) / gray.shape[1], x0, top), DEFAULT, timed)
            cpu = time.process_time() - c0
            rows.append({
                "page": number, "wall_s": time.perf_counter() - t0, "cpu_s": cpu, "render_s": render,
                "detect_s": timed.detect_s, "read_s": timed.read_s,
                "rest_s": cpu - render - timed.detect_s - timed.read_s,
                "boxes": timed.boxes, "lines": len(lines), "cells": sum(len(t.cells) for t in tables),
            })
            page.close()
    return rows


def fastest(runs: list[list[dict]]) -> tuple[list[dict], list[dict]]:
    """Per page, each stage's minimum and median over runs (the runs read the same pages)."""
    mins, medians = [], []
    for pages in zip(*runs):
        mins.append({**pages[0], **{k: min(p[k] for p in pages) for k in STAGES + ("wall_s",)}})
        medians.append({**pages[0], **{k: statistics.median(p[k] for p in pages) for k in STAGES + ("wall_s",)}})
    return mins, medians


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages of each PDF")
    parser.add_argument("--runs", type=int, default=1, help="read every PDF N times; report min and median")
    parser.add_argument("--no-fold", action="store_true", help="the models as bundled, not folded")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    engine = ocr_engine.engine(DEFAULT.ocr_threads, fold=not args.no_fold)
    print(f"model load: {time.perf_counter() - t:.2f} s (once per process); "
          f"folded sessions: {getattr(engine, 'folded', 0)}; runs: {args.runs}")
    pdfs = args.pdfs
    tmp = None
    if not pdfs:
        from test_extract_ocr import make_scan

        tmp = tempfile.TemporaryDirectory()
        pdfs = [make_scan(ROOT / "samples" / "hongqiao-2024-unit-self-evaluation.pdf", Path(tmp.name) / "seed-scan.pdf")]
    all_mins, all_medians = [], []
    for pdf in pdfs:
        mins, medians = fastest([bench(pdf, args.pages, engine) for _ in range(max(1, args.runs))])
        all_mins += mins
        all_medians += medians
        print(f"\n{pdf.name} (per page, fastest run)")
        print(f"{'page':>4} {'wall':>6} {'cpu':>6} {'render':>6} {'detect':>6} {'read':>6} {'rest':>6} {'boxes':>5} {'cells':>5}")
        for r in mins:
            print(f"{r['page']:>4} {r['wall_s']:6.2f} {r['cpu_s']:6.2f} {r['render_s']:6.2f} {r['detect_s']:6.2f} "
                  f"{r['read_s']:6.2f} {r['rest_s']:6.2f} {r['boxes']:>5} {r['cells']:>5}")
        print(summary(mins, medians))
    if len(pdfs) > 1:
        print(f"\nall {len(pdfs)} PDFs\n" + summary(all_mins, all_medians))
    if tmp is not None:
        tmp.cleanup()
    return 0


def summary(mins: list[dict], medians: list[dict]) -> str:
    """Seconds per scanned page (one core), per stage: mean over pages of the per-page minimum
    and median over runs."""
    names = {"cpu_s": "total", "render_s": "render", "detect_s": "detect", "read_s": "read", "rest_s": "rest"}
    cells = [f"{names[k]} {statistics.mean(r[k] for r in mins):.2f}/{statistics.mean(r[k] for r in medians):.2f}"
             for k in STAGES]
    return (f"seconds per scanned page (one core, CPU, min/median over runs) over {len(mins)} pages: "
            + ", ".join(cells) + f"; slowest page {max(r['cpu_s'] for r in mins):.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
