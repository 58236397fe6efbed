"""The templates of issue 23 on plain `Table` fixtures, no PDF: the target over three columns
(性质 | 指标值 | 单位, 定性 rows), level names run together, packed cells in a money grid over
many pages, `指标N：` names, a tail page without header, scores from evidence. Each layout is
varied (columns shuffled, header synonyms) so the families are tested on what they read, not on
one document."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from extract.model import Cell, Document, Table, TextLine
from normalize.anatomy import anatomy
from normalize.document import normalize_document, table_kind
from normalize.families import FAMILIES, best_family
from normalize.families.performance import numbered_name, split_levels
from normalize.values import combined_target

W = 60.0  # column width of the fixtures, points


def grid_table(rows: list[list[str]], page: int = 1, title: str | None = None, x0: float = 10.0,
               merge_down: dict[int, list[tuple[int, int]]] | None = None) -> Table:
    """A table of one cell per grid position; `merge_down` col → [(first row, rows)] merges a
    column's cells downwards (a project name over its indicator rows)."""
    merged = {(c, r): n for c, spans in (merge_down or {}).items() for r, n in spans}
    covered = {(c, r + k) for (c, r), n in merged.items() for k in range(1, n)}
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (c, r) in covered:
                continue
            n = merged.get((c, r), 1)
            cells.append(Cell(r, c, text, page, x0 + W * c, 10.0 + 20 * r, x0 + W * (c + 1),
                              10.0 + 20 * (r + n), row_span=n))
    return Table(cells=cells, page_start=page, page_end=page, title=title)


def normalized(*tables: Table):
    doc = Document(path="synthetic.pdf", page_count=max(t.page_end for t in tables), tables=list(tables))
    return normalize_document(doc, {"report_id": "s", "source_path": "synthetic.pdf"})


def indicators(*tables: Table) -> list[dict]:
    return normalized(*tables).indicators.to_dict("records")


# ---- the target over three columns (Beijing 预算12表) ----------------------------------------

BEIJING_ROWS = [  # level1, level2, name, nature, value, unit → target_combined
    ("产出指标", "数量指标", "编印综合统计资料种类", "≥", "7", "种", "≥7种"),
    ("产出指标", "时效指标", "综合统计资料编印进度", "定性", "按计划完成", "", "按计划完成"),
    ("产出指标", "质量指标", "培训会参培率", "≥", "100", "%", "≥100%"),
    ("效益指标", "经济效益指标", "总体培训成本", "≤", "63.03", "万元", "≤63.03万元"),
    ("产出指标", "数量指标", "专题报道", "＝", "1", "版", "＝1版"),
]
BEIJING_HEADER = {"project": ["项目名称"], "total": ["项目总额"], "goal": ["绩效目标"],
                  "level1": ["一级指标", "一级 指标"], "level2": ["二级指标"], "name": ["三级指标", "指标名称"],
                  "nature": ["绩效指标性质", "指标性质", "指标方向"], "target": ["本年绩效指标值", "指标值", "本年指标值"],
                  "unit": ["绩效度量单位", "度量单位", "计量单位"]}
ROLE_OF = ("level1", "level2", "name", "nature", "target", "unit")


def beijing_grid(order: tuple[str, ...], names: dict[str, str], project: str = "11000024T000002830551-统计监测") -> Table:
    header = [names[k] for k in order]
    body = []
    for row in BEIJING_ROWS:
        values = dict(zip(ROLE_OF, row[:6]), project=project, total="76.640000", goal="目标1：组织开展")
        body.append([values[k] for k in order])
    c = order.index("project")
    return grid_table([["预算表12 项目支出绩效目标表"] * len(order), header, *body],
                      merge_down={c: [(2, len(body))], order.index("total"): [(2, len(body))],
                                  order.index("goal"): [(2, len(body))]})


@settings(max_examples=40, deadline=None)
@given(st.permutations(ROLE_OF), st.data())
def test_three_column_target_any_order_and_synonym(order, data):
    names = {k: data.draw(st.sampled_from(v)) for k, v in BEIJING_HEADER.items()}
    got = indicators(beijing_grid(("project", "total", "goal", *order), names))
    assert [(g["name"], g["target_raw"], g["target_combined"]) for g in got] == [
        (r[2], r[4], r[6]) for r in BEIJING_ROWS]
    assert {g["project"] for g in got} == {"11000024T000002830551-统计监测"}
    first, qualitative = got[0], got[1]
    assert (first["target_op"], first["target_value"], first["target_unit"]) == (">=", 7.0, "种")
    assert pd.isna(qualitative["target_op"]) and qualitative["target_kind"] == "qualitative"
    assert got[3]["target_base_value"] == pytest.approx(630300.0)


def test_a_target_in_one_cell_has_no_combined_target():
    rows = [["指标名称", "指标值"], ["会议保障次数", "≥20场"]]
    (g,) = indicators(grid_table(rows))
    assert pd.isna(g["target_combined"]) and g["target_op"] == ">="


