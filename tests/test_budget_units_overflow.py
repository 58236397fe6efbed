"""A table too wide for its page, printed down then over (Excel's page order), declares its unit
only above the columns that did not fit (上海's 收入预算总表: 单位：元 on p. 10 above 其他收入, the
amounts on pp. 8–9). The table takes the unit of its overflow piece: plain `Table` fixtures here,
the real pages in test_units_truth.py."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from extract.model import Document
from normalize.document import normalize_document
from tables import make_table

LEFT = [["科目编码", "科目名称", "合计", "财政拨款收入"],
        ["201", "一般公共服务支出", "463,892,324", "463,892,324"],
        ["20141", "数据事务", "463,892,324", "463,892,324"],
        ["2014101", "行政运行", "28,853,324", "28,853,324"],
        ["", "合计", "471,452,100", "471,452,100"]]


def overflow(page: int, unit: str | None, rows=None, shift: float = 0.0):
    """The columns that did not fit: a header and blank cells, on the left table's rows."""
    rows = rows if rows is not None else [["其他收入"]] + [[""] for _ in LEFT[1:]]
    t = make_table(rows, unit=unit, page=page)
    t.cells = [dataclasses.replace(c, top=c.top + shift, bottom=c.bottom + shift) for c in t.cells]
    return t


def lines_of(*tables):
    doc = Document(path="x.pdf", page_count=max(t.page_end for t in tables), tables=list(tables))
    rows = normalize_document(doc, {"report_id": "r", "source_path": "x.pdf"})
    return rows.budget_lines[rows.budget_lines.page == tables[0].page_start]


@pytest.mark.parametrize("unit, scale", [("元", 1), ("万元", 10000)])
def test_a_table_takes_the_unit_printed_above_its_overflow_columns(unit, scale):
    lines = lines_of(make_table(LEFT, title="2026年预算单位收入预算总表", page=8), overflow(9, unit))
    assert len(lines) and set(lines.unit) == {"元"}
    total = lines[(lines.line_label == "合计") & (lines.measure == "合计")]
    assert total.value.tolist() == [Decimal("471452100") * scale]


def test_the_overflow_after_a_table_over_two_pages_lends_to_it():
    left = make_table(LEFT, title="2026年预算单位收入预算总表", page=8)
    left.page_end = 9  # down then over: pp. 8–9 the left columns, p. 10 the rest
    assert set(lines_of(left, overflow(10, "元")).unit) == {"元"}


def test_a_table_keeps_its_own_unit():
    left = make_table(LEFT, title="2026年预算单位收入预算总表", unit="万元", page=8)
    lines = lines_of(left, overflow(9, "元"))
    assert lines[lines.line_label == "合计"].value.iloc[0] == Decimal("4714521000000")


@pytest.mark.parametrize("case", ["its own labels", "other rows", "too far on"])
def test_a_table_of_its_own_lends_nothing(case):
    left = make_table(LEFT, title="2026年预算单位收入预算总表", page=8)
    if case == "its own labels":
        piece = overflow(9, "元", rows=[["项目", "金额"], ["房屋租金", ""], ["设备", ""], ["其他", ""], ["合计", ""]])
    elif case == "other rows":
        piece = overflow(9, "元", shift=7.0)
    else:
        piece = overflow(11, "元")
    assert lines_of(left, piece).unit.isna().all()
