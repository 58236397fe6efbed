"""Budget execution and project self-evaluation checks on frames shaped like normalize/'s rows."""
from __future__ import annotations

from decimal import Decimal

import pytest

from normalize.rows import ReportRows, frame
from validate import ValidateSettings, budget_execution, gx_suites, project, validate_report

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


def test_seed_budget_table_passes_every_check():
    results = run(budget_execution.comparisons(seed_lines(), ValidateSettings()))
    counts = {c: sum(r.check == c for r in results) for c in {r.check for r in results}}
    assert counts == {"budget.non_negative": 8, "budget.sources_equal_structure": 2, "budget.execution_rate": 4}
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
    # 257,394,820.86 / 257,424,688.42 = 99.9884%, printed truncated as 99.98.
    rate = next(r for r in results if r.check == "budget.execution_rate" and "项目支出" in r.message)
    assert rate.observed == "99.98%" and "99.9884%" in rate.expected


def test_a_wrong_execution_amount_is_named():
    lines = seed_lines({("基本支出", "全年执行数"): "5,698,467.10"})
    failed = [r for r in run(budget_execution.comparisons(lines, ValidateSettings())) if not r.passed]
    assert {r.check for r in failed} == {"budget.sources_equal_structure", "budget.execution_rate"}
    rate = next(r for r in failed if r.check == "budget.execution_rate")
    assert "资金结构：（1）基本支出" in rate.message and rate.observed == "97.57%"
    assert rate.expected.startswith("5,698,467.10 / 5,829,955.00 = 97.74")
    sums = next(r for r in failed if r.check == "budget.sources_equal_structure")
    assert "全年执行数" in sums.message and sums.page == 5


def test_negative_amount_and_total_line():
    rows = seed_lines({("其他资金", "全年预算数"): "-1.00"}).to_dict("records")
    failed = [r for r in run(budget_execution.comparisons(frame("budget_lines", rows), ValidateSettings()))
              if not r.passed]
    assert "budget.non_negative" in {r.check for r in failed}
    # With a 合计 line, 基本支出 + 项目支出 must equal it.
    rows = seed_lines().to_dict("records") + [dict(
        report_id="seed", table_id="seed-t03", row=5, table_title="预算执行情况", line_label="合计",
        line_group=None, line_item="合计", measure="全年预算数", value=Decimal("263254642.42"), unit="元",
        raw="263,254,642.42", page=5)]
    results = run(budget_execution.comparisons(frame("budget_lines", rows), ValidateSettings()))
    total = next(r for r in results if r.check == "budget.structure_sums_to_total")
    assert not total.passed and total.observed == "263,254,642.42 元"
    assert total.expected == "5,829,955.00 + 257,424,688.42 = 263,254,643.42 元"


def project_rows(score="19.80", weight="20", rate="99.00", spent="990,000.00", indicator_scores=(30, 20, 10, 18.5)):
    lines = []
    block = [("年度资金总额", {"年初预算数": "1,000,000.00", "全年预算数": "1,000,000.00", "全年执行数": spent,
                               "分值": weight, "执行率": rate, "得分": score}),
             ("其中：当年财政拨款", {"年初预算数": "1,000,000.00", "全年预算数": "1,000,000.00", "全年执行数": spent}),
             ("上年结转资金", {}), ("其他资金", {})]
    for i, (label, values) in enumerate(block):
        for measure, raw in values.items():
            unit = "分" if measure in ("分值", "得分") else "%" if measure == "执行率" else "元"
            lines.append(dict(report_id="p", table_id="p-t01", row=i + 2, project="社区助老服务项目",
                              line_label=label, measure=measure, value=Decimal(raw.replace(",", "")),
                              unit=unit, raw=raw, page=1))
    lines.append(dict(report_id="p", table_id="p-t01", row=20, project="社区助老服务项目", line_label="总分",
                      measure="总分", value=Decimal(str(sum(indicator_scores))) + Decimal(score), unit="分",
                      raw=str(sum(indicator_scores) + float(score)), page=2))
    weights = (30, 20, 10, 20)
    indicators = [dict(report_id="p", table_id="p-t01", project="社区助老服务项目", level1="产出指标",
                       level2="数量指标", name=f"指标{k}", weight=float(w), score=float(s), page=1)
                  for k, (w, s) in enumerate(zip(weights, indicator_scores))]
    return frame("budget_lines", lines), frame("indicators", indicators)


def test_project_block_and_scores_pass():
    lines, indicators = project_rows()
    results = run(project.comparisons(lines, indicators, ValidateSettings()))
    checks = sorted({r.check for r in results})
    assert checks == ["project.execution_rate", "project.funding_score", "project.funding_sums_to_total",
                      "project.score_within_weight", "project.scores_sum_to_total", "project.weights_sum_to_100"]
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_project_inconsistencies_fail():
    lines, indicators = project_rows(score="19.00", indicator_scores=(30, 20, 12, 18.5))
    failed = {r.check: r for r in run(project.comparisons(lines, indicators, ValidateSettings())) if not r.passed}
    assert set(failed) == {"project.funding_score", "project.score_within_weight"}
    assert failed["project.funding_score"].observed == "19.00"
    assert failed["project.funding_score"].expected == "20.00 × 99.00% = 19.80"
    assert "指标2" in failed["project.score_within_weight"].message


def test_project_without_total_skips_that_check():
    lines, indicators = project_rows()
    lines = lines[lines["measure"] != "总分"]
    results = run(project.comparisons(lines, indicators, ValidateSettings()))
    assert "project.scores_sum_to_total" not in {r.check for r in results}


def test_validate_report_plain_python_agrees_with_gx():
    rows = ReportRows(report={"report_id": "seed", "fiscal_year": 2024}, budget_lines=seed_lines(
        {("项目支出", "执行率"): "99.90"}))
    with_gx = validate_report(rows, None)
    without = validate_report(rows, None, ValidateSettings(use_gx=False))
    assert [(r.check, r.passed) for r in with_gx] == [(r.check, r.passed) for r in without]
    assert [r.check for r in with_gx if r.blocking] == ["budget.execution_rate"]


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError, match="table_severity"):
        ValidateSettings(table_severity="fatal")
    with pytest.raises(ValueError, match="rate_tolerance_points"):
        ValidateSettings(rate_tolerance_points=-1)
