"""Performance families on plain `Table` fixtures: the same indicator block with its columns
shuffled, headers replaced by synonyms, the block moved down a form, a level column missing, a
packed cell, a target declaration. No PDF needed: these are the layouts of other provinces."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from extract.model import Document, Table
from normalize.anatomy import anatomy
from normalize.document import normalize_document, table_kind
from normalize.families.packed import parse_item, split_items
from tables import make_table

ROWS = [  # level1, level2, name, target, actual, weight, score
    ("产出指标", "数量指标", "培训人数", "≥300人", "366人", "6", "6"),
    ("产出指标", "质量指标", "培训合格率", "≥98%", "100%", "8", "8"),
    ("效益指标", "社会效益指标", "信访工作质量", "有所提高", "明显提高", "10", "9"),
    ("满意度指标", "服务对象满意度指标", "受训学员满意率", "≥95%", "90%", "10", "7"),
]
ROLES = ("level1", "level2", "name", "target", "actual", "weight", "score")
SYNONYMS = {
    "level1": ["一级指标", "一级 指标"],
    "level2": ["二级指标"],
    "name": ["三级指标", "指标名称", "绩效指标名称", "指标内容"],
    "target": ["年度指标值", "指标值", "目标值", "年度目标值", "计划值"],
    "actual": ["实际完成值", "实际值", "完成值", "全年实际值", "实际完成情况"],
    "weight": ["分值", "权重", "指标分值"],
    "score": ["得分", "自评得分", "评价得分"],
}


def block(order: tuple[str, ...], names: dict[str, str]) -> list[list[str]]:
    header = [names[role] for role in order]
    body = [[dict(zip(ROLES, row))[role] for role in order] for row in ROWS]
    return [header, *body]


def rows_of(table: Table) -> list[dict]:
    doc = Document(path="synthetic.pdf", page_count=1, tables=[table])
    return normalize_document(doc, {"report_id": "s", "source_path": "synthetic.pdf"}).indicators.to_dict("records")


def _expect(got: list[dict], roles: tuple[str, ...]):
    assert len(got) == len(ROWS)
    for g, want in zip(got, ROWS):
        want = dict(zip(ROLES, want))
        assert g["name"] == want["name"]
        assert g["target_raw"] == want["target"]
        if "actual" in roles:
            assert g["actual_raw"] == want["actual"]
        if "weight" in roles:
            assert g["weight"] == float(want["weight"])
        if "score" in roles:
            assert g["score"] == float(want["score"])
        if "level2" in roles:
            assert g["level2"] == want["level2"]
        if "level1" in roles:
            assert g["level1"] == want["level1"]


@settings(max_examples=60, deadline=None)
@given(st.permutations(ROLES), st.data())
def test_any_column_order_and_any_synonym(order, data):
    names = {role: data.draw(st.sampled_from(SYNONYMS[role])) for role in ROLES}
    got = rows_of(make_table(block(tuple(order), names)))
    _expect(got, tuple(order))


def test_block_moved_down_a_form_below_fields_money_and_goals():
    names = {role: SYNONYMS[role][0] for role in ROLES}
    width = len(ROLES)
    form = [
        ["项目名称", "信访干部培训专项", *[""] * (width - 2)],
        ["主管部门", "国家信访局", "实施单位", "国家信访局", *[""] * (width - 4)],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "执行率", "得分"],
        ["项目资金（万元）", "年度资金总额", "180.61", "180.03", "180.03", "100.00%", "10"],
        ["年度总体目标", "预期目标", "", "", "实际完成情况", "", ""],
        ["年度总体目标", "抓好培训", "", "", "完成培训", "", ""],
        *block(ROLES, names),
        ["总分", "", "", "", "", "100", "90"],
    ]
    table = make_table(form)
    an = anatomy(table)
    assert [b.kind for b in an.blocks] == ["fields", "fields", "money", "goals", "indicators", "footer"]
    assert an.of_kind("indicators")[0].start == 6
    assert table_kind(table) == "project_form"
    got = rows_of(table)
    _expect(got, ROLES)
    assert {g["project"] for g in got} == {"信访干部培训专项"}


@pytest.mark.parametrize("missing", ["level2", "level1", "weight", "score", "actual"])
def test_a_missing_column(missing):
    order = tuple(r for r in ROLES if r != missing)
    got = rows_of(make_table(block(order, {role: SYNONYMS[role][0] for role in ROLES})))
    _expect(got, order)
    if missing == "level1":  # the national framework's 二级 → 一级
        assert [g["level1"] for g in got] == ["产出指标", "产出指标", "效益指标", "满意度指标"]
    if missing == "actual":
        assert all(g["actual_raw"] is None and g["met"] is None for g in got)


def test_flat_list_without_level_columns():
    rows = [["指标名称", "指标值"], ["会议保障次数", "≥20场"], ["群众满意度", "≥95%"]]
    got = rows_of(make_table(rows))
    assert [(g["name"], g["target_raw"], g["level1"]) for g in got] == [
        ("会议保障次数", "≥20场", None), ("群众满意度", "≥95%", None)]


def test_declaration_with_period_and_year_targets():
    rows = [["一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"],
            ["产出指标", "数量指标", "汇聚数据数量", "≥10亿条", "≥5亿条"]]
    (g,) = rows_of(make_table(rows))
    assert (g["period_target_raw"], g["target_raw"], g["actual_raw"], g["met"]) == ("≥10亿条", "≥5亿条", None, None)
    assert g["target_base_value"] == 5e8


def test_unit_and_operator_columns_make_the_target():
    rows = [["指标名称", "指标性质", "指标值", "计量单位", "指标权重(%)"],
            ["气候预测准确率", "≥", "68", "%", "12"]]
    (g,) = rows_of(make_table(rows))
    assert g["target_raw"] == "68"
    assert (g["target_op"], g["target_value"], g["target_unit"], g["weight"]) == (">=", 68.0, "%", 12.0)


def test_repeated_header_and_repeated_block_land_once():
    names = {role: SYNONYMS[role][0] for role in ROLES}
    b = block(ROLES, names)
    got = rows_of(make_table(b + b))  # the text layer prints header and rows twice
    assert len(got) == len(ROWS)


def test_a_project_column_in_a_multi_project_grid():
    rows = [["项目名称", "一级指标", "二级指标", "三级指标", "指标值", "权重"],
            ["信访专项经费", "产出指标", "数量指标", "专家评审", ">=2次", "40"],
            ["驻京经费", "产出指标", "数量指标", "驻京工作人员人数", "<=18人", "40"]]
    got = rows_of(make_table(rows))
    assert [(g["project"], g["name"], g["weight"]) for g in got] == [
        ("信访专项经费", "专家评审", 40.0), ("驻京经费", "驻京工作人员人数", 40.0)]


PACKED = ("1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值:每年≥20场；年度指标值:每年≥20场。"
          "2、1-产出指标；12-质量指标；平均故障恢复时间；实施周期指标值:一级事件≤1小时；二级事件≤2小时；"
          "年度指标值:一级事件≤1小时；二级事件≤2小时。3、3-满意度指标；31-服务对象满意度指标；满意率；年度指标值:≥90%。")


def test_packed_cell_gives_one_row_per_item():
    items = split_items(PACKED)
    assert len(items) == 3
    first, second, third = (parse_item(i) for i in items)
    assert first == {"level1": "产出指标", "level2": "数量指标", "name": "会议活动保障次数",
                     "target": "每年≥20场", "period_target": "每年≥20场"}
    assert second["target"] == "一级事件≤1小时；二级事件≤2小时"
    assert (third["level1"], third["period_target"], third["target"]) == ("满意度指标", None, "≥90%")


def test_packed_table_lands_indicators_with_their_project():
    rows = [["项目名称（资金使用单位）", "总计", "财政拨款", "绩效目标", "绩效指标"],
            ["合计", "100.00", "100.00", "", ""],
            ["穗智管运营服务项目", "100.00", "100.00", "实现目标", PACKED]]
    table = make_table(rows)
    table.unit = "万元"
    got = rows_of(table)
    assert table_kind(table) == "packed_indicators"
    assert [g["project"] for g in got] == ["穗智管运营服务项目"] * 3
    assert got[0]["period_target_raw"] == "每年≥20场"


def test_shuffled_rows_keep_their_own_levels():
    """A level label printed on a row is that row's; blanks below it inherit it."""
    names = {role: SYNONYMS[role][0] for role in ROLES}
    b = block(ROLES, names)
    body = b[1:]
    random.Random(7).shuffle(body)
    got = rows_of(make_table([b[0], *body]))
    assert {(g["name"], g["level2"]) for g in got} == {(r[2], r[1]) for r in ROWS}
