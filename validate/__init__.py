"""Rules, not PDFs: GX suites over the rows (one per table kind) and document checks in plain Python.

`validate_report(rows, doc)` returns every CheckResult of one report; an `error` that failed and was
not accepted keeps the report out of the landed datasets.
"""
from __future__ import annotations

from validate.acceptance import apply_acceptances, load_acceptances, record_acceptance
from validate.result import CheckResult, blocking
from validate.settings import DEFAULT, ValidateSettings

__all__ = ["CheckResult", "DEFAULT", "ValidateSettings", "apply_acceptances", "blocking",
           "load_acceptances", "record_acceptance", "validate_report"]


def validate_report(rows, doc, settings: ValidateSettings = DEFAULT) -> list[CheckResult]:
    """All checks of one report: table arithmetic (GX), prose against tables, document consistency,
    OCR confidence."""
    from validate import headlines
    from validate import (budget_execution, coverage, document, final_accounts, forms, gx_suites, indicators,
                          ocr_confidence, prose_checks, structure)

    lines = rows.budget_lines
    comparisons = []
    comparisons += budget_execution.comparisons(lines, settings, rows.tables)
    comparisons += final_accounts.comparisons(lines, settings)
    figures = prose_checks.figures_of(doc)
    comparisons += prose_checks.comparisons(figures, lines, settings)
    form_checks = forms.comparisons(rows, settings)
    comparisons += [c for c in form_checks if not isinstance(c, CheckResult)]
    comparisons, unconfirmed = structure.confirmed(comparisons, settings)
    results = gx_suites.run(comparisons, use_gx=settings.use_gx) + unconfirmed
    results += [c for c in form_checks if isinstance(c, CheckResult)]
    results += forms.deviation_checks(rows, settings)
    results += forms.grade_checks(rows.report, settings)
    results += coverage.checks(rows, settings)
    results += prose_checks.word_checks(figures, settings)
    results += indicators.checks(rows.indicators, settings)
    results += document.checks(rows, doc, settings)
    results += ocr_confidence.checks(rows.cells, settings)
    results += headlines.checks(getattr(rows, "headlines", None), settings)
    return results
