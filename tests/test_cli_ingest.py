"""The ingest command's promises (README, ../shared/CONTRACT.md), through the command line entry
`pipeline.cli.main`: folders searched recursively, failed reports under fiscal_year=0, the run
log's fields, --retry-failed and a new pipeline version end to end, --timeout 0, and exit code 2
for an unwritable --out and for an unreachable --dask scheduler."""
import json
import shutil
import socket
import statistics
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest

from conftest import corpus_pdf
from pipeline import __version__, manifest
from pipeline.cli import main
from pipeline.store import read_dataset
from test_pipeline_bad_inputs import build_pdf, dust_page

GOOD = "jiangsu-2019-party-office-budget-tables.pdf"  # lands ok: 12 pages, fiscal_year 2019


def _ingest(*args) -> int:
    return main(["ingest", *map(str, args), "--no-progress"])


def _run_rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "runs" / "runs.jsonl").read_text("utf-8").splitlines()]


def _events(out: Path, run_id: str) -> list[dict]:
    return [json.loads(line) for line in (out / "runs" / f"{run_id}.jsonl").read_text("utf-8").splitlines()]


def _mtimes(out: Path, report_id: str) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in out.rglob(f"{report_id}.parquet")}


@pytest.fixture(scope="module")
def nested(tmp_path_factory):
    """One run over a folder tree: a good PDF two levels down named .PDF, an empty .pdf one level
    down, a truncated PDF at the top, and files that are not PDFs by name."""
    inbox = tmp_path_factory.mktemp("in")
    (inbox / "a" / "b").mkdir(parents=True)
    shutil.copy(corpus_pdf(GOOD), inbox / "a" / "b" / "deep.PDF")
    (inbox / "a" / "empty.pdf").write_bytes(b"")
    (inbox / "truncated.pdf").write_bytes(corpus_pdf(GOOD).read_bytes()[:5000])
    (inbox / "notes.txt").write_text("no PDF here", encoding="utf-8")
    shutil.copy(corpus_pdf(GOOD), inbox / "a" / "deep.pdf.bak")
    out = tmp_path_factory.mktemp("out")
    code = _ingest(inbox, "--out", out, "--workers", 1)
    return inbox, out, code


def test_folders_are_searched_recursively_for_pdfs_in_any_case(nested):
    inbox, out, code = nested
    assert code == 1  # two inputs failed
    reports = read_dataset(out, "reports").set_index("source_path")
    assert sorted(reports.index) == sorted(str(inbox / p) for p in ("a/b/deep.PDF", "a/empty.pdf", "truncated.pdf"))
    assert reports.loc[str(inbox / "a/b/deep.PDF"), "status"] == "ok"


def test_failed_reports_land_in_fiscal_year_0(nested):
    inbox, out, _ = nested
    reports = read_dataset(out, "reports").set_index("source_path")
    failed = reports[reports.status == "failed"]
    assert sorted(failed.index) == [str(inbox / "a/empty.pdf"), str(inbox / "truncated.pdf")]
    for report_id in failed.report_id:
        assert (out / "reports" / "fiscal_year=0" / f"{report_id}.parquet").is_file()
    ok_id = reports.loc[str(inbox / "a/b/deep.PDF"), "report_id"]
    assert (out / "reports" / "fiscal_year=2019" / f"{ok_id}.parquet").is_file()
    # and readers see the partition as the year 0
    years = pd.read_parquet(out / "reports").set_index("report_id").fiscal_year.astype(int)
    assert years.to_dict() == {**{rid: 0 for rid in failed.report_id}, ok_id: 2019}


def test_the_run_log_has_the_fields_the_readme_names(nested):
    inbox, out, _ = nested
    (run,) = _run_rows(out)
    events = _events(out, run["run_id"])
    assert [e["event"] for e in events] == ["run_started", "report", "report", "report", "run_finished"]
    assert all(e["run_id"] == run["run_id"] and e["ts"] for e in events)
    started = events[0]
    assert (started["pipeline_version"], started["inputs"], started["todo"], started["skipped"]) == (
        __version__, 3, 3, 0)
    assert started["paths"] == [str(inbox)]

    # a report event: path, report_id, status, error, pages, seconds, worker (and row counts)
    reports = read_dataset(out, "reports").set_index("source_path")
    by_path = {e["source_path"]: e for e in events if e["event"] == "report"}
    assert sorted(by_path) == sorted(reports.index)
    pdf = pdfium.PdfDocument(str(inbox / "a/b/deep.PDF"))
    pages = len(pdf)
    pdf.close()
    assert len({e["worker"] for e in by_path.values()}) == 1  # --workers 1: one worker process
    worker = next(iter(by_path.values()))["worker"]
    host, pid = worker.rsplit(":", 1)
    assert host == socket.gethostname() and int(pid) > 0
    for path, e in by_path.items():
        row = reports.loc[path]
        assert (e["report_id"], e["status"], e["error"]) == (
            row.report_id, row.status, None if pd.isna(row.error) else row.error)
        assert e["seconds"] > 0
    good = by_path[str(inbox / "a/b/deep.PDF")]
    assert (good["page_count"], good["error"]) == (pages, None) and pages == 12
    assert good["budget_lines"] == len(read_dataset(out, "budget_lines")) > 0
    assert by_path[str(inbox / "a/empty.pdf")]["error"] == reports.loc[str(inbox / "a/empty.pdf"), "error"]

    # the run row: counts, pages/s, median and slowest report times, every failure with its reason
    assert (run["status"], run["inputs"], run["todo"], run["ok"], run["quarantined"], run["failed"],
            run["skipped"]) == ("finished", 3, 3, 1, 0, 2, 0)
    assert run["pages"] == sum(e["page_count"] or 0 for e in by_path.values()) == pages
    assert run["pages_per_s"] == pytest.approx(run["pages"] / run["seconds"], abs=0.01)  # seconds rounded
    secs = [e["seconds"] for e in by_path.values()]
    assert run["report_seconds_median"] == round(statistics.median(secs), 3)
    assert run["report_seconds_max"] == round(max(secs), 3)
    assert [s["source_path"] for s in run["slowest"]] == sorted(by_path, key=lambda p: -by_path[p]["seconds"])
    assert sorted((f["source_path"], f["status"], f["error"]) for f in run["failures"]) == sorted(
        (p, "failed", reports.loc[p, "error"]) for p in (str(inbox / "a/empty.pdf"), str(inbox / "truncated.pdf")))
    assert events[-1] == {**{k: v for k, v in run.items() if k not in ("failures", "slowest")},
                          "ts": events[-1]["ts"], "event": "run_finished"}


