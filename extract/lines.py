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
    """The line's middle lies within the box of the table's cells on the line's page."""
    boxes = [c for c in table.cells if c.page == line.page]
    if not boxes:
        return False
    x0 = min(c.x0 for c in boxes)
    x1 = max(c.x1 for c in boxes)
    top = min(c.top for c in boxes)
    bottom = max(c.bottom for c in boxes)
    mx, my = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return x0 <= mx <= x1 and top <= my <= bottom


def box(table: Table, page: int | None = None) -> tuple[float, float, float, float]:
    cells = [c for c in table.cells if page is None or c.page == page]
    return (
        min(c.x0 for c in cells),
        min(c.top for c in cells),
        max(c.x1 for c in cells),
        max(c.bottom for c in cells),
    )
