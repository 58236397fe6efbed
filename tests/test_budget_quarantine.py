"""One printed amount changed in a real 预算 / 决算 PDF of four governments (浙江 杭州, 广东 佛山,
山东 烟台, the national 国家信访局), so a table no longer adds up: the report is quarantined by the table-arithmetic check of
that table, on that page; the unedited report is not. The wrong PDFs are made with tests/pdf_edit.py
(杭州 and 佛山 draw their text with `(...)` literal strings, the case pdf_edit.py used to crash on)."""
from __future__ import annotations

import pytest

from conftest import corpus_pdf
from pdf_edit import replace_text
from pipeline.process import process

HANGZHOU = "real/hangzhou-2026-meteorological-bureau-budget.pdf"
FOSHAN = "real/foshan-2019-rail-transit-bureau-final-accounts.pdf"
YANTAI = "real/yantai-2026-audit-bureau-budget.pdf"
NATIONAL = "real/national-petition-bureau-2024-final-accounts.pdf"

# (document, page, printed, edited, occurrence, the check that must catch it, a word of its subject)
EDITS = {
    # 表5 一般公共预算支出预算表 p.19, 行政运行: 基本支出 小计 2,617.19 = 人员经费 1,907.01 + 日常公用
    # 支出 710.18; 人员经费 printed 1,970.01.
    "hangzhou": (HANGZHOU, 19, "1,907.01", "1,970.01", None, "budget_table.row_sums", "行政运行"),
    # 支出决算表 p.10, 2140102 一般行政管理事务: 本年支出合计 905.60 = 基本 0.00 + 项目 905.60;
    # 本年支出合计 printed 950.60 (the first of the two 905.60 on the row).
    "foshan": (FOSHAN, 10, "905.60", "950.60", 0, "budget_table.row_sums", "一般行政管理事务"),
    # 支出总体情况表 p.11, 2010850 事业运行 (类/款/项 split, 款 and 项 without their 类):
    # 合计 414.44 = 基本支出 414.44; 合计 printed 441.44.
    "yantai": (YANTAI, 11, "414.44", "441.44", 0, "budget_table.row_sums", "事业运行"),
    # 支出决算表 p.9, 2014003 机关服务: 本年支出合计 799.43 = 基本支出 799.43; printed 797.43.
    "national": (NATIONAL, 9, "799.43", "797.43", 0, "budget_table.row_sums", "机关服务"),
}


def _blocking(result):
    return [c for c in result.checks if c.blocking]


@pytest.fixture(scope="module", params=sorted(EDITS))
def edited(request, tmp_path_factory):
    name = request.param
    src, page, old, new, occurrence, check, subject = EDITS[name]
    dst = tmp_path_factory.mktemp(f"wrong-{name}") / f"{name}-wrong.pdf"
    replace_text(corpus_pdf(src), dst, page, old, new, occurrence=occurrence)
    return name, process(dst), process(corpus_pdf(src))


@pytest.mark.slow
def test_a_table_that_no_longer_adds_up_is_quarantined_by_its_check_on_its_page(edited):
    name, wrong, original = edited
    src, page, old, new, occurrence, check, subject = EDITS[name]
    assert original.status == "ok", [c.message for c in _blocking(original)]
    assert wrong.status == "quarantined"
    caught = [c for c in _blocking(wrong) if c.check == check and c.page == page and subject in c.message]
    assert caught, [(c.check, c.page, c.message) for c in _blocking(wrong)]
    assert new.replace(",", "") in caught[0].observed.replace(",", "") or \
        new.replace(",", "") in caught[0].expected.replace(",", "")
    # nothing else changed: every other blocking check names the same page
    assert {c.page for c in _blocking(wrong)} == {page}
