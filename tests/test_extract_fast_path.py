"""Text-only pages are read with pypdfium2 (extract/fast_text.py) and must give the same lines as
pdfplumber; pages with rules or images still go through pdfplumber."""
import pdfplumber
import pypdfium2 as pdfium
import pytest

from conftest import corpus_pdf
from extract import read_document
from extract.fast_text import page_chars, text_only
from extract.lines import page_lines
from extract.settings import DEFAULT

PUTUO = "putuo-2024-finance-bureau-final-accounts.pdf"
JIANGSU_TEXT = "jiangsu-2019-party-office-budget-text.pdf"


def text_only_pages(path):
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [i + 1 for i in range(len(pdf)) if text_only(pdf[i])]
    finally:
        pdf.close()


def plumber_lines(path, number):
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[number - 1]
        lines = [ln for ln, _ in page_lines(page.dedupe_chars(tolerance=DEFAULT.dedupe_tolerance).chars, number, DEFAULT)]
        page.close()
    return lines


def pdfium_lines(path, number):
    pdf = pdfium.PdfDocument(str(path))
    try:
        chars = page_chars(pdf[number - 1], DEFAULT.dedupe_tolerance)
    finally:
        pdf.close()
    return [ln for ln, _ in page_lines(chars, number, DEFAULT)]


def test_ruled_and_scanned_pages_are_not_text_only():
    # Putuo: cover and prose pages 1-4 and 21-25 draw only text; 5-20 hold the ruled 决算 tables
    assert text_only_pages(corpus_pdf(PUTUO)) == [1, 2, 3, 4, 21, 22, 23, 24, 25]
    assert text_only_pages(corpus_pdf("scanned-chinese-prose-2p.pdf")) == []  # images: OCR path
    assert text_only_pages(corpus_pdf("jiangsu-2019-party-office-budget-tables.pdf")) == []


@pytest.mark.parametrize("name,number", [(PUTUO, 21), (PUTUO, 2), (JIANGSU_TEXT, 2), (JIANGSU_TEXT, 4)])
def test_pdfium_lines_match_pdfplumber(name, number):
    path = corpus_pdf(name)
    slow, fast = plumber_lines(path, number), pdfium_lines(path, number)
    assert len(slow) > 5
    assert [(ln.text, ln.size) for ln in fast] == [(ln.text, ln.size) for ln in slow]
    for a, b in zip(slow, fast):
        # left edges agree; PDFium's descent can differ from the font descriptor's pdfminer uses,
        # moving a line by about a point; the right edge may lose runs of trailing space glyphs
        # (PDFium keeps one), so it can only be shorter
        assert abs(a.x0 - b.x0) < 0.5 and abs(a.top - b.top) < 1.5 and abs(a.bottom - b.bottom) < 1.5, (a, b)
        assert -0.5 < a.x1 - b.x1 < 10, (a, b)


def test_putuo_publisher_figures_keep_their_place():
    """The page-21 prose the prose checks read: numbers come out with pdfplumber's positions."""
    path = corpus_pdf(PUTUO)
    doc = read_document(path)
    got = [ln for ln in doc.lines if ln.page == 21]
    want = plumber_lines(path, 21)
    assert [ln.text for ln in got] == [ln.text for ln in want]
    assert any("万元" in ln.text for ln in got)
    assert not any(ln.in_table for ln in got)
    assert max(abs(a.top - b.top) for a, b in zip(got, want)) < 1.5
