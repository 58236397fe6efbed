"""Figures in the report's prose, checked against each other and against the tables.

Recognised sentence shapes (after prose.py has put separated numbers back):
- `<subject> N 万元` — a labelled amount, compared with the table figure it names;
- `N 万元，占 [X 的] P%` — a share of the sentence's first amount (or of X);
- `增加/减少 N 万元，增长/下降 P%` — a change against last year, from the amount before it;
- `年初预算为 A 万元，支出决算为 B 万元[，完成(年初)预算的 P%]` — a rate, and the comparison words
  that follow (决算数小于/大于/等于/与预算数基本持平 预算数) must agree with A and B.
- self-evaluations: `[部门|基本支出|项目支出]调整后预算 A 元，实际执行 B 元，预算执行率 P%` and
  `本年支出合计 A 元，其中：基本支出 B 元；项目支出 C 元` — compared with the budget execution
  table's 全年预算数 / 全年执行数 / 执行率 of the line the sentence names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
import regex

from validate.comparisons import Comparison, equal, fmt_number
from validate.final_accounts import final_accounts_lines, find, norm_label
from validate.prose import Paragraph, paragraphs
from validate.result import CheckResult
from validate.settings import ValidateSettings

SUITE = "prose"
WAN = Decimal(10000)
_NUM = r"(\d[\d,]*(?:\.\d+)?)"
_AMOUNT = regex.compile(_NUM + r"\s*万元")
_SUBJECT_STOP = "，。；：、,;:（）()"
_SHARE = regex.compile(_NUM + r"万元[，,]?占(?:([^，。；%\d]{2,20})的)?" + _NUM + "%")
_CHANGE = regex.compile(r"(增加|减少)" + _NUM + r"万元[，,](增长|下降)" + _NUM + "%")
_BUDGET = regex.compile(r"(?:年初)?预算(?:数)?为" + _NUM + r"万元[，,]支出决算(?:数)?为" + _NUM +
                        r"万元(?:[，,]完成(?:年初)?预算的" + _NUM + "%)?")
_WORD = regex.compile(r"决算数(?:与预算数)?(基本持平|持平|大于预算数|小于预算数|等于预算数|高于预算数|低于预算数)")
_ITEM = regex.compile(r"([^（）。，]+)（类）(?:([^（）。，]+)（款）)?(?:([^（）。，]+)（项）)?")

# Prose subject → (table kind, row label, columns to read) in final_accounts.py's terms.
SUBJECTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "收入支出总计": ("summary", "总计", ()),
    "本年收入合计": ("summary", "本年收入合计", ()),
    "本年支出合计": ("summary", "本年支出合计", ()),
    "财政拨款收入": ("income", "合计", ("财政拨款收入",)),
    "其他收入": ("income", "合计", ("其他收入",)),
    "基本支出": ("expenditure", "合计", ("基本支出",)),
    "项目支出": ("expenditure", "合计", ("项目支出",)),
    "财政拨款收入支出总计": ("appropriation_summary", "总计", ()),
    "一般公共预算财政拨款支出": ("gpb_expenditure", "合计", ("合计",)),
    "一般公共预算财政拨款基本支出": ("gpb_expenditure", "合计", ("基本支出",)),
    "人员经费": ("gpb_basic", "人员经费合计", ()),
    "公用经费": ("gpb_basic", "公用经费合计", ()),
}


@dataclass(frozen=True)
class Figure:
    kind: str  # amount | share | change | budget
    page: int
    sentence: str
    subject: str = ""
    values: tuple[Decimal | None, ...] = ()  # amounts in 万元 / percentages, as printed
    raws: tuple[str | None, ...] = ()
    word: str | None = None  # comparison word (budget) or direction words (change)
    item: str | None = None  # the 项 (or 款/类) a budget figure is about
    unit: str = "万元"  # of values[0] as printed (execution figures: 元, 万元 or %)


def _dec(s: str | None) -> Decimal | None:
    return None if s is None else Decimal(s.replace(",", ""))


def _half(raw: str | None) -> Decimal:
    if not raw or "." not in raw:
        return Decimal("0.5")
    return Decimal(5) / Decimal(10) ** (len(raw.split(".")[1]) + 1)


def _subject(text: str, end: int) -> str:
    start = end
    while start > 0 and text[start - 1] not in _SUBJECT_STOP:
        start -= 1
    s = text[start:end]
    s = regex.sub(r"^.*?\d{4}年度?", "", s)  # 上海市…局2024年度收入支出总计 → 收入支出总计
    s = regex.sub(r"(为|是)$", "", s)
    return s


def _sentences(p: Paragraph):
    for m in regex.finditer(r"[^。]+。?", p.text):
        yield m.group(), p.page_at(m.start()), m.start()


def figures_of(doc) -> list[Figure]:
    """Every recognised figure of the prose, with its page and sentence."""
    out: list[Figure] = []
    if doc is None or not getattr(doc, "lines", None):
        return out
    for p in paragraphs(doc.lines):
        for sentence, page, offset in _sentences(p):
            first = _AMOUNT.search(sentence)
            for m in _AMOUNT.finditer(sentence):
                subj = _subject(sentence, m.start())
                pg = p.page_at(offset + m.start())
                if subj:
                    out.append(Figure("amount", pg, sentence, subj, (_dec(m.group(1)),), (m.group(1),)))
            for m in _SHARE.finditer(sentence):
                pg = p.page_at(offset + m.start())
                base_subject = m.group(2)
                base = None if base_subject or first is None or first.start() == m.start() else first
                if base_subject is None and base is None:
                    continue
                out.append(Figure("share", pg, sentence, base_subject or _subject(sentence, first.start()),
                                  (_dec(m.group(1)), _dec(m.group(3)), _dec(base.group(1)) if base else None),
                                  (m.group(1), m.group(3), base.group(1) if base else None)))
            for m in _CHANGE.finditer(sentence):
                before = [a for a in _AMOUNT.finditer(p.text[:offset + m.start()])]
                if not before:
                    continue
                cur = before[-1]
                out.append(Figure("change", p.page_at(offset + m.start()), sentence,
                                  _subject(p.text, cur.start()),
                                  (_dec(cur.group(1)), _dec(m.group(2)), _dec(m.group(4))),
                                  (cur.group(1), m.group(2), m.group(4)), f"{m.group(1)}/{m.group(3)}"))
            out += _execution_figures(sentence, p, offset)
        # Budget vs final, with the comparison words that follow, up to the next budget figure.
        ms = list(_BUDGET.finditer(p.text))
        for k, m in enumerate(ms):
            tail = p.text[m.end(): ms[k + 1].start() if k + 1 < len(ms) else len(p.text)]
            w = _WORD.search(tail)
            head = p.text[:m.start()]
            items = list(_ITEM.finditer(head[-200:]))
            item = None
            if items and "（项）" in items[-1].group(0):
                item = items[-1].group(3)
            s_start = p.text.rfind("。", 0, m.start()) + 1
            sentence = p.text[s_start: m.end() + (w.end() if w else 0)]
            out.append(Figure("budget", p.page_at(m.start()), sentence, _subject(p.text, m.start()),
                              (_dec(m.group(1)), _dec(m.group(2)), _dec(m.group(3))),
                              (m.group(1), m.group(2), m.group(3)), w.group(1) if w else None, item))
    return out


def comparisons(figures: list[Figure], lines: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    out: list[Comparison] = []
    sev = settings.prose_severity
    rate_tol = Decimal(str(settings.rate_tolerance_points))
    amounts = {f.subject: f for f in figures if f.kind == "amount"}
    for f in figures:
        if f.kind == "share" and f.values[2] is None and f.subject in amounts:
            # 占本年支出合计的 P%: the base is a figure the text gave elsewhere.
            b = amounts[f.subject]
            f = Figure("share", f.page, f.sentence, f.subject, f.values[:2] + b.values[:1], f.raws[:2] + b.raws[:1])
        if f.kind == "share" and f.values[2]:
            part, pct, base = f.values
            computed = part / base * 100
            # Rounding of the two amounts moves the ratio too.
            propagated = (_half(f.raws[0]) / base + part * _half(f.raws[2]) / base / base) * 100
            tol = max(rate_tol, _half(f.raws[1]) + propagated)
            out.append(equal("prose.share", sev, SUITE, f"p.{f.page} 「{_clip(f.sentence)}」",
                             f"{fmt_number(part)} 万元 is {fmt_number(pct)}% of {fmt_number(base)} 万元",
                             pct, computed, tol, f"{f.raws[1]}%",
                             f"{f.raws[0]} / {f.raws[2]} = {fmt_number(computed, 4)}%", f.page))
        elif f.kind == "change":
            cur, delta, pct = f.values
            prior = cur + delta if f.word.startswith("减少") else cur - delta
            if prior <= 0:
                continue
            computed = delta / prior * 100
            tol = max(rate_tol, _half(f.raws[2]) + (_half(f.raws[1]) + _half(f.raws[0])) / prior * 100)
            out.append(equal("prose.change_rate", sev, SUITE, f"p.{f.page} 「{_clip(f.sentence)}」",
                             f"{f.word.split('/')[0]} {f.raws[1]} 万元 from {fmt_number(prior)} 万元 is {f.raws[2]}%",
                             pct, computed, tol, f"{f.raws[2]}%",
                             f"{f.raws[1]} / {fmt_number(prior)} = {fmt_number(computed, 4)}%", f.page))
        elif f.kind == "budget" and f.values[2] is not None:
            budget, final, pct = f.values
            computed = Decimal(0) if budget == 0 else final / budget * 100
            tol = max(rate_tol, _half(f.raws[2]))
            out.append(equal("prose.budget_rate", sev, SUITE, f"p.{f.page} 「{_clip(f.sentence)}」",
                             "完成预算的 P% = 支出决算 / 年初预算", pct, computed, tol, f"{f.raws[2]}%",
                             f"{f.raws[1]} / {f.raws[0]} = {fmt_number(computed, 4)}%", f.page))
    out += _against_tables(figures, lines, settings)
    out += _against_execution_table(figures, lines, settings)
    return out


def _clip(s: str, n: int = 40) -> str:
    s = s.strip()
    return s if len(s) <= n else s[: n - 1] + "…"


def _against_tables(figures: list[Figure], lines: pd.DataFrame, settings: ValidateSettings) -> list[Comparison]:
    fa = final_accounts_lines(lines)
    if not fa:
        return []
    out = []
    seen = set()
    for f in figures:
        target = None
        if f.kind == "amount":
            subj, value, raw = f.subject, f.values[0], f.raws[0]
            if subj in SUBJECTS:
                kind, label, measures = SUBJECTS[subj]
                target = find(fa, kind, label, measures=measures)
            elif subj.endswith("（类）"):
                target = find(fa, "gpb_expenditure", norm_label(subj), measures=("合计",), code_digits=3)
        elif f.kind == "budget" and f.item:
            target = find(fa, "gpb_expenditure", f.item, measures=("合计",), code_digits=7)
            subj, value, raw = f"{f.item}（项） 支出决算", f.values[1], f.raws[1]
        if target is None or (f.page, subj, value) in seen:
            continue
        seen.add((f.page, subj, value))
        table_value = target.amount / WAN
        tol = _half(raw) + target.half / WAN
        out.append(equal("prose.matches_table", settings.prose_severity, SUITE,
                         f"p.{f.page} 「{_clip(f.sentence)}」",
                         f"the text's {subj} equals {target.table_title} (p.{target.page})",
                         value, table_value, tol, f"{raw} 万元",
                         f"{fmt_number(table_value)} 万元 in {target.table_title}", f.page))
    return out


_WORD_SIGN = {"大于预算数": 1, "高于预算数": 1, "小于预算数": -1, "低于预算数": -1,
              "等于预算数": 0, "持平": 0, "基本持平": 0}


def word_checks(figures: list[Figure], settings: ValidateSettings) -> list[CheckResult]:
    """决算数大于/小于/等于/持平 预算数 agrees with the two amounts it describes."""
    out = []
    for f in figures:
        if f.kind != "budget" or f.word is None:
            continue
        budget, final = f.values[0], f.values[1]
        diff = final - budget
        # 基本持平 tolerates a small gap (1% of the budget); the other words are exact to the print.
        slack = abs(budget) / 100 if f.word == "基本持平" else _half(f.raws[0]) + _half(f.raws[1])
        actual = 0 if abs(diff) <= slack else (1 if diff > 0 else -1)
        passed = actual == _WORD_SIGN[f.word]
        described = {1: "决算数大于预算数", -1: "决算数小于预算数", 0: "决算数与预算数持平"}[actual]
        out.append(CheckResult(
            check="prose.comparison_word", severity=settings.prose_severity, passed=passed,
            observed=f"决算数{f.word}（年初预算 {f.raws[0]} 万元，支出决算 {f.raws[1]} 万元）",
            expected=described,
            message=(f"p.{f.page} 「{_clip(f.sentence)}」: the text says 决算数{f.word} and the figures agree."
                     if passed else
                     f"p.{f.page} 「{_clip(f.sentence)}」: the text says 决算数{f.word} but 年初预算 {f.raws[0]} "
                     f"万元 and 支出决算 {f.raws[1]} 万元 mean {described}."),
            page=f.page))
    return out


# --- self-evaluation prose against the budget execution table ------------------------------------

# A labelled figure: the label says which measure; 基本支出/项目支出 alone are parts of the sentence's
# running measure (本年支出合计 A 元，其中：基本支出 B 元). 年初预算 is not in the table: it only
# stops the parts after it being read as 调整后预算 or 执行数.
_EXEC_LABELS = {
    "调整后预算数": "全年预算数", "调整后预算": "全年预算数", "全年预算数": "全年预算数",
    "实际执行数": "全年执行数", "实际执行": "全年执行数", "全年执行数": "全年执行数",
    "决算金额": "全年执行数", "本年支出合计": "全年执行数", "支出合计": "全年执行数",
    "预算执行率": "执行率", "执行率": "执行率", "年初预算数": None, "年初预算": None,
    "基本支出": "part", "项目支出": "part",
}
_EXEC = regex.compile("(" + "|".join(sorted(_EXEC_LABELS, key=len, reverse=True)) + r")(?:为|是|达到|达)?"
                      + _NUM + r"\s*(万元|元|%)")
# What may stand before a label for the figure to be the whole unit's: 全年部门 / 部门 / 整体 / 我中心…
_WHOLE = regex.compile(r"^(?:\d{4}年度?)?(?:全年)?(?:我|本)?(?:部门|单位|中心|局)?(?:[（(]单位[）)])?(?:整体)?(?:全年)?$")
_PARTS = ("基本支出", "项目支出")
WHOLE = "部门整体"  # subject of a figure about the whole unit: the Σ of the table's 资金结构 lines
_EXEC_MEASURES = ("全年预算数", "全年执行数", "执行率")


def _execution_figures(sentence: str, p: Paragraph, offset: int) -> list[Figure]:
    """调整后预算 / 实际执行 / 预算执行率 / 支出合计 figures of one sentence, each with the subject the
    sentence names (基本支出, 项目支出 or the whole unit); a figure whose subject is unclear is skipped."""
    out: list[Figure] = []
    subject, running = None, None
    for m in _EXEC.finditer(sentence):
        label, raw, unit = m.group(1), m.group(2), m.group(3)
        measure = _EXEC_LABELS[label]
        clause_start = max(sentence.rfind(ch, 0, m.start()) for ch in "，,；;：:、") + 1
        prefix = sentence[clause_start:m.start()]
        if measure == "part":
            if prefix not in ("", "其中") or running is None or unit == "%":
                continue
            subj, measure = label, running
        else:
            running = measure
            if measure is None:
                subject = None
                continue
            if any(prefix.endswith(part) for part in _PARTS):
                subject = next(part for part in _PARTS if prefix.endswith(part))
            elif _WHOLE.match(prefix):
                subject = subject if not prefix and subject else WHOLE
            else:
                subject = None  # 某项目调整后预算…: not a line of the unit's table
            if subject is None or (unit == "%") != (measure == "执行率"):
                continue
            subj = subject
            if label in ("本年支出合计", "支出合计", "决算金额"):
                subj = WHOLE
        value = _dec(raw) * (WAN if unit == "万元" else 1)
        out.append(Figure("execution", p.page_at(offset + m.start()), sentence, subj, (value,), (raw,),
                          measure, label, unit))
    return out


def _execution_tables(lines: pd.DataFrame) -> dict[str, pd.DataFrame]:
    if lines is None or lines.empty or "line_group" not in lines:
        return {}
    ok = lines["line_group"].isin(["资金来源", "资金结构"]) & lines["measure"].isin(_EXEC_MEASURES)
    sel = lines[ok]
    if sel.empty:
        return {}
    key = sel["table_id"].fillna("") if "table_id" in sel else pd.Series("", index=sel.index)
    return {k: t for k, t in sel.groupby(key, sort=False)}


def _table_page(t: pd.DataFrame) -> int:
    pages = pd.to_numeric(t["page"], errors="coerce").dropna() if "page" in t else pd.Series(dtype=float)
    return int(pages.min()) if len(pages) else 0


def _line_half(row, settings: ValidateSettings) -> Decimal:
    from validate.comparisons import half_unit
    return half_unit(getattr(row, "raw", None), row.value, settings.default_half_unit_yuan)


def _execution_target(t: pd.DataFrame, subject: str, measure: str, settings: ValidateSettings):
    """(value, tolerance, description) of the table figure a prose figure names, or None."""
    if subject in _PARTS:
        hit = t[(t.line_group == "资金结构") & (t.line_item == subject) & (t.measure == measure)]
        if len(hit) != 1:
            return None
        row = next(hit.itertuples())
        half = _line_half(row, settings) if measure != "执行率" else _half(getattr(row, "raw", None) and
                                                                        str(row.raw).rstrip("%"))
        return Decimal(row.value), half, f"{subject} {measure}"
    # The whole unit: Σ 资金结构 lines (the parts it spends on), else Σ 资金来源 lines.
    for group in ("资金结构", "资金来源"):
        g = t[t.line_group == group]
        budget, spent = g[g.measure == "全年预算数"], g[g.measure == "全年执行数"]
        if measure != "执行率":
            part = budget if measure == "全年预算数" else spent
            if part.empty:
                continue
            total = sum((Decimal(v) for v in part.value), Decimal(0))
            half = sum((_line_half(r, settings) for r in part.itertuples()), Decimal(0))
            names = " + ".join(str(i) for i in part.line_item)
            return total, half, f"{group} {names} {measure}"
        if budget.empty or spent.empty:
            continue
        b = sum((Decimal(v) for v in budget.value), Decimal(0))
        s = sum((Decimal(v) for v in spent.value), Decimal(0))
        if b == 0:
            return None
        return s / b * 100, Decimal(0), f"{group} Σ全年执行数 / Σ全年预算数"
    return None


def _against_execution_table(figures: list[Figure], lines: pd.DataFrame,
                             settings: ValidateSettings) -> list[Comparison]:
    tables = _execution_tables(lines)
    if not tables:
        return []
    rate_tol = Decimal(str(settings.rate_tolerance_points))
    out, seen = [], set()
    for f in figures:
        if f.kind != "execution":
            continue
        # A report may hold several such tables (unit and projects): the nearest one to the text.
        table_id, t = min(tables.items(), key=lambda kv: (abs(_table_page(kv[1]) - f.page), -_table_page(kv[1])))
        target = _execution_target(t, f.subject, f.word, settings)
        key = (f.sentence, f.subject, f.word, f.values[0])  # 基本支出…实际执行 and 其中：基本支出 both checked
        if target is None or key in seen:
            continue
        seen.add(key)
        table_value, table_half, what = target
        tp = _table_page(t)
        subject_name = "部门整体" if f.subject == WHOLE else f.subject
        said = subject_name if f.item in _PARTS else f"{subject_name} {f.item}"
        claim = f"the text's {said} ({f.word}) equals {what} in the budget execution table (p.{tp})"
        if f.word == "执行率":
            tol = max(rate_tol, _half(f.raws[0]) + table_half)
            observed_text = f"{f.raws[0]}%"
            expected_text = f"{fmt_number(table_value)}% ({subject_name} 执行率, table p.{tp})"
        else:
            tol = _half(f.raws[0]) * (WAN if f.unit == "万元" else 1) + table_half
            observed_text = f"{f.raws[0]} {f.unit}"
            expected_text = f"{fmt_number(table_value)} 元 ({what}, table p.{tp})"
        out.append(equal("prose.matches_table", settings.prose_severity, SUITE,
                         f"p.{f.page} 「{_clip(f.sentence)}」 {subject_name} {f.word}", claim,
                         f.values[0], table_value, tol, observed_text, expected_text, f.page,
                         table_id or None))
    return out
