"""部门决算 / 部门预算 tables (收支总表, 支出表 with 类/款/项, 三公经费 …) → budget lines.

The lines carry what the table anatomy decided, for validate to key on: `budget_table` (which
standard table), `logical_table` (the first piece of a table continued over pages), and per
column `measure_path` / `parent_path` / `measure_role` (the measure hierarchy of the header)."""
from __future__ import annotations

from extract.model import Table
from normalize import final_accounts
from normalize.anatomy import Anatomy
from normalize.families.base import Family, FamilyRows


class BudgetTables(Family):
    name = "final_accounts"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        if final_accounts.is_final_accounts_table(table):
            return 0.8
        # a page of coded rows without header or caption: the continuation of the table before
        return 0.6 if final_accounts.looks_continued(table) else 0.0

    def rows(self, table: Table, anatomy: Anatomy, context: dict) -> FamilyRows:
        state = context.get("state")
        ctx = {k: v for k, v in context.items() if k != "state"}
        lines = final_accounts.budget_lines(table, ctx, state=state if isinstance(state, dict) else None,
                                            declared_unit=anatomy.unit)
        notes = []
        if any(ln["unit"] is None for ln in lines):
            notes.append(f"amounts without a declared unit (no 单位：万元 / 元 on p.{table.page_start} "
                         f"or in the header): kept as printed, unit null")
        return FamilyRows(budget_lines=lines, notes=notes)
