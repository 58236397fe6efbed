"""Tables drawn with ruling lines: pdfplumber's lines strategy, merged cells resolved on a grid.

The edges come from pdfplumber (`page_edges`), from PDFium (extract/pdfium/rules.py) or from a
page image (extract/ocr/grid.py); pdfplumber's table steps turn them into one rectangle per
visible cell, a merged cell being simply a bigger rectangle. The grid is built from the distinct
cell edges, so each rectangle maps to (row, col, row_span, col_span).
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from extract import cell_repair, lattice
from extract.cell_text import Char, cell_text
from extract.model import Cell, Table
from extract.positions import grid_index as _index, snap_positions
from extract.settings import ExtractSettings

Box = tuple[float, float, float, float]
_PREFILTER_LENGTH = 1.0  # pdfplumber's edge_min_length_prefilter default


def is_background(obj: dict, settings: ExtractSettings) -> bool:
    """A filled, unstroked rect thick both ways is shading, not a rule; its edges would invent cells."""
    return (
        obj.get("object_type") == "rect"
        and bool(obj.get("fill"))
        and not obj.get("stroke")
        and obj["width"] > settings.background_rect_min
        and obj["height"] > settings.background_rect_min
    )


def has_rulings(page, settings: ExtractSettings) -> bool:
    """Cheap test run before table finding: a page with no lines, rects or curves has no ruled table."""
    if page.lines or page.curves:
        return True
    return any(not is_background(r, settings) for r in page.rects)


def page_edges(page, settings: ExtractSettings) -> list[dict]:
    """A pdfplumber page's edges, background fills left out."""
    if not has_rulings(page, settings):
        return []
    return page.filter(lambda obj: not is_background(obj, settings)).edges


def table_boxes(edges: Sequence[dict], settings: ExtractSettings) -> list[list[Box]]:
    """Cell rectangles of each table the edges draw: the steps of pdfplumber's lines strategy
    (TableFinder.get_edges and find_tables) on edges from any source, run on arrays
    (extract/lattice.py: the same boxes, float for float)."""
    tol, join = settings.snap_tolerance, settings.join_tolerance
    found = lattice.table_boxes(edges, tol, join, settings.edge_min_length, _PREFILTER_LENGTH,
                                settings.intersection_tolerance)
    if found is not None:
        return found
    return plumber_table_boxes(edges, settings)


def plumber_table_boxes(edges: Sequence[dict], settings: ExtractSettings) -> list[list[Box]]:
    """table_boxes by pdfplumber's own functions: the fallback where extract/lattice.py does not
    go, and what tests/test_extract_lattice.py holds it to."""
    tol, join = settings.snap_tolerance, settings.join_tolerance
    oriented = [e for e in edges if e["orientation"] in ("h", "v") and _length(e) >= _PREFILTER_LENGTH]
    merged = [e for e in merge_edges(oriented, tol, tol, join, join) if _length(e) >= settings.edge_min_length]
    it = settings.intersection_tolerance
    return cells_to_tables(intersections_to_cells(edges_to_intersections(merged, it, it)))


def _length(edge: dict) -> float:
    return edge["x1"] - edge["x0"] if edge["orientation"] == "h" else edge["bottom"] - edge["top"]


def anchor_y(ch: Char, row_edges: Sequence[float], overflow: float) -> float:
    """The height that decides a glyph's row: its middle, unless it hangs over a row's bottom rule.

    Text that overflows a fixed-height header cell (采购组织形 / 式 in Jiangsu's 政府采购预算表)
    crosses the rule below it; it belongs to the cell it started in, not to the row under it.
    """
    mid = (ch["top"] + ch["bottom"]) / 2
    i = bisect.bisect_right(row_edges, mid) - 1
    if i >= 1 and ch["top"] < row_edges[i] - overflow:
        return row_edges[i] - overflow / 2
    return mid


