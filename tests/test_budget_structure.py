"""The structure of a 预算 / 决算 table, read from its header and confirmed by its numbers, on plain
`Table` fixtures: no PDF. Each misreading that once quarantined a whole city has a variant here
(the real pages are in test_budget_anatomy.py and test_budget_quarantine.py):

- a sub-measure column (扣除基建项目后预算数 / 其中 beside its total) is never another addend;
- classifications and 收入 | 支出 printed side by side are tables of their own;
- numbered lines nested under each other (一、 / 1. / （1）) are summed by level;
- 会议费 and 培训费 beside the 三公 columns are not part of “三公”经费合计; 其中 columns are not parts;
- two years side by side are two totals;
- a table over three pages, with and without a repeated header, is checked whole;
- a structure that fails on most rows is our misreading (not applied), one that fails on one row
  is the publisher's error, and the failed check's `expected` is the sum of the true parts."""
from __future__ import annotations

import pytest

from extract.model import Document
from normalize.document import normalize_document
from tables import make_table
from validate import ValidateSettings, validate_report

PLAIN = ValidateSettings(use_gx=False)


def checks_of(*tables, unit="万元"):
    for t in tables:
        t.unit = t.unit or unit
    doc = Document(path="x.pdf", page_count=max(t.page_end for t in tables), tables=list(tables))
    rows = normalize_document(doc, {"report_id": "r", "source_path": "x.pdf"})
    return rows, validate_report(rows, doc, PLAIN)


def failed(results, prefix=""):
    return [c for c in results if c.passed is False and c.severity == "error" and c.check.startswith(prefix)]


def named(results, check):
    return [c for c in results if c.check == check]


# ---- a sub-measure column ------------------------------------------------------------------

_SUB_HEADER = [["科目编码", "科目名称", "合计", "基本支出", "", "", "项目支出", ""],
               ["", "", "", "小计", "人员经费", "公用经费", "项目支出总数", "扣除基建项目后预算数"]]
_SUB_SPANS = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 3), (0, 6): (1, 2)}
_SUB_ROWS = [["2010501", "行政运行", "5,193.32", "5,193.32", "4,557.35", "635.97", "", ""],
             ["2010505", "专项统计业务", "5,744.39", "", "", "", "5,744.39", "5,744.39"],
             ["2050803", "培训支出", "267.10", "38.00", "", "38.00", "229.10", "200.00"],
             ["2010501", "机关服务", "672.40", "659.33", "580.26", "79.07", "13.07", "13.07"]]


def _shuffled(rows, order):
    return [[row[i] for i in order] for row in rows]


@pytest.mark.parametrize("sub_word", ["扣除基建项目后预算数", "其中：基本建设", "不含基建预算数"])
def test_a_sub_measure_beside_its_total_is_never_another_addend(sub_word):
    header = [list(r) for r in _SUB_HEADER]
    header[1][7] = sub_word
    rows, results = checks_of(make_table(header + _SUB_ROWS, spans=_SUB_SPANS, title="一般公共预算支出表"))
    assert not failed(results), [c.message for c in failed(results)]
    sums = named(results, "budget_table.row_sums")
    assert len(sums) >= 7 and all(c.passed for c in sums)
    assert not any("扣除" in c.message or "其中" in c.message or "不含" in c.message for c in sums)
    lines = rows.budget_lines
    assert lines[lines.measure_path.str.endswith(sub_word)].parent_path.isna().all()


def test_the_sub_measure_structure_holds_with_the_project_block_first():
    # 项目支出 block printed before 基本支出: the same tree, read from the header words
    order = [0, 1, 2, 6, 7, 3, 4, 5]
    header = _shuffled(_SUB_HEADER, order)
    spans = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 2), (0, 5): (1, 3)}
    _, results = checks_of(make_table(header + _shuffled(_SUB_ROWS, order), spans=spans))
    assert not failed(results) and len(named(results, "budget_table.row_sums")) >= 7


def test_a_wrong_amount_under_a_confirmed_structure_names_the_true_sum():
    rows = [list(r) for r in _SUB_ROWS]
    rows[0][4] = "4,575.35"  # 人员经费 misprinted: 小计 5,193.32 ≠ 4,575.35 + 635.97
    _, results = checks_of(make_table(_SUB_HEADER + rows, spans=_SUB_SPANS))
    bad = failed(results)
    assert len(bad) == 1 and bad[0].check == "budget_table.row_sums"
    assert bad[0].observed == "5,193.32 万元" and bad[0].expected == "4,575.35 + 635.97 = 5,211.32 万元"


