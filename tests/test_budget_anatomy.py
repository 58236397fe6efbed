"""The budget-table anatomy on real pages of other provinces (issues 11 and 17), one test per cause:
行次 columns and 栏次 rows are metadata; the measure hierarchy comes from the header; parallel
classifications are not summed together; the unit is the table's money unit (never the
organisation), null when none is declared, exact when scaled; captions are never measures; codes
without leading zeros; a table continued over pages keeps its kind, unit, codes and every row.
Values asserted here were read off the rendered pages."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import lru_cache

import pytest

from conftest import corpus_pdf
from tables import make_table
from extract import read_document
from extract.model import Table
from normalize.anatomy import table_unit
from normalize.document import normalize_document
from normalize.families.budget_table import budget_lines
from normalize.table_headers import measure_parents
from validate import validate_report
from validate.settings import ValidateSettings

WAN = Decimal(10000)
PLAIN = ValidateSettings(use_gx=False)


@lru_cache(maxsize=None)
def report(name: str):
    doc = read_document(corpus_pdf(f"real/{name}.pdf"))
    rows = normalize_document(doc, {"report_id": name[:12]})
    return doc, rows, validate_report(rows, doc, PLAIN)


def lines_on(name: str, page: int):
    bl = report(name)[1].budget_lines
    return bl[bl.page == page]


def checks_on(name: str, page: int, check: str):
    return [c for c in report(name)[2] if c.page == page and c.check == check]


# ---- 行次 / 栏次 ------------------------------------------------------------------------------

@pytest.mark.slow
def test_foshan_line_numbers_are_never_amounts_and_the_appropriation_summary_adds_up():
    """佛山 财政拨款收入支出决算总表 p.12: 项目 | 行次 | 金额 | 项目 | 行次 | 合计 | 一般公共预算财政拨款 |
    政府性基金预算财政拨款, with a 栏次 row; 一、一般公共服务支出 is 行次 28."""
    page = lines_on("foshan-2019-rail-transit-bureau-final-accounts", 12)
    assert "行次" not in set(page.measure)
    assert not (page.raw == "28").any() and not (page.raw == "1").any()
    income = page[page.line_label == "一、一般公共预算财政拨款"]
    assert list(income.value) == [Decimal("1668.14") * WAN]
    sums = checks_on("foshan-2019-rail-transit-bureau-final-accounts", 12, "budget_table.row_sums")
    assert sums and all(c.passed for c in sums)
    assert any("合计 = 一般公共预算财政拨款 + 政府性基金预算财政拨款" in c.message for c in sums)


@pytest.mark.slow
def test_national_row_numbers_do_not_reach_the_summary_total():
    """国家信访局 收入支出决算总表 p.7: 本年收入合计 行次 27, 金额 20,451.35."""
    page = lines_on("national-petition-bureau-2024-final-accounts", 7)
    total = page[page.line_label == "本年收入合计"]
    assert list(total.value) == [Decimal("20451.35") * WAN]
    assert all(c.passed for c in checks_on("national-petition-bureau-2024-final-accounts", 7, "budget_table.total_row"))


@pytest.mark.slow
def test_hangzhou_star_column_number_row_is_not_a_line():
    """杭州 表5 p.19: the row `** 1 2 3 4 5` under the header."""
    page = lines_on("hangzhou-2026-meteorological-bureau-budget", 19)
    assert not page.line_label.isin(["**"]).any()
    assert set(page[page.row == page.row.min()].line_label) == {"合计"}


# ---- measure hierarchy ----------------------------------------------------------------------

@pytest.mark.slow
def test_hangzhou_basic_subtotal_is_the_total_of_its_parts_not_a_part_beside_them():
    """杭州 表5 p.19: 合计 | 基本支出 (小计 | 人员经费 | 日常公用支出) | 项目支出; 合计 5,753.07 =
    基本支出 3,745.07 + 项目支出 2,008.00; 小计 3,745.07 = 2,906.80 + 838.27."""
    page = lines_on("hangzhou-2026-meteorological-bureau-budget", 19)
    total = page[page.line_label == "合计"].set_index("measure_path")
    assert total.loc["基本支出/人员经费", "parent_path"] == "基本支出/小计"
    assert total.loc["基本支出/小计", "parent_path"] == "合计"
    assert total.loc["项目支出", "parent_path"] == "合计"
    assert total.loc["合计", "measure_role"] == "total"
    sums = checks_on("hangzhou-2026-meteorological-bureau-budget", 19, "budget_table.row_sums")
    assert len(sums) >= 17 and all(c.passed for c in sums)
    assert any(c.observed == "5,753.07 万元" and c.expected == "3,745.07 + 2,008.00 = 5,753.07 万元" for c in sums)


def test_two_totals_over_one_group_leave_it_unexplained_and_of_which_columns_are_a_memo():
    parents, unexplained = measure_parents({1: ["预算数", "合计"], 2: ["预算数", "因公出国"], 3: ["预算数", "小计"]})
    assert parents == {} and unexplained == [1, 3]
    parents, unexplained = measure_parents({1: ["支出总计"], 2: ["基本支出"], 3: ["政府采购", "小计"],
                                            4: ["政府采购", "其中：货物"]})
    assert parents == {2: 1} and unexplained == [3]
    # 小计 | 其中：基本支出 | 项目支出 (广州 p.12): 其中 beside a plain part is a part
    parents, _ = measure_parents({1: ["支出", "小计"], 2: ["支出", "其中：基本支出"], 3: ["支出", "项目支出"]})
    assert parents == {2: 1, 3: 1}


@pytest.mark.slow
def test_yantai_parallel_economic_classifications_are_not_summed_together():
    """烟台 一般公共预算基本支出情况表 p.17: 部门经济分类 301 工资福利支出 beside 政府经济分类 501 and
    505: the second classification is neither label nor code, and code sums are not applied."""
    page = lines_on("yantai-2026-audit-bureau-budget", 17)
    assert not page.code.fillna("").str.startswith("50").any()
    assert "工资福利支出" in set(page[page.code == "301"].line_label)
    na = checks_on("yantai-2026-audit-bureau-budget", 17, "budget_table.code_hierarchy")
    assert na and all(c.passed is None and "cross-classification" in c.message for c in na)
    assert not any(c.blocking for c in na)


# ---- units ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_changchun_unit_is_the_money_unit_not_the_organisation():
    """长春 p.8 支出总表（预算表3）: 预算单位：长春市信访局 … 单位：万元; 总计 1,682.76."""
    doc, rows, _ = report("changchun-2026-petition-bureau-budget")
    table = next(t for t in doc.tables if t.page_start == 8)
    assert table.unit == "万元"  # extract: the money unit wins over the organisation on the caption line
    assert table_unit(table, table.text_grid(), limit=6) == "万元"
    page = lines_on("changchun-2026-petition-bureau-budget", 8)
    assert set(page.unit) == {"元"}
    assert Decimal("1682.76") * WAN in set(page[page.line_label == "总计："].value)
    # the caption row is a title, never a measure
    assert not page.measure.str.contains("预算表").any() and set(page.table_title) == {"支出总表（预算表3）"}


@pytest.mark.slow
def test_chongqing_unit_line_with_its_colon_drawn_apart():
    """重庆 p.12 年一般公共预算支出情况表: `单位：万元` drawn as 单位万元 and a separate colon; 合计 12,672.73."""
    page = lines_on("chongqing-2026-meteorological-bureau-budget", 12)
    assert set(page.unit) == {"元"}
    assert Decimal("12672.73") * WAN in set(page.value)


def test_half_width_colon_unit_and_exact_scaling_of_long_decimals():
    t = make_table([["项目", "金额"], ["一般公共服务支出", "608.389200"], ["合计", "608.389200"]],
                   title="支出总表", unit="杭州市气象局")
    assert table_unit(Table(t.cells, 1, 1, title="单位:万元"), t.text_grid()) == "万元"
    t = make_table([["单位:万元", "单位:万元"], ["项目", "金额"], ["一般公共服务支出", "608.389200"]],
                   title="支出总表")
    line = next(ln for ln in budget_lines(t, {}) if ln["line_label"] == "一般公共服务支出")
    assert line["value"] == Decimal("6083892.00") and line["unit"] == "元"


def test_a_table_without_a_unit_keeps_amounts_as_printed_with_a_null_unit_and_a_warning():
    from normalize.rows import frame
    from validate.budget_table import unknown_units

    t = make_table([["项目", "本年支出合计", "基本支出"], ["合计", "1,248.63", "1,248.63"]], title="支出总表")
    lines = budget_lines(t, {"table_id": "r-t01", "table_title": "支出总表"})
    assert {(ln["value"], ln["unit"]) for ln in lines} == {(Decimal("1248.63"), None)}
    warned = unknown_units(frame("budget_lines", lines), PLAIN)
    assert [(c.check, c.severity, c.passed, c.page, c.table_id) for c in warned] == \
        [("budget_table.unit_unknown", "warning", False, 1, "r-t01")]


# ---- codes, captions ------------------------------------------------------------------------

def test_section_codes_printed_without_their_leading_zero():
    t = make_table([["类", "款", "科目名称", "金额"], ["301", "", "工资福利支出", "10.00"],
                    ["", "2", "津贴补贴", "7.00"], ["", "7", "绩效工资", "3.00"]], title="基本支出表", unit="万元")
    codes = {ln["line_label"]: ln["code"] for ln in budget_lines(t, {})}
    assert codes == {"工资福利支出": "301", "津贴补贴": "30102", "绩效工资": "30107"}


def test_a_caption_line_in_the_grid_never_names_a_measure():
    t = make_table([["预算03表支出总表"] * 3, ["科目名称", "合计", "基本支出"], ["合计", "10.00", "10.00"]],
                   unit="万元")
    lines = budget_lines(t, {})
    assert {ln["measure"] for ln in lines} == {"合计", "基本支出"}
    assert {ln["table_title"] for ln in lines} == {"预算03表支出总表"}
    assert {ln["budget_table"] for ln in lines} == {"expenditure"}


# ---- tables over pages ----------------------------------------------------------------------

@pytest.mark.slow
def test_yantai_continued_table_keeps_the_section_of_its_first_page():
    """烟台 收入总体情况表 p.9-10: p.10 opens with 项 02 事业单位医疗 22.75 under 款 21011 (p.9)."""
    p10 = lines_on("yantai-2026-audit-bureau-budget", 10)
    first = p10[p10.line_label == "事业单位医疗"]
    assert set(first.code) == {"2101102"} and Decimal("22.75") * WAN in set(first.value)
    p9 = lines_on("yantai-2026-audit-bureau-budget", 9)
    assert set(p10.logical_table) == set(p9.logical_table) and set(p10.unit) == {"元"}
    hier = [c for c in report("yantai-2026-audit-bureau-budget")[2]
            if c.check == "budget_table.code_hierarchy" and "21011" in c.message]
    assert hier and all(c.passed for c in hier)  # 151.80 = 78.51 + 22.75 + 42.86 + 7.67 + 0.01…


@pytest.mark.slow
def test_foshan_income_table_over_two_pages_totals_once():
    """佛山 收入决算表 p.8-9 repeat 合计 1,668.14 on each page; 类 208 76.23 + 214 1,531.04 (p.8) +
    221 60.87 (p.9) = 1,668.14."""
    checks = [c for c in report("foshan-2019-rail-transit-bureau-final-accounts")[2]
              if c.check == "budget_table.total_row" and "收入决算表" in c.message]
    assert checks and all(c.passed for c in checks)
    assert any("Σ of its 3 类" in c.message for c in checks)


# ---- 三公 -----------------------------------------------------------------------------------

@pytest.mark.slow
def test_three_public_costs_by_header_and_by_rows():
    """杭州 p.21: “三公”经费合计 24.02 = 因公出国 0 + 公务用车购置及运行费 18.00 + 公务接待费 6.02 (the
    header names the parts: the header tree's row sums check it, the known 三公 structure);
    泉州 p.17 prints them as rows: 合计 11.20 = 0.00 + 2.00 + 9.20, 9.20 = 0.00 + 9.20."""
    hz = [c for c in checks_on("hangzhou-2026-meteorological-bureau-budget", 21, "budget_table.row_sums")
          if "三公" in c.message]
    assert hz and all(c.passed for c in hz)
    assert any(c.observed == "24.02 万元" for c in hz)
    qz = [c for c in report("quanzhou-2026-market-supervision-center-unit-budget")[2] if c.check == "budget_table.three_public"]
    assert sorted(c.observed for c in qz) == ["11.20 万元", "9.20 万元"] and all(c.passed for c in qz)


@pytest.mark.slow
def test_chongqing_last_row_of_each_page_is_kept():
    """重庆 年一般公共预算基本支出情况表 p.14-15 draws its amounts ~10 pt below their labels; the last
    row of p.14 (30113 住房公积金 39.70) and of p.15 (30307 医疗费补助 1.00) hang over the bottom rule.
    With them, 301 工资福利支出 5,293.75 and 303 对个人和家庭的补助 14.30 add up."""
    lines = report("chongqing-2026-meteorological-bureau-budget")[1].budget_lines
    last = lines[lines.code.isin(["30113", "30307"])]
    assert sorted(set(zip(last.code, last.page, last.raw))) == [("30113", 14, "39.70"), ("30307", 15, "1.00")]
    hier = [c for c in report("chongqing-2026-meteorological-bureau-budget")[2] if c.check == "budget_table.code_hierarchy"]
    assert hier and all(c.passed for c in hier)


def test_a_project_execution_table_lands_and_is_checked():
    """项目支出执行情况表: one row per project with 全年预算数 / 全年执行数 / 执行率 (none in the corpus
    prints one as its own table; the national 决算's project forms carry the same block)."""
    from extract.model import Document

    t = make_table([["项目名称", "全年预算数", "全年执行数", "执行率"], ["信访业务", "2,066.84", "2,000.00", "96.77%"],
                    ["机关服务", "100.00", "50.00", "50.00%"], ["合计", "2,166.84", "2,050.00", "94.61%"]],
                   title="2024年项目支出执行情况表", unit="万元")
    doc = Document(path="x.pdf", page_count=1, tables=[t])
    rows = normalize_document(doc, {"report_id": "x"})
    bl = rows.budget_lines
    assert set(bl.line_label) == {"信访业务", "机关服务", "合计"}
    assert Decimal("20668400.00") in set(bl.value)
    results = validate_report(rows, doc, PLAIN)
    rates = [r for r in results if r.check.endswith("execution_rate")]
    # one rule per fact: a funding table's 执行率 is budget_execution's, never checked twice
    assert sorted(r.check for r in rates) == ["budget.execution_rate"] * 3
    assert all(r.passed for r in rates)
    assert any(r.check.endswith("funding_sums_to_total") and r.passed for r in results)


def test_an_unruled_budget_table_is_a_budget_table():
    """A whitespace-aligned 支出决算表 (no rules: extract's `unruled` strategy) reads like a ruled one."""
    t = make_table([["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
                    ["201", "一般公共服务支出", "2,106.66", "1,503.52", "603.14"],
                    ["20106", "财政事务", "2,106.66", "1,503.52", "603.14"]], title="支出决算表", unit="万元")
    t = Table(cells=t.cells, page_start=1, page_end=1, strategy="unruled", title="支出决算表", unit="万元")
    from normalize.anatomy import anatomy
    from normalize.families import best_family

    family, score = best_family(t, anatomy(t))
    assert family is not None and family.name == "budget_table"
    lines = budget_lines(t, {})
    assert {(ln["code"], ln["measure"], ln["value"]) for ln in lines if ln["code"] == "20106"} == {
        ("20106", "本年支出合计", Decimal("21066600.00")), ("20106", "基本支出", Decimal("15035200.00")),
        ("20106", "项目支出", Decimal("6031400.00"))}
    assert {ln["parent_path"] for ln in lines if ln["measure"] != "本年支出合计"} == {"本年支出合计"}


def test_a_continuation_piece_inherits_its_tables_unit_header_kind_and_codes():
    """p.1 prints the caption, 单位：万元 and the header; p.2 goes on with a 项 under p.1's 款 and no
    header, caption or unit of its own."""
    from extract.model import Document

    first = make_table([["类", "款", "项", "科目名称", "本年支出合计", "基本支出", "项目支出"],
                        ["201", "", "", "一般公共服务支出", "30.00", "10.00", "20.00"],
                        ["", "06", "", "财政事务", "30.00", "10.00", "20.00"],
                        ["", "", "01", "行政运行", "10.00", "10.00", ""]], title="支出决算表", unit="万元")
    rest = make_table([["", "", "02", "一般行政管理事务", "20.00", "", "20.00"]])
    rest = Table(cells=[dataclasses.replace(c, page=2) for c in rest.cells], page_start=2, page_end=2)
    doc = Document(path="x.pdf", page_count=2, tables=[first, rest])
    rows = normalize_document(doc, {"report_id": "r"})
    p2 = rows.budget_lines[rows.budget_lines.page == 2]
    assert set(p2.code) == {"2010602"} and set(p2.unit) == {"元"}
    assert set(p2.measure) == {"本年支出合计", "项目支出"} and Decimal("200000.00") in set(p2.value)
    assert set(p2.logical_table) == {"r-t01"} and set(p2.budget_table) == {"expenditure"}
    results = validate_report(rows, doc, PLAIN)
    hier = [r for r in results if r.check == "budget_table.code_hierarchy"]
    assert any("20106" in r.message and r.passed for r in hier)  # 30.00 = 10.00 (p.1) + 20.00 (p.2)
