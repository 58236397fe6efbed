"""Table → Anatomy: where each block of a table starts and what its columns are.

Read once per table, used by every recogniser. A block is a run of rows with one meaning:
  fields      项目名称 / 部门（单位）名称 / 主管部门 … beside their values
  money       a header of money measures (年初预算数 / 全年预算数 / 执行数 / 执行率 / 分值 / 得分 …)
              over funding lines
  goals       年度总体目标 (预期目标 / 实际完成情况)
  indicators  a header with a name column and a target or actual column, over indicator rows
  footer      总分 / 评价等级
  rows        anything else (a 决算 / 预算 grid is one `rows` block)
Headers are found wherever they sit (宁德's indicator header is row 12 of one form), and 行次 /
栏次 columns and rows are metadata, never values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from extract.cell_text import tighten
from extract.model import Cell, Table
from normalize import vocab
from normalize.amounts import declared_unit, parse_number
from normalize.vocab import bare, squash


@dataclass(frozen=True)
class Block:
    kind: str  # fields | money | goals | indicators | footer | rows
    start: int  # first row of the block (its header row, for money and indicators)
    stop: int  # one past the last row
    header: tuple[int, ...] = ()  # header rows
    columns: dict = field(default_factory=dict)  # indicators: role → col; money: col → measure


@dataclass
class Anatomy:
    n_rows: int
    n_cols: int
    blocks: list[Block]
    row_number_cols: list[int]  # 行次 columns: metadata, never amounts
    column_number_rows: list[int]  # 栏次 rows (栏次 1 2 3 …): metadata
    unit: str | None  # the money unit the table declares (万元), or None
    fields: dict[str, str]  # project / unit / department / implementer / budget_code

    def of_kind(self, kind: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind]


# ---- rows as distinct cells ----------------------------------------------------------------

def distinct(row: list[Cell | None]) -> list[tuple[int, Cell]]:
    """(first column, cell) of each distinct cell of a grid row, merged cells once."""
    out, seen = [], set()
    for col, cell in enumerate(row):
        if cell is not None and id(cell) not in seen:
            seen.add(id(cell))
            out.append((col, cell))
    return out


def row_texts(row: list[Cell | None]) -> list[str]:
    return [squash(c.text) if c else "" for c in row]


# ---- indicator headers ---------------------------------------------------------------------

def indicator_roles(texts: list[str]) -> dict[str, int]:
    """Role → column of one header row (see _indicator_roles); a copy, the same row read once."""
    return dict(_indicator_roles(tuple(texts)))


@lru_cache(maxsize=4096)
def _indicator_roles(texts: tuple[str, ...]) -> dict[str, int]:
    """Role → column, from one header row (merged cells repeated per column).

    A column that only names the block (绩效指标) is skipped when a real name column exists;
    指标名称 spanning two columns without a 二级 column means 二级 label + name."""
    spans: dict[str, list[int]] = {}
    block_cols = []
    for col, text in enumerate(texts):
        role = _indicator_role(text)
        if role == "block":
            block_cols.append(col)
        elif role:
            spans.setdefault(role, []).append(col)
    if "name" not in spans and block_cols and any(r in spans for r in vocab.TARGET_ROLES):
        spans["name"] = block_cols[-1:]
    roles = {role: (cols[-1] if role == "name" else cols[0]) for role, cols in spans.items()}
    if "level2" not in roles and len(spans.get("name", [])) == 2 and \
            texts[spans["name"][0]] == texts[spans["name"][1]]:
        roles["level2"] = spans["name"][0]
    return roles


@lru_cache(maxsize=1 << 16)  # every row of every table asks, and cell texts repeat
def _indicator_role(text: str) -> str | None:
    """The indicator header role one cell's text names; `block` for a column that only names the
    block (绩效指标)."""
    key = bare(text)
    if not key:
        return None
    if vocab.BLOCK_LABELS.match(key):
        return "block"
    return next((role for role, pattern in vocab.INDICATOR_ROLES.items() if pattern.match(key)), None)


def is_indicator_header(texts: list[str]) -> bool:
    roles = indicator_roles(texts)
    return "name" in roles and any(r in roles for r in vocab.TARGET_ROLES)


# ---- money headers -------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def money_measure(text: str, parent: str = "") -> str | None:
    key = bare(text)
    if key in vocab.SUM_WORDS and bare(parent) in vocab.MONEY_PARENT_SUM:
        return vocab.MONEY_PARENT_SUM[bare(parent)]
    for measure, pattern in vocab.MONEY_MEASURES.items():
        if pattern.match(key):
            return measure
    return None


def money_columns(texts: list[str], parents: list[str] | None = None) -> dict[int, str]:
    """col → canonical measure; the first column of a measure merged over several wins."""
    out: dict[int, str] = {}
    parents = parents or [""] * len(texts)
    for col, text in enumerate(texts):
        m = money_measure(text, parents[col] if col < len(parents) else "")
        if m and m not in out.values():
            out[col] = m
    return out


def is_money_header(cols: dict[int, str]) -> bool:
    measures = set(cols.values())
    return len(measures) >= 2 and bool(measures & vocab.MONEY_HEADER_ANCHORS)


# ---- 行次 / 栏次 ---------------------------------------------------------------------------

def _consecutive(numbers: list[str]) -> bool:
    """'1','2','3' … (at least 3, counting up by one) — line or column numbers, not amounts."""
    try:
        vals = [int(n) for n in numbers]
    except ValueError:
        return False
    return len(vals) >= 3 and all(b == a + 1 for a, b in zip(vals, vals[1:]))


def column_number_rows(text_grid: list[list[str]]) -> list[int]:
    """栏次 rows: labelled 栏次 / ** , or cells 1 2 3 … counting up across the row."""
    out = []
    for r, row in enumerate(text_grid):
        texts = [squash(t) for t in row]
        labelled = any(vocab.COLUMN_NUMBER_LABEL.match(t) for t in texts[:3] if t)
        numbers = [t for t in dict.fromkeys(t for t in texts if t) if not vocab.COLUMN_NUMBER_LABEL.match(t)]
        if numbers and all(t.isdigit() for t in numbers) and (labelled or _consecutive(numbers)):
            out.append(r)
    return out


def row_number_cols(text_grid: list[list[str]], header_rows: int) -> list[int]:
    """行次 columns: headed 行次 / 行号 / 序号, or integers counting up by one down the column."""
    out = []
    n_cols = max((len(r) for r in text_grid), default=0)
    for c in range(n_cols):
        column = [squash(row[c]) if c < len(row) else "" for row in text_grid]
        if any(vocab.ROW_NUMBER_COLUMN.match(t) for t in column[:max(header_rows, 1) + 1] if t):
            out.append(c)
            continue
        values = [t for t in column[header_rows:] if t]
        if values and all(t.isdigit() for t in values) and _consecutive(values):
            out.append(c)
    return out


# ---- unit ----------------------------------------------------------------------------------

def table_unit(table: Table, text_grid: list[list[str]], limit: int = 6) -> str | None:
    """单位：万元 from the caption line, the title, or a header cell (never an organisation)."""
    if table.unit:  # extract's unit may be an organisation (单位：杭州市气象局): then look on
        unit = declared_unit(f"{vocab.UNIT_FIELD_LABEL}{table.unit}") or declared_unit(table.unit)
        if unit:
            return unit
    for text in [table.title or "", *(t for row in text_grid[:limit] for t in row if t)]:
        unit = declared_unit(text)
        if unit:
            return unit
    return None


# ---- blocks --------------------------------------------------------------------------------

def _first_text(row: list[Cell | None]) -> str:
    cells = distinct(row)
    return bare(cells[0][1].text) if cells else ""


def field_values(row: list[Cell | None]) -> dict[str, str]:
    """项目名称 | X | 实施单位 | Y → {'project': X, 'implementer': Y}."""
    cells = distinct(row)
    out = {}
    for i, (_, cell) in enumerate(cells):
        name = _field_name(cell.text)
        if name and i + 1 < len(cells):
            value = tighten(" ".join(cells[i + 1][1].text.split()))  # a name over two lines is one
            if value and not _field_name(value):
                out.setdefault(name, value)
    return out


@lru_cache(maxsize=1 << 16)
def _field_name(text: str) -> str | None:
    """The field (项目名称 → project …) a cell's text names."""
    key = bare(text)
    return next((name for name, pattern in vocab.FIELDS.items() if pattern.match(key)), None)


