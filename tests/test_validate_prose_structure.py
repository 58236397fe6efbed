"""Prose read with structure (issue 11, cause "prose parsed wrongly"): each false alarm the prose
checks raised on the corpus, on its real page, now reads the figure the sentence means; the
publishers' real inconsistencies are still reported, as warnings.
"""
from __future__ import annotations

from decimal import Decimal

import pdfplumber
import pytest

from conftest import corpus_pdf
from extract.model import Document
from test_validate_prose import plumber_lines
from validate.prose_checks import comparisons, figures_of, masked, sentence_spans
from validate.settings import ValidateSettings

PLAIN = ValidateSettings(use_gx=False)


def _doc(name: str, pages: list[int]) -> Document:
    path = corpus_pdf(name)
    return Document(path=str(path), page_count=max(pages), lines=plumber_lines(path, pages))


def _results(doc: Document, lines=None):
    import pandas as pd
    figures = figures_of(doc)
    return figures, comparisons(figures, pd.DataFrame() if lines is None else lines, PLAIN)


def test_a_change_measured_from_the_prior_year_amount_the_sentence_prints():
    """Beijing p.5 (scanned): `收入预算101,673.03万元，比2025年年初预算数99,003.18万元增加2,669.85万元，
    增长2.7%` — 2,669.85 / 99,003.18 = 2.70%, not / (99,003.18 − 2,669.85)."""
    from extract.ocr.page import ocr_page
    path = corpus_pdf("real/beijing-2026-data-bureau-budget-scanned.pdf")
    with pdfplumber.open(path) as pdf:
        lines, _ = ocr_page(pdf.pages[4], 5)
    figures, results = _results(Document(path=str(path), page_count=8, lines=lines))
    change = next(f for f in figures if f.kind == "change")
    assert change.prior and change.raws == ("99,003.18", "2,669.85", "2.7")
    rate = next(c for c in results if c.check == "prose.change_rate")
    assert rate.holds() and rate.expected_text == "2,669.85 / 99,003.18 = 2.6967%"


def test_a_change_whose_subject_names_the_paragraphs_total():
    """Changchun p.17: `2026年预算比2025年预算增加50.32万元，增长3.08%` is about the paragraph's
    `2026年预算收入1682.76万元` (50.32 / 1,632.44 = 3.08%), not the 474.56 of 项目支出 just before."""
    figures, results = _results(_doc("real/changchun-2026-petition-bureau-budget.pdf", [17]))
    change = next(f for f in figures if f.kind == "change" and f.raws[1] == "50.32")
    assert change.values[0] == Decimal("1682.76") and not change.prior
    rates = [c for c in results if c.check == "prose.change_rate"]
    assert rates and all(c.holds() for c in rates)


def test_a_full_stop_inside_parentheses_does_not_end_the_sentence():
    """Guangzhou p.25: `公务用车购置及运行维护费24.8万元（…比上年减少5.45万元。）比上年减少25.05万元，
    下降50.3%` — 25.05 / (24.8 + 25.05) = 50.25%; the aside's amounts are not the base."""
    doc = _doc("real/guangzhou-2026-meteorological-bureau-budget.pdf", [25])
    text = "".join(masked(p.text) for p in doc.paragraphs)
    assert "。）比上年减少" not in text  # the aside is blanked
    figures, results = _results(doc)
    change = next(f for f in figures if f.kind == "change" and f.raws[1] == "25.05" and f.raws[2] == "50.3")
    assert change.values[0] == Decimal("24.8")
    assert "5.45万元。）比上年减少25.05万元" in change.sentence  # one sentence, not cut at the 。
    rate = next(c for c in results if c.check == "prose.change_rate" and c.observed_text == "50.3%")
    assert rate.holds()


def test_sentence_spans_skip_full_stops_in_brackets():
    text = "A（b。c）d。E。"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["A（b。c）d。", "E。"]


def test_shares_of_a_listed_whole_and_of_the_total_named_before_the_parts():
    """Hangzhou p.5: `科学技术（类）支出28.00万元，占0.5%；…；自然资源海洋气象等（类）支出5,247.87万元，占91.2%`
    lists parts whose shares add up to 100%: the base is their sum (5,753.06), not the first amount
    (28.00). `2.按支出用途分类，包括人员支出2,906.80万元，占49.4%；…` likewise (5,876.68): there the
    publisher's 49.4% is not the rounding of 49.46% — a real, if small, inconsistency."""
    figures, results = _results(_doc("real/hangzhou-2026-meteorological-bureau-budget.pdf", [5]))
    shares = {c.observed_text: c for c in results if c.check == "prose.share"}
    assert {"0.5%", "6.9%", "1.4%", "91.2%", "14.3%", "36.3%"} <= set(shares)
    assert all(shares[p].holds() for p in ("0.5%", "6.9%", "1.4%", "91.2%", "14.3%", "36.3%"))
    assert "(28.00 + 396.67 + 80.52 + 5,247.87)" in shares["91.2%"].expected_text
    assert not shares["49.4%"].holds() and shares["49.4%"].severity == "warning"


