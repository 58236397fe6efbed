"""The budget-table family: 部门决算 / 部门预算 tables (收入支出决算总表, 支出决算表, 收支预算总表,
三公经费 …) → budget lines.

The lines carry what the table's anatomy decided, for validate to key on: `budget_table` (which
standard table), `logical_table` (the first piece of a table continued over pages), `block` (a
sub-table printed beside another), per column `measure_path` / `parent_path` / `measure_role` (the
header tree) and per row `row_role` / `row_level` (totals, memo lines, numbered depth).

The steps, each a function over plain data:
  header_end/column_paths (normalize.table_headers) → column_roles → split_blocks (side-by-side)
  → table_blocks (side names, measure names, code columns) → block_lines (one line per number).

Side-by-side tables (收入 left, 支出 right in one grid) become one block per side; each block's
lines carry `table_title` = '<title>（<side>）', e.g. 收入支出决算总表（收入）, and `line_group` =
the side (收入 / 支出). A side named by two header levels is joined with '·' (收支预算总表（支出·功能分类）).
Blocks that repeat the same header (the two halves of 基本支出决算表) keep the plain title.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import regex

from extract.model import Cell, Table
from normalize import anatomy as table_anatomy
from normalize.amounts import declared_unit, parse_number, to_yuan
from normalize.anatomy import Anatomy, is_indicator_header
from normalize.families.base import Family, FamilyRows
from normalize import vocab
from normalize.vocab import squash
from normalize.table_headers import (
    DEFAULT as HEADER_DEFAULT, HeaderSettings, column_paths, common_prefix,
    header_end, is_title_row, measure_names, measure_parents, specific_name,
)
from normalize.vocab import (
    AMOUNT_WORD, CODE_WORD, MEASURE_QUALIFIER, MEASURE_WORDS, BUDGET_HEADER_KINDS, BUDGET_TABLE_KINDS, RATE_WORD,
    UNIT_WORD, YUAN, budget_title_key,
)

_TITLE = vocab.BUDGET_TABLE_TITLE
# Header cells typical of 决算/预算 tables (whole cell, spaces removed).
_HEADER_WORDS = vocab.BUDGET_HEADER_WORDS
# Self-evaluation budget tables are handled before this module is asked; never claim them.
_SELF_EVALUATION = vocab.SELF_EVALUATION_MEASURES
_CODE_HEADER = vocab.CODE_HEADER
_CODE_PARTS = vocab.CODE_PARTS
_LABEL_HEADER = vocab.LABEL_HEADER
_CODE = regex.compile(r"^\d{3,}$")
_CODE_PART = regex.compile(r"^\d{1,3}$")  # 款 / 项 printed without their leading zero: 2, 7
# 类 / 款 / 项 codes as a continued page prints them: 201, 20106, 2010601, or a split 06
_CONTINUED_CODE = regex.compile(r"^(?:\d{3}|\d{5}|\d{7}|0\d)$")
_CODE_IN_LABEL = regex.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(\p{Han}.*)$")
_TOTAL = vocab.TOTAL_LINE
_ITEM_PREFIX = vocab.LINE_ITEM_PREFIX
_CJK_GAP = regex.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")


def clean_label(text: str | None) -> str:
    """Cell text as one line, spaces around CJK (layout artefacts) removed."""
    return " ".join(_CJK_GAP.sub("", (text or "").strip()).split())


def _header_texts(text_grid: list[list[str]], rows: int = 5) -> list[str]:
    return [squash(t) for row in text_grid[:rows] for t in row if t]


def is_budget_table(table: Table) -> bool:
    """A 部门决算/部门预算 table: known title, or at least two typical header cells."""
    grid = table.text_grid()
    texts = _header_texts(grid)
    if any(_SELF_EVALUATION.match(t) for t in texts):
        return False
    if any(is_indicator_header(row) for row in grid[:3]):
        return False
    title = table.title or _grid_title(grid[:3])
    if title and (_TITLE.search(squash(title)) or budget_table_kind(title, []) is not None):
        return True
    if len({t for t in texts if _HEADER_WORDS.match(t)}) >= 2:
        return True
    # no caption: 三公 / 人员经费 words in the header or the first column, beside amounts
    labels = [squash(row[0]) for row in grid if row and row[0]]
    numbers = sum(parse_number(t) is not None for row in grid for t in row if t)
    return numbers >= 2 and budget_table_kind(None, texts + labels) is not None


def looks_continued(table: Table) -> bool:
    """A headless, captionless grid of 类/款/项 codes beside amounts: a piece of a 决算/预算 table
    continued from the page before (it inherits that table's header in `budget_lines`)."""
    grid = table.text_grid()
    rows_with_code = sum(any(_CONTINUED_CODE.match(squash(t)) for t in row[:3]) for row in grid)
    amounts = sum("." in t and parse_number(t) is not None for row in grid for t in row[2:])
    return not table.title and bool(grid) and rows_with_code >= max(1, (len(grid) + 1) // 2) and amounts >= 2


# ---- columns -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    index: int
    role: str  # code | label | measure
    path: tuple[str, ...]


@dataclass
class Block:
    """One logical table inside the grid: its own label/code columns and measures."""

    columns: list[Column]
    name: tuple[str, ...] = ()  # header prefix shared by its columns, e.g. ('收入',)
    measures: dict[int, tuple[str | None, str]] = field(default_factory=dict)  # col → (label, measure)
    codes: list[tuple[int, str]] = field(default_factory=list)  # (col, 类/款/项 or 编码)
    paths: dict[int, str] = field(default_factory=dict)  # measure col → its header path, '/'-joined
    parents: dict[int, int] = field(default_factory=dict)  # measure col → the column it adds into
    unexplained: list[int] = field(default_factory=list)  # totals whose parts the header does not tell

    @property
    def label_cols(self) -> list[int]:
        return [c.index for c in self.columns if c.role == "label"]


def _data_kind_counts(grid: list[list[Cell | None]], start: int, col: int) -> tuple[int, int]:
    numbers = texts = 0
    for r in range(start, len(grid)):
        cell = grid[r][col]
        if cell is None or cell.row != r or not squash(cell.text):
            continue
        if parse_number(cell.text) is not None:
            numbers += 1
        else:
            texts += 1
    return numbers, texts


def column_roles(grid: list[list[Cell | None]], paths: list[list[str]], start: int,
                 row_numbers: set[int] = frozenset()) -> list[Column]:
    """code (科目编码, 类/款/项), rownum (行次: metadata, never a value), label (项目, 科目名称 …,
    or text below) or measure (numbers)."""
    out = []
    for col, path in enumerate(paths):
        last = path[-1] if path else ""
        if col in row_numbers:  # the anatomy's 行次 columns
            role = "rownum"
        elif any(_CODE_HEADER.search(t) for t in path) and not MEASURE_WORDS.match(last):
            role = "code"
        elif MEASURE_WORDS.match(last):
            role = "measure"
        else:
            numbers, texts = _data_kind_counts(grid, start, col)
            named = any(_LABEL_HEADER.search(t) for t in path)  # 项目 / 科目名称 above it
            role = "label" if texts > numbers or (named and texts >= numbers) else "measure"
        out.append(Column(col, role, tuple(path)))
    return out


def parallel_classification(columns: list[Column], boundary: list[str]) -> list[Column]:
    """Two classifications side by side in one row (部门经济分类 301 beside 政府经济分类 501):
    the code and label columns from the second 类 on describe the same money again; they become
    `parallel` (neither labels nor values) so the two are never summed together."""
    seen, second = set(), False
    out = []
    for col in columns:
        named = next((t for t in (*col.path, boundary[col.index] if col.index < len(boundary) else "")
                      if t in _CODE_PARTS), None) if col.role == "code" else None
        if named and named in seen and not second:
            second = True
        if named:
            seen.add(named)
        if second and col.role in ("code", "label"):
            col = Column(col.index, "parallel", col.path)
        elif col.role == "measure":
            second, seen = False, set()
        out.append(col)
    return out


def split_blocks(columns: list[Column]) -> list[Block]:
    """A new block starts at each code/label column that follows a measure (or 行次) column."""
    blocks: list[Block] = []
    current: list[Column] = []
    for col in columns:
        if current and col.role in ("code", "label") and current[-1].role in ("measure", "rownum"):
            blocks.append(Block(current))
            current = []
        current.append(col)
    if current:
        blocks.append(Block(current))
    return blocks


def _name_blocks(blocks: list[Block]) -> None:
    """Side names ('收入', '支出') when the blocks' shared header prefixes tell them apart."""
    prefixes = [tuple(common_prefix([list(c.path) for c in b.columns])) for b in blocks]
    if len(blocks) > 1 and all(prefixes) and len(set(prefixes)) == len(prefixes):
        for block, prefix in zip(blocks, prefixes):
            block.name = prefix


def _code_columns(block: Block, boundary: list[str]) -> list[tuple[int, str]]:
    cols = [c for c in block.columns if c.role == "code"]
    if len(cols) == 1:
        return [(cols[0].index, CODE_WORD)]
    out = []
    for i, col in enumerate(cols[:3]):
        named = [t for t in (*col.path, boundary[col.index]) if t in _CODE_PARTS]
        out.append((col.index, named[-1] if named else _CODE_PARTS[i]))
    return out


def _measures(block: Block) -> dict[int, tuple[str | None, str]]:
    """col → (label, measure). Label-less blocks (三公 tables, 支出预算总表) take the category
    from the header as the line label and the amount kind (预算数/决算数, else 金额) as measure."""
    cols = [c for c in block.columns if c.role == "measure"]
    paths = [list(c.path[len(block.name):]) or list(c.path) for c in cols]
    if block.label_cols or any(c.role == "code" for c in block.columns):
        return {c.index: (None, name or AMOUNT_WORD) for c, name in zip(cols, measure_names(paths))}
    out = {}
    for col, path in zip(cols, paths):
        # the header names the line; a year, 上年 or a change block above it qualifies the amount
        qualified = [t for t in path if MEASURE_QUALIFIER.match(t)]
        named = [t for t in path if t not in qualified]
        if named and MEASURE_WORDS.match(named[-1]):
            qualified, named = [*qualified, named[-1]], named[:-1]
        label = specific_name(named) or (named[-1] if named else None)
        out[col.index] = (label, "·".join(qualified) or AMOUNT_WORD)
    return out


def table_blocks(grid: list[list[Cell | None]], text_grid: list[list[str]],
                 settings: HeaderSettings = HEADER_DEFAULT) -> tuple[int, list[Block]]:
    """First data row and the logical tables of the grid."""
    numbers = set(table_anatomy.column_number_rows(text_grid))
    start = header_end(text_grid, settings, numbers)
    paths = column_paths(text_grid, start, numbers)
    boundary = [squash(t) for t in text_grid[start]] if start < len(text_grid) else [""] * len(paths)
    row_numbers = set(table_anatomy.row_number_cols(text_grid, start))
    blocks = split_blocks(parallel_classification(column_roles(grid, paths, start, row_numbers), boundary))
    _name_blocks(blocks)
    for block in blocks:
        block.codes = _code_columns(block, boundary)
        block.measures = _measures(block)
        _hierarchy(block)
    return start, blocks


def blocks_of(table: Table, settings: HeaderSettings = HEADER_DEFAULT) -> tuple[int, list[Block]]:
    """table_blocks of a table, read once however often it is scored and read (never mutated)."""
    return table.derived(("budget_blocks", settings),
                         lambda: table_blocks(table.grid(), table.text_grid(), settings))


def _hierarchy(block: Block) -> None:
    """Which measure column is a part of which total, from the header paths."""
    cols = {c.index: list(c.path[len(block.name):]) or list(c.path)
            for c in block.columns if c.role == "measure"}
    block.paths = {c.index: "/".join(c.path) for c in block.columns if c.role == "measure"}
    block.parents, block.unexplained = measure_parents(cols)


def sub_tables(blocks: list[Block]) -> list[int]:
    """Which sub-table each block is: blocks under the same column headings are one list wrapped
    into columns (the halves of 基本支出表: 科目代码 | 科目名称 | 决算数 twice) and share a number;
    blocks under other headings (收入 | 支出, two classifications of 支出) are tables of their own."""
    signatures = [tuple(c.path[-1] if c.path else c.role for c in b.columns) for b in blocks]
    return [signatures.index(sig) for sig in signatures]


def budget_table_kind(title: str | None, header: list[str]) -> str | None:
    """Which standard 决算/预算 table this is: from its caption, else from its header words."""
    key = budget_title_key(title)
    for kind, pattern in BUDGET_TABLE_KINDS:
        if key and pattern.search(key):
            return kind
    for kind, pattern in BUDGET_HEADER_KINDS:
        if any(pattern.search(t) for t in header):
            return kind
    return None


# ---- rows ----------------------------------------------------------------------------------

def build_code(parts: dict[str, str], last: dict[str, str]) -> str | None:
    """类/款/项 pieces → '2010601'; a blank 类 (or 款) above a printed 款 (or 项) is carried down."""
    if CODE_WORD in parts:
        code = squash(parts[CODE_WORD])
        return code if _CODE.match(code) else None
    digits = {k: _code_piece(k, squash(v)) for k, v in parts.items() if _CODE_PART.match(squash(v))}
    digits = {k: v for k, v in digits.items() if v}
    if not digits:
        return None
    keys = [k for k in _CODE_PARTS if k in parts]
    deepest = max(keys.index(k) for k in digits)
    pieces = []
    for k in keys[:deepest + 1]:
        piece = digits.get(k) or last.get(k)
        if not piece:
            return None
        pieces.append(piece)
    last.clear()
    last.update(zip(keys, pieces))
    return "".join(pieces)


def _code_piece(part: str, digits: str) -> str | None:
    """A 类 is three digits; a 款 or 项 two, its leading zero sometimes not printed (2 → 02)."""
    if part == _CODE_PARTS[0]:
        return digits if len(digits) == 3 else None
    return digits.zfill(2) if len(digits) <= 2 else None


def strip_item(label: str) -> str:
    """'一、一般公共预算财政拨款收入' → '一般公共预算财政拨款收入'."""
    return _ITEM_PREFIX.sub("", label) or label


def _line(context: dict, r: int, cell: Cell, label, group, item, code, measure, value, unit,
          block: Block | None = None, col: int | None = None):
    path = block.paths.get(col) if block is not None else None
    parent = block.parents.get(col) if block is not None else None
    return {**context, "row": r, "line_label": label or None, "line_group": group or None,
            "line_item": item or None, "code": code, "measure": measure, "value": value,
            "unit": unit, "raw": cell.text, "measure_path": path,
            "parent_path": block.paths.get(parent) if parent is not None else None,
            "measure_role": _role(block, col), **row_role(label),
            **cell.location()}


def row_role(label: str | None) -> dict:
    """What a row is in its list: `total` (合计 / 本年收入合计 / 收入总计), `memo` (其中：…, a part
    of the line above), else `line`; and for numbered lines their depth (一、 0 > （一） 1 > 1. 2 >
    （1） 3 > ① 4), so a total is the sum of the shallowest lines, not of every line nested below."""
    text = squash(label)
    if not text:
        return {"row_role": None, "row_level": None}
    if vocab.MEMO_LINE.match(text):
        return {"row_role": "memo", "row_level": None}
    if vocab.TOTAL_LINE.search(text):
        return {"row_role": "total", "row_level": None}
    level = next((i for i, p in enumerate(vocab.LINE_NUMBERS) if p.match(text)), None)
    return {"row_role": "line", "row_level": level}


def _role(block: Block | None, col: int | None) -> str | None:
    """total (the header names its parts), part, unexplained (a total whose parts it does not)."""
    if block is None or col is None:
        return None
    if col in block.unexplained:
        return "unexplained"
    if col in block.parents.values():
        return "total"
    return "part" if col in block.parents else None


def _value(cell: Cell, measure: str, money_unit: str | None):
    """(value, unit): money in yuan, exact from the printed text; a rate in %; money of a table
    whose unit is not known stays as printed with unit None (never guessed as 元)."""
    amount = parse_number(cell.text)
    if amount is None:
        return None, None
    if measure.endswith(RATE_WORD) or cell.text.strip().endswith("%"):
        return amount, "%"
    if money_unit is None:
        return amount.quantize(Decimal("0.01")), None
    return to_yuan(amount, money_unit), YUAN


def row_label(row: list[Cell | None], r: int, label_cols: list[int]) -> tuple[list, list]:
    """The row's label texts as (col, text): all of them, and those whose cell starts on this row
    (a label merged down from a row above is group context, not the row's own label)."""
    texts, own, seen = [], [], set()
    for c in label_cols:
        cell = row[c]
        text = clean_label(cell.text) if cell is not None else ""
        if not text or id(cell) in seen:
            continue
        seen.add(id(cell))
        texts.append((c, text))
        if cell.row == r:
            own.append((c, text))
    return texts, own


def block_lines(grid: list[list[Cell | None]], start: int, block: Block, money_unit: str | None,
                context: dict, carry: dict | None = None) -> list[dict]:
    """One line per number in the block's measure columns, rows from `start` down.

    line_group: the side (收入/支出) of a split table; else the first label column's text carried
    down (收入预算总表: 一般公共预算资金); else the 类 a coded row belongs to. `carry` holds the
    类/款 and group labels in force at the end of the previous piece of a continued table (a
    page that starts with a 项 under a 款 printed on the page before), and is updated."""
    out: list[dict] = []
    side = block.name[0] if block.name else None
    carry = carry if carry is not None else {}
    last_parts: dict[str, str] = carry.setdefault("parts", {})
    class_label, carried = carry.get("class_label"), carry.get("carried")
    label_cols = block.label_cols
    skip = set(table_anatomy.column_number_rows([[c.text if c else "" for c in row] for row in grid]))
    for r in range(start, len(grid)):
        row = grid[r]
        if r in skip or is_title_row([c.text if c else "" for c in row]):
            continue  # 栏次 1 2 3 / ** 1 2 3: column numbers, not amounts
        texts, own = row_label(row, r, label_cols)
        if texts and texts[0][0] == label_cols[0]:
            carried = texts[0][1]
        parts = {part: (row[c].text if row[c] else "") for c, part in block.codes}
        code = build_code(parts, last_parts) if block.codes else None
        label = "：".join(dict.fromkeys(t for _, t in (own or texts)))
        if code is None and len(own) == 1 and _CODE_IN_LABEL.match(label):
            code, label = _CODE_IN_LABEL.match(label).groups()
        if label and _TOTAL.search(label):
            code = None
        if code and len(code) == 3:
            class_label = label
        if side:
            group = side
        elif len(label_cols) > 1:
            group = strip_item(carried) if carried else None
        else:
            group = class_label if code else None
        rest = [t for c, t in own if c != label_cols[0]] if len(label_cols) > 1 else []
        item = strip_item(rest[0] if rest else label) if label else None
        # label and code cells (a 合计 spanning into a measure column) are never values
        seen = {id(row[c]) for c in [*label_cols, *(c for c, _ in block.codes)] if row[c]}
        for col, (header_label, measure) in block.measures.items():
            cell = row[col]
            if cell is None or cell.row != r or id(cell) in seen:
                continue
            seen.add(id(cell))
            value, unit = _value(cell, measure, money_unit)
            if value is None:
                continue
            if header_label is not None:  # label-less block: the header names the line
                out.append(_line(context, r, cell, header_label, side, header_label, None,
                                 measure, value, unit, block, col))
            else:
                out.append(_line(context, r, cell, label, group, item, code, measure, value,
                                 unit, block, col))
    carry["class_label"], carry["carried"] = class_label, carried
    return out


def money_unit(table: Table, text_grid: list[list[str]]) -> str | None:
    """The table's declared money unit (单位：万元 / 单位:万元 / （万元）), never an organisation
    (单位：杭州市气象局): from the caption line, the title or a header cell; None if none says."""
    return table_anatomy.table_unit(table, text_grid, limit=6)


@dataclass(frozen=True)
class Piece:
    """What a table passes on to a piece continuing it on the next page."""

    logical: str | None  # table_id of the first piece
    title: str | None
    kind: str | None
    unit: str | None
    n_cols: int
    page_end: int
    heading: tuple[str, ...]  # the column paths: a piece that repeats them continues the table
    start: int
    blocks: list[Block]


def _grid_title(rows: list[list[str]]) -> str | None:
    """A caption printed as the first row of the grid (收支总表（预算表1）), for a table that has
    none above it."""
    for row in rows:
        texts = list(dict.fromkeys(squash(t) for t in row if squash(t)))
        if is_title_row(row) and len(texts) == 1 and not declared_unit(texts[0]) and UNIT_WORD not in texts[0]:
            return texts[0]
    return None


def _heading(blocks: list[Block]) -> tuple[str, ...]:
    """The column paths of a grid, empty columns left out (a page may add a blank edge column)."""
    return tuple("/".join(c.path) for b in blocks for c in b.columns if c.path)


def _continues(prev: Piece | None, table: Table, title: str | None, heading: tuple[str, ...]) -> bool:
    """A piece of the table before it: the next page, the same caption (or none), and the same
    column headings repeated, or none with the same number of columns (the header not repeated)."""
    if prev is None or table.page_start not in (prev.page_end, prev.page_end + 1):
        return False
    if title and budget_title_key(title) != budget_title_key(prev.title):
        return False
    return heading == prev.heading if heading else table.n_cols == prev.n_cols


def budget_lines(table: Table, context: dict, settings: HeaderSettings = HEADER_DEFAULT,
                 state: dict | None = None, declared_unit: str | None = None) -> list[dict]:
    """Every number of a 决算/预算 table as a budget line (money in Decimal yuan, rates in %).

    `state` (shared by the tables of one document) carries the previous table, so a piece
    continued on the next page keeps its table's kind, unit, header and `logical_table`."""
    grid, text_grid = table.grid(), table.text_grid()
    if not grid:
        return []
    state = state if state is not None else {}
    prev = state.get("budget_piece")
    start, blocks = blocks_of(table, settings)
    header = tuple(squash(t) for row in text_grid[:start] for t in row)
    title = context.get("table_title") or table.title or _grid_title(text_grid[:start])
    heading = _heading(blocks) if start else ()
    continues = _continues(prev, table, title, heading)
    if continues and table.n_cols == prev.n_cols:  # one table: the first piece's column roles
        start, blocks = (start if heading else 0), prev.blocks
    # a 决算/预算 grid of no standard kind is still checked for its own arithmetic
    kind = (prev.kind if continues else None) or budget_table_kind(title, list(header)) or "budget_table"
    # the unit the anatomy read (its caption, header, or a table of the same layout), else the
    # unit of the piece this one continues
    unit = declared_unit or money_unit(table, text_grid) or (prev.unit if continues else None)
    title = title or (prev.title if continues else None)
    logical = prev.logical if continues else context.get("table_id")
    state["budget_piece"] = Piece(logical, title, kind, unit, table.n_cols, table.page_end,
                                  heading or (prev.heading if continues else ()), start, blocks)
    carries = state.get("budget_carry") if continues else None
    if not carries or len(carries) != len(blocks):
        carries = [{} for _ in blocks]
    state["budget_carry"] = carries
    out: list[dict] = []
    for block, carry, sub_table in zip(blocks, carries, sub_tables(blocks)):
        ctx = {**context, "table_title": title, "budget_table": kind, "logical_table": logical,
               "block": sub_table}
        if block.name and title:
            ctx["table_title"] = f"{title}（{'·'.join(block.name)}）"
        out += block_lines(grid, start, block, unit, ctx, carry)
    return out


def explained_share(table: Table) -> float:
    """How much of a grid the budget-table reading explains (see BudgetTable.score)."""
    grid, text_grid = table.grid(), table.text_grid()
    if not grid:
        return 0.0
    start, blocks = blocks_of(table)
    measures = {c for b in blocks for c in b.measures}
    labels = {c.index for b in blocks for c in b.columns if c.role in ("label", "code", "rownum", "parallel")}
    content = explained = 0
    for r, row in enumerate(text_grid):
        texts = [squash(t) for t in row]
        filled = {c for c, t in enumerate(texts) if t}
        if not filled:
            continue
        content += 1
        if r < start or is_title_row(row) or filled <= labels or \
                any(parse_number(texts[c]) is not None for c in filled & measures):
            explained += 1
    return explained / content if content else 0.0


class BudgetTable(Family):
    name = "budget_table"

    def score(self, table: Table, anatomy: Anatomy) -> float:
        """The share of the table's rows with content that its reading explains: header and
        caption rows, rows with an amount under a measure column, label-only rows (a group's
        heading). Only a 决算 / 预算 table (its caption or header words), or a headless page of
        coded rows continuing one, is read at all."""
        if anatomy.of_kind("indicators") or not (is_budget_table(table) or looks_continued(table)):
            return 0.0  # a grid with an indicator header is a target or self-evaluation table
        return explained_share(table)

    def rows(self, table: Table, anatomy: Anatomy, context: dict) -> FamilyRows:
        state = context.get("state")
        ctx = {k: v for k, v in context.items() if k != "state"}
        lines = budget_lines(table, ctx, state=state if isinstance(state, dict) else None,
                                            declared_unit=anatomy.unit)
        notes = []
        if any(ln["unit"] is None for ln in lines):
            notes.append(f"amounts without a declared unit (no 单位：万元 / 元 on p.{table.page_start} "
                         f"or in the header): kept as printed, unit null")
        return FamilyRows(budget_lines=lines, notes=notes)
