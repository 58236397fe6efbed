"""Scanned pages: render, straighten, OCR, and rebuild tables and text lines in PDF points.

`ocr_page(page, number)` is the hook read_document calls for a page without usable text; it
returns the page's lines and tables as the text path does, so captions, stitching and everything
downstream work unchanged. Cells carry their OCR confidence. Coordinates are PDF points of the
page, in the straightened frame (the page rotated about its centre by the skew found, a fraction
of a degree: boxes move by at most a few points, and table columns stay vertical for stitching).
"""
from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence

import numpy as np

from extract.ocr import engine as ocr_engine
from extract.cell_text import repair
from extract.lines import inside, page_lines
from extract.model import Table, TextLine
from extract.ocr.engine import MIN_SCORE, Box, OcrBox, OcrEngine
from extract.ocr.grid import (
    PageFrame, Segment, binarize, box_glyph, fix_widths, ocr_tables, rotate, rule_edges, rule_masks, rule_pixels,
    rule_segments, skew_angle,
)
from extract.settings import DEFAULT, ExtractSettings

_MAX_RULE_THICKNESS = 3.0  # points; a thicker straight blob is shading or a picture, not a rule
# in heights of the line's ink (~ the font size): a blank this wide between a CJK character and a
# digit or Latin letter is a space. Word processors put ~0.2 em between the two scripts by
# themselves (autospace), and a space glyph adds only ~0.25 em, which a 200 dpi scan cannot
# tell apart from bearings and noise (both measure 0.26-0.47 here); so only a clear blank counts ...
_SPACE_EM = 0.5
# ... and a blank this wide inside one detected line separates two cells' texts
_CELL_GAP_EM = 0.9
_CELL_INSET = 4  # pixels inside a cell's rules where leftovers of the rule may remain
_MIN_MARK_PX = 20  # an empty cell with at least this much ink holds a mark worth reading (a dash)
_MARK_PAD = (8, 12)  # pixels of paper (x, y) around a mark cut out for the recogniser
_MIN_MARK_SCORE = 0.3  # a mark the detector missed is read less surely than a text line


# Pixels a page may be rendered at for OCR: A3 at 200 dpi is 7.8 Mpx (A4 3.9). A larger page (a
# poster, a 200-inch MediaBox: 1.6 Gpx at 200 dpi) is rendered at a lower resolution instead: the
# text detector runs on the whole bitmap, and its memory grows with the pixels (a 25 Mpx page ran
# a worker out of a 2 GB limit inside onnxruntime).
MAX_PIXELS = 8_000_000


class PageScaledDown(UserWarning):
    """A page rendered below settings.ocr_dpi to stay within MAX_PIXELS (read_document lists it)."""


def render_dpi(width_pt: float, height_pt: float, dpi: float, max_pixels: int = MAX_PIXELS) -> float:
    """`dpi`, or less so that the page's bitmap holds at most `max_pixels` pixels."""
    pixels = (width_pt * dpi / 72.0) * (height_pt * dpi / 72.0)
    return dpi if pixels <= max_pixels else dpi * (max_pixels / pixels) ** 0.5


def warm_up(settings: ExtractSettings = DEFAULT) -> None:
    """Load the OCR model now (batch workers call this once when they start)."""
    ocr_engine.engine(settings.ocr_threads)


def render_page(page, dpi: float) -> np.ndarray:
    """A pdfplumber page as an 8-bit grayscale image at `dpi`, rendered by pdfium."""
    import pypdfium2 as pdfium

    pdf = page.pdf
    src = pdf.path if getattr(pdf, "path", None) else pdf.stream
    if src is pdf.stream:
        pdf.stream.seek(0)
    doc = pdfium.PdfDocument(src)
    try:
        bitmap = doc[page.page_number - 1].render(scale=dpi / 72.0, grayscale=True, may_draw_forms=True)
        image = bitmap.to_numpy()
    finally:
        doc.close()
    if image.ndim == 3:  # some pdfium builds still hand back BGR(x)
        image = image[:, :, :3].mean(axis=2).astype(np.uint8)
    return np.ascontiguousarray(image)


