"""Which glyphs a clipping path hides. Spreadsheet exports draw a cell's whole text and clip it to
the cell: the part that overflows (a long 绩效目标 continued past a page break, a merged label
drawn at the middle of rows split over two pages) sits outside every table, where it reads as a
caption, a heading or prose though no reader sees it (北京's 项目支出绩效目标表, 西安's 绩效目标表).

Only the glyphs of lines outside the ruled tables are asked about, and a page's every glyph
only when one of those lines is wholly clipped (a page of such an export), so the PDFium calls
stay few: a text object's clip path is read once, as the intersection of the boxes of its paths
(a box holds its path, so a glyph outside it is surely clipped)."""
from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.cell_text import Char
from extract.pdfium.page import IDENTITY, PageObject, PlumberFrame, int_proto

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in pdfplumber's page coordinates

_P, _INT = ctypes.c_void_p, ctypes.c_int
_clip_of = int_proto("FPDFPageObj_GetClipPath", _P, _P)
_count_paths = int_proto("FPDFClipPath_CountPaths", _INT, _P)
_count_segments = int_proto("FPDFClipPath_CountPathSegments", _INT, _P, _INT)
_segment = int_proto("FPDFClipPath_GetPathSegment", _P, _P, _INT, _INT)
_point = int_proto("FPDFPathSegment_GetPoint", _INT, _P, _P, _P)

SLACK = 1.0  # points a glyph's middle may stray past its clip box (rounding of the export)


def clip_box(obj: int, frame: PlumberFrame) -> Box | None:
    """The box a text object is clipped to, in page coordinates; None if it has no clip path."""
    clip = _clip_of(obj)
    if not clip:
        return None
    x, y = ctypes.c_float(), ctypes.c_float()
    box = None
    for i in range(max(_count_paths(clip), 0)):
        xs, ys = [], []
        for j in range(max(_count_segments(clip, i), 0)):
            seg = _segment(clip, i, j)
            if seg and _point(seg, ctypes.addressof(x), ctypes.addressof(y)):
                xs.append(x.value)
                ys.append(y.value)
        if not xs:
            continue
        b = frame.box(min(xs), min(ys), max(xs), max(ys))
        box = b if box is None else (max(box[0], b[0]), max(box[1], b[1]), min(box[2], b[2]), min(box[3], b[3]))
    return box


def clip_test(page: pdfium.PdfPage, objects: Sequence[PageObject]) -> Callable[[Char], bool]:
    """char → whether it lies outside the clip box of its text object. Objects drawn in a form
    under a matrix are left alone (their clip path is not in page space); so is a glyph whose
    object is unknown (pdfminer's). Each object's clip path is read once."""
    frame = PlumberFrame.of(page)
    page_space = {obj for obj, kind, to_page in objects if kind == raw.FPDF_PAGEOBJ_TEXT and to_page == IDENTITY}
    boxes: dict[int, Box | None] = {}

    def clipped(ch: Char) -> bool:
        obj = ch.get("object")
        if obj not in page_space:
            return False
        if obj not in boxes:
            boxes[obj] = clip_box(obj, frame)
        b = boxes[obj]
        if b is None:
            return False
        mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        return not (b[0] - SLACK <= mx <= b[2] + SLACK and b[1] - SLACK <= my <= b[3] + SLACK)

    return clipped
