"""Figures in the report's prose, checked against each other and against the tables.

Recognised sentence shapes (after prose.py has put separated numbers back):
- `<subject> N 万元` — a labelled amount, compared with the table figure it names;
- `N 万元，占 [X 的] P%` — a share of the sentence's first amount (or of X);
- `增加/减少 N 万元，增长/下降 P%` — a change against last year, from the amount before it;
- `年初预算为 A 万元，支出决算为 B 万元[，完成(年初)预算的 P%]` — a rate, and the comparison words
  that follow (决算数小于/大于/等于/与预算数基本持平 预算数) must agree with A and B.
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