def _has_number(row: list[Cell | None], cols) -> bool:
    return any(row[c] is not None and parse_number(row[c].text) is not None for c in cols)


def _row_kind(grid, r: int) -> tuple[str | None, dict, tuple[int, ...]]:
    """What block a row opens: (kind, columns, header rows) or (None, {}, ())."""
    row = grid[r]
    texts = row_texts(row)
    if is_indicator_header(texts):
        return "indicators", indicator_roles(texts), (r,)
    cols = money_columns(texts, row_texts(grid[r - 1]) if r else None)
    if is_money_header(cols):
        return "money", cols, ((r - 1, r) if r and _is_money_parent_row(grid[r - 1]) else (r,))
    if r + 1 < len(grid) and _is_money_parent_row(row):
        below = money_columns(row_texts(grid[r + 1]), texts)
        if is_money_header(below):
            return "money", below, (r, r + 1)
    first = _first_text(row)
    if vocab.TOTAL_SCORE.match(first) or vocab.GRADE.match(first):
        return "footer", {}, ()
    if vocab.GOALS.match(first) or any(p.match(first) for p in vocab.GOAL_PARTS.values()):
        return "goals", {}, ()
    if field_values(row):
        return "fields", {}, ()
    return None, {}, ()


def _is_money_parent_row(row: list[Cell | None]) -> bool:
    return any(bare(c.text) in vocab.MONEY_PARENT_SUM for _, c in distinct(row))