def read_image(
    gray: np.ndarray, page: int, frame: PageFrame, settings: ExtractSettings = DEFAULT,
    engine: OcrEngine | None = None,
) -> tuple[list[TextLine], list[Table]]:
    """Lines and tables of one page image (grayscale). `frame` maps its pixels to PDF points."""
    engine = engine or ocr_engine.engine(settings.ocr_threads)
    gray = rotate(gray, skew_angle(binarize(gray), settings.ocr_max_skew))
    px = 1.0 / frame.scale  # pixels per point
    h_mask, v_mask = rule_masks(binarize(gray, light=True), max(8, round(settings.ocr_rule_min_length * px)))
    segments = rule_segments(h_mask, v_mask, max(2, round(_MAX_RULE_THICKNESS * px)))
    clean = gray.copy()
    clean[rule_pixels(h_mask, v_mask)] = 255
    ink = binarize(clean) > 0
    verticals = [sg for sg in segments if sg[0] == "v"]
    parts = [p for box in engine.detect(clean) for p in split_at_rules(box, verticals, ink)]
    glyphs = [
        box_glyph(spaced(b, ink), frame.box(*b.box_px), b.confidence)
        for b in engine.read(clean, parts) if b.text and b.confidence >= MIN_SCORE
    ]
    tables = ocr_tables(rule_edges(segments, frame), glyphs, page, settings)
    tables = [read_empty_cells(t, clean, ink, frame, engine) for t in tables]
    lines = []
    for line, _ in page_lines(glyphs, page, settings):
        lines.append(dataclasses.replace(
            line, text=fix_widths(line.text), in_table=any(inside(line, t) for t in tables)))
    return lines, tables


def read_empty_cells(table: Table, image: np.ndarray, ink: np.ndarray, frame: PageFrame, engine: OcrEngine) -> Table:
    """Cells left empty that still hold ink are read on their own.

    The detector misses short thin marks on a page (a lone `—` in an amount column); cut out
    alone, with the rules gone, the recogniser reads them, if unsurely: readings down to
    _MIN_MARK_SCORE are kept, with their confidence (validate/ocr_confidence.py warns about low ones).
    """
    crops, where = [], []
    for i, c in enumerate(table.cells):
        if c.text:
            continue
        x0, top, x1, bottom = (int(round(v)) for v in frame.pixels(c.x0, c.top, c.x1, c.bottom))
        inner = ink[top + _CELL_INSET:bottom - _CELL_INSET, x0 + _CELL_INSET:x1 - _CELL_INSET]
        if inner.sum() < _MIN_MARK_PX:
            continue
        ys, xs = np.nonzero(inner)
        px, py = _MARK_PAD
        crops.append((
            max(0, x0 + _CELL_INSET + xs.min() - px), max(0, top + _CELL_INSET + ys.min() - py),
            x0 + _CELL_INSET + xs.max() + 1 + px, top + _CELL_INSET + ys.max() + 1 + py,
        ))
        where.append(i)
    if not crops:
        return table
    cells = list(table.cells)
    for i, read in zip(where, engine.read(image, crops)):
        if read.text and read.confidence >= _MIN_MARK_SCORE:
            cells[i] = dataclasses.replace(cells[i], text=fix_widths(repair(read.text)), confidence=read.confidence)
    return dataclasses.replace(table, cells=cells)


def split_at_rules(box: Box, verticals: Sequence[Segment], ink: np.ndarray) -> list[Box]:
    """A detected line cut where a vertical rule crosses it, and where an ink gap wider than
    _CELL_GAP_EM line heights separates its text (the rule may be broken there): the detector
    joins text of neighbouring cells once the rule between them is painted out."""
    x0, top, x1, bottom = box
    mid = (top + bottom) / 2
    cuts = sorted(x for _, x, y0, _, y1 in verticals if y0 <= mid <= y1 and x0 < x < x1)
    height = max(1.0, _ink_height(box, ink))
    cuts += [(a + b) / 2 for a, b in _gaps(box, ink) if b - a >= _CELL_GAP_EM * height]
    out, left = [], x0
    for x in sorted(cuts) + [x1]:
        if x - left >= 2:
            part = (left, top, x, bottom)
            if _has_ink(part, ink):
                out.append(part)
        left = x
    return out


