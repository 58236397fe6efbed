"""Cell repairs of ruled tables (issue 10 item 4, extract/cell_repair.py): a merged cell whose
closing rule is missing still becomes a cell, and a glyph printed past its cell's right rule stays
in that cell.

Expected texts are read off the rendered pages (pypdfium2 at 2×): national-petition-bureau p.30,
p.32 and p.35 end their 绩效指标 block with merged 一级 / 二级 labels that have no bottom rule (the
table runs on over the page); 宁德's form prints 一般性支出情 and 服务对象满意 with their last glyph
clipped by the column rule. Both pages are read through the two paths a page can take
(PDFium's glyphs and rules, pdfminer's via pdfplumber). The synthetic PDF is written here
(Adobe's STSong-Light, no font file needed).
"""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from conftest import corpus_pdf
from extract import cell_repair, read_document
from extract.pdfium import glyphs, rules
from extract.cell_text import dedupe_chars
from extract.ruled import find_ruled_tables, page_edges
from extract.settings import DEFAULT
from pdf_gen import hex_text, write_pdf as write_cjk

NATIONAL = "real/national-petition-bureau-2024-final-accounts.pdf"
NINGDE = "real/ningde-2024-government-office-unit-self-evaluation-form.pdf"


def page_tables(path: Path, number: int, fast: bool):
    """The ruled tables of one page, from PDFium's glyphs and rules or from pdfplumber's."""
    if fast:
        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[number - 1]
            edges = rules.page_edges(page, DEFAULT)
            chars = glyphs.page_chars(page, DEFAULT.dedupe_tolerance)
            page.close()
        finally:
            pdf.close()
        assert edges is not None and chars is not None, "page expected on the fast path"
    else:
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[number - 1]
            edges = page_edges(page, DEFAULT)
            chars = dedupe_chars(page.chars, DEFAULT.dedupe_tolerance)
    return find_ruled_tables(edges, chars, number, DEFAULT)


def cells_by_place(table) -> dict[tuple[int, int], tuple[int, int, str]]:
    """(row, col) → (row_span, col_span, text)."""
    return {(c.row, c.col): (c.row_span, c.col_span, c.text) for c in table.cells}


def no_holes(table) -> bool:
    return all(v is not None for row in table.grid() for v in row)


# ----------------------------------------------------------------------------- holes, real pages


@pytest.mark.parametrize("fast", [True, False], ids=["pdfium", "pdfplumber"])
def test_national_p32_output_labels_without_a_bottom_rule_become_cells(fast):
    (table,) = page_tables(corpus_pdf(NATIONAL), 32, fast)
    cells = cells_by_place(table)
    assert no_holes(table)
    assert (table.n_rows, table.n_cols) == (16, 11)
    # 产出指标 / 数量指标 span the five indicator rows down to the page foot
    assert cells[(11, 1)] == (5, 1, "产出指标")
    assert cells[(11, 2)] == (5, 1, "数量指标")
    names = [cells[(r, 3)][2] for r in range(11, 16)]
    assert names == ["形成的研究成果数", "出版图书", "指导出台信访业务规范性文件", "发行量（万册）", "微信发稿量（篇）"]
    assert cells[(10, 1)] == (1, 1, "成本指标")  # the row above is untouched


@pytest.mark.parametrize("fast", [True, False], ids=["pdfium", "pdfplumber"])
def test_national_p30_and_p35_last_labels_become_cells(fast):
    (p30,) = page_tables(corpus_pdf(NATIONAL), 30, fast)
    (p35,) = page_tables(corpus_pdf(NATIONAL), 35, fast)
    assert no_holes(p30) and no_holes(p35)
    c30 = cells_by_place(p30)
    assert (c30[(17, 1)], c30[(17, 2)], c30[(17, 3)]) == ((1, 1, "效益指标"), (1, 1, "社会效益指标"), (1, 2, "信访工作质量"))
    c35 = cells_by_place(p35)
    # 产出指标 over three rows; 数量指标 closed, 质量指标 open over the last two
    assert c35[(11, 1)] == (3, 1, "产出指标")
    assert c35[(11, 2)] == (1, 1, "数量指标")
    assert c35[(12, 2)] == (2, 1, "质量指标")
    assert [c35[(r, 3)][2] for r in (11, 12, 13)] == ["数据中心设备维护量", "前端运维问题响应时间", "设备完好率"]


# ----------------------------------------------------------------------------- overflow, real page


