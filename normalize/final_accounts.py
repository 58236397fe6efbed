"""部门决算 / 部门预算 tables → budget lines. (Being built: recognises none yet.)"""
from __future__ import annotations

from extract.model import Table


def is_final_accounts_table(table: Table) -> bool:
    return False


def budget_lines(table: Table, context: dict) -> list[dict]:
    return []
