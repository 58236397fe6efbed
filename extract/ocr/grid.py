"""Tables in a page image: straighten the page, find its ruling lines, and build the same
Table/Cell grid as extract/ruled.py from them.

Steps (each a small function over arrays or plain data):
  binarize → skew_angle → rotate → rule_masks → rule_edges (pixels → PDF points)
  → pdfplumber's merge_edges / edges_to_intersections / intersections_to_cells / cells_to_tables
  → extract.ruled.cells_to_table (grid positions, merged cells) with OCR boxes as its "glyphs".
Rules are found by morphology: opening the ink with a long thin kernel keeps only strokes longer
than any glyph stroke, horizontally and vertically.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import regex

from extract.cell_text import repair
from extract.model import Cell, Table
from extract import cell_repair
from extract.ruled import cells_to_table, table_boxes
from extract.settings import ExtractSettings

_FAINT_INK = 50  # grey levels below the paper that still count as ink of a rule


@dataclass(frozen=True)
class PageFrame:
    """How pixels of the (straightened) page image map to PDF points of the page."""

    scale: float  # points per pixel
    x_offset: float = 0.0  # the page's left / top in PDF points (a cropped page starts past 0)
    y_offset: float = 0.0

    def box(self, x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        s = self.scale
        return (
            float(self.x_offset + x0 * s), float(self.y_offset + top * s),
            float(self.x_offset + x1 * s), float(self.y_offset + bottom * s),
        )

    def pixels(self, x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        """The inverse of `box`: PDF points → pixels."""
        s = self.scale
        return ((x0 - self.x_offset) / s, (top - self.y_offset) / s, (x1 - self.x_offset) / s, (bottom - self.y_offset) / s)


def binarize(gray: np.ndarray, light: bool = False) -> np.ndarray:
    """Ink = 255, paper = 0. A light blur first evens out scanner noise and JPEG blocks.

    Otsu's threshold suits text; `light` keeps faint strokes too (anything clearly darker than
    the paper): a hairline rule scanned at 200 dpi is one grey pixel wide and Otsu drops parts of it.
    """
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    if light:
        paper = float(np.percentile(blurred, 90))
        _, ink = cv2.threshold(blurred, paper - _FAINT_INK, 255, cv2.THRESH_BINARY_INV)
        return ink
    _, ink = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def skew_angle(ink: np.ndarray, max_degrees: float, step: float = 0.05) -> float:
    """The rotation for `rotate` (degrees, counter-clockwise positive as in cv2) that makes text rows
    and rules horizontal: the tilt whose row profile of ink is sharpest (largest sum of squares)."""
    ys, xs = np.nonzero(ink[::2, ::2])  # half resolution is plenty for a fraction of a degree
    if len(xs) < 100 or max_degrees <= 0:
        return 0.0
    if len(xs) > 200_000:
        keep = np.random.default_rng(0).choice(len(xs), 200_000, replace=False)
        ys, xs = ys[keep], xs[keep]
    xs = xs - ink.shape[1] / 4
    ys = ys.astype(np.float64)

    def sharpness(deg: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(deg))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    coarse = np.arange(-max_degrees, max_degrees + 1e-9, 0.25)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, step)
    return -float(max(fine, key=sharpness))  # undo the tilt found


def rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    """The image rotated about its centre by `degrees` (same size, white fill)."""
    if abs(degrees) < 1e-6:
        return gray
    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rule_masks(ink: np.ndarray, min_length_px: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling strokes at least `min_length_px` long (ink = 255).

    First the ink is thickened by a pixel across the rule direction: a rule left a fraction of a
    degree off straight steps between pixel rows. Gaps along a rule (noise, JPEG blocks) are left
    to pdfplumber's join tolerance; closing them here would also join the strokes of a text line.
    """
    kernel = cv2.getStructuringElement
    h = cv2.dilate(ink, kernel(cv2.MORPH_RECT, (1, 3)))
    h = cv2.morphologyEx(h, cv2.MORPH_OPEN, kernel(cv2.MORPH_RECT, (min_length_px, 1)))
    v = cv2.dilate(ink, kernel(cv2.MORPH_RECT, (3, 1)))
    v = cv2.morphologyEx(v, cv2.MORPH_OPEN, kernel(cv2.MORPH_RECT, (1, min_length_px)))
    return h, v


Segment = tuple[str, float, float, float, float]  # orientation h|v, x0, top, x1, bottom (pixels)


