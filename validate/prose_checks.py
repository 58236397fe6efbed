"""Figures in the report's prose, checked against each other and against the tables.

Recognised sentence shapes in the prose as extract hands it (Document.paragraphs: separated numbers
put back, page furniture left out). A sentence ends at a `。` outside brackets; bracketed asides
(`24.8万元（公务用车购置费0万元，…。）比上年减少…`) are skipped when the subject, base or prior
amount of a figure is looked for.
- `<subject> N 万元` — a labelled amount, compared with the table figure it names (never with a
  行次 / 栏次 column, nor with a table of one fund when the text does not name that fund);
- `N 万元，占 [X 的] P%` — a share of its base: X when the sentence names it; else the total the
  sentence names before its parts (`支出合计A万元，其中：基本支出B万元，占P%`); else, when the
  listed shares add up to 100%, the sum of the listed parts; else no check;
- `[比|与|较 <prior> [N 万元]] 增加/减少 D 万元，增长/下降 P%` — a change against last year: an
  amount inside the comparison (`比2025年年初预算数99,003.18万元增加…`) is the prior year's; else
  the current amount is the one the sentence gives before the comparison, or the figure its subject
  names earlier in the paragraph (`2026年预算比2025年预算增加…` → `2026年预算收入1682.76万元`),
  or the first amount of the previous sentence (`…支出3894.09万元，…。与上年相比增加…`);
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

from extract.prose_lines import Paragraph
from validate.comparisons import Comparison, equal, fmt_number
from validate.budget_table import Line, find, in_yuan, lines_of, norm_label
from validate.result import CheckResult
from validate.settings import ValidateSettings

SUITE = "prose"
WAN = Decimal(10000)
_NUM = r"(\d[\d,]*(?:\.\d+)?)"
_AMOUNT = regex.compile(_NUM + r"\s*万元")
_SUBJECT_STOP = "，。；：、,;:（）()□"  # □: a blanked aside (masked)
_PCT = "[%％]"
_SHARE = regex.compile(_NUM + r"万元[，,]?占(?:比|([^，。；%％\d]{2,20})的(?:比重|比例)?)?(?:为)?" + _NUM + _PCT)
_CHANGE = regex.compile(r"(增加|减少)" + _NUM + r"万元[，,]?(增长|下降|降低|减少|上升)(?:了|为)?" + _NUM + _PCT)
# Opens the comparison clause of a change: 比上年 / 较上年 / 同比 / 与2023年度（决算数…）相比.
_COMPARED = regex.compile(r"[与和同][^，。；,;]{0,30}?相比|同比|比|较")
_OPEN, _CLOSE = "（(【[", "）)】]"
# A 行次 / 栏次 column numbers the lines; it is never an amount.
_LINE_NUMBER = regex.compile(r"行次|栏次|项次|^序号$")
_BUDGET = regex.compile(r"(?:年初)?预算(?:数)?为" + _NUM + r"万元[，,]支出决算(?:数)?为" + _NUM +
                        r"万元(?:[，,]完成(?:年初)?预算的" + _NUM + "%)?")
_WORD = regex.compile(r"决算数(?:与预算数)?(基本持平|持平|大于预算数|小于预算数|等于预算数|高于预算数|低于预算数)")
_ITEM = regex.compile(r"([^（）。，]+)（类）(?:([^（）。，]+)（款）)?(?:([^（）。，]+)（项）)?")

# Prose subject → (table kind, row label, columns to read) in budget_table.py's terms.
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
    prior: bool = False  # change: values[0] is the prior year's amount (printed in the comparison)
    base_half: Decimal | None = None  # share: rounding of a base that is a sum of printed parts


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


def masked(text: str) -> str:
    """The text with every bracketed aside blanked out (same length, so offsets hold)."""
    out, depth = [], 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        keep = depth == 0
        if ch in _CLOSE and depth:
            depth -= 1
        out.append(ch if keep else "□")
    return "".join(out)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: up to a `。` that is not inside brackets."""
    spans, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif ch == "。" and depth == 0:
            spans.append((start, i + 1))
            start = i + 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _sentences(p: Paragraph):
    for start, end in sentence_spans(p.text):
        yield p.text[start:end], p.page_at(start), start


