"""Hard limits: a time limit that fits the document (a base plus an allowance per page), a hard
kill for a report stuck in native code with one worker and on Dask too, and a memory limit per
worker so that a PDF bomb fails alone with a one-line reason, in every mode.

The hostile PDFs are built here, byte by byte, small on disk: an image of 30,000 x 30,000 pixels,
a content stream that inflates to 2 GB (a deflate bomb: one compressed megabyte repeated), a page
tree nested 5,000 deep, and a million tiny objects.
"""
import shutil
import signal
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from conftest import corpus_pdf
from pipeline import executors, worker
from pipeline.cli import main
from pipeline.store import read_dataset
from pipeline.time_limit import Limit
from extract.ocr.page import MAX_PIXELS, render_dpi
from pipeline.worker import ReportTask, run_report
from pdf_gen import serialize
from test_pipeline_bad_inputs import build_pdf, dust_page
from test_pipeline_stuck import NativeHangTask

GOOD_PDF = "jiangsu-2019-party-office-budget-tables.pdf"  # 12 pages, ~2 s
LONG_PDF = "putuo-2024-finance-bureau-final-accounts.pdf"  # 25 pages, about a second


# --- building hostile PDFs ------------------------------------------------------------------------
def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def deflate_repeated(block: bytes, times: int) -> bytes:
    """The zlib stream of `block` repeated `times` times, compressing the block only twice: after
    a full flush the compressor starts afresh, so every later copy compresses to the same bytes.
    The trailer's Adler-32 is computed over the whole inflated data, so decoders accept it."""
    c = zlib.compressobj(9)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.flush(zlib.Z_FINISH)[:-4]  # the final empty block, without the checksum of 2 copies
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(block, adler)
    return first + again * (times - 1) + end + adler.to_bytes(4, "big")


def one_page(content: bytes, resources: bytes = b"<< >>", more: list[bytes] = ()) -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>"
            % resources,
            content, *more]


