"""Self-evaluation prose (调整后预算 / 实际执行 / 预算执行率, 本年支出合计…其中) against the budget
execution table, on the real seed report."""
from __future__ import annotations

from decimal import Decimal

import pytest

from extract import read_document
from normalize.document import normalize_document
from pipeline.process import process
from validate import gx_suites, prose_checks
from validate.settings import ValidateSettings


@pytest.fixture(scope="module")
def seed(seed_pdf):
    return process(seed_pdf)


def _prose_vs_table(checks):
    return [c for c in checks if c.check == "prose.matches_table"]


def test_seed_prose_agrees_with_its_budget_table(seed):
    assert seed.status == "ok", seed.report.get("error")
    checks = _prose_vs_table(seed.checks)
    assert all(c.passed for c in checks), [c.message for c in checks if not c.passed]
    assert all(c.severity == "warning" for c in checks)  # prose never quarantines (issue 11)
    # 3 subjects × 3 measures from 调整后预算…实际执行…预算执行率, plus 决算金额 / 本年支出合计…其中.
    seen = {(c.message.split("」 ")[1].split(":")[0], c.observed) for c in checks}
    assert {("部门整体 全年预算数", "263,254,643.42 元"), ("部门整体 全年执行数", "263,083,287.96 元"),
            ("部门整体 执行率", "99.93%"),
            ("基本支出 全年预算数", "5,829,955.00 元"), ("基本支出 全年执行数", "5,688,467.10 元"),
            ("基本支出 执行率", "97.57%"),
            ("项目支出 全年预算数", "257,424,688.42 元"), ("项目支出 全年执行数", "257,394,820.86 元"),
            ("项目支出 执行率", "99.98%")} <= seen
    assert len(checks) >= 9
    whole_rate = next(c for c in checks if c.observed == "99.93%")
    # 263,083,287.96 / 263,254,643.42 = 99.9349…%: the Σ of the 资金结构 lines, printed 99.93%.
    assert whole_rate.expected.startswith("99.93% ") and "p.9" in whole_rate.expected
    assert {c.page for c in checks} <= {8, 9} and 9 in {c.page for c in checks}


def test_a_wrong_execution_amount_in_the_table_fails_the_prose_check(seed_pdf):
    doc = read_document(seed_pdf)
    rows = normalize_document(doc, {"report_id": "seed", "source_path": str(seed_pdf)})
    lines = rows.budget_lines.copy()
    wrong = (lines.line_item == "项目支出") & (lines.measure == "全年执行数")
    assert wrong.sum() == 1
    lines.loc[wrong, "value"] = Decimal("257394000.86")
    lines.loc[wrong, "raw"] = "257,394,000.86"
    settings = ValidateSettings()
    figures = prose_checks.figures_of(doc)
    results = _prose_vs_table(gx_suites.run(prose_checks.comparisons(figures, lines, settings)))
    failed = [r for r in results if not r.passed]
    project = [r for r in failed if "项目支出 全年执行数" in r.message and r.page == 9]
    assert len(project) == 1
    r = project[0]
    assert (r.severity, r.observed) == ("warning", "257,394,820.86 元")
    assert r.expected.startswith("257,394,000.86 元")
    # The whole unit's 执行数 (Σ 资金结构) is off by the same 820 元; 基本支出, every 预算数 and rate still agree.
    assert {(m.message.split("」 ")[1].split(":")[0]) for m in failed} == {
        "项目支出 全年执行数", "部门整体 全年执行数"}
    assert len([r for r in results if r.passed]) >= 6
