"""A project's money printed as columns of an indicator table (北京's 预算12 项目支出绩效目标表:
项目名称 | 项目总额 | 其中：财政资金 | 其他资金 | 绩效目标 | 一级指标 …, one merged cell per project)
lands as budget lines of that project, in yuan, each once, with 项目总额 = 财政资金 + 其他资金 checked.
The truth below was read by eye from the rendered pages 27–40."""
from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import corpus_pdf
from extract.model import Document
from normalize.document import normalize_document
from tables import make_table
from validate import ValidateSettings, validate_report

# project code → (项目总额, 财政资金, 其他资金 or None), in 万元 as printed
BEIJING = {
    "11000024T000002830551": ("76.640000", "76.640000", None),
    "11000022T000000445703": ("103.984764", "103.984764", None),
    "11000022T000000445737": ("110.700000", "110.700000", None),
    "11000022T000000446100": ("238.330000", "235.585000", "2.745000"),
    "11000022T000000446223": ("81.525000", "78.175000", "3.350000"),
    "11000024T000002854226": ("66.486000", "66.486000", None),
    "11000024T000002844276": ("140.916000", "140.916000", None),
    "11000024T000002852113": ("576.793000", "576.793000", None),
    "11000024T000002853682": ("38.554000", "38.554000", None),
    "11000024T000002853691": ("38.456000", "38.456000", None),
    "11000024T000002853712": ("11.400000", "11.400000", None),
    "11000024T000002854244": ("446.953858", "446.953858", None),
    "11000024T000002854292": ("104.000000", "104.000000", None),
    "11000024T000002854480": ("36.838380", "36.838380", None),
    "11000024T000002854546": ("48.000000", "48.000000", None),
    "11000024T000002863794": ("165.000000", "165.000000", None),
    "11000024Y000002866949": ("2563.011130", "2563.011130", None),
    "11000026T000003677305": ("7000.000000", "7000.000000", None),
    "11000021Y000000390849": ("18.188", "18.188", None),
    "11000022T000000445486": ("45.095500", "45.095500", None),
    "11000024Y000002866836": ("83.5456", "83.5456", None),
}


def funds(lines):
    got = {}
    for r in lines[lines.project.notna()].itertuples():
        got.setdefault(r.project.split("-")[0], {})[r.measure] = r
    return got


def test_beijing_project_amounts_match_the_pages():
    path = corpus_pdf("real/beijing-2026-statistics-bureau-budget-tables.pdf")
    from extract import read_document
    doc = read_document(path)
    rows = normalize_document(doc, {"report_id": "b", "source_path": str(path)})
    got = funds(rows.budget_lines)
    assert set(got) == set(BEIJING)
    for code, printed in BEIJING.items():
        for measure, raw in zip(("项目总额", "财政资金", "其他资金"), printed):
            line = got[code].get(measure)
            if raw is None:  # a blank cell, and never the amount of the project before it
                assert line is None, (code, measure, line)
                continue
            assert (line.raw, line.unit, line.value) == (raw, "元", Decimal(raw) * 10000), (code, measure)
    sums = [c for c in validate_report(rows, doc, ValidateSettings(use_gx=False)) if c.check == "form.project_funds_sum"]
    assert len(sums) == len(BEIJING) and all(c.passed for c in sums)


HEADER = ["项目名称", "项目总额", "财政资金", "其他资金", "一级指标", "二级指标", "三级指标", "指标值"]
ROWS = [["A项目", "120.00", "100.00", "20.00", "产出指标", "数量指标", "培训人次", "≥100"],
        ["", "", "", "", "产出指标", "质量指标", "合格率", "≥95%"],
        ["B项目", "50.00", "50.00", "", "效益指标", "社会效益指标", "满意度", "≥90%"]]
SPANS = {(1, c): (2, 1) for c in range(4)}


def _form(header=HEADER, rows=ROWS, order=None, spans=SPANS, unit="万元", page=1):
    order = order or list(range(len(header)))
    grid = [[r[i] for i in order] for r in [header] + rows]
    where = {o: n for n, o in enumerate(order)}
    spans = {(r, where[c]): v for (r, c), v in spans.items()}
    return make_table(grid, spans=spans, title="项目支出绩效目标表", unit=unit, page=page)


def lines_of(*tables):
    doc = Document(path="x.pdf", page_count=max(t.page_end for t in tables), tables=list(tables))
    rows = normalize_document(doc, {"report_id": "r", "source_path": "x.pdf"})
    return rows, validate_report(rows, doc, ValidateSettings(use_gx=False))


@pytest.mark.parametrize("words", [("项目总额", "财政资金", "其他资金"), ("资金总额", "财政拨款", "其他资金"),
                                   ("项目资金总额", "其中：财政资金", "其中：其他资金")])
@pytest.mark.parametrize("order", [None, [0, 4, 5, 6, 7, 1, 2, 3], [0, 3, 2, 1, 4, 5, 6, 7]],
                         ids=["as printed", "funds after the indicators", "funds reversed"])
def test_project_funds_beside_indicators_land_once_per_project(words, order):
    header = [HEADER[0], *words, *HEADER[4:]]
    rows, results = lines_of(_form(header=header, order=order))
    got = {(r.project, r.measure): r.value for r in rows.budget_lines.itertuples()}
    assert got == {("A项目", "项目总额"): Decimal("1200000"), ("A项目", "财政资金"): Decimal("1000000"),
                   ("A项目", "其他资金"): Decimal("200000"), ("B项目", "项目总额"): Decimal("500000"),
                   ("B项目", "财政资金"): Decimal("500000")}
    assert len(rows.indicators) == 3
    sums = [c for c in results if c.check == "form.project_funds_sum"]
    assert [c.passed for c in sums] == [True, True]


def test_a_misprinted_total_fails_its_check():
    bad = [list(r) for r in ROWS]
    bad[0][1] = "130.00"
    _, results = lines_of(_form(rows=bad))
    failed = [c for c in results if c.check == "form.project_funds_sum" and c.passed is False]
    assert len(failed) == 1 and "A项目" in failed[0].message


def test_an_indicator_table_without_fund_columns_has_no_lines():
    header = [HEADER[0], *HEADER[4:]]
    rows = [[r[0], *r[4:]] for r in ROWS]
    got, _ = lines_of(make_table([header] + rows, spans={(1, 0): (2, 1)}, title="项目支出绩效目标表", unit="万元"))
    assert got.budget_lines.empty and len(got.indicators) == 3


def test_a_fund_header_that_names_its_unit_scales_by_it():
    """长春 预算表11: 年度资金总额(万元) on a page whose caption declares no unit."""
    header = [HEADER[0], "年度资金总额(万元)", *HEADER[4:]]
    rows = [[r[0], r[1], *r[4:]] for r in ROWS]
    got, _ = lines_of(make_table([header] + rows, spans={(1, 0): (2, 1), (1, 1): (2, 1)},
                                 title="项目支出绩效目标表"))
    assert {(r.project, r.measure, r.unit): r.value for r in got.budget_lines.itertuples()} == {
        ("A项目", "项目总额", "元"): Decimal("1200000"), ("B项目", "项目总额", "元"): Decimal("500000")}
