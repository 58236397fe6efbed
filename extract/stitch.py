"""Join pieces of one table that continues over page breaks.

A piece continues the table before it when: it starts on the next page, the earlier piece is the
last thing on its page and this one the first on its page with no caption of its own, and its
column edges are all column edges of the earlier table. Repeated header rows are dropped, a
spill-over piece holding only empty rows is skipped, and a row cut by the page break is re-joined.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extract.cell_text import join_lines
from extract.model import Cell, Table
from extract.ruled import snap_positions
from extract.settings import ExtractSettings

_NUMBER = regex.compile(r"^[-+−]?[\d,，]*\.?\d+%?$")
_ITEM_START = regex.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十\d]+)")
_COMPLETE = ("。", "；", ";", "）", ")", "！", "？")


@dataclass
class Piece:
    """A table found on one page, with what the page says about its position."""

    table: Table
    at_top: bool  # nothing but margin text above it on its page
    at_bottom: bool  # nothing but margin text below it on its page
    open_spans: tuple[tuple[float, float], ...] = ()  # x ranges of last-row cells whose text fills the cell


def column_edges(cells: Sequence[Cell], settings: ExtractSettings) -> list[float]:
    return snap_positions([v for c in cells for v in (c.x0, c.x1)], settings.grid_tolerance)


def _match(edges: list[float], x: float, tol: float) -> int | None:
    best = min(range(len(edges)), key=lambda i: abs(edges[i] - x))
    return best if abs(edges[best] - x) <= tol else None


def compatible(prev_edges: list[float], piece: Table, settings: ExtractSettings) -> bool:
    """Every column edge of the piece is a column edge of the table so far, outer edges included."""
    edges = column_edges(piece.cells, settings)
    tol = settings.stitch_x_tolerance
    if not edges or not prev_edges:
        return False
    if abs(edges[0] - prev_edges[0]) > tol or abs(edges[-1] - prev_edges[-1]) > tol:
        return False
    return all(_match(prev_edges, x, tol) is not None for x in edges)


def rows_of(table: Table) -> list[list[str]]:
    return table.text_grid()


def _recolumn(cells: Sequence[Cell], edges: list[float], settings: ExtractSettings) -> list[Cell]:
    """Place a piece's cells on the column grid of the table it continues."""
    out = []
    for c in cells:
        c0 = _match(edges, c.x0, settings.stitch_x_tolerance)
        c1 = _match(edges, c.x1, settings.stitch_x_tolerance)
        if c0 is None or c1 is None or c1 <= c0:
            c0, c1 = c.col, c.col + c.col_span  # cannot happen for compatible pieces; keep its own grid
        out.append(dataclasses.replace(c, col=c0, col_span=c1 - c0))
    return out


def _repeated_header_rows(table: Table, piece_rows: list[list[str]]) -> int:
    """How many leading rows of the piece repeat a header row of the table.

    A header row is any row of the table with two or more filled cells and no bare number; it
    need not be the table's first row (the 一级指标/二级指标 row of a 项目支出绩效自评表 sits below
    the project's 资金 block and is what the next page repeats).
    """
    headers = {
        tuple(r) for r in rows_of(table)
        if sum(1 for v in r if v) >= 2 and not any(_NUMBER.match(v.replace(" ", "")) for v in r if v)
    }
    k = 0
    while k < len(piece_rows) and tuple(piece_rows[k]) in headers:
        k += 1
    return k


def _is_split_row(last: list[str], first: list[str], open_cols: set[int]) -> bool:
    """The piece's first row holds only the overflow of the table's last row.

    Mostly empty, with its filled columns a strict subset of the last row's filled columns, and
    none of them a complete number (a number is never cut by a page break; a new total row is).
    Then either the cut cell's text ran to the cell edge (`open_cols`), or the overflow reads as a
    continuation: it opens with no item marker (十、 / （一） / 1.) and the text above it does not
    end a sentence.
    """
    filled_last = {i for i, t in enumerate(last) if t}
    filled_first = {i for i, t in enumerate(first) if t}
    if not (
        filled_first
        and filled_first < filled_last
        and len(filled_first) * 2 < len(first)
        and not any(_NUMBER.match(first[i].replace(" ", "")) for i in filled_first)
    ):
        return False
    if filled_first <= open_cols:
        return True
    return not any(_ITEM_START.match(first[i]) or last[i].endswith(_COMPLETE) for i in filled_first)


