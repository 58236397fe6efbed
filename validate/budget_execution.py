"""Checks of budget execution tables (全年预算数 / 全年执行数 / 执行率 by 资金来源 and 资金结构)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from validate.comparisons import Comparison, at_least, equal, fmt_amount, fmt_number, half_unit, sum_tolerance
from validate.settings import ValidateSettings

SUITE = "budget_execution"
SOURCE, STRUCTURE = "资金来源", "资金结构"
AMOUNT_MEASURES = ("全年预算数", "全年执行数", "年初预算数")
_TOTAL_WORDS = ("合计", "总计", "小计", "年度资金总额", "总额")


def execution_tables(lines: pd.DataFrame, tables: pd.DataFrame | None = None) -> list[pd.DataFrame]:
    """The budget execution tables of a report, as normalize decided them: the tables it filed as
    kind `funding` (a self-evaluation's money block alone) in `tables`. Without `tables` (rows built
    by hand), the lines of no 决算/预算 table and no project that carry 资金来源/资金结构 groups or
    an 执行率."""
    if lines.empty:
        return []
    if tables is not None and not tables.empty and "kind" in tables.columns:
        ids = set(tables.loc[tables["kind"] == "funding", "table_id"])
        return [t for _, t in lines[lines["table_id"].isin(ids)].groupby("table_id", sort=False)]
    out = []
    own = lines if "budget_table" not in lines.columns else lines[lines["budget_table"].isna()]
    for _, t in own.groupby("table_id", sort=False, dropna=False):
        if t["project"].notna().any():
            continue
        has_groups = t["line_group"].isin([SOURCE, STRUCTURE]).any()
        has_rate = (t["measure"] == "执行率").any() and (t["measure"] == "全年执行数").any()
        if has_groups or has_rate:
            out.append(t)
    return out


def _value(t: pd.DataFrame, mask) -> tuple[Decimal | None, pd.Series | None]:
    rows = t[mask & t["value"].notna()]
    if rows.empty:
        return None, None
    return Decimal(rows["value"].iloc[0]), rows.iloc[0]


def _terms(rows: pd.DataFrame) -> str:
    """'财政拨款 263,083,287.96 + 其他资金 0.00': each summand named, so a reviewer sees which line."""
    items = rows["line_item"].fillna(rows["line_label"])
    return " + ".join(f"{item} {fmt_number(v)}" for item, v in zip(items, rows["value"]))


def _title(t: pd.DataFrame) -> str:
    title = t["table_title"].dropna()
    return str(title.iloc[0]) if not title.empty else "budget table"


def checks(report, settings: ValidateSettings) -> list[Comparison]:
    return comparisons(report.rows.budget_lines, settings, report.rows.tables)


def comparisons(lines: pd.DataFrame, settings: ValidateSettings,
                tables: pd.DataFrame | None = None) -> list[Comparison]:
    """Sums of an execution table and its rates (forms.py checks the rates of every form too,
    and records template placeholders as not applied; here they are left out)."""
    out: list[Comparison] = []
    sev = settings.table_severity
    if tables is not None and (tables.empty or "kind" not in tables.columns):
        tables = None  # rows built by hand, without the tables normalize files
    for t in execution_tables(lines, tables):
        title, table_id = _title(t), t["table_id"].iloc[0]
        amounts = t[t["unit"] == "元"]
        # 1. No negative amounts.
        for _, r in amounts[amounts["value"].notna()].iterrows():
            out.append(at_least("budget.non_negative", sev, SUITE, f"{title} / {r['line_label']} / {r['measure']}",
                                "the amount is not negative", Decimal(r["value"]), 0,
                                fmt_amount(r["value"]), "≥ 0.00 元", r["page"], table_id))
        for measure in AMOUNT_MEASURES:
            m = amounts[amounts["measure"] == measure]
            if m.empty:
                continue
            src = m[(m["line_group"] == SOURCE) & m["value"].notna()]
            struct = m[(m["line_group"] == STRUCTURE) & m["value"].notna()]
            # 2. 资金来源 and 资金结构 describe the same money.
            if not src.empty and not struct.empty:
                s_src, s_struct = sum(map(Decimal, src["value"])), sum(map(Decimal, struct["value"]))
                tol = sum(half_unit(r["raw"], r["value"], Decimal("0.005")) for _, r in pd.concat([src, struct]).iterrows())
                out.append(equal("budget.sources_equal_structure", sev, SUITE, f"{title} / {measure}",
                                 f"Σ {SOURCE} = Σ {STRUCTURE}", s_src, s_struct, tol,
                                 f"{SOURCE} {_terms(src)} = {fmt_amount(s_src)}",
                                 f"{STRUCTURE} {_terms(struct)} = {fmt_amount(s_struct)}",
                                 src["page"].iloc[0], table_id))
            # 3. 基本支出 + 项目支出 = the total line, where the table prints one.
            total_mask = m["line_label"].fillna("").str.contains("|".join(_TOTAL_WORDS)) | \
                m["line_item"].fillna("").isin(_TOTAL_WORDS)
            total, total_row = _value(m, total_mask)
            if total is not None and not struct.empty:
                parts = struct[~struct.index.isin(m[total_mask].index)]
                if not parts.empty:
                    s = sum(map(Decimal, parts["value"]))
                    tol = sum_tolerance([half_unit(r["raw"], r["value"], Decimal("0.005")) for _, r in parts.iterrows()],
                                        half_unit(total_row["raw"], total, Decimal("0.005")))
                    out.append(equal("budget.structure_sums_to_total", sev, SUITE,
                                     f"{title} / {total_row['line_label']} / {measure}",
                                     f"{' + '.join(parts['line_item'].fillna(parts['line_label']))} = total",
                                     total, s, tol, fmt_amount(total),
                                     f"{' + '.join(fmt_number(v) for v in parts['value'])} = {fmt_amount(s)}",
                                     total_row["page"], table_id))
        out.extend(rate_comparisons(t, title, "budget.execution_rate", SUITE, settings))
    return out


def rate_comparisons(t: pd.DataFrame, title: str, check: str, suite: str,
                     settings: ValidateSettings) -> list[Comparison]:
    """执行率 = 全年执行数 / 全年预算数 × 100 on every line printing all three (0/0 printed 0 is fine)."""
    out = []
    for label, line in t.groupby("line_label", sort=False, dropna=True):
        rate, rate_row = _value(line, line["measure"] == "执行率")
        budget, _ = _value(line, line["measure"] == "全年预算数")
        spent, _ = _value(line, line["measure"] == "全年执行数")
        if rate is None or budget is None or spent is None:
            continue
        computed = Decimal(0) if budget == 0 else spent / budget * 100
        if rate == 0 and computed != 0 and not line["measure"].isin(["分值", "得分"]).any() \
                and "分值" in set(t["measure"]):
            continue  # 0.0% on a line whose 分值 / 得分 print --: a template placeholder
        out.append(equal(check, settings.table_severity, suite, f"{title} / {label}",
                         "执行率 = 全年执行数 / 全年预算数 × 100", rate, computed,
                         settings.rate_tolerance_points, fmt_number(rate, 2, "%"),
                         f"{fmt_number(spent)} / {fmt_number(budget)} = {fmt_number(computed, 4, '%')}",
                         rate_row["page"], rate_row["table_id"]))
    return out