def _amounts(text: str) -> list:
    return list(_AMOUNT.finditer(text))


def _bare(subject: str) -> str:
    """A subject without its year and filler words: 2026年预算 → 预算."""
    s = regex.sub(r"\d{4}年度?|全年|本年度?|今年|我(?:局|部门|单位)|本(?:局|部门|单位)", "", subject)
    return regex.sub(r"^(?:其中|此外|另外|包括)", "", s).strip("□ ，,、：:")


def _change_base(text: str, start: int, m) -> tuple[object, bool] | None:
    """The amount a change sentence is measured from, as (match in `text`, is_prior), or None.

    `text` is the paragraph with asides blanked, `start` the sentence's offset, `m` the change
    match (offsets in the sentence)."""
    head = text[start:start + m.start()]
    opens = [c for c in _COMPARED.finditer(head)]
    cut = opens[-1].start() if opens else len(head)
    inside = _amounts(head[cut:])
    if inside:
        return _AMOUNT.search(text, start + cut + inside[-1].start()), True
    before = _amounts(head[:cut])
    if before:
        return _AMOUNT.search(text, start + before[-1].start()), False
    subject = _bare(head[:cut])
    earlier = _amounts(text[:start])
    if subject:
        for a in earlier:  # the figure the subject names: 2026年预算 → 2026年预算收入1682.76万元
            named = _bare(_subject(text, a.start()))
            if named and (named.startswith(subject) or subject.startswith(named)):
                return a, False
        return None
    # No subject: the change is about the previous sentence's figure (…支出3894.09万元，…。与上年相比增加…).
    for s0, s1 in reversed(sentence_spans(text[:start])):
        first = _AMOUNT.search(text[s0:s1])
        if first:
            return _AMOUNT.search(text, s0 + first.start()), False
    return None


def _share_base(sentence: str, shares: list, k: int):
    """(value, raw, half) of the base of the k-th unnamed share of a sentence, or None."""
    text = masked(sentence)
    m = shares[k]
    parts = {s.start() for s in shares}
    # The total the sentence names before its parts: the nearest amount that is not itself a part.
    totals = [a for a in _amounts(text[:m.start()]) if a.start() not in parts]
    if totals:
        a = totals[-1]
        return _dec(a.group(1)), a.group(1), _half(a.group(1))
    # A list of parts whose shares make up the whole: the base is their sum.
    pcts = [_dec(s.group(3)) for s in shares]
    slack = 2 * sum((_half(s.group(3)) for s in shares), Decimal(0)) + Decimal("0.01")
    if len(shares) >= 2 and abs(sum(pcts, Decimal(0)) - 100) <= slack:
        total = sum((_dec(s.group(1)) for s in shares), Decimal(0))
        raw = "(" + " + ".join(s.group(1) for s in shares) + ")"
        return total, raw, sum((_half(s.group(1)) for s in shares), Decimal(0))
    return None


