"""Document-level checks, indicator checks and acceptances."""
from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest
import regex

from conftest import corpus_pdf
from extract.document import read_document
from extract.model import Document, TextLine
from normalize.rows import ReportRows, frame
from normalize.document import normalize_document
from validate.report import Report
from validate import ValidateSettings, apply_acceptances, load_acceptances, record_acceptance, validate_report
from validate import document, indicators
from validate.result import CheckResult


def test_template_placeholders_are_flagged():
    doc = read_document(corpus_pdf("shanghai-final-accounts-template.pdf"))
    found = document.placeholder_checks(doc, ValidateSettings())
    # one check per page whose printed text holds a placeholder (XX局, XXX 万元 …), read here with
    # PDFium's own text layer: all but the 目录's second page (3), the filled-in tables (6-12) and
    # the last page of 名词解释 (23)
    pdf = pdfium.PdfDocument(doc.path)
    try:
        printed = [i + 1 for i in range(len(pdf))
                   if regex.search(ValidateSettings().placeholder_pattern, pdf[i].get_textpage().get_text_range())]
    finally:
        pdf.close()
    assert [r.page for r in found] == printed == [1, 2, 4, 5, *range(13, 23)]
    assert all(r.severity == "error" and not r.passed for r in found)
    assert any("XX" in r.observed for r in found)
    assert found[0].page == 1


def test_putuo_has_no_placeholder_or_year_problem(putuo_doc):
    doc = putuo_doc
    s = ValidateSettings()
    assert document.placeholder_checks(doc, s) == []
    # 与2023年度相比 is a comparison; 截至2024年12月31日 is this year.
    assert document.year_checks(doc, 2024, s) == []
    contents = document.contents_checks(_report(doc), s)
    assert len(contents) == 9 and all(r.passed for r in contents)


def _report(doc: Document) -> Report:
    """The report under check: normalize decides what the contents lists and which tables it read."""
    return Report(normalize_document(doc, {"report_id": "r", "source_path": doc.path}), doc)


def _doc(*texts: tuple[int, str]) -> Document:
    return Document(path="x.pdf", page_count=3,
                    lines=[TextLine(p, t, 72, 100 + 20 * i, 500, 112 + 20 * i, 12) for i, (p, t) in enumerate(texts)])


def test_year_mismatch_in_heading_and_period_end():
    doc = _doc((1, "上海市某区某局2023年度部门决算"), (2, "截至2023年12月31日，本单位共有车辆2辆。"),
               (2, "与2023年度相比，支出减少10万元。"))
    found = document.year_checks(doc, 2024, ValidateSettings())
    assert [(r.page, r.observed) for r in found] == [(1, "2023年度部门决算"), (2, "截至2023年12月31日")]
    assert all(r.severity == "warning" for r in found)


def test_contents_table_missing():
    doc = _doc((2, "目 录"), (2, "一、收入支出决算总表"), (2, "二、支出决算表"))
    found = document.contents_checks(_report(doc), ValidateSettings())
    assert [(r.expected, r.passed) for r in found] == [("收入支出决算总表", False), ("支出决算表", False)]


def test_indicator_checks_name_target_and_group():
    rows = frame("indicators", [
        dict(table_id="t1", level1="产出指标", level2="时效指标", name="补贴发放准确率", target_raw="100%",
             target_kind="numeric", page=3),
        dict(table_id="t1", level1="产出指标", level2="质量指标", name="资金拨付及时率", target_raw="≥95%",
             target_kind="numeric", page=3),
        dict(table_id="t1", level1="产出指标", level2="数量指标", name="", target_raw="12次", target_kind="numeric",
             page=4),
        dict(table_id="t1", level1="效益指标", level2="社会效益指标", name="受理量", target_raw="约十五万人次（2万）",
             target_kind="text", page=4),
        dict(table_id="t1", level1="产出指标", level2="时效指标", name="按时完成率", target_raw="100%",
             target_kind="numeric", page=4),
    ])
    found = indicators.indicator_checks(rows, ValidateSettings())
    assert sorted((r.check, r.page) for r in found) == [
        ("indicator.has_name", 4), ("indicator.level2_matches_name", 3), ("indicator.level2_matches_name", 3),
        ("indicator.target_parsed", 4)]
    assert next(r for r in found if r.check == "indicator.has_name").severity == "error"
    assert all(r.severity == "warning" for r in found if r.check != "indicator.has_name")


def test_acceptance_round_trip(tmp_path):
    failed = CheckResult("prose.share", "error", False, "71.73%", "71.65%", "…", page=21)
    other = CheckResult("budget_table.row_sums", "error", False, "1", "2", "…", page=10, table_id="r-t03")
    record_acceptance(tmp_path, "r1", "prose.share", "publisher's own rounding error, confirmed on p.21", page=21)
    record_acceptance(tmp_path, "r1", "budget_table.row_sums", "confirmed", table_id="r-t99")
    entries = load_acceptances(tmp_path)
    assert [e["check"] for e in entries] == ["prose.share", "budget_table.row_sums"]
    assert json.loads((tmp_path / "accepted_checks.jsonl").read_text().splitlines()[0])["page"] == 21
    out = apply_acceptances([failed, other], entries, "r1")
    assert out[0].accepted and not out[0].blocking and not out[0].passed
    assert not out[1].accepted and out[1].blocking  # accepted for another table only
    assert not apply_acceptances([failed], entries, "r2")[0].accepted
    with pytest.raises(ValueError, match="reason"):
        record_acceptance(tmp_path, "r1", "prose.share", "  ")


def test_validate_report_survives_empty_input():
    assert validate_report(ReportRows(report={"report_id": "x"}), None) == []
