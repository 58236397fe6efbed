"""kill -9 in the middle of a run, then run again: the output is complete and row for row the same
as a run that was never interrupted; temp files of the killed run never reach readers."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SAMPLES, corpus_pdf
from pipeline.cli import main
from pipeline.store import DATASETS, read_dataset

CORPUS_INPUTS = ("jiangsu-2019-party-office-budget-tables.pdf", "jiangsu-2019-party-office-budget-text.pdf",
                 "shanghai-final-accounts-template.pdf")
VOLATILE = ["ingested_at", "seconds"]  # differ between any two runs


def _landed_reports(out: Path) -> list[Path]:
    return [p for p in out.glob("**/reports/fiscal_year=*/*.parquet")]


def _logged_reports(out: Path) -> int:
    """Report events the coordinator has written to its run log (each line is flushed)."""
    logs = [p for p in (out / "runs").glob("*.jsonl") if p.name != "runs.jsonl"] if (out / "runs").is_dir() else []
    return sum(line.count('"event": "report"') for p in logs for line in p.read_text("utf-8").splitlines())


def _rows(out: Path) -> dict[str, pd.DataFrame]:
    """Every dataset, landed and quarantined, without run-dependent columns, in a stable order."""
    found = {}
    for root, prefix in ((out, ""), (out / "quarantine", "quarantine/")):
        for dataset in DATASETS:
            df = read_dataset(root, dataset).drop(columns=VOLATILE, errors="ignore")
            df = df.astype(str).sort_values(list(df.columns)).reset_index(drop=True)
            found[prefix + dataset] = df
    return found


def _exit_code(out: Path) -> int:
    """The code the README promises for a run that processed every input: 0 when all landed."""
    statuses = set(read_dataset(out, "reports").status) | set(read_dataset(out / "quarantine", "reports").status)
    return 0 if statuses == {"ok"} else 1


def _files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*.parquet") if p.name != "manifest.parquet")


def _session_processes(sid: int) -> list[int]:
    psutil = pytest.importorskip("psutil")
    alive = []
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) == sid and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc.pid)
        except (ProcessLookupError, psutil.Error, PermissionError):
            continue
    return alive


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    for name in CORPUS_INPUTS:
        shutil.copy(corpus_pdf(name), folder / name)
    for pdf in SAMPLES.glob("*.pdf"):
        shutil.copy(pdf, folder / pdf.name)
    return folder


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_equals_an_uninterrupted_run(inbox, tmp_path):
    n_inputs = len(list(inbox.glob("*.pdf")))
    reference = tmp_path / "reference"
    assert main(["ingest", str(inbox), "--out", str(reference), "--workers", "2"]) == _exit_code(reference)
    assert _exit_code(reference) == 1  # the blank template is quarantined: its placeholders

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(inbox), "--out", str(out),
           "--workers", "2", "--no-progress"]
    run = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # killed once the coordinator has recorded a report (a worker may land files a moment before)
        deadline = time.monotonic() + 120
        while not _logged_reports(out) and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert run.poll() is None, "the run ended before it could be killed"
        os.kill(run.pid, signal.SIGKILL)  # the coordinator only, as `kill -9 PID` would
        run.wait()
        landed_at_kill = len(_landed_reports(out))
        assert 1 <= landed_at_kill < n_inputs

        # its pool workers die with it (PR_SET_PDEATHSIG) instead of writing on as orphans
        deadline = time.monotonic() + 10
        while _session_processes(run.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _session_processes(run.pid) == []
    finally:
        for pid in _session_processes(run.pid):
            os.kill(pid, signal.SIGKILL)

    # what a kill mid-write leaves: a hidden temp file next to the finished ones. Readers of the
    # datasets never see it, and the next run deletes it.
    for root in (out, reference):
        year_dir = root / "reports" / "fiscal_year=2019"
        year_dir.mkdir(parents=True, exist_ok=True)
        (year_dir / ".0123456789abcdef.k3x9.tmp").write_bytes(b"PAR1 half a file")
    n_files = len(list((reference / "reports").glob("fiscal_year=*/*.parquet")))
    quarantined = len(read_dataset(reference / "quarantine", "reports"))
    assert len(pd.read_parquet(reference / "reports")) == n_files == n_inputs - quarantined
    duckdb = pytest.importorskip("duckdb")
    assert duckdb.sql(f"SELECT count(*) FROM '{reference}/reports/**/*.parquet'").fetchall()[0][0] == n_files

    code = main(["ingest", str(inbox), "--out", str(out), "--workers", "2"])
    assert list(out.rglob("*.tmp")) == []
    assert _files(out) == _files(reference)
    got, want = _rows(out), _rows(reference)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
    assert sum(len(df) for name, df in got.items() if name.endswith("cells")) > 1000

    runs = [json.loads(line) for line in (out / "runs" / "runs.jsonl").read_text().splitlines()]
    assert [r["status"] for r in runs] == ["interrupted", "finished"]
    killed, finished = runs
    # 1 exactly when a report this run redid did not land (the template, unless the killed run had it)
    assert code == (1 if finished["quarantined"] + finished["failed"] else 0)
    assert killed["ok"] + killed["quarantined"] + killed["failed"] >= 1
    # the rerun redid only what the killed run had not recorded
    assert finished["skipped"] + finished["todo"] == n_inputs and finished["todo"] <= n_inputs

    # and a third run has nothing left to do
    files = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet") if p.name != "manifest.parquet"}
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "2"]) == 0  # nothing to redo
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet") if p.name != "manifest.parquet"} == files