@pytest.mark.parametrize("value, nature, unit, want", [
    ("7", "≥", "种", "≥7种"), ("良好", "定性", "", "良好"), ("≥95", "≥", "%", "≥95%"),
    ("100%", "＝", "%", "＝100%"), ("", "≥", "个", None), ("12", "", "个", "12个")])
def test_combined_target(value, nature, unit, want):
    assert combined_target(value, nature, unit) == want


def test_the_target_table_is_the_indicators_family_not_a_budget_table():
    names = {k: v[0] for k, v in BEIJING_HEADER.items()}
    table = beijing_grid(("project", "total", "goal", *ROLE_OF), names)
    family, score = best_family(table, anatomy(table))
    assert family.name == "indicators" and score >= 0.9


# ---- levels run together (Beijing 预算13表) --------------------------------------------------

@pytest.mark.parametrize("with_level1", [True, False])
def test_levels_run_together_are_split_by_the_level_vocabulary(with_level1):
    cells = [("产出指标", "数量指标", "开展监测工作", "≥", "12", "项"),
             ("产出指标", "时效指标", "按时完成监测工作", "＝", "100", "%"),
             ("效益指标", "社会效益指标", "政策咨询建议对党政决策有积极影响", "定性", "高", ""),
             ("成本指标", "经济成本指标", "全年支出不超过预算批复数", "定性", "不超过", "")]
    rows = [["部门名称", "北京市统计局", "", "", ""],
            ["活动", "绩效指标", "指标性质", "指标值", "度量单位"]]
    for l1, l2, name, nature, value, unit in cells:
        rows.append(["专项统计", (l1 if with_level1 else "") + l2 + name, nature, value, unit])
    got = indicators(grid_table(rows))
    # without 一级 the national framework's 二级 → 一级 (成本 under 产出)
    want_level1 = [c[0] for c in cells] if with_level1 else ["产出指标", "产出指标", "效益指标", "产出指标"]
    assert [(g["level1"] if isinstance(g["level1"], str) else None, g["level2"], g["name"]) for g in got] == [
        (l1, c[1], c[2]) for l1, c in zip(want_level1, cells)]
    assert all(pd.isna(g["project"]) for g in got)
    assert got[0]["target_combined"] == "≥12项"


def test_split_levels_leaves_other_names_alone():
    assert split_levels("满意度指标服务对象满意度指标满意率") == ("满意度指标", "服务对象满意度指标", "满意率")
    assert split_levels("培训人数") == (None, None, "培训人数")


# ---- numbered names (older target tables) ------------------------------------------------------

def test_numbered_names_are_kept_with_their_number():
    rows = [["一级指标", "二级指标", "三级指标", "年度目标"],
            ["产出指标", "数量指标", "指标1：培训人数", "≥300人"],
            ["产出指标", "数量指标", "指标2：培训期数", "≥5期"],
            ["产出指标", "质量指标", "指标1：合格率", "≥98%"]]
    table = grid_table(rows)
    family, _ = best_family(table, anatomy(table))
    got = family.rows(table, anatomy(table), {"report_id": "s", "table_id": "s-t01", "state": {}}).indicators
    assert [(g["name"], g["name_number"]) for g in got] == [
        ("指标1：培训人数", 1), ("指标2：培训期数", 2), ("指标1：合格率", 1)]
    assert numbered_name("指标12： 满意度") == (12, "满意度")


def test_a_document_of_target_tables_titled_as_a_unit_form_is_performance_targets():
    rows = [["一级指标", "二级指标", "三级指标", "年度目标"], ["产出指标", "数量指标", "指标1：培训人数", "≥300人"]]
    title = TextLine(1, "2019年部门整体支出绩效目标表", 100, 20, 400, 40, size=18)
    doc = Document(path="s.pdf", page_count=1, lines=[title], tables=[grid_table(rows, page=1)])
    out = normalize_document(doc, {"report_id": "s", "source_path": "s.pdf"})
    assert out.report["report_kind"] == "performance_targets"


# ---- a tail page ---------------------------------------------------------------------------

TAIL_HEADER = ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "分值权重（90分）"]


def test_a_tail_page_continues_the_table_of_the_page_before():
    first = grid_table([["项目名称", "普查", "", "", "", ""], TAIL_HEADER,
                        ["年度绩效指标", "产出指标", "数量指标", "清查户数（万户）", "≥110", "5"],
                        ["年度绩效指标", "产出指标", "数量指标", "短表户数（万户）", "≥109", "3"],
                        ["年度绩效指标", "产出指标", "", "普查数据准确率（%）", "≥95", "4"]],
                       page=1, merge_down={0: [(1, 4)], 1: [(2, 3)], 2: [(2, 2)]})
    # the next page: no header, no title, the outer label column gone (one column fewer)
    tail = grid_table([["", "质量指标", "采购物资合格率（%）", "100", "6"],
                       ["满意度指标", "服务对象满意度指标", "普查对象满意度", "90%", "10"]],
                      page=2, x0=10.0 + W)
    got = indicators(first, tail)
    assert [(g["page"], g["project"], g["level1"], g["level2"], g["name"], g["weight"]) for g in got] == [
        (1, "普查", "产出指标", "数量指标", "清查户数（万户）", 5.0),
        (1, "普查", "产出指标", "数量指标", "短表户数（万户）", 3.0),
        (1, "普查", "产出指标", "质量指标", "普查数据准确率（%）", 4.0),  # its label is printed on page 2
        (2, "普查", "产出指标", "质量指标", "采购物资合格率（%）", 6.0),
        (2, "普查", "满意度指标", "服务对象满意度指标", "普查对象满意度", 10.0)]
    assert table_kind(tail) == "indicators"


