"""Test utility: change a few printed characters of a real PDF, so a test can make a wrong figure
or word without regenerating the document (the samples come from LibreOffice, which CI lacks).

`replace_text(src, dst, page, old, new)` finds `old` on the page with pdfplumber, swaps the glyph
codes that draw it in the page's content stream for the codes of `new` in the same font (so the
same size, place and glyph widths), and appends the edited stream to a copy of the file as a PDF
incremental update. The result is read back with pdfplumber and pdfium before it is accepted.

Why not pdfium's editing API (remove the text objects, insert new ones, FPDFPage_GenerateContent):
regenerating a page re-encodes every text object on it, and pdfium names fonts by base font name
without the subset prefix, so LibreOffice's several subsets of one font (CAAAAA+, DAAAAA+, EAAAAA+
NotoSerifCJKjp-Regular-VKana on the seed's page 9) collapse into one and untouched glyphs come out
as other characters (`（` as `介`, `,` as `保`). Swapping codes in place touches nothing else.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.cmapdb import IdentityCMap, IdentityCMapByte
from pdfminer.pdffont import PDFCIDFont, PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

# After the edit `new` must read back within this distance (points) of where `old` began.
_PLACE_TOLERANCE = 0.5
_SHOW_OPERATORS = (b"Tj", b"TJ", b"'", b'"')


class PdfEditError(ValueError):
    """The edit cannot be made faithfully: text not found or ambiguous, a glyph the font lacks,
    or a page layout this small editor does not handle (text in form XObjects, odd encodings)."""


@dataclass
class _Token:
    kind: str  # str (a string operand), op, array_open, array_close, other
    start: int
    end: int
    raw: bytes = b""
    value: bytes = b""  # a string operand's bytes


@dataclass
class _Glyph:
    """One glyph as drawn: where its code sits in which stream, its font and text."""
    stream: int  # index into the page's content streams
    token: _Token  # the string operand holding its code
    font: PDFFont
    cid: int
    text: str


def replace_text(src: Path, dst: Path, page: int, old: str, new: str, *,
                 occurrence: int | None = None) -> None:
    """Write `src` to `dst` with `old` on `page` (1-based) drawn as `new`.

    `occurrence` picks one of several matches (0-based, pdfplumber's reading order); without it
    `old` must occur once on the page. When `new` is as long as `old`, each character takes the
    old one's glyph slot; otherwise all of `new` goes where `old` began and the rest of that text
    run moves with the glyph widths. Every character of `new` must exist in the font of the glyph
    it replaces (subset fonts carry only the glyphs the document uses). Raises PdfEditError when
    the edit cannot be made or does not read back as `new` in the same place.
    """
    src, dst = Path(src), Path(dst)
    if not old or not new:
        raise PdfEditError("old and new must both be non-empty")
    data = src.read_bytes()
    with pdfplumber.open(src) as pdf:
        doc = pdf.doc
        if doc.encryption:
            raise PdfEditError(f"{src.name} is encrypted")
        if not 1 <= page <= len(pdf.pages):
            raise PdfEditError(f"{src.name} has {len(pdf.pages)} pages, not page {page}")
        p = pdf.pages[page - 1]
        targets, box = _match(p, old, occurrence)
        before = [(c["text"], c["x0"], c["top"]) for c in p.chars]
        streams = [resolve1(s) for s in p.page_obj.contents]
        if not all(isinstance(s, PDFStream) for s in streams):
            raise PdfEditError(f"page {page} has a content entry that is not a stream")
        texts = [s.get_data() for s in streams]
        glyphs = _glyphs(texts, _fonts(p.page_obj.resources))
        drawn = [g.text for g in glyphs]
        if drawn != [t for t, _, _ in before]:
            raise PdfEditError(f"page {page}: the content streams draw {len(drawn)} glyphs but "
                               f"pdfplumber reads {len(before)} (text in form XObjects?)")
        p.close()
        edited = _edit(texts, glyphs, targets, new)
        objects = {(streams[i].objid, streams[i].genno): edited[i] for i in edited}
        update = _incremental_update(data, objects, doc)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data + update)
    try:
        _verify(dst, page, old, new, box, before, targets)
    except BaseException:
        dst.unlink(missing_ok=True)  # never leave a half-right PDF for a test to pick up
        raise


def _match(p, old: str, occurrence: int | None) -> tuple[list[int], tuple]:
    """Indices into p.chars of the glyphs spelling `old`, and its box (x0, top, x1, bottom)."""
    matches = p.search(old, regex=False, return_chars=True)
    if not matches:
        raise PdfEditError(f"{old!r} is not on page {p.page_number}")
    if occurrence is None and len(matches) > 1:
        where = ", ".join(f"#{i} at x={m['x0']:.0f} top={m['top']:.0f}" for i, m in enumerate(matches))
        raise PdfEditError(f"{old!r} occurs {len(matches)} times on page {p.page_number} ({where});"
                           f" pass occurrence=")
    index = occurrence or 0
    if not 0 <= index < len(matches):
        raise PdfEditError(f"{old!r} occurs {len(matches)} times on page {p.page_number}, no #{index}")
    m = matches[index]
    position = {id(c): i for i, c in enumerate(p.chars)}  # search returns the page's own char dicts
    targets = [position[id(c)] for c in m["chars"]]
    return targets, (m["x0"], m["top"], m["x1"], m["bottom"])


def _fonts(resources: dict) -> dict[bytes, PDFFont]:
    manager = PDFResourceManager()
    fonts = {}
    for name, spec in (resolve1(resolve1(resources or {}).get("Font")) or {}).items():
        objid = spec.objid if isinstance(spec, PDFObjRef) else None
        fonts[name.encode("latin-1")] = manager.get_font(objid, resolve1(spec))
    return fonts


# --- content stream lexing: just enough to find the string operands of text-showing operators ----

_WHITESPACE = b"\x00\t\n\x0c\r "
_REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f",
            ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}


def _tokens(data: bytes):
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c in _WHITESPACE:
            i += 1
        elif c == ord("%"):
            while i < n and data[i] not in b"\r\n":
                i += 1
        elif c == ord("("):
            start = i
            value, i = _literal(data, i + 1)
            yield _Token("str", start, i, data[start:i], value)
        elif data.startswith(b"<<", i) or data.startswith(b">>", i):
            yield _Token("other", i, i + 2, data[i:i + 2])
            i += 2
        elif c == ord("<"):
            end = data.index(b">", i)
            hexdigits = re.sub(rb"[^0-9A-Fa-f]", b"", data[i + 1:end])
            yield _Token("str", i, end + 1, data[i:end + 1], bytes.fromhex(
                (hexdigits + b"0" * (len(hexdigits) % 2)).decode()))
            i = end + 1
        elif c in b"[]":
            yield _Token("array_open" if c == ord("[") else "array_close", i, i + 1, data[i:i + 1])
            i += 1
        elif c == ord("/"):
            m = _REGULAR.match(data, i + 1)
            end = m.end() if m else i + 1
            yield _Token("other", i, end, data[i:end])
            i = end
        else:
            m = _REGULAR.match(data, i)
            if not m:  # a stray delimiter ({ } or >): skip it
                i += 1
                continue
            word = m.group()
            kind = "other" if re.fullmatch(rb"[+-]?(\d+\.?\d*|\.\d+)|true|false|null", word) else "op"
            yield _Token(kind, i, m.end(), word)
            i = m.end()
            if word == b"ID":  # inline image data: binary up to EI
                found = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)").search(data, i)
                i = found.end() if found else n


def _literal(data: bytes, i: int) -> tuple[bytes, int]:
    """A literal string's bytes from just after its `(`, and the index after its `)`."""
    out, depth = bytearray(), 1
    while i < len(data):
        c = data[i]
        if c == ord("\\"):
            nxt = data[i + 1] if i + 1 < len(data) else None
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
            elif nxt is not None and 48 <= nxt <= 55:
                m = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
                out.append(int(m.group(), 8) & 0xFF)
                i += 1 + len(m.group())
            elif nxt in (ord("\r"), ord("\n")):  # line continuation
                i += 2 + (nxt == ord("\r") and data[i + 2:i + 3] == b"\n")
            else:
                i += 1
            continue
        if c == ord("("):
            depth += 1
        elif c == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    raise PdfEditError("unterminated string in a content stream")


def _glyphs(streams: list[bytes], fonts: dict[bytes, PDFFont]) -> list[_Glyph]:
    """Every glyph the page's content streams draw, in drawing order (pdfplumber's char order)."""
    out: list[_Glyph] = []
    font = None
    for s, data in enumerate(streams):
        operands: list = []
        stack: list[list] = []
        for tok in _tokens(data):
            if tok.kind == "array_open":
                stack.append(operands)
                operands = []
            elif tok.kind == "array_close" and stack:
                inner, operands = operands, stack.pop()
                operands.append(inner)
            elif tok.kind == "op":
                if tok.raw == b"Tf" and len(operands) >= 2 and isinstance(operands[-2], _Token):
                    font = fonts.get(operands[-2].raw[1:])
                elif tok.raw in _SHOW_OPERATORS and operands:
                    last = operands[-1]
                    for string in (last if isinstance(last, list) else [last]):
                        if isinstance(string, _Token) and string.kind == "str":
                            if font is None:
                                raise PdfEditError("text shown before any font is set")
                            out.extend(_Glyph(s, string, font, cid, _unicode(font, cid))
                                       for cid in font.decode(string.value))
                operands = []
            else:
                operands.append(tok)
    return out


def _unicode(font: PDFFont, cid: int) -> str:
    try:
        return font.to_unichr(cid)
    except PDFUnicodeNotDefined:
        return f"(cid:{cid})"  # what pdfminer prints for it


def _code_width(font: PDFFont) -> int:
    """Bytes per glyph code: 1 for simple fonts, 2 (or 1) for CID fonts with an Identity CMap, where
    the code is the CID. Other CMaps map codes of varying length; this editor does not handle them."""
    if not isinstance(font, PDFCIDFont):
        return 1
    if isinstance(font.cmap, IdentityCMapByte):
        return 1
    if isinstance(font.cmap, IdentityCMap):
        return 2
    raise PdfEditError(f"font {font.basefont}: only Identity CMaps are handled")


def _code(font: PDFFont, ch: str) -> bytes:
    """The bytes that draw `ch` in `font`, found through the font's own ToUnicode/encoding."""
    width = _code_width(font)
    if isinstance(font, PDFCIDFont):
        table = dict(getattr(font.unicode_map, "cid2unichr", {}) or {})
    else:
        table = dict(getattr(font, "cid2unicode", {}) or {})
        table.update(getattr(font.unicode_map, "cid2unichr", {}) or {})
    cids = sorted(cid for cid, text in table.items() if text == ch)
    if not cids:
        raise PdfEditError(f"font {font.basefont} has no glyph for {ch!r} (a subset holds only "
                           f"the characters the document prints in it)")
    return cids[0].to_bytes(width, "big")


def _edit(streams: list[bytes], glyphs: list[_Glyph], targets: list[int], new: str) -> dict[int, bytes]:
    """The content streams that change, by index: each string holding a target glyph rewritten in
    hex with the replaced codes."""
    if len(new) == len(targets):  # character for character
        replacement = {t: ch for t, ch in zip(targets, new)}
    else:  # all of `new` at the first glyph of `old`, the others dropped
        replacement = {t: (new if k == 0 else "") for k, t in enumerate(targets)}
    by_token: dict[int, list[int]] = {}
    for i, g in enumerate(glyphs):
        by_token.setdefault(id(g.token), []).append(i)
    changed: dict[int, list[tuple[_Token, bytes]]] = {}
    for ids in by_token.values():
        if not any(i in replacement for i in ids):
            continue
        first = glyphs[ids[0]]
        width = _code_width(first.font)
        if len(first.token.value) != width * len(ids):
            raise PdfEditError(f"font {first.font.basefont}: cannot split a string into its codes")
        codes = bytearray()
        for k, i in enumerate(ids):
            if i in replacement:
                codes += b"".join(_code(glyphs[i].font, ch) for ch in replacement[i])
            else:
                codes += first.token.value[k * width:(k + 1) * width]
        changed.setdefault(first.stream, []).append((first.token, b"<" + codes.hex().upper().encode() + b">"))
    out = {}
    for s, edits in changed.items():
        data = streams[s]
        for tok, text in sorted(edits, key=lambda e: -e[0].start):
            data = data[:tok.start] + text + data[tok.end:]
        out[s] = data
    return out


# --- incremental update --------------------------------------------------------------------------

def _incremental_update(data: bytes, objects: dict[tuple[int, int], bytes], doc) -> bytes:
    """New versions of the given stream objects, an xref section for them and a trailer whose
    /Prev chains to the file's last cross-reference section."""
    prev = re.findall(rb"startxref\s+(\d+)", data[-2048:])
    if not prev:
        raise PdfEditError("no startxref at the end of the file")
    trailer = doc.xrefs[0].get_trailer()
    out = bytearray(b"\n" if not data.endswith(b"\n") else b"")
    offsets = {}
    for (objid, genno), content in sorted(objects.items()):
        body = zlib.compress(content)
        offsets[objid] = (len(data) + len(out), genno)
        out += (f"{objid} {genno} obj\n<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n"
                .encode() + body + b"\nendstream\nendobj\n")
    xref_at = len(data) + len(out)
    out += b"xref\n"
    for objid, (offset, genno) in sorted(offsets.items()):
        out += f"{objid} 1\n{offset:010d} {genno:05d} n \n".encode()
    entries = [f"/Size {int(resolve1(trailer['Size']))}", f"/Prev {int(prev[-1])}"]
    for key in ("Root", "Info"):
        ref = trailer.get(key)
        if isinstance(ref, PDFObjRef):
            entries.append(f"/{key} {ref.objid} {_genno(doc, ref.objid)} R")
    ids = resolve1(trailer.get("ID"))
    if isinstance(ids, list) and len(ids) == 2:
        entries.append("/ID [" + " ".join(f"<{bytes(resolve1(v)).hex()}>" for v in ids) + "]")
    out += ("trailer\n<< " + " ".join(entries) + f" >>\nstartxref\n{xref_at}\n%%EOF\n").encode()
    return bytes(out)


def _genno(doc, objid: int) -> int:
    for xref in doc.xrefs:
        try:
            return int(xref.get_pos(objid)[2] or 0)
        except KeyError:
            continue
    return 0


def _verify(dst: Path, page: int, old: str, new: str, box, before, targets: list[int]) -> None:
    """`new` reads back where `old` began, and when the lengths agree every other glyph of the page
    reads back unchanged; pdfium opens the file and reads `new` on that page too."""
    with pdfplumber.open(dst) as pdf:
        p = pdf.pages[page - 1]
        found = p.search(new, regex=False)
        after = [(c["text"], c["x0"], c["top"]) for c in p.chars]
        p.close()
    if not any(abs(m["x0"] - box[0]) <= _PLACE_TOLERANCE and abs(m["top"] - box[1]) <= _PLACE_TOLERANCE
               for m in found):
        raise PdfEditError(f"page {page} of {dst.name} does not read {new!r} where {old!r} was")
    if len(new) == len(old):
        untouched = [c for i, c in enumerate(before) if i not in set(targets)]
        if [c for i, c in enumerate(after) if i not in set(targets)] != untouched:
            raise PdfEditError(f"page {page} of {dst.name}: characters other than {old!r} changed")
    pdf = pdfium.PdfDocument(dst)
    try:
        textpage = pdf[page - 1].get_textpage()
        text = textpage.get_text_range()
        textpage.close()
    finally:
        pdf.close()
    if new not in "".join(text.split()):
        raise PdfEditError(f"pdfium does not read {new!r} on page {page} of {dst.name}")
