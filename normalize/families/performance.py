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
from normalize.values import Value, combined_target, is_met, parse_value
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


def _with_unit(raw: str | None, unit: str | None) -> str:
    """An actual and its 计量单位 column make one quantity ('95' + '%' → '95%'); target_raw and
    actual_raw stay as printed."""
    raw = raw or ""
    if raw and unit:
        v = parse_value(raw)
        if v.kind == "numeric" and not v.unit:
            return raw + unit
    return raw


def _cell_text(row: list[Cell | None], col: int | None) -> str:
    if col is None or col >= len(row) or row[col] is None:
        return ""
    return row[col].text


def split_levels(name: str | None) -> tuple[str | None, str | None, str | None]:
    """'产出指标数量指标开展监测工作' → ('产出指标', '数量指标', '开展监测工作'); a name that does
    not start with level words → (None, None, name)."""
    m = vocab.LEVELS_RUN_TOGETHER.match(name or "")
    if not m:
        return None, None, name
    return m.group("level1"), m.group("level2"), m.group("name")


def numbered_name(name: str | None) -> tuple[int | None, str | None]:
    """'指标1：培训人数' → (1, '培训人数'); the name itself is kept as printed."""
    m = vocab.NUMBERED_NAME.match(name or "")
    return (int(m.group("number")), m.group("rest")) if m else (None, name)


def _one_cell(row: list[Cell | None], roles: dict[str, int]) -> bool:
    """The row's role columns are one cell (a title or note printed across the grid)."""
    cells = {id(row[c]) for c in roles.values() if c < len(row) and row[c] is not None}
    return len(roles) > 1 and len(cells) == 1


