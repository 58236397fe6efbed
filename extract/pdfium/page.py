"""A PDFium page as pdfplumber sees it: its coordinates (`PlumberFrame`) and its objects, forms
entered, each with the matrix to the page (`page_objects`, walked once for the rules and glyphs)."""
from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

FORM_DEPTH = 8  # form XObjects nest: objects this deep inside forms are still the page's


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
        """(x0, top, x1, bottom) of a rectangle (left ≤ right, bottom ≤ top)."""
        if self.rotation == 0:  # most pages, and this runs once a glyph
            x0, _, _, y1 = self.crop
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


def object_matrix(obj) -> Matrix | None:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return None
    return (m.a, m.b, m.c, m.d, m.e, m.f)


PageObject = tuple[object, int, Matrix]  # raw handle, FPDF_PAGEOBJ_* type, matrix to the page


def page_objects(page: pdfium.PdfPage, depth: int = FORM_DEPTH) -> list[PageObject]:
    """Every object of the page, forms entered up to `depth` deep (a form's objects after the
    page's): (raw handle, type, the matrix from the space it is drawn in to the page's). A form's
    objects are drawn in its own space, which its matrix maps to its parent's."""
    out: list[PageObject] = []
    todo = [(page.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, IDENTITY, 0)]
    while todo:  # a stack, not recursion: each object is touched once however deep its form
        parent, count, get, to_page, level = todo.pop()
        for k in range(count(parent)):
            obj = get(parent, k)
            kind = raw.FPDFPageObj_GetType(obj)
            out.append((obj, kind, to_page))
            if kind == raw.FPDF_PAGEOBJ_FORM and level < depth:
                inner = object_matrix(obj)
                if inner is not None:
                    todo.append((obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject,
                                 then(inner, to_page), level + 1))
    return out
