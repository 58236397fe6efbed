"""Checks of 部门决算 / 部门预算 tables: row columns add up, 类 = Σ 款, 款 = Σ 项 by code, 合计 rows,
and the same figure agreeing across tables. Tolerance: half a unit of the last printed digit for
every printed figure involved (0.005 万元 = 50 元 per line)."""
from __future__ import annotations

from decimal import Decimal

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
import regex

from validate.comparisons import Comparison, equal, fmt_number, half_unit, sum_tolerance
from validate.settings import ValidateSettings

SUITE = "final_accounts"
_NUMBERING = regex.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、])")
_SPACE = regex.compile(r"\s+")
_TOTAL = ("合计", "小计")
# Columns that stand beside the year's flows and never add into a row total.
_NOT_SUMMAND = ("结转", "结余", "年初", "年末", "预算数", "决算数", "总计")
# Economic classification: 人员经费 = 工资福利 + 对个人和家庭的补助; the rest is 公用经费.
_PERSONNEL = ("301", "303")
_PUBLIC = ("302", "307", "309", "310", "312", "399")


def norm_label(label) -> str:
    """'一、一般公共服务支出（类）' → '一般公共服务支出'; spaces and numbering dropped."""
    if label is None or label != label:
        return ""
    s = _NUMBERING.sub("", _SPACE.sub("", str(label)))
    return regex.sub(r"[（(](类|款|项)[）)]$", "", s)


def norm_code(code) -> str:
    if code is None or code != code:
        return ""
    return _SPACE.sub("", str(code))


def table_kind(title) -> str | None:
    """Which standard 决算/预算 table a title names, budget and final accounts alike."""
    t = regex.sub(r"[\s“”\"'‘’]", "", str(title or "")).replace("预算表", "决算表").replace("收支", "收入支出")
    t = t.replace("预算总表", "决算总表")
    if "三公" in t:
        return "three_public"
    if "财政拨款收入支出" in t and "总表" in t:
        return "appropriation_summary"
    if "收入支出" in t and "总表" in t:
        return "summary"
    if "基本支出" in t and "一般公共预算" in t:
        return "gpb_basic"
    if "一般公共预算财政拨款支出" in t:
        return "gpb_expenditure"
    if "政府性基金" in t or "国有资本经营" in t:
        return "fund"
    if t.endswith("收入决算表") or t == "收入决算表":
        return "income"
    if t.endswith("支出决算表"):
        return "expenditure"
    return None


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


_last: tuple[object, list[Line]] | None = None  # table checks, prose and document checks share one conversion


def final_accounts_lines(lines: pd.DataFrame) -> list[Line]:
    """The money lines of 决算/预算 tables (not self-evaluation budget tables nor project blocks)."""
    global _last
    if lines is None or lines.empty:
        return []
    if _last is not None and _last[0] is lines:
        return _last[1]
    _last = (lines, _convert(lines))
    return _last[1]


def _convert(lines: pd.DataFrame) -> list[Line]:
    cols = ["table_id", "table_title", "project", "line_group", "unit", "row", "line_label", "code",
            "measure", "value", "raw", "page"]
    out = []
    kinds: dict = {}
    for r in lines[cols].to_dict("records"):
        title = r["table_title"]
        if title not in kinds:
            kinds[title] = table_kind(title)
        kind = kinds[title]
        if kind is None or r["unit"] != "元" or _present(r["project"]) or r["line_group"] in ("资金来源", "资金结构"):
            continue
        amount = Decimal(r["value"]) if _present(r["value"]) else None
        out.append(Line(
            table_id=r["table_id"], table_title=str(title), kind=kind,
            row=int(r["row"]) if _present(r["row"]) else -1,
            line_label=str(r["line_label"]) if _present(r["line_label"]) else "",
            label=norm_label(r["line_label"]), code=norm_code(r["code"]),
            measure=str(r["measure"]) if _present(r["measure"]) else "", amount=amount,
            half=half_unit(r["raw"] if _present(r["raw"]) else None, amount, Decimal(50)) if amount is not None
            else Decimal(50),
            page=int(r["page"]) if _present(r["page"]) else None))
    return out


def _present(v) -> bool:
    return v is not None and v == v and v is not pd.NA


