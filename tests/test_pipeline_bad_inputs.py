"""Each bad input the nightly batch meets becomes one report row with a one-line reason, and the
batch goes on: encrypted PDFs (needing a password, and with an empty user password), 500 blank
pages, a PDF that keeps pdfminer busy past --timeout, unreadable paths, a text file named .pdf.

The PDFs are built here byte by byte (pypdf is not a dependency): `build_pdf` writes real content
streams, and with a user password real RC4-40 encryption (PDF Standard security handler, R2), so
pdfminer decrypts (or refuses) them exactly as it would a published file.
"""
import hashlib
import os
import shutil
import struct
import time
import zlib
from pathlib import Path

import pandas as pd
import pytest

from conftest import corpus_pdf
from pipeline.cli import main
from pipeline.store import read_dataset
from pipeline.worker import run_report

GOOD_PDF = "jiangsu-2019-party-office-budget-tables.pdf"

# --- building PDFs -------------------------------------------------------------------------------
PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")  # PDF spec, Algorithm 2
FILE_ID = bytes(range(16))
PERMISSIONS = -4  # every permission bit set


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(password: bytes) -> bytes:
    return (password + PAD)[:32]


def build_pdf(pages: list[bytes], user_password: bytes | None = None, owner_password: bytes = b"owner") -> bytes:
    """Pages (content streams) → PDF bytes; with user_password, RC4-40 (Standard handler, R2)."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n)).encode()
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
            3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    streams = {}
    for i, content in enumerate(pages):
        page, cs = 4 + 2 * i, 5 + 2 * i
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                      b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % cs)
        streams[cs] = zlib.compress(content)
    key = None
    if user_password is not None:
        o = rc4(hashlib.md5(_padded(owner_password)).digest()[:5], _padded(user_password))
        key = hashlib.md5(_padded(user_password) + o + struct.pack("<i", PERMISSIONS) + FILE_ID).digest()[:5]
        u = rc4(key, PAD)
        enc = 4 + 2 * n
        objs[enc] = (b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P %d /O <%s> /U <%s> >>"
                     % (PERMISSIONS, o.hex().encode(), u.hex().encode()))
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted({**objs, **streams}):
        offsets[num] = len(out)
        if num in streams:
            data = streams[num]
            if key is not None:
                data = rc4(hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10], data)
            body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        else:
            body = objs[num]
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    size = max(offsets) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    trailer = b"<< /Size %d /Root 1 0 R /ID [<%s> <%s>]" % (size, FILE_ID.hex().encode(), FILE_ID.hex().encode())
    if key is not None:
        trailer += b" /Encrypt %d 0 R" % (size - 1)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def text_page(lines: list[str]) -> bytes:
    ops = [b"BT /F1 11 Tf"]
    for i, line in enumerate(lines):
        ops.append(b"1 0 0 1 72 %d Tm (%s) Tj" % (760 - 16 * i, line.encode("latin-1")))
    ops.append(b"ET")
    return b"\n".join(ops)


def dust_page(n: int) -> bytes:
    """n one-glyph text objects in a grid: cheap to write, slow for pdfminer to lay out. One drawn
    Bézier curve keeps the page off the PDFium fast path (which reads 120,000 glyphs in ~4 s),
    so pdfminer must read it."""
    ops = [b"0.5 w 20 10 m 100 30 200 30 300 10 c S"]
    for i in range(n):
        x, y = 20 + (i % 280) * 2, 20 + (i // 280) % 400 * 2
        ops.append(b"BT /F1 2 Tf %d %d Td (x) Tj ET" % (x, y))
    return b"\n".join(ops)


# --- the tests -----------------------------------------------------------------------------------
def _reports(out: Path) -> pd.DataFrame:
    frames = [read_dataset(out, "reports"), read_dataset(out / "quarantine", "reports")]
    return pd.concat([f for f in frames if len(f)], ignore_index=True).set_index("source_path")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One run over every bad input plus a good report, in a 2-process pool with --timeout 6:
    far above what the good files need (≤ 2 s), far below what the dust PDF needs (≥ 20 s)."""
    inbox = tmp_path_factory.mktemp("in")
    shutil.copy(corpus_pdf(GOOD_PDF), inbox / "good.pdf")
    (inbox / "locked.pdf").write_bytes(build_pdf([text_page(["Hello budget 2024"])], b"secret"))
    (inbox / "open-lock.pdf").write_bytes(
        build_pdf([text_page(["Budget 2024 performance", "Total 123.45"])], user_password=b""))
    (inbox / "blank-500.pdf").write_bytes(build_pdf([b""] * 500))
    (inbox / "dust.pdf").write_bytes(build_pdf([dust_page(120_000)]))
    (inbox / "readme.pdf").write_text("这不是PDF，只是一段文字。\n" * 20, encoding="utf-8")
    (inbox / "gone.pdf").symlink_to(inbox / "deleted-long-ago.pdf")  # a dangling link
    out = tmp_path_factory.mktemp("out")
    started = time.perf_counter()
    code = main(["ingest", str(inbox), "--out", str(out), "--workers", "2", "--timeout", "6"])
    return inbox, out, code, time.perf_counter() - started


