"""The samples' truth JSON is self-consistent and in step with the data the generator renders.

No extraction here: these tests check the answer key other tests compare against.
"""
from __future__ import annotations

import json
import re
import sys
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SEED = SAMPLES / "hongqiao-2024-unit-self-evaluation.truth.json"
PROJECT = SAMPLES / "project-self-evaluation-2024.truth.json"
CJK_GAP = re.compile(r"[\u3400-\u9fff] +[\u3400-\u9fff]")
LEVEL1 = {"产出指标", "效益指标", "满意度指标"}
CENT = Decimal("0.01")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed() -> dict:
    return load(SEED)


@pytest.fixture(scope="module")
def project() -> dict:
    return load(PROJECT)


def money(lines, **where) -> Decimal:
    hits = [b for b in lines if all(b[k] == v for k, v in where.items())]
    assert len(hits) == 1, (where, hits)
    return Decimal(hits[0]["value"])


@pytest.mark.parametrize("path", [SEED, PROJECT])
def test_truth_shape_and_pdf_present(path):
    truth = load(path)
    assert set(truth) == {"file", "title", "unit_name", "fiscal_year", "report_kind", "tables", "indicators", "budget_lines"}
    assert (SAMPLES / truth["file"]).read_bytes()[:5] == b"%PDF-"
    assert truth["fiscal_year"] == 2024
    assert truth["unit_name"] == "上海市闵行区虹桥镇社区事务受理服务中心"
    for t in truth["tables"]:
        assert t["kind"] in {"indicators", "budget", "project", "other"}
        assert all(len(r) == len(t["header"]) for r in t["rows"]), t["section"]
        for cell in [*t["header"], *(c for r in t["rows"] for c in r)]:
            assert "\n" not in cell and not CJK_GAP.search(cell), cell


@pytest.mark.parametrize("path", [SEED, PROJECT])
def test_every_indicator_is_a_row_of_its_table(path):
    truth = load(path)
    for ind in truth["indicators"]:
        table = truth["tables"][ind["table_index"]]
        assert ind["section"] == table["section"]
        assert ind["level1"] in LEVEL1 and ind["name"]
        wanted = [ind["name"], ind["target_raw"]] + ([ind["actual_raw"]] if ind["actual_raw"] is not None else [])
        assert any(r[r.index(ind["name"]):r.index(ind["name"]) + len(wanted)] == wanted
                   for r in table["rows"] if ind["name"] in r and ind["level2"] in r), ind["name"]


def test_seed_counts(seed):
    by_table = {}
    for ind in seed["indicators"]:
        by_table.setdefault(ind["table_index"], []).append(ind)
    annual = [i for i, t in enumerate(seed["tables"]) if t["header"][:2] == ["一级目标", "二级目标"]]
    plan_done = [i for i, t in enumerate(seed["tables"]) if t["header"][2:] == ["计划", "完成"]]
    assert len(annual) == 1 and len(plan_done) == 3
    assert len(by_table[annual[0]]) == 79
    assert sum(len(by_table[i]) for i in plan_done) == 82
    assert all(i["actual_raw"] is None for i in by_table[annual[0]])
    assert all(i["actual_raw"] is not None for k in plan_done for i in by_table[k])
    names = [i["name"] for i in seed["indicators"]]
    assert "平" not in names and "改善补助对象生活水" not in names
    assert names.count("改善补助对象生活水平") == 2  # once in 年度分目标, once re-joined in (二)
    assert len(seed["budget_lines"]) == 12


def test_seed_level_labels(seed):
    annual = next(i for i in seed["indicators"] if i["name"] == "民政服务计划完成情况" and i["actual_raw"] is None)
    # printed in the 一级 column by the seed, it is a 二级 label under 产出指标
    assert (annual["level1"], annual["level2"]) == ("产出指标", "质量指标")
    timely = [i for i in seed["indicators"] if i["level2"] == "时效指标" and i["actual_raw"] is not None]
    assert len(timely) == 26  # the two consecutive 时效指标 blocks of (一): 12 + 14 rows
    assert {i["target_raw"] for i in seed["indicators"] if i["name"] in ("促进社区和谐稳定情况", "提升社会组织发展能力")
            and i["actual_raw"]} == {"无 100", "为 100"}


