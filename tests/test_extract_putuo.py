"""Putuo 2024 final accounts: ruled 决算 tables, continuation pages without a header, a spill-over
page holding one empty row, side-by-side 收入/支出 grids, digits on a lower baseline than Han text.

Every row and column count below was counted on the pages rendered with pypdfium2, not copied
from our output."""
from decimal import Decimal

import pytest

from conftest import corpus_pdf


@pytest.fixture(scope="module")
def putuo(putuo_doc):
    return putuo_doc  # extracted once per session (conftest)


def table(doc, title):
    found = [t for t in doc.tables if t.title == title]
    assert len(found) == 1, [t.title for t in doc.tables]
    return found[0]


def row_by_label(t, label, col):
    rows = [r for r in t.text_grid() if r[col] == label]
    assert len(rows) == 1, label
    return rows[0]


def amount(text):
    return Decimal(text.replace(",", "")) if text else Decimal(0)


def test_every_table_found_with_title_and_unit(putuo):
    assert putuo.page_count == 25
    # grid rows and columns as ruled on the page (a merged cell counts in every row it spans)
    assert [(t.title, t.page_start, t.page_end, t.n_rows, t.n_cols) for t in putuo.tables] == [
        (None, 5, 5, 4, 3),  # 部门决算单位构成 list, no caption line: 序号/单位名称/备注 + 3 units
        # 收入|支出 + 项目|决算数 + 一…二十六 + 本年收入合计 on p.6, 3 rows on p.7
        ("收入支出决算总表", 6, 7, 2 + 26 + 1 + 3, 4),
        # 4 header rows (the 4th: 类 款 项 合计) + 14 coded rows on p.8 + 5 on p.9; 类 款 项 名称 + 7
        ("收入决算表", 8, 9, 4 + 14 + 5, 4 + 7),
        ("支出决算表", 10, 11, 4 + 11 + 8, 4 + 6),  # 11 coded rows on p.10, 8 on p.11
        # 收入|支出 + header; 一…十三 on p.12; 十四…二十六, 本年收入合计 … 总计 (6) on p.13
        ("财政拨款收入支出决算总表", 12, 13, 2 + 13 + 13 + 6, 7),
        ("一般公共预算财政拨款支出决算表", 15, 15, 4 + 19 + 1, 7),  # 19 coded rows + 合计
        # 3 header rows, 19 rows on p.16, 19 on p.17 under its blank first row, 人员/公用经费合计
        ("一般公共预算财政拨款基本支出决算表", 16, 17, 3 + 19 + 19 + 1, 8),
        # 4 header rows, 预算数/决算数, the figures; 6 categories × 预算数/决算数
        ("财政拨款“三公”经费支出决算表", 18, 18, 4 + 1 + 1, 6 * 2),
        ("政府性基金预算财政拨款收入支出决算表", 19, 19, 3 + 8 + 1, 10),  # 8 blank rows + 合计
        ("国有资本经营预算财政拨款收入支出决算表", 20, 20, 3 + 8 + 1, 10),
    ]
    assert all(t.unit == "万元" for t in putuo.tables[1:])
    assert putuo.tables[0].section == "二、部门决算单位构成"
    assert putuo.tables[3].section.startswith("第二部分")


def test_expenditure_table_values(putuo):
    t = table(putuo, "支出决算表")
    total = row_by_label(t, "合计", 3)
    assert total[4:7] == ["2,940.05", "2,336.91", "603.14"]
    admin = row_by_label(t, "行政运行", 3)
    assert admin[:5] == ["201", "06", "01", "行政运行", "1,511.89"]
    # 基本支出 + 项目支出 = 本年支出合计 on every body row, continuation page included
    body = t.text_grid()[4:]
    assert len(body) == 19  # coded rows printed on pages 10-11
    for r in body:
        assert amount(r[5]) + amount(r[6]) == amount(r[4]), r