# ---- classifications and 收入 | 支出 side by side, nested numbering ---------------------------

_SIDE = [["收入", "", "支出", "", "支出", ""],
         ["项目", "预算数", "支出功能分类科目", "预算数", "支出经济分类科目", "预算数"],
         ["一、部门预算", "6,210.93", "一、部门预算", "6,210.93", "一、部门预算", "6,210.93"],
         ["1、财政拨款", "6,210.93", "1、一般公共服务支出", "5,003.77", "1、人员经费和公用经费支出", "3,670.12"],
         ["（1）一般公共预算拨款", "6,000.00", "2、教育支出", "77.50", "（1）工资福利支出", "3,249.39"],
         ["其中：专项资金", "100.00", "3、社会保障和就业支出", "540.42", "（2）商品和服务支出", "420.73"],
         ["（2）政府性基金拨款", "210.93", "4、卫生健康支出", "197.71", "2、专项业务经费支出", "2,540.81"],
         ["2、事业收入", "", "5、住房保障支出", "391.53", "（1）商品和服务支出", "1,940.81"],
         ["", "", "", "", "（2）资本性支出", "600.00"],
         ["本年收入合计", "6,210.93", "本年支出合计", "6,210.93", "本年支出合计", "6,210.93"],
         ["收入总计", "6,210.93", "支出总计", "6,210.93", "支出总计", "6,210.93"]]


def test_sides_and_classifications_side_by_side_are_tables_of_their_own():
    rows, results = checks_of(make_table(_SIDE, spans={(0, 2): (1, 4)}, title="部门综合预算收支总表"))
    assert sorted(rows.budget_lines.block.dropna().unique()) == [0, 1, 2]
    assert not failed(results), [c.message for c in failed(results)]
    totals = [c for c in named(results, "budget_table.total_row") if "本年" in c.message]
    assert len(totals) == 3 and all(c.passed for c in totals)
    assert all(c.expected == "6,210.93 = 6,210.93 万元" for c in totals)  # 一、 alone, not four copies
    nested = named(results, "budget_table.numbered_lines")
    assert {c.expected for c in nested} >= {"6,000.00 + 210.93 = 6,210.93 万元",
                                             "3,249.39 + 420.73 = 3,670.12 万元",
                                             "1,940.81 + 600.00 = 2,540.81 万元"}
    assert all(c.passed for c in nested)
    assert all(c.passed for c in named(results, "budget_table.cross_table"))  # 收入总计 = 支出总计


def test_a_nested_line_that_breaks_its_parent_is_caught_with_its_children_as_expected():
    side = [list(r) for r in _SIDE]
    side[7][5] = "1,904.81"  # （1）商品和服务支出 misprinted: 2、 2,540.81 ≠ 1,904.81 + 600.00
    _, results = checks_of(make_table(side, spans={(0, 2): (1, 4)}))
    bad = failed(results)
    assert [c.check for c in bad] == ["budget_table.numbered_lines"]
    assert bad[0].observed == "2,540.81 万元" and bad[0].expected == "1,904.81 + 600.00 = 2,504.81 万元"


# ---- 三公 ---------------------------------------------------------------------------------------

def _three_public(beside=("会议费", "培训费"), total="“三公”经费合计", memo=None):
    header = [[total, "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", *beside],
              ["", "", "小计", "公务用车购置费", "公务用车运行维护费", "", *["" for _ in beside]]]
    values = ["10.00", "0.00", "0.00", "0.00", "0.00", "10.00", *["43.00" for _ in beside]]
    if memo:
        header[0].append(memo)
        header[1].append("")
        values.append("6.00")
    spans = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 3), (0, 5): (2, 1),
             **{(0, 6 + i): (2, 1) for i in range(len(beside) + bool(memo))}}
    return make_table(header + [values], spans=spans, title="一般公共预算“三公”经费、会议费、培训费支出表")


@pytest.mark.parametrize("beside", [(), ("会议费",), ("会议费", "培训费"), ("培训费", "会议经费")])
def test_meeting_and_training_fees_beside_the_three_public_are_not_its_parts(beside):
    _, results = checks_of(_three_public(beside))
    assert not failed(results), [c.message for c in failed(results)]
    total = [c for c in results if "三公" in c.message and c.check == "budget_table.row_sums"]
    assert total and total[0].expected == "0.00 + 0.00 + 10.00 = 10.00 万元"


