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
    accepted: bool = False  # a reviewer confirmed the failure is the publisher's, not ours

    @property
    def blocking(self) -> bool:
        """True when this result keeps the report out of the landed datasets."""
        return self.severity == "error" and self.passed is False and not self.accepted  # None: not applied

    def as_row(self, report_id: str) -> dict:
        return {"report_id": report_id, **asdict(self)}


def blocking(results: list[CheckResult]) -> list[CheckResult]:
    """The failed, unaccepted error checks: a report with any of these goes to quarantine."""
    return [r for r in results if r.blocking]
