"""Batch benchmark on the same PDFs, in one run: our end-to-end ingest (extract + normalize +
validate + Parquet) against a plain pdfplumber loop calling extract_tables() on every page, and
camelot lattice when it can be imported.

    .venv/bin/python bench/bench_batch.py [PDF or folder ...] [--copies 3] [--workers 2]
        [--camelot-python /path/to/python-with-camelot] [--json results.json]

Default inputs: the corpus PDFs and samples/. Each contender runs in its own child process, started
cold (imports, pools and Great Expectations included: that is what a nightly run pays), while this
process samples the resident memory of the child's whole process tree; pages/s is total pages over
wall-clock seconds. --copies repeats the inputs (as separate paths) for a longer batch.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil
import pypdfium2

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE_EVERY_S = 0.05  # RSS sampling period

PLAIN_PDFPLUMBER = textwrap.dedent("""
    import sys, pdfplumber
    for path in sys.argv[1:]:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
""")

CAMELOT_LATTICE = textwrap.dedent("""
    import sys, camelot
    for path in sys.argv[1:]:
        try:
            camelot.read_pdf(path, pages="all", flavor="lattice")
        except Exception as exc:  # count the pages anyway; note the failure
            print(f"camelot failed on {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
""")


def find_inputs(paths: list[Path]) -> list[Path]:
    found = []
    for p in paths:
        found += sorted(q for q in p.rglob("*.pdf")) if p.is_dir() else [p]
    return found


def page_count(path: Path) -> int:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run cmd; wall seconds, and CPU seconds and peak RSS summed over its whole process tree
    (sampled every SAMPLE_EVERY_S: pool workers are children of a fork server that the command
    never waits for, so getrusage would miss them)."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    peak, cpu = 0, {}
    while child.poll() is None:
        total = 0
        try:
            tree = [proc, *proc.children(recursive=True)]
        except psutil.Error:
            tree = []
        for p in tree:
            try:
                with p.oneshot():
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        peak = max(peak, total)
        time.sleep(SAMPLE_EVERY_S)
    seconds = time.perf_counter() - started
    err = child.stderr.read() if child.stderr else ""
    return {"seconds": seconds, "cpu_seconds": sum(cpu.values()), "peak_rss_mb": peak / 2**20,
            "exit": child.returncode, "stderr_tail": err.strip().splitlines()[-3:]}


def has_module(python: str, module: str) -> bool:
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[CORPUS, ROOT / "samples"])
    ap.add_argument("--copies", type=int, default=1, help="repeat the inputs this many times")
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--camelot-python", default=sys.executable,
                    help="a Python with camelot-py installed (it pins its own pdfminer.six)")
    ap.add_argument("--skip", action="append", default=[],
                    help="contenders to leave out: ours, ours1, plain, camelot")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    pdfs = find_inputs(args.paths)
    pages = sum(page_count(p) for p in pdfs) * args.copies
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        inputs = []
        for c in range(args.copies):  # links, so each copy is its own input path
            for p in pdfs:
                link = tmp / "in" / f"copy{c}" / p.name
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(p.resolve())
                inputs.append(str(link))
        py = sys.executable
        contenders = {
            "ours": (f"ours: ingest, {args.workers} workers",
                     [py, "-m", "pipeline", "ingest", *inputs, "--out", str(tmp / "out"),
                      "--workers", str(args.workers), "--no-progress"]),
            "ours1": ("ours: ingest, 1 worker",
                      [py, "-m", "pipeline", "ingest", *inputs, "--out", str(tmp / "out1"),
                       "--workers", "1", "--no-progress"]),
            "plain": ("pdfplumber extract_tables() loop", [py, "-c", PLAIN_PDFPLUMBER, *inputs]),
            "camelot": ("camelot lattice", [args.camelot_python, "-c", CAMELOT_LATTICE, *inputs]),
        }
        results = []
        for key, (label, cmd) in contenders.items():
            if key in args.skip:
                continue
            if key == "camelot" and not has_module(args.camelot_python, "camelot"):
                print(f"skipped {label}: camelot not importable with {args.camelot_python}", file=sys.stderr)
                continue
            print(f"running {label} …", file=sys.stderr, flush=True)
            r = measure(cmd, ROOT)
            r.update(contender=label, pages=pages, pages_per_s=pages / r["seconds"])
            results.append(r)

    base = next((r for r in results if r["contender"].startswith("pdfplumber")), None)
    load = os.getloadavg()[0]
    print(f"\n{len(pdfs)} PDFs × {args.copies} = {len(inputs)} inputs, {pages} pages; "
          f"{os.cpu_count()} cores; load average {load:.1f} at the end\n")
    print("| contender | seconds | pages/s | vs plain loop | CPU s | pages per CPU s "
          "| peak RSS (MB, process tree) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ratio = f"{r['pages_per_s'] / base['pages_per_s']:.2f}×" if base else "–"
        note = "" if r["exit"] in (0, 1) else f" (exit {r['exit']})"
        print(f"| {r['contender']}{note} | {r['seconds']:.1f} | {r['pages_per_s']:.2f} | {ratio} "
              f"| {r['cpu_seconds']:.1f} | {pages / r['cpu_seconds']:.2f} | {r['peak_rss_mb']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
