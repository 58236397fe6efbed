"""The registry of table families: each scores a table's anatomy; the best score wins."""
from __future__ import annotations

from extract.model import Table
from normalize.anatomy import Anatomy
from normalize.families.base import MIN_SCORE, Family, FamilyRows
from normalize.families.budget_table import BudgetTable
from normalize.families.packed import PackedIndicators
from normalize.families.performance import PERFORMANCE_FAMILIES

# Each family's name is the `tables.kind` of the tables it reads.
FAMILIES: tuple[Family, ...] = (PackedIndicators(), *PERFORMANCE_FAMILIES, BudgetTable())


def best_family(table: Table, anatomy: Anatomy) -> tuple[Family | None, float]:
    """The family that fits best, or (None, best score) when none reaches MIN_SCORE."""
    scored = [(f.score(table, anatomy), i, f) for i, f in enumerate(FAMILIES)]
    score, _, family = max(scored, key=lambda s: (s[0], -s[1]))
    return (family if score >= MIN_SCORE else None), score


__all__ = ["FAMILIES", "Family", "FamilyRows", "best_family"]
