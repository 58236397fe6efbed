"""One printed amount changed in a real 预算 / 决算 PDF of ten governments (浙江 杭州, 广东 佛山,
山东 烟台, the national 国家信访局, and the templates whose every unit was once quarantined: 北京, 西安,
烟台 大数据局, 无锡, 苏州, 上海), so a table no longer adds up: the report is quarantined by the
table-arithmetic check of that table, on that page, and the check's `expected` is the sum of the
true parts; the unedited report is not. The wrong PDFs are made with tests/pdf_edit.py
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

# (document, page, printed, edited, occurrence, the check that must catch it, a word of its subject,
#  the expected it must print: the sum of the true parts, or None to look for the edited figure)
EDITS = {
    # 表5 一般公共预算支出预算表 p.19, 行政运行: 基本支出 小计 2,617.19 = 人员经费 1,907.01 + 日常公用
    # 支出 710.18; 人员经费 printed 1,970.01.
    "hangzhou": (HANGZHOU, 19, "1,907.01", "1,970.01", None, "budget_table.row_sums", "行政运行", None),
    # 支出决算表 p.10, 2140102 一般行政管理事务: 本年支出合计 905.60 = 基本 0.00 + 项目 905.60;
    # 本年支出合计 printed 950.60 (the first of the two 905.60 on the row).
    "foshan": (FOSHAN, 10, "905.60", "950.60", 0, "budget_table.row_sums", "一般行政管理事务", None),
    # 支出总体情况表 p.11, 2010850 事业运行 (类/款/项 split, 款 and 项 without their 类):
    # 合计 414.44 = 基本支出 414.44; 合计 printed 441.44.
    "yantai": (YANTAI, 11, "414.44", "441.44", 0, "budget_table.row_sums", "事业运行", None),
    # 支出决算表 p.9, 2014003 机关服务: 本年支出合计 799.43 = 基本支出 799.43; printed 797.43.
    "national": (NATIONAL, 9, "799.43", "797.43", 0, "budget_table.row_sums", "机关服务", None),
    # 预算05表 p.9, 2010501 行政运行: 基本支出 小计 5,193.319939 万元 = 人员经费 4,557.351900 + 公用经费
    # 635.968039; 人员经费 printed 4,575.351900 (万元 to six decimals: the check speaks 元).
    "beijing": ("real/beijing-2026-statistics-bureau-budget-tables.pdf", 9, "4,557.351900", "4,575.351900", 0,
                "budget_table.row_sums", "行政运行", "45,753,519.00 + 6,359,680.39 = 52,113,199.39 元"),
    # 部门综合预算收支总表 p.26 (收入 | 三种分类的支出 side by side): 1、人员经费和公用经费支出
    # 36,701,197.20 元 = （1）…（4）; （2）商品和服务支出 printed 3,431,326.17 for 3,413,326.17.
    "xian": ("real/xian-2026-statistics-bureau-budget.pdf", 26, "3,413,326.17", "3,431,326.17", 0,
             "budget_table.numbered_lines", "人员经费和公用经费支出",
             "32,493,937.03 + 3,431,326.17 + 753,934.00 + 40,000.00 = 36,719,197.20 元"),
    # 一般公共预算“三公”经费支出情况表 p.18, two years side by side: 2025年 合计 20.45 = 因公出国（境）经费
    # 10.00 + 用车 5.00 + 公务接待费 5.45; 接待 printed 5.54.
    "yantai_big_data": ("real/yantai-2026-big-data-bureau-budget.pdf", 18, "5.45", "5.54", 0,
                        "budget_table.row_sums", "2025年", "10.00 + 5.00 + 5.54 = 20.54 万元"),
    # 一般公共预算“三公”经费、会议费、培训费支出表 p.20: “三公”经费合计 3.00 = 0 + 0 + 公务接待费 3.00
    # (会议费 2.61 and 培训费 19.03 beside it); 合计 printed 3.50.
    "wuxi": ("real/wuxi-2026-statistics-bureau-budget.pdf", 20, "3.00", "3.50", 0,
             "budget_table.row_sums", "三公", "0.00 + 0.00 + 3.00 = 3.00 万元"),
    # the same table of 苏州 p.18: “三公”经费合计 10.00 = 公务接待费 10.00; printed 12.00.
    "suzhou": ("real/suzhou-2026-audit-bureau-budget.pdf", 18, "10.00", "12.00", 0,
               "budget_table.row_sums", "三公", "0.00 + 0.00 + 10.00 = 10.00 万元"),
    # 财务收支预算总表 p.7 (元, no decimals): 一般公共服务支出 合计 463,892,324 = 人员经费 12,016,088 +
    # 公用经费 16,737,236 + 项目支出 435,139,000; 合计 printed 463,892,342.
    "shanghai": ("real/shanghai-2026-data-bureau-budget.pdf", 7, "463,892,324", "463,892,342", 0,
                 "budget_table.row_sums", "一般公共服务支出",
                 "12,016,088.00 + 16,737,236.00 + 435,139,000.00 = 463,892,324.00 元"),
}


def _blocking(result):
    return [c for c in result.checks if c.blocking]


@pytest.fixture(scope="module", params=sorted(EDITS))
def edited(request, tmp_path_factory):
    name = request.param
    src, page, old, new, occurrence, check, subject, _ = EDITS[name]
    dst = tmp_path_factory.mktemp(f"wrong-{name}") / f"{name}-wrong.pdf"
    replace_text(corpus_pdf(src), dst, page, old, new, occurrence=occurrence)
    return name, process(dst), process(corpus_pdf(src))


@pytest.mark.slow
def test_a_table_that_no_longer_adds_up_is_quarantined_by_its_check_on_its_page(edited):
    name, wrong, original = edited
    src, page, old, new, occurrence, check, subject, expected = EDITS[name]
    assert original.status == "ok", [c.message for c in _blocking(original)]
    assert wrong.status == "quarantined"
    caught = [c for c in _blocking(wrong) if c.check == check and c.page == page and subject in c.message]
    assert caught, [(c.check, c.page, c.message) for c in _blocking(wrong)]
    if expected is not None:
        assert expected in [c.expected for c in caught], [c.expected for c in caught]
    else:
        assert new.replace(",", "") in caught[0].observed.replace(",", "") or \
            new.replace(",", "") in caught[0].expected.replace(",", "")
    # nothing else changed: every other blocking check names the same page
    assert {c.page for c in _blocking(wrong)} == {page}