def figures_of(doc) -> list[Figure]:
    """Every recognised figure of the prose, with its page and sentence."""
    out: list[Figure] = []
    if doc is None or not getattr(doc, "lines", None):
        return out
    for p in doc.paragraphs:
        plain = masked(p.text)
        for sentence, page, offset in _sentences(p):
            for m in _AMOUNT.finditer(sentence):
                subj = _subject(sentence, m.start())
                pg = p.page_at(offset + m.start())
                if subj:
                    out.append(Figure("amount", pg, sentence, subj, (_dec(m.group(1)),), (m.group(1),)))
            shares = [s for s in _SHARE.finditer(masked(sentence))]
            for k, m in enumerate(shares):
                pg = p.page_at(offset + m.start())
                base_subject = m.group(2)
                if base_subject:  # 占X的P%: X's figure is looked up among the text's amounts
                    out.append(Figure("share", pg, sentence, base_subject,
                                      (_dec(m.group(1)), _dec(m.group(3)), None), (m.group(1), m.group(3), None)))
                    continue
                base = _share_base(sentence, shares, k)
                if base is None:
                    continue
                out.append(Figure("share", pg, sentence, "", (_dec(m.group(1)), _dec(m.group(3)), base[0]),
                                  (m.group(1), m.group(3), base[1]), base_half=base[2]))
            for m in _CHANGE.finditer(masked(sentence)):
                found = _change_base(plain, offset, m)
                if found is None:
                    continue
                cur, prior = found
                out.append(Figure("change", p.page_at(offset + m.start()), sentence,
                                  _subject(p.text, cur.start()),
                                  (_dec(cur.group(1)), _dec(m.group(2)), _dec(m.group(4))),
                                  (cur.group(1), m.group(2), m.group(4)), f"{m.group(1)}/{m.group(3)}",
                                  prior=prior))
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


def checks(report, settings: ValidateSettings) -> list:
    """Prose against the tables and against its own arithmetic (comparisons), and its words."""
    return comparisons(report.figures, report.rows.budget_lines, settings, report.table_lines) + \
        word_checks(report.figures, settings)


def comparisons(figures: list[Figure], lines: pd.DataFrame, settings: ValidateSettings,
                table_lines: list[Line] | None = None) -> list[Comparison]:
    """`table_lines`: the report's budget-table lines, when the caller has them already."""
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
            base_half = f.base_half if f.base_half is not None else _half(f.raws[2])
            propagated = (_half(f.raws[0]) / base + part * base_half / base / base) * 100
            tol = max(rate_tol, _half(f.raws[1]) + propagated)
            out.append(equal("prose.share", sev, SUITE, f"p.{f.page} 「{_clip(f.sentence)}」",
                             f"{fmt_number(part)} 万元 is {fmt_number(pct)}% of {fmt_number(base)} 万元",
                             pct, computed, tol, f"{f.raws[1]}%",
                             f"{f.raws[0]} / {f.raws[2]} = {fmt_number(computed, 4)}%", f.page))
        elif f.kind == "change":
            cur, delta, pct = f.values
            if f.prior:  # 比2025年…99,003.18万元增加2,669.85万元: the printed amount is the base
                prior = cur
                tol_base = _half(f.raws[1]) / prior * 100 + delta * _half(f.raws[0]) / prior / prior * 100
            else:
                prior = cur + delta if f.word.startswith("减少") else cur - delta
                tol_base = (_half(f.raws[1]) + _half(f.raws[0])) / prior * 100 if prior > 0 else 0
            if prior <= 0:
                continue
            computed = delta / prior * 100
            tol = max(rate_tol, _half(f.raws[2]) + tol_base)
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
    out += _against_tables(figures, lines_of(lines) if table_lines is None else table_lines, settings)
    out += _against_execution_table(figures, lines, settings)
    return out


def _clip(s: str, n: int = 40) -> str:
    s = s.strip()
    return s if len(s) <= n else s[: n - 1] + "…"


def _comparable(subject: str, line) -> bool:
    """A table figure a prose subject may be compared with: a money column. Which table a subject
    reads (all funds, or one fund's table) is normalize's standard kind (SUBJECTS), never words
    of the table's title."""
    return not _LINE_NUMBER.search(line.measure or "")


def _against_tables(figures: list[Figure], table_lines: list[Line], settings: ValidateSettings) -> list[Comparison]:
    fa = [x for x in in_yuan(table_lines) if not _LINE_NUMBER.search(x.measure or "")]
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
        if target is None or not _comparable(subj, target) or (f.page, subj, value) in seen:
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
