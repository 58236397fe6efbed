"""read_document: one PDF → Document (tables with cells, running text lines, warnings).

The PDF is opened once and every page is closed right after use, so memory stays flat over
long batches. Pages whose glyphs and ruling lines PDFium can give as pdfminer would (no curves or
shadings, and text: an image with next to no text may be a scan; see extract/pdfium/) are read
with pypdfium2 instead of pdfminer, which is most of the cost. Pages without a text layer
are listed in Document.pages_without_text (and warnings) and go through OCR (extract/ocr/page.py by
default; `ocr_page` plugs in another, None turns OCR off).
"""
from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from extract import captions, furniture
from extract.pdfium import clips, glyphs, page as pdfium_page, rules
from extract.cell_text import dedupe_chars
from extract.errors import CorruptPdfError, EmptyFileError, EncryptedPdfError, ExtractError, NotPdfError
from extract.lines import box, inside, page_lines
from extract.model import Document, Table, TextLine
from extract.ruled import find_ruled_tables, open_columns, page_band, page_edges
from extract.settings import DEFAULT, ExtractSettings
from extract.stitch import Piece, stitch
from extract.unruled import find_unruled_tables

# Hook for the OCR stage: called with (pdfplumber page, 1-based page number) for a page without a
# text layer; returns that page's lines and tables. None = no OCR (the page stays empty).
OcrPage = Callable[[object, int], tuple[list[TextLine], list[Table]]]
AUTO_OCR = "auto"  # read_document's default hook: extract.ocr.page, imported only when a scan turns up


def _default_ocr(settings: ExtractSettings) -> OcrPage:
    def hook(page, number: int):
        from extract.ocr.page import ocr_page  # OpenCV and onnxruntime load only for scans

        return ocr_page(page, number, settings)

    return hook

_HEADER_WINDOW = 1024  # the %PDF- marker must appear within the first KiB (spec allows leading junk)


