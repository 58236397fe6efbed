"""One validation outcome, as the `checks` dataset stores it."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CheckResult:
    check: str  # stable dotted name, e.g. budget.execution_rate
    severity: str  # error (blocks landing) | warning
    passed: bool
    observed: str | None = None
    expected: str | None = None
    message: str = ""
    page: int | None = None
    table_id: str | None = None

    def as_row(self, report_id: str) -> dict:
        return {"report_id": report_id, "accepted": False, **asdict(self)}
