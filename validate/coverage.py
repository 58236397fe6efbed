"""What normalize could not read, as warnings a reviewer sees: a table of numbers that fits no
family, an indicator header with no rows under it, amounts without a unit. Nothing is dropped
silently."""
from __future__ import annotations

from validate.result import CheckResult
from validate.settings import ValidateSettings


def checks(report, settings: ValidateSettings) -> list[CheckResult]:
    rows = report.rows
    return [CheckResult("coverage.unread", settings.document_severity, False,
                        observed=n.get("table_id"), expected="every table read",
                        message=n["message"], page=n.get("page"), table_id=n.get("table_id"))
            for n in getattr(rows, "notes", None) or []]
