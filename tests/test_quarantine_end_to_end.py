"""A real report made wrong in one place, inside the test, is quarantined by the check that names
that place; a reviewer's acceptance lands it. The wrong PDFs are made with tests/pdf_edit.py (the
samples' generator needs LibreOffice, which CI does not have)."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, corpus_pdf
from pdf_edit import PdfEditError, replace_text
from pipeline.cli import main
from pipeline.process import process
from pipeline.store import read_dataset

PUTUO = "putuo-2024-finance-bureau-final-accounts.pdf"
# The seed's budget table, page 9: （2）项目支出 全年执行数 257,394,820.86; the same figure is in the
# prose above the table, so the table's cell is the second match on the page.
SEED_PAGE, SEED_OLD, SEED_NEW, SEED_TABLE_MATCH = 9, "257,394,820.86", "257,394,000.86", 1


def _failures(result) -> set[tuple]:
    """Failed checks, comparable across two versions of a report (table ids carry the report id)."""
    return {(c.check, c.severity, c.page, c.observed, c.expected,
             None if c.table_id is None else c.table_id.rsplit("-", 1)[-1])
            for c in result.checks if not c.passed}


@pytest.fixture(scope="module")
def wrong_seed_pdf(seed_pdf, tmp_path_factory) -> Path:
    dst = tmp_path_factory.mktemp("wrong-seed") / "hongqiao-wrong-execution.pdf"
    replace_text(seed_pdf, dst, SEED_PAGE, SEED_OLD, SEED_NEW, occurrence=SEED_TABLE_MATCH)
    return dst


@pytest.fixture(scope="module")
def wrong_seed(wrong_seed_pdf):
    return process(wrong_seed_pdf)


@pytest.fixture(scope="module")
def putuo():
    return process(corpus_pdf(PUTUO))


@pytest.fixture(scope="module")
def putuo_wrong_total(tmp_path_factory):
    """支出决算表 p.10: 行政运行 2010601 本年支出合计 1,511.89 (= 基本 1,503.52 + 项目 8.37) printed 1,521.89."""
    dst = tmp_path_factory.mktemp("wrong-total") / "putuo-wrong-total.pdf"
    replace_text(corpus_pdf(PUTUO), dst, 10, "1,511.89", "1,521.89")
    return process(dst)


@pytest.fixture(scope="module")
def putuo_wrong_word(tmp_path_factory):
    """p.22: 年初预算为1560.05万元，支出决算为1511.89万元。决算数小于预算数 with 小于 printed 大于."""
    dst = tmp_path_factory.mktemp("wrong-word") / "putuo-wrong-word.pdf"
    replace_text(corpus_pdf(PUTUO), dst, 22, "小于", "大于", occurrence=0)
    return process(dst)


# --- the edit itself ---------------------------------------------------------------------------

def test_the_edited_seed_reads_the_wrong_figure_in_the_table_and_nothing_else_changed(wrong_seed):
    lines = wrong_seed.rows.budget_lines
    spent = lines[(lines.measure == "全年执行数") & (lines.line_group == "资金结构")]
    got = {r.line_item or r.line_label: (str(r.value), r.page) for r in spent.itertuples()}
    assert got == {"基本支出": ("5688467.10", 9), "项目支出": ("257394000.86", 9)}
    assert len(lines) == 12  # the same 12 budget lines as the unedited sample


def test_an_ambiguous_or_undrawable_edit_is_refused(seed_pdf, tmp_path):
    with pytest.raises(PdfEditError, match="occurs 2 times"):
        replace_text(seed_pdf, tmp_path / "x.pdf", SEED_PAGE, SEED_OLD, SEED_NEW)
    with pytest.raises(PdfEditError, match="has no glyph for '龘'"):
        replace_text(seed_pdf, tmp_path / "x.pdf", SEED_PAGE, "项目支出", "项目龘出")
    with pytest.raises(PdfEditError, match="is not on page 9"):
        replace_text(seed_pdf, tmp_path / "x.pdf", SEED_PAGE, "不存在的文字", "x")
    assert not (tmp_path / "x.pdf").exists()


# --- a wrong 执行数 in the seed's budget table ----------------------------------------------------

def test_a_wrong_execution_amount_quarantines_the_seed(wrong_seed):
    assert wrong_seed.status == "quarantined"
    blocking = [c for c in wrong_seed.checks if c.blocking]
    # the table no longer adds up; the prose (实际执行257,394,820.86元) no longer agrees with it, a
    # warning: prose never quarantines (issue 11)
    assert {c.check for c in blocking} == {"budget.sources_equal_structure"}
    prose = [c for c in wrong_seed.checks if c.check == "prose.matches_table" and not c.passed]
    assert prose and all(c.severity == "warning" for c in prose)
    assert all("全年执行数" in c.message for c in prose)
    assert any("项目支出" in c.message and c.observed == "257,394,820.86 元" for c in prose)
    c = next(c for c in blocking if c.check == "budget.sources_equal_structure")
    lines = wrong_seed.rows.budget_lines
    project_line = lines[lines.line_label.str.contains("项目支出") & (lines.measure == "全年执行数")]
    assert (c.page, c.table_id) == (9, project_line.table_id.iloc[0])
    assert "全年执行数" in c.message
    # Both sides with every summand: the sources still add to the old total, the structure to the new.
    assert c.observed == "资金来源 财政拨款 263,083,287.96 + 其他资金 0.00 = 263,083,287.96 元"
    assert c.expected == "资金结构 基本支出 5,688,467.10 + 项目支出 257,394,000.86 = 263,082,467.96 元"
    assert "budget.sources_equal_structure" in wrong_seed.report["error"]
    # 257,394,000.86 / 257,424,688.42 = 99.988%: the printed 99.98% is still a truncation of it.
    # rates of a form's execution table are checked by validate/forms.py (form.execution_rate)
    rates = [r for r in wrong_seed.checks if r.check.endswith(".execution_rate") and r.page == 9]
    assert rates and all(r.passed for r in rates)


def test_the_failed_sum_check_names_the_project_expenditure_line(wrong_seed):
    c = next(c for c in wrong_seed.checks if c.check == "budget.sources_equal_structure" and c.blocking)
    assert "项目支出" in c.message


# --- a wrong 合计 in Putuo's 支出决算表 -------------------------------------------------------------

def test_a_wrong_row_total_quarantines_putuo_naming_the_row(putuo, putuo_wrong_total):
    assert putuo_wrong_total.status == "quarantined"
    new = _failures(putuo_wrong_total) - _failures(putuo)
    assert {(check, page) for check, _, page, *_ in new} == {("budget_table.row_sums", 10),
                                                              ("budget_table.code_hierarchy", 10)}
    assert all(severity == "error" for _, severity, *_ in new)
    row = next(c for c in putuo_wrong_total.checks if c.check == "budget_table.row_sums" and not c.passed)
    assert "2010601 行政运行" in row.message and "本年支出合计" in row.message
    assert (row.observed, row.expected) == ("1,521.89 万元", "1,503.52 + 8.37 = 1,511.89 万元")
    # The 款 above it no longer adds up either, and says so with the new figure.
    hierarchy = next(c for c in putuo_wrong_total.checks if c.check == "budget_table.code_hierarchy" and not c.passed)
    assert "20106 财政事务" in hierarchy.message
    assert hierarchy.expected == "1,521.89 + 10.00 + 135.25 + 449.52 = 2,116.66 万元"
    # The publisher's own two errors on p.21 are still reported beside the new ones.
    assert {(c, p) for c, _, p, *_ in _failures(putuo)} <= {(c, p) for c, _, p, *_ in _failures(putuo_wrong_total)}


def test_unedited_putuo_lands_with_its_own_prose_errors_as_warnings(putuo):
    """The baseline the two Putuo tests subtract: p.21's 71.73% share and 0.3 万元 total, warnings."""
    assert putuo.status == "ok"
    assert {(c.check, c.severity, c.page) for c in putuo.checks if not c.passed} == {
        ("prose.share", "warning", 21), ("prose.matches_table", "warning", 21)}


