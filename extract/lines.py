"""Running text lines of a page, with box, font size and whether they sit inside a table."""
from __future__ import annotations

from collections.abc import Sequence

from extract.cell_text import Char, dominant_size, group_lines, line_text, split_line
from extract.model import Table, TextLine
from extract.settings import ExtractSettings


def page_lines(chars: Sequence[Char], page: int, settings: ExtractSettings) -> list[tuple[TextLine, list[Char]]]:
    """Each visual line of the page with its glyphs; blocks far apart on one baseline are two lines."""
    out: list[tuple[TextLine, list[Char]]] = []
    for line in group_lines(chars):
        size = dominant_size(line)
        for part in split_line(line, settings.line_split_em * max(size, 1.0)):
            text = line_text(part, settings.space_gap)
            if not text:
                continue
            tl = TextLine(
                page=page,
                text=text,
                x0=min(c["x0"] for c in part),
                top=min(c["top"] for c in part),
                x1=max(c["x1"] for c in part),
                bottom=max(c["bottom"] for c in part),
                size=size,
            )
            out.append((tl, part))
    return out


def inside(line: TextLine, table: Table) -> bool:
    """The line's middle lies within the box of the table's cells on the line's page.

    The table keeps its box per page (Table.page_box), so testing every line of a page against
    every table costs lines × tables, not lines × cells.
    """
    b = table.page_box(line.page)
    if b is None:
        return False
    x0, top, x1, bottom = b
    mx, my = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return x0 <= mx <= x1 and top <= my <= bottom


def box(table: Table, page: int | None = None) -> tuple[float, float, float, float]:
    """Box around the table's cells (on one page, or on all); ValueError if there are none."""
    if page is not None:
        b = table.page_box(page)
        boxes = [b] if b is not None else []
    else:
        boxes = [table.page_box(p) for p in {c.page for c in table.cells}]
    if not boxes:
        raise ValueError("box() of a table without cells on that page")
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
