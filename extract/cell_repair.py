"""Cell-level repairs of ruled tables: cells the rules fail to close, glyphs that overflow a rule.

Two defects of real forms, both invisible to pdfplumber's lines strategy:

- **Holes.** A merged label cell whose bottom rule is missing (the table runs on over a page
  break: 产出指标 / 数量指标 at the foot of a 绩效指标 block) has no closing corners, so no
  rectangle is found for it and its text drops out of the table. `fill_holes` adds, for every
  position of the table's grid that no cell covers, the rectangle the surrounding rules bound.
- **Overflow.** A label too long for its column is printed past the column's rule and clipped
  (宁德's `一般性支出情况`, whose `况` sits across the rule under the next cell's text). Its last
  glyphs then have their middles in the next cell. `overflow_anchors` gives such a glyph a place
  inside the cell its run of glyphs began in.

Both work on the table's grid (the distinct cell edges, as extract/ruled.py builds it) and are
linear in cells and glyphs up to sorting.
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence
from statistics import median

from extract.cell_text import Char
from extract.positions import grid_index as _index, snap_positions
from extract.settings import ExtractSettings

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Position = tuple[int, int]  # row, col of the grid
_RULED_SHARE = 0.75  # a side is ruled when rules cover this share of its length


# ----------------------------------------------------------------------------- grid


def _span(box: Box, xs: Sequence[float], ys: Sequence[float], tolerance: float) -> tuple[int, int, int, int]:
    """r0, c0, r1, c1 (ends exclusive) of a box on the grid."""
    return (_index(ys, box[1], tolerance), _index(xs, box[0], tolerance),
            _index(ys, box[3], tolerance), _index(xs, box[2], tolerance))


def _owners(boxes: Sequence[Box], xs: Sequence[float], ys: Sequence[float], tolerance: float
            ) -> dict[Position, int]:
    """Each covered grid position → index of the box covering it."""
    out: dict[Position, int] = {}
    for i, box in enumerate(boxes):
        r0, c0, r1, c1 = _span(box, xs, ys, tolerance)
        for r in range(r0, r1):
            for c in range(c0, c1):
                out.setdefault((r, c), i)
    return out


# ----------------------------------------------------------------------------- holes


class _Rules:
    """The page's rules bucketed by their position, to ask whether a grid side is drawn."""

    def __init__(self, edges: Sequence[dict], tolerance: float):
        self.tolerance = tolerance
        self.v: dict[int, list[tuple[float, float, float]]] = {}
        self.h: dict[int, list[tuple[float, float, float]]] = {}
        for e in edges:
            if e.get("orientation") == "v":
                self.v.setdefault(round(e["x0"]), []).append((e["x0"], e["top"], e["bottom"]))
            elif e.get("orientation") == "h":
                self.h.setdefault(round(e["top"]), []).append((e["top"], e["x0"], e["x1"]))

    def covered(self, vertical: bool, at: float, start: float, end: float) -> bool:
        """Rules along x (vertical) or y = `at` cover most of [start, end]."""
        buckets = self.v if vertical else self.h
        reach = int(self.tolerance) + 1
        pieces = sorted(
            (max(a, start), min(b, end))
            for k in range(round(at) - reach, round(at) + reach + 1)
            for pos, a, b in buckets.get(k, ())
            if abs(pos - at) <= self.tolerance and min(b, end) > max(a, start)
        )
        drawn, reached = 0.0, start
        for a, b in pieces:
            if b > reached:
                drawn += b - max(a, reached)
                reached = b
        return end > start and drawn >= _RULED_SHARE * (end - start)


def _components(holes: set[Position], xs: Sequence[float], ys: Sequence[float], rules: _Rules
                ) -> list[set[Position]]:
    """Uncovered positions grouped into regions: neighbours join unless a rule runs between them."""
    seen: set[Position] = set()
    out: list[set[Position]] = []
    for start in sorted(holes):
        if start in seen:
            continue
        region, todo = set(), [start]
        seen.add(start)
        while todo:
            r, c = todo.pop()
            region.add((r, c))
            steps = (  # neighbour, and the side between: vertical?, at, from, to
                ((r, c + 1), (True, xs[c + 1], ys[r], ys[r + 1])),
                ((r, c - 1), (True, xs[c], ys[r], ys[r + 1])),
                ((r + 1, c), (False, ys[r + 1], xs[c], xs[c + 1])),
                ((r - 1, c), (False, ys[r], xs[c], xs[c + 1])),
            )
            for nxt, side in steps:
                if nxt in holes and nxt not in seen and not rules.covered(*side):
                    seen.add(nxt)
                    todo.append(nxt)
        out.append(region)
    return out


def _rectangles(region: set[Position]) -> list[tuple[int, int, int, int]]:
    """A region cut into rectangles (r0, c0, r1, c1), top-left first, each as wide, then as tall
    as the region allows. A region left by one missing rule is a rectangle already."""
    left = set(region)
    out = []
    while left:
        r0, c0 = min(left)
        c1 = c0 + 1
        while (r0, c1) in left:
            c1 += 1
        r1 = r0 + 1
        while all((r1, c) in left for c in range(c0, c1)):
            r1 += 1
        out.append((r0, c0, r1, c1))
        left -= {(r, c) for r in range(r0, r1) for c in range(c0, c1)}
    return out


