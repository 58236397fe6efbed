"""Batch benchmark on the same PDFs, in one run: our end-to-end ingest (extract + normalize +
validate + Parquet) against a plain pdfplumber loop calling extract_tables() on every page, and
camelot lattice when it can be imported.

    .venv/bin/python bench/bench_batch.py [PDF or folder ...] [--copies 3] [--workers 2] [--rounds 2]
        [--camelot-python /path/to/python-with-camelot] [--json results.json]

Default inputs: the corpus's real text PDFs (../shared/corpus and ../shared/corpus/real, scans
left out: OCR has bench_ocr.py). Each contender runs in its own child process, started cold
(imports, pools and Great Expectations included: that is what a nightly run pays), while this
process samples the CPU time and resident memory of the child's whole process tree; pages/s is
total pages over wall-clock seconds. The contenders run interleaved, round after round (the machine
is shared: a ratio is only fair within one round); --copies repeats the inputs (as separate paths)
for a longer batch.

Besides the totals it reports where our CPU goes: the ingest's CPU split into the coordinator, the
fork server (the fixed cost: every stage imported and GX's context built once per batch) and the
workers; and, from one more child that runs the same reports in one process, each stage's CPU
seconds (extract, normalize, validate, Parquet) and the fixed cost of its imports and GX setup.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
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
SAMPLE_EVERY_S = 0.05  # CPU and RSS sampling period

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

# One process, the reports one after another, each stage timed in CPU seconds around the calls
# process() makes; "fixed" is what the process pays before its first report (imports, GX).
STAGES = textwrap.dedent("""
    import json, os, sys, tempfile, time
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    started = time.process_time()
    from pathlib import Path
    import pipeline.preload  # what the fork server loads once per batch: every stage, GX's context
    from extract import read_document
    from normalize.document import normalize_document
    from pipeline.process import ReportResult, _report_row, file_sha256
    from pipeline.worker import land
    from validate import validate_report
    times = {"fixed": time.process_time() - started}
    out = Path(tempfile.mkdtemp(prefix="bench-stages-"))
    def timed(stage, fn, *args):
        t = time.process_time()
        value = fn(*args)
        times[stage] = times.get(stage, 0.0) + time.process_time() - t
        return value
    for path in sys.argv[1:]:
        path = Path(path)
        report = timed("normalize", _report_row, path, file_sha256(path))
        doc = timed("extract", read_document, path)
        rows = timed("normalize", normalize_document, doc, report)
        checks = timed("validate", validate_report, rows, doc)
        rows.report["status"] = "ok"
        timed("write", land, out, ReportResult(rows, checks))
    print(json.dumps(times))
""")


def text_pdfs() -> list[Path]:
    """The corpus's real text PDFs (scans left out)."""
    found = sorted(CORPUS.glob("*.pdf")) + sorted((CORPUS / "real").glob("*.pdf"))
    return [p for p in found if "scanned" not in p.name]


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


def _role(p: psutil.Process, root: int) -> str:
    if p.pid == root:
        return "coordinator"
    try:  # workers are forked from the fork server, so they carry its command line too
        parent = p.parent()
        if "forkserver" in " ".join(p.cmdline()) and not (parent and "forkserver" in " ".join(parent.cmdline())):
            return "fork server"
    except psutil.Error:
        pass
    return "workers"


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run cmd; wall seconds, and CPU seconds and peak RSS summed over its whole process tree
    (sampled every SAMPLE_EVERY_S: pool workers are children of a fork server that the command
    never waits for, so getrusage would miss them), the CPU also split by role (coordinator, fork
    server, workers)."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    peak, cpu, roles = 0, {}, {}
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
                    if p.pid not in roles:
                        roles[p.pid] = _role(p, child.pid)
            except psutil.Error:
                pass
        peak = max(peak, total)
        time.sleep(SAMPLE_EVERY_S)
    seconds = time.perf_counter() - started
    out, err = child.communicate()
    by_role: dict[str, float] = {}
    for pid, secs in cpu.items():
        by_role[roles.get(pid, "workers")] = by_role.get(roles.get(pid, "workers"), 0.0) + secs
    return {"seconds": seconds, "cpu_seconds": sum(cpu.values()), "cpu_by_role": by_role,
            "peak_rss_mb": peak / 2**20, "exit": child.returncode, "stdout": out,
            "stderr_tail": err.strip().splitlines()[-3:]}


