"""Budget execution tables of self-evaluations (全年预算数/全年执行数/执行率) and the project
template's 项目资金 block → budget lines, one per number."""
from __future__ import annotations

import regex

from extract.model import Cell
from normalize.amounts import declared_unit, parse_number, to_yuan
from normalize.headers import BUDGET_MEASURES, squash

_GROUP = regex.compile(r"^(资金来源|资金结构|收入|支出)[:：]")
_ITEM_PREFIX = regex.compile(r"^(?:其中[:：]?)?\s*(?:[（(]\s*\d+\s*[）)]|\d+[.、])?\s*")
SCORE_MEASURES = ("分值", "得分", "总分")


def measure_unit(measure: str) -> str:
    if measure.endswith("率"):
        return "%"
    if measure in SCORE_MEASURES:
        return "分"
    return "元"


def split_label(label: str, group: str | None) -> tuple[str | None, str]:
    """'资金来源：（1）财政拨款' → ('资金来源', '财政拨款'); '（2）其他资金' keeps the group above."""
    m = _GROUP.match(label)
    if m:
        group, label = m.group(1), label[m.end():]
    return group, _ITEM_PREFIX.sub("", label) or label


def budget_measure_columns(header: list[str]) -> dict[int, str]:
    return {i: squash(t) for i, t in enumerate(header) if BUDGET_MEASURES.match(squash(t))}


def budget_rows(grid: list[list[Cell | None]], header_row: int, start: int, stop: int,
                money_unit: str | None, context: dict) -> list[dict]:
    """One line per (row, measure column) with a number; the label is the first column's text."""
    header = [c.text if c else "" for c in grid[header_row]]
    measures = budget_measure_columns(header)
    label_col = min(measures, default=1) - 1
    unit = money_unit or declared_unit(" ".join(header)) or "元"
    out, group = [], None
    for r in range(start, stop):
        row = grid[r]
        label_cell = row[max(label_col, 0)]
        label = squash(label_cell.text) if label_cell else ""
        if not label or any(squash(c.text) in measures.values() for c in row if c):
            continue
        group, item = split_label(label, group)
        for col, measure in measures.items():
            cell = row[col]
            if cell is None or cell.row != r:  # a value merged down from an earlier row
                continue
            amount = parse_number(cell.text)
            if amount is None:
                continue
            kind = measure_unit(measure)
            out.append({
                **context, "row": r, "line_label": label, "line_group": group, "line_item": item,
                "code": None, "measure": measure,
                "value": to_yuan(amount, unit) if kind == "元" else amount,
                "unit": kind, "raw": cell.text,
                **cell.location(),
            })
    return out