def append_piece(
    table: Table, piece: Table, settings: ExtractSettings, open_spans: Sequence[tuple[float, float]] = ()
) -> Table:
    """The table with a continuation piece added below it (a new Table; inputs are untouched).

    `open_spans` are the x ranges of the table's last-row cells whose text may continue.
    """
    edges = column_edges(table.cells, settings)
    cells = _recolumn(piece.cells, edges, settings)
    piece = dataclasses.replace(piece, cells=cells)
    piece_rows = rows_of(piece)
    skip = _repeated_header_rows(table, piece_rows)
    while skip < len(piece_rows) and not any(piece_rows[skip]):  # empty rows left over by the break
        skip += 1
    kept = [c for c in cells if c.row >= skip]
    if not kept:  # spill-over page with only empty rows
        return table
    open_cols = {
        i for x0, _ in open_spans if (i := _match(edges, x0, settings.stitch_x_tolerance)) is not None
    }

    out = list(table.cells)
    grid = table.grid()
    last_row = table.n_rows - 1
    by_id = {id(c): i for i, c in enumerate(out)}
    first = skip
    own_rows = piece_rows[skip:]
    if own_rows and _is_split_row(rows_of(table)[last_row], own_rows[0], open_cols):
        rest = []
        for c in kept:
            if c.row == first and c.text:
                target = grid[last_row][c.col]
                if target is not None:
                    i = by_id[id(target)]
                    out[i] = dataclasses.replace(out[i], text=join_lines([out[i].text, c.text]))
            if c.row > first:
                rest.append(c)
            elif c.row_span > 1:  # a merged cell reaching below the re-joined row keeps its lower part
                rest.append(dataclasses.replace(c, row=c.row + 1, row_span=c.row_span - 1, text=""))
        kept = rest
        first += 1
    kept = [_continue_label(c, grid[last_row], first) for c in kept]
    offset = table.n_rows - first
    out.extend(dataclasses.replace(c, row=c.row + offset) for c in kept)
    return dataclasses.replace(
        table, cells=out, page_end=max(table.page_end, max(c.page for c in kept) if kept else table.page_end)
    )


def _continue_label(cell: Cell, last_row: list[Cell | None], first: int) -> Cell:
    """An empty merged cell opening the piece continues the merged label above the page break.

    A vertically merged cell cut by a page break prints its text on the first page only; the
    part on the next page is an empty cell in the same column. It takes the label, so every row
    it covers carries it. Only merged cells (spanning rows on either side) qualify: an empty code
    column in a plain row is genuinely empty.
    """
    if cell.row != first or cell.text:
        return cell
    above = last_row[cell.col] if cell.col < len(last_row) else None
    if (
        above is not None
        and above.text
        and above.col == cell.col
        and above.col_span == cell.col_span
        and (above.row_span > 1 or cell.row_span > 1)
    ):
        return dataclasses.replace(cell, text=above.text)
    return cell


def stitch(pieces: Sequence[Piece], settings: ExtractSettings) -> list[Table]:
    """Pieces in document order → tables, continuation pieces appended to the table they continue."""
    out: list[Table] = []
    last_piece: Piece | None = None
    for piece in pieces:
        t = piece.table
        if (
            out
            and last_piece is not None
            and last_piece.at_bottom
            and piece.at_top
            and t.title is None
            and t.page_start == last_piece.table.page_end + 1
            and t.strategy == out[-1].strategy
            and compatible(column_edges(out[-1].cells, settings), t, settings)
        ):
            out[-1] = append_piece(out[-1], t, settings, last_piece.open_spans)
        else:
            out.append(t)
        last_piece = piece
    return out