@pytest.mark.slow
def test_retry_failed_and_a_new_pipeline_version_redo_exactly_their_reports(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(corpus_pdf(GOOD), inbox / "good.pdf")
    (inbox / "truncated.pdf").write_bytes(corpus_pdf(GOOD).read_bytes()[:5000])
    assert _ingest(inbox, "--out", out, "--workers", 1) == 1
    reports = read_dataset(out, "reports").set_index("source_path")
    good_id, bad_id = reports.report_id[str(inbox / "good.pdf")], reports.report_id[str(inbox / "truncated.pdf")]
    good_files, bad_files = _mtimes(out, good_id), _mtimes(out, bad_id)

    # unchanged inputs: nothing to do, the failed one is not retried, and nothing failed this run
    assert _ingest(inbox, "--out", out, "--workers", 1) == 0
    assert (_run_rows(out)[-1]["todo"], _run_rows(out)[-1]["skipped"]) == (0, 2)
    assert _mtimes(out, bad_id) == bad_files

    # --retry-failed: the failed file only, unchanged as it is; it fails again
    assert _ingest(inbox, "--out", out, "--workers", 1, "--retry-failed") == 1
    run = _run_rows(out)[-1]
    assert (run["todo"], run["skipped"], run["failed"]) == (1, 1, 1)
    assert [f["source_path"] for f in run["failures"]] == [str(inbox / "truncated.pdf")]
    assert _mtimes(out, good_id) == good_files
    assert all(_mtimes(out, bad_id)[p] > t for p, t in bad_files.items())

    # a manifest written by an older pipeline version: every input is redone
    entries = manifest.load(out)
    manifest.save(out, {k: {**e, "pipeline_version": "0.0.1"} for k, e in entries.items()})
    assert _ingest(inbox, "--out", out, "--workers", 1) == 1
    run = _run_rows(out)[-1]
    assert (run["todo"], run["skipped"], run["ok"], run["failed"]) == (2, 0, 1, 1)
    assert all(_mtimes(out, good_id)[p] > t for p, t in good_files.items())
    assert set(read_dataset(out, "reports").pipeline_version) == {__version__}
    assert {e["pipeline_version"] for e in manifest.load(out).values()} == {__version__}


def test_timeout_0_switches_the_time_limit_off(tmp_path):
    dust = tmp_path / "in" / "dust.pdf"
    dust.parent.mkdir()
    dust.write_bytes(build_pdf([dust_page(12_000)]))  # needs more than 0.5 s (test_pipeline_bad_inputs)
    limited, unlimited = tmp_path / "limited", tmp_path / "unlimited"
    assert _ingest(dust, "--out", limited, "--workers", 1, "--timeout", "0.5", "--timeout-per-page", "0") == 1
    assert read_dataset(limited, "reports").error.tolist() == ["timed out after 0.5 s"]
    assert _ingest(dust, "--out", unlimited, "--workers", 1, "--timeout", "0") == 0
    row = read_dataset(unlimited, "reports").iloc[0]
    assert (row.status, row.warnings) == ("ok", "no tables found") and pd.isna(row.error)
    assert _run_rows(unlimited)[-1]["timeout"] == 0


def test_an_unwritable_out_is_bad_usage(tmp_path, capsys):
    pdf = tmp_path / "good.pdf"
    shutil.copy(corpus_pdf(GOOD), pdf)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    # a regular file where a folder should be stops root too (chmod would not)
    for out in (blocker, blocker / "out"):
        assert _ingest(pdf, "--out", out) == 2
        assert f"error: cannot write to --out {out}" in capsys.readouterr().err
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.slow
def test_an_unreachable_dask_scheduler_is_bad_usage_before_anything_is_written(tmp_path, capsys):
    pytest.importorskip("distributed")
    pdf = tmp_path / "good.pdf"
    shutil.copy(corpus_pdf(GOOD), pdf)
    out = tmp_path / "out"
    assert _ingest(pdf, "--out", out, "--dask", "tcp://127.0.0.1:9") == 2  # nothing listens on port 9
    assert "error: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not out.exists()
