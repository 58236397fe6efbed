"""pdfplumber's lines strategy (merge_edges → edges_to_intersections → intersections_to_cells →
cells_to_tables) on arrays: the same cell rectangles, float for float and in the same order, at a
fraction of the cost.

pdfplumber runs these steps as Python over dicts: every snap and join copies an edge dict, every
vertical rule is tested against every horizontal one in Python, and each candidate cell corner
builds sets of edge boxes afresh (`edge_connects`), so a table page spends most of its table
finding there. Here the edges are columns of floats; snapping, the rule-crossing test and the
vertices are numpy operations; which rules touch a vertex is a bit set per vertex, so a cell
corner costs two integer ANDs. Every float is computed with the operations pdfplumber uses, in
the same order (a cluster's mean is Python's left-to-right sum), so the boxes are identical, not
merely close: tests/test_extract_lattice.py compares both on every page of the corpus.

`table_boxes` returns None where this path does not go (an edge list so large the crossing
matrix would not fit, RULE_PAIRS_MAX); extract/ruled.py then runs pdfplumber's steps as before.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Box = tuple[float, float, float, float]
RULE_PAIRS_MAX = 25_000_000  # vertical × horizontal rules tested at once (a bool each)


def table_boxes(edges: Sequence[dict], snap: float, join: float, min_length: float, prefilter: float,
                intersection: float) -> list[list[Box]] | None:
    """Cell rectangles of each table, as pdfplumber's cells_to_tables(intersections_to_cells(
    edges_to_intersections(merge_edges(...)))) gives them for `edges` (orientation h or v, length ≥
    `prefilter`); None if the edges are too many for this path."""
    h, v = [], []
    for e in edges:
        o = e["orientation"]
        if o == "h":
            if e["x1"] - e["x0"] >= prefilter:
                h.append((e["x0"], e["top"], e["x1"], e["bottom"]))
        elif o == "v":
            if e["bottom"] - e["top"] >= prefilter:
                v.append((e["x0"], e["top"], e["x1"], e["bottom"]))
    hs = _merge(_snap(_array(h), 1, snap), 1, 0, 2, join, min_length)  # along y = top
    vs = _merge(_snap(_array(v), 0, snap), 0, 1, 3, join, min_length)  # along x = x0
    if len(hs) * len(vs) > RULE_PAIRS_MAX:
        return None
    points, vmask, hmask = _vertices(vs, hs, intersection, intersection)
    return _tables(_cells(points, vmask, hmask))


def _array(rows: list[tuple]) -> np.ndarray:
    return np.array(rows, dtype=np.float64).reshape(-1, 4)  # x0, top, x1, bottom


def _snap(e: np.ndarray, at: int, tolerance: float) -> np.ndarray:
    """pdfplumber's snap_objects: positions (column `at`) chained within `tolerance` of the
    previous distinct one form a cluster; each edge moves by (cluster mean − its position), the
    edge's two ends along that axis alike (move_object). Rows come out cluster by cluster, in
    input order within a cluster (cluster_objects' stable sort)."""
    if len(e) == 0 or tolerance <= 0:
        return e
    pos = e[:, at]
    distinct = np.unique(pos)
    cluster_of = np.concatenate(([0], np.cumsum(distinct[1:] > distinct[:-1] + tolerance)))
    ids = cluster_of[np.searchsorted(distinct, pos)]
    order = np.argsort(ids, kind="stable")
    ids, e = ids[order], e[order]
    pos = e[:, at].tolist()
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1]))).tolist() + [len(pos)]
    means = np.empty(len(pos))
    for a, b in zip(starts, starts[1:]):
        means[a:b] = sum(pos[a:b]) / (b - a)  # Python's sum, left to right, as pdfplumber's
    shift = means - e[:, at]
    other = 2 if at == 0 else 3  # x0 moves with x1 (a vertical rule), top with bottom
    out = e.copy()
    out[:, at] = e[:, at] + shift
    out[:, other] = e[:, other] + shift
    return out


def _merge(e: np.ndarray, at: int, lo: int, hi: int, tolerance: float, min_length: float) -> np.ndarray:
    """pdfplumber's join_edge_group over each group of rules at one exact position (groups by
    position, stable), then the edge_min_length filter: along a group sorted by start (`lo`),
    a rule starting within `tolerance` of the current one's end extends it to its own end."""
    if len(e) == 0:
        return e
    order = np.argsort(e[:, at], kind="stable")
    e = e[order]
    order = np.lexsort((e[:, lo], e[:, at]))  # by position, then by start; stable
    e = e[order]
    pos, start, end = e[:, at].tolist(), e[:, lo].tolist(), e[:, hi].tolist()
    keep: list[int] = []
    ends: list[float] = []
    for k in range(len(pos)):
        if keep and pos[k] == pos[keep[-1]] and start[k] <= ends[-1] + tolerance:
            if end[k] > ends[-1]:
                ends[-1] = end[k]
            continue
        keep.append(k)
        ends.append(end[k])
    out = e[keep]
    out[:, hi] = ends
    return out[out[:, hi] - out[:, lo] >= min_length]


