"""Checks of 部门决算 / 部门预算 tables, keyed on what normalize decided (never on titles): the
standard table (`budget_table`), the table a continued piece belongs to (`logical_table`) and the
measure hierarchy of its header (`measure_path` / `parent_path` / `measure_role`). Row columns add
up as the header declares (合计 = 基本支出 + 项目支出; 基本支出/小计 = 人员经费 + 日常公用支出),
类 = Σ 款 and 款 = Σ 项 by code, 合计 rows, 三公经费 = 因公出国（境）+ 公务用车购置及运行（购置 +
运行）+ 公务接待, the same figure agreeing across tables and landing at one scale (unit guard). A
total whose parts the header does not tell, or codes of a cross-classification, are reported as not
applied (passed null). Tolerance: half a unit of the last printed digit for every printed figure
involved (0.005 万元 = 50 元 per line)."""
from __future__ import annotations

import math
from decimal import Decimal

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import regex

from validate.comparisons import Comparison, equal, fmt_number, half_unit, sum_tolerance
from validate.result import CheckResult
from validate.settings import ValidateSettings
from normalize import vocab
from normalize.rows import present, records
from normalize.vocab import (
    APPROPRIATION, APPROPRIATION_COLUMNS, APPROPRIATION_INCOME, BASIC_EXPENDITURE, CODE_PARTS, FINAL_AMOUNT,
    GRAND_TOTAL_WORD, KNOWN_PARTS, OUTBOUND_FEES, PERSONNEL_TOTAL, PUBLIC_USE_TOTAL, RECEPTION_FEES,
    SUBTOTAL_WORD, THREE_PUBLIC_PARTS, TOTAL_WORD, VEHICLE_FEES, VEHICLE_OPERATION_FEES, VEHICLE_PURCHASE_FEES,
    YEAR_INCOME_COLUMNS, YEAR_INCOME_TOTAL, YEAR_SPENT_COLUMNS, YEAR_SPENT_TOTAL, YUAN,
)

SUITE = "budget_table"
_NUMBERING = vocab.LABEL_NUMBERING
_SPACE = regex.compile(r"\s+")
_OF_WHICH = vocab.MEMO_LINE
_ENUM = vocab.THREE_PUBLIC_ROW_NUMBER
# A 类 / 款 / 项 suffix of a label: 一般公共服务支出（类）.
_CODE_PART_SUFFIX = regex.compile(r"[（(](" + "|".join(CODE_PARTS) + r")[）)]$")
# Economic classification: 人员经费 = 工资福利 + 对个人和家庭的补助; the rest is 公用经费.
_PERSONNEL = ("301", "303")
_PUBLIC = ("302", "307", "309", "310", "312", "399")


def norm_label(label) -> str:
    """'一、一般公共服务支出（类）' → '一般公共服务支出'; spaces and numbering dropped."""
    if label is None or label != label:
        return ""
    s = _NUMBERING.sub("", _SPACE.sub("", str(label)))
    return _CODE_PART_SUFFIX.sub("", s)


def norm_code(code) -> str:
    if code is None or code != code:
        return ""
    return _SPACE.sub("", str(code))


@dataclass(frozen=True)
class Line:
    """One printed number of a 决算/预算 table, as the checks need it (plain Python: per-row pandas
    access costs more than the checks themselves)."""

    table_id: str
    table_title: str
    kind: str
    row: int
    line_label: str
    label: str  # normalised: numbering, spaces and （类） dropped
    code: str  # digits only, '' when the row has none
    measure: str
    amount: Decimal | None  # yuan
    half: Decimal  # half a unit of the last printed digit, yuan
    page: int | None
    logical: str = ""  # table_id of the first piece of a table continued over pages
    path: str = ""  # the column's header path (normalize's anatomy)
    parent: str = ""  # the header path of the total this column adds into
    role: str = ""  # total | part | unexplained | ''
    unit: str = YUAN  # 元, or '' when normalize could not tell the table's unit (amount as printed)
    block: int = 0  # the sub-table of a grid printing several side by side (收入 | 支出)
    row_role: str = ""  # total | memo (其中) | line
    row_level: int | None = None  # depth of a numbered line: 一、 0 > （一） 1 > 1. 2 > （1） 3


