"""部门决算 / 部门预算 tables → budget lines: small tables built as plain data for each rule, then
the real corpus documents end to end (Putuo 2024 决算, Jiangsu 2019 预算, the blank template)."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache, partial

import pytest

import tables
from conftest import corpus_pdf
from extract import read_document
from extract.model import Table
from normalize.document import normalize_document, table_kind
from normalize.families.budget_table import budget_lines, build_code, clean_label, is_budget_table
from normalize.table_headers import header_end, measure_names

WAN = Decimal(10000)


# the tables of this file are in 万元 unless they say otherwise
make_table = partial(tables.make_table, unit="万元")


# The Putuo 支出决算表 header as printed: 项目 over 支出功能分类科目编码 (类 款 项) and 科目名称;
# 类/款/项 share the row with the 合计 line.
EXPENDITURE = make_table(
    [["项目", "", "", "", "本年支出合计", "基本支出", "项目支出"],
     ["支出功能分类科目编码", "", "", "科目名称", "", "", ""],
     ["类", "款", "项", "合计", "2,940.05", "2,336.91", "603.14"],
     ["201", "", "", "一般公共服务支出", "2,106.66", "1,503.52", "603.14"],
     ["", "06", "", "财政事务", "2,106.66", "1,503.52", "603.14"],
     ["", "", "01", "行政 运行", "1,511.89", "1,503.52", "8.37"],
     ["", "", "02", "一般行政管理事务", "10.00", "-", "10.00"]],
    spans={(0, 0): (1, 4), (1, 0): (1, 3), (1, 3): (1, 1), (0, 4): (2, 1), (0, 5): (2, 1),
           (0, 6): (2, 1)},
    title="支出决算表")


def by(lines, **keys):
    return [ln for ln in lines if all(ln[k] == v for k, v in keys.items())]


def one(lines, **keys):
    found = by(lines, **keys)
    assert len(found) == 1, (keys, found)
    return found[0]


# ---- rules on plain tables ------------------------------------------------------------------

def test_header_rows_end_at_the_first_number_and_flatten_to_one_name_per_column():
    grid = EXPENDITURE.text_grid()
    assert header_end(grid) == 2
    lines = budget_lines(EXPENDITURE, {"report_id": "r", "table_id": "r-t01", "section": None})
    assert {ln["measure"] for ln in lines} == {"本年支出合计", "基本支出", "项目支出"}
    total = one(lines, line_label="合计", measure="本年支出合计")
    assert total["value"] == Decimal("29400500.00") and total["unit"] == "元"
    assert total["code"] is None and total["raw"] == "2,940.05"
    assert (total["page"], total["x0"], total["top"], total["x1"], total["bottom"]) == \
        (1, 40.0, 40.0, 49.0, 59.0)
    assert total["table_title"] == "支出决算表" and total["table_id"] == "r-t01"


def test_codes_are_built_from_class_section_item_with_blanks_carried_down():
    lines = budget_lines(EXPENDITURE, {})
    codes = {ln["line_label"]: ln["code"] for ln in lines}
    assert codes == {"合计": None, "一般公共服务支出": "201", "财政事务": "20106",
                     "行政运行": "2010601", "一般行政管理事务": "2010602"}
    admin = one(lines, code="2010601", measure="本年支出合计")
    assert admin["value"] == Decimal("1511.89") * WAN
    assert (admin["line_group"], admin["line_item"]) == ("一般公共服务支出", "行政运行")
    # '-' gives no line: 一般行政管理事务 has no 基本支出
    assert by(lines, code="2010602", measure="基本支出") == []
    assert len(lines) == 3 * 5 - 1


def test_build_code_single_column_and_split_pieces():
    assert build_code({"编码": "2050205"}, {}) == "2050205"
    assert build_code({"编码": "合计"}, {}) is None
    last: dict = {}
    assert build_code({"类": "208", "款": "05", "项": ""}, last) == "20805"
    assert build_code({"类": "", "款": "", "项": "99"}, last) == "2080599"
    assert build_code({"类": "类", "款": "款", "项": "项"}, last) is None


def test_side_by_side_grid_splits_into_income_and_expenditure():
    t = make_table(
        [["收入", "", "支出", ""],
         ["项目", "决算数", "项目", "决算数"],
         ["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"],
         ["八、其他收入", "6.20", "八、社会保障和就业支出", "326.71"],
         ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"]],
        spans={(0, 0): (1, 2), (0, 2): (1, 2)}, title="收入支出决算总表")
    lines = budget_lines(t, {"table_title": "收入支出决算总表"})
    assert {ln["table_title"] for ln in lines} == {"收入支出决算总表（收入）", "收入支出决算总表（支出）"}
    income = by(lines, line_group="收入")
    assert [ln["line_item"] for ln in income] == ["一般公共预算财政拨款收入", "其他收入", "本年收入合计"]
    spent = one(lines, line_label="本年支出合计")
    assert (spent["line_group"], spent["measure"], spent["value"]) == \
        ("支出", "决算数", Decimal("29400500.00"))
    assert all(ln["code"] is None for ln in lines)


def test_same_leaf_under_two_parents_keeps_the_parent():
    assert measure_names([["年初结转和结余", "基本支出"], ["年末结转和结余", "基本支出"],
                          ["本年支出", "小计"], ["本年收入"]]) == \
        ["年初结转和结余·基本支出", "年末结转和结余·基本支出", "本年支出", "本年收入"]


def test_label_less_table_takes_its_line_label_from_the_header():
    # Putuo 三公: category over 预算数/决算数 and a single row of numbers.
    t = make_table(
        [["合计", "", "因公出国（境）费", "", "公务接待费", ""],
         ["预算数", "决算数", "预算数", "决算数", "预算数", "决算数"],
         ["0.95", "", "", "", "0.95", "0.50"]],
        spans={(0, 0): (1, 2), (0, 2): (1, 2), (0, 4): (1, 2)}, title="财政拨款“三公”经费支出决算表")
    assert is_budget_table(t)
    lines = budget_lines(t, {})
    assert [(ln["line_label"], ln["measure"], ln["value"]) for ln in lines] == [
        ("合计", "预算数", Decimal("9500.00")), ("公务接待费", "预算数", Decimal("9500.00")),
        ("公务接待费", "决算数", Decimal("5000.00"))]


def test_unit_from_header_when_the_table_has_none_and_rates_stay_percent():
    t = make_table([["科目编码", "科目名称", "金额（万元）", "增长率"],
                    ["201", "一般公共服务支出", "12.5", "3.20%"]], unit=None, title="支出预算表")
    lines = budget_lines(t, {})
    assert [(ln["measure"], ln["value"], ln["unit"]) for ln in lines] == [
        ("金额（万元）", Decimal("125000.00"), "元"), ("增长率", Decimal("3.20"), "%")]


def test_column_number_row_is_header_and_codes_printed_inside_labels_are_read():
    t = make_table([["项目", "本年支出合计", "基本支出"],
                    ["栏次", "1", "2"],
                    ["合计", "12.00", "10.00"],
                    ["2010601 行政运行", "12.00", "10.00"]], title="支出决算表")
    assert header_end(t.text_grid()) == 2
    lines = budget_lines(t, {})
    assert [(ln["line_label"], ln["code"], ln["measure"]) for ln in lines] == [
        ("合计", None, "本年支出合计"), ("合计", None, "基本支出"),
        ("行政运行", "2010601", "本年支出合计"), ("行政运行", "2010601", "基本支出")]


def test_self_evaluation_and_indicator_tables_are_not_claimed():
    budget = make_table([["项目", "全年预算数", "全年执行数", "执行率"], ["合计", "10", "9", "90%"]],
                        title="部门预算执行情况表")
    indicators = make_table([["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"],
                             ["产出指标", "数量指标", "受理量", "≥100件", "120件"]])
    units = make_table([["序号", "单位名称", "备注"], ["1", "上海市普陀区财政局（本级）", ""]])
    assert not any(is_budget_table(t) for t in (budget, indicators, units))
    assert is_budget_table(EXPENDITURE)
    untitled = make_table(EXPENDITURE.text_grid())  # recognised by its header alone
    assert is_budget_table(untitled)


def test_clean_label_removes_layout_spaces_only_around_cjk():
    assert clean_label("机关事业单位基本养老保险缴\n费支出") == "机关事业单位基本养老保险缴费支出"
    assert clean_label(" 上海市 XX 局 ") == "上海市XX局"
    assert clean_label("PC 服务器") == "PC服务器"


# ---- real documents -------------------------------------------------------------------------

@lru_cache(maxsize=None)
def normalized(name: str):
    doc = read_document(corpus_pdf(name))
    return doc, normalize_document(doc, {"report_id": "x", "source_path": name})


def lines_of(name: str, title: str | None = None) -> list[dict]:
    _, rows = normalized(name)
    records = [{k: None if isinstance(v, float) and v != v else v for k, v in r.items()}
               for r in rows.budget_lines.to_dict("records")]  # the frame holds NaN for null
    return [r for r in records if title is None or r["table_title"] == title]


PUTUO = "putuo-2024-finance-bureau-final-accounts.pdf"


def test_putuo_expenditure_table_known_values():
    lines = lines_of(PUTUO, "支出决算表")
    total = {ln["measure"]: ln for ln in by(lines, line_label="合计")}
    assert total["本年支出合计"]["value"] == Decimal("29400500.00")
    assert total["基本支出"]["value"] == Decimal("2336.91") * WAN
    assert total["项目支出"]["value"] == Decimal("603.14") * WAN
    assert total["本年支出合计"]["page"] == 10 and total["本年支出合计"]["code"] is None
    admin = one(lines, code="2010601", measure="本年支出合计")
    assert admin["line_label"] == "行政运行" and admin["value"] == Decimal("1511.89") * WAN
    assert admin["raw"] == "1,511.89" and admin["unit"] == "元"
    # the continuation page (no header) is read too: 住房公积金 2210201 on page 11
    housing = one(lines, code="2210201", measure="本年支出合计")
    assert housing["page"] == 11 and housing["value"] == Decimal("187.19") * WAN


def test_putuo_every_expenditure_row_has_its_code():
    lines = lines_of(PUTUO, "支出决算表")
    rows = {ln["row"]: ln for ln in lines}
    labels = {r: ln["line_label"] for r, ln in rows.items()}
    uncoded = [labels[r] for r, ln in rows.items() if ln["code"] is None]
    assert uncoded == ["合计"]
    assert all(len(ln["code"]) in (3, 5, 7) for ln in rows.values() if ln["code"])
    assert len(rows) == 20  # 合计 + 4 类 + 4 款 + 11 项
    assert sorted(len(ln["code"]) for ln in rows.values() if ln["code"]).count(7) == 11
    # each 项 code extends its 款, each 款 its 类 — the codes sit on the right rows
    codes = {ln["code"]: ln["line_label"] for ln in rows.values() if ln["code"]}
    assert codes["201"] == "一般公共服务支出" and codes["20106"] == "财政事务"
    assert codes["2080505"] == "机关事业单位基本养老保险缴费支出"
    for code in codes:
        if len(code) > 3:
            assert code[:-2] in codes, code


def test_putuo_basic_plus_project_equals_total_on_every_row():
    lines = lines_of(PUTUO, "支出决算表")
    per_row: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for ln in lines:
        per_row[ln["row"]][ln["measure"]] = ln["value"]
    assert len(per_row) == 20
    for row, values in per_row.items():
        parts = values.get("基本支出", Decimal(0)) + values.get("项目支出", Decimal(0))
        assert abs(parts - values["本年支出合计"]) <= Decimal("0.01") * WAN, row


@pytest.mark.parametrize("title", ["支出决算表", "收入决算表", "一般公共预算财政拨款支出决算表"])
def test_putuo_each_class_is_the_sum_of_its_sections(title):
    lines = lines_of(PUTUO, title)
    checked = 0
    for measure in {ln["measure"] for ln in lines}:
        values = {ln["code"]: ln["value"] for ln in lines if ln["measure"] == measure and ln["code"]}
        for code, value in values.items():
            if len(code) == 7:
                continue
            children = [v for c, v in values.items() if len(c) == len(code) + 2 and c.startswith(code)]
            tolerance = Decimal("0.01") * WAN * max(len(children), 1)
            assert abs(sum(children, Decimal(0)) - value) <= tolerance, (measure, code)
            checked += 1
    assert checked >= 16  # 4 类 + 4 款 under the two main measures at least


def test_putuo_side_by_side_summaries_are_split():
    summary = lines_of(PUTUO, "收入支出决算总表（收入）")
    assert [(ln["line_item"], ln["value"] / WAN) for ln in summary] == [
        ("一般公共预算财政拨款收入", Decimal("2940.05")), ("其他收入", Decimal("6.20")),
        ("本年收入合计", Decimal("2946.25")), ("年初结转和结余", Decimal("49.14")),
        ("总计", Decimal("2995.39"))]
    spending = lines_of(PUTUO, "收入支出决算总表（支出）")
    assert one(spending, line_label="本年支出合计")["value"] == Decimal("29400500.00")
    assert {ln["line_group"] for ln in spending} == {"支出"}
    grants = lines_of(PUTUO, "财政拨款收入支出决算总表（支出）")
    housing = by(grants, line_label="十九、住房保障支出")
    assert {ln["measure"]: ln["value"] / WAN for ln in housing} == {
        "合计": Decimal("445.69"), "一般公共预算财政拨款": Decimal("445.69")}


def test_putuo_basic_expenditure_halves_and_three_public_costs():
    basic = lines_of(PUTUO, "一般公共预算财政拨款基本支出决算表")
    assert one(basic, code="30101")["value"] == Decimal("262.33") * WAN  # left half
    assert one(basic, code="30229")["value"] == Decimal("42.77") * WAN  # right half
    assert one(basic, code="31002")["line_group"] == "资本性支出"
    assert one(basic, line_label="人员经费合计")["value"] == Decimal("2152.26") * WAN
    assert one(basic, line_label="公用经费合计")["value"] == Decimal("184.65") * WAN
    three = lines_of(PUTUO, "财政拨款“三公”经费支出决算表")
    assert [(ln["line_label"], ln["measure"], ln["value"]) for ln in three] == [
        ("财政拨款“三公”经费", "预算数", Decimal("9500.00")), ("公务接待费", "预算数", Decimal("9500.00"))]


def test_putuo_tables_recognised():
    doc, rows = normalized(PUTUO)
    kinds = dict(zip(rows.tables["table_id"], rows.tables["kind"]))
    assert list(kinds.values()) == ["other"] + ["budget_table"] * 9  # the unit list is not one


JIANGSU_TABLES = "jiangsu-2019-party-office-budget-tables.pdf"


def test_jiangsu_budget_tables_give_lines():
    all_lines = lines_of(JIANGSU_TABLES)
    assert len(all_lines) > 150
    function = lines_of(JIANGSU_TABLES, "一般公共预算支出预算表（功能科目）")
    admin = one(function, code="2013101")
    assert (admin["line_label"], admin["measure"], admin["value"]) == \
        ("行政运行", "金额", Decimal("9370.12") * WAN)
    assert one(function, line_label="合计")["value"] == Decimal("27664.22") * WAN
    # 收支预算总表: three sides, 支出 printed by function and by use
    assert {ln["table_title"] for ln in all_lines if ln["table_title"].startswith("收支预算总表")} == {
        "收支预算总表（收入）", "收支预算总表（支出·功能分类）", "收支预算总表（支出·支出用途）"}
    use = lines_of(JIANGSU_TABLES, "收支预算总表（支出·支出用途）")
    assert one(use, line_item="基本支出")["value"] == Decimal("11700.63") * WAN
    assert one(use, line_label="支出合计")["value"] == Decimal("27664.22") * WAN
    # 收入预算总表: two label columns → group and item
    income = lines_of(JIANGSU_TABLES, "收入预算总表")
    grant = one(income, line_item="公共财政拨款(补助)资金")
    assert grant["line_group"] == "一般公共预算资金" and grant["value"] == Decimal("27664.22") * WAN
    # 支出预算总表 and 三公: no label column, the header names each number
    three = lines_of(JIANGSU_TABLES, "“三公”经费、会议费、培训费支出预算表")
    assert one(three, line_label="会议费")["value"] == Decimal("933.50") * WAN
    assert one(three, line_label="因公出国（境）费")["value"] == Decimal("70.00") * WAN


def test_jiangsu_text_document_has_no_phantom_budget_lines():
    # Its tables are published separately (具体公开表样附后): prose only.
    doc, rows = normalized("jiangsu-2019-party-office-budget-text.pdf")
    assert rows.report["report_kind"] == "budget"
    assert not any(table_kind(t) == "budget_table" and budget_lines(t, {}) for t in doc.tables)


def test_template_tables_are_recognised_and_blank():
    doc, rows = normalized("shanghai-final-accounts-template.pdf")
    kinds = list(rows.tables["kind"])
    assert kinds.count("budget_table") == 9 and kinds[0] == "other"
    assert rows.budget_lines.empty  # the template prints no numbers


# ---- bad input ------------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

_TOKENS = st.sampled_from(["", "-", "项目", "类", "款", "项", "科目编码", "科目名称", "合计", "小计",
                           "本年支出合计", "基本支出", "收入", "支出", "决算数", "201", "06", "01",
                           "2010601", "1,511.89", "99.5%", "一、收入", "行政运行", "金额"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TOKENS, min_size=1, max_size=7), min_size=1, max_size=8),
       st.sampled_from([None, "万元", "元"]))
def test_any_grid_of_budget_words_gives_lines_or_none_but_never_crashes(rows, unit):
    width = max(len(r) for r in rows)
    t = make_table([r + [""] * (width - len(r)) for r in rows], unit=unit, title="支出决算表")
    is_budget_table(t)
    for ln in budget_lines(t, {}):
        # a table with no declared unit keeps its amounts as printed, unit null (never 元)
        assert ln["unit"] in (("元", "%") if unit else (None, "%")) and ln["raw"].strip() not in ("", "-")
        assert ln["code"] is None or ln["code"].isdigit()


def test_empty_table_gives_no_lines():
    empty = Table(cells=[], page_start=1, page_end=1, title="支出决算表")
    assert budget_lines(empty, {}) == [] and is_budget_table(empty)
