"""Target tables that pack a project's indicators as text in one cell (广东's 项目支出绩效目标表):

    1、1-产出指标；11-数量指标；会议活动保障次数；实施周期指标值:每年≥20场；年度指标值:每年≥20场。2、…

One indicator row per packed item, the numeric prefixes dropped from the level names; the
row's amount columns (总计 / 财政拨款 / 其他资金 …) become budget lines of the project. A row
that a page break split continues in the next table's first row, whose name cell is blank.
"""
from __future__ import annotations

import regex

from extract.cell_text import tighten
from extract.model import Cell, Table
from normalize import vocab
from normalize.amounts import parse_number, to_yuan
from normalize.anatomy import Anatomy, distinct, row_texts
from normalize.families.base import Family, FamilyRows
from normalize.families.performance import row_box, value_columns
from normalize.values import parse_value
from normalize.vocab import level_label, squash



def packed_column(text_grid: list[list[str]]) -> int | None:
    """The column whose cells start `1、1-…` (or `1.1－…`)."""
    counts: dict[int, int] = {}
    for row in text_grid:
        for c, text in enumerate(row):
            if vocab.PACKED_START.match(squash(text)):
                counts[c] = counts.get(c, 0) + 1
    return max(counts, key=counts.get) if counts else None


def split_items(text: str) -> list[str]:
    """'1、a；b。2、c；d。' → ['a；b', 'c；d']."""
    s = squash(text)
    starts = [m.start() for m in vocab.PACKED_ITEM.finditer(s)]
    items = []
    for a, b in zip(starts, starts[1:] + [len(s)]):
        item = regex.sub(r"^\d{1,3}[、.．]", "", s[a:b]).rstrip("。；;，, ")
        if item:
            items.append(item)
    return items


def parse_item(item: str) -> dict:
    """'1-产出指标；11-数量指标；名称；实施周期指标值:≥20场；年度指标值:≥20场' → fields. A value that
    itself holds `；` (一级事件≤1小时；二级事件≤2小时) keeps its parts until the next field."""
    pieces = regex.split(r"(" + vocab.PACKED_SEPARATORS.pattern + r")", item)
    parts = [(sep, part) for sep, part in zip([""] + pieces[1::2], pieces[0::2]) if part.strip()]
    out: dict = {"level1": None, "level2": None, "name": None, "target": None, "period_target": None}
    names, current = [], None
    for i, (sep, part) in enumerate(parts):  # sep: the separator printed before the part
        field = next((f for f, p in vocab.PACKED_FIELDS.items() if p.match(part)), None)
        if field:
            current = field
            out[field] = regex.sub(r"^[^:：]*[:：]", "", part)
        elif current:
            out[current] += sep + part
        elif i == 0:
            out["level1"] = level_label(part)
        elif i == 1:
            out["level2"] = level_label(part)
        else:
            names.append(sep + part if names else part)
    for f in ("target", "period_target"):
        out[f] = tighten(out[f]) if out[f] else None
    out["name"] = tighten("".join(names)) or None
    return out


def _amount_columns(header: list[str], skip: set[int]) -> dict[int, str]:
    return {c: t for c, t in enumerate(header) if t and c not in skip
            and not vocab.FIELDS["project"].match(t) and not vocab.GOALS.match(t)
            and not vocab.BLOCK_LABELS.match(t)}


class PackedIndicators(Family):
    name = "packed_indicators"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        """The share of the rows with content that are its header, a project row with packed
        indicators, a row of amounts (合计, a subtotal per 资金使用单位) or a packed cell's rest
        continued from the page before."""
        text_grid = table.text_grid()
        col = packed_column(text_grid)
        if col is None:
            return 0.0
        rows = [[squash(t) for t in row] for row in text_grid]
        content = [row for row in rows if any(row)]
        explained = sum(
            bool(vocab.PACKED_START.match(row[col])) or any(vocab.FIELDS["project"].match(t) for t in row)
            or any(parse_number(t) is not None for c, t in enumerate(row) if c != col)
            or (bool(row[col]) and not any(t for c, t in enumerate(row) if c != col))
            for row in content)
        return explained / len(content) if content else 0.0

    def rows(self, table: Table, anatomy: Anatomy, context: dict) -> FamilyRows:
        grid, text_grid = table.grid(), table.text_grid()
        state = context.get("state", {})
        ctx = {k: v for k, v in context.items() if k != "state"}
        col = packed_column(text_grid)
        header_row = next((r for r, row in enumerate(text_grid)
                           if any(vocab.FIELDS["project"].match(squash(t)) for t in row)), 0)
        header = [squash(t) for t in text_grid[header_row]]
        label_col = next((c for c, t in enumerate(header) if vocab.FIELDS["project"].match(t)), 0)
        goal_cols = {c for c, t in enumerate(header) if vocab.GOALS.match(t)}
        amounts = _amount_columns(header, {label_col, col, *goal_cols})
        out = FamilyRows()
        for r in range(header_row + 1, len(grid)):
            row = grid[r]
            label = " ".join((row[label_col].text if row[label_col] else "").split())
            packed = row[col].text if row[col] and row[col].row == r else ""
            if not label and packed and not vocab.PACKED_START.match(squash(packed)) and state.get("packed_last"):
                self._continue(state["packed_last"], packed, row[col], out)
                continue
            project = label if squash(packed) else None
            if label and not vocab.FUNDING_TOTAL.match(squash(label)):
                out.budget_lines += self._lines(row, r, label, project, amounts, anatomy.unit, ctx)
            elif label:
                out.budget_lines += self._lines(row, r, label, None, amounts, anatomy.unit, ctx)
            if not squash(packed):
                continue
            rows = [self._indicator(it, row[col], r, {**ctx, "project": project})
                    for it in split_items(packed)]
            out.indicators += rows
            state["packed_last"] = (rows, packed, {**ctx, "project": project}, r)
        return out

    def _indicator(self, item: str, cell: Cell, r: int, ctx: dict) -> dict:
        f = parse_item(item)
        target = parse_value(f["target"] or f["period_target"] or "")
        return {**ctx, "row": r, "level1": f["level1"], "level2": f["level2"], "name": f["name"],
                "target_raw": f["target"] if f["target"] is not None else f["period_target"],
                "period_target_raw": f["period_target"], "actual_raw": None,
                **value_columns("target", target), **value_columns("actual", parse_value("")),
                "met": None, **row_box([cell])}

    def _continue(self, last, text: str, cell: Cell, out: FamilyRows) -> None:
        """The rest of a packed cell a page break cut: re-read the whole text, replace the
        previous table's rows of that project (they were emitted already) by the full set."""
        rows, packed, ctx, r = last
        full = packed + text
        items = split_items(full)
        fresh = [self._indicator(it, cell, r, ctx) for it in items]
        for old, new in zip(rows, fresh):
            old.update({k: v for k, v in new.items() if k not in ("page", "x0", "top", "x1", "bottom", "table_id", "row")})
        out.indicators += [{**f, "row": r} for f in fresh[len(rows):]]

    def _lines(self, row, r: int, label: str, project, amounts: dict[int, str], unit, ctx) -> list[dict]:
        out = []
        for c, measure in amounts.items():
            cell = row[c]
            if cell is None or cell.row != r:
                continue
            amount = parse_number(cell.text)
            if amount is None:
                continue
            out.append({**ctx, "project": project, "row": r, "line_label": label, "line_group": None,
                        "line_item": label, "code": None, "measure": measure, "measure_raw": measure,
                        "value": to_yuan(amount, unit) if unit else amount,
                        "unit": "元" if unit else None, "raw": cell.text, **cell.location()})
        return out