def _anchor_ys(chars: Sequence[Char], row_edges: np.ndarray, overflow: float) -> list[float]:
    """anchor_y of every glyph, as array operations on the same floats."""
    if not len(chars):
        return []
    top = np.fromiter((ch["top"] for ch in chars), dtype=np.float64, count=len(chars))
    bottom = np.fromiter((ch["bottom"] for ch in chars), dtype=np.float64, count=len(chars))
    mid = (top + bottom) / 2
    i = np.searchsorted(row_edges, mid, "right") - 1
    edge = row_edges[np.clip(i, 0, max(len(row_edges) - 1, 0))] if len(row_edges) else mid
    hangs = (i >= 1) & (top < edge - overflow)
    return np.where(hangs, edge - overflow / 2, mid).tolist()


def cells_to_table(
    boxes: Sequence[Box], chars: Sequence[Char], page: int, settings: ExtractSettings
) -> Table | None:
    """Cell rectangles of one table → Table with grid positions, spans and text.

    Glyphs are bucketed by grid strip first; a box only looks at the strips its edges fall in
    (a strip index is monotone in the position, so no glyph inside the box is missed), which
    keeps the page linear in glyphs + cells instead of glyphs × cells.
    """
    tol = settings.grid_tolerance
    xs = snap_positions([v for b in boxes for v in (b[0], b[2])], tol)
    ys = snap_positions([v for b in boxes for v in (b[1], b[3])], tol)
    xa, ya = np.array(xs), np.array(ys)
    heights = _anchor_ys(chars, ya, settings.grid_tolerance)
    # a glyph printed past its cell's right rule counts in the cell its run began in
    anchors = cell_repair.overflow_anchors(chars, heights, boxes, xs, ys, settings)
    centres = list(zip(anchors, heights))
    # each glyph's grid strip (-1 = before the first line), and each box's grid lines and strips,
    # as array lookups (bisect_right, and _index's bisect_left, on the same floats)
    strip_k = (np.searchsorted(xa, np.array(anchors, dtype=np.float64), "right") - 1).tolist()
    strip_r = (np.searchsorted(ya, np.array(heights, dtype=np.float64), "right") - 1).tolist()
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(zip(strip_r, strip_k)):
        buckets.setdefault(key, []).append(i)
    b = np.array(boxes, dtype=np.float64).reshape(-1, 4)
    c0s = np.minimum(np.searchsorted(xa, b[:, 0] - tol, "left"), len(xs) - 1).tolist()
    c1s = np.minimum(np.searchsorted(xa, b[:, 2] - tol, "left"), len(xs) - 1).tolist()
    r0s = np.minimum(np.searchsorted(ya, b[:, 1] - tol, "left"), len(ys) - 1).tolist()
    r1s = np.minimum(np.searchsorted(ya, b[:, 3] - tol, "left"), len(ys) - 1).tolist()
    kx0s = (np.searchsorted(xa, b[:, 0], "right") - 1).tolist()
    kx1s = np.searchsorted(xa, b[:, 2], "right").tolist()
    ry0s = (np.searchsorted(ya, b[:, 1], "right") - 1).tolist()
    ry1s = np.searchsorted(ya, b[:, 3], "right").tolist()
    empty = cell_text([], settings.space_gap)
    cells: list[Cell] = []
    for j, (x0, top, x1, bottom) in enumerate(boxes):
        c0, c1, r0, r1 = c0s[j], c1s[j], r0s[j], r1s[j]
        if c1 <= c0 or r1 <= r0:
            continue
        strips_x = range(kx0s[j], kx1s[j])
        found = sorted(i for r in range(ry0s[j], ry1s[j]) for k in strips_x for i in buckets.get((r, k), ()))
        inner = [
            chars[i] for i in found
            if x0 <= centres[i][0] < x1 and top <= centres[i][1] < bottom
        ]
        cells.append(
            Cell(
                row=r0, col=c0, text=cell_text(inner, settings.space_gap) if inner else empty, page=page,
                x0=x0, top=top, x1=x1, bottom=bottom, row_span=r1 - r0, col_span=c1 - c0,
            )
        )
    if len(cells) < 2:  # a lone framed box is a border, not a table
        return None
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells=cells, page_start=page, page_end=page, strategy="ruled")


