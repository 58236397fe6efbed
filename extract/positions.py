"""Grid lines from cell edges: the one helper extract/ruled.py, extract/cell_repair.py and
extract/stitch.py share (a leaf module: it imports nothing of the package)."""
from __future__ import annotations

import bisect
from collections.abc import Sequence


def snap_positions(values: Sequence[float], tolerance: float) -> list[float]:
    """Distinct positions: sorted values closer than `tolerance` to the previous one are merged."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def grid_index(lines: Sequence[float], value: float, tolerance: float) -> int:
    """The grid line (index into snapped `lines`) a cell edge at `value` sits on."""
    return min(bisect.bisect_left(lines, value - tolerance), len(lines) - 1)