def lines_of(lines: pd.DataFrame) -> list[Line]:
    """The money lines of 决算/预算 tables, those of tables without a known unit included
    (validate/report.Report derives them once per report)."""
    if lines is None or lines.empty:
        return []
    return _convert(lines)


def in_yuan(every: list[Line]) -> list[Line]:
    """The lines of tables whose unit normalize knows (amounts in yuan): the ones checked."""
    return [x for x in every if x.unit == YUAN]


def _convert(lines: pd.DataFrame) -> list[Line]:
    """Lines of the tables normalize recognised as standard 决算/预算 tables (`budget_table`),
    money in yuan only: a table whose unit normalize could not tell is not checked here."""
    cols = ["table_id", "table_title", "project", "line_group", "unit", "row", "line_label", "code",
            "measure", "value", "raw", "page", "budget_table", "logical_table", "measure_path",
            "parent_path", "measure_role", "block", "row_role", "row_level"]
    for c in cols:
        if c not in lines.columns:
            lines = lines.assign(**{c: None})
    out = []
    for r in records(lines, cols):
        kind = r["budget_table"]
        unit = r["unit"] if present(r["unit"]) else ""
        if not present(kind) or unit not in (YUAN, "") or present(r["project"]) or \
                r["line_group"] in vocab.FUNDING_SOURCE_GROUPS:
            continue
        amount = Decimal(r["value"]) if present(r["value"]) else None
        out.append(Line(
            table_id=r["table_id"], table_title=str(r["table_title"]), kind=str(kind),
            row=int(r["row"]) if present(r["row"]) else -1,
            line_label=str(r["line_label"]) if present(r["line_label"]) else "",
            label=norm_label(r["line_label"]), code=norm_code(r["code"]),
            measure=str(r["measure"]) if present(r["measure"]) else "", amount=amount,
            half=half_unit(r["raw"] if present(r["raw"]) else None, amount, Decimal(50)) if amount is not None
            else Decimal(50),
            page=int(r["page"]) if present(r["page"]) else None,
            logical=str(r["logical_table"]) if present(r["logical_table"]) else str(r["table_id"]),
            path=_text(r["measure_path"]), parent=_text(r["parent_path"]), role=_text(r["measure_role"]),
            unit=unit, block=int(r["block"]) if present(r["block"]) else 0, row_role=_text(r["row_role"]),
            row_level=int(r["row_level"]) if present(r["row_level"]) else None))
    return out


def _text(v) -> str:
    return str(v) if present(v) else ""


def _groups(items: list[Line], *keys: str) -> dict[tuple, list[Line]]:
    out: dict[tuple, list[Line]] = defaultdict(list)
    for x in items:
        out[tuple(getattr(x, k) for k in keys)].append(x)
    return out


def _display(values: list[Decimal]) -> tuple[Decimal, str]:
    """Show figures in 万元 when every one is a whole 0.01 万元 (how most tables print), else in 元
    (上海 prints whole 元, 北京 万元 to six decimals): a reviewer sees the digits that differ."""
    whole = all(v % 100 == 0 for v in values)
    return (Decimal(10000), vocab.TEN_THOUSAND_YUAN) if whole else (Decimal(1), YUAN)


def _sum_text(values: list[Decimal], scale: Decimal, unit: str) -> str:
    shown = [fmt_number(v / scale) for v in values]
    if len(shown) > 6:
        shown = shown[:5] + [f"… ({len(values)} lines)"]
    return " + ".join(shown) + f" = {fmt_number(sum(values, Decimal(0)) / scale)} {unit}"


