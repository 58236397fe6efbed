"""Glyphs of a page read with pypdfium2 instead of pdfminer.

pdfminer spends most of read_document's time interpreting content streams; PDFium reads the same
text 10–25× faster. The glyphs come out as pdfplumber-style char dicts (text, x0, x1, top,
bottom, size; PDF points, top-left origin of the crop box) so the rest of the stage (lines,
tables, captions) runs on them unchanged; with extract/fast_rules.py giving the ruling lines,
a page needs pdfminer only when one of the two cannot mirror it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.cell_text import Char, dedupe_chars

FORM_DEPTH = 8  # form XObjects nest: objects this deep inside forms are still the page's
_SPACE_SNAP = 1.0  # points between a text object's inked right edge and PDFium's space after it


@dataclass(frozen=True)
class PlumberFrame:
    """PDF user space → pdfplumber's page coordinates: origin at the crop box's top-left corner,
    y downwards, the page's /Rotate applied as pdfminer applies it."""

    crop: tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space
    rotation: int = 0

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> PlumberFrame:
        return cls(tuple(page.get_cropbox()), page.get_rotation())

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) of a point."""
        x0, y0, x1, y1 = self.crop
        if self.rotation == 90:
            return y - y0, x - x0
        if self.rotation == 180:
            return x1 - x, y - y0
        if self.rotation == 270:
            return y1 - y, x1 - x
        return x - x0, y1 - y

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a rectangle."""
        (ax, at), (bx, bt) = self.point(left, bottom), self.point(right, top)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)


def page_chars(page: pdfium.PdfPage, dedupe_tolerance: float) -> list[Char] | None:
    """The page's glyphs as pdfplumber-style char dicts, fake-bold duplicates removed; None when
    PDFium's text may differ from pdfminer's (see the generated spaces below)."""
    frame = PlumberFrame.of(page)
    textpage = page.get_textpage()
    try:
        n = raw.FPDFText_CountChars(textpage)
        spaced_ends = None
        matrix = raw.FS_MATRIX()
        chars: list[Char] = []
        for i in range(n):
            code = raw.FPDFText_GetUnicode(textpage, i)
            if code == 0x02:
                code = 0x2D  # PDFium reports some hyphens as its 0x02 hyphen marker
            generated = raw.FPDFText_IsGenerated(textpage, i) == 1
            if generated and code != 0x20:  # PDFium's own line breaks
                continue
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue  # surrogate halves and unmapped glyphs carry no text
            box = _char_box(textpage, i, frame)
            if box is None:
                continue
            x0, _, x1, bottom = box
            if generated:
                # PDFium marks its own spaces at word gaps (pdfminer has no glyph there), but
                # also puts one in place of the space glyph ending some text objects (`补贴 `
                # before `110 `), whose advance is lost: pdfminer reads such a page.
                if not chars or not _glyph_follows(textpage, i + 1, n, box, chars[-1]["size"], frame):
                    continue  # ends a line or a cell: a space glyph there changes no text
                if spaced_ends is None:
                    spaced_ends = _spaced_ends(page, textpage, frame)
                if _ends_a_spaced_object(box, spaced_ends):
                    return None
                continue
            if x1 <= x0 and chr(code).isspace():
                continue
            # pdfminer's size is the font size scaled by the text and graphics matrices, and its
            # glyph box is one size tall above the descent line (PDFium's bottom edge)
            raw.FPDFText_GetMatrix(textpage, i, matrix)
            size = abs(raw.FPDFText_GetFontSize(textpage, i) * math.hypot(matrix.c, matrix.d))
            chars.append({"text": chr(code), "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom, "size": size})
    finally:
        textpage.close()
    return dedupe_chars(chars, dedupe_tolerance)


def _char_box(textpage, i: int, frame: PlumberFrame) -> tuple[float, float, float, float] | None:
    rect = raw.FS_RECTF()
    if not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
        return None
    return frame.box(rect.left, rect.bottom, rect.right, rect.top)


def _spaced_ends(page: pdfium.PdfPage, textpage, frame: PlumberFrame) -> list[tuple[float, float, float]]:
    """(right, top, bottom) of each text object whose text ends with a space."""
    out = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=FORM_DEPTH, textpage=textpage):
        try:
            text = obj.extract()
        except pdfium.PdfiumError:
            continue
        if text.endswith(" "):
            _, top, right, bottom = frame.box(*obj.get_bounds())
            out.append((right, top, bottom))
    return out


def _ends_a_spaced_object(space: tuple[float, float, float, float], spaced_ends: list[tuple[float, float, float]]) -> bool:
    x0, _, _, bottom = space
    return any(
        abs(x0 - right) <= _SPACE_SNAP and top - _SPACE_SNAP <= bottom <= end + _SPACE_SNAP
        for right, top, end in spaced_ends
    )


def _glyph_follows(textpage, start: int, n: int, space: tuple, size: float, frame: PlumberFrame) -> bool:
    """A glyph comes next on the same line, within one font size of the space."""
    for j in range(start, n):
        if raw.FPDFText_IsGenerated(textpage, j) == 1:
            continue
        box = _char_box(textpage, j, frame)
        if box is None:
            return False
        return abs(box[3] - space[3]) < size / 2 and 0 <= box[0] - space[0] <= size
    return False
