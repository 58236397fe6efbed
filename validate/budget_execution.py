"""Checks of budget execution tables (全年预算数 / 全年执行数 / 执行率 by 资金来源 and 资金结构)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from validate.comparisons import Comparison, at_least, equal, fmt_amount, fmt_number, half_unit, rate, sum_tolerance
from validate.settings import ValidateSettings

SUITE = "budget_execution"
SOURCE, STRUCTURE = "资金来源", "资金结构"
AMOUNT_MEASURES = ("全年预算数", "全年执行数", "年初预算数")
_TOTAL_WORDS = ("合计", "总计", "小计", "年度资金总额", "总额")


def execution_tables(lines: pd.DataFrame, tables: pd.DataFrame) -> list[pd.DataFrame]:
    """The budget execution tables of a report, as normalize decided them: the tables it filed as
    kind `funding` (a self-evaluation's money block alone)."""
    if lines.empty or tables is None or tables.empty or "kind" not in tables.columns:
        return []
    ids = set(tables.loc[tables["kind"] == "funding", "table_id"])
    return [t for _, t in lines[lines["table_id"].isin(ids)].groupby("table_id", sort=False)]


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


def comparisons(lines: pd.DataFrame, settings: ValidateSettings, tables: pd.DataFrame) -> list[Comparison]:
    """Sums of an execution table and its rates (forms.py checks the rates of every form too,
    and records template placeholders as not applied; here they are left out)."""
    out: list[Comparison] = []
    sev = settings.table_severity
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
        printed, rate_row = _value(line, line["measure"] == "执行率")
        budget, _ = _value(line, line["measure"] == "全年预算数")
        spent, _ = _value(line, line["measure"] == "全年执行数")
        if printed is None or budget is None or spent is None:
            continue
        if printed == 0 and spent != 0 and budget != 0 and not line["measure"].isin(["分值", "得分"]).any() \
                and "分值" in set(t["measure"]):
            continue  # 0.0% on a line whose 分值 / 得分 print --: a template placeholder
        out.append(rate(check, settings.table_severity, suite, f"{title} / {label}",
                        "执行率 = 全年执行数 / 全年预算数 × 100", printed, rate_row["raw"], spent, budget,
                        settings.rate_tolerance_points, rate_row["page"], rate_row["table_id"]))
    return out