def _compare(check: str, settings: ValidateSettings, subject: str, claim: str, total: Line,
             parts: list[Line], identity: str | None = None, known: bool = False) -> Comparison:
    """total = Σ parts. `identity`: the structure this is one row of (validate/structure.py keeps
    it only where the numbers confirm it); `known`: a structure of the budget system itself."""
    values = [p.amount if p.amount is not None else Decimal(0) for p in parts]
    s = sum(values, Decimal(0))
    tol = sum_tolerance([p.half for p in parts], total.half)
    observed = total.amount if total.amount is not None else Decimal(0)
    scale, unit = _display([observed, *values])
    return equal(check, settings.table_severity, SUITE, subject, claim, observed, s, tol,
                 f"{fmt_number(observed / scale)} {unit}", _sum_text(values, scale, unit), total.page, total.table_id,
                 identity, known)


def _column_name(path: str) -> str:
    """'基本支出/小计' → '基本支出'; '预算数/合计' → '预算数·合计' (a bare sum word keeps its parent)."""
    parts = [p for p in path.split("/") if p]
    while len(parts) > 1 and parts[-1] in (SUBTOTAL_WORD,):
        parts.pop()
    if len(parts) > 1 and parts[-1] in (TOTAL_WORD, GRAND_TOTAL_WORD):
        return "·".join(parts[-2:])
    return parts[-1] if parts else path


