"""A nightly re-run where nothing changed plans first and stops there: it starts no worker pool or
fork server and imports neither Great Expectations nor the extract / normalize / validate stages
(bench/bench_noop.py times it over 1,000 inputs). The CLI runs in a fresh interpreter, so what it
imported is what a cron run would import."""
import json
import subprocess
import sys

import pandas as pd

from conftest import ROOT
from pipeline.cli import main
from test_pipeline_bad_inputs import build_pdf, text_page

PROBE = """
import json, multiprocessing, multiprocessing.forkserver, sys
from pipeline.cli import main
code = main(sys.argv[1:])
print(json.dumps({
    "code": code,
    "great_expectations": "great_expectations" in sys.modules,
    "stages": sorted(m for m in ("extract", "normalize", "validate", "pipeline.worker") if m in sys.modules),
    "fork_server": multiprocessing.forkserver._forkserver._forkserver_pid is not None,
    "children": len(multiprocessing.active_children()),
}))
"""


def _probe(*argv: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True,
                          env={"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin"}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_noop_rerun_starts_no_pool_and_imports_no_gx(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"r{i}.pdf").write_bytes(build_pdf([text_page([f"Budget report {i}", "Total 12.50"])]))
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    manifest_mtime = (out / "manifest.parquet").stat().st_mtime_ns

    again = _probe("ingest", str(inbox), "--out", str(out), "--workers", "2", "--no-progress")
    assert again == {"code": 0, "great_expectations": False, "stages": [], "fork_server": False,
                     "children": 0}
    assert (out / "manifest.parquet").stat().st_mtime_ns == manifest_mtime  # nothing to record
    run = pd.read_json(out / "runs" / "runs.jsonl", lines=True).iloc[-1]
    assert (run.status, run.inputs, run.todo, run.skipped, run.ok) == ("finished", 3, 0, 3, 0)

    # one changed file: now the pool starts (GX loads in the fork server, not in the coordinator)
    (inbox / "r1.pdf").write_bytes(build_pdf([text_page(["Budget report 1, revised", "Total 13.75"])]))
    work = _probe("ingest", str(inbox), "--out", str(out), "--workers", "2", "--no-progress")
    assert (work["code"], work["fork_server"], work["great_expectations"]) == (0, True, False)
    run = pd.read_json(out / "runs" / "runs.jsonl", lines=True).iloc[-1]
    assert (run.todo, run.skipped, run.ok) == (1, 2, 1)
    assert (out / "manifest.parquet").stat().st_mtime_ns != manifest_mtime
