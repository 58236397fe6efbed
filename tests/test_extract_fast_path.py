"""Pages PDFium can mirror are read with pypdfium2 (extract/pdfium/glyphs.py for glyphs,
extract/pdfium/rules.py for ruling lines) and must give the same lines and tables as pdfplumber;
the others (scans, images, curves) still go through pdfplumber. Rotated pages
(Jiangsu's landscape tables) come out in pdfplumber's rotated coordinates."""
from collections import Counter
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from conftest import CORPUS, corpus_pdf
from extract import document, read_document, ruled
from extract.pdfium import rules as fast_rules
from extract.cell_text import dedupe_chars
from extract.pdfium.glyphs import page_chars
from extract.lines import page_lines
from extract.settings import DEFAULT

PUTUO = "putuo-2024-finance-bureau-final-accounts.pdf"
TEMPLATE = "shanghai-final-accounts-template.pdf"
JIANGSU_TEXT = "jiangsu-2019-party-office-budget-text.pdf"
JIANGSU_TABLES = "jiangsu-2019-party-office-budget-tables.pdf"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


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


def test_putuo_publisher_figures_keep_their_place(putuo_doc):
    """The page-21 prose the prose checks read: numbers come out with pdfplumber's positions."""
    path = corpus_pdf(PUTUO)
    doc = putuo_doc
    got = [ln for ln in doc.lines if ln.page == 21]
    want = plumber_lines(path, 21)
    assert [ln.text for ln in got] == [ln.text for ln in want]
    assert any("万元" in ln.text for ln in got)
    assert not any(ln.in_table for ln in got)
    assert max(abs(a.top - b.top) for a, b in zip(got, want)) < 1.5


# --- table pages: rules from PDFium's path objects ------------------------------------------------

def pdfplumber_only(monkeypatch):
    """read_document with every page through pdfplumber (no PDFium document)."""
    monkeypatch.setattr(document, "_open_pdfium", lambda path: None)


def same_table_boxes(path, pages) -> list[int]:
    """Pages whose table boxes from PDFium's path objects differ from pdfplumber's (or that
    PDFium would not read)."""
    pdf, plumber = pdfium.PdfDocument(str(path)), pdfplumber.open(path)
    def close(a, b):  # PDFium's floats and pdfminer's doubles differ by a fraction of a point
        return len(a) == len(b) and all(
            len(s) == len(t) and all(max(abs(u - v) for u, v in zip(x, y)) < 0.5 for x, y in zip(s, t))
            for s, t in zip(a, b))

    differ = []
    try:
        for number in pages:
            fast = fast_rules.page_edges(pdf[number - 1], DEFAULT)
            page = plumber.pages[number - 1]
            slow = ruled.page_edges(page, DEFAULT)
            page.close()
            if fast is None or len(fast) != len(slow) or \
                    not close(ruled.table_boxes(fast, DEFAULT), ruled.table_boxes(slow, DEFAULT)):
                differ.append(number)
    finally:
        pdf.close()
        plumber.close()
    return differ


def test_pdfium_rules_give_pdfplumbers_cells():
    assert same_table_boxes(corpus_pdf(PUTUO), range(5, 21)) == []  # the 决算 tables


def test_rules_drawn_inside_a_form_xobject_are_mapped_to_the_page():
    """Shenzhen draws every page as one form XObject (its rules in the form's own space)."""
    assert same_table_boxes(corpus_pdf("real/shenzhen-2026-meteorological-bureau-budget.pdf"), range(1, 41)) == []


@pytest.mark.parametrize("name, n_tables", [(PUTUO, 10), (TEMPLATE, 10), (JIANGSU_TABLES, 12)])
def test_table_pages_read_by_pdfium_give_the_same_tables(name, n_tables, monkeypatch, putuo_doc):
    fast = putuo_doc if name == PUTUO else read_document(corpus_pdf(name))
    pdfplumber_only(monkeypatch)
    slow = read_document(corpus_pdf(name))
    assert len(fast.tables) == len(slow.tables) == n_tables
    for a, b in zip(fast.tables, slow.tables):
        assert (a.title, a.page_start, a.page_end, a.text_grid()) == (b.title, b.page_start, b.page_end, b.text_grid())
        for ca, cb in zip(a.cells, b.cells):  # snapped rule positions may move by a fraction of a point
            assert max(abs(ca.x0 - cb.x0), abs(ca.top - cb.top), abs(ca.x1 - cb.x1), abs(ca.bottom - cb.bottom)) < 0.5


def test_pages_pdfium_cannot_mirror_go_to_pdfminer():
    def fast_pages(name):
        pdf = pdfium.PdfDocument(str(name))
        try:
            return [i + 1 for i in range(len(pdf)) if document._fast_page(pdf, i, i + 1, DEFAULT) is not None]
        finally:
            pdf.close()

    assert fast_pages(corpus_pdf("scanned-chinese-prose-2p.pdf")) == []  # images, no text: OCR path
    # pp. 19 and 20 print charts as images beside their prose: text pages all the same
    assert fast_pages(corpus_pdf("real/national-petition-bureau-2024-final-accounts.pdf")) == list(range(1, 51))
    assert fast_pages(corpus_pdf(JIANGSU_TABLES)) == list(range(1, 13))  # 9 of them /Rotate 90
    # LibreOffice draws a space glyph as a text object of its own, which PDFium swaps for its own
    # generated space or line break; pdfium/glyphs.py puts the space back, so its pages read fast too
    assert fast_pages(SAMPLES / "project-self-evaluation-2024.pdf") == [1, 2, 3, 4]
    # Putuo p.14 prints no glyph (one empty ruled row)
    assert fast_pages(corpus_pdf(PUTUO)) == [p for p in range(1, 26) if p != 14]


