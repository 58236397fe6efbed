"""Where reports run: --dask on a LocalCluster gives the same rows as --workers 1; a pool worker
that dies takes only its own report down; re-runs decide what to skip in well under a second per
thousand files."""
import hashlib
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLES, corpus_pdf
from pipeline import __version__, manifest
from pipeline import run as run_module
from pipeline.cli import main
from pipeline.executors import WORKER_DIED, run_pool
from pipeline.run import find_pdfs, ingest, plan
from pipeline.settings import RunSettings
from pipeline.store import DATASETS, read_dataset
from pipeline.worker import ReportTask
from test_pipeline_bad_inputs import build_pdf, dust_page

VOLATILE = ["ingested_at", "seconds"]
# the project sample's indicator rows, as its truth file lists them (budget.pdf has none)
PROJECT_TRUTH_INDICATORS = len(json.loads((SAMPLES / "project-self-evaluation-2024.truth.json")
                                          .read_text(encoding="utf-8"))["indicators"])


def _rows(out: Path) -> dict[str, pd.DataFrame]:
    found = {}
    for root, prefix in ((out, ""), (out / "quarantine", "quarantine/")):
        for dataset in DATASETS:
            df = read_dataset(root, dataset).drop(columns=VOLATILE, errors="ignore")
            found[prefix + dataset] = df.astype(str).sort_values(list(df.columns)).reset_index(drop=True)
    return found


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("in")
    shutil.copy(corpus_pdf("jiangsu-2019-party-office-budget-tables.pdf"), folder / "budget.pdf")
    shutil.copy(SAMPLES / "project-self-evaluation-2024.pdf", folder / "project.pdf")
    (folder / "dust.pdf").write_bytes(build_pdf([dust_page(120_000)]))  # ~15 s of pdfminer: runs into --timeout
    return folder


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_rows_as_one_worker(inbox, tmp_path):
    distributed = pytest.importorskip("distributed")
    one = tmp_path / "one"
    assert main(["ingest", str(inbox), "--out", str(one), "--workers", "1", "--timeout", "4"]) == 1
    on_dask = tmp_path / "dask"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        code = main(["ingest", str(inbox), "--out", str(on_dask), "--dask", cluster.scheduler_address,
                     "--timeout", "4"])
    assert code == 1
    got, want = _rows(on_dask), _rows(one)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], obj=name)
    reports = want["reports"].set_index("source_path")
    assert len(read_dataset(one, "budget_lines")) > 100
    assert len(read_dataset(one, "indicators")) == PROJECT_TRUTH_INDICATORS
    # in a Dask worker the report runs in a thread, where the time limit cannot use SIGALRM
    assert reports.loc[str(inbox / "dust.pdf"), "error"] == "timed out after 4 s"
    run = pd.read_json(on_dask / "runs" / "runs.jsonl", lines=True).iloc[-1]
    assert run.executor == f"dask {cluster.scheduler_address}" and run.failed == 1


@pytest.mark.slow
def test_an_unreachable_dask_scheduler_is_a_clear_error_before_anything_is_written(inbox, tmp_path):
    pytest.importorskip("distributed")
    settings = RunSettings(dask="tcp://127.0.0.1:9", dask_connect_timeout_s=1)
    with pytest.raises(ConnectionError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        ingest([inbox], tmp_path / "o", settings)
    assert not (tmp_path / "o").exists()


class CrashingTask(ReportTask):
    """The real task, except that a worker handed crash.pdf dies on the spot (as a segfault would)."""

    def __call__(self, path: str):
        if Path(path).name == "crash.pdf":
            os.kill(os.getpid(), signal.SIGKILL)
        return super().__call__(path)


@pytest.mark.slow
def test_a_dying_worker_fails_only_its_own_report(inbox, tmp_path):
    shutil.copy(inbox / "budget.pdf", tmp_path / "crash.pdf")
    paths = [str(inbox / "budget.pdf"), str(tmp_path / "crash.pdf"), str(inbox / "project.pdf")]
    out = tmp_path / "out"
    task = CrashingTask(out=str(out), acceptances={}, timeout=60)
    landed = {Path(x.report["source_path"]).name: x for x in run_pool(paths, task, 2, 2)}
    assert sorted(landed) == ["budget.pdf", "crash.pdf", "project.pdf"]
    assert (landed["crash.pdf"].report["status"], landed["crash.pdf"].report["error"]) == ("failed", WORKER_DIED)
    assert landed["budget.pdf"].report["status"] == "ok"
    assert landed["project.pdf"].report["status"] != "failed"
    assert landed["project.pdf"].indicators == PROJECT_TRUTH_INDICATORS
    # the counts sent back are the rows the worker wrote (crash.pdf shares budget.pdf's bytes, so
    # its report id: only project.pdf's files are its own alone)
    project = landed["project.pdf"]
    written = {Path(f).parts[-3]: len(pd.read_parquet(out / f)) for f in project.files}
    assert (project.budget_lines, project.indicators) == (written["budget_lines"], written["indicators"])
    assert all(x.files for x in landed.values())


def test_skipping_unchanged_files_reads_none_of_them(tmp_path, monkeypatch):
    """The plan for 1,000 unchanged files stats them and hashes none (the work that would cost
    seconds per thousand); a touched file is hashed, and only that one."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    done = {}
    for i in range(1000):
        p = inbox / f"r{i:04}.pdf"
        p.write_bytes(b"%PDF-1.4 " + str(i).encode())
        st = p.stat()
        sha = hashlib.sha256(p.read_bytes()).hexdigest()
        done[str(p)] = {"source_path": str(p), "file_sha256": sha, "report_id": sha[:16],
                        "size": st.st_size, "mtime_ns": st.st_mtime_ns, "pipeline_version": __version__,
                        "status": "ok", "fiscal_year": None, "ingested_at": None, "files": []}
    manifest.save(tmp_path, done)
    hashed = []
    real_sha256 = run_module.file_sha256
    monkeypatch.setattr(run_module, "file_sha256", lambda p: hashed.append(p) or real_sha256(p))
    todo, skipped = plan(find_pdfs([inbox]), manifest.load(tmp_path), force=False)
    assert (todo, skipped) == ([], 1000)
    assert hashed == []

    # a touched file is re-hashed; the same bytes still skip, other bytes mean work
    first = inbox / "r0000.pdf"
    os.utime(first, ns=(time.time_ns(), time.time_ns()))
    (inbox / "r0001.pdf").write_bytes(b"%PDF-1.4 changed")
    todo, skipped = plan(find_pdfs([inbox]), manifest.load(tmp_path), force=False)
    assert (todo, skipped) == ([inbox / "r0001.pdf"], 999)
    assert sorted(hashed) == [first, inbox / "r0001.pdf"]  # the two whose size or mtime moved


def test_a_new_pipeline_version_or_retry_failed_redoes_work(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for p in (a, b):
        p.write_bytes(b"%PDF-1.4 x")
    entry = lambda p, version, status: {  # noqa: E731
        "source_path": str(p), "size": p.stat().st_size, "mtime_ns": p.stat().st_mtime_ns,
        "pipeline_version": version, "status": status, "report_id": "x", "file_sha256": "x"}
    done = {str(a): entry(a, "0.0.1", "ok"), str(b): entry(b, __version__, "failed")}
    assert plan([a, b], done) == ([a], 1)
    assert plan([a, b], done, retry_failed=True) == ([a, b], 0)
    assert plan([a, b], done, force=True) == ([a, b], 0)