@pytest.mark.parametrize("fast", [True, False], ids=["pdfium", "pdfplumber"])
def test_ningde_clipped_labels_keep_their_last_glyph(fast):
    (table,) = page_tables(corpus_pdf(NINGDE), 1, fast)
    cells = cells_by_place(table)
    assert cells[(13, 1)] == (3, 1, "一般性支出情况")
    assert cells[(13, 2)] == (3, 1, "一般性支出情况")
    assert [cells[(r, 3)][2] for r in (13, 14, 15)] == [
        "“三公”经费控制率", "“三公”经费违规使用次数", "会议费、差旅费超标准使用次数"]
    assert cells[(19, 1)][2] == "满意度指标"
    assert cells[(19, 2)][2] == "服务对象满意度"
    assert cells[(19, 3)][2] == "12345平台座席满意率"
    assert cells[(18, 2)][2] == "社会效益指标"  # labels that fit are unchanged
    assert cells[(18, 3)][2] == "每日实现热线服务小时数"


def test_ningde_through_read_document():
    doc = read_document(corpus_pdf(NINGDE))
    texts = {c.text for t in doc.tables for c in t.cells}
    assert {"一般性支出情况", "“三公”经费违规使用次数", "服务对象满意度", "12345平台座席满意率"} <= texts
    assert not {"一般性支出情", "况一般性支出情", "况“三公”经费违规使用次数", "度12345平台座席满意率"} & texts


# ----------------------------------------------------------------------------- synthetic PDF

PAGE_W, PAGE_H = 595.0, 842.0
SIZE = 12.0  # every Han glyph of STSong-Light is 1000 units wide: 12 points
XS = [60.0, 140.0, 220.0, 400.0, 460.0]
YS = [100.0, 124.0, 148.0, 172.0, 196.0]
# (x0, x1, y) horizontal and (x, top, bottom) vertical rules, y from the top. Column 0's bottom rule
# is missing (the merged 一级 label's cell is never closed); column 1 is merged over rows 1-3.
H_RULES = [(60, 460, 100), (60, 460, 124), (220, 460, 148), (220, 460, 172), (140, 460, 196)]
V_RULES = [(x, 100, 196) for x in XS]
# (x, baseline, text). 一般性支出情况 is 84 pt in an 80 pt column: 况 straddles x=220, and the
# next cell's text starts over it (as 宁德 prints it). Row 1's name runs two glyphs past x=400
# into an empty cell; row 3's name is right-aligned against x=400 with 20 just after the rule:
# it must stay where it is.
TEXTS = [
    (64, 117, "一级指标"), (144, 117, "二级指标"), (224, 117, "三级指标"), (404, 117, "分值"),
    (64, 165, "产出指标"),
    (142, 165, "一般性支出情况"),
    (223, 141, "会议费差旅费超标准使用次数统计表"),
    (223, 165, "“三公”经费违规使用次数"), (451, 165, "2"),
    (351, 189, "培训人数"), (402, 189, "20"),
]


def _content() -> bytes:
    ops = ["0.5 w"]
    ops += [f"{x0} {PAGE_H - y} m {x1} {PAGE_H - y} l S" for x0, x1, y in H_RULES]
    ops += [f"{x} {PAGE_H - top} m {x} {PAGE_H - bottom} l S" for x, top, bottom in V_RULES]
    ops += [f"BT /F1 {SIZE} Tf {x} {PAGE_H - y} Td {hex_text(text)} Tj ET" for x, y, text in TEXTS]
    return "\n".join(ops).encode("ascii")


def write_pdf(path: Path) -> None:
    write_cjk(path, [_content()], PAGE_W, PAGE_H)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cell_repair") / "open-cell-and-overflow.pdf"
    write_pdf(path)
    return path


def test_synthetic_open_cell_and_overflowing_glyphs(synthetic):
    # PDFium's text reader declines this page (its generated spaces end text objects), so
    # read_document reads it with pdfplumber
    (table,) = read_document(synthetic).tables
    assert no_holes(table) and (table.n_rows, table.n_cols) == (4, 4)
    assert table.text_grid() == [
        ["一级指标", "二级指标", "三级指标", "分值"],
        ["产出指标", "一般性支出情况", "会议费差旅费超标准使用次数统计表", ""],
        ["产出指标", "一般性支出情况", "“三公”经费违规使用次数", "2"],
        ["产出指标", "一般性支出情况", "培训人数", "20"],
    ]
    cells = cells_by_place(table)
    assert cells[(1, 0)] == (3, 1, "产出指标")
    hole = next(c for c in table.cells if (c.row, c.col) == (1, 0))
    assert (hole.x0, hole.top, hole.x1, hole.bottom) == pytest.approx((60, 124, 140, 196), abs=0.5)