# --- glyph for glyph against pdfminer --------------------------------------------------------------

def glyph_differences(path, spaces: bool) -> dict[int, tuple[Counter, Counter]]:
    """Per page PDFium reads, the glyphs only pdfminer has and only PDFium has (as multisets: the
    two list a line's objects in different orders). Without `spaces`, whitespace glyphs are left
    out: pdfminer keeps runs of spaces where PDFium keeps one, and PDFium's text page drops a text
    object holding only NBSP or U+3000 (Xi'an's cells end in NBSP objects, Shanghai indents its
    paragraphs with 　　): no ink, and neither a line's nor a cell's text changes
    (test_whitespace_only_glyphs_pdfium_drops_change_no_line_or_cell below)."""
    out = {}
    pdf, plumber = pdfium.PdfDocument(str(path)), pdfplumber.open(path)
    try:
        for i, page in enumerate(plumber.pages):
            if fast_rules.page_edges(pdf[i], DEFAULT) is None:
                continue  # pdfminer reads this page anyway
            keep = lambda chars: Counter(c["text"] for c in chars if spaces or not c["text"].isspace())
            slow = keep(dedupe_chars(page.chars, DEFAULT.dedupe_tolerance))
            fast = keep(page_chars(pdf[i], DEFAULT.dedupe_tolerance))
            page.close()
            if slow != fast:
                out[i + 1] = (slow - fast, fast - slow)
    finally:
        pdf.close()
        plumber.close()
    return out


@pytest.mark.parametrize("name", ["hongqiao-2024-unit-self-evaluation.pdf", "project-self-evaluation-2024.pdf"])
def test_libreoffice_pages_give_pdfminers_glyphs_spaces_included(name):
    assert glyph_differences(SAMPLES / name, spaces=True) == {}


def test_putuo_gives_pdfminers_glyphs_spaces_included():
    assert glyph_differences(corpus_pdf(PUTUO), spaces=True) == {}


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(p for p in [*CORPUS.glob("*.pdf"), *CORPUS.glob("real/*.pdf")]
                                        if "scanned" not in p.name), ids=lambda p: p.name)
def test_every_corpus_page_read_fast_gives_pdfminers_glyphs(path):
    assert glyph_differences(path, spaces=False) == {}


# the pages where pdfminer reads NBSP / U+3000 glyphs that PDFium's text page leaves out
WHITESPACE_ONLY_OBJECTS = [("real/xian-2026-statistics-bureau-budget.pdf", (26, 29, 33, 34, 35, 37)),
                           ("real/shanghai-2026-data-bureau-budget.pdf", (3, 6, 22))]


@pytest.mark.parametrize("name, pages", WHITESPACE_ONLY_OBJECTS, ids=lambda v: str(v))
def test_whitespace_only_glyphs_pdfium_drops_change_no_line_or_cell(name, pages):
    """Rendered, these glyphs draw nothing (Shanghai p.3: the 　　 before （二） is the paragraph's
    indent, which both readers keep as the x of （); they are whitespace only, and the lines and
    cells of each page come out the same from either reader, so PDFium's reading stands."""
    path = corpus_pdf(name)
    pdf, plumber = pdfium.PdfDocument(str(path)), pdfplumber.open(path)
    try:
        for number in pages:
            page = plumber.pages[number - 1]
            slow_chars = dedupe_chars(page.chars, DEFAULT.dedupe_tolerance)
            fast_chars = page_chars(pdf[number - 1], DEFAULT.dedupe_tolerance)
            only_pdfminer = Counter(c["text"] for c in slow_chars) - Counter(c["text"] for c in fast_chars)
            assert only_pdfminer and set(only_pdfminer) <= {"\xa0", "\u3000", " "}, (number, only_pdfminer)
            fast = document._fast_page(pdf, number - 1, number, DEFAULT)
            slow = document._read_page(page, number, DEFAULT)
            page.close()
            assert fast is not None
            assert [ln.text for ln in fast[0]] == [ln.text for ln in slow[0]], number
            assert [[(c.row, c.col, c.text) for c in t.cells] for t in fast[1]] == \
                [[(c.row, c.col, c.text) for c in t.cells] for t in slow[1]], number
    finally:
        pdf.close()
        plumber.close()


@pytest.mark.parametrize("name", ["hongqiao-2024-unit-self-evaluation.pdf", "project-self-evaluation-2024.pdf"])
def test_libreoffice_samples_read_fast_give_the_same_tables_and_lines(name, monkeypatch):
    fast = read_document(SAMPLES / name)
    pdfplumber_only(monkeypatch)
    slow = read_document(SAMPLES / name)
    assert [t.text_grid() for t in fast.tables] == [t.text_grid() for t in slow.tables]
    assert len(fast.tables) >= 3
    assert [(ln.page, ln.text) for ln in fast.lines] == [(ln.page, ln.text) for ln in slow.lines]
