"""Tables built as plain data for the tests of normalize and validate: no PDF needed."""
from __future__ import annotations

from extract.model import Cell, Table

Spans = dict[tuple[int, int], tuple[int, int]]


def make_table(rows: list[list[str]], spans: Spans | None = None, title: str | None = None,
               unit: str | None = None, page: int = 1) -> Table:
    """A table from printed rows, all on `page`. `spans` = {(row, col): (row_span, col_span)} for
    merged cells, whose covered positions are left out. Cell (r, c) has the box
    (10c, 20r, 10c + 9, 20r + 19): distinct, in reading order, none overlapping."""
    spans = spans or {}
    covered = {(r + i, c + k) for (r, c), (rs, cs) in spans.items()
               for i in range(rs) for k in range(cs)} - set(spans)
    cells = [Cell(r, c, text, page, 10.0 * c, 20.0 * r, 10.0 * c + 9, 20.0 * r + 19,
                  *spans.get((r, c), (1, 1)))
             for r, row in enumerate(rows) for c, text in enumerate(row) if (r, c) not in covered]
    return Table(cells=cells, page_start=page, page_end=page, title=title, unit=unit)
