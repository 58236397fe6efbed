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
from normalize.rows import present, records
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


def _blank(v) -> str:
    return v if present(v) else ""


# A form's lines and indicators as plain dicts: a form is a few dozen rows, which pandas filters
# and groups at ~100 µs a step (its string columns through Arrow); a list comprehension at ~1.
LINE_COLUMNS = ["table_id", "project", "table_title", "row", "line_label", "line_item", "measure", "value", "raw",
                "page"]
INDICATOR_COLUMNS = ["table_id", "project", "name", "weight", "score", "page"]


def _form_lines(rows) -> list[dict]:
    lines, tables = rows.budget_lines, rows.tables
    if lines.empty or tables.empty:
        return []
    ids = set(tables.loc[tables["kind"].isin(FORM_KINDS), "table_id"])
    return records(lines[lines["table_id"].isin(ids) & lines["value"].notna()], LINE_COLUMNS)


def _tol(rows: list[dict], settings: ValidateSettings) -> Decimal:
    return sum((half_unit(r["raw"], r["value"], settings.default_half_unit_yuan) for r in rows), Decimal(0))


def _terms(rows: list[dict]) -> str:
    return " + ".join(f"{r['line_item']} {fmt_number(r['value'])}" for r in rows)


def _by_row(lines: list[dict]) -> dict[int, list[dict]]:
    """Lines by row number, rows in order, each row's lines in their order."""
    out: dict[int, list[dict]] = {}
    for r in lines:
        out.setdefault(r["row"], []).append(r)
    return dict(sorted(out.items()))


def _funding_structure(block: list[dict]) -> list[tuple[int, list[int]]]:
    """(total row, its part rows) pairs of one money block: 合计 / 年度资金总额 over the top-level
    lines; each …小计 over the ①②③ lines below it."""
    rows = [line[0] for line in _by_row(block).values()]
    total = [r["row"] for r in rows if vocab.FUNDING_TOTAL.match(_blank(r["line_item"]))]
    out = []
    top, subs, current = [], {}, None
    for r in rows:
        if r["row"] in total:
            continue
        label = str(r["line_label"] or "")
        if _SUB_ITEM.match(label) and current is not None:
            subs.setdefault(current, []).append(r["row"])
            continue
        top.append(r["row"])
        current = r["row"] if _SUBTOTAL.search(label) else None
    if total and top:
        out.append((total[0], top))
    out += [(k, v) for k, v in subs.items()]
    return out


def funding_comparisons(block: list[dict], subject: str, settings: ValidateSettings) -> list[Comparison]:
    out = []
    for total_row, part_rows in _funding_structure(block):
        part_rows = set(part_rows)
        for measure in vocab.AMOUNT_MEASURES:
            t = [r for r in block if r["row"] == total_row and r["measure"] == measure]
            parts = [r for r in block if r["row"] in part_rows and r["measure"] == measure]
            if not t or not parts:
                continue
            tv = _dec(t[0]["value"])
            s = sum((_dec(r["value"]) for r in parts), Decimal(0))
            out.append(equal("form.funding_sums_to_total", settings.table_severity, SUITE,
                             f"{subject} / {measure}", f"{t[0]['line_item']} = {' + '.join(r['line_item'] for r in parts)}",
                             tv, s, _tol(t, settings) + _tol(parts, settings), fmt_number(tv),
                             f"{_terms(parts)} = {fmt_number(s)}", t[0]["page"], t[0]["table_id"]))
    return out


def project_fund_comparisons(block: list[dict], subject: str, settings: ValidateSettings) -> list[Comparison]:
    """A project's 项目总额 = 财政资金 + 其他资金, where an indicator table prints its funds beside it
    (an empty 其他资金 is none)."""
    by = {m: [r for r in block if r["measure"] == m] for m in vocab.PROJECT_FUNDS}
    total, parts = by["项目总额"], [by[m] for m in vocab.PROJECT_FUNDS if m != "项目总额" and by[m]]
    if not total or not parts:
        return []
    tv = _dec(total[0]["value"])
    s = sum((_dec(p[0]["value"]) for p in parts), Decimal(0))
    terms = " + ".join(f"{p[0]['measure']} {fmt_number(_dec(p[0]['value']))}" for p in parts)
    return [equal("form.project_funds_sum", settings.table_severity, SUITE, subject,
                  f"项目总额 = {' + '.join(p[0]['measure'] for p in parts)}", tv, s,
                  _tol(total, settings) + sum((_tol(p, settings) for p in parts), Decimal(0)), fmt_number(tv),
                  f"{terms} = {fmt_number(s)}", total[0]["page"], total[0]["table_id"])]


def _line_values(line: list[dict]) -> dict[str, dict]:
    return {r["measure"]: r for r in line}