def rule_segments(h_mask: np.ndarray, v_mask: np.ndarray, max_thickness_px: int) -> list[Segment]:
    """Each connected stroke of the masks as a segment through its middle; a blob thicker than
    `max_thickness_px` is a filled area (shading, a photo), not a rule."""
    out: list[Segment] = []
    for mask, orientation in ((h_mask, "h"), (v_mask, "v")):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, hgt, _area in stats[1:n]:
            if orientation == "h" and hgt <= max_thickness_px:
                out.append(("h", float(x), y + hgt / 2, float(x + w), y + hgt / 2))
            elif orientation == "v" and w <= max_thickness_px:
                out.append(("v", x + w / 2, float(y), x + w / 2, float(y + hgt)))
    return out


def rule_edges(segments: Sequence[Segment], frame: PageFrame) -> list[dict]:
    """Segments as pdfplumber edges (x0, x1, top, bottom, width, height, orientation) in PDF points."""
    edges = []
    for orientation, *px in segments:
        x0, top, x1, bottom = frame.box(*px)
        edges.append({
            "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation, "object_type": "line",
        })
    return edges


def box_glyph(text: str, box: tuple[float, float, float, float], confidence: float) -> dict:
    """An OCR text box in the shape of a pdfplumber char, so extract/cell_text.py and
    extract/lines.py group, order and join OCR text exactly as they do glyphs."""
    x0, top, x1, bottom = box
    # a detector box is about 1.1 times the font size high (it pads the glyphs)
    size = round((bottom - top) / 1.1 * 2) / 2
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": size, "confidence": confidence}


_HAN = regex.compile(r"\p{Han}")


_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def fix_widths(text: str) -> str:
    """Punctuation widths as Chinese typesetting has them, where the recogniser mixes them up.

    A comma, semicolon, colon, question or exclamation mark right after a Han character is the
    full-width one (`场地,2025年` → `场地，2025年`); between digits it stays (`263,254,643.42`).

    A lone `一` is the dash (`—`) that marks an empty amount: as a whole cell, the two look the
    same to the recogniser and the Han character makes no sense. A pair read half full-width, half ASCII (`(2）`) becomes full-width (the recogniser confuses
    the widths, seldom on both sides); so does an ASCII pair holding Chinese right after a Han character
    (`全年(按日完成)`, `效益指标(30分)`). ASCII pairs after digits (`100.00(%)`, `350.00(万)`) or opening
    a line (`(一)`) stay ASCII, as such text is usually set.
    """
    if text == "一":
        return "—"
    chars = list(text)
    for i in range(1, len(chars)):
        if chars[i] in _FULL and _HAN.match(chars[i - 1]):
            chars[i] = _FULL[chars[i]]
    stack: list[int] = []
    for i, ch in enumerate(chars):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            j = stack.pop()
            mixed = (chars[j] == "(") != (ch == ")")
            inner = "".join(chars[j + 1:i])
            chinese = (
                chars[j] == "(" and j > 0 and _HAN.match(chars[j - 1]) is not None
                and _HAN.search(inner) is not None
            )
            if mixed or chinese:
                chars[j], chars[i] = "（", "）"
    return "".join(chars)


def _inside(g: dict, c: Cell) -> bool:
    mx, my = (g["x0"] + g["x1"]) / 2, (g["top"] + g["bottom"]) / 2
    return c.x0 <= mx < c.x1 and c.top <= my < c.bottom


def _mean_confidence(glyphs: Sequence[dict]) -> float | None:
    """Mean confidence of a cell's boxes, weighted by their length (a long line says more)."""
    weight = sum(len(g["text"]) for g in glyphs)
    if not weight:
        return None
    return sum(g["confidence"] * len(g["text"]) for g in glyphs) / weight


def ocr_tables(
    edges: list[dict], glyphs: Sequence[dict], page: int, settings: ExtractSettings
) -> list[Table]:
    """Tables drawn by `edges`, top to bottom, their cells filled with the OCR boxes whose middle
    they hold. Every cell keeps the mean confidence of its boxes (None for an empty cell)."""
    tables = []
    for boxes in table_boxes(edges, settings):
        boxes = cell_repair.fill_holes(boxes, edges, settings)  # a merged cell whose closing rule is missing
        table = cells_to_table(boxes, glyphs, page, settings)
        if table is None:
            continue
        cells = [
            dataclasses.replace(
                c, text=repair(fix_widths(c.text)),
                confidence=_mean_confidence([g for g in glyphs if _inside(g, c)]),
            )
            for c in table.cells
        ]
        tables.append(dataclasses.replace(table, cells=cells, strategy="ocr"))
    tables.sort(key=lambda t: (min(c.top for c in t.cells), min(c.x0 for c in t.cells)))
    return tables


def rule_pixels(h_mask: np.ndarray, v_mask: np.ndarray) -> np.ndarray:
    """Pixels to paint white before text detection: the rules, slightly widened (a rule beside
    text joins neighbouring cells into one detected box, or reads as `1` / `|`)."""
    both = cv2.bitwise_or(h_mask, v_mask)
    return cv2.dilate(both, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))) > 0
