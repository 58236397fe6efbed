"""Glyphs of pages that cannot hold a ruled table, read with pypdfium2 instead of pdfminer.

pdfminer spends most of read_document's time interpreting content streams; PDFium reads the same
text 10–25× faster. A page without any path object has no ruling lines, so ruled-table finding
has nothing to do there and only its glyphs are needed. They come out as pdfplumber-style char
dicts (text, x0, x1, top, bottom, size; PDF points, top-left origin) so the rest of the stage
(lines, unruled tables, captions) runs on them unchanged.
"""
from __future__ import annotations

import math

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.cell_text import Char, dedupe_chars

# Object types that send a page down the pdfplumber path: paths may be ruling lines, images may
# make it a scan (OCR needs the pdfplumber page).
_SLOW_OBJECTS = (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING)
_FORM_DEPTH = 8  # form XObjects nest; rules drawn inside a form count as the page's own


def text_only(page: pdfium.PdfPage) -> bool:
    """The page draws nothing but text: no path (so no ruling line), image or shading."""
    return not any(obj.type in _SLOW_OBJECTS for obj in page.get_objects(max_depth=_FORM_DEPTH))


def page_chars(page: pdfium.PdfPage, dedupe_tolerance: float) -> list[Char]:
    """The page's glyphs as pdfplumber-style char dicts, fake-bold duplicates removed."""
    textpage = page.get_textpage()
    try:
        height = page.get_height()
        left, bottom = page.get_cropbox()[:2]  # pdfplumber measures from the crop box's top-left
        top_edge = bottom + height
        n = raw.FPDFText_CountChars(textpage)
        rect, matrix = raw.FS_RECTF(), raw.FS_MATRIX()
        chars: list[Char] = []
        for i in range(n):
            if raw.FPDFText_IsGenerated(textpage, i) == 1:  # PDFium's own spaces and line breaks
                continue
            code = raw.FPDFText_GetUnicode(textpage, i)
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue  # surrogate halves and unmapped glyphs carry no text
            if not raw.FPDFText_GetLooseCharBox(textpage, i, rect):
                continue
            x0, x1 = rect.left - left, rect.right - left
            if x1 <= x0 and chr(code).isspace():
                continue
            # pdfminer's size is the font size scaled by the text and graphics matrices, and its
            # glyph box is one size tall above the descent line (PDFium's bottom edge)
            raw.FPDFText_GetMatrix(textpage, i, matrix)
            size = abs(raw.FPDFText_GetFontSize(textpage, i) * math.hypot(matrix.c, matrix.d))
            bottom_y = top_edge - rect.bottom
            chars.append({
                "text": chr(code), "x0": x0, "x1": x1, "top": bottom_y - size, "bottom": bottom_y, "size": size,
            })
    finally:
        textpage.close()
    return dedupe_chars(chars, dedupe_tolerance)