def _groups(items: list[Line], *keys: str) -> dict[tuple, list[Line]]:
    out: dict[tuple, list[Line]] = defaultdict(list)
    for x in items:
        out[tuple(getattr(x, k) for k in keys)].append(x)
    return out


def _sum_text(values: list[Decimal]) -> str:
    shown = [fmt_number(v / 10000) for v in values]
    if len(shown) > 6:
        shown = shown[:5] + [f"… ({len(values)} lines)"]
    return " + ".join(shown) + f" = {fmt_number(sum(values, Decimal(0)) / 10000)} 万元"


def _compare(check: str, settings: ValidateSettings, subject: str, claim: str, total: Line,
             parts: list[Line]) -> Comparison:
    values = [p.amount if p.amount is not None else Decimal(0) for p in parts]
    s = sum(values, Decimal(0))
    tol = sum_tolerance([p.half for p in parts], total.half)
    observed = total.amount if total.amount is not None else Decimal(0)
    return equal(check, settings.table_severity, SUITE, subject, claim, observed, s, tol,
                 f"{fmt_number(observed / 10000)} 万元", _sum_text(values), total.page, total.table_id)


def row_sums(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """Within a row: 本年支出合计 = 基本支出 + 项目支出 + …, 小计 = its siblings."""
    out = []
    for (table_id,), t in _groups(fa, "table_id").items():
        measures = list(dict.fromkeys(x.measure for x in t if x.measure))
        plan = {}
        for m in (m for m in measures if m.endswith(_TOTAL)):
            prefix = m[:-2]
            parts = [p for p in measures if p != m and not p.endswith(_TOTAL)
                     and not any(w in p for w in _NOT_SUMMAND)]
            if prefix and any(p.startswith(prefix) for p in parts):
                parts = [p for p in parts if p.startswith(prefix)]
            elif prefix not in ("", "本年支出", "本年收入"):
                continue  # a 合计 of its own column group we cannot delimit
            # A 合计 of 支出 columns never includes 收入 columns of the same row, and vice versa.
            side = "收入" if "收入" in m else "支出" if "支出" in m else None
            other = {"收入": "支出", "支出": "收入"}.get(side)
            if other:
                parts = [p for p in parts if other not in p or side in p]
            if parts:
                plan[m] = parts
        if not plan:
            continue
        for _, line in _groups(t, "row", "line_label").items():
            by_measure = {x.measure: x for x in line}
            for m, parts in plan.items():
                total = by_measure.get(m)
                present = [by_measure[p] for p in parts if p in by_measure]
                if total is None or not present:
                    continue
                if total.amount is None and all(x.amount is None for x in present):
                    continue
                label = f"{total.code} {total.label}" if total.code else total.label
                out.append(_compare("final.row_sums", settings, f"{total.table_title} / {label.strip()} / {m}",
                                    f"{m} = {' + '.join(parts)}", total, present))
    return out


def _coded(t: list[Line], digits: int) -> list[Line]:
    seen, out = set(), []
    for x in t:
        if len(x.code) == digits and x.code.isdigit() and x.code not in seen:
            seen.add(x.code)
            out.append(x)
    return out


def code_hierarchy(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """类 (3 digits) = Σ its 款 (5), 款 = Σ its 项 (7), per column."""
    out = []
    for (table_id, measure), t in _groups(fa, "table_id", "measure").items():
        levels = {n: _coded(t, n) for n in (3, 5, 7)}
        for n, level, child_level in ((3, "类", "款"), (5, "款", "项")):
            for row in levels[n]:
                children = [c for c in levels[n + 2] if c.code.startswith(row.code)]
                if not children or (row.amount is None and all(c.amount is None for c in children)):
                    continue
                out.append(_compare("final.code_hierarchy", settings,
                                    f"{row.table_title} / {row.code} {row.label} / {measure}",
                                    f"{level} {row.code} = Σ of its {len(children)} {child_level}", row, children))
    return out


def _labelled(t: list[Line], label: str) -> Line | None:
    return next((x for x in t if x.label == label and not x.code), None)


def total_rows(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """合计 rows equal the rows they cover: Σ 类 in coded tables, Σ numbered lines in 总表."""
    out = []
    for (table_id, measure), t in _groups(fa, "table_id", "measure").items():
        title, kind = t[0].table_title, t[0].kind
        classes = _coded(t, 3)
        total = _labelled(t, "合计")
        if total is not None and classes:
            out.append(_compare("final.total_row", settings, f"{title} / 合计 / {measure}",
                                f"合计 = Σ of its {len(classes)} 类", total, classes))
        if kind == "gpb_basic" and classes:
            for label, prefixes in (("人员经费合计", _PERSONNEL), ("公用经费合计", _PUBLIC)):
                row = _labelled(t, label)
                parts = [c for c in classes if c.code in prefixes]
                if row is not None and parts:
                    out.append(_compare("final.total_row", settings, f"{title} / {label} / {measure}",
                                        f"{label} = Σ {'/'.join(p.code for p in parts)}", row, parts))
        if kind in ("summary", "appropriation_summary"):
            numbered = [x for x in t if _NUMBERING.match(x.line_label)]
            for label, side in (("本年支出合计", "支出"), ("本年收入合计", "收入")):
                row = _labelled(t, label)
                if row is None:
                    continue
                parts = [x for x in numbered if x.row < row.row and x.label.endswith("支出") == (side == "支出")]
                if parts and any(p.amount is not None for p in parts):
                    out.append(_compare("final.total_row", settings, f"{title} / {label} / {measure}",
                                        f"{label} = Σ of the {len(parts)} numbered {side} lines", row, parts))
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


_SPENT = ("本年支出合计", "合计", "决算数", "本年支出")
_INCOME = ("本年收入合计", "合计", "决算数")


def cross_tables(fa: list[Line], settings: ValidateSettings) -> list[Comparison]:
    """The same figure printed in two tables agrees."""
    pairs = [
        ("本年支出合计: 收入支出决算总表 vs 支出决算表",
         find(fa, "summary", "本年支出合计", measures=_SPENT), find(fa, "expenditure", "合计", measures=_SPENT)),
        ("本年收入合计: 收入支出决算总表 vs 收入决算表",
         find(fa, "summary", "本年收入合计", measures=_INCOME), find(fa, "income", "合计", measures=_INCOME)),
        ("一般公共预算财政拨款: 收入支出决算总表 vs 财政拨款收入支出决算总表",
         find(fa, "summary", "一般公共预算财政拨款收入", measures=_INCOME),
         find(fa, "appropriation_summary", "一般公共预算财政拨款", measures=_INCOME)),
    ]
    out = []
    for subject, a, b in pairs:
        if a is not None and b is not None:
            out.append(_compare("final.cross_table", settings, subject, "the same figure in both tables", a, [b]))
    gpb_basic = find(fa, "gpb_expenditure", "合计", measures=("基本支出",))
    personnel = find(fa, "gpb_basic", "人员经费合计", measures=("决算数",))
    public = find(fa, "gpb_basic", "公用经费合计", measures=("决算数",))
    if gpb_basic is not None and personnel is not None and public is not None:
        out.append(_compare("final.cross_table", settings, "基本支出: 一般公共预算财政拨款支出决算表 vs 基本支出决算表",
                            "基本支出 = 人员经费合计 + 公用经费合计", gpb_basic, [personnel, public]))
    # 类 lines of the 总表 against the 类 rows of the 支出决算表 (same name), and the 财政拨款总表
    # against the 一般公共预算财政拨款支出决算表.
    for summary_kind, detail_kind, measures in (("summary", "expenditure", _SPENT),
                                                ("appropriation_summary", "gpb_expenditure",
                                                 ("一般公共预算财政拨款", "一般公共预算", "合计"))):
        s = [x for x in fa if x.kind == summary_kind and _NUMBERING.match(x.line_label)
             and x.label.endswith("支出") and x.amount is not None]
        for label in dict.fromkeys(x.label for x in s):
            a = find(s, summary_kind, label, measures=measures)
            b = find(fa, detail_kind, label, measures=_SPENT, code_digits=3)
            if a is None or b is None:
                continue
            out.append(_compare("final.cross_table", settings, f"{label}: {a.table_title} vs {b.table_title}",
                                "the same figure in both tables", a, [b]))
    return out


def comparisons(lines: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    fa = final_accounts_lines(lines)
    if not fa:
        return []
    return row_sums(fa, settings) + code_hierarchy(fa, settings) + total_rows(fa, settings) + \
        cross_tables(fa, settings)
