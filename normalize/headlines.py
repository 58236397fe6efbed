"""Headline figures of a report (CONTRACT.md `headlines`): the handful of numbers every unit's
budget prints, named the same whatever the province.

Everything here keys on what normalize already decided about each budget line: the standard table
it belongs to (`budget_table`), the table a continued piece belongs to (`logical_table`), the
column's header path (`measure_path`, with its `parent_path` / `measure_role`) and the row label.
No table is recognised again by its title; the header words this module reads (三公 parts, sum
words, periods, funding sources) are spelled in normalize/vocab.py (the headline region).

One figure per item and period:
  * `printed`: a cell holds it; `blank`: the printed table leaves that cell empty (0); `derived`:
    no cell holds it, the sum of the printed parts (named in `message`).
  * `agrees`: the same figure printed in another table of the report (a second 三公 table, the 收入总表
    beside the 收支总表 …) is equal; null when no other table prints it.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field, replace
from functools import lru_cache
from decimal import Decimal

import pandas as pd

from normalize import vocab as V
from normalize.amounts import parse_number
from normalize.rows import frame, present, records
from normalize.vocab import squash

# the fields of a budget line the headlines read
LINE_FIELDS = ("table_id", "logical_table", "budget_table", "table_title", "page", "row", "code", "line_label",
               "line_group", "measure", "measure_path", "measure_role", "parent_path", "value", "unit",
               "x0", "top", "x1", "bottom")
# the fields of a cell they read
CELL_FIELDS = ("page", "row", "col", "row_span", "col_span", "text", "x0", "top", "x1", "bottom")
ITEMS = ("income_total", "expenditure_total", "basic_expenditure", "project_expenditure",
         "fiscal_appropriation_total", "gpb_expenditure_total", "three_public_total",
         "three_public_outbound", "three_public_vehicles", "three_public_vehicle_purchase",
         "three_public_vehicle_operation", "three_public_reception", "meeting_fees", "training_fees",
         "government_fund_expenditure", "procurement_total", "budget_execution_rate", "total_score")
THREE_PUBLIC_ITEMS = ("three_public_total", "three_public_outbound", "three_public_vehicles",
                      "three_public_vehicle_purchase", "three_public_vehicle_operation",
                      "three_public_reception", "meeting_fees", "training_fees")
PERIODS = ("budget_year", "prior_year")
ZERO = Decimal("0.00")


@dataclass
class Figure:
    """One candidate figure: a printed cell (a budget line), a blank cell, or a sum."""

    item: str
    period: str
    value: Decimal
    source: str = "printed"
    table_id: str | None = None
    logical: str | None = None
    row: int | None = None
    col: int | None = None
    page: int | None = None
    box: tuple = (None, None, None, None)
    message: str = ""
    agrees: bool | None = None
    rank: tuple = ()
    witnesses: list = field(default_factory=list)  # the same figure as other tables print it
    year_total: object = None  # a 收支总表's 本年…合计 line beside its 总计

    def as_row(self, report_id: str) -> dict:
        x0, top, x1, bottom = self.box
        return {"report_id": report_id, "item": self.item, "value": self.value,
                "period": self.period, "source": self.source, "agrees": self.agrees,
                "table_id": self.table_id, "row": self.row, "col": self.col, "page": self.page,
                "x0": x0, "top": top, "x1": x1, "bottom": bottom, "message": self.message}


# ---- reading one budget line ------------------------------------------------------------------

def _clean(text) -> str:
    """Squashed, without list numbers (其中：（一）), a trailing colon, quotes unified."""
    if isinstance(text, str):
        return _clean_text(text)
    if text is None or pd.isna(text):
        return ""
    return _clean_text(str(text))


@lru_cache(maxsize=1 << 16)  # labels and headers repeat down a table and across a report's tables
def _clean_text(text: str) -> str:
    s = squash(text).replace("\"", "“")
    s = V.HEADLINE_LIST_PREFIX.sub("", s)
    return s.rstrip(":：")


def _segments(line) -> list[str]:
    path = line.get("measure_path")
    if isinstance(path, str) and path:
        return [_clean(s) for s in path.split("/") if _clean(s)]
    m = _clean(line.get("measure"))
    return [m] if m else []


def three_public_item(text: str) -> str | None:
    """The 三公 item a header or row label names: 因公出国（境）费 → three_public_outbound;
    “三公”经费合计 → three_public_total; 合计 alone → None (a generic total)."""
    s = _clean(text)
    for item, pattern in V.HEADLINE_THREE_PUBLIC:
        if pattern.search(s):
            return item
    return None


def _in_context(text: str, parent: str | None) -> str | None:
    """An item, read under the item of the header above it (购置费 under 公务用车购置及运行费)."""
    item = three_public_item(text)
    if item is None and parent == "three_public_vehicles":
        item = next((i for i, p in V.HEADLINE_VEHICLE_PARTS if p.match(_clean(text))), None)
    return item


def _is_sum(seg: str) -> bool:
    return bool(V.HEADLINE_SUM.match(seg))


@dataclass
class Reading:
    """What a budget line says, for headlines: its period, the funding source that qualifies it,
    whether it is a budget or an actual amount, and the item its column / row names."""

    period: str | None  # budget_year | prior_year | None (a change column: 增减变化)
    qualifiers: tuple[str, ...]
    amount: str | None  # budget | actual | None
    column_item: str | None = None
    row_item: str | None = None
    column_total: bool = False  # the column (or its group) is a sum: 合计 / 小计 / 总计
    segments: list[str] = field(default_factory=list)
    label: str = ""


def _period(texts: list[str], year: int | None) -> str | None | bool:
    """budget_year / prior_year from the words (2025年, 上年, 当年); None for a change column;
    False when nothing says."""
    found: str | bool = False
    for t in texts:
        if V.HEADLINE_CHANGE.search(t):
            return None
        m = V.HEADLINE_YEAR.match(t)
        if m and year:
            y = int(m.group(1))
            if y == year:
                found = "budget_year"
            elif y == year - 1:
                found = "prior_year"
            else:
                return None
        elif V.HEADLINE_PRIOR.match(t):
            found = "prior_year"
        elif V.HEADLINE_CURRENT.match(t):
            found = "budget_year"
    return found


def _amount_of(seg: str) -> str | None:
    if V.HEADLINE_ACTUAL.search(seg):
        return "actual"
    return "budget" if V.HEADLINE_BUDGET_AMOUNT.match(seg) else None


def read_line(line, year: int | None) -> Reading:
    segs = _segments(line)
    label = _clean(line.get("line_label"))
    period = _period(segs, year)
    if period is False:  # two years as rows (2025年 / 2026年 / 增减变化金额)
        raw = squash(str(line.get("line_label") or ""))
        period = _period([_clean(p) for p in raw.split("：") if p], year)
    if period is False:
        period = "budget_year"
    quals, amount, column_item = [], None, None
    for s in segs:
        item = _in_context(s, column_item)
        if item:
            column_item = item
            continue
        if V.HEADLINE_FUNDING.search(s) and not V.HEADLINE_CURRENT.match(s):
            quals.append(s)
        if V.HEADLINE_ACTUAL.search(s):
            amount = "actual"
        elif V.HEADLINE_BUDGET_AMOUNT.match(s):
            amount = amount or "budget"
    total = bool(segs) and (_is_sum(segs[-1]) or line.get("measure_role") == "total")
    return Reading(period, tuple(quals), amount, column_item, three_public_item(label), total, segs, label)


# ---- a report's lines, indexed ----------------------------------------------------------------

class Report:
    def __init__(self, lines: pd.DataFrame, tables: pd.DataFrame | None, report: dict,
                 cells: pd.DataFrame | None):
        self.report = report or {}
        self.year = _int(self.report.get("fiscal_year"))
        self.kind = self.report.get("report_kind")
        self.unit = _clean(self.report.get("unit_name"))
        lines = lines if lines is not None else frame("budget_lines", [])
        if "budget_table" not in lines.columns:
            lines = lines.assign(budget_table=None, logical_table=None)
        self.lines = lines
        self.tables = tables if tables is not None else frame("tables", [])
        self.cells = cells
        std = lines[lines["budget_table"].notna() & lines["value"].notna()].copy()
        # money in yuan only: a table whose unit was not found prints amounts we cannot scale
        std = std[(std["unit"] == "元") & ~std["measure"].fillna("").map(lambda m: bool(V.HEADLINE_NOT_MONEY.match(_clean(m)))).astype(bool)]
        std["logical_table"] = std["logical_table"].fillna(std["table_id"])
        self.std = std
        # each line as a plain dict of the fields read here, once: pandas' per-row Series cost more
        # than the reading itself
        fields = [c for c in LINE_FIELDS if c in std.columns]
        self._records = dict(zip(std.index, records(std, fields)))
        self._readings: dict = {}
        self._grids: dict = {}
        self._row_cells: dict = {}
        self._totals: dict = {}

    def row_labels(self) -> dict:
        if not hasattr(self, "_row_labels"):
            self._row_labels = _row_labels(self.lines) if len(self.lines) else {}
        return self._row_labels

    def rows(self, table: pd.DataFrame):
        """(index, line) of a table of the standard lines, in order; a line is a dict."""
        return [(i, self._records[i]) for i in table.index]

    def reading(self, idx, line) -> Reading:
        if idx not in self._readings:
            self._readings[idx] = read_line(line, self.year)
        return self._readings[idx]

    def logical_tables(self, kind: str) -> list[pd.DataFrame]:
        """The lines of each logical table of a standard kind, in document order."""
        if not hasattr(self, "_by_kind"):
            self._by_kind = {k: [g for _, g in t.groupby("logical_table", sort=False)]
                             for k, t in self.std.groupby("budget_table", sort=False)}
        return self._by_kind.get(kind, [])

    def wanted_amount(self, r: Reading, table: pd.DataFrame) -> bool:
        """A 决算 reports the year's actuals (决算数), a budget the budget: the other kind of
        amount printed beside it (预算数 in a 决算's 三公 table) is not the headline."""
        if self.kind == "final_accounts":
            return r.amount != "budget" or not self._has_amount(table, "actual")
        return r.amount != "actual"

    def _has_amount(self, table: pd.DataFrame, amount: str) -> bool:
        """The table prints that kind of amount: a line of it, or a header over empty cells."""
        if any(self.reading(i, l).amount == amount for i, l in self.rows(table)):
            return True
        for tid in table["table_id"].unique():
            first = int(table[table["table_id"] == tid]["row"].min())
            for (r, _), c in self.grid(tid).items():
                if r < first and _amount_of(_clean(c.text)) == amount:
                    return True
        return False

    # -- cells ------------------------------------------------------------------------------
    def grid(self, table_id: str) -> dict:
        """(row, col) → cell of one extracted table, every position a merged cell covers."""
        if table_id in self._grids:
            return self._grids[table_id]
        out = {}
        if self.cells is not None and len(self.cells):
            if not hasattr(self, "_cells_by_table"):  # the report's cells read once, split by table
                self._cells_by_table = {}
                fields = ["table_id"] + [f for f in CELL_FIELDS if f in self.cells.columns]
                cell = namedtuple("Cell", fields)
                for c in records(self.cells, fields):  # not itertuples: Arrow columns box value by value
                    self._cells_by_table.setdefault(c["table_id"], []).append(cell(*c.values()))
            for c in self._cells_by_table.get(table_id, ()):
                rs = int(c.row_span) if present(c.row_span) else 1
                ks = int(c.col_span) if present(c.col_span) else 1
                for r in range(int(c.row), int(c.row) + rs):
                    for k in range(int(c.col), int(c.col) + ks):
                        out[(r, k)] = c
        self._grids[table_id] = out
        return out

    def col_of(self, line) -> int | None:
        """The column of a budget line's cell: the cell of its row whose box holds the line's."""
        if pd.isna(line.get("x0")):
            return None
        tid = line["table_id"]
        if tid not in self._row_cells:  # the cells each row starts, in the table's order
            by_row: dict = {}
            for (r, _), c in self.grid(tid).items():
                if r == c.row:
                    by_row.setdefault(r, []).append(c)
            self._row_cells[tid] = by_row
        x = (float(line["x0"]) + float(line["x1"])) / 2
        for c in self._row_cells[tid].get(line["row"], ()):
            if c.x0 - 0.5 <= x <= c.x1 + 0.5:
                return int(c.col)
        return None

    def total_in_row(self, table: pd.DataFrame, period: str):
        """_total_in_row, once per table and period (several headlines start from it)."""
        key = (id(table), period)
        if key not in self._totals:
            self._totals[key] = (table, _total_in_row(self, table, period))  # the table kept alive
        return self._totals[key][1]

    def figure(self, item: str, period: str, line, message: str, rank=()) -> Figure:
        return Figure(item, period, Decimal(line["value"]).quantize(Decimal("0.01")), "printed",
                      line["table_id"], line.get("logical_table"), _int(line["row"]),
                      self.col_of(line), _int(line.get("page")),
                      tuple(_float(line.get(k)) for k in ("x0", "top", "x1", "bottom")), message,
                      rank=rank)


def _int(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else int(v)


def _float(v):
    return None if v is None or pd.isna(v) else float(v)


def _where(line) -> str:
    title = line.get("table_title")
    return f"{title if isinstance(title, str) else line['table_id']} p.{_int(line.get('page'))}"


# ---- choosing rows and columns ------------------------------------------------------------------

def _row_rank(rep: Report, label: str, code) -> int:
    """The table's total row: 合计 / 总计 (0), the unit's own name (1: a total row labelled with the
    unit instead of 合计), any other row (2)."""
    if V.HEADLINE_SUM.match(label) and (code is None or pd.isna(code)):
        return 0
    if rep.unit and label and (label == rep.unit or label in rep.unit or rep.unit in label):
        return 1
    return 2


def _column_rank(r: Reading, line) -> tuple:
    """Unqualified before a funding source's column (一般公共预算 / 上年结转), the top total before
    its parts, then left to right."""
    top = line.get("measure_role") == "total" and not isinstance(line.get("parent_path"), str)
    return (len(r.qualifiers) > 0, not (r.column_total or top), not top, len(r.segments),
            _float(line.get("x0")) or 0.0)


def _row_labels(table: pd.DataFrame) -> dict:
    """(table_id, row) → the row's label, from any line of the row that has one (a block of a
    wide table may print its amounts without a label of its own)."""
    out = {}
    for line in table[["table_id", "row", "line_label"]].itertuples(index=False):
        if (line.table_id, line.row) not in out and _clean(line.line_label):
            out[(line.table_id, line.row)] = _clean(line.line_label)
    return out


def _total_in_row(rep: Report, table: pd.DataFrame, period: str) -> pd.Series | None:
    """The table's grand total: the total row's total column."""
    best, best_rank = None, None
    labels = rep.row_labels()
    for i, line in rep.rows(table):
        r = rep.reading(i, line)
        if r.period != period or not rep.wanted_amount(r, table):
            continue
        label = _clean(line.get("line_label")) or labels.get((line["table_id"], line["row"]), "")
        rank = (_row_rank(rep, label, line.get("code")), _int(line["row"]) or 0) + _column_rank(r, line)
        if rank[0] == 2:
            continue
        if best_rank is None or rank < best_rank:
            best, best_rank = line, rank
    return best


def _side(line) -> str | None:
    for t in (line.get("line_group"), *(str(line.get("measure_path") or "").split("/")[:1])):
        t = _clean(t)
        if not t:
            continue
        if "收入" in t and "支出" not in t:
            return "income"
        if "支出" in t and "收入" not in t:
            return "expenditure"
    return None


def _summary_total(rep: Report, table: pd.DataFrame, side: str, period: str):
    """收入总计 / 支出总计 (or a side's 合计), else 本年收入合计 / 本年支出合计: (line, year_line)."""
    best, best_rank, year_line, year_rank = None, None, None, None
    for i, line in rep.rows(table):
        if _side(line) != side:
            continue
        r = rep.reading(i, line)
        if r.period != period or not rep.wanted_amount(r, table):
            continue
        label = _clean(line.get("line_label"))
        if V.HEADLINE_GRAND_TOTAL.match(label):
            rank = (0 if "总计" in label else 1,) + _column_rank(r, line)
        elif V.HEADLINE_YEAR_TOTAL.match(label):
            rank = (2,) + _column_rank(r, line)
            if year_rank is None or rank < year_rank:
                year_line, year_rank = line, rank
        else:
            continue
        if best_rank is None or rank < best_rank:
            best, best_rank = line, rank
    return best, year_line


# ---- items ----------------------------------------------------------------------------------------

def _first(figures: list[Figure]) -> Figure | None:
    return figures[0] if figures else None


def _summary_items(rep: Report, kind: str, side: str, item: str) -> list[Figure]:
    out = []
    for period in PERIODS:
        found = []
        for table in rep.logical_tables(kind):
            line, year_line = _summary_total(rep, table, side, period)
            if line is None:
                continue
            label = _clean(line.get("line_label"))
            f = rep.figure(item, period, line, f"{label} of {_where(line)}")
            f.year_total = year_line
            found.append(f)
        if found:
            head = found[0]
            head.witnesses = found[1:]
            out.append(head)
    return out


def _part_column(rep: Report, table: pd.DataFrame, period: str, pattern) -> list:
    """Lines of the table's total row whose column's own name matches `pattern` (基本支出 under
    本年支出 or 当年预算; 基本支出 / 小计)."""
    total = rep.total_in_row(table, period)
    if total is None:
        return []
    row = table[table["row"] == total["row"]]
    hits = []
    for i, line in rep.rows(row):
        r = rep.reading(i, line)
        if r.period != period or not rep.wanted_amount(r, table):
            continue
        own = [s for s in r.segments if not _is_sum(s)]
        if own and pattern.match(own[-1]):
            hits.append((_column_rank(r, line), line))
    return [l for _, l in sorted(hits, key=lambda h: h[0])]


def _part_row(rep: Report, table: pd.DataFrame, period: str, pattern) -> pd.Series | None:
    """Where a table lists 基本支出 / 项目支出 as rows: the row's total column."""
    best, best_rank = None, None
    for i, line in rep.rows(table):
        if not pattern.match(_clean(line.get("line_label"))):
            continue
        r = rep.reading(i, line)
        if r.period != period or not rep.wanted_amount(r, table):
            continue
        rank = _column_rank(r, line)
        if best_rank is None or rank < best_rank:
            best, best_rank = line, rank
    return best


def _basic_project(rep: Report) -> list[Figure]:
    out = []
    for period in PERIODS:
        for table in rep.logical_tables("expenditure"):
            got = []
            for item, pattern in (("basic_expenditure", V.HEADLINE_BASIC),
                                  ("project_expenditure", V.HEADLINE_PROJECT)):
                cols = _part_column(rep, table, period, pattern)
                if cols:
                    got.append(rep.figure(item, period, cols[0],
                                          f"{_clean(cols[0].get('measure'))} of the total row of {_where(cols[0])}"))
                    continue
                line = _part_row(rep, table, period, V.HEADLINE_BASIC_ROW if item == "basic_expenditure"
                                 else V.HEADLINE_PROJECT_ROW)
                if line is not None:
                    got.append(rep.figure(item, period, line, f"{_clean(line.get('line_label'))} row of {_where(line)}"))
                    continue
                if item == "basic_expenditure":  # 人员经费 + 公用经费, no 基本支出 printed
                    parts = [_part_column(rep, table, period, p) for p in (V.HEADLINE_PERSONNEL, V.HEADLINE_PUBLIC_USE)]
                    if all(parts):
                        got.append(_derived(rep, item, period, [p[0] for p in parts]))
            if got:
                out += got
                break
        if not any(f.period == period for f in out):  # 收支总表 rows (西安: 人员经费和公用经费支出)
            for table in rep.logical_tables("summary")[:1]:
                for item, pattern in (("basic_expenditure", V.HEADLINE_BASIC_ROW),
                                      ("project_expenditure", V.HEADLINE_PROJECT_ROW)):
                    side = table.loc[[i for i, l in rep.rows(table) if _side(l) == "expenditure"]]
                    line = _part_row(rep, side, period, pattern) if len(side) else None
                    if line is not None:
                        out.append(rep.figure(item, period, line,
                                              f"{_clean(line.get('line_label'))} row of {_where(line)}"))
    return out


def _procurement_column(rep: Report) -> list[Figure]:
    """No 政府采购 table: the 支出总表's 政府采购 column group (its 小计) on the total row."""
    out = []
    for period in PERIODS:
        for table in rep.logical_tables("expenditure")[:1]:
            total = rep.total_in_row(table, period)
            if total is None:
                continue
            row = table[(table["row"] == total["row"]) & (table["table_id"] == total["table_id"])]
            for i, line in rep.rows(row):
                r = rep.reading(i, line)
                if r.period == period and any(V.HEADLINE_PROCUREMENT.search(x) for x in r.segments) \
                        and r.segments and _is_sum(r.segments[-1]):
                    out.append(rep.figure("procurement_total", period, line,
                                          f"{' / '.join(r.segments)} of the total row of {_where(line)}"))
                    break
    return out


def _derived(rep: Report, item: str, period: str, lines: list) -> Figure:
    value = sum((Decimal(l["value"]) for l in lines), ZERO)
    first = rep.figure(item, period, lines[0], "")
    terms = " + ".join(f"{_clean(l.get('measure')) or _clean(l.get('line_label'))} {Decimal(l['value']):,.2f}"
                       for l in lines)
    return replace(first, value=value.quantize(Decimal("0.01")), source="derived", row=None, col=None,
                   box=(None, None, None, None),
                   message=f"not printed: the sum of its printed parts {terms} ({_where(lines[0])})")


def _grand_totals(rep: Report, kind: str, item: str) -> list[Figure]:
    out = []
    for period in PERIODS:
        found = []
        for table in rep.logical_tables(kind):
            line = rep.total_in_row(table, period)
            if line is not None:
                found.append(rep.figure(item, period, line,
                                        f"{_clean(line.get('line_label'))} × {_clean(line.get('measure'))} of {_where(line)}"))
        if found:
            found[0].witnesses = found[1:]
            out.append(found[0])
    return out


# ---- 三公 -------------------------------------------------------------------------------------------

def _three_public_item(r: Reading) -> str | None:
    """The item of a 三公 line: the column's name when it names one, else the row's; a bare 合计
    (of the column or the row) is `total` (all the table's columns, 会议费 / 培训费 included)."""
    specific = [i for i in (r.column_item, r.row_item) if i and i != "three_public_total"]
    if specific:
        return specific[0]
    if "three_public_total" in (r.column_item, r.row_item):
        return "three_public_total"
    if any(_is_sum(x) for x in r.segments) or _is_sum(r.label):
        return "total"
    return None


def _three_public_table(rep: Report, table: pd.DataFrame) -> dict:
    """{(item, period): Figure} of one 三公 table, blanks and sums included."""
    cands: dict = {}
    for i, line in rep.rows(table):
        r = rep.reading(i, line)
        if r.period is None or not rep.wanted_amount(r, table):
            continue
        item = _three_public_item(r)
        if item is None:
            continue
        by_column = item == r.column_item or (item == "total" and r.row_item is None)
        label = _clean(line.get("line_label"))
        row_rank = _row_rank(rep, label, line.get("code")) if by_column and r.row_item is None else 0
        if by_column and label and label == _clean(line.get("measure")):
            row_rank = 0  # a label-less table: the header names the line
        rank = (row_rank, _int(line["row"]) or 0, *_column_rank(r, line))
        cands.setdefault((item, r.period), []).append((rank, r, line))
    out: dict = {}
    for (item, period), found in cands.items():
        found.sort(key=lambda f: f[0])
        best_rank, r, line = found[0]
        if r.qualifiers:  # every column is one funding source's (一般公共预算 / 政府性基金 …)
            same = [f for f in found if f[0][:2] == best_rank[:2] and f[1].qualifiers]
            nonzero = [f for f in same if Decimal(f[2]["value"]) != 0]
            if len(nonzero) > 1:
                out[(item, period)] = _derived(rep, item, period, [f[2] for f in nonzero])
                continue
            if nonzero:
                line = nonzero[0][2]
        out[(item, period)] = rep.figure(item, period, line,
                                         f"{' / '.join(_segments(line)) or _clean(line.get('line_label'))} of {_where(line)}")
    # a 合计 over 会议费 / 培训费 too is not the 三公 total
    for period in PERIODS:
        generic = out.pop(("total", period), None)
        if generic is None or (("three_public_total", period) in out):
            continue
        if not any((k, period) in out for k in ("meeting_fees", "training_fees")):
            out[("three_public_total", period)] = replace(generic, item="three_public_total")
    _blanks(rep, table, out)
    for period in PERIODS:
        _three_public_sums(rep, out, period)
    return out


def _three_public_sums(rep: Report, out: dict, period: str) -> None:
    def have(k):
        return (k, period) in out
    if not have("three_public_vehicles") and have("three_public_vehicle_purchase") and have("three_public_vehicle_operation"):
        parts = [out[(k, period)] for k in ("three_public_vehicle_purchase", "three_public_vehicle_operation")]
        out[("three_public_vehicles", period)] = _sum_of(rep, "three_public_vehicles", period, parts)
    if not have("three_public_total") and all(have(k) for k in ("three_public_outbound", "three_public_vehicles",
                                                                 "three_public_reception")):
        parts = [out[(k, period)] for k in ("three_public_outbound", "three_public_vehicles", "three_public_reception")]
        out[("three_public_total", period)] = _sum_of(rep, "three_public_total", period, parts)


def _sum_of(rep: Report, item: str, period: str, parts: list[Figure]) -> Figure:
    value = sum((p.value for p in parts), ZERO)
    terms = " + ".join(f"{p.item} {p.value:,.2f}" for p in parts)
    first = parts[0]
    return Figure(item, period, value, "derived", first.table_id, first.logical, page=first.page,
                  message=f"not printed: the sum of its printed parts {terms}")


def _blanks(rep: Report, table: pd.DataFrame, out: dict) -> None:
    """三公 items whose header (or row label) is printed but whose cell is empty: 0, `blank`.
    The cell sits in the row (or column) the table's other figures of that period use."""
    for tid in table["table_id"].unique():
        grid = rep.grid(tid)
        if not grid:
            continue
        mine = table[table["table_id"] == tid]
        first_data = int(mine["row"].min())
        n_cols = max(k for _, k in grid) + 1
        n_rows = max(r for r, _ in grid) + 1
        # columns named by their header (top-down, deepest item word wins), with their period and
        # kind of amount (预算数 / 决算数)
        col_items, col_kinds = {}, {}
        for k in range(n_cols):
            texts = []
            for r in range(first_data):
                c = grid.get((r, k))
                if c is not None and c.text and _clean(c.text) not in texts:
                    texts.append(_clean(c.text))
            item = None
            for t in texts:
                item = _in_context(t, item) or item
            if item:
                col_items[k] = item
            period = _period(texts, rep.year)
            amount = next((a for a in map(_amount_of, texts) if a), None)
            col_kinds[k] = ("budget_year" if period is False else period,
                            rep.wanted_amount(Reading(None, (), amount), table))
        label_cols = {k for k in range(n_cols) if k not in col_items}
        all_rows = set(mine["row"])
        for period in PERIODS:
            used = [f for (item, p), f in out.items() if p == period and f.table_id == tid and f.source == "printed"]
            rows = {f.row for f in used if f.row is not None} or (all_rows if len(all_rows) == 1 else set())
            cols = {f.col for f in used if f.col is not None}
            for k, item in col_items.items():  # a column layout: the row the others use
                if (item, period) in out or len(rows) != 1 or col_kinds[k] != (period, True):
                    continue
                _blank_cell(rep, out, item, period, tid, grid.get((next(iter(rows)), k)), "column")
            for r in range(first_data, n_rows):  # a row layout: the column the others use
                label = next((_clean(grid[(r, k)].text) for k in sorted(label_cols)
                              if (r, k) in grid and _clean(grid[(r, k)].text)), "")
                item = three_public_item(label)
                if not item or (item, period) in out or len(cols) != 1 or r in rows and len(rows) == 1:
                    continue
                _blank_cell(rep, out, item, period, tid, grid.get((r, next(iter(cols)))), "row")


def _blank_cell(rep: Report, out: dict, item: str, period: str, tid: str, cell, how: str) -> None:
    if cell is None or parse_number(cell.text) is not None or _clean(cell.text) not in ("", "-", "—", "－", "/"):
        return
    out[(item, period)] = Figure(item, period, ZERO, "blank", tid, None, int(cell.row), int(cell.col),
                                 int(cell.page), (float(cell.x0), float(cell.top), float(cell.x1), float(cell.bottom)),
                                 f"the {how} of {item} is printed with its cell left empty: 0")


def _three_public(rep: Report) -> list[Figure]:
    tables = [_three_public_table(rep, t) for t in rep.logical_tables("three_public")]
    tables = [t for t in tables if t]
    if not tables:
        return []
    out = []
    for key, head in tables[0].items():
        head.witnesses = [t[key] for t in tables[1:] if key in t]
        out.append(head)
    for t in tables[1:]:  # items only a later table prints
        for key, f in t.items():
            if not any(o.item == f.item and o.period == f.period for o in out):
                f.witnesses = []
                out.append(f)
    return out


# ---- tables printed empty -------------------------------------------------------------------------

def _empty_tables(rep: Report, kind: str, item: str) -> list[Figure]:
    """A standard table printed with no amount at all (an empty 政府性基金 table): its total is 0,
    `blank`, at the cell where the table would print it: beside its total row's label (合计 /
    本年支出合计), else in its total column (合计 / 小计) on the first empty row below the header."""
    from normalize.families.budget_table import budget_table_kind

    if rep.tables is None or not len(rep.tables) or rep.cells is None:
        return []
    with_lines = set(rep.lines["table_id"].dropna())
    for t in rep.tables.itertuples(index=False):
        if t.table_id in with_lines:
            continue
        grid = rep.grid(t.table_id)
        if not grid or any(parse_number(c.text) is not None and not V.HEADLINE_SUM.match(_clean(c.text))
                           for (r, k), c in grid.items() if r > 2 and c.row == r and c.col == k
                           and _clean(c.text) and not V.HEADLINE_COLUMN_NUMBER.match(_clean(c.text))):
            continue
        titles = [t.title] if isinstance(t.title, str) and t.title else []
        titles += [_clean(c.text) for (r, _), c in grid.items() if r < 2 and V.HEADLINE_CAPTION.search(_clean(c.text))]
        header = [_clean(c.text) for (r, _), c in grid.items() if r < 4 and c.text]
        if not any(budget_table_kind(x, header) == kind for x in titles or [None]):
            continue
        cell = _empty_total_cell(grid)
        if cell is None:
            continue
        name = titles[0] if titles else kind
        return [Figure(item, "budget_year", ZERO, "blank", t.table_id, t.table_id,
                       int(cell.row), int(cell.col), int(cell.page),
                       (float(cell.x0), float(cell.top), float(cell.x1), float(cell.bottom)),
                       f"{name} is printed without any amount: its total is left empty, 0")]
    return []


def _empty_total_cell(grid: dict):
    n_rows = max(r for r, _ in grid) + 1
    n_cols = max(k for _, k in grid) + 1

    def own(r, k):
        c = grid.get((r, k))
        return c if c is not None and c.row == r and c.col == k else None

    labels = [(r, k, _clean(c.text)) for (r, k), c in sorted(grid.items())
              if own(r, k) is not None and (V.HEADLINE_SUM.match(_clean(c.text)) and k < n_cols - 1
                                             or V.HEADLINE_YEAR_TOTAL.match(_clean(c.text))
                                             or V.HEADLINE_GRAND_TOTAL.match(_clean(c.text)))]
    # a total row: the label's first empty cell to its right (支出 before 收入 in a 收支表)
    rows = [(r, k, x) for r, k, x in labels if not any(own(r2, k) is not None and _clean(own(r2, k).text)
                                                        and r2 > r for r2 in range(r + 1, min(r + 2, n_rows)))]
    for r, k, text in sorted(labels, key=lambda l: ("支出" not in l[2], -l[0])):
        right = [own(r, j) for j in range(k + 1, n_cols) if own(r, j) is not None]
        if right and not _clean(right[0].text) and r >= 2 and all(not _clean(grid[(r2, k)].text) or r2 == r
                                                                    for r2 in range(r + 1, n_rows) if (r2, k) in grid):
            return right[0]
    del rows
    # else the total column (合计 / 小计 in the header), first empty row below the header
    header_end = next((r for r in range(n_rows) if all(not _clean(grid[(r, k)].text)
                                                       for k in range(n_cols) if (r, k) in grid)), None)
    if header_end is None:
        return None
    for k in range(n_cols):
        if any(V.HEADLINE_SUM.match(_clean(grid[(r, k)].text)) for r in range(header_end) if (r, k) in grid):
            return own(header_end, k) or grid.get((header_end, k))
    return None


# ---- self-evaluations -----------------------------------------------------------------------------

def _self_evaluation(rep: Report) -> list[Figure]:
    out = []
    lines = rep.lines
    if not len(lines):
        own = lines
    else:
        own = lines[lines["budget_table"].isna() & lines["value"].notna()]
    if rep.kind in ("unit_self_evaluation", "project_self_evaluation") and len(own):
        rates = own[own["measure"] == "执行率"]
        best, best_rank = None, None
        for _, line in rates.iterrows():
            label = _clean(line.get("line_label"))
            budget = own[(own["table_id"] == line["table_id"]) & (own["row"] == line["row"])
                         & (own["measure"] == "全年预算数")]["value"]
            size = -Decimal(budget.iloc[0]) if len(budget) else ZERO
            rank = (0 if V.FUNDING_TOTAL.match(label) or V.HEADLINE_SUM.match(label) else 1, size, line["row"])
            if best_rank is None or rank < best_rank:
                best, best_rank = line, rank
        if best is not None:
            f = rep.figure("budget_execution_rate", "budget_year", best,
                           f"执行率 of the {_clean(best.get('line_label'))} line, {_where(best)}")
            f.value = Decimal(best["value"]).quantize(Decimal("0.01"))
            out.append(f)
    score = rep.report.get("total_score")
    if score is not None and not pd.isna(score):
        value = Decimal(str(score)).quantize(Decimal("0.01"))
        cell = own[(own["measure"] == "得分") & own["line_label"].map(lambda s: bool(V.TOTAL_SCORE.match(_clean(s))))] \
            if len(own) else own
        cell = cell[cell["value"].map(lambda v: Decimal(v).quantize(Decimal("0.01")) == value)] if len(cell) else cell
        if len(cell):
            out.append(rep.figure("total_score", "budget_year", cell.iloc[0], f"总分 of {_where(cell.iloc[0])}"))
            out[-1].value = value
        elif rep.kind in ("unit_self_evaluation", "project_self_evaluation"):
            out.append(Figure("total_score", "budget_year", value, "printed",
                              message="the report's total_score (printed in its prose or a form)"))
    return out


# ---- witnesses ------------------------------------------------------------------------------------

def _agree(head: Figure, others: list[Figure]) -> bool | None:
    values = [o.value for o in others if o is not None]
    if not values:
        return None
    return all(v == head.value for v in values)


def _cross_witnesses(rep: Report, figs: dict) -> None:
    """Figures other standard tables print for an item: the 收入总表's and 支出总表's grand totals
    are the 收支总表's (where it prints no carry-over, 总计 = 本年合计)."""
    for item, kind in (("income_total", "income"), ("expenditure_total", "expenditure")):
        for period in PERIODS:
            head = figs.get((item, period))
            if head is None or head.source != "printed":
                continue
            year_line = getattr(head, "year_total", None)
            others = []
            for table in rep.logical_tables(kind)[:1]:
                line = rep.total_in_row(table, period)
                if line is None:
                    continue
                v = Decimal(line["value"]).quantize(Decimal("0.01"))
                # the other table totals the year's flows only (本年收入合计): not this figure
                if year_line is not None and v != head.value and \
                        v == Decimal(year_line["value"]).quantize(Decimal("0.01")):
                    continue
                others.append(rep.figure(item, period, line, _where(line)))
            head.witnesses = list(getattr(head, "witnesses", [])) + others


def headlines(budget_lines: pd.DataFrame, tables: pd.DataFrame | None, report: dict,
              cells: pd.DataFrame | None = None) -> list[dict]:
    """The report's headline rows (CONTRACT.md `headlines`), one per item and period printed.
    `cells` (the `cells` dataset of the report) tells blank cells and each figure's column."""
    rep = Report(budget_lines, tables, report, cells)
    figs: dict = {}

    def add(found: list[Figure]) -> None:
        for f in found:
            figs.setdefault((f.item, f.period), f)

    add(_summary_items(rep, "summary", "income", "income_total"))
    add(_summary_items(rep, "summary", "expenditure", "expenditure_total"))
    add(_basic_project(rep))
    add(_summary_items(rep, "appropriation_summary", "income", "fiscal_appropriation_total"))
    add(_grand_totals(rep, "gpb_expenditure", "gpb_expenditure_total"))
    add(_three_public(rep))
    add(_grand_totals(rep, "fund", "government_fund_expenditure") or
        _empty_tables(rep, "fund", "government_fund_expenditure"))
    add(_grand_totals(rep, "procurement", "procurement_total") or _procurement_column(rep))
    add(_self_evaluation(rep))
    _cross_witnesses(rep, figs)
    # the other side of 财政拨款收支总表 prints the same total
    fa = [f for f in figs.values() if f.item == "fiscal_appropriation_total"]
    for f in fa:
        other = [g for g in _summary_items(rep, "appropriation_summary", "expenditure", f.item)
                 if g.period == f.period]
        f.witnesses = list(getattr(f, "witnesses", [])) + other
    rows = []
    rid = rep.report.get("report_id")
    for item in ITEMS:
        for period in PERIODS:
            f = figs.get((item, period))
            if f is None:
                continue
            witnesses = [w for w in getattr(f, "witnesses", []) if w is not None]
            f.agrees = _agree(f, witnesses)
            if witnesses:
                f.message += "; also printed in " + ", ".join(
                    f"{w.table_id} p.{w.page} ({w.value:,.2f})" for w in witnesses)
            rows.append(f.as_row(rid))
    return rows


def headlines_frame(budget_lines, tables, report, cells=None) -> pd.DataFrame:
    return frame("headlines", headlines(budget_lines, tables, report, cells))
