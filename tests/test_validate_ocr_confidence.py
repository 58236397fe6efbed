"""ocr.low_confidence: a warning check per OCR cell read below the threshold, saying where it is."""
import pandas as pd

from normalize.rows import frame
from validate import ValidateSettings, ocr_confidence


def cells(*rows):
    base = dict(report_id="r", table_id="r-t01", row_span=1, col_span=1)
    return frame("cells", [{**base, **r} for r in rows])


def test_each_unsure_cell_is_a_failed_warning_naming_page_cell_and_box():
    got = ocr_confidence.cell_checks(cells(
        dict(row=0, col=0, text="达成指标", page=5, x0=10.0, top=20.0, x1=60.0, bottom=35.0, confidence=0.42),
        dict(row=0, col=1, text="100%", page=5, x0=60.0, top=20.0, x1=90.0, bottom=35.0, confidence=0.97),
        dict(row=1, col=0, text="", page=5, x0=10.0, top=35.0, x1=60.0, bottom=50.0, confidence=None),
    ), ValidateSettings())
    assert len(got) == 1
    (c,) = got
    assert (c.check, c.severity, c.passed, c.page, c.table_id) == ("ocr.low_confidence", "warning", False, 5, "r-t01")
    assert (c.observed, c.expected) == ("0.42: 达成指标", "≥ 0.80")
    assert c.message.endswith("page 5, row 0 col 0, box (10, 20, 60, 35)")
    assert not c.blocking


def test_a_confident_scan_passes_once_and_a_text_pdf_has_no_check():
    sure = cells(dict(row=0, col=0, text="合计", page=1, x0=0.0, top=0.0, x1=9.0, bottom=9.0, confidence=0.99))
    assert [(c.passed, c.observed) for c in ocr_confidence.cell_checks(sure, ValidateSettings())] == [(True, "lowest 0.99")]
    text_pdf = cells(dict(row=0, col=0, text="合计", page=1, x0=0.0, top=0.0, x1=9.0, bottom=9.0, confidence=None))
    assert ocr_confidence.cell_checks(text_pdf, ValidateSettings()) == []
    assert ocr_confidence.cell_checks(pd.DataFrame(), ValidateSettings()) == []
