"""Glyphs of a page read with pypdfium2 instead of pdfminer.

pdfminer spends most of read_document's time interpreting content streams; PDFium reads the same
text 10–25× faster. The glyphs come out as pdfplumber-style char dicts (text, x0, x1, top,
bottom, size; PDF points, top-left origin of the crop box) so the rest of the stage (lines,
tables, captions) runs on them unchanged; with extract/fast_rules.py giving the ruling lines,
a page needs pdfminer only when one of the two cannot mirror it.
"""
from __future__ import annotations

import math

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.cell_text import Char, dedupe_chars

_FORM_DEPTH = 8  # form XObjects nest
_SPACE_SNAP = 1.0  # points between a text object's inked right edge and PDFium's space after it


def page_chars(page: pdfium.PdfPage, dedupe_tolerance: float) -> list[Char] | None:
    """The page's glyphs as pdfplumber-style char dicts, fake-bold duplicates removed; None when
    PDFium's text may differ from pdfminer's (see the generated spaces below)."""
    textpage = page.get_textpage()
    try:
        height = page.get_height()
        left, bottom = page.get_cropbox()[:2]  # pdfplumber measures from the crop box's top-left
        top_edge = bottom + height
        n = raw.FPDFText_CountChars(textpage)
        spaced_ends = None
        rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
        chars: list[Char] = []
        for i in range(n):
            code = raw.FPDFText_GetUnicode(textpage, i)
            generated = raw.FPDFText_IsGenerated(textpage, i) == 1
            if generated and code != 0x20:  # PDFium's own line breaks
                continue
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue  # surrogate halves and unmapped glyphs carry no text
            if not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
                continue
            x0, x1 = rect.left - left, rect.right - left
            # pdfminer's size is the font size scaled by the text and graphics matrices, and its
            # glyph box is one size tall above the descent line (PDFium's bottom edge)
            raw.FPDFText_GetMatrix(textpage, i, matrix)
            size = abs(raw.FPDFText_GetFontSize(textpage, i) * math.hypot(matrix.c, matrix.d))
            bottom_y = top_edge - rect.bottom
            if generated:
                # PDFium marks its own spaces at word gaps (pdfminer has no glyph there), but
                # also puts one in place of the space glyph ending some text objects (`补贴 `
                # before `110 `), whose advance is lost: pdfminer reads such a page.
                if not chars or not _glyph_follows(textpage, i + 1, n, rect, chars[-1]["size"]):
                    continue  # ends a line or a cell: a space glyph there changes no text
                if spaced_ends is None:
                    spaced_ends = _spaced_ends(page, textpage)
                if _ends_a_spaced_object(rect, spaced_ends):
                    return None
                continue
            if x1 <= x0 and chr(code).isspace():
                continue
            chars.append({
                "text": chr(code), "x0": x0, "x1": x1, "top": bottom_y - size, "bottom": bottom_y, "size": size,
            })
    finally:
        textpage.close()
    return dedupe_chars(chars, dedupe_tolerance)


def _spaced_ends(page: pdfium.PdfPage, textpage) -> list[tuple[float, float, float]]:
    """(right, bottom, top) of each text object whose text ends with a space, in PDF space."""
    out = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=_FORM_DEPTH, textpage=textpage):
        try:
            text = obj.extract()
        except pdfium.PdfiumError:
            continue
        if text.endswith(" "):
            _, bottom, right, top = obj.get_bounds()
            out.append((right, bottom, top))
    return out


def _ends_a_spaced_object(rect, spaced_ends: list[tuple[float, float, float]]) -> bool:
    return any(
        abs(rect.left - right) <= _SPACE_SNAP and bottom - _SPACE_SNAP <= rect.bottom <= top + _SPACE_SNAP
        for right, bottom, top in spaced_ends
    )


def _glyph_follows(textpage, start: int, n: int, space, size: float) -> bool:
    """A glyph comes next on the same line, within one font size of the space."""
    rect = raw.FS_RECTF()
    for j in range(start, n):
        if raw.FPDFText_IsGenerated(textpage, j) == 1:
            continue
        if not raw.FPDFText_GetLooseCharBox(textpage, j, rect):
            return False
        return abs(rect.bottom - space.bottom) < size / 2 and 0 <= rect.left - space.left <= size
    return False
