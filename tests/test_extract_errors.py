"""Bad input never crashes: every unreadable file gives an ExtractError with a one-line message."""
import os

import pytest

from conftest import corpus_pdf
from extract import ExtractError, read_document
from extract.errors import CorruptPdfError, EmptyFileError, EncryptedPdfError, NotPdfError


def minimal_pdf(encrypted: bool) -> bytes:
    """A one-page PDF; with `encrypted`, a Standard security handler whose empty user password fails."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    if encrypted:
        objs.append(b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objs) + 1)
    if encrypted:
        trailer += b" /Encrypt 4 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">]"
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def bad_input(name: str) -> tuple[bytes, type]:
    """The bytes of one bad input and the error it must give (only truncated.pdf needs the corpus)."""
    if name == "truncated.pdf":
        putuo = corpus_pdf("putuo-2024-finance-bureau-final-accounts.pdf").read_bytes()
        return putuo[: len(putuo) // 3], CorruptPdfError
    return {
        "empty.pdf": (b"", EmptyFileError),
        "random.pdf": (os.urandom(4096), NotPdfError),
        "notes.pdf": ("这不是PDF，只是一段文字。\n".encode() * 20, NotPdfError),
        "header-only.pdf": (b"%PDF-1.7\n" + os.urandom(2048), CorruptPdfError),
        "encrypted.pdf": (minimal_pdf(encrypted=True), EncryptedPdfError),
    }[name]


@pytest.mark.parametrize("name", ["empty.pdf", "random.pdf", "notes.pdf", "truncated.pdf", "header-only.pdf", "encrypted.pdf"])
def test_bad_input_gives_one_line_extract_error(tmp_path, name):
    data, kind = bad_input(name)
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ExtractError) as info:
        read_document(path)
    err = info.value
    assert type(err) is kind
    message = str(err)
    assert "\n" not in message
    assert message.startswith(f"{path}: {kind.kind}: ")
    assert len(message) < 300


def test_missing_file(tmp_path):
    with pytest.raises(NotPdfError, match="file not found"):
        read_document(tmp_path / "nowhere.pdf")


def test_same_pdf_unencrypted_reads(tmp_path):
    path = tmp_path / "blank.pdf"
    path.write_bytes(minimal_pdf(encrypted=False))
    doc = read_document(path)
    assert (doc.page_count, doc.tables, doc.lines, doc.pages_without_text) == (1, [], [], [])