# --- a wrong comparison word in Putuo's prose ----------------------------------------------------

def test_a_wrong_comparison_word_warns_on_putuo_naming_the_sentence(putuo, putuo_wrong_word):
    assert putuo_wrong_word.status == "ok"  # prose disagreeing with itself warns, never quarantines
    new = _failures(putuo_wrong_word) - _failures(putuo)
    assert len(new) == 1
    c = next(c for c in putuo_wrong_word.checks if c.check == "prose.comparison_word" and not c.passed)
    assert (c.severity, c.page) == ("warning", 22)
    assert c.observed == "决算数大于预算数（年初预算 1560.05 万元，支出决算 1511.89 万元）"
    assert c.expected == "决算数小于预算数"
    assert "年初预算为1560.05万元，支出决算为1511.89万元" in c.message
    # The other ten 决算数…预算数 sentences on p.21-22 still agree with their figures.
    words = [w for w in putuo_wrong_word.checks if w.check == "prose.comparison_word"]
    assert len(words) >= 10 and sum(not w.passed for w in words) == 1


# --- the CLI: quarantine, accept, land -----------------------------------------------------------

def test_cli_quarantines_then_an_acceptance_lands_the_report(wrong_seed_pdf, tmp_path):
    out = tmp_path / "out"
    report_id = hashlib.sha256(wrong_seed_pdf.read_bytes()).hexdigest()[:16]
    check = "budget.sources_equal_structure"

    assert main(["ingest", str(wrong_seed_pdf), "--out", str(out), "--workers", "1", "--no-progress"]) == 1
    quarantined = out / "quarantine" / "reports" / "fiscal_year=2024" / f"{report_id}.parquet"
    assert quarantined.exists()
    assert not (out / "reports").exists() or read_dataset(out, "reports").empty
    checks = read_dataset(out / "quarantine", "checks")
    failed = checks[(checks.check == check) & ~checks.passed]
    assert len(failed) == 1 and not failed.accepted.iloc[0]

    for name in (check, "prose.matches_table"):
        accept = subprocess.run(
            [sys.executable, "-m", "pipeline", "accept", report_id, name, "--out", str(out),
             "--reason", "test: the publisher printed 257,394,000.86; confirmed against the paper copy"],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert accept.returncode == 0, accept.stderr
    assert (out / "accepted_checks.jsonl").exists()

    assert main(["ingest", str(wrong_seed_pdf), "--out", str(out), "--workers", "1", "--no-progress",
                 "--force"]) == 0
    assert not quarantined.exists()
    reports = read_dataset(out, "reports")
    assert list(reports.report_id) == [report_id] and list(reports.status) == ["ok"]
    checks = read_dataset(out, "checks")
    kept = checks[(checks.check == check) & ~checks.passed]
    assert len(kept) == 1 and kept.accepted.iloc[0]
    assert not checks[checks.passed].accepted.any()  # accepting marks failures only
    assert kept.expected.iloc[0] == "资金结构 基本支出 5,688,467.10 + 项目支出 257,394,000.86 = 263,082,467.96 元"
    assert (read_dataset(out, "budget_lines").value.astype(str) == "257394000.86").any()
