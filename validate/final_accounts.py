"""Checks of 部门决算 / 部门预算 tables: row columns add up, 类 = Σ 款, 款 = Σ 项 by code, 合计 rows,
and the same figure agreeing across tables. Tolerance: half a unit of the last printed digit for
every printed figure involved (0.005 万元 = 50 元 per line)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import regex

from validate.comparisons import Comparison, equal, fmt_number, half_unit
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


def final_accounts_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """The money lines of 决算/预算 tables (not self-evaluation budget tables nor project blocks)."""
    if lines.empty:
        return lines
    kinds = lines["table_title"].map(table_kind)
    keep = kinds.notna() & lines["project"].isna() & lines["unit"].isin(["元"]) & \
        ~lines["line_group"].isin(["资金来源", "资金结构"])
    out = lines[keep].copy()
    out["kind"] = kinds[keep]
    out["label"] = out["line_label"].map(norm_label)
    out["code_n"] = out["code"].map(norm_code)
    out["amount"] = out["value"].map(lambda v: None if v is None or v != v else Decimal(v))
    out["half"] = [half_unit(r, v, Decimal(50)) if v is not None else Decimal(50)
                   for r, v in zip(out["raw"], out["amount"])]
    return out


def _title(t: pd.DataFrame) -> str:
    return str(t["table_title"].iloc[0])


def _sum_text(values: list[Decimal]) -> str:
    shown = [fmt_number(v / 10000) for v in values]
    if len(shown) > 6:
        shown = shown[:5] + [f"… ({len(values)} lines)"]
    return " + ".join(shown) + f" = {fmt_number(sum(values, Decimal(0)) / 10000)} 万元"


def _compare(check: str, settings: ValidateSettings, subject: str, claim: str, total: pd.Series,
             parts: pd.DataFrame) -> Comparison:
    values = [a if a is not None else Decimal(0) for a in parts["amount"]]
    s = sum(values, Decimal(0))
    tol = sum(parts["half"], Decimal(0)) + total["half"]
    observed = total["amount"] if total["amount"] is not None else Decimal(0)
    return equal(check, settings.table_severity, SUITE, subject, claim, observed, s, tol,
                 f"{fmt_number(observed / 10000)} 万元", _sum_text(values), total["page"], total["table_id"])


def row_sums(fa: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    """Within a row: 本年支出合计 = 基本支出 + 项目支出 + …, 小计 = its siblings."""
    out = []
    for table_id, t in fa.groupby("table_id", sort=False):
        measures = list(dict.fromkeys(t["measure"].dropna()))
        totals = [m for m in measures if str(m).endswith(_TOTAL)]
        plan = {}
        for m in totals:
            prefix = str(m)[:-2]
            parts = [p for p in measures if p != m and not str(p).endswith(_TOTAL)
                     and not any(w in str(p) for w in _NOT_SUMMAND)]
            if prefix and any(str(p).startswith(prefix) for p in parts):
                parts = [p for p in parts if str(p).startswith(prefix)]
            elif prefix not in ("", "本年支出", "本年收入"):
                continue  # a 合计 of its own column group we cannot delimit
            # A 合计 of 支出 columns never includes 收入 columns of the same row, and vice versa.
            side = "收入" if "收入" in str(m) else "支出" if "支出" in str(m) else None
            other = {"收入": "支出", "支出": "收入"}.get(side)
            if other:
                parts = [p for p in parts if other not in str(p) or side in str(p)]
            if parts:
                plan[m] = parts
        if not plan:
            continue
        for _, line in t.groupby(["row", "line_label"], sort=False, dropna=False):
            by_measure = {m: r for m, r in zip(line["measure"], (r for _, r in line.iterrows()))}
            for m, parts in plan.items():
                total = by_measure.get(m)
                present = [by_measure[p] for p in parts if p in by_measure]
                if total is None or not present:
                    continue
                if total["amount"] is None and all(r["amount"] is None for r in present):
                    continue
                label = total["code_n"] + " " + total["label"] if total["code_n"] else total["label"]
                out.append(_compare("final.row_sums", settings, f"{_title(t)} / {label.strip()} / {m}",
                                    f"{m} = {' + '.join(parts)}", total, pd.DataFrame(present)))
    return out


def code_hierarchy(fa: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    """类 (3 digits) = Σ its 款 (5), 款 = Σ its 项 (7), per column."""
    out = []
    coded = fa[fa["code_n"].str.fullmatch(r"\d{3}|\d{5}|\d{7}")]
    for (table_id, measure), t in coded.groupby(["table_id", "measure"], sort=False):
        t = t.drop_duplicates("code_n")
        codes = dict(zip(t["code_n"], (r for _, r in t.iterrows())))
        for code, row in codes.items():
            if len(code) == 7:
                continue
            children = t[(t["code_n"].str.len() == len(code) + 2) & t["code_n"].str.startswith(code)]
            if children.empty or (row["amount"] is None and children["amount"].isna().all()):
                continue
            level = "类" if len(code) == 3 else "款"
            out.append(_compare("final.code_hierarchy", settings,
                                f"{_title(t)} / {code} {row['label']} / {measure}",
                                f"{level} {code} = Σ of its {len(children)} {'款' if level == '类' else '项'}",
                                row, children))
    return out


def _total_row(t: pd.DataFrame, label: str) -> pd.Series | None:
    rows = t[(t["label"] == label) & (t["code_n"] == "")]
    return rows.iloc[0] if not rows.empty else None


def total_rows(fa: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    """合计 rows equal the rows they cover: Σ 类 in coded tables, Σ numbered lines in 总表."""
    out = []
    for (table_id, measure), t in fa.groupby(["table_id", "measure"], sort=False):
        title = _title(t)
        classes = t[t["code_n"].str.fullmatch(r"\d{3}")].drop_duplicates("code_n")
        total = _total_row(t, "合计")
        if total is not None and not classes.empty:
            out.append(_compare("final.total_row", settings, f"{title} / 合计 / {measure}",
                                f"合计 = Σ of its {len(classes)} 类", total, classes))
        if t["kind"].iloc[0] == "gpb_basic" and not classes.empty:
            for label, prefixes in (("人员经费合计", _PERSONNEL), ("公用经费合计", _PUBLIC)):
                row = _total_row(t, label)
                parts = classes[classes["code_n"].isin(prefixes)]
                if row is not None and not parts.empty:
                    out.append(_compare("final.total_row", settings, f"{title} / {label} / {measure}",
                                        f"{label} = Σ {'/'.join(parts['code_n'])}", row, parts))
        if t["kind"].iloc[0] in ("summary", "appropriation_summary"):
            numbered = t[t["line_label"].fillna("").str.match(_NUMBERING.pattern)]
            for label, side in (("本年支出合计", "支出"), ("本年收入合计", "收入")):
                row = _total_row(t, label)
                if row is None:
                    continue
                is_side = numbered["label"].str.endswith("支出") if side == "支出" else \
                    ~numbered["label"].str.endswith("支出")
                parts = numbered[is_side & (numbered["row"] < row["row"])]
                if not parts.empty and parts["amount"].notna().any():
                    out.append(_compare("final.total_row", settings, f"{title} / {label} / {measure}",
                                        f"{label} = Σ of the {len(parts)} numbered {side} lines", row, parts))
    return out


def _figure(fa: pd.DataFrame, kind: str, label: str | None = None, code: str | None = None,
            measures: tuple[str, ...] = ()) -> pd.Series | None:
    """One printed figure: table kind, row (label or code), first matching column with a value."""
    t = fa[fa["kind"] == kind]
    if label is not None:
        t = t[t["label"] == label]
    if code is not None:
        t = t[t["code_n"] == code]
    t = t[t["amount"].notna()]
    if t.empty:
        return None
    for m in measures:
        hit = t[t["measure"] == m]
        if not hit.empty:
            return hit.iloc[0]
    return t.iloc[0] if not measures else None


_SPENT = ("本年支出合计", "合计", "决算数", "本年支出")
_INCOME = ("本年收入合计", "合计", "决算数")


def cross_tables(fa: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    """The same figure printed in two tables agrees."""
    pairs: list[tuple[str, pd.Series | None, pd.Series | None]] = [
        ("本年支出合计: 收入支出决算总表 vs 支出决算表",
         _figure(fa, "summary", "本年支出合计", measures=_SPENT),
         _figure(fa, "expenditure", "合计", measures=_SPENT)),
        ("本年收入合计: 收入支出决算总表 vs 收入决算表",
         _figure(fa, "summary", "本年收入合计", measures=_INCOME),
         _figure(fa, "income", "合计", measures=_INCOME)),
        ("一般公共预算财政拨款: 收入支出决算总表 vs 财政拨款收入支出决算总表",
         _figure(fa, "summary", "一般公共预算财政拨款收入", measures=_INCOME),
         _figure(fa, "appropriation_summary", "一般公共预算财政拨款", measures=_INCOME)),
    ]
    gpb_total = _figure(fa, "gpb_expenditure", "合计", measures=("基本支出",))
    personnel = _figure(fa, "gpb_basic", "人员经费合计", measures=("决算数",)) if gpb_total is not None else None
    public = _figure(fa, "gpb_basic", "公用经费合计", measures=("决算数",)) if gpb_total is not None else None
    out = []
    for subject, a, b in pairs:
        if a is None or b is None:
            continue
        out.append(_compare("final.cross_table", settings, subject, "the same figure in both tables", a,
                            pd.DataFrame([b])))
    if gpb_total is not None and personnel is not None and public is not None:
        out.append(_compare("final.cross_table", settings, "基本支出: 一般公共预算财政拨款支出决算表 vs 基本支出决算表",
                            "基本支出 = 人员经费合计 + 公用经费合计", gpb_total, pd.DataFrame([personnel, public])))
    # 类 lines of the 总表 against the 类 rows of the 支出决算表 (same name), and the 财政拨款总表
    # against the 一般公共预算财政拨款支出决算表.
    for summary_kind, detail_kind, measures in (("summary", "expenditure", _SPENT),
                                                ("appropriation_summary", "gpb_expenditure",
                                                 ("一般公共预算财政拨款", "一般公共预算", "合计"))):
        s = fa[(fa["kind"] == summary_kind) & fa["line_label"].fillna("").str.match(_NUMBERING.pattern)
               & fa["label"].str.endswith("支出") & fa["amount"].notna()]
        detail = fa[(fa["kind"] == detail_kind) & fa["code_n"].str.fullmatch(r"\d{3}")]
        for label in dict.fromkeys(s["label"]):
            d = detail[detail["label"] == label]
            a = _figure(s, summary_kind, label, measures=measures)
            b = _figure(d, detail_kind, label, measures=_SPENT) if not d.empty else None
            if a is None or b is None:
                continue
            out.append(_compare("final.cross_table", settings,
                                f"{label}: {_title(fa[fa['kind'] == summary_kind])} vs {b['table_title']}",
                                "the same figure in both tables", a, pd.DataFrame([b])))
    return out


def comparisons(lines: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    fa = final_accounts_lines(lines)
    if fa.empty:
        return []
    return row_sums(fa, settings) + code_hierarchy(fa, settings) + total_rows(fa, settings) + \
        cross_tables(fa, settings)