def spaced(box: OcrBox, ink: np.ndarray) -> str:
    """The box's text with spaces between CJK and digits / Latin letters re-decided from the ink.

    The recogniser drops or invents such spaces at random; here a space is a blank column run
    wider than _SPACE_EM line heights between the two characters' middles. Spaces between two
    digits or Latin letters stay as read (word spaces, which the recogniser reads well); between
    two CJK characters a space means nothing (cell-text repair drops it), and full-width
    punctuation carries its own blank.
    """
    if not box.centers:
        return box.text
    height = max(1.0, _ink_height(box.box_px, ink))
    gaps = _gaps(box.box_px, ink)
    read_spaces = _space_after(box.text)
    out = []
    for i, (ch, x) in enumerate(box.centers):
        if i:
            prev, px = box.centers[i - 1]
            if _narrow(prev) and _narrow(ch):
                space = i - 1 in read_spaces
            else:
                space = (
                    (_narrow(prev) or _narrow(ch))
                    and not (_full_width(prev) or _full_width(ch))
                    and any(b - a >= _SPACE_EM * height and px <= a and b <= x for a, b in gaps)
                )
            if space:
                out.append(" ")
        out.append(ch)
    return "".join(out)


def _space_after(text: str) -> set[int]:
    """Indexes (among the non-space characters of `text`) of characters followed by a space."""
    out, k = set(), -1
    for ch in text:
        if ch.isspace():
            out.add(k)
        else:
            k += 1
    return out


def _narrow(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "%.+-=<>")


def _full_width(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _columns(box: Box, ink: np.ndarray) -> tuple[int, np.ndarray]:
    x0, top, x1, bottom = (int(round(v)) for v in box)
    sub = ink[max(0, top):max(0, bottom), max(0, x0):max(0, x1)]
    return max(0, x0), sub.sum(axis=0) > 0


def _gaps(box: Box, ink: np.ndarray) -> list[tuple[int, int]]:
    """Blank column runs between inked columns of the box, as (first blank x, first inked x after)."""
    x0, cols = _columns(box, ink)
    inked = np.flatnonzero(cols)
    if len(inked) < 2:
        return []
    jumps = np.flatnonzero(np.diff(inked) > 1)
    return [(x0 + int(inked[j]) + 1, x0 + int(inked[j + 1])) for j in jumps]


def _has_ink(box: Box, ink: np.ndarray) -> bool:
    return bool(_columns(box, ink)[1].any())


def _ink_height(box: Box, ink: np.ndarray) -> float:
    x0, top, x1, bottom = (int(round(v)) for v in box)
    rows = np.flatnonzero(ink[max(0, top):max(0, bottom), max(0, x0):max(0, x1)].any(axis=1))
    return float(rows[-1] - rows[0] + 1) if len(rows) else 0.0


def ocr_page(page, number: int, settings: ExtractSettings = DEFAULT) -> tuple[list[TextLine], list[Table]]:
    """The read_document hook: OCR one pdfplumber page (1-based `number`)."""
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    dpi = render_dpi(x1 - x0, bottom - top, settings.ocr_dpi)
    if dpi < settings.ocr_dpi:
        warnings.warn(PageScaledDown(
            f"page {number} OCRed at {dpi:.0f} dpi, not {settings.ocr_dpi:g}: {x1 - x0:.0f} x"
            f" {bottom - top:.0f} pt is over the {MAX_PIXELS / 1e6:g} Mpx render budget"))
    gray = render_page(page, dpi)
    frame = PageFrame(scale=(x1 - x0) / gray.shape[1], x_offset=x0, y_offset=top)
    return read_image(gray, number, frame, settings)


__all__ = ["MAX_PIXELS", "PageScaledDown", "ocr_page", "read_image", "render_dpi", "render_page", "spaced",
           "split_at_rules", "warm_up"]