def test_expenditure_table_continues_without_header(putuo):
    t = table(putuo, "支出决算表")
    grid = t.text_grid()
    # page 11 starts with 208 05 99 and carries no header: it follows 208 05 06 directly
    assert grid[14][:4] == ["208", "05", "06", "机关事业单位职业年金缴费支出"]
    assert grid[15][:5] == ["208", "05", "99", "其他行政事业单位养老支出", "0.94"]
    assert grid[-1][:5] == ["221", "02", "03", "购房补贴", "258.50"]
    assert {c.page for c in t.cells if c.row < 15} == {10}
    assert {c.page for c in t.cells if c.row >= 15} == {11}
    # rows numbered continuously: every grid row holds at least one cell
    assert {r for c in t.cells for r in range(c.row, c.row + c.row_span)} == set(range(t.n_rows))


def test_merged_header_cells_resolved(putuo):
    t = table(putuo, "支出决算表")
    head = {c.text: c for c in t.cells if c.row < 4}
    assert (head["项目"].row, head["项目"].col, head["项目"].row_span, head["项目"].col_span) == (0, 0, 1, 4)
    assert (head["本年支出合计"].row_span, head["本年支出合计"].col) == (3, 4)
    assert head["对附属单位补助支出"].col == 9  # text broken over three lines inside the cell, joined
    assert head["科目名称"].row_span == 2
    # the merged cell's box is the union of the grid rows it spans: from the top rule to 类's
    total = head["本年支出合计"]
    assert total.top == head["项目"].top
    assert total.bottom == head["类"].top


def test_side_by_side_income_and_expenditure_stay_one_table(putuo):
    t = table(putuo, "收入支出决算总表")
    grid = t.text_grid()
    assert grid[0] == ["收入", "收入", "支出", "支出"]
    assert grid[2] == ["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"]
    assert grid[28] == ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"]
    # page 7 continues the grid: its first row is a row of its own, not glued onto 本年收入合计
    assert grid[29] == ["使用非财政拨款结余（含专用结余）", "", "结余分配", ""]
    assert grid[-1] == ["总计", "2,995.39", "总计", "2,995.39"]
    assert {c.page for c in t.cells if c.row >= 29} == {7}


def test_spill_over_page_with_one_empty_row_is_skipped(putuo):
    t = table(putuo, "财政拨款收入支出决算总表")
    assert (t.page_start, t.page_end) == (12, 13)
    assert 14 not in {c.page for c in t.cells}
    assert t.text_grid()[-1][:2] == ["总计", "2,961.68"]
    assert not any(c.page == 14 for tt in putuo.tables for c in tt.cells)


def test_no_empty_rows_left_from_page_break(putuo):
    t = table(putuo, "一般公共预算财政拨款基本支出决算表")
    grid = t.text_grid()
    assert all(any(r) for r in grid)
    assert grid[-1] == ["人员经费合计"] * 3 + ["2,152.26"] + ["公用经费合计"] * 3 + ["184.65"]


def test_text_pages_have_lines_and_no_tables(putuo):
    assert not any(t.page_start >= 21 for t in putuo.tables)
    page21 = [ln.text for ln in putuo.lines if ln.page == 21]
    # Times New Roman digits sit ~5 pt lower than the FangSong text; they stay on their line
    assert "上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比，收入" in page21
    assert putuo.pages_without_text == []
    assert putuo.warnings == []


def test_lines_flag_table_text(putuo):
    page10 = {ln.text: ln for ln in putuo.lines if ln.page == 10}
    assert not page10["支出决算表"].in_table
    assert not page10["单位：万元"].in_table
    assert page10["基本支出"].in_table
    assert page10["支出决算表"].size == 16.0


def test_ruled_detection_only_on_pages_with_rules():
    import pdfplumber

    from extract.ruled import has_rulings
    from extract.settings import DEFAULT

    with pdfplumber.open(corpus_pdf("putuo-2024-finance-bureau-final-accounts.pdf")) as pdf:
        flags = []
        for page in pdf.pages:
            flags.append(has_rulings(page, DEFAULT))
            page.close()
    # prose pages 1-4 and 21-25 have no lines or rects: table finding is skipped there
    assert [i for i, f in enumerate(flags, 1) if f] == list(range(5, 21))
