"""Ruling lines of a page read with pypdfium2 instead of pdfminer: path objects → pdfplumber edges.

pdfminer interprets the whole content stream to find a page's lines and rects, which is most of
the cost of a table page. PDFium lists the same path objects far faster. Each subpath becomes the
edges pdfplumber would make of it (a rule, the four sides of a rect, the sides of a polyline), in
the same coordinates (PDF points, top-left origin of the MediaBox, /Rotate applied), so ruled-table finding runs on
them unchanged; paths inside form XObjects are mapped through the forms' matrices. Images draw no
edges (a scan is told by its missing text, extract/document.py). Pages holding something this
reader does not mirror (shadings, Bézier curves) return None and go through pdfplumber as before.
"""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extract.pdfium.page import Matrix, PageObject, PlumberFrame, int_proto, matrix_into, page_objects, then
from extract.ruled import is_background
from extract.settings import ExtractSettings

_NOT_MIRRORED = (raw.FPDF_PAGEOBJ_SHADING,)


def page_edges(page: pdfium.PdfPage, settings: ExtractSettings,
               objects: list[PageObject] | None = None) -> list[dict] | None:
    """The page's edges as pdfplumber's `page.edges` gives them (minus background fills, as the
    ruled strategy filters them), [] for a page that draws only text, or None when pdfplumber must
    read the page."""
    frame = PlumberFrame.of(page)
    cx0, _, _, cy1 = frame.media
    edges: list[dict] = []
    out = _Buffers()
    for obj, kind, to_page in page_objects(page) if objects is None else objects:
        if kind in _NOT_MIRRORED:
            return None
        if kind != raw.FPDF_PAGEOBJ_PATH:
            continue
        subpaths = _subpaths(obj, to_page, out)
        if subpaths is None:
            return None
        fill, stroke = _draw_mode(obj, out)
        if not (fill or stroke):
            continue
        for points in subpaths:
            if frame.rotation == 0:  # most pages: frame.point inlined
                page_points = [(x - cx0, cy1 - y) for x, y in points]
            else:
                page_points = [frame.point(x, y) for x, y in points]
            # only a filled, unstroked shape can be a background (is_background)
            if fill and not stroke and is_background(_as_rect(page_points, fill, stroke), settings):
                continue
            edges.extend(_edges(page_points))
    return edges


_count_segments = int_proto("FPDFPath_CountSegments", ctypes.c_int, ctypes.c_void_p)
_get_segment = int_proto("FPDFPath_GetPathSegment", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_segment_type = int_proto("FPDFPathSegment_GetType", ctypes.c_int, ctypes.c_void_p)
_segment_point = int_proto("FPDFPathSegment_GetPoint", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                            ctypes.c_void_p)
_segment_close = int_proto("FPDFPathSegment_GetClose", ctypes.c_int, ctypes.c_void_p)
_BEZIER, _UNKNOWN, _MOVETO = raw.FPDF_SEGMENT_BEZIERTO, raw.FPDF_SEGMENT_UNKNOWN, raw.FPDF_SEGMENT_MOVETO


class _Buffers:
    """The buffers PDFium's calls fill, one set per page rather than per path object."""

    def __init__(self) -> None:
        self.matrix = raw.FS_MATRIX()
        self.matrix_at = ctypes.addressof(self.matrix)
        self.xy = (ctypes.c_float * 2)()
        self.x_at = ctypes.addressof(self.xy)
        self.y_at = self.x_at + ctypes.sizeof(ctypes.c_float)
        self.modes = (ctypes.c_int * 2)()
        self.fill_at = ctypes.addressof(self.modes)
        self.stroke_at = self.fill_at + ctypes.sizeof(ctypes.c_int)


def _subpaths(obj, to_page: Matrix, buf: _Buffers) -> list[list[tuple[float, float]]] | None:
    """Each subpath's points in page space (closed ones end where they began); None if the path
    holds a Bézier curve."""
    if not matrix_into(obj, buf.matrix_at):
        return None
    m = buf.matrix
    a, b, c, d, e, f = then((m.a, m.b, m.c, m.d, m.e, m.f), to_page)
    handle = obj
    xy, x_at, y_at = buf.xy, buf.x_at, buf.y_at
    out: list[list[tuple[float, float]]] = []
    for k in range(_count_segments(handle)):
        segment = _get_segment(handle, k)
        kind = _segment_type(segment)
        if kind == _BEZIER or kind == _UNKNOWN:
            return None
        _segment_point(segment, x_at, y_at)
        x, y = xy[0], xy[1]
        point = (a * x + c * y + e, b * x + d * y + f)
        if kind == _MOVETO or not out:
            out.append([point])
        else:
            out[-1].append(point)
        if _segment_close(segment) and out[-1][-1] != out[-1][0]:
            out[-1].append(out[-1][0])
    return out


_draw_mode_of = int_proto("FPDFPath_GetDrawMode", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


def _draw_mode(obj: int, buf: _Buffers) -> tuple[bool, bool]:
    if not _draw_mode_of(obj, buf.fill_at, buf.stroke_at):
        return False, False
    return buf.modes[0] != raw.FPDF_FILLMODE_NONE, bool(buf.modes[1])


def _as_rect(points: list[tuple[float, float]], fill: bool, stroke: bool) -> dict:
    """The subpath as the pdfplumber object ruled.is_background judges: a rect when it is an
    axis-aligned rectangle (as pdfminer classifies it), else a curve."""
    xs, ys = {p[0] for p in points}, {p[1] for p in points}
    rect = len(points) in (4, 5) and len(xs) == 2 and len(ys) == 2
    return {"object_type": "rect" if rect else "curve", "fill": fill, "stroke": stroke,
            "width": max(xs) - min(xs), "height": max(ys) - min(ys)}


def _edges(points: list[tuple[float, float]]) -> list[dict]:
    """Horizontal and vertical sides between consecutive points (pdfplumber's curve_to_edges;
    for a rect or a rule it gives the same edges as rect_to_edges / line_to_edge)."""
    out = []
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 == x1 and y0 == y1:
            continue
        orientation = "v" if x0 == x1 else ("h" if y0 == y1 else None)
        if orientation is None:
            continue
        out.append({
            "x0": min(x0, x1), "x1": max(x0, x1), "top": min(y0, y1), "bottom": max(y0, y1),
            "width": abs(x1 - x0), "height": abs(y1 - y0), "orientation": orientation,
            "object_type": "path_edge",
        })
    return out