def test_synthetic_without_repairs_shows_both_defects(synthetic, monkeypatch):
    """The same page with the repairs switched off: the defects the test above guards against."""
    monkeypatch.setattr(cell_repair, "fill_holes", lambda boxes, edges, settings: list(boxes))
    monkeypatch.setattr(cell_repair, "overflow_anchors",
                        lambda chars, heights, boxes, xs, ys, settings: [(c["x0"] + c["x1"]) / 2 for c in chars])
    (table,) = page_tables(synthetic, 1, False)
    grid = table.text_grid()
    assert [row[0] for row in grid[1:]] == ["", "", ""]
    assert grid[1][1] == "一般性支出情"
    assert grid[2][2] == "况“三公”经费违规使用次数"
    assert grid[1][3] == "表"


# ----------------------------------------------------------------------------- the pure functions


def _rule(orientation: str, at: float, start: float, end: float) -> dict:
    if orientation == "v":
        return {"orientation": "v", "x0": at, "x1": at, "top": start, "bottom": end}
    return {"orientation": "h", "x0": start, "x1": end, "top": at, "bottom": at}


def test_fill_holes_splits_on_rules_and_skips_a_notch():
    # a 3×3 grid; (1..2, 0) and (1..2, 1) lost their bottom rule but a rule runs between them;
    # (0, 2) is a notch outside an L-shaped table: only two of its sides are drawn
    boxes = [(0, 0, 10, 10), (10, 0, 20, 10), (20, 10, 30, 20), (20, 20, 30, 30)]
    edges = [
        _rule("h", 0, 0, 20), _rule("h", 10, 0, 30), _rule("h", 20, 20, 30), _rule("h", 30, 20, 30),
        _rule("v", 0, 0, 30), _rule("v", 10, 0, 30), _rule("v", 20, 0, 30), _rule("v", 30, 10, 30),
    ]
    added = cell_repair.fill_holes(boxes, edges, DEFAULT)[len(boxes):]
    assert sorted(added) == [(0, 10, 10, 30), (10, 10, 20, 30)]


def test_fill_holes_leaves_a_complete_grid_alone():
    boxes = [(0, 0, 10, 10), (10, 0, 20, 10)]
    assert cell_repair.fill_holes(boxes, [], DEFAULT) == boxes


def _glyph(text: str, x0: float, size: float = 10.0, bottom: float = 20.0, width: float | None = None) -> dict:
    w = size if width is None else width
    return {"text": text, "x0": x0, "x1": x0 + w, "top": bottom - size, "bottom": bottom, "size": size}


def test_overflow_anchors_move_only_a_run_that_straddles_the_rule():
    boxes = [(0, 0, 50, 30), (50, 0, 100, 30)]
    xs, ys = [0, 50, 100], [0, 30]
    straddling = [_glyph(ch, 6 + 10 * i) for i, ch in enumerate("一般性支出")]  # 出 at 46..56
    crossing = [_glyph(ch, 12 + 10 * i) for i, ch in enumerate("甲乙丙丁戊")]  # 丁 at 42..52 crosses, 戊 out
    padded = [_glyph("四", 28), _glyph("五", 38), _glyph("六", 52)]  # 五 ends at 48, 六 starts after the rule
    spaced = [_glyph("子", 30), _glyph("丑", 40), _glyph("寅", 51.5)]  # crosses nothing, gap 1.5 ≠ 0
    bigger = [_glyph("七", 30), _glyph("八", 40), _glyph("九", 45, size=14)]  # another size
    cases = ((straddling, {4}), (crossing, {4}), (padded, set()), (spaced, set()), (bigger, set()))
    for chars, moved in cases:
        anchors = cell_repair.overflow_anchors(chars, [15.0] * len(chars), boxes, xs, ys, DEFAULT)
        inside_left = {i for i, x in enumerate(anchors) if x < 50}
        middles_left = {i for i, c in enumerate(chars) if (c["x0"] + c["x1"]) / 2 < 50}
        assert inside_left - middles_left == moved


def test_cell_repair_and_ruled_do_not_import_each_other():
    """The grid helper they share lives in extract/positions.py; no import hides in a function."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "extract"
    for name, other in (("cell_repair.py", "extract.ruled"), ("ruled.py", "extract.positions")):
        tree = ast.parse((root / name).read_text())
        nested = [n for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                  for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert nested == [], name
    imported = {n.module for n in ast.walk(ast.parse((root / "cell_repair.py").read_text()))
                if isinstance(n, ast.ImportFrom)}
    assert "extract.ruled" not in imported
    positions = {n.module for n in ast.walk(ast.parse((root / "positions.py").read_text()))
                 if isinstance(n, ast.ImportFrom)}
    assert not {m for m in positions if m and m.startswith("extract")}
