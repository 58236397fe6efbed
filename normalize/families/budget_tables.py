"""部门决算 / 部门预算 tables (收支总表, 支出表 with 类/款/项, 三公经费 …) → budget lines."""
from __future__ import annotations

from extract.model import Table
from normalize import final_accounts
from normalize.anatomy import Anatomy
from normalize.families.base import Family, FamilyRows


class BudgetTables(Family):
    name = "final_accounts"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        return 0.8 if final_accounts.is_final_accounts_table(table) else 0.0

    def rows(self, table: Table, anatomy: Anatomy, context: dict) -> FamilyRows:
        ctx = {k: v for k, v in context.items() if k != "state"}
        return FamilyRows(budget_lines=final_accounts.budget_lines(table, ctx))
