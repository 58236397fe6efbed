"""Budget execution and project self-evaluation checks on frames shaped like normalize/'s rows."""
from __future__ import annotations

from decimal import Decimal

import pytest

from normalize.rows import ReportRows, frame
from validate import ValidateSettings, budget_execution, gx_suites, validate_report

LINES = [  # the seed's budget execution table, as printed (元)
    ("资金来源：（1）财政拨款", "资金来源", "财政拨款", "263,254,643.42", "263,083,287.96", "99.93"),
    ("（2）其他资金", "资金来源", "其他资金", "0.00", "0.00", "0.00"),
    ("资金结构：（1）基本支出", "资金结构", "基本支出", "5,829,955.00", "5,688,467.10", "97.57"),
    ("（2）项目支出", "资金结构", "项目支出", "257,424,688.42", "257,394,820.86", "99.98"),
]


def seed_lines(override: dict | None = None):
    override = override or {}
    rows = []
    for i, (label, group, item, budget, spent, rate) in enumerate(LINES):
        for measure, raw, unit in (("全年预算数", budget, "元"), ("全年执行数", spent, "元"), ("执行率", rate, "%")):
            raw = override.get((item, measure), raw)
            rows.append(dict(report_id="seed", table_id="seed-t03", row=i + 1, table_title="预算执行情况",
                             line_label=label, line_group=group, line_item=item, measure=measure,
                             value=Decimal(raw.replace(",", "")), unit=unit, raw=raw, page=5))
    return frame("budget_lines", rows)


def run(comparisons):
    return gx_suites.run(comparisons)


# normalize filed the seed's execution table as kind `funding`: validate keys on that
TABLES = frame("tables", [dict(report_id="seed", table_id="seed-t03", kind="funding")])


def test_seed_budget_table_passes_every_check():
    results = run(budget_execution.comparisons(seed_lines(), ValidateSettings(), TABLES))
    counts = {c: sum(r.check == c for r in results) for c in {r.check for r in results}}
    assert counts == {"budget.non_negative": 8, "budget.sources_equal_structure": 2, "budget.execution_rate": 4}
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    # 257,394,820.86 / 257,424,688.42 = 99.9884%, printed truncated as 99.98.
    rate = next(r for r in results if r.check == "budget.execution_rate" and "项目支出" in r.message)
    assert rate.observed == "99.98%" and "99.9884%" in rate.expected


def test_a_wrong_execution_amount_is_named():
    lines = seed_lines({("基本支出", "全年执行数"): "5,698,467.10"})
    failed = [r for r in run(budget_execution.comparisons(lines, ValidateSettings(), TABLES)) if not r.passed]
    assert {r.check for r in failed} == {"budget.sources_equal_structure", "budget.execution_rate"}
    rate = next(r for r in failed if r.check == "budget.execution_rate")
    assert "资金结构：（1）基本支出" in rate.message and rate.observed == "97.57%"
    assert rate.expected.startswith("5,698,467.10 / 5,829,955.00 = 97.74")
    sums = next(r for r in failed if r.check == "budget.sources_equal_structure")
    assert "全年执行数" in sums.message and sums.page == 5


def test_negative_amount_and_total_line():
    rows = seed_lines({("其他资金", "全年预算数"): "-1.00"}).to_dict("records")
    failed = [r for r in run(budget_execution.comparisons(frame("budget_lines", rows), ValidateSettings(), TABLES))
              if not r.passed]
    assert "budget.non_negative" in {r.check for r in failed}
    # With a 合计 line, 基本支出 + 项目支出 must equal it.
    rows = seed_lines().to_dict("records") + [dict(
        report_id="seed", table_id="seed-t03", row=5, table_title="预算执行情况", line_label="合计",
        line_group=None, line_item="合计", measure="全年预算数", value=Decimal("263254642.42"), unit="元",
        raw="263,254,642.42", page=5)]
    results = run(budget_execution.comparisons(frame("budget_lines", rows), ValidateSettings(), TABLES))
    total = next(r for r in results if r.check == "budget.structure_sums_to_total")
    assert not total.passed and total.observed == "263,254,642.42 元"
    assert total.expected == "5,829,955.00 + 257,424,688.42 = 263,254,643.42 元"


def test_validate_report_plain_python_agrees_with_gx():
    rows = ReportRows(report={"report_id": "seed", "fiscal_year": 2024}, budget_lines=seed_lines(
        {("项目支出", "执行率"): "99.90"}), tables=TABLES)
    with_gx = validate_report(rows, None)
    without = validate_report(rows, None, ValidateSettings(use_gx=False))
    assert [(r.check, r.passed) for r in with_gx] == [(r.check, r.passed) for r in without]
    assert [r.check for r in with_gx if r.blocking] == ["budget.execution_rate"]


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError, match="table_severity"):
        ValidateSettings(table_severity="fatal")
    with pytest.raises(ValueError, match="rate_tolerance_points"):
        ValidateSettings(rate_tolerance_points=-1)
