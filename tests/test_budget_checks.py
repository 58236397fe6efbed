"""Checks from the anatomy, not from titles: a cross-table unit guard, not-applied checks that never
quarantine, and tests/pdf_edit.py on content streams drawn with `(...)` literal strings."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pdfplumber
import pytest

from conftest import corpus_pdf
from normalize.document import normalize_document
from pdf_edit import _tokens, replace_text
from validate import validate_report
from validate.result import CheckResult
from validate.settings import ValidateSettings

PLAIN = ValidateSettings(use_gx=False)
HANGZHOU = "real/hangzhou-2026-meteorological-bureau-budget.pdf"


def test_literal_strings_are_lexed_with_escapes_and_nesting():
    toks = [t for t in _tokens(rb"BT (ab\)c) Tj [(x(y)z) -20 (\101)] TJ ET") if t.kind == "str"]
    assert [t.value for t in toks] == [b"ab)c", b"x(y)z", b"A"]
    assert [t.raw for t in toks] == [rb"(ab\)c)", b"(x(y)z)", rb"(\101)"]


def test_an_edit_on_a_page_drawn_with_literal_strings(tmp_path):
    """杭州 p.19 draws its text with (...) strings; 行政运行 人员经费 1,907.01 → 1,970.01."""
    dst = tmp_path / "hangzhou.pdf"
    replace_text(corpus_pdf(HANGZHOU), dst, 19, "1,907.01", "1,970.01")
    with pdfplumber.open(dst) as pdf:
        text = pdf.pages[18].extract_text()
    assert "1,970.01" in text and "1,907.01" not in text and "2,617.19" in text


def test_a_check_not_applied_never_blocks():
    na = CheckResult("budget_table.row_sums", "error", None, message="not applied")
    assert not na.blocking and CheckResult("budget_table.row_sums", "error", False).blocking


def test_the_same_total_landing_at_two_scales_is_an_error(putuo_doc):
    """Putuo's 支出决算表 read as if printed in 元 (its unit line misread): 本年支出合计 2,940.05 万元
    in the 收入支出决算总表 and 2,940.05 元 in the 支出决算表."""
    tables = [dataclasses.replace(t, unit="元") if (t.title or "").strip() == "支出决算表" else t
              for t in putuo_doc.tables]
    doc = dataclasses.replace(putuo_doc, tables=tables)
    results = validate_report(normalize_document(doc, {"report_id": "putuo-wrong-unit"}), doc, PLAIN)
    guard = [r for r in results if r.check == "budget_table.unit_guard"]
    wrong = [r for r in guard if r.passed is False]
    assert len(wrong) == 1 and wrong[0].blocking and "本年支出合计" in wrong[0].message
    assert wrong[0].observed.startswith("29,400,500.00") and "2,940.05" in wrong[0].expected
    right = validate_report(normalize_document(putuo_doc, {"report_id": "putuo"}), putuo_doc, PLAIN)
    assert [r.passed for r in right if r.check == "budget_table.unit_guard"] == [True, True, True]


def test_checks_key_on_what_normalize_decided_not_on_titles(putuo_doc):
    """The Putuo 支出决算表 retitled to nothing a title rule knows: its rows are still checked, by the
    budget_table and header tree normalize stored."""
    tables = [dataclasses.replace(t, title="表三") if (t.title or "").strip() == "支出决算表" else t
              for t in putuo_doc.tables]
    doc = dataclasses.replace(putuo_doc, tables=tables)
    rows = normalize_document(doc, {"report_id": "putuo-retitled"})
    bl = rows.budget_lines
    mine = bl[bl.table_title == "表三"]
    assert set(mine.budget_table) == {"expenditure"}  # from its header (本年支出合计)
    sums = [r for r in validate_report(rows, doc, PLAIN) if r.check == "budget_table.row_sums" and "表三" in r.message]
    assert len(sums) == 20 and all(r.passed for r in sums)
    assert any(r.observed == "2,940.05 万元" and r.expected == "2,336.91 + 603.14 = 2,940.05 万元" for r in sums)


@pytest.mark.slow
def test_changchun_publisher_inconsistencies_are_caught_and_a_misprinted_code_is_still_a_line():
    """长春 预算表6 p.11 prints 301 工资福利支出 911.21 over 款 that add to 920.96, 302 商品和服务支出
    211.00 over 款 that add to 221.37 (30208 printed for both 取暖费 23.37 and 物业管理费 36.18);
    预算表3 p.8 prints 2014002 一般行政管理事务 合计 458.00 with 当年预算 小计 0.00 beside 项目支出 458.00."""
    from extract import read_document

    doc = read_document(corpus_pdf("real/changchun-2026-petition-bureau-budget.pdf"))
    results = validate_report(normalize_document(doc, {"report_id": "changchun"}), doc, PLAIN)
    failed = {(r.check, r.page, r.observed) for r in results if r.passed is False and r.severity == "error"}
    assert ("budget_table.code_hierarchy", 11, "911.21 万元") in failed
    assert ("budget_table.code_hierarchy", 11, "211.00 万元") in failed
    assert ("budget_table.row_sums", 8, "458.00 万元") in failed and ("budget_table.row_sums", 8, "0.00 万元") in failed
    assert {p for _, p, _ in failed} == {8, 11}
    assert not any(r.passed is None and r.page == 11 for r in results)
