"""Join pieces of one table that continues over page breaks.

A piece continues the table before it when: it starts on the next page, the earlier piece is the
last thing on its page and this one the first on its page with no caption of its own, and its
column edges are all column edges of the earlier table. Repeated header rows are dropped, a
spill-over piece holding only empty rows is skipped, and a row cut by the page break is re-joined.
"""
from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from extract.cell_text import join_lines
from extract.model import Cell, Table
from extract.positions import snap_positions
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
    """Index of the edge nearest x (the lower one on a tie) if within tol. `edges` are sorted and
    distinct, so the nearest is one of the two around x."""
    i = bisect.bisect_left(edges, x)
    if i == len(edges) or (i > 0 and x - edges[i - 1] <= edges[i] - x):
        i -= 1
    return i if abs(edges[i] - x) <= tol else None


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
        out.append(c if (c0, c1 - c0) == (c.col, c.col_span) else dataclasses.replace(c, col=c0, col_span=c1 - c0))
    return out


def _is_header(row: Sequence[str]) -> bool:
    """A header row has two or more filled cells and no bare number."""
    return sum(1 for v in row if v) >= 2 and not any(_NUMBER.match(v.replace(" ", "")) for v in row if v)


def _repeated_header_rows(headers: Counter, piece_rows: list[list[str]]) -> int:
    """How many leading rows of the piece repeat a header row of the table (`headers` counts the
    table's header rows, see _Growing).

    A header row need not be the table's first row (the 一级指标/二级指标 row of a
    项目支出绩效自评表 sits below the project's 资金 block and is what the next page repeats).
    """
    k = 0
    while k < len(piece_rows) and headers[tuple(piece_rows[k])] > 0:
        k += 1
    return k