@pytest.mark.slow
def test_the_batch_finishes_with_exit_1_and_a_row_per_input(batch):
    inbox, out, code, _ = batch
    assert code == 1
    reports = _reports(out)
    assert sorted(Path(p).name for p in reports.index) == sorted(
        ["good.pdf", "locked.pdf", "open-lock.pdf", "blank-500.pdf", "dust.pdf", "readme.pdf", "gone.pdf"])
    assert reports.loc[str(inbox / "good.pdf")].report_kind == "budget"
    # the good report's rows landed, every one it counted
    (log,) = [p for p in (out / "runs").glob("*.jsonl") if p.name != "runs.jsonl"]
    good = next(e for e in pd.read_json(log, lines=True).to_dict("records")
                if e["event"] == "report" and e["source_path"] == str(inbox / "good.pdf"))
    assert len(read_dataset(out, "budget_lines")) == good["budget_lines"] > 0
    for path, row in reports[reports.status == "failed"].iterrows():
        assert row.error and "\n" not in row.error and len(row.error) < 200, path


@pytest.mark.slow
@pytest.mark.parametrize("name, reason", [
    ("locked.pdf", "encrypted: the PDF is encrypted and needs a password"),
    ("dust.pdf", "timed out after 6 s"),
    ("readme.pdf", "not-a-pdf: no %PDF- header; this is not a PDF file"),
    ("gone.pdf", "cannot read file: No such file or directory"),
])
def test_failed_inputs_say_why_in_one_line(batch, name, reason):
    inbox, out, _, _ = batch
    row = _reports(out).loc[str(inbox / name)]
    assert (row.status, row.error) == ("failed", reason)


@pytest.mark.slow
def test_the_slow_pdf_is_stopped_at_the_time_limit(batch):
    inbox, out, _, _ = batch
    row = _reports(out).loc[str(inbox / "dust.pdf")]
    # stopped at the limit, long before the 20 s+ it needs on an idle machine (slack for a loaded one)
    assert 6.0 <= row.seconds < 30.0, row.seconds
    assert row.file_sha256 == hashlib.sha256((inbox / "dust.pdf").read_bytes()).hexdigest()


@pytest.mark.slow
def test_an_empty_user_password_is_no_lock(batch):
    """Every viewer opens such a file without asking, so it is read like any other PDF."""
    inbox, out, _, _ = batch
    row = _reports(out).loc[str(inbox / "open-lock.pdf")]
    assert row.status != "failed" and row.page_count == 1
    assert row.warnings == "no tables found"


@pytest.mark.slow
def test_500_blank_pages_land_quickly_with_a_warning(batch):
    inbox, out, _, _ = batch
    row = _reports(out).loc[str(inbox / "blank-500.pdf")]
    assert (row.status, row.page_count, row.warnings) == ("ok", 500, "no tables found")
    assert row.seconds < 20


@pytest.mark.slow
def test_the_run_row_counts_the_failures(batch):
    inbox, out, _, _ = batch
    runs = pd.read_json(out / "runs" / "runs.jsonl", lines=True)
    run = runs.iloc[-1]
    assert (run.status, run.inputs, run.failed, run.ok + run.quarantined) == ("finished", 7, 4, 3)
    assert {f["source_path"] for f in run.failures} >= {str(inbox / n) for n in ("locked.pdf", "dust.pdf")}
    events = pd.read_json(out / "runs" / f"{run.run_id}.jsonl", lines=True)
    assert list(events.event.value_counts().sort_index().items()) == [
        ("report", 7), ("run_finished", 1), ("run_started", 1)]


def test_an_unreadable_file_fails_alone(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading")
    path = tmp_path / "secret.pdf"
    shutil.copy(corpus_pdf(GOOD_PDF), path)
    path.chmod(0)
    try:
        out = tmp_path / "out"
        assert main(["ingest", str(path), "--out", str(out), "--workers", "1"]) == 1
        row = _reports(out).loc[str(path)]
        assert (row.status, row.error) == ("failed", "cannot read file: Permission denied")
    finally:
        path.chmod(0o644)


def test_time_limit_in_this_process_leaves_no_alarm_behind(tmp_path):
    path = tmp_path / "dust.pdf"
    path.write_bytes(build_pdf([dust_page(12_000)]))
    result = run_report(path, None, 0.5)
    assert (result.status, result.report["error"]) == ("failed", "timed out after 0.5 s")
    good = run_report(corpus_pdf(GOOD_PDF), None, 60)
    time.sleep(0.6)  # an alarm left armed would fire now and fail the test
    assert good.report["page_count"] == 12 and good.status == "ok"
