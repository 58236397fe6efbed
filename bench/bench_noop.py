"""A nightly re-run where nothing changed: 1,000 tiny distinct PDFs are made once in a temp folder
and ingested once, then the same command is timed again (the whole process, as cron runs it).
Target: under 1.5 s for 1,000 unchanged inputs.

    .venv/bin/python bench/bench_noop.py [--n 1000] [--repeat 5] [--workers 2] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tiny_pdf(n: int) -> bytes:
    """One A4 page saying which report it is: distinct bytes, so distinct report ids."""
    return one_page_pdf(b"BT /F1 12 Tf 72 760 Td (Report %d of the no-op benchmark) Tj ET" % n)


def one_page_pdf(operators: bytes) -> bytes:
    """An A4 page drawing `operators` (Helvetica as /F1), as a whole PDF file."""
    content = zlib.compress(operators)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def ingest(inbox: Path, out: Path, workers: int) -> tuple[float, int, float]:
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(inbox), "--out", str(out),
           "--workers", str(workers), "--no-progress"]
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    started, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if proc.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds, proc.returncode, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="reuse / keep inputs and outputs in this folder")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-noop-"))
    inbox, out = base / "in", base / "out"
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(args.n):
        p = inbox / f"report-{i:05}.pdf"
        if not p.exists():
            p.write_bytes(tiny_pdf(i))
    first, code, _ = ingest(inbox, out, args.workers)
    print(f"first ingest of {args.n} inputs: {first:.1f} s (exit {code})")
    runs = [ingest(inbox, out, args.workers) for _ in range(args.repeat)]
    times, cpus = [r[0] for r in runs], [r[2] for r in runs]
    print(f"no-op re-run over {args.n} unchanged inputs, whole process, {args.repeat} runs:"
          f" median {statistics.median(times):.2f} s wall, min {min(times):.2f} s, max {max(times):.2f} s"
          f" (target < 1.5 s); {statistics.median(cpus):.2f} s CPU; load average"
          f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"inputs and outputs in {base}")


if __name__ == "__main__":
    main()
