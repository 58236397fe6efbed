"""Glyphs of a page read with PDFium (pypdfium2) instead of pdfminer.

pdfminer spends most of read_document's time interpreting content streams; PDFium reads the same
text 10–25× faster. The glyphs come out as pdfplumber-style char dicts (text, x0, x1, top,
bottom, size; PDF points, top-left origin of the MediaBox) so the rest of the stage (lines,
tables, captions) runs on them unchanged; with extract/pdfium/rules.py giving the ruling lines,
a page needs pdfminer only when one of the two cannot mirror it.

Where PDFium's text and pdfminer's part: PDFium leaves out the glyph of a text object that
holds only spaces (LibreOffice draws one between runs of two fonts) and puts a generated space or
line break there, as it does at plain word gaps. `_restore_spaces` tells the two apart by that
object and puts pdfminer's space back; tests/test_extract_fast_path.py compares glyph for glyph.
"""
from __future__ import annotations

import ctypes
import math
from collections.abc import Iterable

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.cell_text import Char, dedupe_chars
from extract.pdfium.page import PageObject, PlumberFrame, apply, int_proto, page_objects

Blanks = dict[int, list[tuple[float, float]]]  # whole point of height → x spans of space-only objects
_SPACE_SNAP = 1.0  # points between a space-only text object and the space or break PDFium puts there


def page_chars(page: pdfium.PdfPage, dedupe_tolerance: float,
               objects: list[PageObject] | None = None) -> list[Char]:
    """The page's glyphs as pdfplumber-style char dicts, fake-bold duplicates removed
    (`objects`: the page's page_objects, if the caller has them already)."""
    frame = PlumberFrame.of(page)
    textpage = page.get_textpage()
    try:
        chars, breaks, drawn = _read_chars(textpage, frame)
        if breaks:
            blanks = _blank_objects(page_objects(page) if objects is None else objects, drawn, frame)
            chars = _restore_spaces(chars, breaks, blanks)
    finally:
        textpage.close()
    return dedupe_chars(chars, dedupe_tolerance)


_GENERATED = frozenset((0x20, 0x0D, 0x0A))  # what PDFium adds of its own: spaces and line breaks
_text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value)  # as an address, to compare
# the same functions taking plain integers (handle, index, address of an FS_RECTF): no argument
# conversion per call, and each box lands in one numpy buffer
_loose_box = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
    ctypes.cast(raw.FPDFText_GetLooseCharBox, ctypes.c_void_p).value)
