"""Checks of project self-evaluation tables (项目支出绩效自评表): the 项目资金 block and the scores."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from validate.budget_execution import rate_comparisons
from validate.comparisons import Comparison, at_most, equal, fmt_amount, fmt_number, half_unit, sum_tolerance
from validate.settings import ValidateSettings

SUITE = "project"
TOTAL_LABEL = "年度资金总额"
PARTS = ("当年财政拨款", "上年结转资金", "其他资金")
AMOUNTS = ("年初预算数", "全年预算数", "全年执行数")


def _first(rows: pd.DataFrame, measure: str) -> tuple[Decimal | None, pd.Series | None]:
    rows = rows[(rows["measure"] == measure) & rows["value"].notna()]
    if rows.empty:
        return None, None
    return Decimal(rows["value"].iloc[0]), rows.iloc[0]


def _score_tolerance(raw, settings: ValidateSettings) -> Decimal:
    # A score printed as '10' was rounded to the unit; '9.99' to the hundredth.
    return max(Decimal(str(settings.score_tolerance)), half_unit(raw, Decimal(1), Decimal("0.005")))


def comparisons(lines: pd.DataFrame, indicators: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    out: list[Comparison] = []
    sev = settings.table_severity
    if lines.empty:
        return out
    for (table_id, project), t in lines[lines["project"].notna()].groupby(["table_id", "project"], sort=False):
        subject = f"{project}"
        total = t[t["line_label"].fillna("").str.contains(TOTAL_LABEL)]
        # 1. 年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金, per amount measure.
        for measure in AMOUNTS:
            tv, trow = _first(total, measure)
            parts = t[t["line_label"].fillna("").str.contains("|".join(PARTS)) & (t["measure"] == measure)
                      & t["value"].notna()]
            if tv is None or parts.empty:
                continue
            s = sum(map(Decimal, parts["value"]))
            tol = sum_tolerance([half_unit(r["raw"], r["value"], Decimal("50")) for _, r in parts.iterrows()],
                                half_unit(trow["raw"], tv, Decimal("50")))
            out.append(equal("project.funding_sums_to_total", sev, SUITE, f"{subject} / {measure}",
                             f"{TOTAL_LABEL} = {' + '.join(PARTS)}", tv, s, tol, fmt_amount(tv),
                             f"{' + '.join(fmt_number(v) for v in parts['value'])} = {fmt_amount(s)}",
                             trow["page"], table_id))
        # 2. 执行率 = 全年执行数 / 全年预算数 on every funding line printing them.
        out.extend(rate_comparisons(t, subject, "project.execution_rate", SUITE, settings))
        # 3. 得分 = 分值 × min(执行率, 100%).
        weight, wrow = _first(total if not total.empty else t, "分值")
        score, srow = _first(total if not total.empty else t, "得分")
        rate, _ = _first(total if not total.empty else t, "执行率")
        if rate is None:
            budget, _ = _first(total, "全年预算数")
            spent, _ = _first(total, "全年执行数")
            if budget and spent is not None:
                rate = spent / budget * 100
        if weight is not None and score is not None and rate is not None:
            expected = weight * min(rate, Decimal(100)) / 100
            out.append(equal("project.funding_score", sev, SUITE, f"{subject} / 预算执行率得分",
                             "得分 = 分值 × min(执行率, 100%)", score, expected,
                             _score_tolerance(srow["raw"], settings) + Decimal(str(settings.rate_tolerance_points)) * weight / 100,
                             fmt_number(score), f"{fmt_number(weight)} × {fmt_number(min(rate, Decimal(100)), 2, '%')} = {fmt_number(expected)}",
                             srow["page"], table_id))
        ind = indicators[indicators["project"] == project] if not indicators.empty else indicators
        # 4. Each indicator's 得分 ≤ its 分值.
        for _, r in ind[ind["weight"].notna() & ind["score"].notna()].iterrows():
            out.append(at_most("project.score_within_weight", sev, SUITE, f"{subject} / {r['name']}",
                               "得分 ≤ 分值", r["score"], r["weight"], fmt_number(r["score"]),
                               f"≤ {fmt_number(r['weight'])}", r["page"], r["table_id"]))
        # 5. Indicator 分值 + the funding 分值 = 100.
        if weight is not None and not ind.empty and ind["weight"].notna().all():
            s = weight + sum(Decimal(str(w)) for w in ind["weight"])
            out.append(equal("project.weights_sum_to_100", sev, SUITE, f"{subject} / 分值",
                             "Σ indicator 分值 + 预算执行率 分值 = 100", s, 100, settings.score_tolerance,
                             f"{fmt_number(weight)} + {fmt_number(s - weight)} = {fmt_number(s)}", "100.00",
                             wrow["page"], table_id))
        # 6. Indicator 得分 + the funding 得分 = 总分, where a 总分 is printed.
        grand, grow = _first(t, "总分")
        if grand is not None and score is not None and not ind.empty and ind["score"].notna().all():
            s = score + sum(Decimal(str(v)) for v in ind["score"])
            out.append(equal("project.scores_sum_to_total", sev, SUITE, f"{subject} / 总分",
                             "Σ indicator 得分 + 预算执行率 得分 = 总分", grand, s,
                             _score_tolerance(grow["raw"], settings) * (len(ind) + 2),
                             fmt_number(grand), f"{fmt_number(score)} + {fmt_number(s - score)} = {fmt_number(s)}",
                             grow["page"], table_id))
    return out