class _Growing:
    """A table being stitched, with what appending a piece asks of it kept up to date: its column
    edges, grid, text grid and header rows. Rebuilding those from all cells on every page made a
    table continuing over n pages cost n² (issue 15); here a page costs its own rows, except when
    a piece widens the table (rare: every row is padded once more)."""

    def __init__(self, table: Table, settings: ExtractSettings) -> None:
        self.base = table
        self.strategy = table.strategy
        self.page_end = table.page_end
        self.cells = list(table.cells)
        self._tolerance = settings.grid_tolerance
        self.xs = {v for c in self.cells for v in (c.x0, c.x1)}  # distinct values snap as all values do
        self.edges = snap_positions(self.xs, settings.grid_tolerance)
        self.n_rows, self.n_cols = table.n_rows, table.n_cols
        self.grid = table.grid()
        self.text = table.text_grid()
        self.headers = Counter(tuple(r) for r in self.text if _is_header(r))
        self.pos = {id(c): i for i, c in enumerate(self.cells)}

    def result(self) -> Table:
        """The stitched table (a new Table; the first piece's table is untouched)."""
        return dataclasses.replace(self.base, cells=self.cells, page_end=self.page_end)

    def _widen(self, n_cols: int) -> None:
        extra = n_cols - self.n_cols
        for row in self.grid:
            row.extend([None] * extra)
        for row in self.text:
            row.extend([""] * extra)
        self.n_cols = n_cols
        self.headers = Counter(tuple(r) for r in self.text if _is_header(r))

    def _set_row_text(self, r: int) -> None:
        old = tuple(self.text[r])
        if _is_header(old):
            self.headers[old] -= 1
        self.text[r] = [c.text if c else "" for c in self.grid[r]]
        if _is_header(self.text[r]):
            self.headers[tuple(self.text[r])] += 1

    def append(self, piece: Table, settings: ExtractSettings, open_spans: Sequence[tuple[float, float]] = ()
               ) -> bool:
        """Add a continuation piece below the table (see append_piece); False if it added nothing."""
        edges = self.edges
        cells = _recolumn(piece.cells, edges, settings)
        piece = dataclasses.replace(piece, cells=cells)
        piece_rows = rows_of(piece)
        skip = _repeated_header_rows(self.headers, piece_rows)
        while skip < len(piece_rows) and not any(piece_rows[skip]):  # empty rows left over by the break
            skip += 1
        kept = [c for c in cells if c.row >= skip]
        if not kept:  # spill-over page with only empty rows
            return False
        open_cols = {
            i for x0, _ in open_spans if (i := _match(edges, x0, settings.stitch_x_tolerance)) is not None
        }

        out = self.cells
        last_row = self.n_rows - 1
        last_cells = self.grid[last_row][:]  # as they were before the split row is re-joined
        first = skip
        own_rows = piece_rows[skip:]
        if own_rows and _is_split_row(self.text[last_row], own_rows[0], open_cols):
            rest = []
            joined: dict[int, Cell] = {}  # index in out → the cell as it was
            for c in kept:
                if c.row == first and c.text:
                    target = last_cells[c.col]
                    if target is not None:
                        i = self.pos[id(target)]
                        joined.setdefault(i, out[i])
                        out[i] = dataclasses.replace(out[i], text=join_lines([out[i].text, c.text]))
                if c.row > first:
                    rest.append(c)
                elif c.row_span > 1:  # a merged cell reaching below the re-joined row keeps its lower part
                    rest.append(dataclasses.replace(c, row=c.row + 1, row_span=c.row_span - 1, text=""))
            kept = rest
            first += 1
            self._replace(joined)
        opening = [c for c in kept if c.row == first]
        kept = [_continue_label(c, last_cells, first, opening) for c in kept]
        offset = self.n_rows - first
        placed = [dataclasses.replace(c, row=c.row + offset) for c in kept]
        self._add(placed)
        if kept:
            self.page_end = max(self.page_end, max(c.page for c in kept))
        return True

    def _replace(self, joined: dict[int, Cell]) -> None:
        """Cells whose text was extended: the grid, text rows and header counts follow."""
        rows = set()
        for i, old in joined.items():
            new = self.cells[i]
            del self.pos[id(old)]
            self.pos[id(new)] = i
            for r in range(old.row, old.row + old.row_span):
                row = self.grid[r]
                for k in range(old.col, old.col + old.col_span):
                    if row[k] is old:
                        row[k] = new
                rows.add(r)
        for r in sorted(rows):
            self._set_row_text(r)

    def _add(self, placed: list[Cell]) -> None:
        """New cells below the table: new rows only, placed in list order as Table.grid does."""
        if not placed:
            return
        n_rows = max(self.n_rows, max(c.row + c.row_span for c in placed))
        n_cols = max(self.n_cols, max(c.col + c.col_span for c in placed))
        if n_cols > self.n_cols:
            self._widen(n_cols)
        first_new = self.n_rows
        self.grid.extend([None] * n_cols for _ in range(n_rows - self.n_rows))
        self.n_rows = n_rows
        for c in placed:
            self.pos[id(c)] = len(self.cells)
            self.cells.append(c)
            self.xs.update((c.x0, c.x1))
            for r in range(c.row, c.row + c.row_span):
                self.grid[r][c.col:c.col + c.col_span] = [c] * c.col_span
        self.edges = snap_positions(self.xs, self._tolerance)
        for r in range(first_new, n_rows):
            self.text.append([c.text if c else "" for c in self.grid[r]])
            if _is_header(self.text[r]):
                self.headers[tuple(self.text[r])] += 1


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

    `open_spans` are the x ranges of the table's last-row cells whose text may continue. For a
    table continuing over many pages, stitch() keeps one _Growing instead of calling this per page.
    """
    growing = _Growing(table, settings)
    return growing.result() if growing.append(piece, settings, open_spans) else table


def _continue_label(cell: Cell, last_row: list[Cell | None], first: int, opening: Sequence[Cell] = ()) -> Cell:
    """An empty merged cell opening the piece continues the merged label above the page break.

    A vertically merged cell cut by a page break prints its text on the first page only; the
    part on the next page is an empty cell in the same column. It takes the label, so every row
    it covers carries it. Only merged cells (spanning rows on either side) qualify: an empty code
    column in a plain row is genuinely empty. Nor does an empty cell of a record that starts on
    the new page: a cell to its left in the piece's first row, covering at least its rows,
    prints a label of its own (北京's 项目名称 of the next project beside its blank 其他资金).
    """
    if cell.row != first or cell.text:
        return cell
    if any(o.text and o.col < cell.col and o.row_span >= cell.row_span for o in opening):
        return cell
    above = last_row[cell.col] if cell.col < len(last_row) else None
    if (
        above is not None
        and above.text
        and not _NUMBER.match(above.text.replace(" ", ""))  # an amount is printed once: copied, it would count twice
        and above.col == cell.col
        and above.col_span == cell.col_span
        and (above.row_span > 1 or cell.row_span > 1)
    ):
        return dataclasses.replace(cell, text=above.text)
    return cell


def stitch(pieces: Sequence[Piece], settings: ExtractSettings) -> list[Table]:
    """Pieces in document order → tables, continuation pieces appended to the table they continue."""
    out: list[Table | _Growing] = []
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
            and compatible(_edges(out[-1], settings), t, settings)
        ):
            if isinstance(out[-1], Table):
                out[-1] = _Growing(out[-1], settings)
            out[-1].append(t, settings, last_piece.open_spans)
        else:
            out.append(t)
        last_piece = piece
    return [g.result() if isinstance(g, _Growing) else g for g in out]


def _edges(table: Table | _Growing, settings: ExtractSettings) -> list[float]:
    return table.edges if isinstance(table, _Growing) else column_edges(table.cells, settings)
