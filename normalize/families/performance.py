"""Performance forms and indicator tables, whatever the province's layout: the blocks of the
anatomy (fields, money, goals, indicators, footer) → rows.

Covers the ruled self-evaluation form (部门整体 or 项目), target declarations (绩效目标申报表 /
绩效目标表, 实施周期指标值 + 年度指标值, no actuals), target tables inside a 部门预算 (one project
per page or one grid for many, with 权重 / 计量单位 / 指标性质 … columns), flat indicator lists
without 一级 / 二级 columns, the self-evaluation's budget execution table (a money block alone),
and the small indicator tables of evaluation reports.
"""
from __future__ import annotations

from decimal import Decimal

import regex

from extract.cell_text import tighten
from extract.model import Cell, Table
from normalize import vocab
from normalize.amounts import declared_unit, parse_number, to_yuan
from normalize.anatomy import Anatomy, Block, distinct, is_indicator_header, row_texts
from normalize.families.base import Family, FamilyRows
from normalize.values import Value, is_met, parse_value
from normalize.vocab import bare, level_label, squash

# The national framework's 二级 → 一级; used only when a table prints no 一级 column.
_LEVEL1_OF = (
    (regex.compile(r"数量|质量|时效|成本"), "产出指标"),
    (regex.compile(r"效益|可持续"), "效益指标"),
    (regex.compile(r"满意"), "满意度指标"),
)
_WHOLE_UNIT = regex.compile(r"部门整体|单位整体|整体支出|整体绩效")
_FOOTNOTE = regex.compile(r"^(?:注|说明|备注)[:：]")


def level1_from_level2(level2: str | None) -> str | None:
    for pattern, level1 in _LEVEL1_OF:
        if level2 and pattern.search(level2):
            return level1
    return None


def project_name(fields: dict, title: str | None = None) -> str | None:
    """The form's 项目名称, unless the form is the unit's own (专项名称: 127部门整体); else a
    title that names the project (<项目>项目绩效目标表)."""
    name = fields.get("project")
    if name:
        return None if _WHOLE_UNIT.search(squash(name)) else name
    m = vocab.PROJECT_TITLE.match(squash(title))
    if m and not vocab.GENERIC_TITLE.search(m.group("project")):
        return m.group("project")
    return None


def row_box(cells: list[Cell]) -> dict:
    """Page and box of the row's first line: the union of its cells on the first cell's page;
    a label merged down over the rows below (一级 / 二级 groups) does not stretch the box."""
    single = [c for c in cells if c.row_span == 1]
    cells = single or cells
    first = min(cells, key=lambda c: (c.page, c.top))
    on_page = [c for c in cells if c.page == first.page]
    return {"page": first.page, "x0": min(c.x0 for c in on_page),
            "top": min(c.top for c in on_page), "x1": max(c.x1 for c in on_page),
            "bottom": max(c.bottom for c in on_page)}


def value_columns(prefix: str, v: Value) -> dict:
    cols = {f"{prefix}_op": v.op, f"{prefix}_value": v.value, f"{prefix}_unit": v.unit,
            f"{prefix}_base_value": v.base_value, f"{prefix}_kind": v.kind,
            f"{prefix}_note": v.note}
    if prefix == "target":
        cols["target_upper"] = v.upper
    else:
        cols["actual_status"] = v.status
    return cols


def _number(text: str | None) -> float | None:
    v = parse_value(text or "")
    return v.value if v.kind == "numeric" else None


_OPERATOR = regex.compile(r"^(?:[≥≤=<>＝＜＞≧≦⩾⩽]|>=|<=|大于等于|小于等于|大于|小于|等于|不低于|不高于|不少于|不多于|不超过)$")


