"""Tiny PDFs written byte by byte for tests that need an exact layout (no PDF library needed):
Han text in the standard STSong-Light CID font, rules drawn as paths, one content stream a page."""
from __future__ import annotations

from pathlib import Path

_FONT = [
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
    b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>",
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
    b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
]


def hex_text(text: str) -> str:
    """A string operand for Tj in the UCS-2 encoding of the font."""
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def write_pdf(path: Path, streams: list[bytes], width: float, height: float) -> None:
    """One page per content stream; /F1 is the Han font."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", *_FONT]
    kids = []
    for data in streams:
        objects.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (width, height, len(objects)))
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    path.write_bytes(serialize(objects))


def serialize(objects: list[bytes], root: int = 1) -> bytes:
    """Objects 1..n (bodies as given) → a PDF with a classic xref table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)
