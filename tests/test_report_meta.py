"""Report metadata (title, unit, year, kind) from the covers of the real corpus documents, and the
rules behind it on plain lines."""
from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import corpus_pdf
from extract import read_document
from extract.model import Document, TextLine
from normalize.report_meta import report_metadata

PUTUO = "putuo-2024-finance-bureau-final-accounts.pdf"


@lru_cache(maxsize=None)
def metadata(name: str) -> dict:
    return report_metadata(read_document(corpus_pdf(name)))


@pytest.mark.parametrize("name, expected", [
    (PUTUO,
     {"title": "上海市普陀区财政局2024年度部门决算", "unit_name": "上海市普陀区财政局",
      "fiscal_year": 2024, "report_kind": "final_accounts"}),
    ("shanghai-final-accounts-template.pdf",  # cover '上海市 XX 局' / '2024 年度部门决算'
     {"title": "上海市XX局2024年度部门决算", "unit_name": "上海市XX局",
      "fiscal_year": 2024, "report_kind": "final_accounts"}),
    ("jiangsu-2019-party-office-budget-text.pdf",  # the title stops before 目录
     {"title": "江苏省委办公厅2019年度部门预算公开", "unit_name": "江苏省委办公厅",
      "fiscal_year": 2019, "report_kind": "budget"}),
    ("jiangsu-2019-party-office-budget-tables.pdf",  # no cover: 部门：… field, year from a caption
     {"title": "收支预算总表", "unit_name": "中共江苏省委办公厅",
      "fiscal_year": 2019, "report_kind": "budget"}),
])
def test_corpus_covers(name, expected, putuo_doc):
    doc_meta = report_metadata(putuo_doc) if name == PUTUO else metadata(name)  # Putuo: read once per session
    assert doc_meta == expected


def test_scanned_prose_without_text_gives_nothing():
    doc = read_document(corpus_pdf("scanned-chinese-prose-2p.pdf"), ocr_page=None)
    assert report_metadata(doc) == {
        "title": None, "unit_name": None, "fiscal_year": None, "report_kind": "other"}


@pytest.mark.slow
def test_ocr_text_of_a_book_page_is_not_a_report():
    # the OCRed scan starts with its page number '12', then a chapter heading, then prose
    assert metadata("scanned-chinese-prose-2p.pdf") == {
        "title": "第一篇商品和货币", "unit_name": None, "fiscal_year": None,
        "report_kind": "other"}


def doc_of(*lines: tuple[int, str]) -> Document:
    return Document(path="x.pdf", page_count=2,
                    lines=[TextLine(page, text, 0, 20.0 * i, 100, 20.0 * i + 10)
                           for i, (page, text) in enumerate(lines)])


def test_money_unit_field_is_not_a_unit_name():
    meta = report_metadata(doc_of((1, "单位：万元"), (1, "部门：中共江苏省委办公厅")))
    assert meta["unit_name"] == "中共江苏省委办公厅"


def test_year_falls_back_to_the_most_named_year_in_headings():
    meta = report_metadata(doc_of((1, "收支预算总表"), (3, "与2018年相比"), (12, "2019年政府采购预算表"),
                                  (12, "2019年度说明")))
    assert meta["fiscal_year"] == 2019 and meta["report_kind"] == "budget"
