"""The fast path (PDFium) lays a page out where pdfminer does, in its MediaBox: also when the
MediaBox is inherited from the page tree (PDFium's box getters read only the page's own
dictionary) and when a CropBox cuts the page smaller (pdfminer ignores it)."""
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from extract import document
from extract.lines import box
from extract.settings import DEFAULT
from pdf_gen import hex_text, write_pdf

ROWS = [("项目", "金额"), ("基本支出", "120.00"), ("项目支出", "80.00"), ("合计", "200.00")]


def table_page() -> bytes:
    """A title near the top of an A4 page and a ruled 4 x 2 table below it."""
    ops = [b"BT /F1 16 Tf 200 800 Td %s Tj ET" % hex_text("部门预算表").encode()]
    top, height, xs = 760, 24, (72, 272, 472)
    for r, row in enumerate(ROWS):
        y = top - (r + 1) * height
        for x, text in zip(xs, row):
            ops.append(b"BT /F1 10 Tf %d %d Td %s Tj ET" % (x + 6, y + 8, hex_text(text).encode()))
    for r in range(len(ROWS) + 1):
        ops.append(b"%d %d m %d %d l S" % (xs[0], top - r * height, xs[-1], top - r * height))
    for x in xs:
        ops.append(b"%d %d m %d %d l S" % (x, top, x, top - len(ROWS) * height))
    return b"\n".join(ops)


def variant(tmp_path: Path, name: str, edit) -> Path:
    plain = tmp_path / "plain.pdf"
    write_pdf(plain, [table_page()], 595, 842)
    data = edit(plain.read_bytes())
    out = tmp_path / f"{name}.pdf"
    out.write_bytes(data)
    return out


def inherited(data: bytes) -> bytes:
    """The MediaBox moved from the page to its /Pages node (padded to keep the xref offsets)."""
    box = b"/MediaBox [0 0 595 842] "
    data = data.replace(box, b" " * len(box))
    return data.replace(b"<< /Type /Pages /Kids", b"<< /Type /Pages " + box[:-1] + b" /Kids", 1)


def cropped(data: bytes) -> bytes:
    return data.replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 595 842] /CropBox [36 36 559 806]")


def _shifted_xref(data: bytes) -> bytes:
    """Offsets in the xref after an edit that changed lengths: pdfminer and PDFium both rebuild a
    broken table, but a test should not lean on that; rewrite it."""
    import re

    head, _, _ = data.partition(b"xref\n")
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj\n", head)]
    xref = len(head)
    body = b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return head + body + trailer


@pytest.mark.parametrize("name, edit", [("inherited", inherited), ("cropped", cropped)])
def test_the_fast_path_lays_the_page_out_in_its_media_box(tmp_path, name, edit):
    path = variant(tmp_path, name, lambda data: _shifted_xref(edit(data)))
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert page.height == 842  # pdfminer's page, whatever the edit
        slow_lines, slow_tables, _ = document._read_page(page, 1, DEFAULT)
        fast_pdf = pdfium.PdfDocument(str(path))
        try:
            fast = document._fast_page(fast_pdf, 0, 1, DEFAULT)
        finally:
            fast_pdf.close()
    assert fast is not None
    fast_lines, fast_tables, _ = fast
    title = next(ln for ln in fast_lines if ln.text == "部门预算表")
    assert title.top == pytest.approx(842 - 800 - 16, abs=3)  # 16 pt Han glyphs on a baseline at y = 800
    assert [(ln.text, round(ln.top, 1), round(ln.x0, 1)) for ln in fast_lines] == \
        [(ln.text, round(ln.top, 1), round(ln.x0, 1)) for ln in slow_lines]
    assert [[(c.row, c.col, c.text) for c in t.cells] for t in fast_tables] == \
        [[(c.row, c.col, c.text) for c in t.cells] for t in slow_tables]
    assert [c.text for c in fast_tables[0].cells if c.row == 3] == ["合计", "200.00"]
    assert [round(v, 1) for v in box(fast_tables[0])] == [round(v, 1) for v in box(slow_tables[0])]