def test_seed_work_tasks_spacing_repaired(seed):
    work = next(t for t in seed["tables"] if t["kind"] == "other")
    assert work["header"] == ["月号", "内容", "主要内容（重点工作计划）"]
    assert [r[1] for r in work["rows"]] == ["受理服务", "劳动力管理", "退役军人服务", "敬老院日常管理", "为老服务",
                                            "残疾人服务", "民政服务"]


def test_seed_budget_lines_add_up(seed):
    lines = seed["budget_lines"]
    for b in lines:
        expected = b["raw"].replace(",", "").rstrip("%")
        assert Decimal(b["value"]) == Decimal(expected)
        assert b["unit"] == ("%" if b["measure"] == "执行率" else "元")
    for measure in ("全年预算数", "全年执行数"):
        sources = sum(money(lines, line_group="资金来源", line_item=k, measure=measure) for k in ("财政拨款", "其他资金"))
        structure = sum(money(lines, line_group="资金结构", line_item=k, measure=measure) for k in ("基本支出", "项目支出"))
        assert sources == structure
    for item in ("财政拨款", "基本支出", "项目支出"):
        budget = money(lines, line_item=item, measure="全年预算数")
        spent = money(lines, line_item=item, measure="全年执行数")
        rate = money(lines, line_item=item, measure="执行率")
        assert rate == (spent / budget * 100).quantize(CENT, ROUND_DOWN)  # the seed truncates: 99.988 → 99.98


def test_project_tables_add_up(project):
    assert len(project["tables"]) >= 2
    for k, table in enumerate(project["tables"]):
        assert table["kind"] == "project" and table["title"] == "项目支出绩效自评表"
        inds = [i for i in project["indicators"] if i["table_index"] == k]
        lines = [b for b in project["budget_lines"] if b["table_index"] == k]
        name = table["header"][1]
        assert {i["project"] for i in inds} == {b["project"] for b in lines} == {name}
        for measure in ("年初预算数", "全年预算数", "全年执行数"):
            parts = sum(money(lines, line_item=p, measure=measure) for p in ("当年财政拨款", "上年结转资金", "其他资金"))
            assert money(lines, line_item="年度资金总额", measure=measure) == parts
        budget = money(lines, line_item="年度资金总额", measure="全年预算数")
        spent = money(lines, line_item="年度资金总额", measure="全年执行数")
        rate = money(lines, line_item="年度资金总额", measure="执行率")
        assert rate == (spent / budget * 100).quantize(CENT, ROUND_HALF_UP)
        weight = money(lines, line_item="年度资金总额", measure="分值")
        fund_score = money(lines, line_item="年度资金总额", measure="得分")
        assert fund_score == min(weight, (weight * rate / 100).quantize(CENT, ROUND_HALF_UP))
        assert weight + sum(Decimal(str(i["weight"])) for i in inds) == 100
        total = next(r for r in table["rows"] if r[0] == "总分")
        assert total[5] == "100"
        assert Decimal(total[6]) == fund_score + sum(Decimal(str(i["score"])) for i in inds)
        for i in inds:  # a lost point is explained, and only a lost point
            assert (i["score"] < i["weight"]) == (i["deviation_note"] is not None), i["name"]
        for level1 in {i["level1"] for i in inds}:
            printed = next(r[0] for r in table["rows"] if r[0].startswith(level1 + "（"))
            points = Decimal(re.search(r"（(\d+)分）", printed).group(1))
            assert points == sum(Decimal(str(i["weight"])) for i in inds if i["level1"] == level1)
        for b in lines:
            factor = 10000 if b["unit"] == "元" else 1
            assert Decimal(b["value"]) == Decimal(b["raw"].rstrip("%")) * factor


def test_truth_matches_generator_data(seed, project):
    """The committed JSON is what the generator's data yields today (no LibreOffice needed)."""
    pytest.importorskip("docx")
    sys.path.insert(0, str(SAMPLES))
    try:
        import make_samples as m
        import seed_data
    finally:
        sys.path.remove(str(SAMPLES))
    order = [name for kind, name in seed_data.BODY if kind == "table"]
    assert m.seed_truth(m.seed_layouts(m.SEED_SETTINGS), order) == seed
    layouts = [m.project_layout(p, m.PROJECT_SETTINGS) for p in m.PROJECTS]
    assert m.project_truth(layouts) == project