def _with_unit(raw: str | None, unit: str | None, nature: str | None = None) -> str:
    """A target, its 计量单位 column and an 指标性质 column that prints the comparison make one
    quantity: '68' + '%' with 性质 '≥' → '≥68%'. Used for the typed value only; target_raw stays
    as printed."""
    raw = raw or ""
    if not raw:
        return raw
    v = parse_value(raw)
    if v.kind != "numeric":
        return raw
    if unit and not v.unit:
        raw = raw + unit
    if nature and v.op is None and _OPERATOR.match(nature):
        raw = nature + raw
    return raw


def _cell_text(row: list[Cell | None], col: int | None) -> str:
    if col is None or col >= len(row) or row[col] is None:
        return ""
    return row[col].text


def indicator_row(row: list[Cell | None], r: int, roles: dict[str, int], levels: dict,
                  context: dict) -> dict | None:
    """One grid row of an indicator block → an indicator dict (None for a blank row).
    `levels` carries the 一级 / 二级 labels down the block (a merged label covers its rows)."""
    text = {role: _cell_text(row, col) for role, col in roles.items()}
    if "project" in roles and squash(text["project"]):
        context = {**context, "project": " ".join(text["project"].split())}
    for level in ("level1", "level2"):
        if level in roles and squash(text[level]):
            levels[level] = level_label(text[level])
    name = tighten(squash(text.get("name"))) or None
    target_raw = tighten(text.get("target", "").strip()) or None
    period_raw = tighten(text.get("period_target", "").strip()) or None
    actual_raw = tighten(text.get("actual", "").strip()) or None if "actual" in roles else None
    if not (name or target_raw or actual_raw or period_raw):
        return None
    unit = squash(text.get("unit")) or None
    nature = squash(text.get("nature")) or None
    target = parse_value(_with_unit(target_raw or period_raw, unit, nature))
    actual = parse_value(_with_unit(actual_raw, unit))
    own = [c for c in row if c is not None and c.row == r]  # not labels merged from above
    level2 = levels.get("level2") if "level2" in roles else None
    return {
        **context,
        "row": r,
        "level1": levels.get("level1") if "level1" in roles else level1_from_level2(level2),
        "level2": level2,
        "name": name,
        "target_raw": target_raw if target_raw is not None else period_raw,
        "period_target_raw": period_raw if "period_target" in roles else None,
        "actual_raw": actual_raw,
        **value_columns("target", target),
        **value_columns("actual", actual),
        "met": is_met(target, actual) if actual_raw else None,
        "weight": _number(text.get("weight")),
        "score": _number(text.get("score")),
        "deviation_note": tighten((text.get("deviation") or "").strip()) or None,
        "target_unit_column": unit,
        "indicator_nature": nature,
        "value_type": squash(text.get("value_type")) or None,
        "scoring_rule": tighten((text.get("scoring_rule") or "").strip()) or None,
        "is_core": squash(text.get("core")) or None,
        "explanation": tighten((text.get("explanation") or "").strip()) or None,
        **row_box(own or [c for c in row if c is not None]),
    }


def indicator_rows(grid: list[list[Cell | None]], block: Block, context: dict,
                   notes: list[str] | None = None) -> list[dict]:
    """The rows of one indicator block. Repeated header rows (a continued page) and footnotes
    are not indicators; a run of rows under a repeated header that prints the rows before it
    once more (a text layer that holds the block twice) lands once, with a note."""
    roles = block.columns
    segments: list[list[dict]] = [[]]
    levels: dict = {}
    first = block.header[-1] + 1 if block.header else block.start
    for r in range(first, block.stop):
        texts = row_texts(grid[r])
        if is_indicator_header(texts):
            segments.append([])
            continue
        if texts and _FOOTNOTE.match(texts[0]):
            continue
        row = indicator_row(grid[r], r, roles, levels, context)
        if row is not None:
            segments[-1].append(row)
    out: list[dict] = []
    for seg in segments:
        if seg and out and _same_rows(seg, out[:len(seg)]):
            if notes is not None:
                notes.append(f"rows {seg[0]['row']}–{seg[-1]['row']} repeat the block above under a repeated header; kept once")
            continue
        out += seg
    return out


_SAME = ("level1", "level2", "name", "target_raw", "actual_raw")