def has_module(python: str, module: str) -> bool:
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, help="PDFs or folders (default: the corpus's text PDFs)")
    ap.add_argument("--copies", type=int, default=1, help="repeat the inputs this many times")
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--rounds", type=int, default=1, help="run the contenders this many times, interleaved")
    ap.add_argument("--camelot-python", default=sys.executable,
                    help="a Python with camelot-py installed (it pins its own pdfminer.six)")
    ap.add_argument("--skip", action="append", default=[],
                    help="contenders to leave out: ours, ours1, plain, stages, camelot")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    pdfs = find_inputs(args.paths) if args.paths else text_pdfs()
    if not pdfs:
        ap.error(f"no PDFs found (the corpus is looked for in {CORPUS})")
    pages = sum(page_count(p) for p in pdfs) * args.copies
    env_py = sys.executable
    results: list[dict] = []
    stages: dict | None = None
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        inputs = []
        for c in range(args.copies):  # links, so each copy is its own input path
            for p in pdfs:
                link = tmp / "in" / f"copy{c}" / p.name
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(p.resolve())
                inputs.append(str(link))
        for rnd in range(args.rounds):
            contenders = {
                "plain": ("pdfplumber extract_tables() loop", [env_py, "-c", PLAIN_PDFPLUMBER, *inputs]),
                "ours": (f"ours: ingest, {args.workers} workers",
                         [env_py, "-m", "pipeline", "ingest", *inputs, "--out", str(tmp / f"out{rnd}"),
                          "--workers", str(args.workers), "--no-progress"]),
                "ours1": ("ours: ingest, 1 worker",
                          [env_py, "-m", "pipeline", "ingest", *inputs, "--out", str(tmp / f"out1-{rnd}"),
                           "--workers", "1", "--no-progress"]),
                "camelot": ("camelot lattice", [args.camelot_python, "-c", CAMELOT_LATTICE, *inputs]),
                "stages": ("ours: one process, per stage", [env_py, "-c", STAGES, *inputs]),
            }
            for key, (label, cmd) in contenders.items():
                if key in args.skip or (key in ("camelot", "stages") and rnd > 0):
                    continue
                if key == "camelot" and not has_module(args.camelot_python, "camelot"):
                    print(f"skipped {label}: camelot not importable with {args.camelot_python}", file=sys.stderr)
                    continue
                print(f"round {rnd + 1}: running {label} …", file=sys.stderr, flush=True)
                r = measure(cmd, ROOT)
                if key == "stages":
                    try:
                        stages = json.loads(r["stdout"].strip().splitlines()[-1])
                    except (ValueError, IndexError):
                        print(f"stages failed: {r['stderr_tail']}", file=sys.stderr)
                    continue
                r.pop("stdout", None)
                r.update(contender=label, key=key, round=rnd + 1, pages=pages, pages_per_s=pages / r["seconds"],
                         pages_per_cpu_s=pages / r["cpu_seconds"])
                results.append(r)

    load = os.getloadavg()[0]
    print(f"\n{len(pdfs)} PDFs × {args.copies} = {len(pdfs) * args.copies} inputs, {pages} pages; "
          f"{os.cpu_count()} cores; load average {load:.1f} at the end; {args.rounds} round(s), interleaved\n")
    print("| round | contender | seconds | pages/s | vs plain loop | CPU s | pages per CPU s "
          "| vs plain loop, per CPU s | fixed CPU s (coordinator + fork server) | peak RSS (MB, process tree) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ratios: dict[str, list[tuple[float, float]]] = {}
    for r in results:
        base = next((b for b in results if b["key"] == "plain" and b["round"] == r["round"]), None)
        wall = r["pages_per_s"] / base["pages_per_s"] if base else float("nan")
        per_cpu = r["pages_per_cpu_s"] / base["pages_per_cpu_s"] if base else float("nan")
        ratios.setdefault(r["contender"], []).append((wall, per_cpu))
        roles = r["cpu_by_role"]
        fixed = roles.get("coordinator", 0.0) + roles.get("fork server", 0.0) if r["key"].startswith("ours") else None
        fixed_text = f"{fixed:.1f} ({100 * fixed / r['cpu_seconds']:.0f}%)" if fixed is not None else "–"
        note = "" if r["exit"] in (0, 1) else f" (exit {r['exit']})"
        print(f"| {r['round']} | {r['contender']}{note} | {r['seconds']:.1f} | {r['pages_per_s']:.2f} | {wall:.2f}× "
              f"| {r['cpu_seconds']:.1f} | {r['pages_per_cpu_s']:.2f} | **{per_cpu:.2f}×** | {fixed_text} "
              f"| {r['peak_rss_mb']:.0f} |")
    if args.rounds > 1:
        print("\nmedian over rounds: " + "; ".join(
            f"{k}: {statistics.median(w for w, _ in v):.2f}× per wall s, {statistics.median(c for _, c in v):.2f}× per CPU s"
            for k, v in ratios.items()))
    two = [r for r in results if r["key"] == "ours"]
    one = [r for r in results if r["key"] == "ours1"]
    if two and one:
        print(f"\ntwo workers against one, same reports: {statistics.median(r['cpu_seconds'] for r in two):.1f} "
              f"against {statistics.median(r['cpu_seconds'] for r in one):.1f} CPU s (workers only: "
              f"{statistics.median(r['cpu_by_role'].get('workers', 0.0) for r in two):.1f} against "
              f"{statistics.median(r['cpu_by_role'].get('workers', 0.0) for r in one):.1f})")
    if stages:
        total = sum(stages.values())
        print(f"\nours in one process, per stage ({pages} pages, {total:.1f} CPU s, "
              f"{pages / total:.1f} pages per CPU s):\n")
        print("| stage | CPU s | share | pages per CPU s of the stage alone |")
        print("|---|---:|---:|---:|")
        for stage in ("fixed", "extract", "normalize", "validate", "write"):
            secs = stages.get(stage, 0.0)
            alone = f"{pages / secs:.1f}" if secs and stage != "fixed" else "–"
            print(f"| {stage} | {secs:.2f} | {100 * secs / total:.0f}% | {alone} |")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "stages": stages}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