def check_file(path: Path) -> None:
    """Refuse what is plainly not a readable PDF before handing it to the parser."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEADER_WINDOW)
    except FileNotFoundError:
        raise NotPdfError(str(path), "file not found") from None
    except OSError as exc:
        raise NotPdfError(str(path), f"cannot read file ({exc.strerror or exc})") from None
    if not head:
        raise EmptyFileError(str(path), "file is empty (0 bytes)")
    if b"%PDF-" not in head:
        raise NotPdfError(str(path), "no %PDF- header; this is not a PDF file")


def _open(path: Path):
    try:
        pdf = pdfplumber.open(path)
        n = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        # pdfplumber wraps pdfminer's errors: the real one is the first argument
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdfError(str(path), "the PDF is encrypted and needs a password") from None
        detail = str(cause) or type(cause).__name__
        raise CorruptPdfError(str(path), f"cannot parse the PDF ({detail})") from None
    if n == 0:
        pdf.close()
        raise CorruptPdfError(str(path), "the PDF has no pages (truncated or damaged)")
    return pdf


def _position_flags(
    tables: list[Table], lines: list[TextLine], height: float, open_spans: list, settings: ExtractSettings
) -> list[Piece]:
    """Whether each table is the first / last thing on its page (margins and page numbers ignored)."""
    margin = settings.page_margin_ratio * height

    def counts(ln: TextLine) -> bool:
        return (
            not ln.in_table
            and margin <= ln.top
            and ln.bottom <= height - margin
            and len(ln.text.replace(" ", "")) > settings.short_line_chars
        )

    pieces = []
    for i, t in enumerate(tables):
        _, top, _, bottom = box(t)
        at_top = i == 0 and not any(counts(ln) and ln.bottom <= top + 1 for ln in lines)
        at_bottom = i == len(tables) - 1 and not any(counts(ln) and ln.top >= bottom - 1 for ln in lines)
        pieces.append(Piece(t, at_top=at_top, at_bottom=at_bottom, open_spans=open_spans[i]))
    return pieces


def _open_pdfium(path: Path):
    """PDFium's view of the file for the fast path; None (all pages via pdfplumber) if
    PDFium cannot read it."""
    try:
        return pdfium.PdfDocument(str(path))
    except Exception:  # pdfium.PdfiumError and ctypes errors: pdfplumber decides what is wrong
        return None


def _fast_page(fast, index: int, number: int, settings: ExtractSettings):
    """_read_page's result from PDFium's glyphs and rules; None if the page needs pdfplumber
    (or may be a scan: an image and next to no text)."""
    if fast is None:
        return None
    page = fast[index]
    try:
        try:
            objects = pdfium_page.page_objects(page)  # one walk for the rules and the glyphs
            edges = rules.page_edges(page, settings, objects)
            if edges is None:
                return None
            chars = glyphs.page_chars(page, settings.dedupe_tolerance, objects)
        except Exception:
            return None  # PDFium stumbled on this page: pdfplumber reads it as before
        if not chars:
            return None  # nothing to read cheaply; pdfplumber decides (and OCR if it is a scan)
        quick = _lines_and_tables(edges, chars, number, settings, clips.clip_test(page, objects))
    finally:
        page.close()
    pictured = any(kind == pdfium_raw.FPDF_PAGEOBJ_IMAGE for _, kind, _ in objects)
    if pictured and _may_be_a_scan(quick[0], settings):
        return None  # read_document's scan test decides, on pdfplumber's view of the page
    return quick


def _may_be_a_scan(lines: list[TextLine], settings: ExtractSettings) -> bool:
    """For a page with an image: (almost) no text layer, so the picture may be the page."""
    return sum(len(ln.text) for ln in lines) < settings.ocr_min_chars


def read_document(
    path: str | Path, settings: ExtractSettings = DEFAULT, ocr_page: OcrPage | str | None = AUTO_OCR
) -> Document:
    """Extract every table and text line of a PDF. Raises ExtractError (one-line message) on bad input."""
    path = Path(path)
    if ocr_page == AUTO_OCR:
        ocr_page = _default_ocr(settings)
    check_file(path)
    pdf = _open(path)
    doc = Document(path=str(path), page_count=len(pdf.pages))
    fast = _open_pdfium(path)
    if fast is not None and len(fast) != doc.page_count:
        fast.close()  # the two parsers disagree about the file: trust pdfplumber alone
        fast = None
    pieces: list[Piece] = []
    section: str | None = None
    heights: dict[int, float] = {}
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                quick = _fast_page(fast, number - 1, number, settings)
                if quick is not None:
                    lines, tables, open_spans = quick
                else:
                    lines, tables, open_spans = _read_page(page, number, settings)
                if quick is None and page.images and _may_be_a_scan(lines, settings):
                    doc.pages_without_text.append(number)  # a scan: (almost) no text layer, a picture
                    if ocr_page is not None:
                        with warnings.catch_warnings(record=True) as said:  # e.g. a page scaled down
                            warnings.simplefilter("always", UserWarning)
                            lines, tables = ocr_page(page, number)
                        doc.warnings.extend(str(w.message) for w in said
                                            if type(w.message).__name__ == "PageScaledDown")
                        open_spans = [()] * len(tables)
            except ExtractError:
                raise
            except Exception as exc:
                raise CorruptPdfError(str(path), f"page {number} cannot be read ({type(exc).__name__}: {exc})") from None
            finally:
                page.close()
            lines = furniture.off_page(lines, float(page.height))
            tables, section = captions.describe(tables, lines, section, settings)
            pieces.extend(_position_flags(tables, lines, float(page.height), open_spans, settings))
            heights[number] = float(page.height)
            doc.lines.extend(lines)
    finally:
        pdf.close()
        if fast is not None:
            fast.close()
    doc.tables = stitch(pieces, settings)
    doc.lines = furniture.mark(doc.lines, heights, settings)  # headers, footers, page numbers: not prose
    empty = doc.pages_without_text
    if empty:
        done = "OCRed" if ocr_page is not None else "needs OCR"
        doc.warnings.insert(0, f"no text layer on pages {', '.join(map(str, empty))} (scanned; {done})")
        if ocr_page is not None:
            doc.text_source = "ocr" if len(empty) == doc.page_count else "mixed"
    return doc


def _read_page(page, number: int, settings: ExtractSettings):
    """Lines, (unstitched) tables top to bottom, and per table the x spans of last-row cells
    whose text may continue on the next page."""
    chars = dedupe_chars(page.chars, settings.dedupe_tolerance)
    return _lines_and_tables(page_edges(page, settings), chars, number, settings)


def _lines_and_tables(edges: list[dict], chars: list, number: int, settings: ExtractSettings,
                      clipped: Callable[[dict], bool] | None = None):
    """_read_page on a page's edges and glyphs, from pdfplumber or PDFium. `clipped` (PDFium's clip
    paths): when a line outside the ruled tables is clipped away whole, the page is an export that
    clips its cells' text, and it is read again from the glyphs a reader sees; the unseen lines
    stay, as furniture."""
    with_chars = page_lines(chars, number, settings)
    tables = find_ruled_tables(edges, chars, number, settings)
    in_ruled = [any(inside(ln, t) for t in tables) for ln, _ in with_chars]
    if clipped is not None:
        unseen = [ln for (ln, cs), ruled_line in zip(with_chars, in_ruled)
                  if not ruled_line and all(map(clipped, cs))]
        if unseen:
            lines, tables, open_spans = _lines_and_tables(edges, [c for c in chars if not clipped(c)], number, settings)
            unseen = [dataclasses.replace(ln, furniture=True) for ln in unseen]
            return sorted(lines + unseen, key=lambda ln: (ln.top, ln.x0)), tables, open_spans
    free = [ch for (_, cs), ruled_line in zip(with_chars, in_ruled) if not ruled_line for ch in cs]
    unruled = find_unruled_tables(free, number, settings)
    tables += unruled
    tables.sort(key=lambda t: box(t)[1])
    lines = [  # page_lines' lines are not in_table; only those inside a table are copied
        dataclasses.replace(ln, in_table=True) if ruled_line or any(inside(ln, t) for t in unruled) else ln
        for (ln, _), ruled_line in zip(with_chars, in_ruled)
    ]
    open_spans = []
    band = page_band(chars) if any(t.strategy == "ruled" for t in tables) else None
    for t in tables:
        cols = open_columns(t, chars, settings, band) if t.strategy == "ruled" else frozenset()
        last = t.n_rows - 1
        open_spans.append(tuple(
            (c.x0, c.x1) for c in t.cells if c.col in cols and c.row + c.row_span - 1 == last
        ))
    return lines, tables, open_spans
