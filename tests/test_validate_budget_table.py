"""决算 table checks and prose checks on the real Putuo 2024 final accounts, on the rows the real
normalizer emits (normalize.normalize_document → normalize.families.budget_table.budget_lines)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pandas as pd
import pytest

from normalize.document import normalize_document
from validate import budget_table, gx_suites, prose_checks, validate_report
from validate.settings import ValidateSettings

PUTUO = "putuo-2024-finance-bureau-final-accounts.pdf"


@pytest.fixture(scope="module")
def putuo(putuo_doc):
    return putuo_doc, normalize_document(putuo_doc, {"report_id": "putuo", "source_path": PUTUO})


def test_every_table_check_on_putuo_runs_and_passes(putuo):
    doc, rows = putuo
    results = gx_suites.run(budget_table.comparisons(rows.budget_lines, ValidateSettings()))
    by_check = pd.Series([r.check for r in results]).value_counts().to_dict()
    failed = [r.message for r in results if not r.passed]
    assert failed == []
    # How many of each, derived from the pages (8-9 收入决算表, 10-11 支出决算表, 12-13 财政拨款收入
    # 支出决算总表, 15 一般公共预算财政拨款支出决算表, 16-17 基本支出决算表, 6-7 收入支出决算总表):
    assert by_check == {
        # each row with figures where a total column meets its parts: 合计 + 19 coded rows in each
        # of the three 类/款/项 tables, and the 7 支出 rows with figures of the 财政拨款总表
        "budget_table.row_sums": 20 + 20 + 20 + 7,
        # each 类 and 款 with a figure, per measure column that has one: 8 + 8 + 2 (其他收入 / 项目
        # 支出: only 201 and 20106) in each 类/款/项 table, and the 4 类 of the 基本支出决算表
        "budget_table.code_hierarchy": 18 + 18 + 18 + 4,
        # 合计 = Σ 类 per measure (3 + 3 + 3), 本年收入/支出合计 = Σ numbered lines in the two
        # 总表 (2 + 3), 人员经费合计 and 公用经费合计
        "budget_table.total_row": 9 + 5 + 2,
        # the 4 类 of 支出决算表 in two 总表s, 3 totals across tables, 基本支出 = 人员 + 公用经费
        "budget_table.cross_table": 8 + 3 + 1,
        # the 3 totals printed in two tables land at one scale
        "budget_table.unit_guard": 3,
    }
    # The known facts: 2,336.91 + 603.14 = 2,940.05 in the 支出决算表; 326.71 vs 326.72 agrees within rounding.
    assert any(r.observed == "2,940.05 万元" and r.expected == "2,336.91 + 603.14 = 2,940.05 万元"
               for r in results if r.check == "budget_table.row_sums")
    assert any("社会保障和就业支出" in r.message and r.observed == "326.71 万元" and r.passed
               for r in results if r.check == "budget_table.cross_table")


def test_a_wrong_amount_fails_and_names_its_line(putuo):
    doc, rows = putuo
    lines = rows.budget_lines.copy()
    wrong = (lines["code"] == "2010601") & (lines["measure"] == "基本支出") & \
        (lines["table_title"] == "支出决算表")
    assert wrong.sum() == 1
    lines.loc[wrong, "value"] = Decimal("15036200.00")  # 1,503.62 万元 instead of 1,503.52
    lines.loc[wrong, "raw"] = "1,503.62"
    results = gx_suites.run(budget_table.comparisons(lines, ValidateSettings()))
    failed = [r for r in results if not r.passed]
    assert {r.check for r in failed} == {"budget_table.row_sums", "budget_table.code_hierarchy"}  # 合计 = Σ 类 is untouched
    row_sum = next(r for r in failed if r.check == "budget_table.row_sums")
    assert "2010601 行政运行 / 本年支出合计" in row_sum.message
    assert row_sum.observed == "1,511.89 万元" and row_sum.expected.endswith("1,511.99 万元")
    assert row_sum.page == 10 and row_sum.severity == "error"


def test_prose_finds_the_publishers_own_inconsistencies(putuo):
    doc, rows = putuo
    figures = prose_checks.figures_of(doc)
    results = gx_suites.run(prose_checks.comparisons(figures, rows.budget_lines, ValidateSettings()))
    results += prose_checks.word_checks(figures, ValidateSettings())
    failed = [r for r in results if not r.passed]
    # 2,106.66 / 2,940.05 = 71.65%, printed 71.73%; and 财政拨款收入支出总计 printed 0.3 万元
    # where the 财政拨款收入支出决算总表 says 2,961.68.
    assert sorted((r.check, r.page, r.observed) for r in failed) == [
        ("prose.matches_table", 21, "0.3 万元"), ("prose.share", 21, "71.73%")]
    share = next(r for r in failed if r.check == "prose.share")
    assert share.expected.startswith("2106.66 / 2940.05 = 71.65")
    total = next(r for r in failed if r.check == "prose.matches_table")
    assert "2,961.68 万元" in total.expected
    # Everything else the prose says was checked and holds.
    passed = [r for r in results if r.passed]
    assert sum(r.check == "prose.comparison_word" for r in passed) == 13  # 总体, 11 项, 三公
    assert any(r.check == "prose.matches_table" and r.observed == "1511.89 万元" for r in passed)


def test_prose_checks_that_hold_on_putuo_snapshot(putuo):
    """SNAPSHOT of how many prose figures each check compared (and found right) on pages 21-25,
    as of the commit that wrote it; only the 13 comparison words are counted on the page."""
    doc, rows = putuo
    figures = prose_checks.figures_of(doc)
    results = gx_suites.run(prose_checks.comparisons(figures, rows.budget_lines, ValidateSettings()))
    results += prose_checks.word_checks(figures, ValidateSettings())
    held = pd.Series([r.check for r in results if r.passed]).value_counts().to_dict()
    assert held == {"prose.matches_table": 22, "prose.comparison_word": 13, "prose.share": 8,
                    "prose.change_rate": 3, "prose.budget_rate": 2}


def test_a_wrong_comparison_word_fails_on_its_page(putuo):
    doc, rows = putuo
    lines = [dataclasses.replace(l, text=l.text.replace("决算数小于预", "决算数大于预"))
             if l.page == 22 and "元。决算数小于预算数" in l.text and "人员进出" in l.text else l
             for l in doc.lines]
    assert lines != doc.lines
    figures = prose_checks.figures_of(dataclasses.replace(doc, lines=lines))
    failed = [r for r in prose_checks.word_checks(figures, ValidateSettings()) if not r.passed]
    assert len(failed) == 1 and failed[0].page == 22
    assert "1560.05" in failed[0].observed and "1511.89" in failed[0].observed
    assert failed[0].expected == "决算数小于预算数"


def test_validate_report_on_putuo_lands_and_warns_of_the_publishers_errors(putuo):
    """Putuo's tables add up; its prose (p.21) misstates a share and a total: warnings, not
    quarantine (the tables we land are right)."""
    doc, rows = putuo
    results = validate_report(rows, doc)
    assert [r for r in results if r.blocking] == []
    warnings = [r for r in results if r.passed is False and r.severity == "warning"]
    assert sorted((r.check, r.page) for r in warnings) == [("prose.matches_table", 21), ("prose.share", 21)]


# Figures printed in each table, counted on the rendered pages (an empty cell prints none).
PRINTED_FIGURES = {
    "收入支出决算总表（收入）": 5,  # p.6-7: 2,940.05, 6.20, 2,946.25, 49.14, 2,995.39
    "收入支出决算总表（支出）": 7,  # 4 支出 lines, 本年支出合计, 年末结转和结余, 总计
    "收入决算表": 45,  # 合计 and 4 coded rows × 3, 15 rows × 2 (pp. 8-9)
    "支出决算表": 44,  # 合计 and 3 rows × 3, 3 rows × 2 (项目支出 only), 13 rows × 2 (pp. 10-11)
    "财政拨款收入支出决算总表（收入）": 5,  # p.12-13
    "财政拨款收入支出决算总表（支出）": 14,  # 7 rows × (合计, 一般公共预算财政拨款)
    "一般公共预算财政拨款支出决算表": 44,  # p.15, as 支出决算表
    "一般公共预算财政拨款基本支出决算表": 29,  # p.16-17: 12 人员经费 + 15 公用经费 figures + 2 合计
    "财政拨款“三公”经费支出决算表": 2,  # p.18: 合计 and 公务接待费 预算数 0.95
    # p.19-20 政府性基金 / 国有资本经营: printed empty (本表无数据), so no lines
}


def test_the_normalizer_emits_every_printed_figure_once_and_nothing_else(putuo):
    _, rows = putuo
    lines = rows.budget_lines
    assert lines.groupby("table_title").size().to_dict() == PRINTED_FIGURES
    assert set(lines.unit) == {"元"}  # every Putuo table is 单位：万元, no rates
    # value is the printed 万元 × 10,000, and raw is a printed amount, never a row number or a code
    for raw, value in zip(lines.raw, lines.value):
        assert Decimal(raw.replace(",", "")) * 10000 == value, raw
        assert "." in raw, raw
    by_cell = {(t, c if isinstance(c, str) else lbl, m): v for t, c, lbl, m, v in
               lines[["table_title", "code", "line_label", "measure", "raw"]].itertuples(index=False)}
    # cells read off the pages
    assert by_cell[("支出决算表", "2010601", "本年支出合计")] == "1,511.89"
    assert by_cell[("支出决算表", "2010601", "项目支出")] == "8.37"
    assert by_cell[("收入决算表", "2010602", "其他收入")] == "6.19"
    assert by_cell[("一般公共预算财政拨款基本支出决算表", "30239", "决算数")] == "48.49"
    assert by_cell[("财政拨款收入支出决算总表（支出）", "总计", "一般公共预算财政拨款")] == "2,961.68"
    # and every row of the three 类/款/项 tables adds up as printed: total = Σ the other columns
    for title, total in (("收入决算表", "本年收入合计"), ("支出决算表", "本年支出合计"),
                         ("一般公共预算财政拨款支出决算表", "合计")):
        table = lines[lines.table_title == title]
        for _, row in table.groupby("row"):
            by_measure = dict(zip(row.measure, row.value))
            assert by_measure.pop(total) == sum(by_measure.values()), (title, row.line_label.iloc[0])


def test_the_normalizer_rows_pass_every_table_check(putuo):
    doc, rows = putuo
    results = validate_report(rows, doc)
    table = [r for r in results if r.check.startswith("budget_table.")]
    assert [r.message for r in table if not r.passed] == []
    assert len(table) == sum({"budget_table.row_sums": 67, "budget_table.code_hierarchy": 58, "budget_table.total_row": 16,
                              "budget_table.cross_table": 12, "budget_table.unit_guard": 3}.values())  # derived above, from the pages
    assert sorted(r.check for r in results if not r.passed) == ["prose.matches_table", "prose.share"]
