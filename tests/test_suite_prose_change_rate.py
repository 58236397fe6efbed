"""prose.change_rate: 「增加/减少 D 万元，增长/下降 P%」 against last year, on the three sentences
of the real Putuo prose (pp. 21 and 24), the same sentences with a wrong rate, and the form that
prints last year's amount inside the comparison (比2025年…X万元增加…)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from extract.model import Document, TextLine
from normalize.rows import empty_frame
from validate import gx_suites, prose_checks
from validate.settings import ValidateSettings


def change_checks(doc):
    figures = prose_checks.figures_of(doc)
    results = gx_suites.run(prose_checks.comparisons(figures, empty_frame("budget_lines"), ValidateSettings()))
    return [r for r in results if r.check == "prose.change_rate"]


def rate(delta: str, prior: Decimal) -> str:
    return f"{Decimal(delta) / prior * 100:.4f}"


def test_putuos_three_change_rates_hold(putuo_doc):
    """As printed: 收入支出总计 2,995.39 万元, 减少 56.95, 下降 1.87% (p.21); 一般公共预算财政拨款支出
    2,940.05, 减少 63.14, 下降 2.10% (p.21); 机关运行经费 184.65, 增加 2.55, 增长 1.40% (p.24)."""
    found = change_checks(putuo_doc)
    assert [(r.page, r.observed, r.passed) for r in found] == [
        (21, "1.87%", True), (21, "2.10%", True), (24, "1.40%", True)]
    # the base is last year's amount: this year's plus a decrease, minus an increase
    assert found[0].expected.startswith(f"56.95 / 3,052.34 = {rate('56.95', Decimal('3052.34'))}")
    assert found[1].expected.startswith(f"63.14 / 3,003.19 = {rate('63.14', Decimal('3003.19'))}")
    assert found[2].expected.startswith(f"2.55 / 182.10 = {rate('2.55', Decimal('182.10'))}")


def _edited(doc, old: str, new: str):
    lines = [dataclasses.replace(ln, text=ln.text.replace(old, new)) for ln in doc.lines]
    assert lines != doc.lines, old
    return dataclasses.replace(doc, lines=lines)


@pytest.mark.parametrize("printed, holds", [
    ("下降1.86%", True),  # 0.006 points from 1.8658%: inside the 0.01-point tolerance
    ("下降1.85%", False),  # 0.016 points off
    ("下降2.87%", False),
])
def test_a_wrong_rate_fails_on_its_page(putuo_doc, printed, holds):
    found = change_checks(_edited(putuo_doc, "下降1.87%", printed))
    first = found[0]
    assert (first.page, first.observed, first.passed) == (21, printed[2:], holds)
    assert [r.passed for r in found[1:]] == [True, True]  # the other two are untouched


def _doc(*texts: str) -> Document:
    return Document(path="x.pdf", page_count=1,
                    lines=[TextLine(1, t, 72, 100 + 20 * i, 500, 112 + 20 * i, 12) for i, t in enumerate(texts)])


def test_last_years_amount_printed_in_the_comparison_is_the_base():
    right = change_checks(_doc("2026年支出预算101,673.03万元，比2025年年初预算数99,003.18万元增加2,669.85万元，增长2.70%。"))
    assert [(r.observed, r.passed) for r in right] == [("2.70%", True)]
    assert right[0].expected.startswith(f"2,669.85 / 99,003.18 = {rate('2669.85', Decimal('99003.18'))}")
    # measured from this year's amount instead, the rate would be 2.63%: that is wrong here
    wrong = change_checks(_doc("2026年支出预算101,673.03万元，比2025年年初预算数99,003.18万元增加2,669.85万元，增长2.63%。"))
    assert [(r.observed, r.passed) for r in wrong] == [("2.63%", False)]