def find_blocks(grid: list[list[Cell | None]]) -> list[Block]:
    """Split a grid into blocks at every row that opens one; rows before the first opener and
    rows no block claims form `rows` blocks."""
    blocks: list[Block] = []
    r, n = 0, len(grid)
    memo: dict[int, tuple] = {}

    def kind_of(row: int) -> tuple:  # each row is read once, however many blocks ask
        if row not in memo:
            memo[row] = _row_kind(grid, row)
        return memo[row]

    pending = None  # start of an unclaimed run
    while r < n:
        kind, cols, header = kind_of(r)
        if kind is None or (kind == "money" and blocks and blocks[-1].kind == "money"
                            and r < blocks[-1].stop):
            pending = r if pending is None else pending
            r += 1
            continue
        if pending is not None:
            blocks.append(Block("rows", pending, r))
            pending = None
        start = header[0] if header else r
        if blocks and start < blocks[-1].stop:  # a two-row header begun in the last block
            last = blocks.pop()
            if last.start < start:
                blocks.append(Block(last.kind, last.start, start, last.header, last.columns))
        stop = _block_stop(grid, kind, header, cols, r, kind_of)
        blocks.append(Block(kind, start, stop, header, cols))
        r = stop
    if pending is not None:
        blocks.append(Block("rows", pending, n))
    return blocks


def _block_stop(grid, kind: str, header: tuple[int, ...], cols: dict, r: int, kind_of) -> int:
    n = len(grid)
    if kind in ("fields", "footer"):
        return r + 1
    s = (header[-1] + 1) if header else r + 1
    if kind == "money":  # funding lines: rows with a number under a measure column
        while s < n and _has_number(grid[s], cols) and kind_of(s)[0] in (None, "fields"):
            s += 1
        return s
    if kind == "goals":  # the goal rows share the label cell merged down from the first row
        label = grid[r][distinct(grid[r])[0][0]] if distinct(grid[r]) else None
        while s < n and label is not None and (label in grid[s] or _first_text(grid[s]) == bare(label.text)) \
                and kind_of(s)[0] in (None, "goals"):
            s += 1
        return s
    while s < n:  # indicators: until the next block opens (a repeated header stays inside)
        kind_s = kind_of(s)[0]
        if kind_s is not None and not (kind_s == "indicators" and row_texts(grid[s]) == row_texts(grid[r])):
            break
        s += 1
    return s


def anatomy(table: Table) -> Anatomy:
    grid, text_grid = table.grid(), table.text_grid()
    blocks = find_blocks(grid)
    fields: dict[str, str] = {}
    for b in blocks:
        if b.kind == "fields":
            for k, v in field_values(grid[b.start]).items():
                fields.setdefault(k, v)
    first_data = next((b.header[-1] + 1 for b in blocks if b.header), 0)
    return Anatomy(
        n_rows=table.n_rows, n_cols=table.n_cols, blocks=blocks,
        row_number_cols=row_number_cols(text_grid, first_data),
        column_number_rows=column_number_rows(text_grid),
        unit=table_unit(table, text_grid), fields=fields)