def indicator_row(row: list[Cell | None], r: int, roles: dict[str, int], levels: dict,
                  context: dict) -> dict | None:
    """One grid row of an indicator block → an indicator dict (None for a blank row, a title or
    note printed across the grid, a placeholder row of an empty template). `levels` carries the
    一级 / 二级 labels down the block (a merged label covers its rows)."""
    text = {role: _cell_text(row, col) for role, col in roles.items()}
    if _one_cell(row, roles):
        return None
    if "project" in roles:  # a project cell merged over its rows; blank below it: the same project
        if squash(text["project"]):
            levels["project"] = " ".join(text["project"].split())
        if levels.get("project"):
            context = {**context, "project": levels["project"]}
    for level in ("level1", "level2"):
        if level in roles and squash(text[level]):
            levels[level] = level_label(text[level])
    name = tighten(squash(text.get("name"))) or None
    target_raw = tighten(text.get("target", "").strip()) or None
    period_raw = tighten(text.get("period_target", "").strip()) or None
    actual_raw = tighten(text.get("actual", "").strip()) or None if "actual" in roles else None
    if not (name or target_raw or actual_raw or period_raw):
        return None
    if name and vocab.PLACEHOLDER.match(name) and not (target_raw or actual_raw or period_raw):
        return None
    unit = squash(text.get("unit")) or None
    nature = squash(text.get("nature")) or None
    combined = None
    if "unit" in roles or "nature" in roles:  # the target printed over 性质 | 指标值 | 单位
        combined = combined_target(target_raw or period_raw, nature, unit)
    target = parse_value(combined or target_raw or period_raw)
    actual = parse_value(_with_unit(actual_raw, unit))
    own = [c for c in row if c is not None and c.row == r]  # not labels merged from above
    level1 = levels.get("level1") if "level1" in roles else None
    level2 = levels.get("level2") if "level2" in roles else None
    if not (level1 or level2):  # 一级, 二级 and 三级 run together in one cell
        run1, run2, rest = split_levels(name)
        if run2:
            level1, level2, name = run1, run2, rest
    if level1 is None:
        level1 = level1_from_level2(level2)
    number, _ = numbered_name(name)
    return {
        **context,
        "row": r,
        "level1": level1,
        "level2": level2,
        "name": name,
        "name_number": number,
        "target_raw": target_raw if target_raw is not None else period_raw,
        "target_combined": combined,
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


def _awaiting(row: list[Cell | None], r: int, roles: dict[str, int], merged: dict) -> list[str]:
    """The levels (and the project) whose cell on this row is its own and blank while the label above was a merged
    cell that has ended: a merged label cut by a page break, printed on the other page."""
    out = []
    for level in ("project", "level1", "level2"):
        col = roles.get(level)
        cell = row[col] if col is not None and col < len(row) else None
        if cell is None:
            continue
        if squash(cell.text):
            merged[level] = cell.row + cell.row_span if cell.row_span > 1 else 0
        elif merged.get(level, 0) and merged[level] <= cell.row:
            out.append(level)
    return out


def indicator_rows(grid: list[list[Cell | None]], block: Block, context: dict,
                   notes: list[str] | None = None, levels: dict | None = None,
                   pending: dict | None = None) -> list[dict]:
    """The rows of one indicator block. Repeated header rows (a continued page) and footnotes
    are not indicators; a run of rows under a repeated header that prints the rows before it
    once more (a text layer that holds the block twice) lands once, with a note.

    A merged label (project, 一级, 二级) cut by a page break is printed on one side of it, or
    split over both: rows left blank before the break take the label printed after it, and a
    project name cut in two is joined. `levels` carries labels in from the page before (a tail
    page); `pending` carries the state of the page break out of the block and into the next."""
    roles = block.columns
    segments: list[list[dict]] = [[]]
    levels = {} if levels is None else levels
    carry = pending if pending is not None else {}
    waiting: dict[str, list[dict]] = carry.get("waiting", {})
    open_: dict[str, tuple] = carry.get("open", {})  # level → (label, its rows, reached the break)
    rename: dict[str, str] = {}
    merged: dict[str, int] = {}
    first = block.header[-1] + 1 if block.header else block.start
    at_break, last_page, last_r = bool(carry), None, None
    for r in range(first, block.stop):
        texts = row_texts(grid[r])
        if is_indicator_header(texts):
            segments.append([])
            at_break = True
            continue
        if texts and _FOOTNOTE.match(texts[0]):
            continue
        page = min((c.page for c in grid[r] if c is not None and c.row == r), default=last_page)
        if last_page is not None and page != last_page:
            at_break = True
        if at_break:
            _give_labels(grid[r], r, roles, waiting, open_, last_r, rename)
            at_break = False
        awaiting = _awaiting(grid[r], r, roles, merged)
        row = indicator_row(grid[r], r, roles, levels, context)
        if row is None:
            continue
        if row.get("project") in rename:
            row["project"] = levels["project"] = rename[row["project"]]
        segments[-1].append(row)
        last_page, last_r = page, r
        for level in ("project", "level1", "level2"):
            col = roles.get(level)
            if level in awaiting:
                waiting.setdefault(level, []).append(row)
                open_.pop(level, None)
            elif col is not None and grid[r][col] is not None and squash(grid[r][col].text):
                waiting.pop(level, None)
                cell = grid[r][col]
                label, rows, _ = open_.get(level, (None, [], None))
                if cell.row == r or label != row.get(level):
                    rows = []  # a label cell of its own begins here
                open_[level] = (row.get(level), rows + [row], cell.row + cell.row_span - 1)
    if pending is not None:
        pending.clear()
        pending.update(waiting=waiting, open={k: (v[0], v[1], v[2] == last_r) for k, v in open_.items()})
    out: list[dict] = []
    for seg in segments:
        if seg and out and _same_rows(seg, out[:len(seg)]):
            if notes is not None:
                notes.append(f"rows {seg[0]['row']}–{seg[-1]['row']} repeat the block above under a repeated header; kept once")
            continue
        out += seg
    return out


def _give_labels(row: list[Cell | None], r: int, roles: dict[str, int], waiting: dict,
                 open_: dict, last_r: int | None, rename: dict) -> None:
    """The first row after a page break prints the label of a group begun before it: rows left
    blank before the break take it; a project name whose first part ended at the break (a code
    and the start of the name) and whose rest begins here is joined."""
    for level in ("project", "level1", "level2"):
        col = roles.get(level)
        cell = row[col] if col is not None and col < len(row) else None
        if cell is None or cell.row != r or not squash(cell.text):
            continue
        text = " ".join(cell.text.split())
        label = text if level == "project" else level_label(text)
        if waiting.get(level):
            for old in waiting.pop(level):
                old[level] = label
                if level == "level2" and "level1" not in roles:
                    old["level1"] = level1_from_level2(label)
            continue
        prev = open_.get(level)
        reached = prev is not None and (prev[2] is True or (last_r is not None and prev[2] == last_r))
        if level == "project" and reached and vocab.PROJECT_CODE.match(squash(prev[0])) \
                and not vocab.PROJECT_CODE.match(squash(label)):
            joined = prev[0] + squash(label)
            for old in prev[1]:
                old["project"] = joined
            rename[label] = joined


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


def project_columns(grid: list[list[Cell | None]], block: Block) -> dict[int, tuple[str, str]]:
    """col → (measure, header as printed) of the money columns of an indicator header that name a
    project's funds (项目总额 / 其中：财政资金 / 其他资金), the deepest header word deciding."""
    out: dict[int, tuple[str, str]] = {}
    header = block.header or (block.start,)
    width = max((len(grid[r]) for r in header), default=0)
    for col in range(width):
        if col in block.columns.values():
            continue
        path = list(dict.fromkeys(squash(grid[r][col].text) for r in header
                                  if col < len(grid[r]) and grid[r][col] is not None and squash(grid[r][col].text)))
        for text in reversed(path):
            measure = next((m for m, p in vocab.PROJECT_FUNDS.items() if p.match(bare(text))), None)
            if measure:
                out[col] = (measure, "/".join(path))
                break
    return out


def project_amounts(grid: list[list[Cell | None]], block: Block, rows: list[dict], unit: str | None,
                    context: dict) -> list[dict]:
    """A project's money printed beside its indicators, one merged cell per project and column:
    a budget line of that project for each amount (in yuan where the unit is known)."""
    columns = project_columns(grid, block)
    if not columns or not rows:
        return []
    project_at = {}
    for row in rows:
        project_at.setdefault(row["row"], row.get("project"))
    out, seen = [], set()
    first = block.header[-1] + 1 if block.header else block.start
    for r in range(first, block.stop):
        for col, (measure, header) in columns.items():
            cell = grid[r][col] if col < len(grid[r]) else None
            if cell is None or cell.row != r or id(cell) in seen:
                continue
            seen.add(id(cell))
            amount = parse_number(cell.text)
            project = next((project_at[k] for k in range(r, r + cell.row_span) if k in project_at), None)
            if amount is None or not project:
                continue
            scale = declared_unit(header) or unit  # 年度资金总额(万元): the header's own unit first
            out.append({**context, "project": project, "row": r, "line_label": project, "line_group": None,
                        "line_item": None, "code": None, "measure": measure, "measure_raw": header,
                        "value": to_yuan(amount, scale) if scale else amount, "unit": "元" if scale else None,
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


# ---- a tail page: indicator rows without their header -------------------------------------

def _column_boxes(table: Table) -> dict[int, tuple[float, float]]:
    """col → (x0, x1) of the grid column, from the cells that start or end in it."""
    left: dict[int, list[float]] = {}
    right: dict[int, list[float]] = {}
    for c in table.cells:
        left.setdefault(c.col, []).append(c.x0)
        right.setdefault(c.col + c.col_span - 1, []).append(c.x1)
    return {col: (min(left[col]), max(right[col])) for col in left if col in right}


def _role_boxes(table: Table, roles: dict[str, int]) -> dict[str, tuple[float, float]]:
    boxes = _column_boxes(table)
    return {role: boxes[col] for role, col in roles.items() if col in boxes}


def _aligned_roles(table: Table, role_boxes: dict[str, tuple[float, float]]) -> dict[str, int]:
    """The roles of the header on the page before, carried to this table's columns by position."""
    out = {}
    for col, (x0, x1) in _column_boxes(table).items():
        mid = (x0 + x1) / 2
        for role, (a, b) in role_boxes.items():
            if a <= mid <= b and role not in out:
                out[role] = col
                break
    return out


def _mostly(values: list[str], pattern) -> bool:
    hits = sum(bool(pattern.match(v)) for v in values)
    return hits >= 1 and hits >= 0.8 * len(values)


def _column_values(grid: list[list[Cell | None]], col: int) -> list[str]:
    """The texts of the cells that start in the column (merged cells once)."""
    seen, out = set(), []
    for row in grid:
        cell = row[col] if col < len(row) else None
        if cell is not None and cell.col == col and id(cell) not in seen:
            seen.add(id(cell))
            if squash(cell.text):
                out.append(squash(cell.text))
    return out


def _is_number(text: str) -> bool:
    return parse_number(text) is not None


def headless_roles(table: Table) -> dict[str, int]:
    """Roles read from the cells themselves where no header is printed (a tail page): columns of
    一级 / 二级 names (the level vocabulary), then the name, then 性质 / 指标值 / 单位 / 分值 by
    what they hold. {} when no column holds level names."""
    grid = table.grid()
    n_cols = max((len(r) for r in grid), default=0)
    values = {c: _column_values(grid, c) for c in range(n_cols)}
    roles: dict[str, int] = {}
    for c in range(n_cols):
        if not values[c]:
            continue
        if "level1" not in roles and "level2" not in roles and _mostly(values[c], vocab.LEVEL1_CELL):
            roles["level1"] = c
        elif "level2" not in roles and _mostly(values[c], vocab.LEVEL2_CELL):
            roles["level2"] = c
    if not roles:
        return {}
    rest = [c for c in range(max(roles.values()) + 1, n_cols) if values[c]]
    if not rest:
        return {}
    roles["name"] = rest[0]
    for c in rest[1:]:
        vals = values[c]
        if "nature" not in roles and "target" not in roles and _mostly(
                vals, regex.compile(vocab.COMPARISON.pattern + "|" + vocab.QUALITATIVE_NATURE.pattern)):
            roles["nature"] = c
        elif "target" not in roles:
            roles["target"] = c
        elif "weight" not in roles and all(_is_number(v) for v in vals):
            roles["weight"] = c
        elif "unit" not in roles and all(len(v) <= 4 and not _is_number(v) for v in vals):
            roles["unit"] = c
    return roles


def tail_block(table: Table, anatomy: Anatomy, state: dict | None = None) -> Block | None:
    """A table that holds no block of its own but indicator rows: the tail of an indicator table
    begun on the page before. Its roles come from that table's header by position where it is
    the page before, else from what the cells hold."""
    if any(b.kind != "rows" for b in anatomy.blocks):
        return None
    last = (state or {}).get("indicator_header")
    if last is not None and 0 <= table.page_start - last["page_end"] <= 1:
        roles = _aligned_roles(table, last["boxes"])
        if "name" in roles and roles.keys() & set(vocab.TARGET_ROLES):
            return Block("indicators", 0, anatomy.n_rows, (), roles)
    roles = dict(table.derived("headless_roles", lambda: headless_roles(table)))  # scored, then read
    return Block("indicators", 0, anatomy.n_rows, (), roles) if roles else None


# ---- scores from evidence ------------------------------------------------------------------

def _content_rows(grid: list[list[Cell | None]]) -> list[int]:
    """Rows that hold something other than a caption printed in the grid (a title, 单位：万元,
    （2026年度）: one cell across most of the width, or nothing)."""
    n_cols = max((len(r) for r in grid), default=0)
    out = []
    for r, row in enumerate(grid):
        cells = [c for _, c in distinct(row) if squash(c.text)]
        if not cells:
            continue
        if len(cells) == 1 and (cells[0].col_span >= max(2, n_cols // 2) or n_cols <= 1):
            continue
        if len(cells) >= max(2, n_cols // 2) and len({squash(c.text) for c in cells}) == 1:
            continue  # one caption repeated in every column
        out.append(r)
    return out


def _explained_columns(grid, block: Block) -> float:
    """Share of an indicator block's header columns the roles explain (a role, the block label
    绩效目标 / 绩效指标, or a column of amounts beside the indicators)."""
    if not block.header:
        return 1.0
    header = grid[block.header[-1]]
    starts = [(col, c) for col, c in distinct(header) if squash(c.text)]
    if not starts:
        return 1.0
    role_cols = set(block.columns.values())
    explained = 0
    for col, cell in starts:
        cols = set(range(col, col + cell.col_span))
        key = bare(cell.text)
        money = any(_is_number(squash(_cell_text(grid[r], col))) for r in range(block.header[-1] + 1, block.stop))
        if cols & role_cols or vocab.BLOCK_LABELS.match(key) or vocab.GOALS.match(key) or money:
            explained += 1
    return explained / len(starts)


def _read_rows(grid, block: Block) -> range | list[int]:
    """The rows a block explains: all of a form block; of an indicator block its header rows and
    the rows with a name or a value (not notes or prose that run on below it)."""
    if block.kind != "indicators":
        return range(block.start, block.stop)
    cols = [block.columns[r] for r in ("name", *vocab.TARGET_ROLES) if r in block.columns]
    return [r for r in range(block.start, block.stop) if r in block.header or is_indicator_header(row_texts(grid[r]))
            or any(squash(_cell_text(grid[r], c)) for c in cols)]


def coverage(table: Table, anatomy: Anatomy, block: Block | None = None) -> float:
    """The share of the table the performance reader explains: rows inside the blocks it reads
    (fields, money, goals, indicators, footer) over the rows with content, times the share of the
    indicator header's columns it gives a role. `block`: a tail's indicator block."""
    grid = table.grid()
    content = _content_rows(grid)
    if not content:
        return 0.0
    blocks = [b for b in reading_blocks(anatomy) if b.kind != "rows"] + ([block] if block else [])
    read = {r for b in blocks for r in _read_rows(grid, b)}
    share = len(read.intersection(content)) / len(content)
    columns = [_explained_columns(grid, b) for b in blocks if b.kind == "indicators"]
    return share * (min(columns) if columns else 1.0)


# ---- the families --------------------------------------------------------------------------

class PerformanceReader(Family):
    """The reader the performance families share: every block of the anatomy → rows. Each
    subclass is registered under the kind of table it produces; it applies when the anatomy holds
    what defines that kind, and scores by the share of the table the reader explains."""

    def applies(self, table: Table, anatomy: Anatomy) -> bool:
        raise NotImplementedError

    def score(self, table: Table, anatomy: Anatomy) -> float:
        if not self.applies(table, anatomy):
            return 0.0
        return coverage(table, anatomy, tail_block(table, anatomy))

    def rows(self, table: Table, anatomy: Anatomy, context: dict) -> FamilyRows:
        grid = table.grid()
        state = context.get("state", {})
        ctx = {k: v for k, v in context.items() if k != "state"}
        out = FamilyRows()
        fields = anatomy.fields
        last = state.get("indicator_header")
        adjacent = last is not None and 0 <= table.page_start - last["page_end"] <= 1
        blocks = reading_blocks(anatomy)
        tail = tail_block(table, anatomy, state)
        if tail is not None:
            blocks.append(tail)
        title = table.title or _grid_caption(grid)
        if fields or project_name({}, title):
            ctx["project"] = project_name(fields, title)
            if fields.get("unit"):
                out.report.setdefault("unit_name", fields["unit"])
        elif state.get("project_table") is not None and _continues(table, state):
            ctx["project"] = state["project"]  # the form's indicator part, printed as its own table
        elif adjacent and (tail is not None or _same_header(table, blocks, last)):
            ctx["project"] = last["project"]  # a grid continued over pages: its project goes on
        read_here = False
        for block in blocks:
            if block.kind == "indicators":
                carried = adjacent and (tail is block or read_here or _same_header(table, [block], last))
                read_here = True  # a later header in this grid continues the block above
                if carried and "project" in last["roles"] and "project" not in block.columns:
                    col = _aligned_roles(table, {"project": last["boxes"]["project"]}).get("project")
                    if col is not None and col not in block.columns.values():
                        block = Block(block.kind, block.start, block.stop, block.header,
                                      {**block.columns, "project": col})
                levels = dict(last["levels"]) if carried else {}
                pending = last["pending"] if carried else {}
                rows = indicator_rows(grid, block, ctx, out.notes, levels, pending)
                if not rows:
                    out.notes.append(f"indicator header on row {block.start} but no indicator rows")
                out.indicators += rows
                unit = (anatomy.unit or last.get("unit")) if carried else anatomy.unit  # a page goes on with its unit
                out.budget_lines += project_amounts(grid, block, rows, unit,
                                                    {**ctx, "table_title": context.get("table_title")})
                state["indicator_header"] = {
                    "page_end": table.page_end, "roles": dict(block.columns), "unit": unit,
                    "boxes": _role_boxes(table, block.columns),
                    "levels": levels, "pending": pending,
                    "project": rows[-1].get("project") if rows else ctx.get("project")}
                last, adjacent = state["indicator_header"], True
            elif block.kind == "money":
                unit = money_unit(grid, block, anatomy.unit)
                lines = money_rows(grid, block, unit, {**ctx, "table_title": context.get("table_title")},
                                   anatomy.row_number_cols)
                out.budget_lines += lines
            elif block.kind == "footer":
                report, lines = footer(grid, block, {**ctx, "table_title": context.get("table_title")})
                out.report.update(report)
                out.budget_lines += lines
        has_indicators = any(b.kind == "indicators" for b in blocks)
        if fields and not has_indicators:
            state.update(project_table=table, project=ctx.get("project"))
        elif has_indicators or fields:
            state.update(project_table=None, project=None)
        return out


def _grid_caption(grid: list[list[Cell | None]]) -> str | None:
    """A title printed as the grid's first rows (one cell across it) rather than above it."""
    for r in range(min(3, len(grid))):
        cells = [c for _, c in distinct(grid[r]) if squash(c.text)]
        if len(cells) == 1 and vocab.TABLE_TITLE.search(squash(cells[0].text)):
            return squash(cells[0].text)
    return None


def _same_header(table: Table, blocks: list[Block], last: dict | None) -> bool:
    """An indicator block whose header repeats the roles of the page before: the same grid."""
    if last is None:
        return False
    for b in blocks:
        if b.kind == "indicators" and b.header:
            mine = {k: v for k, v in b.columns.items() if k != "project"}
            theirs = {k: v for k, v in last["roles"].items() if k != "project"}
            if mine == theirs and not b.start:
                return True
    return False


def reading_blocks(anatomy: Anatomy) -> list[Block]:
    """The anatomy's blocks, a header printed over two rows made one: an indicator block that is
    only its header row, followed by another indicator block, is that block's first header row
    (项目名称 | 其中： over 财政资金 | 其他资金)."""
    out: list[Block] = []
    for b in anatomy.blocks:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == b.kind == "indicators" and prev.header
                and prev.stop == prev.header[-1] + 1 == b.start and b.header):
            out[-1] = Block(b.kind, prev.start, b.stop, prev.header + b.header, b.columns)
        else:
            out.append(b)
    return out


def _block_kinds(table: Table, anatomy: Anatomy) -> set[str]:
    kinds = {b.kind for b in anatomy.blocks}
    if tail_block(table, anatomy) is not None:
        kinds.add("indicators")
    return kinds


class ProjectForm(PerformanceReader):
    """A project's form: fields naming the project (项目名称) and an indicator block, with money,
    goals and a footer where printed (项目支出绩效自评表, 项目绩效目标申报表)."""
    name = "project_form"

    def applies(self, table: Table, anatomy: Anatomy) -> bool:
        return "indicators" in _block_kinds(table, anatomy) and bool(project_name(anatomy.fields))


class IndicatorTable(PerformanceReader):
    """An indicator block (一级 / 二级 / 三级 / 指标值 …), alone, under a unit's fields, or the
    tail of one begun on the page before."""
    name = "indicators"

    def applies(self, table: Table, anatomy: Anatomy) -> bool:
        return "indicators" in _block_kinds(table, anatomy) and not project_name(anatomy.fields)


class Funding(PerformanceReader):
    """A self-evaluation's money block alone: 预算数 / 执行数 / 执行率 by funding line."""
    name = "funding"

    def applies(self, table: Table, anatomy: Anatomy) -> bool:
        kinds = _block_kinds(table, anatomy)
        return "money" in kinds and "indicators" not in kinds


class FormFields(PerformanceReader):
    """A form of fields, goals and a 总分 / 评价等级 footer, without money or indicators."""
    name = "form"

    def applies(self, table: Table, anatomy: Anatomy) -> bool:
        kinds = _block_kinds(table, anatomy)
        return "footer" in kinds and bool(kinds & {"fields", "goals"}) and not kinds & {"money", "indicators"}


PERFORMANCE_FAMILIES = (ProjectForm(), IndicatorTable(), Funding(), FormFields())


def _continues(table: Table, state: dict) -> bool:
    """A funding/header table followed by its indicator table on the same or the next page."""
    before = state["project_table"]
    return 0 <= table.page_start - before.page_end <= 1
