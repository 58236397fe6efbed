"""What every check module is given: one report under check, and what is derived from it once.

Each module of validate/ exposes `checks(report, settings) -> list[Comparison | CheckResult]`
(Comparisons are run by Great Expectations after validate/structure.py has kept those the printed
numbers confirm; CheckResults are final). The budget-table lines and the prose figures are derived
here once per report and shared, so no module converts or parses them again."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass
class Report:
    rows: object  # normalize.rows.ReportRows
    doc: object  # extract.model.Document

    @cached_property
    def table_lines(self) -> list:
        """The money lines of 决算 / 预算 tables as validate/budget_table.Line (units known or not)."""
        from validate.budget_table import lines_of
        return lines_of(self.rows.budget_lines)

    @cached_property
    def figures(self) -> list:
        """The figures the report's prose states (validate/prose_checks.Figure)."""
        from validate.prose_checks import figures_of
        return figures_of(self.doc)