def _ruled_sides(box: Box, rules: _Rules) -> int:
    x0, top, x1, bottom = box
    return sum((
        rules.covered(True, x0, top, bottom), rules.covered(True, x1, top, bottom),
        rules.covered(False, top, x0, x1), rules.covered(False, bottom, x0, x1),
    ))


def fill_holes(boxes: Sequence[Box], edges: Sequence[dict], settings: ExtractSettings) -> list[Box]:
    """The table's cell rectangles plus one for each region of its grid no cell covers.

    A region is cut where a rule runs through it (产出指标 | 数量指标 stay two cells) and merged
    over the rows and columns it spans otherwise. It becomes a cell only when rules draw at
    least `hole_min_ruled_sides` of its sides: a cell that lost its bottom rule keeps three,
    while the notch of a table that is not rectangular (nothing printed there) has two at most.
    """
    if not boxes or _tiled(boxes):
        return list(boxes)
    tol = settings.grid_tolerance
    xs = snap_positions([v for b in boxes for v in (b[0], b[2])], tol)
    ys = snap_positions([v for b in boxes for v in (b[1], b[3])], tol)
    covered = _owners(boxes, xs, ys, tol)
    holes = {(r, c) for r in range(len(ys) - 1) for c in range(len(xs) - 1)} - covered.keys()
    if not holes:
        return list(boxes)
    rules = _Rules(edges, settings.snap_tolerance)
    out = list(boxes)
    for region in _components(holes, xs, ys, rules):
        for r0, c0, r1, c1 in _rectangles(region):
            box = (xs[c0], ys[r0], xs[c1], ys[r1])
            if _ruled_sides(box, rules) >= settings.hole_min_ruled_sides:
                out.append(box)
    return out


def _tiled(boxes: Sequence[Box]) -> bool:
    """The cells fill their bounding box (cells never overlap): no hole, and no need to walk
    the grid, which a table of misaligned rules makes large."""
    x0, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    return area >= (x1 - x0) * (bottom - top) - 0.5


# ----------------------------------------------------------------------------- overflow


def _baselines(chars: Sequence[Char], tolerance: float) -> list[list[int]]:
    """Indices of glyphs sharing a bottom (so a baseline, at one size), each line left to right."""
    order = sorted(range(len(chars)), key=lambda i: (chars[i]["bottom"], chars[i]["x0"]))
    lines: list[list[int]] = []
    for i in order:
        if lines and chars[i]["bottom"] - chars[lines[-1][0]]["bottom"] <= tolerance:
            lines[-1].append(i)
        else:
            lines.append([i])
    for line in lines:
        line.sort(key=lambda i: chars[i]["x0"])
    return lines


def _continues(prev: Char, ch: Char, gaps: Sequence[float], rule: float, overflowing: bool,
               settings: ExtractSettings) -> bool:
    """`ch` carries on the run that `prev` ended inside a cell whose right rule is at `rule`.

    Same size, and the gap is the run's own letter spacing (its median gap; 0 for a run of one
    glyph). Where the run leaves the cell a glyph must cross the rule (the last one in, whose
    middle is still inside, or the first one out): the next cell's own text starts after its
    padding, clear of the rule, and a glyph the next cell prints over a clipped one overlaps it
    (a negative gap).
    """
    size = float(ch.get("size", 0.0))
    if abs(size - float(prev.get("size", 0.0))) > 0.05 * max(size, 1.0):
        return False
    spacing = median(gaps) if gaps else 0.0
    if abs(ch["x0"] - prev["x1"] - spacing) > settings.overflow_gap_em * max(size, 1.0):
        return False
    return overflowing or ch["x0"] < rule or prev["x1"] > rule


def overflow_anchors(chars: Sequence[Char], y_anchors: Sequence[float], boxes: Sequence[Box],
                     xs: Sequence[float], ys: Sequence[float], settings: ExtractSettings) -> list[float]:
    """The x that decides each glyph's cell: its middle, or, for a glyph that overflowed the
    right rule of the cell its run began in, the middle of the run's last glyph inside that cell.

    `y_anchors` are the heights that decide the glyphs' rows (ruled.anchor_y), `xs` / `ys` the
    table's grid lines.
    """
    tol = settings.grid_tolerance
    anchors = [(ch["x0"] + ch["x1"]) / 2 for ch in chars]
    if not any(bisect.bisect_right(xs, ch["x0"] - tol) != bisect.bisect_right(xs, ch["x1"] + tol) for ch in chars):
        return anchors  # a run leaves its cell only through a glyph that crosses (or nears) a grid line
    owners = _owners(boxes, xs, ys, tol)

    def cell_of(i: int) -> int | None:
        c = bisect.bisect_right(xs, anchors[i]) - 1
        r = bisect.bisect_right(ys, y_anchors[i]) - 1
        return owners.get((r, c))

    for line in _baselines(chars, settings.overflow_baseline_tolerance):
        run: int | None = None  # box of the current run
        gaps: list[float] = []
        overflowing = False
        prev: int | None = None
        for i in line:
            own = cell_of(i)
            if (prev is not None and run is not None and own != run
                    and _continues(chars[prev], chars[i], gaps, boxes[run][2], overflowing, settings)):
                anchors[i] = anchors[prev]
                own, overflowing = run, True
            elif own == run and prev is not None:
                gaps.append(chars[i]["x0"] - chars[prev]["x1"])
            else:
                run, gaps, overflowing = own, [], False
            prev = i
    return anchors
