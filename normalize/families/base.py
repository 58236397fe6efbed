"""One recogniser per table family behind one interface: `score` says how well a table fits,
`rows` turns it into rows. The best score wins; below `MIN_SCORE` the table is `other`."""
from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import Table
from normalize.anatomy import Anatomy

MIN_SCORE = 0.5


@dataclass
class FamilyRows:
    indicators: list[dict] = field(default_factory=list)
    budget_lines: list[dict] = field(default_factory=list)
    report: dict = field(default_factory=dict)  # what the table says of the report: total_score, grade, unit_name
    notes: list[str] = field(default_factory=list)  # what could not be read, for coverage warnings


class Family:
    """A table family. `context` carries report_id, table_id, section, table_title, and
    `state`, a dict shared by the tables of one document (a project named by one table and
    continued by the next, a row split over a page break)."""

    name = "other"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        raise NotImplementedError

    def rows(self, table: Table, anatomy: Anatomy, context: dict) -> FamilyRows:
        raise NotImplementedError
