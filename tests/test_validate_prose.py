"""Prose figure recovery: numbers printed as separate text runs go back into their sentence."""
from __future__ import annotations

import pdfplumber

from conftest import corpus_pdf
from extract.model import TextLine
from extract.prose_lines import paragraphs
from validate.prose_checks import figures_of
from extract.model import Document


def plumber_lines(path, pages) -> list[TextLine]:
    out = []
    with pdfplumber.open(path) as pdf:
        for n in pages:
            page = pdf.pages[n - 1]
            for l in page.extract_text_lines():
                out.append(TextLine(n, l["text"], l["x0"], l["top"], l["x1"], l["bottom"], l["chars"][0]["size"]))
            page.close()
    return out


def test_separated_numbers_go_back_into_their_sentences():
    lines = plumber_lines(corpus_pdf("putuo-2024-finance-bureau-final-accounts.pdf"), [21, 22])
    # As printed, the sentence and its numbers are two lines.
    assert any(l.text == "员经费及公用经费等的基本支出。年初预算为 万元，支出决算为 万" for l in lines)
    assert any(l.text == "1560.05 1511.89" for l in lines)
    text = "".join(p.text for p in paragraphs(lines))
    assert "年初预算为1560.05万元，支出决算为1511.89万元" in text
    assert "上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比" in text
    # A number that starts a line (449.52) and one that ends it (450.52) are placed too.
    assert "年初预算为450.52万元，支出决算为449.52万元" in text
    # An ordinary space in the sentence does not take a number (…保险费 。年初预算为62.29万元).
    assert "年初预算为62.29万元，支出决算为60.99万元" in text
    # The item number before 、 goes back in front.
    assert "1、一般公共服务支出（类）财政事务（款）行政运行（项）" in text


def test_figures_carry_page_subject_and_comparison_word():
    lines = plumber_lines(corpus_pdf("putuo-2024-finance-bureau-final-accounts.pdf"), [21, 22])
    figures = figures_of(Document(path="putuo.pdf", page_count=25, lines=lines))
    amounts = {(f.subject, f.values[0]) for f in figures if f.kind == "amount"}
    assert ("收入支出总计", __import__("decimal").Decimal("2995.39")) in amounts
    budgets = [f for f in figures if f.kind == "budget"]
    assert len(budgets) == 12
    first_item = budgets[1]
    assert (first_item.page, first_item.item, first_item.word) == (22, "行政运行", "小于预算数")
    assert [str(v) for v in first_item.values[:2]] == ["1560.05", "1511.89"]
    change = next(f for f in figures if f.kind == "change")
    assert (change.page, change.word, [str(v) for v in change.values]) == (21, "减少/下降", ["2995.39", "56.95", "1.87"])