def huge_image_pdf(side: int = 30_000, page_pt: int = 14_400) -> bytes:
    """A page of page_pt x page_pt points (PDF's largest: 200 inches) showing one white (blank
    scan) grey image of side x side pixels: 900 MB decoded, under 1 MB here. Rendered at OCR's
    200 dpi it would be a 1.6 gigapixel bitmap."""
    rows = next(r for r in range(max(1, (1 << 20) // side), 0, -1) if side % r == 0)  # ~1 MB a block
    pixels = deflate_repeated(b"\xff" * (side * rows), side // rows)
    image = stream(pixels, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
                           b" /BitsPerComponent 8" % (side, side))
    draw = stream(zlib.compress(b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (page_pt, page_pt)))
    objects = one_page(draw, b"<< /XObject << /Im0 5 0 R >> >>", [image])
    objects[2] = objects[2].replace(b"[0 0 595 842]", b"[0 0 %d %d]" % (page_pt, page_pt))
    return serialize(objects)


def content_bomb_pdf(gigabytes: float = 2.0) -> bytes:
    """A page whose content stream inflates to `gigabytes` of drawing operators."""
    op = b"10 10 m 20 20 l S\n"
    block = op * ((1 << 20) // len(op))
    return serialize(one_page(stream(deflate_repeated(block, int(gigabytes * 1024)))))


def deep_page_tree_pdf(depth: int = 5_000) -> bytes:
    """The one page sits under `depth` nested /Pages nodes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):  # objects 2 .. depth+1 are /Pages nodes, each the parent of the next
        num = 2 + level
        parent = b"/Parent %d 0 R " % (num - 1) if level else b""
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, num + 1))
    page = depth + 2
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
                   % (page - 1, page + 1))
    objects.append(stream(zlib.compress(b"BT /F1 12 Tf 72 700 Td (deep) Tj ET")))
    return serialize(objects)


def million_objects_pdf(n: int = 1_000_000) -> bytes:
    """A page whose /Contents is an array of `n` tiny streams, each drawing one short line."""
    first = 5
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"[" + kids + b"]"]
    objects += [b"<< /Length 18 >>\nstream\n%03d 10 m %03d 20 l S\nendstream" % (i % 500, i % 500)
                for i in range(n)]
    # /Contents must be an array in the page itself: point the page at object 4's contents
    objects[2] = objects[2].replace(b"/Contents 4 0 R", b"/Contents " + objects[3])
    objects[3] = b"null"
    return serialize(objects)


def test_the_builders_make_what_they_say():
    block = b"abc" * 1000
    assert zlib.decompress(deflate_repeated(block, 50)) == block * 50
    bomb = content_bomb_pdf(0.01)  # 10 MB inflated
    assert len(bomb) < 50_000
    assert b"/Count 1" in deep_page_tree_pdf(10) and deep_page_tree_pdf(10).count(b"/Type /Pages") == 10


# --- the time limit fits the document -------------------------------------------------------------
def test_a_long_report_is_read_within_its_per_page_allowance():
    path = corpus_pdf(LONG_PDF)
    short = run_report(path, [], timeout=0.2, timeout_per_page=0.0)
    assert (short.status, short.report.get("error")) == ("failed", "timed out after 0.2 s")
    fits = run_report(path, [], timeout=0.2, timeout_per_page=2.0)  # 0.2 s + 24 more pages × 2 s
    assert fits.status in ("ok", "quarantined"), fits.report.get("error")
    assert len(fits.rows.budget_lines) > 100


def test_a_page_that_never_ends_is_still_stopped(tmp_path):
    path = tmp_path / "dust-3p.pdf"
    path.write_bytes(build_pdf([b"", dust_page(120_000), b""]))  # the middle page: minutes of pdfminer
    started = time.monotonic()
    result = run_report(path, [], timeout=1.0, timeout_per_page=1.0)
    assert (result.status, result.report["error"]) == ("failed", "timed out after 3 s (1 s + 2 × 1 s for 3 pages)")
    assert time.monotonic() - started < 30


def test_the_cli_flags_set_the_limit_in_a_one_worker_pool(tmp_path):
    path = tmp_path / "dust-3p.pdf"
    path.write_bytes(build_pdf([dust_page(120_000), b"", b""]))
    out = tmp_path / "out"
    assert main(["ingest", str(path), "--out", str(out), "--workers", "1", "--timeout", "2",
                 "--timeout-per-page", "0.5", "--no-progress"]) == 1
    row = read_dataset(out, "reports").iloc[0]
    assert (row.status, row.error) == ("failed", "timed out after 3 s (2 s + 2 × 0.5 s for 3 pages)")
    run = pd.read_json(out / "runs" / "runs.jsonl", lines=True).iloc[-1]
    assert (run.executor, run.timeout, run.timeout_per_page) == ("1 process", 2, 0.5)


# --- stuck in native code, with one worker and on Dask -----------------------------------------------
STUCK_ERROR = "timed out after 3 s and did not stop (stuck in native code); its worker was killed"


def _stuck_inbox(tmp_path: Path) -> list[str]:
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(corpus_pdf(GOOD_PDF), inbox / "stuck.pdf")
    for name in ("a", "b"):  # quick to read: far inside the 3 s limit on a loaded machine
        (inbox / f"{name}.pdf").write_bytes(build_pdf([b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % name.encode()]))
    return sorted(str(p) for p in inbox.iterdir())


def test_one_worker_kills_a_report_stuck_in_native_code(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "STUCK_GRACE_S", 2.0)  # stuck after 2 × 3 s + 2 s
    task = NativeHangTask(out=str(tmp_path / "out"), acceptances=[], timeout=3.0)
    started = time.monotonic()
    landed = {Path(x.report["source_path"]).name: x.report
              for x in executors.run_pool(_stuck_inbox(tmp_path), task, workers=1, in_flight_per_worker=2)}
    assert time.monotonic() - started < 120
    assert (landed["stuck.pdf"]["status"], landed["stuck.pdf"]["error"]) == ("failed", STUCK_ERROR)
    assert landed["a.pdf"]["status"] == landed["b.pdf"]["status"] == "ok", (landed["a.pdf"], landed["b.pdf"])


class Clock:
    """A clock a test sets by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Future:
    """A future of the pool: `running` once handed to a worker, else still queued."""

    def __init__(self, running: bool) -> None:
        self._running = running

    def running(self) -> bool:
        return self._running


def test_the_watchdog_waits_for_the_limit_a_worker_announced(monkeypatch):
    """Base limit 3 s, grace 2 s. A report announced as started at 100 s with a limit of 7 s (3 s +
    4 more pages × 1 s) is stuck only after 109 s, not at the base's 2 × 3 s + 2 s; a report never
    announced is stuck 8 s after it was first seen running; a queued one, and one announced with no
    limit, never."""
    monkeypatch.setattr(executors, "STUCK_GRACE_S", 2.0)
    clock = Clock(100.0)
    watch = executors.Watchdog(3.0, clock)
    announced, silent, unlimited, queued = Future(True), Future(True), Future(True), Future(False)
    running = {announced: "long.pdf", silent: "silent.pdf", unlimited: "free.pdf", queued: "later.pdf"}
    assert watch.stuck(running) == []  # all but the queued one first seen running at 100 s
    watch.heard("long.pdf", 4242, 100.0, 7.0)
    watch.heard("free.pdf", 4243, 100.0, 0.0)
    clock.now = 108.0
    assert watch.stuck(running) == []
    clock.now = 108.01
    assert watch.stuck(running) == [(silent, 3.0)]
    clock.now = 109.0
    assert watch.stuck(running) == [(silent, 3.0)]
    clock.now = 109.01
    assert watch.stuck(running) == [(announced, 7.0), (silent, 3.0)]
    clock.now = 10_000.0
    assert watch.stuck(running) == [(announced, 7.0), (silent, 3.0)]
    watch.forget(silent)  # done: a report that runs again is counted afresh from when it is seen
    assert watch.stuck({silent: "silent.pdf"}) == []


def test_a_limit_extended_by_the_page_count_counts_from_the_block_start():
    """The per-page allowance is known only once the pages are counted: the deadline moves to
    base + allowance after the start, never earlier, and a block with no limit has none to move."""
    clock, armed = Clock(50.0), []
    limit = Limit(3.0, armed.append, clock)
    clock.now = 51.5  # the pages counted 1.5 s in
    limit.extend_to(7.0)
    assert (limit.started, limit.seconds, armed) == (50.0, 7.0, [5.5])
    limit.extend_to(5.0)  # a shorter total never shortens the deadline
    assert (limit.seconds, armed) == (7.0, [5.5])
    clock.now = 60.0  # past the new deadline already: fire at once
    limit.extend_to(8.0)
    assert armed == [5.5, 1e-3]
    unlimited = Limit(0.0, None, clock)
    unlimited.extend_to(100.0)
    assert unlimited.seconds == 0.0


@dataclass(frozen=True)
class LongHangTask(ReportTask):
    """stuck.pdf announces a limit of 7 s, as run_report does once it has counted the pages
    (base 3 s + 4 more pages × 1 s), as started 8 s ago, then hangs where SIGALRM cannot reach."""

    def __call__(self, path: str):
        if Path(path).name == "stuck.pdf":
            worker._tell(path, time.monotonic() - 8.0, 7.0)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(600)
        return super().__call__(path)


def test_the_limit_a_worker_announces_reaches_the_watchdog(tmp_path, monkeypatch):
    """Through the pool's pipe: stuck.pdf is killed on the 7 s it announced, not the base's 3 s.
    Announced as started 8 s ago, it passes 7 s + 2 s of grace about a second later (when the
    watchdog kills, on its clock: the test above)."""
    monkeypatch.setattr(executors, "STUCK_GRACE_S", 2.0)
    task = LongHangTask(out=str(tmp_path / "out"), acceptances=[], timeout=3.0)
    landed = {Path(x.report["source_path"]).name: x.report
              for x in executors.run_pool(_stuck_inbox(tmp_path), task, workers=2, in_flight_per_worker=2)}
    assert landed["stuck.pdf"]["error"] == STUCK_ERROR.replace("3 s", "7 s")
    assert landed["a.pdf"]["status"] == landed["b.pdf"]["status"] == "ok", (landed["a.pdf"], landed["b.pdf"])


def test_dask_kills_a_report_stuck_in_native_code(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from pipeline.dask_executor import run_on_cluster

    monkeypatch.setattr(executors, "STUCK_GRACE_S", 2.0)  # the worker is this process (threads)
    task = NativeHangTask(out=str(tmp_path / "out"), acceptances=[], timeout=3.0)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        started = time.monotonic()
        landed = {Path(x.report["source_path"]).name: x.report
                  for x in run_on_cluster(_stuck_inbox(tmp_path), task, client)}
    assert time.monotonic() - started < 120
    assert (landed["stuck.pdf"]["status"], landed["stuck.pdf"]["error"]) == ("failed", STUCK_ERROR)
    assert landed["a.pdf"]["status"] == landed["b.pdf"]["status"] == "ok", (landed["a.pdf"], landed["b.pdf"])


# --- PDF bombs fail alone, with their reason, in every mode ----------------------------------------
MEMORY_MB = 2048  # low, so the tests do not eat the machine (the default is 6144 per worker)
LIMITS = ["--memory-limit", str(MEMORY_MB), "--timeout", "45", "--timeout-per-page", "0", "--no-progress"]


def test_ocr_renders_within_the_pixel_budget():
    assert render_dpi(595, 842, 200) == 200  # A4: 3.9 Mpx
    dpi = render_dpi(14_400, 14_400, 200)
    assert dpi < 200 and (14_400 * dpi / 72) ** 2 == pytest.approx(MAX_PIXELS)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("bombs")
    (inbox / "image.pdf").write_bytes(huge_image_pdf())
    (inbox / "content.pdf").write_bytes(content_bomb_pdf())
    (inbox / "deep.pdf").write_bytes(deep_page_tree_pdf())
    (inbox / "million.pdf").write_bytes(million_objects_pdf())
    shutil.copy(corpus_pdf(GOOD_PDF), inbox / "good.pdf")
    return inbox


def _reports(out: Path) -> pd.DataFrame:
    frames = [read_dataset(out, "reports"), read_dataset(out / "quarantine", "reports")]
    rows = pd.concat([f for f in frames if len(f)], ignore_index=True)
    return rows.set_index(rows.source_path.map(lambda p: Path(p).name))


def _each_bomb_failed_alone(out: Path, image_may_run_out: bool = False) -> None:
    reports = _reports(out)
    assert sorted(reports.index) == ["content.pdf", "deep.pdf", "good.pdf", "image.pdf", "million.pdf"]
    why = reports.error.to_dict()
    # 2 GB of drawing operators: over the memory limit (a MemoryError, or PDFium aborting)
    assert reports.status["content.pdf"] == "failed" and f"{MEMORY_MB} MB memory limit" in why["content.pdf"], why
    # recursion, not a crash
    assert reports.status["deep.pdf"] == "failed"
    assert why["deep.pdf"].startswith("corrupt: cannot parse the PDF (maximum recursion depth exceeded"), why
    # a million line objects: the time limit or the memory limit, whichever comes first
    assert reports.status["million.pdf"] == "failed"
    assert why["million.pdf"] == "timed out after 45 s" or f"{MEMORY_MB} MB memory limit" in why["million.pdf"], why
    # the 30,000² image on a 200-inch page: OCRed at a lower resolution, with a warning. On Dask the
    # report's child is forked from a Dask worker and inherits its address space, so decoding the
    # image may hit the memory limit first: then it fails alone, with that one-line reason.
    if image_may_run_out and reports.status["image.pdf"] == "failed":
        assert f"{MEMORY_MB} MB memory limit" in why["image.pdf"] and "\n" not in why["image.pdf"], why
    else:
        assert reports.status["image.pdf"] == "ok", why
        assert "page 1 OCRed at 14 dpi, not 200: 14400 x 14400 pt is over the 8 Mpx render budget" in \
            reports.warnings["image.pdf"]
    for name in ("content.pdf", "deep.pdf", "million.pdf"):
        assert "\n" not in why[name] and len(why[name]) < 200, why[name]  # one line
    assert reports.status["good.pdf"] == "ok"
    assert (read_dataset(out, "budget_lines").report_id == reports.report_id["good.pdf"]).sum() > 100


@pytest.mark.slow
def test_pdf_bombs_fail_alone_in_a_pool(bombs, tmp_path):
    assert main(["ingest", str(bombs), "--out", str(tmp_path), "--workers", "2", *LIMITS]) == 1
    _each_bomb_failed_alone(tmp_path)


@pytest.mark.slow
def test_pdf_bombs_fail_alone_with_one_worker(bombs, tmp_path):
    assert main(["ingest", str(bombs), "--out", str(tmp_path), "--workers", "1", *LIMITS]) == 1
    _each_bomb_failed_alone(tmp_path)


@pytest.mark.slow
def test_pdf_bombs_fail_alone_on_dask(bombs, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None) as cluster:
        code = main(["ingest", str(bombs), "--out", str(tmp_path), "--dask", cluster.scheduler_address,
                     *LIMITS])
    assert code == 1
    _each_bomb_failed_alone(tmp_path, image_may_run_out=True)