def _same_rows(a: list[dict], b: list[dict]) -> bool:
    return len(a) == len(b) and all(all(x.get(k) == y.get(k) for k in _SAME) for x, y in zip(a, b))


# ---- money blocks --------------------------------------------------------------------------

def _measure_unit(measure: str) -> str:
    if measure in vocab.RATE_MEASURES:
        return "%"
    if measure in vocab.SCORE_MEASURES:
        return "分"
    return "元"


def funding_item(label: str, group: str | None) -> tuple[str | None, str]:
    """'资金来源：（1）财政拨款' → ('资金来源', '财政拨款'); '其中：财政拨款' → (group, '财政拨款')."""
    m = vocab.FUNDING_GROUP.match(label)
    if m:
        group, label = m.group(1), label[m.end():]
    item = vocab.ITEM_PREFIX.sub("", label) or label
    return group, item.rstrip("：:") or item


def money_unit(grid, block: Block, table_unit: str | None) -> str | None:
    """The money unit: a label or header cell of the block (项目资金（万元）), else the table's."""
    for r in range(block.start, block.stop):
        for _, cell in distinct(grid[r]):
            unit = declared_unit(cell.text)
            if unit and parse_number(cell.text) is None:
                return unit
    return table_unit


def _label(row: list[Cell | None], r: int, first_measure: int, header_rows: tuple[int, ...],
           skip: set[int] = frozenset()) -> str:
    """The row's label: its cells left of the measures that start below the header (a cell
    merged down from the header row, 财政资金安排和使用情况 / 项目资金, names the block); 行次 /
    序号 columns are not part of it."""
    texts = [squash(c.text) for col, c in distinct(row[:first_measure])
             if c.row > header_rows[-1] and squash(c.text) and col not in skip]
    return "：".join(dict.fromkeys(texts))


def money_rows(grid: list[list[Cell | None]], block: Block, unit: str | None,
               context: dict, row_number_cols: list[int] = ()) -> list[dict]:
    measures: dict[int, str] = block.columns
    first_measure = min(measures)
    out, group = [], None
    header_text = {c: squash(_cell_text(grid[block.header[-1]], c)) for c in measures}
    for r in range(block.header[-1] + 1, block.stop):
        row = grid[r]
        label = _label(row, r, first_measure, block.header, set(row_number_cols))
        if not label:
            continue
        group, item = funding_item(label, group)
        seen = set()
        for col, measure in measures.items():
            cell = row[col]
            if cell is None or cell.row != r or id(cell) in seen:
                continue
            seen.add(id(cell))
            amount = parse_number(cell.text)
            if amount is None:
                continue
            kind = _measure_unit(measure)
            value = amount
            if kind == "元":
                kind = "元" if unit else None
                value = to_yuan(amount, unit) if unit else amount
            out.append({**context, "row": r, "line_label": label, "line_group": group,
                        "line_item": item, "code": None, "measure": measure,
                        "measure_raw": header_text[col], "value": value, "unit": kind,
                        "raw": cell.text, **cell.location()})
    return out


# ---- footer --------------------------------------------------------------------------------

def footer(grid, block: Block, context: dict) -> tuple[dict, list[dict]]:
    """总分 / 评价等级 rows → ({total_score, grade}, the 总分 lines in 分)."""
    row = grid[block.start]
    cells = distinct(row)
    label = bare(cells[0][1].text) if cells else ""
    report, lines = {}, []
    values = [(c, parse_number(c.text)) for _, c in cells[1:]]
    if vocab.TOTAL_SCORE.match(label):
        numbers = [(c, v) for c, v in values if v is not None]
        if numbers:
            score_cell, score = numbers[-1]
            report["total_score"] = float(score)
            if len(numbers) >= 2:
                lines.append(_score_line(context, block.start, numbers[0][0], numbers[0][1], "分值"))
            lines.append(_score_line(context, block.start, score_cell, score, "得分"))
    elif vocab.GRADE.match(label):
        for _, c in cells[1:]:
            m = vocab.GRADES.match(squash(c.text))
            if m:
                report["grade"] = m.group(1)
                break
    return report, lines