def test_a_first_page_that_is_a_tail_is_read_by_what_its_cells_hold():
    """The document's first table is the tail of one begun before it: no title, a blank first
    grid row; its rows are kept, and the next table's title is not an indicator."""
    tail = grid_table([["", "", "", ""],
                       ["产出指标", "数量指标", "宣传类型（项）", "≥10"],
                       ["效益指标", "社会效益指标", "宣传到位率（%）", "100"]], page=1)
    nxt = grid_table([["统计调查监测项目绩效目标表", "统计调查监测项目绩效目标表", "统计调查监测项目绩效目标表",
                       "统计调查监测项目绩效目标表"],
                      ["一级指标", "二级指标", "三级指标", "指标值"],
                      ["产出指标", "数量指标", "调查户数", "≥300"]], page=2)
    nxt.cells[:] = [Cell(0, 0, nxt.cells[0].text, 2, 10, 10, 250, 30, col_span=4)] + [
        c for c in nxt.cells if c.row > 0]
    got = indicators(tail, nxt)
    assert [(g["page"], g["name"], g["target_raw"]) for g in got] == [
        (1, "宣传类型（项）", "≥10"), (1, "宣传到位率（%）", "100"), (2, "调查户数", "≥300")]
    assert got[2]["project"] == "统计调查监测"


# ---- packed indicators in a money grid over many pages ---------------------------------------

def packed(n: int, restart: bool) -> str:
    items = []
    for k in range(1, 4):
        num = 1 if restart and k == 3 else k
        items.append(f"{num}{'.' if k % 2 else '、'}1－产出指标，11－数量指标，指标{n}-{k}，"
                     f"实施周期指标值：≦核定人数，年度指标值：≥{10 * k}个")
    return "；".join(items)


def packed_pages(pages: int = 3, per_page: int = 2) -> list[Table]:
    header = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
    tables, n = [], 0
    for p in range(1, pages + 1):
        rows = [header]
        if p == 1:
            rows.append(["合计", "300.00", "300.00", "0.00", "0.00", "", ""])
        rows.append([f"单位{p}", "100.00", "100.00", "0.00", "0.00", "", ""])
        for _ in range(per_page):
            n += 1
            rows.append([f"项目{n}", "50.00", "50.00", "0.00", "0.00", "实现目标", packed(n, restart=True)])
        t = grid_table(rows, page=p)
        t.unit = "万元"
        tables.append(t)
    return tables


def test_packed_cells_in_a_money_grid_over_many_pages():
    tables = packed_pages()
    out = normalized(*tables)
    got = out.indicators.to_dict("records")
    assert len(got) == 3 * 2 * 3  # pages × projects × items
    assert [g["project"] for g in got[:3]] == ["项目1"] * 3
    assert {(g["level1"], g["level2"]) for g in got} == {("产出指标", "数量指标")}
    assert got[0]["period_target_raw"] == "≦核定人数" and got[2]["target_raw"] == "≥30个"
    assert list(out.tables["kind"]) == ["packed_indicators"] * 3
    lines = out.budget_lines
    subtotal = lines[(lines["line_label"] == "单位2") & (lines["measure"] == "总计")]
    assert subtotal["project"].isna().all() and float(subtotal["value"].iloc[0]) == 1_000_000.0
    assert set(lines.loc[lines["project"].notna(), "project"]) == {f"项目{n}" for n in range(1, 7)}


# ---- scores from evidence ------------------------------------------------------------------

def test_a_table_none_explains_well_is_other_with_a_warning_naming_its_page():
    rows = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "调查户数", "≥300"]]
    rows += [[f"说明{k}", f"第{k}条", "", ""] for k in range(8)]  # mostly rows no family reads
    out = normalized(grid_table(rows, page=7))
    assert list(out.tables["kind"]) == ["other"]
    assert any("p.7" in n["message"] and "explains" in n["message"] for n in out.notes)


def test_scores_are_shares_not_constants():
    rows = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "调查户数", "≥300"]]
    whole = grid_table(rows)
    noisy = grid_table(rows + [["说明", "一", "", ""]])
    s_whole = max(f.score(whole, anatomy(whole)) for f in FAMILIES)
    s_noisy = max(f.score(noisy, anatomy(noisy)) for f in FAMILIES)
    assert s_whole == 1.0 and 0.5 < s_noisy < 1.0
