"""Scanned reports: image-only copies of the samples (rendered, tilted, noisy, JPEG) must give the
same rows as the text PDFs; a real scan of prose gives OCR text and no tables.

OCR is slow on this machine (seconds per page), so every scanned PDF is made and read once per
module (module-scoped fixtures) and the OCR tests are few.
"""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from conftest import corpus_pdf
from extract import ExtractSettings, read_document
from extract.cell_text import tighten
from extract.ocr.engine import LOAD_LOG_ENV
from extract.ocr.grid import (
    PageFrame, box_glyph, fix_widths, ocr_tables, rotate, rule_edges, rule_masks, rule_segments, skew_angle,
    binarize,
)
from pipeline.process import process
from validate import ValidateSettings, ocr_confidence

DPI = 200


def make_scan(src: Path, dst: Path, pages: list[int] | None = None, seed: int = 6) -> Path:
    """An image-only PDF of `src` (0-based `pages`, default all) as a scanner makes it: each page
    rendered at 200 dpi, tilted by 0.15-0.5 degrees, with Gaussian noise and JPEG artefacts."""
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(src))
    images = []
    for i in pages if pages is not None else range(len(doc)):
        img = doc[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
        angle = float(rng.uniform(0.15, 0.5) * rng.choice([-1, 1]))
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
        noisy = np.asarray(img, dtype=np.float32) + rng.normal(0, 6.0, (img.height, img.width))
        buf = io.BytesIO()
        Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=70)
        images.append(Image.open(io.BytesIO(buf.getvalue())))
    doc.close()
    images[0].save(dst, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
    return dst


# --- the seed report, every page scanned, through the whole pipeline -------------------------

@pytest.fixture(scope="module")
def seed_results(seed_pdf, tmp_path_factory):
    scan = make_scan(seed_pdf, tmp_path_factory.mktemp("ocr") / "seed-scan.pdf")
    return process(seed_pdf), process(scan)


@pytest.mark.slow
def test_scanned_seed_gives_the_text_pdf_indicators(seed_results):
    text, ocr = seed_results
    assert ocr.report["text_source"] == "ocr" and text.report["text_source"] == "text"
    assert ocr.status == "ok", ocr.report.get("error")
    fields = ["name", "target_raw", "actual_raw"]
    want = text.rows.indicators[fields].fillna("").values.tolist()
    got = ocr.rows.indicators[fields].fillna("").values.tolist()
    assert len(got) == len(want) == 161
    # spaces beside Han characters, which print does not show, are dropped on both paths (tighten)
    same = sum(g == w for g, w in zip(got, want))
    assert same >= 0.97 * len(want), f"only {same} of {len(want)} rows match exactly"


@pytest.mark.slow
def test_scanned_seed_gives_every_budget_value(seed_results):
    text, ocr = seed_results
    key = ["line_label", "measure"]

    def values(result):
        return {tuple(r[:2]): Decimal(r[2]) for r in result.rows.budget_lines[key + ["value"]].astype(str).values}

    assert len(ocr.rows.budget_lines) == 12
    assert values(ocr) == values(text)


@pytest.mark.slow
def test_low_confidence_cells_become_warning_checks(seed_results):
    """A cell OCR read below 0.80 is a warning naming its page, row and column; one at 0.80 or
    above is not, and warnings never quarantine. The clean seed scan has no such cell: one passed
    check. Its own cells with confidences set by hand show the line: 0.42 and 0.79 warn, 0.80 not."""
    text, ocr = seed_results
    (check,) = [c for c in ocr.checks if c.check == "ocr.low_confidence"]
    assert (check.severity, check.passed, check.expected) == ("warning", True, "≥ 0.80")
    assert ocr.status == "ok"

    cells = ocr.rows.cells.copy()
    cells.loc[cells.confidence.notna(), "confidence"] = 0.95
    for label, confidence in [("全年预算数", 0.42), ("全年执行数", 0.79), ("执行率", 0.80)]:
        cells.loc[cells.text == label, "confidence"] = confidence  # the budget table's header, p. 9
    warned = ocr_confidence.cell_checks(cells, ValidateSettings())
    assert [(c.check, c.severity, c.passed, c.blocking, c.page, c.observed, c.expected) for c in warned] == [
        ("ocr.low_confidence", "warning", False, False, 9, "0.42: 全年预算数", "≥ 0.80"),
        ("ocr.low_confidence", "warning", False, False, 9, "0.79: 全年执行数", "≥ 0.80"),
    ]
    assert "compare it with the scan: page 9, row 0 col 1, box (" in warned[0].message
    assert "compare it with the scan: page 9, row 0 col 2, box (" in warned[1].message
    # the threshold is a setting: at 0.90 the 0.80 cell warns too, at 0.96 every OCR cell does
    assert [c.observed for c in ocr_confidence.cell_checks(cells, ValidateSettings(ocr_min_confidence=0.90))] == [
        "0.42: 全年预算数", "0.79: 全年执行数", "0.80: 执行率"]
    strict = ocr_confidence.cell_checks(cells, ValidateSettings(ocr_min_confidence=0.96))
    assert len(strict) == cells.confidence.notna().sum() > 10
    assert ocr_confidence.cell_checks(text.rows.cells, ValidateSettings()) == []  # text PDF: no OCR


@pytest.mark.slow
def test_scanned_seed_cells_carry_confidence_and_page_points(seed_results):
    text, ocr = seed_results
    cells = ocr.rows.cells
    filled = cells[cells.text.fillna("") != ""]
    # a merged label carried over a page break (see extract/stitch.py) was not read there: None
    assert filled.confidence.notna().mean() > 0.97
    assert filled.confidence.dropna().between(0.5, 1).all() and filled.confidence.mean() > 0.95
    assert text.rows.cells.confidence.isna().all()
    # the 全年预算数 header cell lies where the text PDF has it, within the scan's tilt
    want = text.rows.cells[text.rows.cells.text == "全年预算数"].iloc[0]
    got = cells[cells.text == "全年预算数"].iloc[0]
    assert got.page == want.page
    for side in ("x0", "top", "x1", "bottom"):
        assert abs(got[side] - want[side]) < 6, side


# --- a mixed document: the project sample with its last two pages scanned ---------------------

@pytest.fixture(scope="module")
def mixed_pdf(project_pdf, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    scan = make_scan(project_pdf, folder / "scan.pdf", pages=[2, 3], seed=7)
    out = pdfium.PdfDocument.new()
    text_doc, scan_doc = pdfium.PdfDocument(str(project_pdf)), pdfium.PdfDocument(str(scan))
    out.import_pages(text_doc, [0, 1])
    out.import_pages(scan_doc)
    path = folder / "mixed.pdf"
    out.save(str(path))
    for d in (out, text_doc, scan_doc):
        d.close()
    return path


@pytest.fixture(scope="module")
def mixed_doc(mixed_pdf):
    return read_document(mixed_pdf)


@pytest.mark.slow
def test_mixed_document_ocrs_only_its_scanned_pages(mixed_doc, project_pdf):
    assert mixed_doc.pages_without_text == [3, 4]
    assert mixed_doc.text_source == "mixed"
    assert mixed_doc.warnings[0] == "no text layer on pages 3, 4 (scanned; OCRed)"
    text_doc = read_document(project_pdf)
    assert [t.strategy for t in mixed_doc.tables] == ["ruled", "ocr", "ocr"]
    for got, want in zip(mixed_doc.tables[1:], text_doc.tables[1:]):
        assert (got.title, got.page_start, got.n_rows, got.n_cols) == (want.title, want.page_start, want.n_rows, want.n_cols)
        same = sum(tighten(g.text) == tighten(w.text) for g, w in zip(got.cells, want.cells))
        assert same >= 0.97 * len(want.cells), f"{same} of {len(want.cells)} cells read right"
        # same merged cells in the same places (PDF points, within the scan's tilt)
        for g, w in zip(got.cells, want.cells):
            assert (g.row, g.col, g.row_span, g.col_span) == (w.row, w.col, w.row_span, w.col_span)
            assert max(abs(g.x0 - w.x0), abs(g.top - w.top), abs(g.x1 - w.x1), abs(g.bottom - w.bottom)) < 6


# --- a real scan of prose ------------------------------------------------------------------

@pytest.mark.slow
def test_real_scan_of_prose_gives_text_lines_and_no_tables():
    doc = read_document(corpus_pdf("scanned-chinese-prose-2p.pdf"))
    assert doc.text_source == "ocr" and doc.tables == [] and doc.pages_without_text == [1, 2]
    for page in (1, 2):
        text = doc.page_text(page)
        han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        assert han > 200, (page, text[:200])
    assert all(0 <= ln.x0 < ln.x1 <= 600 and 0 <= ln.top < ln.bottom <= 850 for ln in doc.lines)


# --- the pieces, on drawn images (no OCR model) --------------------------------------------

def _drawn_table(angle: float = 0.0) -> np.ndarray:
    """A white A4 page at 200 dpi with a 3×3 ruled table whose first row is one merged cell."""
    img = np.full((2339, 1654), 255, np.uint8)
    xs, ys = [200, 600, 1000, 1400], [400, 480, 560, 640]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[1] if x in xs[1:-1] else ys[0]), (x, ys[-1]), 0, 2)
    cv2.putText(img, "Some running text above the table", (200, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    return rotate(img, angle)


def test_skew_is_found_and_undone():
    tilted = _drawn_table(0.4)
    angle = skew_angle(binarize(tilted), 2.0)
    assert angle == pytest.approx(-0.4, abs=0.06)
    assert skew_angle(binarize(rotate(tilted, angle)), 2.0) == pytest.approx(0.0, abs=0.06)


def test_rules_become_the_ruled_table_grid_with_merged_cells():
    img = _drawn_table()
    h, v = rule_masks(binarize(img, light=True), 55)
    frame = PageFrame(scale=72 / DPI)
    edges = rule_edges(rule_segments(h, v, 8), frame)
    glyphs = [box_glyph("合并标题", frame.box(700, 420, 900, 460), 0.99),
              box_glyph("甲", frame.box(300, 500, 340, 540), 0.9), box_glyph("12", frame.box(700, 580, 760, 620), 0.7)]
    (table,) = ocr_tables(edges, glyphs, 1, ExtractSettings())
    assert table.strategy == "ocr" and (table.n_rows, table.n_cols) == (3, 3)
    assert table.text_grid() == [["合并标题"] * 3, ["甲", "", ""], ["", "12", ""]]
    top = table.cells[0]
    assert (top.col_span, top.confidence) == (3, pytest.approx(0.99))
    assert top.x0 == pytest.approx(200 * 72 / DPI, abs=1) and top.bottom == pytest.approx(480 * 72 / DPI, abs=1)
    assert [c.confidence for c in table.cells if not c.text] == [None] * 4


def test_bracket_widths_follow_chinese_typesetting():
    assert fix_widths("(2）其他资金") == "（2）其他资金"
    assert fix_widths("全年(按日完成)") == "全年（按日完成）"
    assert fix_widths("=350.00(万)") == "=350.00(万)"
    assert fix_widths("效益指标(30分)") == "效益指标（30分）"
    assert fix_widths("临时场地,2025年;263,254.00") == "临时场地，2025年；263,254.00"
    assert fix_widths("(一) 履职完成情况") == "(一) 履职完成情况"


def _word_scan(path: Path, words: str) -> Path:
    """A one-page image-only PDF holding one printed line: cheap to OCR, but OCR it must be."""
    img = np.full((1169, 827), 255, np.uint8)  # A4 at 100 dpi
    cv2.putText(img, words, (80, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    Image.fromarray(img).save(path, "PDF", resolution=100)
    return path


@pytest.mark.slow
def test_the_model_is_loaded_once_per_worker_across_a_two_worker_run(tmp_path):
    """Four scanned reports through `ingest --workers 2`: each worker that OCRs loads the model
    once (counted by extract/ocr/engine.py in the file BUDGETPERF_OCR_LOAD_LOG names), never per
    page or per report, and the coordinator never loads it."""
    import json
    import os
    import subprocess
    import sys

    from conftest import ROOT

    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(4):
        _word_scan(inbox / f"scan{i}.pdf", f"Budget report {2021 + i}")
    loads, out = tmp_path / "loads.txt", tmp_path / "out"
    env = {**os.environ, LOAD_LOG_ENV: str(loads), "GX_ANALYTICS_ENABLED": "false"}
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(inbox), "--out", str(out),
                            "--workers", "2", "--no-progress"], cwd=ROOT, env=env, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = run.communicate(timeout=600)
    assert run.returncode == 0, output
    log = next(p for p in (out / "runs").glob("*.jsonl") if p.name != "runs.jsonl")
    events = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    reports = [e for e in events if e["event"] == "report"]
    assert len(reports) == 4 and all(e["status"] == "ok" for e in reports)
    workers = {int(e["worker"].rsplit(":", 1)[1]) for e in reports}
    loaded = [int(pid) for pid in loads.read_text().split()]
    assert len(workers) <= 2
    assert sorted(loaded) == sorted(workers)  # one load in each worker that read a scan, no more
    assert len(loaded) < len(reports)  # so at least one worker read a second scan without a reload
    assert run.pid not in loaded  # the coordinator


def test_folded_models_compute_what_the_bundled_models_compute():
    """fold_affine_chains turns PP-LCNetV3's affine blocks and hardswish chains into conv weights
    and fusable nodes: fewer nodes, and on a line crop and a page the outputs of the bundled
    recogniser and detector to within float rounding."""
    import onnxruntime as ort
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    from extract.ocr.engine import _onnx_messages, engine, fold_affine_chains

    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
    line = np.full((48, 480), 255, np.uint8)
    cv2.putText(line, "2024 budget 35.6%", (6, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    page = np.full((480, 352), 255, np.uint8)
    cv2.putText(page, "Budget 2024", (20, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    for part, gray in (("Rec", line), ("Det", page)):
        raw = Path(config[part]["model_path"]).read_bytes()
        folded, count = fold_affine_chains(raw)
        nodes = [len(_onnx_messages()["ModelProto"].FromString(m).graph.node) for m in (raw, folded)]
        assert count > 20 and nodes[1] < nodes[0] - 2 * count
        x = (np.repeat(gray[None, None], 3, axis=1).astype(np.float32) / 255 - 0.5) / 0.5
        want, got = (ort.InferenceSession(m, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
                     for m in (raw, folded))
        assert got.shape == want.shape and np.abs(got - want).max() < 1e-4
    assert engine(1).folded == 2  # the engine runs both folded models


def test_an_engine_whose_models_cannot_be_folded_runs_them_as_shipped(monkeypatch):
    """Folding reaches into rapidocr's session wrapper; if a release moves it, OCR still reads."""
    from extract.ocr import engine as ocr_engine

    def moved(*_):
        raise AttributeError("'OrtInferSession' object has no attribute 'session'")

    monkeypatch.setattr(ocr_engine, "_fold_sessions", moved)
    shipped = ocr_engine.RapidOcrEngine(threads=1)
    assert shipped.folded == 0
    line = np.full((48, 480), 255, np.uint8)
    cv2.putText(line, "2024 budget", (6, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    assert "2024" in "".join(b.text for b in shipped.recognize(line))


# --- every scan lands with its rows ------------------------------------------------------------

@pytest.mark.slow
def test_the_scanned_project_sample_lands_with_its_rows(project_pdf, tmp_path):
    """The project sample (three projects, national template) scanned whole: it lands, with every
    funding line of the text PDF, value for value, and its indicator rows."""
    text = process(project_pdf)
    scan = process(make_scan(project_pdf, tmp_path / "project-scan.pdf", seed=11))
    assert scan.report["text_source"] == "ocr" and scan.status == text.status == "ok", scan.report.get("error")
    key = ["line_label", "measure", "value", "unit"]
    assert sorted(map(tuple, scan.rows.budget_lines[key].astype(str).values)) == \
        sorted(map(tuple, text.rows.budget_lines[key].astype(str).values))
    assert len(scan.rows.indicators) == len(text.rows.indicators) == 31
    fields = ["name", "target_raw", "actual_raw"]
    same = sum(g == w for g, w in zip(scan.rows.indicators[fields].fillna("").values.tolist(),
                                      text.rows.indicators[fields].fillna("").values.tolist()))
    assert same >= 0.9 * 31


@pytest.mark.slow
@pytest.mark.parametrize("name", ["scanned-chinese-prose-2p.pdf", "real/beijing-2026-data-bureau-budget-scanned.pdf",
                                  "real/changsha-2023-traffic-police-fund-evaluation-scanned.pdf"])
def test_every_scanned_corpus_document_lands(name):
    result = process(corpus_pdf(name))
    assert result.report["text_source"] == "ocr" and result.status == "ok", result.report.get("error")
    assert result.rows.report["page_count"] >= 2
