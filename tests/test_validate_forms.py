"""Rules of performance forms (validate/forms.py) on rows shaped as normalize/ emits them, and on
the real forms of the corpus."""
from __future__ import annotations

from decimal import Decimal

import pytest

from normalize.families.performance import funding_item
from normalize.rows import ReportRows, frame
from validate import ValidateSettings, forms, gx_suites


def project_rows(score="19.80", weight="20", rate="99.00", spent="990,000.00",
                 indicator_scores=(30, 20, 10, 18.5), total=True):
    lines = []
    block = [("年度资金总额：", {"年初预算数": "1,000,000.00", "全年预算数": "1,000,000.00", "全年执行数": spent,
                                "分值": weight, "执行率": rate, "得分": score}),
             ("其中：当年财政拨款", {"年初预算数": "1,000,000.00", "全年预算数": "1,000,000.00", "全年执行数": spent}),
             ("上年结转资金", {"全年预算数": "0.00"}), ("其他资金", {"全年预算数": "0.00"})]
    for i, (label, values) in enumerate(block):
        group, item = funding_item(label, None)
        for measure, raw in values.items():
            unit = "分" if measure in ("分值", "得分") else "%" if measure == "执行率" else "元"
            lines.append(dict(report_id="p", table_id="p-t01", row=i + 2, project="社区助老服务项目",
                              line_label=label, line_group=group, line_item=item, measure=measure,
                              value=Decimal(raw.replace(",", "")), unit=unit, raw=raw, page=1))
    weights = (30, 20, 10, 20)
    if total:
        grand = sum(indicator_scores) + float(score)
        for measure, value in (("分值", "100"), ("得分", f"{grand:g}")):
            lines.append(dict(report_id="p", table_id="p-t01", row=20, project="社区助老服务项目",
                              line_label="总分", line_item="总分", measure=measure, value=Decimal(value),
                              unit="分", raw=value, page=2))
    indicators = [dict(report_id="p", table_id="p-t01", project="社区助老服务项目", level1="产出指标",
                       level2="数量指标", name=f"指标{k}", weight=float(w), score=float(s), page=1)
                  for k, (w, s) in enumerate(zip(weights, indicator_scores))]
    tables = frame("tables", [dict(report_id="p", table_id="p-t01", kind="project_form")])
    return ReportRows(report={"report_id": "p"}, tables=tables, budget_lines=frame("budget_lines", lines),
                      indicators=frame("indicators", indicators))


def run(rows):
    found = forms.comparisons(rows, ValidateSettings())
    return gx_suites.run([c for c in found if not hasattr(c, "passed")]) + [c for c in found if hasattr(c, "passed")]


def test_project_block_and_scores_pass():
    results = run(project_rows())
    assert sorted({r.check for r in results}) == [
        "form.execution_rate", "form.funding_score", "form.funding_sums_to_total",
        "form.score_within_weight", "form.scores_sum_to_total", "form.weights_sum_to_total"]
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_project_inconsistencies_fail():
    failed = {r.check: r for r in run(project_rows(score="19.00", indicator_scores=(30, 20, 12, 18.5)))
              if r.passed is False}
    assert set(failed) == {"form.funding_score", "form.score_within_weight"}
    assert failed["form.funding_score"].observed == "19.00"
    assert failed["form.funding_score"].expected == "20.00 × 99.00% = 19.80"
    assert "指标2" in failed["form.score_within_weight"].message


def test_a_wrong_part_fails_the_funding_sum():
    rows = project_rows()
    lines = rows.budget_lines
    mask = (lines["line_item"] == "当年财政拨款") & (lines["measure"] == "全年执行数")
    lines.loc[mask, "value"] = Decimal("989000.00")
    lines.loc[mask, "raw"] = "989,000.00"
    failed = {r.check for r in run(rows) if r.passed is False}
    assert "form.funding_sums_to_total" in failed


def test_project_without_total_skips_that_check():
    results = run(project_rows(total=False))
    assert "form.scores_sum_to_total" not in {r.check for r in results}


@pytest.mark.parametrize("grade,score,ok", [("优", 92.33, True), ("良", 92.33, False), ("良", 85.0, True),
                                            ("中", 59.9, False), ("差", 40, True)])
def test_grade_fits_score(grade, score, ok):
    (r,) = forms.grade_checks({"total_score": score, "grade": grade}, ValidateSettings())
    assert r.passed is ok and r.severity == "warning"