def find_ruled_tables(edges: Sequence[dict], chars: Sequence[Char], page_no: int, settings: ExtractSettings
                      ) -> list[Table]:
    """Ruled tables drawn by a page's edges, top to bottom. `chars` are its deduplicated glyphs."""
    if not edges:
        return []
    found = [(_bbox(boxes), boxes) for boxes in table_boxes(edges, settings)]
    found.sort(key=lambda t: (t[0][1], t[0][0]))
    tables: list[Table] = []
    band = _YBand(chars)
    for (x0, top, x1, bottom), boxes in found:
        # A glyph that starts inside the last row but hangs over the bottom rule (重庆 draws its
        # amounts ~10 pt below their labels: 30113 … 39.70 on p.14) is the last row's, as
        # anchor_y reads it inside the table.
        tol = settings.grid_tolerance
        local = [
            ch for ch in band.within(top, bottom + 2 * tol + 20)
            if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2
            and ((ch["top"] + ch["bottom"]) / 2 <= bottom or ch["top"] < bottom - tol)
        ]
        boxes = cell_repair.fill_holes(boxes, edges, settings)  # cells whose closing rule is missing
        table = cells_to_table(boxes, local, page_no, settings)
        if table is not None:
            tables.append(table)
    return tables


def page_band(chars: Sequence[Char]) -> _YBand:
    """The page's glyphs by vertical middle, for open_columns on each of its tables."""
    return _YBand(chars)


class _YBand:
    """Glyphs sorted by vertical middle, so the glyphs of a band of the page are found by bisection
    (each table or row on a page then costs its own glyphs, not the page's)."""

    def __init__(self, chars: Sequence[Char]) -> None:
        order = sorted(range(len(chars)), key=lambda i: (chars[i]["top"] + chars[i]["bottom"]) / 2)
        self._chars = chars
        self._order = order
        self._mids = [(chars[i]["top"] + chars[i]["bottom"]) / 2 for i in order]

    def within(self, top: float, bottom: float) -> list[Char]:
        """Glyphs with top <= middle <= bottom, in their original order."""
        lo, hi = bisect.bisect_left(self._mids, top), bisect.bisect_right(self._mids, bottom)
        return [self._chars[i] for i in sorted(self._order[lo:hi])]


def _bbox(boxes: Sequence[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def open_columns(table: Table, chars: Sequence[Char], settings: ExtractSettings,
                 band: _YBand | None = None) -> frozenset[int]:
    """Columns of the table's last row whose text fills its cell to the right edge.

    Such text may have been cut by a page break and continue on the next page; a short label
    (本年收入合计 in a wide cell) or a right-aligned number cannot. `band`: `chars` sorted once
    for all the page's tables (`page_band`).
    """
    last = table.n_rows - 1
    out = set()
    ending = [c for c in table.cells if c.row + c.row_span - 1 == last and c.text]
    if not ending:
        return frozenset()
    near = (band or _YBand(chars)).within(min(c.top for c in ending), max(c.bottom for c in ending))
    for c in ending:
        inner = [
            ch for ch in near
            if c.x0 <= (ch["x0"] + ch["x1"]) / 2 < c.x1 and c.top <= (ch["top"] + ch["bottom"]) / 2 < c.bottom
            and ch["text"].strip()
        ]
        if not inner:
            continue
        size = max(float(ch.get("size", 10.0)) for ch in inner)
        bottom_line = max(inner, key=lambda ch: (ch["top"], ch["x1"]))
        lowest = [ch for ch in inner if abs(ch["top"] - bottom_line["top"]) < size / 2]
        left = min(ch["x0"] for ch in lowest)
        right = max(ch["x1"] for ch in lowest)
        if c.x1 - right <= settings.full_cell_em * size and left - c.x0 <= settings.full_cell_em * size:
            out.add(c.col)
    return frozenset(out)
