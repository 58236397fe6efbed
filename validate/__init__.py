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
    """All checks of one report. Every check module takes the same arguments (the report under
    check, the settings) and returns Comparisons and CheckResults; the comparisons the printed
    numbers confirm (validate/structure.py) run in one Great Expectations call."""
    from validate import (budget_execution, budget_table, coverage, document, forms, gx_suites, headlines,
                          indicators, ocr_confidence, prose_checks, structure)
    from validate.comparisons import Comparison
    from validate.report import Report

    report = Report(rows, doc)
    found = [x for module in (budget_execution, budget_table, prose_checks, forms, coverage, indicators,
                              document, ocr_confidence, headlines)
             for x in module.checks(report, settings)]
    comparisons, unconfirmed = structure.confirmed([x for x in found if isinstance(x, Comparison)], settings)
    return gx_suites.run(comparisons, use_gx=settings.use_gx) + unconfirmed + \
        [x for x in found if isinstance(x, CheckResult)]