_bounds = int_proto("FPDFPageObj_GetBounds", ctypes.c_int, *[ctypes.c_void_p] * 5)
_is_generated = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(raw.FPDFText_IsGenerated, ctypes.c_void_p).value)
# asked once a text object (on many pages every word or glyph is one): pypdfium2's own bindings
# convert their arguments at ~3 µs a call
_font_size = int_proto("FPDFText_GetFontSize", ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
_char_matrix = int_proto("FPDFText_GetMatrix", ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)


def _size(handle: int, i: int, matrix: raw.FS_MATRIX, at: int) -> float:
    """pdfminer's size of glyph i: the font size scaled by the text and graphics matrices (its
    glyph box is one size tall above the descent line, PDFium's bottom edge). `at`: the address
    of `matrix`, which the call fills."""
    _char_matrix(handle, i, at)
    return abs(_font_size(handle, i) * math.hypot(matrix.c, matrix.d))


def _read_chars(textpage, frame: PlumberFrame) -> tuple[list[Char], list[tuple[int, tuple]], set[int]]:
    """The glyphs in PDFium's text order; where PDFium put a space or line break of its own, the
    position in that list and the box; the text objects that gave glyphs (addresses).

    The ctypes calls a glyph needs (its loose box, its text object) run in two tight loops into
    arrays, the boxes move to page coordinates as arrays; only the glyphs kept become dicts."""
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return [], [], set()
    units = (ctypes.c_ushort * (n + 1))()
    raw.FPDFText_GetText(textpage, 0, n, units)  # one call for every code (UTF-16, one unit a char)
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    raw_boxes = np.zeros((n, 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
    base, loose = raw_boxes.ctypes.data, _loose_box
    found = [loose(handle, i, base + 16 * i) for i in range(n)]
    codes = np.frombuffer(units, dtype=np.uint16, count=n).astype(np.int64)
    odd = np.flatnonzero(((codes >= 0xD800) & (codes <= 0xDFFF)) | (codes == 0xFFFE)).tolist()
    for i in odd:  # a non-BMP glyph, or PDFium's hyphen mark
        codes[i] = raw.FPDFText_GetUnicode(textpage, i)
    codes[codes == 0x02] = 0x2D  # PDFium reports some hyphens as its 0x02 hyphen marker
    wanted = ~((codes == 0) | (codes == 0xFFFE) | (codes == 0xFFFF) | ((codes >= 0xD800) & (codes <= 0xDFFF)))
    wanted &= np.array(found, dtype=bool)  # surrogate halves and unmapped glyphs carry no text
    left, top_, right, bottom_ = (raw_boxes[:, k].astype(np.float64) for k in range(4))
    if frame.rotation == 0:
        return _unrotated(textpage, handle, frame, codes, wanted, left, top_, right, bottom_)
    # a rotated page: each box through the frame's rotation
    xs0, ys0, xs1, ys1 = left.tolist(), bottom_.tolist(), right.tolist(), top_.tolist()
    page_box = frame.box
    text_object = _text_object
    matrix = raw.FS_MATRIX()
    at = ctypes.addressof(matrix)
    chars: list[Char] = []
    breaks: list[tuple[int, tuple]] = []
    drawn: set[int] = set()
    last_object, size = None, 0.0
    codes_list = codes.tolist()
    for i in np.flatnonzero(wanted).tolist():
        code = codes_list[i]
        box = page_box(xs0[i], ys0[i], xs1[i], ys1[i])
        if code in _GENERATED and _is_generated(handle, i) == 1:
            if chars:
                breaks.append((len(chars), box))
            continue
        x0, _, x1, bottom = box
        if x1 <= x0 and chr(code).isspace():
            continue
        obj = text_object(handle, i)
        if obj != last_object:  # one font size and matrix per text object
            drawn.add(obj)
            size = _size(handle, i, matrix, at)
            last_object = obj
        chars.append({"text": chr(code), "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom, "size": size,
                      "object": obj})
    return chars, breaks, drawn


def _unrotated(textpage, handle: int, frame: PlumberFrame, codes: np.ndarray, wanted: np.ndarray,
               left: np.ndarray, top: np.ndarray, right: np.ndarray, bottom: np.ndarray):
    """_read_chars' loop for an unrotated page (most pages), as array passes: which glyphs PDFium
    generated (asked only of spaces and line breaks), which are zero-width whitespace, where the
    breaks fall among the glyphs kept; then one tight loop of text-object calls over the kept ones."""
    cx0, _, _, cy1 = frame.media
    x0s, tops, x1s, bottoms = left - cx0, cy1 - top, right - cx0, cy1 - bottom
    candidates = np.flatnonzero(wanted)
    c = codes[candidates]
    spaces = candidates[(c == 0x20) | (c == 0x0D) | (c == 0x0A)].tolist()
    generated = [i for i in spaces if _is_generated(handle, i) == 1]
    keep = wanted.copy()
    keep[generated] = False
    flat = candidates[x1s[candidates] <= x0s[candidates]].tolist()
    keep[[i for i in flat if keep[i] and chr(codes[i]).isspace()]] = False
    kept = np.flatnonzero(keep)
    at = np.searchsorted(kept, generated).tolist() if generated else []  # glyphs kept before each
    box = (x0s.tolist(), tops.tolist(), x1s.tolist(), bottoms.tolist()) if generated else None
    breaks = [(k, (box[0][g], box[1][g], box[2][g], box[3][g])) for k, g in zip(at, generated) if k > 0]
    kept_list = kept.tolist()
    text_object = _text_object
    objects = [text_object(handle, i) for i in kept_list]
    matrix = raw.FS_MATRIX()
    at = ctypes.addressof(matrix)
    sizes: list[float] = []
    last_object, size = None, 0.0
    for i, obj in zip(kept_list, objects):
        if obj != last_object:  # one font size and matrix per text object
            size = _size(handle, i, matrix, at)
            last_object = obj
        sizes.append(size)
    chars = [{"text": chr(code), "x0": a, "x1": b, "top": bt - sz, "bottom": bt, "size": sz, "object": obj}
             for code, a, b, bt, sz, obj in zip(codes[kept].tolist(), x0s[kept].tolist(), x1s[kept].tolist(),
                                                bottoms[kept].tolist(), sizes, objects)]
    return chars, breaks, set(objects)


def _restore_spaces(chars: list[Char], breaks: list[tuple[int, tuple]], blanks: Blanks) -> list[Char]:
    """PDFium puts its own spaces at word gaps and line breaks at line ends, where pdfminer has no
    glyph (LibreOffice's autospace between Han and digits is such a gap), but also in place of a
    space glyph drawn as a text object of its own, which pdfminer keeps (and a space ending a
    cell's line tells a word wrap from a cut number): a space goes back there only."""
    if not blanks:
        return chars
    out: list[Char] = []
    done = 0
    for at, box in breaks:
        out.extend(chars[done:at])
        done = at
        if out[-1]["text"] != " " and _on_blank_object(box, blanks):
            out.append(_space_after(out[-1], box[0], chars[at]["x0"] if at < len(chars) else float("inf")))
    out.extend(chars[done:])
    return out


def _blank_objects(objects: Iterable[PageObject], drawn: set[int], frame: PlumberFrame) -> Blanks:
    """The text objects that gave PDFium's text page no glyph (they hold only spaces), by the
    points of height they cover, so a lookup costs the same on a page of thousands of them."""
    out: Blanks = {}
    texts = [(obj, to_page) for obj, kind, to_page in objects if kind == raw.FPDF_PAGEOBJ_TEXT]
    if len(texts) <= len(drawn):
        return out  # every text object gave glyphs (most producers' pages)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    at = [ctypes.addressof(v) for v in (left, bottom, right, top)]
    for obj, to_page in texts:
        if obj in drawn:
            continue
        if not _bounds(obj, *at):
            continue
        xs, ys = zip(*(apply(to_page, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)))
        x0, y0, x1, y1 = frame.box(min(xs), min(ys), max(xs), max(ys))
        for y in range(math.floor(y0 - _SPACE_SNAP), math.floor(y1 + _SPACE_SNAP) + 1):
            out.setdefault(y, []).append((x0 - _SPACE_SNAP, x1 + _SPACE_SNAP))
    return out


def _on_blank_object(space: tuple[float, float, float, float], blanks: Blanks) -> bool:
    x, _, _, bottom = space
    return any(x0 <= x <= x1 for x0, x1 in blanks.get(math.floor(bottom), ()))


def _space_after(prev: Char, x0: float, next_x0: float) -> Char:
    """A space glyph at x0 on prev's line, as wide as the gap to the next glyph (¼ em if that one
    is not just to its right: pdfminer's space advance is about that)."""
    x1 = next_x0 if x0 <= next_x0 <= x0 + prev["size"] / 2 else x0 + prev["size"] / 4
    return {"text": " ", "x0": x0, "x1": x1, "top": prev["top"], "bottom": prev["bottom"], "size": prev["size"]}
