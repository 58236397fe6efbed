"""Tunable numbers of the extract stage, each named and explained once."""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ExtractSettings:
    # --- characters and text ---
    dedupe_tolerance: float = 1.0  # fake-bold glyphs printed twice within this many points are one glyph
    space_gap: float = 3.0  # a horizontal gap wider than this (points) between glyphs is a space (pdfplumber's x_tolerance)
    line_split_em: float = 6.0  # a gap wider than this many font sizes splits a text line into two (left/right blocks)

    # --- ruled tables (pdfplumber's lines strategy, see extract/ruled.py table_boxes) ---
    snap_tolerance: float = 3.0  # rules closer than this are snapped onto one line
    join_tolerance: float = 3.0  # collinear rule pieces with gaps up to this are joined
    intersection_tolerance: float = 3.0  # how far rules may miss each other and still cross
    edge_min_length: float = 3.0  # shorter rule pieces are ignored
    background_rect_min: float = 2.0  # a filled, unstroked rect thicker than this both ways is a background, not a rule
    grid_tolerance: float = 2.0  # cell edges closer than this are the same grid line
    hole_min_ruled_sides: int = 3  # a grid region no cell covers becomes a cell when rules draw this many of its sides (extract/cell_repair.py)
    overflow_gap_em: float = 0.1  # a glyph past a cell's rule still belongs to it when its gap to the run differs from the run's letter spacing by at most this many font sizes
    overflow_baseline_tolerance: float = 0.5  # glyphs whose bottoms differ by at most this many points share a baseline

    # --- tables without rules (text alignment) ---
    column_gap_em: float = 1.5  # a gap of this many font sizes separates two columns of one text row
    unruled_min_rows: int = 3  # fewer aligned rows are not a table
    unruled_min_cols: int = 3  # fewer columns are not a table (prose rarely has 3 aligned gaps)
    unruled_row_gap_em: float = 2.5  # rows of one table are at most this many font sizes apart

    # --- captions and headings ---
    caption_window: float = 90.0  # title / unit lines sit at most this many points above a table
    heading_max_chars: int = 40  # a longer line is prose, not a heading or caption

    # --- stitching across pages ---
    stitch_x_tolerance: float = 4.0  # column edges of two pieces within this many points are the same column
    page_margin_ratio: float = 0.08  # lines in the top/bottom margin (running headers, page numbers) are ignored
    short_line_chars: int = 6  # lines this short (page numbers, "续表") do not stop a table from continuing
    full_cell_em: float = 2.0  # text ending within this many font sizes of both cell sides fills the cell (may wrap on)

    # --- scanned pages (OCR) ---
    ocr_min_chars: int = 10  # a page with an image and fewer text-layer characters than this is a scan and is OCRed
    ocr_dpi: float = 200.0  # render resolution: 10.5 pt table text is ~29 px high, well inside what PP-OCR reads
    ocr_max_skew: float = 2.0  # degrees; scans are straightened by up to this much (a fraction of a degree is usual)
    ocr_rule_min_length: float = 20.0  # points; a straight stroke this long is a ruling line (glyph strokes are shorter)
    ocr_threads: int = 1  # onnxruntime threads per process; batch workers already use every core

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"ExtractSettings.{f.name} must be a number, got {value!r}")
            if value < 0:
                raise ValueError(f"ExtractSettings.{f.name} must be >= 0, got {value!r}")
        if self.unruled_min_rows < 2 or self.unruled_min_cols < 2:
            raise ValueError("ExtractSettings.unruled_min_rows/unruled_min_cols must be >= 2")
        if self.ocr_dpi < 72 or self.ocr_threads < 1:
            raise ValueError("ExtractSettings.ocr_dpi must be >= 72 and ocr_threads >= 1")
        if not 0 <= self.page_margin_ratio < 0.5:
            raise ValueError("ExtractSettings.page_margin_ratio must be in [0, 0.5)")


DEFAULT = ExtractSettings()