def row_sums(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """Within a row, each total column = the columns its header declares as its parts
    (合计 = 基本支出 + 项目支出; 基本支出/小计 = 人员经费 + 日常公用支出), as normalize read them."""
    out = []
    for (table_id, title, row), line in _groups(fa, "table_id", "table_title", "row").items():
        for total in (x for x in line if x.role == "total" and x.path):
            parts = [x for x in line if x.parent == total.path]
            if not parts or (total.amount is None and all(x.amount is None for x in parts)):
                continue
            label = f"{total.code} {total.label}" if total.code else total.label or total.line_label
            name = _column_name(total.path)
            out.append(_compare("budget_table.row_sums", settings, f"{title} / {label.strip()} / {name}",
                                f"{name} = {' + '.join(_column_name(p.path) for p in parts)}",
                                total, parts, identity=f"row_sums|{total.logical}|{total.block}|{total.path}",
                                known=total.kind == "three_public" or _known_partition(parts)))
    return out


def _known_partition(parts: list[Line]) -> bool:
    """Parts the budget system itself defines (基本支出 + 项目支出; 人员经费 + 公用经费)."""
    names = {_column_name(p.path) for p in parts}
    return len(names) >= 2 and all(KNOWN_PARTS.match(n) for n in names)


def not_applied(fa: list[Line]) -> list[tuple[str, str, int | None, str]]:
    """(check, message, page, table_id) for each total column whose parts the header does not
    tell: its row sums are not checked rather than guessed."""
    out, seen = [], set()
    for x in fa:
        if x.role != "unexplained" or (x.logical, x.table_title, x.path) in seen:
            continue
        seen.add((x.logical, x.table_title, x.path))
        out.append(("budget_table.row_sums",
                    f"{x.table_title} / {x.path}: not applied, the header does not tell which "
                    f"columns add up to this total", x.page, x.table_id))
    for (_, title), t in _groups(fa, "logical", "table_title").items():
        by_measure = _groups(t, "measure")
        codes = sorted({c for m in by_measure.values() for c in repeated_codes(m)})
        if codes:
            out.append(("budget_table.code_hierarchy",
                        f"{title}: not applied, codes {', '.join(codes[:5])} are printed on more than "
                        f"one row (a cross-classification), so sums by code cannot be read",
                        t[0].page, t[0].table_id))
    return out


def repeated_codes(t: list[Line]) -> list[str]:
    """Codes printed on more than one row of one column (a cross-classification such as 部门经济分类
    301 beside 政府经济分类 501 and 505): the code alone does not name a row, so sums by code
    cannot be read."""
    rows: dict[tuple, set] = defaultdict(set)
    for x in t:
        if x.code.isdigit():
            rows[(x.code, x.label)].add((x.table_id, x.row))
    # the same code and name twice: the row of another classification (a code misprinted on a
    # row of its own name, 30208 取暖费 / 30208 物业管理费, is still a line of its own)
    return sorted({c for (c, _), r in rows.items() if len(r) > 1})


def _coded(t: list[Line], digits: int) -> list[Line]:
    seen, out = set(), []
    for x in t:
        if len(x.code) == digits and x.code.isdigit() and (x.code, x.label) not in seen:
            seen.add((x.code, x.label))
            out.append(x)
    return out


def code_hierarchy(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """类 (3 digits) = Σ its 款 (5), 款 = Σ its 项 (7), per column."""
    out = []
    for (_, _, _, measure), t in _groups(fa, "logical", "block", "table_title", "measure").items():
        if repeated_codes(t):
            continue  # not applied (see not_applied)
        levels = {n: _coded(t, n) for n in (3, 5, 7)}
        for n, level, child_level in ((3, *CODE_PARTS[:2]), (5, *CODE_PARTS[1:])):
            for row in levels[n]:
                children = [c for c in levels[n + 2] if c.code.startswith(row.code)]
                if not children or (row.amount is None and all(c.amount is None for c in children)):
                    continue
                out.append(_compare("budget_table.code_hierarchy", settings,
                                    f"{row.table_title} / {row.code} {row.label} / {measure}",
                                    f"{level} {row.code} = Σ of its {len(children)} {child_level}", row, children,
                                    known=True))
    return out


def _labelled(t: list[Line], label: str) -> Line | None:
    return next((x for x in t if x.label == label and not x.code), None)


def total_rows(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """合计 rows equal the rows they cover: Σ 类 in coded tables; in lists of numbered lines (总表),
    the total = Σ the shallowest numbered lines above it, and each numbered line = Σ the lines
    nested under it (一、 over 1. over （1）), per side-by-side block."""
    out = []
    for (_, block, _, measure), t in _groups(fa, "logical", "block", "table_title", "measure").items():
        title, kind = t[0].table_title, t[0].kind
        classes = [] if repeated_codes(t) else _coded(t, 3)
        total = _labelled(t, TOTAL_WORD)
        if total is not None and classes:
            out.append(_compare("budget_table.total_row", settings, f"{title} / 合计 / {measure}",
                                f"合计 = Σ of its {len(classes)} 类", total, classes, known=True))
        if kind == "gpb_basic" and classes:
            for label, prefixes in ((PERSONNEL_TOTAL, _PERSONNEL), (PUBLIC_USE_TOTAL, _PUBLIC)):
                row = _labelled(t, label)
                parts = [c for c in classes if c.code in prefixes]
                if row is not None and parts:
                    out.append(_compare("budget_table.total_row", settings, f"{title} / {label} / {measure}",
                                        f"{label} = Σ {'/'.join(p.code for p in parts)}", row, parts, known=True))
        if not classes:
            out += _numbered_sums(t, settings, f"{title} / {measure}")
    return out


def _numbered_sums(t: list[Line], settings: ValidateSettings, where: str) -> list[Comparison]:
    """The first total row below a list of numbered lines = Σ its shallowest lines; each numbered
    line with lines nested under it = Σ of them. Whether the list adds up this way is for the
    numbers to confirm (one identity per table and rule)."""
    rows = sorted({(x.table_id, x.row): x for x in t}.values(), key=lambda x: (x.table_id, x.row))
    out = []
    listed: list[Line] = []
    for x in rows:
        if x.row_role == "line" and x.row_level is not None:
            listed.append(x)
        elif x.row_role == "total" and listed:
            top = min(x2.row_level for x2 in listed)
            parts = [x2 for x2 in listed if x2.row_level == top]
            if any(p.amount is not None for p in parts):
                out.append(_compare("budget_table.total_row", settings, f"{where} / {x.line_label}",
                                    f"{x.label} = Σ of the {len(parts)} numbered lines above it", x, parts,
                                    identity=f"numbered_total|{x.logical}"))
            break
    for i, x in enumerate(listed):
        children = []
        for y in listed[i + 1:]:
            if y.row_level <= x.row_level:
                break
            if not children or y.row_level == children[0].row_level:
                children.append(y)
        if children and any(c.amount is not None for c in children):
            out.append(_compare("budget_table.numbered_lines", settings, f"{where} / {x.line_label}",
                                f"{x.label} = Σ of the {len(children)} lines numbered under it", x, children,
                                identity=f"numbered_lines|{x.logical}"))
    return out


def find(fa: list[Line], kind: str, label: str | None = None, code: str | None = None,
         measures: tuple[str, ...] = (), code_digits: int | None = None) -> Line | None:
    """One printed figure: table kind, row (label or code), first matching column with a value."""
    t = [x for x in fa if x.kind == kind and x.amount is not None
         and (label is None or x.label == label) and (code is None or x.code == code)
         and (code_digits is None or (len(x.code) == code_digits and x.code.isdigit()))]
    if not t:
        return None
    for m in measures:
        hit = next((x for x in t if x.measure == m), None)
        if hit is not None:
            return hit
    return t[0] if not measures else None


_SPENT = YEAR_SPENT_COLUMNS
_INCOME = YEAR_INCOME_COLUMNS


def _pairs(fa: list[Line]) -> list[tuple[str, Line | None, Line | None]]:
    return [
        ("本年支出合计: 收入支出决算总表 vs 支出决算表",  # message
         find(fa, "summary", YEAR_SPENT_TOTAL, measures=_SPENT), find(fa, "expenditure", TOTAL_WORD, measures=_SPENT)),
        ("本年收入合计: 收入支出决算总表 vs 收入决算表",  # message
         find(fa, "summary", YEAR_INCOME_TOTAL, measures=_INCOME), find(fa, "income", TOTAL_WORD, measures=_INCOME)),
        ("一般公共预算财政拨款: 收入支出决算总表 vs 财政拨款收入支出决算总表",  # message
         find(fa, "summary", APPROPRIATION_INCOME, measures=_INCOME),
         find(fa, "appropriation_summary", APPROPRIATION, measures=_INCOME)),
    ]


def cross_tables(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """The same figure printed in two tables agrees."""
    out = []
    for subject, a, b in _pairs(fa):
        if a is not None and b is not None:
            out.append(_compare("budget_table.cross_table", settings, subject, "the same figure in both tables", a, [b], known=True))
    gpb_basic = find(fa, "gpb_expenditure", TOTAL_WORD, measures=(BASIC_EXPENDITURE,))
    personnel = find(fa, "gpb_basic", PERSONNEL_TOTAL, measures=(FINAL_AMOUNT,))
    public = find(fa, "gpb_basic", PUBLIC_USE_TOTAL, measures=(FINAL_AMOUNT,))
    if gpb_basic is not None and personnel is not None and public is not None:
        out.append(_compare("budget_table.cross_table", settings,
                            "基本支出: 一般公共预算财政拨款支出决算表 vs 基本支出决算表",  # message
                            "基本支出 = 人员经费合计 + 公用经费合计",  # message
                            gpb_basic, [personnel, public], known=True))
    # 类 lines of the 总表 against the 类 rows of the 支出决算表 (same name), and the 财政拨款总表
    # against the 一般公共预算财政拨款支出决算表.
    for summary_kind, detail_kind, measures in (("summary", "expenditure", _SPENT),
                                                ("appropriation_summary", "gpb_expenditure",
                                                 APPROPRIATION_COLUMNS)):
        s = [x for x in fa if x.kind == summary_kind and _NUMBERING.match(x.line_label)
             and x.label.endswith(vocab.EXPENDITURE_WORD) and x.amount is not None]
        for label in dict.fromkeys(x.label for x in s):
            a = find(s, summary_kind, label, measures=measures)
            b = find(fa, detail_kind, label, measures=_SPENT, code_digits=3)
            if a is None or b is None:
                continue
            out.append(_compare("budget_table.cross_table", settings, f"{label}: {a.table_title} vs {b.table_title}",
                                "the same figure in both tables", a, [b], known=True))
    # a 收支总表 balances: 收入总计 = 支出总计 (each block a side, or a classification of 支出)
    for _, t in _groups([x for x in fa if x.kind in ("summary", "appropriation_summary")],
                        "logical", "measure").items():
        income = next((x for x in t if x.label in vocab.INCOME_GRAND_TOTALS and x.amount is not None), None)
        spent = [x for x in t if x.label in vocab.SPENT_GRAND_TOTALS and x.amount is not None]
        for x in spent if income is not None else []:
            out.append(_compare("budget_table.cross_table", settings, f"{x.table_title} / {x.label}",
                                f"收入总计 = {x.label}", income, [x], known=True))
    return out


def _named_part(text: str) -> str | None:
    for part, pattern in THREE_PUBLIC_PARTS.items():
        if part != SUBTOTAL_WORD and pattern.match(text):
            return part
    return None


def _three_public_part(path: str) -> str | None:
    """The 三公 part a column path names: its most specific named header; a bare 小计 is
    reported as '小计' (the group's total or the vehicle subtotal, by its neighbours)."""
    parts = [p for p in path.split("/") if p]
    for text in reversed(parts):
        named = _named_part(text)
        if named:
            return named
    return SUBTOTAL_WORD if parts and parts[-1] == SUBTOTAL_WORD else None


def _three_public_sums(where: str, g: dict[str, Line], settings: ValidateSettings) -> list[Comparison]:
    out = []
    vehicle_parts = (VEHICLE_PURCHASE_FEES, VEHICLE_OPERATION_FEES)
    # A part printed blank has no line: it counts as zero, as long as most parts are printed.
    vehicle = g.get(VEHICLE_FEES)
    if vehicle is not None and any(p in g for p in vehicle_parts):
        out.append(_compare("budget_table.three_public", settings, f"{where} / 公务用车购置及运行费",
                            "公务用车购置及运行费 = 购置费 + 运行费",  # message
                            vehicle, [g[p] for p in vehicle_parts if p in g], known=True))
    total = g.get(TOTAL_WORD)
    car = [vehicle] if vehicle is not None else [g[p] for p in vehicle_parts if p in g]
    parts = [g[p] for p in (OUTBOUND_FEES,) if p in g] + car + [g[p] for p in (RECEPTION_FEES,) if p in g]
    groups_present = sum((OUTBOUND_FEES in g, bool(car), RECEPTION_FEES in g))
    if total is not None and groups_present >= 2:
        out.append(_compare("budget_table.three_public", settings, f"{where} / 三公经费合计",
                            "三公经费 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费",  # message
                            total, parts, known=True))
    return out


def three_public(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """三公经费 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费, and 公务用车购置及运行费 =
    购置费 + 运行费, where the rows name the parts (项目 | 预算数: 1、因公出国（境）费用 …). Where the
    header names them (the usual layout) the header tree says so and `row_sums` checks it."""
    out = []
    mine = [x for x in fa if x.kind == "three_public"]
    for (_, title, measure), t in _groups(mine, "logical", "table_title", "measure").items():
        g: dict[str, Line] = {}
        for x in t:
            if _three_public_part(x.path) is not None:
                continue  # the header names this column's part: row_sums reads it
            part = _named_part(_ENUM.sub("", _OF_WHICH.sub("", x.label)))
            if part is not None and x.amount is not None:
                g.setdefault(part, x)
        if len(g) >= 3:
            out += _three_public_sums(f"{title} / {measure}", g, settings)
    return out


def _scale(a: Line, b: Line) -> int | None:
    """The power of ten between two printings of one figure (0: the same scale), None if zero."""
    if not a.amount or not b.amount:
        return None
    ratio = abs(a.amount / b.amount)
    k = round(math.log10(float(ratio)))
    return k if abs(float(ratio) / 10 ** k - 1) < 0.01 else 0


def unit_guard(every: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """The same total printed in two tables (收支总表 and 支出总表 …) must land at one scale: a
    factor of 10,000 between them means one table's unit was read wrong (or not at all)."""
    out = []
    for subject, a, b in _pairs(every):
        if a is None or b is None:
            continue
        k = _scale(a, b)
        if k is None:
            continue
        unit_a, unit_b = a.unit or "unit unknown", b.unit or "unit unknown"
        out.append(equal("budget_table.unit_guard", settings.table_severity, SUITE, subject,
                         "the same total lands at one scale in both tables", k, 0, 0,
                         f"{fmt_number(a.amount)} ({unit_a}, {a.table_title} p.{a.page})",
                         f"{fmt_number(b.amount)} ({unit_b}, {b.table_title} p.{b.page}) at the same scale",
                         a.page, a.table_id))
    return out


def comparisons(lines: pd.DataFrame | list[Line], settings: ValidateSettings) -> list[Comparison]:
    """Every arithmetic comparison of the report's 决算 / 预算 tables."""
    every = lines if isinstance(lines, list) else lines_of(lines)
    fa = in_yuan(every)
    if not every:
        return []
    return row_sums(fa, settings) + code_hierarchy(fa, settings) + total_rows(fa, settings) + \
        cross_tables(fa, settings) + three_public(fa, settings) + unit_guard(every, settings)


def blank_totals(fa: list[Line], settings: ValidateSettings) -> list[CheckResult]:
    """A 合计 that is blank or zero while the 类 rows it covers are not."""
    out = []
    for (table_id, measure), t in _groups(fa, "table_id", "measure").items():
        total = next((x for x in t if x.label == TOTAL_WORD and not x.code), None)
        classes = [x for x in t if len(x.code) == 3 and x.amount is not None]
        if total is None or not classes:
            continue
        if (total.amount is None or total.amount == 0) and any(c.amount != 0 for c in classes):
            out.append(CheckResult("budget_table.blank_total", settings.table_severity, False,
                                   observed="blank" if total.amount is None else "0", expected="the sum of its rows",
                                   message=f"{total.table_title}: 合计 / {measure} is blank or zero while "
                                           f"its rows are not.", page=total.page, table_id=table_id))
    return out


def unknown_units(lines: pd.DataFrame, settings: ValidateSettings) -> list[CheckResult]:
    """A money table of any family whose unit normalize could not tell: its amounts are kept as
    printed with a null unit (never guessed as 元) and its arithmetic is not checked; say so, per
    table."""
    if lines is None or lines.empty or "unit" not in lines.columns:
        return []
    loose = lines[lines["unit"].isna() & lines["value"].notna()]
    out = []
    for table_id, t in loose.groupby("table_id", sort=False):
        title = t["table_title"].dropna()
        title = str(title.iloc[0]) if not title.empty else "untitled table"
        page = t["page"].dropna()
        page = int(page.min()) if not page.empty else None
        out.append(CheckResult("budget_table.unit_unknown", settings.document_severity, False,
                               observed=f"{len(t)} amounts without a unit", expected="单位：万元 / 元",  # message
                               message=f"{title} (p.{page}): no money unit declared in its caption or "
                                       f"header; {len(t)} amounts kept as printed, unit null, not checked.",
                               page=page, table_id=str(table_id)))
    return out


def checks(report, settings: ValidateSettings) -> list[Comparison | CheckResult]:
    """The report's budget-table checks: arithmetic (comparisons), blank totals, totals whose parts
    the header does not tell (not applied), tables without a unit."""
    every = report.table_lines
    fa = in_yuan(every)
    return comparisons(every, settings) + blank_totals(fa, settings) + \
        unknown_units(report.rows.budget_lines, settings) + \
        [CheckResult(check, settings.table_severity, None, message=message, page=page, table_id=table_id)
         for check, message, page, table_id in not_applied(fa)]
