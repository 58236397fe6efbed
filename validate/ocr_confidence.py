"""Cells the OCR read unsurely: one warning check per cell below the threshold, naming where it is,
so a reviewer compares just those cells with the scan."""
from __future__ import annotations

import pandas as pd

from validate.result import CheckResult
from validate.settings import ValidateSettings

CHECK = "ocr.low_confidence"
_TEXT_CHARS = 40  # enough of the cell's text to find it on the page


def checks(report, settings: ValidateSettings) -> list[CheckResult]:
    return cell_checks(report.rows.cells, settings)


def cell_checks(cells: pd.DataFrame, settings: ValidateSettings) -> list[CheckResult]:
    """For a report with OCR cells: a failed warning per low-confidence cell, else one pass."""
    read = cells[cells.confidence.notna()] if "confidence" in cells else cells.iloc[0:0]
    if read.empty:
        return []
    low = read[read.confidence < settings.ocr_min_confidence]
    expected = f"≥ {settings.ocr_min_confidence:.2f}"
    if low.empty:
        return [CheckResult(CHECK, "warning", True, observed=f"lowest {read.confidence.min():.2f}",
                            expected=expected, message=f"all {len(read)} OCR cells read confidently")]
    out = []
    for c in low.itertuples():
        text = c.text if len(c.text) <= _TEXT_CHARS else c.text[:_TEXT_CHARS] + "…"
        out.append(CheckResult(
            CHECK, "warning", False, observed=f"{c.confidence:.2f}: {text}", expected=expected,
            message=(f"OCR read this cell with low confidence; compare it with the scan: page {c.page}, "
                     f"row {c.row} col {c.col}, box ({c.x0:.0f}, {c.top:.0f}, {c.x1:.0f}, {c.bottom:.0f})"),
            page=int(c.page), table_id=c.table_id,
        ))
    return out
