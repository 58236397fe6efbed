"""Tables without ruling lines, found from text alignment.

A text row is cut into segments wherever glyphs are more than `column_gap_em` font sizes apart.
Consecutive rows with two or more segments form a block; the block's columns are the unions of
overlapping segment x-ranges. A block is a table only if it has enough rows and columns and no
row puts two segments into one column. Justified prose stretches its spaces but rarely shows two
wide gaps on one line, let alone on three aligned lines, so it stays prose.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extract.cell_text import Char, dominant_size, group_lines, line_text, split_line
from extract.model import Cell, Table
from extract.settings import ExtractSettings


@dataclass(frozen=True)
class Segment:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def _segments(line: Sequence[Char], settings: ExtractSettings) -> tuple[float, list[Segment]]:
    size = dominant_size(line) or 10.0
    out = []
    for part in split_line(line, settings.column_gap_em * size):
        text = line_text(part, settings.space_gap)
        if text:
            out.append(Segment(
                text, min(c["x0"] for c in part), min(c["top"] for c in part),
                max(c["x1"] for c in part), max(c["bottom"] for c in part),
            ))
    return size, out


def _blocks(rows: list[tuple[float, list[Segment]]], settings: ExtractSettings) -> list[list[list[Segment]]]:
    """Runs of consecutive rows that have two or more segments and sit close together."""
    blocks: list[list[list[Segment]]] = []
    current: list[list[Segment]] = []
    prev_bottom, prev_size = None, 0.0
    for size, segs in rows:
        top = min(s.top for s in segs) if segs else 0.0
        close = prev_bottom is not None and top - prev_bottom <= settings.unruled_row_gap_em * max(size, prev_size)
        if len(segs) >= 2 and (close or not current):
            current.append(segs)
        else:
            if current:
                blocks.append(current)
            current = [segs] if len(segs) >= 2 else []
        if segs:
            prev_bottom, prev_size = max(s.bottom for s in segs), size
    if current:
        blocks.append(current)
    return blocks


def _columns(block: list[list[Segment]]) -> list[tuple[float, float]]:
    """Column spans: overlapping segment x-ranges merged."""
    spans: list[list[float]] = []
    for x0, x1 in sorted((s.x0, s.x1) for row in block for s in row):
        if spans and x0 <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    return [(a, b) for a, b in spans]


def _merge_complementary(block: list[list[Segment]], cols: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Join neighbouring columns no row uses both of: a centred header over right-aligned numbers
    (金额 above 27,664.22) does not overlap them but is the same column."""
    def col_of(s: Segment, spans) -> int:
        return next(i for i, (a, b) in enumerate(spans) if a <= s.x0 and s.x1 <= b)

    merged = True
    while merged:
        merged = False
        used = [{col_of(s, cols) for s in row} for row in block]
        for i in range(len(cols) - 1):
            if not any(i in u and i + 1 in u for u in used):
                cols = cols[:i] + [(cols[i][0], cols[i + 1][1])] + cols[i + 2:]
                merged = True
                break
    return cols


def block_to_table(block: list[list[Segment]], page: int, settings: ExtractSettings) -> Table | None:
    cols = _merge_complementary(block, _columns(block))
    if len(block) < settings.unruled_min_rows or len(cols) < settings.unruled_min_cols:
        return None
    if sum(len(row) >= settings.unruled_min_cols for row in block) < 2:
        return None
    cells = []
    for r, row in enumerate(block):
        used = set()
        for s in row:
            k = next(i for i, (a, b) in enumerate(cols) if a <= s.x0 and s.x1 <= b)
            if k in used:  # two segments in one column: not an aligned grid
                return None
            used.add(k)
            cells.append(Cell(row=r, col=k, text=s.text, page=page, x0=s.x0, top=s.top, x1=s.x1, bottom=s.bottom))
    return Table(cells=cells, page_start=page, page_end=page, strategy="unruled")


def find_unruled_tables(chars: Sequence[Char], page_no: int, settings: ExtractSettings) -> list[Table]:
    """Tables made of aligned text among `chars` (glyphs outside any ruled table)."""
    rows = [_segments(line, settings) for line in group_lines(chars)]
    tables = []
    for block in _blocks(rows, settings):
        table = block_to_table(block, page_no, settings)
        if table is not None:
            tables.append(table)
    return tables
