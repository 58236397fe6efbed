"""A PDFium page as pdfplumber sees it: its coordinates (`PlumberFrame`) and its objects, forms
entered, each with the matrix to the page (`page_objects`, walked once for the rules and glyphs)."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

FORM_DEPTH = 8  # form XObjects nest: objects this deep inside forms are still the page's


@dataclass(frozen=True)
class PlumberFrame:
    """PDF user space → pdfplumber's page coordinates: origin at the MediaBox's top-left corner
    (pdfminer lays a page out in its MediaBox, the CropBox aside), y downwards, the page's /Rotate
    applied as pdfminer applies it."""

    media: tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF user space, x0 <= x1, y0 <= y1
    rotation: int = 0

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> PlumberFrame:
        # PDFium's box getters read the page's own dictionary only (crbug.com/pdfium/1786); a
        # MediaBox inherited from the page tree is in its bounding box (MediaBox ∩ CropBox)
        box = page.get_mediabox(fallback_ok=False) or page.get_bbox()
        x0, x1 = sorted((box[0], box[2]))
        y0, y1 = sorted((box[1], box[3]))
        return cls((x0, y0, x1, y1), page.get_rotation())

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) of a point."""
        x0, y0, x1, y1 = self.media
        if self.rotation == 90:
            return y - y0, x - x0
        if self.rotation == 180:
            return x1 - x, y - y0
        if self.rotation == 270:
            return y1 - y, x1 - x
        return x - x0, y1 - y

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a rectangle (left ≤ right, bottom ≤ top)."""
        if self.rotation == 0:  # most pages, and this runs once a glyph
            x0, _, _, y1 = self.media
            return left - x0, y1 - top, right - x0, y1 - bottom
        (ax, at), (bx, bt) = self.point(left, bottom), self.point(right, top)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)


Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f as in PDF
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def then(first: Matrix, second: Matrix) -> Matrix:
    """The matrix applying `first`, then `second`."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = second
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def int_proto(name: str, restype, *argtypes):
    """A PDFium function taking (and giving) handles as plain integers: no argument conversion and
    no pointer object per call, which counts at a call or more per object, glyph or path segment."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(raw, name), ctypes.c_void_p).value)


_P, _INT = ctypes.c_void_p, ctypes.c_int
_count_page_objects = int_proto("FPDFPage_CountObjects", _INT, _P)
_get_page_object = int_proto("FPDFPage_GetObject", _P, _P, _INT)
_count_form_objects = int_proto("FPDFFormObj_CountObjects", _INT, _P)
_get_form_object = int_proto("FPDFFormObj_GetObject", _P, _P, ctypes.c_ulong)
_object_type = int_proto("FPDFPageObj_GetType", _INT, _P)
matrix_into = int_proto("FPDFPageObj_GetMatrix", _INT, _P, _P)  # (object, address of an FS_MATRIX)


def object_matrix(obj: int) -> Matrix | None:
    m = raw.FS_MATRIX()
    if not matrix_into(obj, ctypes.addressof(m)):
        return None
    return (m.a, m.b, m.c, m.d, m.e, m.f)


PageObject = tuple[int, int, Matrix]  # handle (an address), FPDF_PAGEOBJ_* type, matrix to the page


def page_objects(page: pdfium.PdfPage, depth: int = FORM_DEPTH) -> list[PageObject]:
    """Every object of the page, forms entered up to `depth` deep (a form's objects after the
    page's): (handle, type, the matrix from the space it is drawn in to the page's). A form's
    objects are drawn in its own space, which its matrix maps to its parent's. Handles are plain
    addresses, for the integer prototypes (int_proto) of the readers."""
    out: list[PageObject] = []
    page_handle = ctypes.c_void_p.from_buffer(page.raw).value
    todo = [(page_handle, _count_page_objects, _get_page_object, IDENTITY, 0)]
    form, object_type = raw.FPDF_PAGEOBJ_FORM, _object_type
    while todo:  # a stack, not recursion: each object is touched once however deep its form
        parent, count, get, to_page, level = todo.pop()
        for k in range(count(parent)):
            obj = get(parent, k)
            kind = object_type(obj)
            out.append((obj, kind, to_page))
            if kind == form and level < depth:
                inner = object_matrix(obj)
                if inner is not None:
                    todo.append((obj, _count_form_objects, _get_form_object, then(inner, to_page), level + 1))
    return out