def _ids(e: np.ndarray) -> np.ndarray:
    """One id per distinct box (pdfplumber's edge_connects compares rules by their boxes)."""
    if len(e) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(e, axis=0, return_inverse=True)[1].reshape(-1)


def _vertices(vs: np.ndarray, hs: np.ndarray, x_tol: float, y_tol: float):
    """pdfplumber's edges_to_intersections: the points (x0 of a vertical rule, top of a horizontal
    one) where the two cross within the tolerances, sorted; for each point, the vertical and the
    horizontal rules through it as bit sets over distinct rule boxes."""
    if len(vs) == 0 or len(hs) == 0:
        return [], [], []
    vx, vtop, vbottom = vs[:, 0], vs[:, 1], vs[:, 3]
    hy, hx0, hx1 = hs[:, 1], hs[:, 0], hs[:, 2]
    cross = ((vtop[:, None] <= hy[None, :] + y_tol) & (vbottom[:, None] >= hy[None, :] - y_tol)
             & (vx[:, None] >= hx0[None, :] - x_tol) & (vx[:, None] <= hx1[None, :] + x_tol))
    vi, hi = np.nonzero(cross)
    if len(vi) == 0:
        return [], [], []
    xy = np.stack((vx[vi], hy[hi]), axis=1)
    points, at = np.unique(xy, axis=0, return_inverse=True)  # sorted by x, then y: sorted(tuples)
    at = at.reshape(-1)
    vbit, hbit = _ids(vs)[vi].tolist(), _ids(hs)[hi].tolist()
    vmask, hmask = [0] * len(points), [0] * len(points)
    for p, a, b in zip(at.tolist(), vbit, hbit):
        vmask[p] |= 1 << a
        hmask[p] |= 1 << b
    return [tuple(p) for p in points.tolist()], vmask, hmask


def _cells(points: list[tuple[float, float]], vmask: list[int], hmask: list[int]) -> list[Box]:
    """pdfplumber's intersections_to_cells: from each point, the first point below it joined by a
    vertical rule for which some point right of it, joined by a horizontal rule, closes a
    rectangle whose fourth corner is joined to both. A rule through a point covers an unbroken
    run of the points of its column (or row), so the first point it misses ends the search."""
    index = {p: i for i, p in enumerate(points)}
    rows: dict[float, list[int]] = {}
    for i, (_, y) in enumerate(points):
        rows.setdefault(y, []).append(i)  # ascending x: points are sorted
    place = {}
    for row in rows.values():
        for k, i in enumerate(row):
            place[i] = k
    n = len(points)
    out: list[Box] = []
    for i, (x, y) in enumerate(points):
        vm, hm = vmask[i], hmask[i]
        row = rows[y]
        right = row[place[i] + 1:]
        found = None
        q = i + 1
        while q < n and points[q][0] == x and not found:  # below, top to bottom
            if not vm & vmask[q]:
                break
            below_y = points[q][1]
            for r in right:
                if not hm & hmask[r]:
                    break
                corner = index.get((points[r][0], below_y))
                if corner is not None and vmask[corner] & vmask[r] and hmask[corner] & hmask[q]:
                    found = (x, y, points[r][0], below_y)
                    break
            q += 1
        if found:
            out.append(found)
    return out


def _tables(cells: list[Box]) -> list[list[Box]]:
    """pdfplumber's cells_to_tables, pass for pass: a table grows by the cells (in list order) that
    share a corner with it, until a pass adds none; tables sorted by their top-left cell, lone
    cells dropped. (pdfplumber removes each placed cell from a list, quadratic; a flag here.)"""
    n = len(cells)
    corners = [((x0, top), (x0, bottom), (x1, top), (x1, bottom)) for x0, top, x1, bottom in cells]
    alive = [True] * n
    left = n
    tables: list[list[Box]] = []
    current: list[Box] = []
    seen: set = set()
    while left:
        grown = len(current)
        for k in range(n):
            if not alive[k]:
                continue
            if not current or any(c in seen for c in corners[k]):
                seen.update(corners[k])
                current.append(cells[k])
                alive[k] = False
                left -= 1
        if len(current) == grown:
            tables.append(current)
            current, seen = [], set()
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]
