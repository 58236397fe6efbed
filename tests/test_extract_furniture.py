"""Page furniture (issue 16): headers, footers and page numbers stay out of running text, and a
sentence broken by a page is re-joined without them.

The synthetic PDF is written here (Adobe's STSong-Light with the UniGB-UCS2-H CMap, so no font file
is needed): five pages, one running title, one kind of page number per page, and a figure sentence
running over every page break.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from conftest import corpus_pdf
from extract import read_document
from extract.furniture import is_page_number
from validate.prose_checks import comparisons, figures_of
from validate.settings import ValidateSettings
from pdf_gen import hex_text, write_pdf as write_cjk

PAGE_W, PAGE_H = 595.0, 842.0
TITLE = "江海市气象局2024年度部门预算"
# (page number text, where it is printed), one kind per page
NUMBERS = [("- 1 -", "bottom"), ("2", "bottom"), ("第 3 页", "bottom"), ("第4页 共5页", "bottom"), ("5 / 5", "top")]
# Body lines per page: (x, y from the top, text). A paragraph starts indented (x=96); the last line
# of a page (y=725, just above the footer) breaks a sentence whose next figure starts the next page.
BODY = [
    [(96, 100, "一、收支预算总体情况"), (96, 130, "本部门主要职责是气象服务。"),
     (96, 725, "2024年度收入预算6,692.17万元，比上年增加")],
    [(72, 100, "3,385.10万元，增长102.36%。其中：基本支出5,000.00万元，"), (72, 725, "占收入预算的")],
    [(72, 100, "74.71%。"), (290, 400, "3"), (96, 725, "项目支出1,692.17万元，比上年减少")],
    [(72, 100, "8.00万元，下降0.47%，主要原因是项目结束。一般公共预算"), (72, 725, "拨款收入6,692.17万元，与上年相比增加")],
    [(72, 100, "3,385.10万元，增长102.36%。")],
]


def _stream(page: int) -> bytes:
    ops = [f"BT /F1 9 Tf 72 {PAGE_H - 40} Td {hex_text(TITLE)} Tj ET"]
    for x, y, text in BODY[page]:
        ops.append(f"BT /F1 12 Tf {x} {PAGE_H - y:.2f} Td {hex_text(text)} Tj ET")
    number, where = NUMBERS[page]
    y = 800 if where == "bottom" else 20
    ops.append(f"BT /F1 10 Tf 290 {PAGE_H - y:.2f} Td {hex_text(number)} Tj ET")
    return "\n".join(ops).encode("ascii")


def write_pdf(path: Path) -> None:
    write_cjk(path, [_stream(page) for page in range(len(BODY))], PAGE_W, PAGE_H)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("furniture") / "page-numbers.pdf"
    write_pdf(path)
    return read_document(path)


def test_every_kind_of_page_number_and_the_running_title_are_furniture(synthetic):
    furniture = {(l.page, l.text.replace(" ", "")) for l in synthetic.lines if l.furniture}
    numbers = {(p, text.replace(" ", "")) for p, (text, _) in enumerate(NUMBERS, start=1)}
    titles = {(p, TITLE) for p in range(1, 6)}
    assert furniture == numbers | titles
    # A lone number in the body (page 3) is not a page number: it is not in a margin band.
    assert any(l.page == 3 and l.text == "3" and not l.furniture for l in synthetic.lines)


def test_sentences_over_page_breaks_are_rejoined_without_the_numbers(synthetic):
    text = "".join(p.text for p in synthetic.paragraphs)
    assert TITLE not in text
    assert "比上年增加3,385.10万元，增长102.36%。" in text  # not 增加- 1 -3,385.10 nor 增加23,385.10
    assert "占收入预算的74.71%。" in text  # not 的274.71%
    assert "比上年减少8.00万元，下降0.47%" in text  # not 减少第 3 页8.00 / 38.00
    assert "与上年相比增加3,385.10万元，增长102.36%。" in text


def test_rejoined_figures_pass_their_arithmetic(synthetic):
    figures = figures_of(synthetic)
    changes = sorted((f.page, tuple(f.values)) for f in figures if f.kind == "change")
    assert changes == [
        (1, (Decimal("6692.17"), Decimal("3385.10"), Decimal("102.36"))),
        (3, (Decimal("1692.17"), Decimal("8.00"), Decimal("0.47"))),
        (4, (Decimal("6692.17"), Decimal("3385.10"), Decimal("102.36"))),
    ]
    results = comparisons(figures, pd.DataFrame(), ValidateSettings(use_gx=False))
    rates = [c for c in results if c.check == "prose.change_rate"]
    assert len(rates) == 3 and all(c.holds() for c in rates)


def test_jiangsu_change_rate_over_a_page_break_is_read_whole():
    """Jiangsu 2019 budget text, page 6 ends `各增加3205.79万元，增长` above its page number 4; page 7
    starts `13.11%。其中：`. The number used to start a paragraph of its own (`413.11%。其中…`)."""
    doc = read_document(corpus_pdf("jiangsu-2019-party-office-budget-text.pdf"))
    numbers = sorted((l.page, l.text) for l in doc.lines if l.furniture)
    assert (6, "4") in numbers and (7, "5") in numbers
    assert all(is_page_number(t) for _, t in numbers)
    text = "".join(p.text for p in doc.paragraphs)
    assert "收、支预算总计各增加3205.79万元，增长13.11%。其中：" in text
    assert "413.11" not in text
    change = next(f for f in figures_of(doc) if f.kind == "change" and f.raws[2] == "13.11"
                  and f.raws[1] == "3205.79" and f.page == 7)
    assert change.values[0] == Decimal("27664.22")


def test_no_corpus_figure_carries_a_page_number():
    """Every amount the prose checks read on the Jiangsu text is one the page prints: no page number
    (1–14) glued in front of it."""
    doc = read_document(corpus_pdf("jiangsu-2019-party-office-budget-text.pdf"))
    raws = {r for f in figures_of(doc) for r in f.raws if r}
    pages_text = "\n".join(l.text.replace(" ", "") for l in doc.lines if not l.furniture)
    assert raws and all(r in pages_text for r in raws)


def test_bare_numbers_are_page_numbers_only_where_they_number_the_pages():
    """Pages 3-5 print 1, 2, 3 at their foot (a cover and a contents page before them); a 2489 at the
    foot of page 4, on the same line as prose figures of an overflowing page, is not a page number."""
    from extract.furniture import furniture_flags
    from extract.model import TextLine
    from extract.settings import DEFAULT
    foot = [TextLine(p, str(p - 2), 290, 790, 296, 800, 10) for p in (3, 4, 5)]
    figure = TextLine(4, "2489", 400, 790, 430, 800, 10)
    body = [TextLine(p, "正文。", 72, 100, 200, 112, 12) for p in (3, 4, 5)]
    flags = furniture_flags(foot + [figure] + body, {p: PAGE_H for p in range(1, 6)}, DEFAULT)
    assert flags == [True, True, True, False, False, False, False]


def test_text_past_the_page_edge_is_furniture_and_never_a_heading():
    """北京's 项目支出绩效目标表 (pp. 31–41) print 绩效目标 cells whose text an export left above the
    page's top edge (`1.定期开展京津冀` at top -136, `一、严格按照调查` at -1): no reader sees it, so it
    is neither prose nor the section of the tables below it. Synthetic: the same kind of line past
    the top and past the bottom edge, beside a heading on the page."""
    from extract.captions import headings
    from extract.furniture import off_page
    from extract.model import TextLine
    from extract.settings import DEFAULT
    lines = [TextLine(1, "一、严格按照调查", 329, -1, 396, 7, 8), TextLine(1, "3.桌面管理系统、", 333, 638, 399, 646, 8),
             TextLine(1, "二、项目支出情况", 72, 100, 200, 112, 12)]
    marked = off_page(lines, PAGE_H - 250)
    assert [ln.furniture for ln in marked] == [True, True, False]
    assert [h.text for h in headings(marked, DEFAULT)] == ["二、项目支出情况"]

    doc = read_document(corpus_pdf("real/beijing-2026-statistics-bureau-budget-tables.pdf"))
    late = [t for t in doc.tables if t.page_start >= 31]
    assert late and all(t.section is None for t in late), [(t.page_start, t.section) for t in late]
    past = [ln for ln in doc.lines if ln.top < 0]
    assert past and all(ln.furniture for ln in past)
    assert not any("严格按照调查" in p.text for p in doc.paragraphs)


def test_text_a_clipping_path_hides_is_furniture(tmp_path):
    """Spreadsheet exports draw a cell's whole text and clip it to the cell; what overflows sits
    outside every table, where it read as a caption, a heading or prose (北京's 项目支出绩效目标表:
    `信念、思想觉悟和` as a table's title; 西安 p. 47: `质量指标` above the table). Synthetic page: a
    heading clipped away, one drawn inside its clip, one with no clip at all."""
    clipped = f"q 72 600 200 30 re W n BT /F1 12 Tf 72 692 Td {hex_text('二、看不见的标题')} Tj ET Q"
    inside = f"q 72 500 300 40 re W n BT /F1 12 Tf 72 510 Td {hex_text('三、剪裁框里的标题')} Tj ET Q"
    plain = f"BT /F1 12 Tf 72 742 Td {hex_text('一、收支预算总体情况')} Tj ET"
    prose = f"BT /F1 12 Tf 96 400 Td {hex_text('本部门主要职责是气象服务。')} Tj ET"
    path = tmp_path / "clipped.pdf"
    write_cjk(path, ["\n".join([plain, clipped, inside, prose]).encode("ascii")], PAGE_W, PAGE_H)
    doc = read_document(path)
    seen = {ln.text.replace(" ", ""): ln.furniture for ln in doc.lines}
    assert seen == {"一、收支预算总体情况": False, "二、看不见的标题": True, "三、剪裁框里的标题": False,
                    "本部门主要职责是气象服务。": False}
    assert "看不见" not in "".join(p.text for p in doc.paragraphs)


def test_the_overflow_of_clipped_cells_titles_no_table():
    """The real pages: 北京 prints no caption over its 绩效目标 tables (pp. 27–41), and 西安's
    clipped labels above its continued 绩效目标表 (pp. 47–48, 51) are furniture."""
    bj = read_document(corpus_pdf("real/beijing-2026-statistics-bureau-budget-tables.pdf"))
    assert all(t.title is None for t in bj.tables if t.page_start >= 27)
    xa = read_document(corpus_pdf("real/xian-2026-statistics-bureau-budget.pdf"))
    labels = {(ln.page, ln.text.replace(" ", "")) for ln in xa.lines if ln.furniture}
    assert {(47, "质量指标"), (51, "质量指标")} <= labels
    assert all(t.section == "第五部分：部门预算公开报表" for t in xa.tables if t.page_start >= 45)
