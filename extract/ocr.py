"""Scanned pages: render, straighten, OCR, and rebuild tables and text lines in PDF points.

`ocr_page(page, number)` is the hook read_document calls for a page without usable text; it
returns the page's lines and tables as the text path does, so captions, stitching and everything
downstream work unchanged. Cells carry their OCR confidence. Coordinates are PDF points of the
page, in the straightened frame (the page rotated about its centre by the skew found, a fraction
of a degree: boxes move by at most a few points, and table columns stay vertical for stitching).
"""
from __future__ import annotations

import numpy as np

from extract import ocr_engine
from extract.lines import inside, page_lines
from extract.model import Table, TextLine
from extract.ocr_grid import (
    PageFrame, binarize, box_glyph, ocr_tables, px_per_point, rotate, rule_edges, rule_masks, rule_pixels,
    skew_angle,
)
from extract.ocr_engine import OcrEngine
from extract.settings import DEFAULT, ExtractSettings

_MAX_RULE_THICKNESS = 3.0  # points; a thicker straight blob is shading or a picture, not a rule
_WARNING_TEXT_CHARS = 30  # cell text quoted in a warning is cut to this many characters


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
    ink = binarize(gray)
    angle = skew_angle(ink, settings.ocr_max_skew)
    gray = rotate(gray, angle)
    px = 1.0 / frame.scale  # pixels per point
    h_mask, v_mask = rule_masks(binarize(gray, light=True), max(8, round(settings.ocr_rule_min_length * px)))
    edges = rule_edges(h_mask, v_mask, frame, max(2, round(_MAX_RULE_THICKNESS * px)))
    clean = gray.copy()
    clean[rule_pixels(h_mask, v_mask)] = 255
    glyphs = [box_glyph(b.text, frame.box(*b.box_px), b.confidence) for b in engine.recognize(clean)]
    tables = ocr_tables(edges, glyphs, page, settings)
    lines = []
    for line, _ in page_lines(glyphs, page, settings):
        lines.append(TextLine(
            page=line.page, text=line.text, x0=line.x0, top=line.top, x1=line.x1, bottom=line.bottom,
            size=line.size, in_table=any(inside(line, t) for t in tables),
        ))
    return lines, tables


def ocr_page(page, number: int, settings: ExtractSettings = DEFAULT) -> tuple[list[TextLine], list[Table]]:
    """The read_document hook: OCR one pdfplumber page (1-based `number`)."""
    gray = render_page(page, settings.ocr_dpi)
    x0, top, x1, _ = (float(v) for v in page.bbox)
    frame = PageFrame(scale=(x1 - x0) / gray.shape[1], x_offset=x0, y_offset=top)
    return read_image(gray, number, frame, settings)


def low_confidence_warnings(tables: list[Table], settings: ExtractSettings = DEFAULT) -> list[str]:
    """One `ocr_low_confidence` warning per OCR cell read below the threshold, naming page and text."""
    out = []
    for t in tables:
        for c in t.cells:
            if c.confidence is not None and c.confidence < settings.ocr_low_confidence:
                text = c.text if len(c.text) <= _WARNING_TEXT_CHARS else c.text[:_WARNING_TEXT_CHARS] + "…"
                out.append(
                    f"ocr_low_confidence: page {c.page} row {c.row} col {c.col} "
                    f"confidence {c.confidence:.2f}: {text}"
                )
    return out


__all__ = ["low_confidence_warnings", "ocr_page", "read_image", "render_page", "warm_up", "px_per_point"]