def test_shares_with_full_width_percent_and_zhanbi_take_the_total_before_qizhong():
    """National petition bureau p.19: `本年收入合计20451.35万元，其中：一般公共预算财政拨款收入19572.91万元，
    占95.7％；其他收入878.44万元，占4.3%` (full-width ％) and `本年支出合计14572.53万元，其中：…支出
    10685.56万元，占比73.33%；…`: every share is of the total before 其中."""
    figures, results = _results(_doc("real/national-petition-bureau-2024-final-accounts.pdf", [19]))
    shares = [c for c in results if c.check == "prose.share"]
    assert len(shares) == 9 and all(c.holds() for c in shares)
    bases = {f.values[2] for f in figures if f.kind == "share"}
    assert bases == {Decimal("20451.35"), Decimal("14572.53")}


def test_the_publishers_own_change_rate_errors_remain_warnings():
    """Jiangsu text p.8: 住房保障 3894.09万元 `与上年相比增加878.93万元，增长30%` — 878.93 / 3015.16 is
    29.15%, printed 30%. National p.17: 22066.59万元 `增加5834.37万元，增长35.74%` — 35.94%."""
    _, jiangsu = _results(_doc("jiangsu-2019-party-office-budget-text.pdf", [8]))
    _, national = _results(_doc("real/national-petition-bureau-2024-final-accounts.pdf", [17]))
    failed = [(c.observed_text, c.expected_text) for c in jiangsu + national
              if c.check == "prose.change_rate" and not c.holds()]
    assert failed == [("30%", "878.93 / 3,015.16 = 29.1504%"), ("35.74%", "5834.37 / 16,232.22 = 35.9431%")]
    assert all(c.severity == "warning" for c in jiangsu + national)


@pytest.fixture(scope="module")
def national():
    from pipeline.process import process
    return process(corpus_pdf("real/national-petition-bureau-2024-final-accounts.pdf"))


def test_a_line_number_column_is_never_the_table_figure(national):
    """National p.19 `本年收入合计20451.35万元` against the 收入支出决算总表, whose 行次 column prints 27
    on that row: the text is compared with the 金额 (20,451.35), never with 27.00."""
    checks = [c for c in national.checks if c.check == "prose.matches_table" and c.page == 19]
    said = {c.observed: c for c in checks}
    assert said["20451.35 万元"].passed and said["14572.53 万元"].passed
    assert not any(c.expected.startswith(("27.00", "58.00")) for c in checks)
    assert not any(c.check.startswith("prose.") and c.blocking for c in national.checks)


def test_an_all_funds_figure_is_not_compared_with_a_one_fund_table():
    """Hangzhou p.5 `按支出用途分类…项目支出2,131.61万元` is all the bureau's money (表10 总计 2,131.61);
    表5 一般公共预算支出预算表 prints only the 一般公共预算 part (2,008.00): not the same figure."""
    from pipeline.process import process
    result = process(corpus_pdf("real/hangzhou-2026-meteorological-bureau-budget.pdf"))
    doc = _doc("real/hangzhou-2026-meteorological-bureau-budget.pdf", [5])
    assert any(f.kind == "amount" and f.subject == "项目支出" and f.raws == ("2,131.61",) for f in figures_of(doc))
    checks = [c for c in result.checks if c.check == "prose.matches_table" and "2,131.61" in (c.observed or "")]
    assert not any("一般公共预算支出预算表" in (c.expected or "") for c in checks)
    assert not any(c.check.startswith("prose.") and c.blocking for c in result.checks)


def test_a_sentence_broken_by_a_page_and_its_number_is_one_sentence(national):
    """National p.23 ends `…基本支出 10234.37 万元，其` above its page number 21; p.24 starts `中：人员经费
    7967.72 万元`. The number used to start a paragraph of its own (`21中：人员经费…`)."""
    checks = [c for c in national.checks if c.check == "prose.matches_table" and "人员经费" in c.message]
    assert checks and all(c.passed for c in checks)
    assert any("基本支出10234.37万元，其中：人员经费" in c.message for c in checks)
    assert not any("21中" in c.message for c in national.checks)