def test_an_of_which_column_is_no_part_of_the_total():
    _, results = checks_of(_three_public((), total="合计", memo="其中：外宾接待费"))
    assert not failed(results), [c.message for c in failed(results)]


def test_a_misprinted_three_public_total_fails_with_the_sum_of_its_three_parts():
    t = _three_public()
    t.cells[[c.text for c in t.cells].index("10.00")] = \
        type(t.cells[0])(**{**t.cells[[c.text for c in t.cells].index("10.00")].__dict__, "text": "12.00"})
    _, results = checks_of(t)
    bad = failed(results)
    assert bad and bad[0].observed == "12.00 万元" and bad[0].expected == "0.00 + 0.00 + 10.00 = 10.00 万元"


def test_two_years_side_by_side_are_two_totals():
    header = [["2025年预算数", "", "", "", "2026年预算数", "", "", ""],
              ["合计", "因公出国（境）经费", "公务用车购置及运行维护费", "公务接待费",
               "合计", "因公出国（境）经费", "公务用车购置及运行维护费", "公务接待费"]]
    t = make_table(header + [["20.45", "10.00", "5.00", "5.45", "19.45", "10.00", "5.00", "4.45"]],
                   spans={(0, 0): (1, 4), (0, 4): (1, 4)}, title="一般公共预算“三公”经费支出情况表")
    _, results = checks_of(t)
    sums = named(results, "budget_table.row_sums")
    assert len(sums) == 2 and all(c.passed for c in sums)
    assert {c.expected for c in sums} == {"10.00 + 5.00 + 5.45 = 20.45 万元", "10.00 + 5.00 + 4.45 = 19.45 万元"}


# ---- a table over three pages ---------------------------------------------------------------

_HEADER = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
_PAGES = [[["201", "一般公共服务支出", "300.00", "200.00", "100.00"],
           ["20101", "人大事务", "300.00", "200.00", "100.00"],
           ["2010101", "行政运行", "200.00", "200.00", ""]],
          [["2010102", "一般行政管理事务", "100.00", "", "100.00"],
           ["208", "社会保障和就业支出", "50.00", "50.00", ""]],
          [["20805", "行政事业单位养老支出", "50.00", "50.00", ""],
           ["合计", "", "350.00", "250.00", "100.00"]]]


@pytest.mark.parametrize("repeated_header", [True, False])
def test_a_table_over_three_pages_is_checked_whole(repeated_header):
    pieces = []
    for i, rows in enumerate(_PAGES):
        head = _HEADER if i == 0 or repeated_header else []
        spans = {(len(head) + 1, 0): (1, 2)} if i == 2 else None  # 合计 over the code and name columns
        pieces.append(make_table(head + rows, spans=spans, page=i + 1, title="支出预算表" if i == 0 else None))
    rows, results = checks_of(*pieces)
    assert rows.budget_lines.logical_table.nunique() == 1
    assert len(rows.budget_lines[rows.budget_lines.measure_path == "合计"]) == 7  # no row lost
    assert not failed(results), [c.message for c in failed(results)]
    codes = named(results, "budget_table.code_hierarchy")
    assert any("20101" in c.message and c.expected == "200.00 + 100.00 = 300.00 万元" for c in codes)
    total = [c for c in named(results, "budget_table.total_row") if "合计 =" in c.message]
    assert total and total[0].expected == "300.00 + 50.00 = 350.00 万元" and total[0].page == 3


# ---- the numbers decide ---------------------------------------------------------------------

def test_a_structure_the_numbers_do_not_confirm_is_not_applied_and_reported():
    # the header says 合计 over 本年 and 上年, but the printed 合计 is 本年 alone on every row:
    # our reading of what 合计 adds is wrong, not the page
    header = [["科目编码", "科目名称", "合计", "本年预算", "上年预算"]]
    body = [["2010101", "行政运行", "200.00", "200.00", "180.00"],
            ["2010102", "一般行政管理事务", "100.00", "100.00", "90.00"],
            ["2010103", "机关服务", "50.00", "50.00", "40.00"]]
    _, results = checks_of(make_table(header + body))
    assert not failed(results)
    sums = named(results, "budget_table.row_sums")
    assert sums and all(c.passed is None and "not applied" in c.message for c in sums)
    warned = named(results, "structure.unconfirmed")
    assert len(warned) == 1 and warned[0].severity == "warning" and "0 of the 3 rows" in warned[0].message


# ---- the header path as the measure ---------------------------------------------------------

