"""The batch command on real PDFs: exit codes, bad input, re-runs, changed files, the lock."""
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLES, corpus_pdf
from pipeline.cli import main
from pipeline.run import locked
from pipeline.store import read_dataset

BUDGET_PDF = "jiangsu-2019-party-office-budget-tables.pdf"


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus_pdf(BUDGET_PDF), folder / "budget.pdf")
    return folder


def _files(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.parquet")
            if p.name != "manifest.parquet"}


def _all_reports(out: Path) -> pd.DataFrame:
    """Landed and quarantined report rows together."""
    frames = [read_dataset(out, "reports"), read_dataset(out / "quarantine", "reports")]
    return pd.concat([f for f in frames if len(f)], ignore_index=True)


def test_unknown_path_is_bad_usage(tmp_path):
    assert main(["ingest", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2


def test_bad_inputs_fail_alone_and_the_batch_goes_on(inbox, tmp_path):
    (inbox / "empty.pdf").write_bytes(b"")
    (inbox / "random.PDF").write_bytes(os.urandom(4096))
    (inbox / "notes.pdf").write_text("这不是PDF文件\n", encoding="utf-8")
    truncated = corpus_pdf(BUDGET_PDF).read_bytes()[:5000]
    (inbox / "truncated.pdf").write_bytes(truncated)
    out = tmp_path / "out"
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1"]) == 1
    reports = read_dataset(out, "reports").set_index("source_path")
    assert len(reports) == 5
    good = reports.loc[str(inbox / "budget.pdf")]
    assert good.status == "ok" and good.report_kind == "budget"
    for name in ("empty.pdf", "random.PDF", "notes.pdf", "truncated.pdf"):
        row = reports.loc[str(inbox / name)]
        assert row.status == "failed", name
        assert row.error and "\n" not in row.error, name
    assert len(read_dataset(out, "budget_lines")) > 0


def test_rerun_is_a_noop_and_a_changed_file_replaces_only_its_rows(inbox, tmp_path):
    shutil.copy(SAMPLES / "project-self-evaluation-2024.pdf", inbox / "project.pdf")
    out = tmp_path / "out"
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1"]) == 0  # both land
    before = _files(out)
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1"]) == 0  # nothing to redo
    assert _files(out) == before

    old_ids = set(_all_reports(out).report_id)
    shutil.copy(corpus_pdf("jiangsu-2019-party-office-budget-text.pdf"), inbox / "project.pdf")
    main(["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    after = _files(out)
    budget_id = read_dataset(out, "reports").set_index("source_path").loc[
        str(inbox / "budget.pdf"), "report_id"]
    unchanged = {k: v for k, v in before.items() if budget_id in k}
    assert unchanged and all(after[k] == v for k, v in unchanged.items())
    reports = _all_reports(out)  # the new file may land or be quarantined; either way it replaced
    assert len(reports) == 2 and len(set(reports.report_id) - old_ids) == 1


def test_prune_drops_rows_of_removed_inputs(inbox, tmp_path):
    out = tmp_path / "out"
    main(["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    budget_id = read_dataset(out, "reports").report_id.iloc[0]
    (inbox / "budget.pdf").unlink()
    shutil.copy(SAMPLES / "project-self-evaluation-2024.pdf", inbox / "project.pdf")
    main(["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    assert len(_all_reports(out)) == 2  # kept without --prune
    assert budget_id in set(read_dataset(out, "budget_lines").report_id)
    main(["ingest", str(inbox), "--out", str(out), "--workers", "1", "--prune"])
    assert list(_all_reports(out).source_path) == [str(inbox / "project.pdf")]
    assert budget_id not in set(read_dataset(out, "budget_lines").report_id)
    assert not any(budget_id in p.name for p in out.rglob("*.parquet"))


def test_a_second_run_on_the_same_out_exits_instead_of_interleaving(inbox, tmp_path):
    out = tmp_path / "out"
    with locked(out):
        assert main(["ingest", str(inbox), "--out", str(out)]) == 2
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "1"]) == 0


def test_datasets_read_back_with_pandas_and_duckdb(inbox, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "out"
    main(["ingest", str(inbox), "--out", str(out), "--workers", "1"])
    lines = pd.read_parquet(out / "budget_lines")
    n = duckdb.sql(f"SELECT count(*) FROM '{out}/budget_lines/**/*.parquet'").fetchall()[0][0]
    assert n == len(lines) > 0
    year = duckdb.sql(f"SELECT DISTINCT fiscal_year FROM '{out}/reports/**/*.parquet'").fetchall()
    assert year == [(2019,)]


def test_a_failed_copy_never_replaces_the_landed_rows_of_the_same_bytes(tmp_path):
    """Two paths with the same bytes share a report_id; the copy whose attempt fails (a time limit
    under load, a dead worker) must not wipe what the other copy landed."""
    from pipeline.process import failed, file_sha256
    from pipeline.worker import land

    inbox, out = tmp_path / "in", tmp_path / "out"
    (inbox / "a").mkdir(parents=True)
    (inbox / "b").mkdir()
    first = inbox / "a" / "project.pdf"
    shutil.copy(SAMPLES / "project-self-evaluation-2024.pdf", first)
    shutil.copy(first, inbox / "b" / "project.pdf")
    assert main(["ingest", str(first), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    before = read_dataset(out, "indicators")
    assert len(before) > 10

    sha = file_sha256(inbox / "b" / "project.pdf")
    kept = land(out, failed(inbox / "b" / "project.pdf", "timed out after 1 s", sha))

    assert kept.report["status"] == "failed" and kept.report["source_path"].endswith("b/project.pdf")
    assert read_dataset(out, "indicators").equals(before)
    [row] = read_dataset(out, "reports").itertuples()
    assert (row.status, row.source_path) == ("ok", str(first))
    assert sorted(kept.files) == sorted(str(p.relative_to(out)) for p in out.rglob(f"{sha[:16]}.parquet"))
