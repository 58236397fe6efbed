"""Rules of performance forms (self-evaluation forms, 部门整体 or 项目, and their money blocks),
keyed on what normalize decided: the table kind in `tables`, canonical measures and funding
items in `budget_lines`, weights and scores in `indicators`.

Arithmetic of the form is `error` (a misread number would land): 合计 = Σ its parts, a 小计 =
Σ its ①②③ lines, 全年预算 = 年初 + 年中调整, 结余 = 预算 − 执行, 执行率 / 结余率, 得分 ≤ 分值,
总分 = Σ 得分. What only the publisher's narrative says is a `warning`: a grade that does not fit
the score, an unmet indicator without a 偏差原因. Template placeholders (`0.0%` on a line whose
分值 / 得分 print `--`) are not checked as rates: such a check is recorded as not applied.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import regex

from normalize import vocab
from validate.comparisons import Comparison, at_most, equal, fmt_number, half_unit
from validate.comparisons import rate as rate_rule
from validate.result import CheckResult
from validate.settings import ValidateSettings

SUITE = "form"
FORM_KINDS = ("project_form", "indicators", "funding", "form")
_SUB_ITEM = regex.compile(r"^[①-⑳]")
_SUBTOTAL = regex.compile(r"小计$")
# Grade bands when the form prints none: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.
GRADE_BANDS = (("优", 90, 1000), ("良", 80, 90), ("中", 60, 80), ("差", -1, 60))
_PRINTED_BAND = regex.compile(r"(优|良|中|差)[（(]\s*S?\s*[≥≧>=]+\s*(\d+)")


def _dec(v) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _form_lines(rows) -> pd.DataFrame:
    lines, tables = rows.budget_lines, rows.tables
    if lines.empty or tables.empty:
        return lines.iloc[0:0]
    ids = set(tables.loc[tables["kind"].isin(FORM_KINDS), "table_id"])
    return lines[lines["table_id"].isin(ids) & lines["value"].notna()]


def _tol(rows: pd.DataFrame, settings: ValidateSettings) -> Decimal:
    return sum((half_unit(r.raw, r.value, settings.default_half_unit_yuan) for r in rows.itertuples()),
               Decimal(0))


def _terms(rows: pd.DataFrame) -> str:
    return " + ".join(f"{item} {fmt_number(v)}" for item, v in zip(rows["line_item"], rows["value"]))


def _funding_structure(block: pd.DataFrame) -> list[tuple[pd.Series, pd.DataFrame]]:
    """(total line, its parts) pairs of one money block: 合计 / 年度资金总额 over the top-level
    lines; each …小计 over the ①②③ lines below it."""
    rows = block.drop_duplicates("row").sort_values("row")
    out = []
    total = rows[rows["line_item"].fillna("").str.match(vocab.FUNDING_TOTAL.pattern)]
    top, subs, current = [], {}, None
    for r in rows.itertuples():
        if r.row in set(total["row"]):
            continue
        label = str(r.line_label or "")
        if _SUB_ITEM.match(label) and current is not None:
            subs.setdefault(current, []).append(r.row)
            continue
        top.append(r.row)
        current = r.row if _SUBTOTAL.search(label) else None
    if not total.empty and top:
        out.append((total.iloc[0]["row"], top))
    out += [(k, v) for k, v in subs.items()]
    return out


def funding_comparisons(block: pd.DataFrame, subject: str, settings: ValidateSettings) -> list[Comparison]:
    out = []
    for total_row, part_rows in _funding_structure(block):
        for measure in vocab.AMOUNT_MEASURES:
            t = block[(block["row"] == total_row) & (block["measure"] == measure)]
            parts = block[block["row"].isin(part_rows) & (block["measure"] == measure)]
            if t.empty or parts.empty:
                continue
            tv = _dec(t["value"].iloc[0])
            s = sum(map(_dec, parts["value"]), Decimal(0))
            label = t["line_item"].iloc[0]
            out.append(equal("form.funding_sums_to_total", settings.table_severity, SUITE,
                             f"{subject} / {measure}", f"{label} = {' + '.join(parts['line_item'])}",
                             tv, s, _tol(t, settings) + _tol(parts, settings), fmt_number(tv),
                             f"{_terms(parts)} = {fmt_number(s)}", t["page"].iloc[0], t["table_id"].iloc[0]))
    return out


def project_fund_comparisons(block: pd.DataFrame, subject: str, settings: ValidateSettings) -> list[Comparison]:
    """A project's 项目总额 = 财政资金 + 其他资金, where an indicator table prints its funds beside it
    (an empty 其他资金 is none)."""
    by = {m: block[block["measure"] == m] for m in vocab.PROJECT_FUNDS}
    total, parts = by["项目总额"], [by[m] for m in vocab.PROJECT_FUNDS if m != "项目总额" and len(by[m])]
    if total.empty or not parts:
        return []
    tv = _dec(total["value"].iloc[0])
    s = sum((_dec(p["value"].iloc[0]) for p in parts), Decimal(0))
    terms = " + ".join(f"{p['measure'].iloc[0]} {fmt_number(_dec(p['value'].iloc[0]))}" for p in parts)
    return [equal("form.project_funds_sum", settings.table_severity, SUITE, subject,
                  f"项目总额 = {' + '.join(p['measure'].iloc[0] for p in parts)}", tv, s,
                  _tol(total, settings) + sum((_tol(p, settings) for p in parts), Decimal(0)), fmt_number(tv),
                  f"{terms} = {fmt_number(s)}", total["page"].iloc[0], total["table_id"].iloc[0])]


def _line_values(line: pd.DataFrame) -> dict[str, pd.Series]:
    return {r["measure"]: r for _, r in line.iterrows()}


def line_comparisons(block: pd.DataFrame, subject: str, settings: ValidateSettings, rates: bool = True) -> list:
    """Per funding line: 全年预算 = 年初 + 年中调整; 结余 = 全年预算 − 执行; 执行率 and 结余率
    (`rates` False: a `funding` table, whose 执行率 validate/budget_execution.py checks)."""
    out: list = []
    sev = settings.table_severity
    for row, line in block.groupby("row", sort=True):
        v = _line_values(line)
        label = f"{subject} / {line['line_label'].iloc[0]}"
        page, tid = line["page"].iloc[0], line["table_id"].iloc[0]
        if {"年初预算数", "年中调整数", "全年预算数"} <= v.keys():
            a, b, c = (_dec(v[m]["value"]) for m in ("年初预算数", "年中调整数", "全年预算数"))
            tol = _tol(pd.DataFrame([v[m] for m in ("年初预算数", "年中调整数", "全年预算数")]), settings)
            out.append(equal("form.budget_adjusted", sev, SUITE, label, "全年预算 = 年初预算 + 年中调整",
                             c, a + b, tol, fmt_number(c), f"{fmt_number(a)} + {fmt_number(b)} = {fmt_number(a + b)}",
                             page, tid))
        budget = v.get("全年预算数")
        spent = v.get("全年执行数")
        if budget is None or spent is None:
            continue
        bv, sv = _dec(budget["value"]), _dec(spent["value"])
        if "结余数" in v:
            rest = _dec(v["结余数"]["value"])
            tol = _tol(pd.DataFrame([budget, spent, v["结余数"]]), settings)
            out.append(equal("form.balance", sev, SUITE, label, "结余 = 全年预算 − 执行", rest, bv - sv, tol,
                             fmt_number(rest), f"{fmt_number(bv)} − {fmt_number(sv)} = {fmt_number(bv - sv)}",
                             page, tid))
        for measure, num, what in (("执行率", sv, "执行数"), ("结余率", bv - sv, "结余")):
            if measure not in v or (measure == "执行率" and not rates):
                continue
            rate = _dec(v[measure]["value"])
            computed = Decimal(0) if bv == 0 else num / bv * 100
            if rate == 0 and computed != 0 and _placeholder_row(line):
                out.append(CheckResult(f"form.{'execution_rate' if measure == '执行率' else 'balance_rate'}",
                                       sev, None, observed=v[measure]["raw"], expected=fmt_number(computed, 2, "%"),
                                       message=f"{label}: {measure} printed {v[measure]['raw']} beside -- cells is a "
                                               f"template placeholder, not checked.", page=page, table_id=tid))
                continue
            out.append(rate_rule(f"form.{'execution_rate' if measure == '执行率' else 'balance_rate'}", sev,
                                 SUITE, label, f"{measure} = {what} / 全年预算 × 100", rate, v[measure]["raw"], num,
                                 bv, settings.rate_tolerance_points, page, tid))
    return out


def _placeholder_row(line: pd.DataFrame) -> bool:
    """A line whose 分值 / 得分 are not printed (--) carries template rates."""
    return not line["measure"].isin(["分值", "得分"]).any()


def _band(grade: str, bands_text: str | None):
    for name, low, high in GRADE_BANDS:
        if name == grade[:1]:
            return low, high
    return None


def score_comparisons(lines: pd.DataFrame, ind: pd.DataFrame, subject: str, table_id: str,
                      settings: ValidateSettings) -> list:
    out: list = []
    sev = settings.table_severity
    tol1 = Decimal(str(settings.score_tolerance))
    for _, r in ind[ind["weight"].notna() & ind["score"].notna()].iterrows():
        out.append(at_most("form.score_within_weight", sev, SUITE, f"{subject} / {r['name']}",
                           "得分 ≤ 分值", r["score"], r["weight"], fmt_number(r["score"]),
                           f"≤ {fmt_number(r['weight'])}", r["page"], r["table_id"]))
    money = lines[(lines["line_item"] != "总分") & lines["measure"].isin(["分值", "得分"])]
    grand = lines[(lines["line_item"] == "总分") & (lines["measure"] == "得分")]
    if not grand.empty and not ind.empty:
        g = grand.iloc[0]
        if ind["score"].isna().any():
            out.append(CheckResult("form.scores_sum_to_total", sev, None, observed=g["raw"],
                                   message=f"{subject}: 总分 printed but {int(ind['score'].isna().sum())} indicator rows "
                                           f"print no 得分; the sum is not checked.", page=int(g["page"]), table_id=table_id))
        else:
            parts = [_dec(s) for s in ind["score"]] + [_dec(v) for v in money.loc[money["measure"] == "得分", "value"]]
            s = sum(parts, Decimal(0))
            out.append(equal("form.scores_sum_to_total", sev, SUITE, f"{subject} / 总分",
                             "总分 = Σ 指标得分 + 资金得分", _dec(g["value"]), s, tol1 * (len(parts) + 1),
                             fmt_number(g["value"]), f"Σ {len(parts)} 得分 = {fmt_number(s)}", g["page"], table_id))
        weights = lines[(lines["line_item"] == "总分") & (lines["measure"] == "分值")]
        if not weights.empty and ind["weight"].notna().all():
            w = weights.iloc[0]
            parts = [_dec(x) for x in ind["weight"]] + [_dec(v) for v in money.loc[money["measure"] == "分值", "value"]]
            s = sum(parts, Decimal(0))
            out.append(equal("form.weights_sum_to_total", sev, SUITE, f"{subject} / 分值",
                             "总分值 = Σ 指标分值 + 资金分值", _dec(w["value"]), s, tol1 * (len(parts) + 1),
                             fmt_number(w["value"]), f"Σ {len(parts)} 分值 = {fmt_number(s)}", w["page"], table_id))
    # 执行率得分 = 分值 × min(执行率, 100%) where the money block prints a 分值 and 得分 on one line
    for row, line in money.groupby("row"):
        v = _line_values(lines[lines["row"] == row])
        if {"分值", "得分", "执行率"} <= v.keys():
            w, sc, rate = (_dec(v[m]["value"]) for m in ("分值", "得分", "执行率"))
            expected = w * min(rate, Decimal(100)) / 100
            tol = max(tol1, half_unit(v["得分"]["raw"], Decimal(1), Decimal("0.005"))) + \
                Decimal(str(settings.rate_tolerance_points)) * w / 100
            # the usual rule, not printed on the form: a publisher may score otherwise (warning)
            out.append(equal("form.funding_score", settings.document_severity, SUITE, f"{subject} / 预算执行率得分",
                             "得分 = 分值 × min(执行率, 100%) (the usual rule; the form prints none)", sc, expected, tol, fmt_number(sc),
                             f"{fmt_number(w)} × {fmt_number(min(rate, Decimal(100)), 2, '%')} = {fmt_number(expected)}",
                             v["得分"]["page"], table_id))
    return out


def _tables_with_role(tables: pd.DataFrame, role: str) -> set[str]:
    out = set()
    for tid, blocks in zip(tables.get("table_id", []), tables.get("blocks", [])):
        if isinstance(blocks, str) and any(b["kind"] == "indicators" and role in b["columns"]
                                           for b in json.loads(blocks)):
            out.add(tid)
    return out


def deviation_checks(rows, settings: ValidateSettings) -> list[CheckResult]:
    """An indicator that was not met explains itself in 偏差原因 (where the form has the column)."""
    out = []
    ind = rows.indicators
    if ind.empty:
        return out
    ind = ind[ind["table_id"].isin(_tables_with_role(rows.tables, "deviation"))]
    for _, r in ind[(ind["met"] == False) & ind["deviation_note"].isna()].iterrows():  # noqa: E712
        out.append(CheckResult("form.unmet_has_deviation_note", settings.document_severity, False,
                               observed=f"{r['target_raw']} → {r['actual_raw']}", expected="a 偏差原因",
                               message=f"{r['name']}: target {r['target_raw']}, actual {r['actual_raw']} is not met "
                                       f"and the form gives no 偏差原因.", page=int(r["page"]), table_id=r["table_id"]))
    return out


def grade_checks(report: dict, settings: ValidateSettings) -> list[CheckResult]:
    score, grade = report.get("total_score"), report.get("grade")
    if score is None or grade is None or score != score:
        return []
    band = _band(grade, None)
    if band is None:
        return [CheckResult("form.grade_fits_score", settings.document_severity, None, observed=grade,
                            message=f"Grade {grade} has no known band; not checked.")]
    low, high = band
    ok = low <= score < high or (grade.startswith("优") and score >= low)
    return [CheckResult("form.grade_fits_score", settings.document_severity, ok, observed=f"{grade} {score}",
                        expected=f"{grade}: {low} ≤ 总分 < {high}",
                        message=f"The report's grade {grade} {'fits' if ok else 'does not fit'} its 总分 {score} "
                                f"(优 ≥ 90, 良 80–90, 中 60–80, 差 < 60).")]


def checks(report, settings: ValidateSettings) -> list:
    """Every performance form's arithmetic (comparisons), deviations and grade."""
    rows = report.rows
    return comparisons(rows, settings) + deviation_checks(rows, settings) + grade_checks(rows.report, settings)


def comparisons(rows, settings: ValidateSettings) -> list:
    """Comparisons (run by GX) and not-applied CheckResults of every performance form."""
    lines = _form_lines(rows)
    ind = rows.indicators
    out: list = []
    if lines.empty:
        return out
    funding = set(rows.tables.loc[rows.tables["kind"] == "funding", "table_id"])
    for (table_id, project), t in lines.groupby(["table_id", lines["project"].fillna("")], sort=False):
        subject = project or str(t["table_title"].dropna().iloc[0] if t["table_title"].notna().any() else table_id)
        money = t[t["line_item"] != "总分"]
        out += funding_comparisons(money, subject, settings)
        if project:
            out += project_fund_comparisons(money, subject, settings)
        out += line_comparisons(money, subject, settings, rates=table_id not in funding)
        form_ind = ind[(ind["table_id"] == table_id) & (ind["project"].fillna("") == project)] if not ind.empty else ind
        out += score_comparisons(t, form_ind, subject, table_id, settings)
    return out