def test_a_change_block_or_a_prior_year_stays_in_the_measure():
    """A cell under 增减变化情况 › 公务接待费 is a change, never the budget amount; two years side by
    side keep their year; a single year's header does not clutter every measure."""
    header = [["单位名称", "2026年预算数", "", "2025年预算数", "", "增减变化情况", ""],
              ["", "公务用车运行维护费", "公务接待费", "公务用车运行维护费", "公务接待费", "公务用车运行维护费", "公务接待费"]]
    spans = {(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (1, 2), (0, 5): (1, 2)}
    t = make_table(header + [["某局", "5.00", "4.45", "5.00", "5.45", "0.00", "-1.00"]], spans=spans,
                   title="“三公”经费支出表")
    rows, _ = checks_of(t)
    measures = set(rows.budget_lines.measure)
    assert measures == {"2026年预算数·公务用车运行维护费", "2026年预算数·公务接待费",
                        "2025年预算数·公务用车运行维护费", "2025年预算数·公务接待费",
                        "增减变化情况·公务用车运行维护费", "增减变化情况·公务接待费"}
    one_year = make_table([["单位名称", "2026年预算数", ""], ["", "公务用车运行维护费", "公务接待费"],
                           ["某局", "5.00", "4.45"]], spans={(0, 0): (2, 1), (0, 1): (1, 2)})
    rows, _ = checks_of(one_year)
    assert set(rows.budget_lines.measure) == {"公务用车运行维护费", "公务接待费"}


def test_labels_printed_over_two_lines_keep_both():
    """A project name or a row label wrapped in its cell is one label, its lines joined."""
    form = make_table([["项目名称", "全国民航反\n电诈中心建设", "", ""],
                       ["一级指标", "二级指标", "三级指标", "年度指标值"],
                       ["产出指标", "数量指标", "建设中心\n数量", "≥1个"]], spans={(0, 1): (1, 3)},
                      title="项目支出绩效目标表")
    grid = make_table([["科目编码", "科目名称", "合计"], ["2010501", "行政\n运行", "1.00"],
                       ["2010502", "一般行政\n管理事务", "2.00"]], title="支出表", page=2)
    rows, _ = checks_of(form, grid)
    assert rows.indicators[["project", "name"]].values.tolist() == [["全国民航反电诈中心建设", "建设中心数量"]]
    assert set(rows.budget_lines.line_label) == {"行政运行", "一般行政管理事务"}


def test_the_budget_family_scores_what_it_explains():
    from normalize.anatomy import anatomy
    from normalize.families.budget_table import BudgetTable

    family = BudgetTable()
    whole = make_table(_HEADER + _PAGES[0], title="支出预算表", unit="万元")
    assert family.score(whole, anatomy(whole)) == 1.0
    # rows of prose the reading cannot place lower the score
    noisy = make_table(_HEADER + _PAGES[0] + [["", "说明：本表为空表", "附注一", "附注二", "附注三"]] * 2,
                       title="支出预算表", unit="万元")
    assert family.score(noisy, anatomy(noisy)) == 4 / 6
    # an indicator header below a money part is a target table, never a budget table
    target = make_table([["项目名称", "项目总额", "一级指标", "二级指标", "三级指标", "本年绩效指标值"],
                         ["某项目", "76.64", "产出指标", "数量指标", "资料种类", "7"]], title="项目支出绩效目标表")
    assert family.score(target, anatomy(target)) == 0.0


def test_a_three_public_total_over_two_funding_groups_takes_the_groups():
    """长春 预算表7: “三公”经费合计 = 当年预算 小计 + 上年结转结余 小计, each group over the 三公 parts."""
    header = [["“三公”经费合计", "当年预算", "", "", "上年结转结余", "", ""],
              ["", "小计", "公务用车运行费", "公务接待费", "小计", "公务用车运行费", "公务接待费"]]
    spans = {(0, 0): (2, 1), (0, 1): (1, 3), (0, 4): (1, 3)}
    t = make_table(header + [["7.61", "7.61", "6.75", "0.86", "0.00", "0.00", "0.00"]], spans=spans,
                   title="本年一般公共预算“三公”经费支出表")
    _, results = checks_of(t)
    total = [c for c in named(results, "budget_table.row_sums") if c.observed == "7.61 万元" and "三公" in c.message]
    assert total and total[0].passed and total[0].expected == "7.61 + 0.00 = 7.61 万元"
    assert not [c for c in results if c.passed is None]