def line_comparisons(block: list[dict], subject: str, settings: ValidateSettings, rates: bool = True) -> list:
    """Per funding line: 全年预算 = 年初 + 年中调整; 结余 = 全年预算 − 执行; 执行率 and 结余率
    (`rates` False: a `funding` table, whose 执行率 validate/budget_execution.py checks)."""
    out: list = []
    sev = settings.table_severity
    for line in _by_row(block).values():
        v = _line_values(line)
        label = f"{subject} / {line[0]['line_label']}"
        page, tid = line[0]["page"], line[0]["table_id"]
        if {"年初预算数", "年中调整数", "全年预算数"} <= v.keys():
            a, b, c = (_dec(v[m]["value"]) for m in ("年初预算数", "年中调整数", "全年预算数"))
            tol = _tol([v[m] for m in ("年初预算数", "年中调整数", "全年预算数")], settings)
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
            tol = _tol([budget, spent, v["结余数"]], settings)
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


def _placeholder_row(line: list[dict]) -> bool:
    """A line whose 分值 / 得分 are not printed (--) carries template rates."""
    return not any(r["measure"] in ("分值", "得分") for r in line)


def _band(grade: str, bands_text: str | None):
    for name, low, high in GRADE_BANDS:
        if name == grade[:1]:
            return low, high
    return None


def score_comparisons(lines: list[dict], ind: list[dict], subject: str, table_id: str,
                      settings: ValidateSettings) -> list:
    out: list = []
    sev = settings.table_severity
    tol1 = Decimal(str(settings.score_tolerance))
    for r in ind:
        if present(r["weight"]) and present(r["score"]):
            out.append(at_most("form.score_within_weight", sev, SUITE, f"{subject} / {r['name']}",
                               "得分 ≤ 分值", r["score"], r["weight"], fmt_number(r["score"]),
                               f"≤ {fmt_number(r['weight'])}", r["page"], r["table_id"]))
    money = [r for r in lines if r["line_item"] != "总分" and r["measure"] in ("分值", "得分")]
    grand = [r for r in lines if r["line_item"] == "总分" and r["measure"] == "得分"]
    if grand and ind:
        g = grand[0]
        unscored = sum(not present(r["score"]) for r in ind)
        if unscored:
            out.append(CheckResult("form.scores_sum_to_total", sev, None, observed=g["raw"],
                                   message=f"{subject}: 总分 printed but {unscored} indicator rows "
                                           f"print no 得分; the sum is not checked.", page=int(g["page"]), table_id=table_id))
        else:
            parts = [_dec(r["score"]) for r in ind] + [_dec(r["value"]) for r in money if r["measure"] == "得分"]
            s = sum(parts, Decimal(0))
            out.append(equal("form.scores_sum_to_total", sev, SUITE, f"{subject} / 总分",
                             "总分 = Σ 指标得分 + 资金得分", _dec(g["value"]), s, tol1 * (len(parts) + 1),
                             fmt_number(g["value"]), f"Σ {len(parts)} 得分 = {fmt_number(s)}", g["page"], table_id))
        weights = [r for r in lines if r["line_item"] == "总分" and r["measure"] == "分值"]
        if weights and all(present(r["weight"]) for r in ind):
            w = weights[0]
            parts = [_dec(r["weight"]) for r in ind] + [_dec(r["value"]) for r in money if r["measure"] == "分值"]
            s = sum(parts, Decimal(0))
            out.append(equal("form.weights_sum_to_total", sev, SUITE, f"{subject} / 分值",
                             "总分值 = Σ 指标分值 + 资金分值", _dec(w["value"]), s, tol1 * (len(parts) + 1),
                             fmt_number(w["value"]), f"Σ {len(parts)} 分值 = {fmt_number(s)}", w["page"], table_id))
    # 执行率得分 = 分值 × min(执行率, 100%) where the money block prints a 分值 and 得分 on one line
    for row in _by_row(money):
        v = _line_values([r for r in lines if r["row"] == row])
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
    out: list = []
    if not lines:
        return out
    ind = records(rows.indicators, INDICATOR_COLUMNS)
    funding = set(rows.tables.loc[rows.tables["kind"] == "funding", "table_id"])
    forms: dict[tuple[str, str], list[dict]] = {}  # (table, project): the form's lines, in order of first line
    for r in lines:
        if present(r["table_id"]):
            forms.setdefault((r["table_id"], _blank(r["project"])), []).append(r)
    for (table_id, project), t in forms.items():
        title = next((r["table_title"] for r in t if present(r["table_title"])), table_id)
        subject = project or str(title)
        money = [r for r in t if r["line_item"] != "总分"]
        out += funding_comparisons(money, subject, settings)
        if project:
            out += project_fund_comparisons(money, subject, settings)
        out += line_comparisons(money, subject, settings, rates=table_id not in funding)
        form_ind = [r for r in ind if r["table_id"] == table_id and _blank(r["project"]) == project]
        out += score_comparisons(t, form_ind, subject, table_id, settings)
    return out