def _score_line(context, r: int, cell: Cell, value: Decimal, measure: str) -> dict:
    return {**context, "row": r, "line_label": "总分", "line_group": None, "line_item": "总分",
            "code": None, "measure": measure, "measure_raw": measure, "value": value, "unit": "分",
            "raw": cell.text, **cell.location()}


# ---- the families --------------------------------------------------------------------------

class PerformanceReader(Family):
    """The reader the performance families share: every block of the anatomy → rows. Each
    subclass is registered under the kind of table it produces and scores by what the anatomy
    holds, so `tables.kind` is the name of the family that read the table."""

    def score(self, table: Table, anatomy: Anatomy) -> float:
        raise NotImplementedError

    def rows(self, table: Table, anatomy: Anatomy, context: dict) -> FamilyRows:
        grid = table.grid()
        state = context.get("state", {})
        ctx = {k: v for k, v in context.items() if k != "state"}
        out = FamilyRows()
        fields = anatomy.fields
        if fields or project_name({}, table.title):
            ctx["project"] = project_name(fields, table.title)
            if fields.get("unit"):
                out.report.setdefault("unit_name", fields["unit"])
        elif state.get("project_table") is not None and _continues(table, state):
            ctx["project"] = state["project"]  # the form's indicator part, printed as its own table
        for block in anatomy.blocks:
            if block.kind == "indicators":
                rows = indicator_rows(grid, block, ctx, out.notes)
                if not rows:
                    out.notes.append(f"indicator header on row {block.start} but no indicator rows")
                out.indicators += rows
            elif block.kind == "money":
                unit = money_unit(grid, block, anatomy.unit)
                lines = money_rows(grid, block, unit, {**ctx, "table_title": context.get("table_title")},
                                   anatomy.row_number_cols)
                out.budget_lines += lines
            elif block.kind == "footer":
                report, lines = footer(grid, block, {**ctx, "table_title": context.get("table_title")})
                out.report.update(report)
                out.budget_lines += lines
        has_indicators = any(b.kind == "indicators" for b in anatomy.blocks)
        if fields and not has_indicators:
            state.update(project_table=table, project=ctx.get("project"))
        elif has_indicators or fields:
            state.update(project_table=None, project=None)
        return out


def _block_kinds(anatomy: Anatomy) -> set[str]:
    return {b.kind for b in anatomy.blocks}


class ProjectForm(PerformanceReader):
    """A project's form: fields naming the project (项目名称) and an indicator block, with money,
    goals and a footer where printed (项目支出绩效自评表, 项目绩效目标申报表)."""
    name = "project_form"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        kinds = _block_kinds(anatomy)
        return 1.0 if "indicators" in kinds and project_name(anatomy.fields) else 0.0


class IndicatorTable(PerformanceReader):
    """An indicator block (一级 / 二级 / 三级 / 指标值 …), alone or under a unit's fields."""
    name = "indicators"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        return 0.99 if "indicators" in _block_kinds(anatomy) else 0.0


class Funding(PerformanceReader):
    """A self-evaluation's money block alone: 预算数 / 执行数 / 执行率 by funding line."""
    name = "funding"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        return 0.9 if "money" in _block_kinds(anatomy) else 0.0


class FormFields(PerformanceReader):
    """A form of fields, goals and a 总分 / 评价等级 footer, without money or indicators."""
    name = "form"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        kinds = _block_kinds(anatomy)
        return 0.7 if "footer" in kinds and kinds & {"fields", "goals"} else 0.0


PERFORMANCE_FAMILIES = (ProjectForm(), IndicatorTable(), Funding(), FormFields())


def _continues(table: Table, state: dict) -> bool:
    """A funding/header table followed by its indicator table on the same or the next page."""
    before = state["project_table"]
    return 0 <= table.page_start - before.page_end <= 1
