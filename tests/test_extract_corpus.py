"""The other corpus PDFs: Jiangsu ruled budget tables (shaded backgrounds), the Jiangsu budget text
(prose only), the blank Shanghai template, and a scan with no text layer."""
import pdfplumber
import pypdfium2 as pdfium
import pytest

from conftest import corpus_pdf
from extract import read_document
from extract.settings import DEFAULT
from extract.unruled import find_unruled_tables


@pytest.fixture(scope="module")
def jiangsu_tables():
    return read_document(corpus_pdf("jiangsu-2019-party-office-budget-tables.pdf"))


def test_jiangsu_ruled_tables_one_per_page_despite_shaded_backgrounds(jiangsu_tables):
    doc = jiangsu_tables
    assert [t.page_start for t in doc.tables] == list(range(1, 13))
    assert all(t.unit == "万元" and t.strategy == "ruled" for t in doc.tables)
    assert doc.tables[4].title == "财政拨款支出预算表（功能科目）"
    grid = doc.tables[4].text_grid()
    # the shading rect behind the title block no longer swallows the header into one cell
    assert grid[0] == ["功能科目编码", "功能科目名称", "金额"]
    assert grid[2] == ["201", "一般公共服务支出", "22,395.50"]
    assert grid[4] == ["2013101", "行政运行", "9,370.12"]


def test_jiangsu_three_public_expenses_header_spans(jiangsu_tables):
    t = next(t for t in jiangsu_tables.tables if t.title == "“三公”经费、会议费、培训费支出预算表")
    cells = {c.text: c for c in t.cells}
    assert (cells["“三公”经费"].col_span, cells["合计"].row_span) == (6, 3)
    assert t.text_grid()[-1] == ["1,471.70", "508.20", "70.00", "411.20", "", "411.20", "27.00", "933.50", "30.00"]


def test_header_text_overflowing_its_rule_stays_in_its_cell(jiangsu_tables):
    t = next(t for t in jiangsu_tables.tables if t.title == "2019年政府采购预算表")
    grid = t.text_grid()
    assert grid[0][4] == "采购组织形式"
    assert grid[1][0] == "合计" and grid[1][4] == "" and grid[1][5] == "1,422.50"


def test_jiangsu_text_document_is_prose_without_phantom_tables():
    doc = read_document(corpus_pdf("jiangsu-2019-party-office-budget-text.pdf"))
    assert doc.page_count == 14
    assert doc.tables == []
    # one line per printed line: the 目录 page (p.2, counted on the page) has its title and 19
    # entries, and every page has as many lines as PDFium's own text layer breaks it into
    assert len([ln for ln in doc.lines if ln.page == 2]) == 1 + 19
    pdf = pdfium.PdfDocument(doc.path)
    try:
        printed = [sum(1 for t in pdf[i].get_textpage().get_text_range().splitlines() if t.strip())
                   for i in range(len(pdf))]
    finally:
        pdf.close()
    assert [sum(ln.page == p for ln in doc.lines) for p in range(1, 15)] == printed
    assert len(doc.lines) == sum(printed) == 294
    assert "江苏省委办公厅2019年度部门预算公开" in doc.page_text(1)


def test_unruled_columns_from_text_alignment():
    # the Jiangsu tables read by text alignment alone, as if their rules were not there
    with pdfplumber.open(corpus_pdf("jiangsu-2019-party-office-budget-tables.pdf")) as pdf:
        page = pdf.pages[4]
        tables = find_unruled_tables(page.dedupe_chars().chars, 5, DEFAULT)
        page.close()
    assert len(tables) == 1
    grid = tables[0].text_grid()
    assert tables[0].strategy == "unruled"
    assert grid[1] == ["功能科目编码", "功能科目名称", "金额"]
    assert grid[3] == ["201", "一般公共服务支出", "22,395.50"]
    assert grid[-1] == ["2210202", "提租补贴", "2,928.22"]
    assert len(grid) == 16


def test_template_tables_and_text_pages():
    doc = read_document(corpus_pdf("shanghai-final-accounts-template.pdf"))
    assert doc.page_count == 23
    titles = [t.title for t in doc.tables]
    assert titles[1:4] == ["收入支出决算总表", "收入决算表", "支出决算表"]
    # 财政拨款收入支出决算总表 goes on over pages 8-9 and is stitched
    total = doc.tables[titles.index("财政拨款收入支出决算总表")]
    assert (total.page_start, total.page_end) == (8, 9)
    assert not any(t.page_start >= 15 for t in doc.tables)  # 说明 and 名词解释 are prose
    expenditure = doc.tables[3].text_grid()
    assert expenditure[1][:2] == ["功能分类科目编码", "科目名称"]
    assert expenditure[3][:2] == ["205", "教育支出"]
    assert expenditure[5][:2] == ["2050205", "高等教育"]


def test_scan_without_text_layer():
    doc = read_document(corpus_pdf("scanned-chinese-prose-2p.pdf"), ocr_page=None)
    assert doc.page_count == 2
    assert doc.tables == [] and doc.lines == []
    assert doc.pages_without_text == [1, 2]
    assert doc.warnings == ["no text layer on pages 1, 2 (scanned; needs OCR)"]


def test_ocr_hook_receives_pages_without_text():
    seen = []

    def fake_ocr(page, number):
        seen.append((number, round(page.width)))
        return [], []

    doc = read_document(corpus_pdf("scanned-chinese-prose-2p.pdf"), ocr_page=fake_ocr)
    assert seen == [(1, 595), (2, 595)]
    assert doc.text_source == "ocr"
