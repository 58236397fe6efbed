"""The value grammar: one indicator cell (a target or a result) → a typed `Value`.

`parse_value(text)` reads what real 绩效自评 tables print in their 指标值 / 实际完成值 columns
(`≥90.00(%)`, `不少于 100 件`, `15万人次`, `百分百`, `达成指标`, `每月 25 日前`, …) with a few small
pure steps, each a function below, tried in this order:

    _quantity     the whole cell is one quantity: [op] number [unit] [suffix op], or a range
                  (tried on the raw text first: most cells are already clean)
    _normalise    full-width → ASCII (＝ ＞ （ ） ％ １００), all whitespace dropped; then
    _status       result phrases: 达成指标, 已完成, 按时完成 → achieved; 部分达成… → partial;
                  未达成 → not_achieved
    _lenient      the artefacts `无 100` / `为 100`
    _cn_quantity  Chinese numerals: 百分百, 百分之九十, 一百, 两千人
    _deadline     dates and schedules: 每月25日前, 2024年10月底前, 按季度, 全年(按日完成)
    _mixed        quantities inside words: 11项(就业困难人员补贴110人、…) → 11 项, rest in note
    _words        no number: a short phrase is qualitative, prose or a list is free text

Kinds: `numeric` (value is set); `qualitative` (a short phrase without a number — 无, 合格, 提升,
建立健全, 根据区级下发目标 — or a result status); `deadline` (its date words in `note`); `text`
(prose, a list of items, or several different quantities that no single comparison stands
for); `none` (empty, `/`, `-`). Invariant: `value` is not None exactly when kind is numeric.

Fields: `value` and `unit` are as written (15万人次 → 15, '万人次'; a unit in brackets loses
them); `base_value` has the scale prefix 万/亿/千/十万/百万/千万 applied and `base_unit` is the
unit without it, canonical (15万人次 → 150000 '人次'; 350(万) → 3500000 None; ≥100百分比 →
100 '%'; 人/次 → '人次'). A range (90%-95%, 90～95%) keeps its lower bound in
`value`/`base_value`, its upper bound in `upper`/`upper_base`, and has `op` None. `op` is None
whenever the text writes no comparison. 以上/以下/以内/内 are inclusive (≥, ≤), as in Chinese
usage. A number split by a line break (150000.0⏎0) is joined again, as is any pair of numbers
only whitespace separates.

Artefacts: `无 100` and `为 100` (a stray 100 beside a word, seen in real reports) parse as
`qualitative` with no number and note `lenient: 无 100`, so a 达成指标 result meets them.
`百分百` / `百分之百` is numeric 100 %.

Met rule (`is_met(target, actual)`):
1. no actual (None or kind none) → None.
2. the actual states a status → True for achieved, False for partial / not_achieved, whatever
   the target's kind (a 达成指标 result beside `=100.00(%)`, `百分百` or `无` is met).
3. a deadline result restating the target's deadline (每月25日前 / 每月 25 日前完成) → True.
4. otherwise only numeric vs numeric is judged; any other pairing → None.
5. units must agree: equal `base_unit`s compare base values (15万人次 vs 150000人次 are equal);
   when one side writes no unit it borrows the other's and the values as written are compared
   (`≥460` vs `460(人)`); different units (人 vs 人次, % vs 元) → None.
6. `>=`, `>`, `<=`, `<` compare; a range needs lower ≤ actual ≤ upper.
7. `=` (or no op) is met when the actual equals the target (within 1e-9 relative); an actual
   above it also meets it when the unit is a count or a percentage (`AT_LEAST_UNITS`), since a
   plan of 679 人次 or 70 % is a floor by nature. Money, time and physical units must match.
   The rule cannot tell lower-is-better rates (失业率) written with `=`; those read as floors.

Speed (bench/bench_values.py): patterns are compiled once at import, no per-call compilation;
the commonest fixed phrases are a table read once at import. Parsed cells are kept in an LRU
cache of `CACHE_SIZE` (reports repeat cells: the seed prints 245 cells, 98 distinct); the
benchmark reports cold figures for repeated and for fresh strings. `Value` is a
`typing.NamedTuple` — immutable (so cached Values can be shared), typed, named fields — because
a frozen dataclass costs ~3 µs to construct here, more than half the 5 µs per cell that
200,000 cells/s allows.
"""
from __future__ import annotations

import functools
import math
import re
from typing import NamedTuple

from normalize import vocab

__all__ = ["Value", "parse_value", "is_met", "clear_cache", "AT_LEAST_UNITS", "KINDS", "STATUSES"]

KINDS = ("numeric", "qualitative", "deadline", "text", "none")
STATUSES = ("achieved", "partial", "not_achieved")


class Value(NamedTuple):
    """One parsed cell. Immutable; `v._replace(...)` for a changed copy, `v._asdict()` for a dict."""

    kind: str  # numeric | qualitative | deadline | text | none
    op: str | None = None  # = >= > <= < or None
    value: float | None = None  # as written (lower bound of a range)
    unit: str | None = None  # as written, brackets removed, e.g. '万人次'
    base_value: float | None = None  # scale prefix applied
    base_unit: str | None = None  # canonical unit without scale prefix; None for a bare 万
    upper: float | None = None  # upper bound of a range, as written
    upper_base: float | None = None  # upper bound, scale prefix applied
    status: str | None = None  # achieved | partial | not_achieved
    note: str | None = None  # leftover text, deadline parts, artefact flags


_NONE = Value("none")
_QUALITATIVE_VALUE = Value("qualitative")
_TEXT = Value("text")
_STATUS_VALUES = {s: Value("qualitative", status=s) for s in STATUSES}

# ---------------------------------------------------------------------------------------------
# Vocabulary.

_OPS = {
    "=": "=", "==": "=", "≥": ">=", ">=": ">=", "=>": ">=", ">": ">", "≤": "<=", "<=": "<=",
    "=<": "<=", "<": "<",
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "大于等于": ">=", "大于或等于": ">=",
    "至少": ">=", "最少": ">=", "达到": ">=", "不高于": "<=", "不超过": "<=", "不大于": "<=",
    "不多于": "<=", "小于等于": "<=", "小于或等于": "<=", "至多": "<=", "最多": "<=",
    "大于": ">", "高于": ">", "超过": ">", "多于": ">", "小于": "<", "低于": "<", "少于": "<",
    "等于": "=",
}
_SUFFIX_OPS = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=",
               "之内": "<=", "内": "<="}

_COUNT_UNITS = ("人次 人 次 件 个 项 户 家 套 场 期 批 名 位 台 辆 所 处 份 篇 本 册 张 床 座 栋 幢 间 "
                "家次 户次 场次 批次 课时 课 班 支 株 棵 只 头 条 部 类 门 单 笔 例 起 宗 客 餐 "
                "箱 瓶 袋 盒 组 队 团 站 点 村 车次 架次").split()
_OTHER_UNITS = ("元 元/人 元/月 元/年 分 岁 天 日 小时 分钟 秒 月 个月 年 周 工作日 个工作日 自然日 "
                "平方米 平米 m2 立方米 m3 米 公顷 亩 吨 克 度").split()
# Units that are not a scale prefix + base unit: written form → (base unit, factor).
_IRREGULAR = {
    "%": ("%", 1.0), "百分比": ("%", 1.0), "‰": ("%", 0.1), "百分点": ("百分点", 1.0),
    "人/次": ("人次", 1.0), "人·次": ("人次", 1.0), "千克": ("千克", 1.0), "公斤": ("千克", 1.0),
    "千米": ("千米", 1.0), "公里": ("千米", 1.0), "千瓦": ("千瓦", 1.0), "千瓦时": ("千瓦时", 1.0),
}
_SCALES = {"百万": 1e6, "千万": 1e7, "十万": 1e5, "亿": 1e8, "万": 1e4, "千": 1e3}
# Units for which an actual above an '=' target still meets it (met rule 7).
AT_LEAST_UNITS = frozenset(_COUNT_UNITS) | {"%"}


def _unit_info(unit: str) -> tuple[str | None, float]:
    """Unit as written → (base unit, scale factor): 万人次 → ('人次', 1e4), 万 → (None, 1e4)."""
    if unit in _IRREGULAR:
        return _IRREGULAR[unit]
    for prefix, factor in _SCALES.items():
        if unit.startswith(prefix):
            rest = unit[len(prefix):]
            if not rest:
                return None, factor
            base, inner = _unit_info(rest)
            return base, factor * inner
    return unit, 1.0


_KNOWN_UNITS = (set(_COUNT_UNITS) | set(_OTHER_UNITS) | set(_IRREGULAR) | set(_SCALES)
                | {s + u for s in _SCALES for u in ("元", "人", "人次", "户", "件", "个", "次",
                                                    "平方米", "吨")})
_UNIT_INFO = {u: _unit_info(u) for u in _KNOWN_UNITS}  # computed once; unlisted units on demand
_LONGEST_UNIT = max(map(len, _KNOWN_UNITS))
_UNITS_BY_FIRST: dict[str, list[str]] = {}  # first character → units, longest first
for _u in sorted(_KNOWN_UNITS, key=len, reverse=True):
    _UNITS_BY_FIRST.setdefault(_u[0], []).append(_u)
_DATE_UNITS = frozenset("月日号年")
_NOT_A_UNIT_START = set("以及之内至到月日号年前后左")  # suffix ops, range words, dates (11月前)

# ---------------------------------------------------------------------------------------------
# Patterns, compiled once.

_NUM = r"-?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"  # 2,940.05; 100.00; -5
# Operators are captured loosely by character class and checked against _OPS.
_OP_LAST_CHARS = {word[-1] for word in _OPS}
_OP_CHARS = "".join(sorted({ch for word in _OPS for ch in word if not word.isascii()} - {"≥", "≤"}))
_OP = rf"[=<>≥≤]{{1,2}}|[{_OP_CHARS}]{{2,5}}"
_QUANTITY = re.compile(rf"(?P<op>{_OP})?(?P<num>{_NUM})(?P<tail>[^0-9]{{0,12}})")
_RANGE = re.compile(rf"(?P<op>{_OP})?(?P<num>{_NUM})(?P<tail>[^0-9]{{0,12}}?)[-~—–至到]"
                    rf"(?P<num2>{_NUM})(?P<tail2>[^0-9]{{0,12}})")
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_FIRST = set(_CN_DIGITS) | set(_OP_CHARS) | set("=<>≥≤")
_CN_QUANTITY = re.compile(
    rf"(?P<op>{_OP})?(?:百分之(?P<pct>[{_CN_DIGITS}]+|{_NUM})|(?P<cn>[{_CN_DIGITS}]+)"
    rf"(?P<tail>[^0-9{_CN_DIGITS}]{{0,6}}))")
# A number in running text. Patterns that begin with one character class (or literals) let the
# regex engine skip ahead quickly, which matters on 200-character cells; the lookbehind keeps
# the match from starting inside a number.
_NUMBER_IN_TEXT = re.compile(r"[0-9](?<![0-9.][0-9])[0-9]*(?:,[0-9]{3}(?![0-9]))*(?:\.[0-9]+)?")
_LENIENT = re.compile(r"(?P<word>无|为)(?P<num>[0-9]+(?:\.[0-9]+)?)")
_HUNDRED = {"百分百", "百分之百", "百分之一百"}
_NONE_WORDS = {"", "/", "-", "--", "—", "——", "－", "\\", "n/a", "na", "null", "none", "nan",
               "无数据", "不适用", "空", "=", "(%)"}

_STATUS_NOT = re.compile(r"(?:未|没有|尚未|未能)(?:达成|完成|达到|实现|达标)")
_STATUS_PARTIAL = re.compile(r"(?:部分|基本|大部分)(?:达成|完成|达到|实现|达标)")
_STATUS_FIRST = set("未没尚部基大已均全圆超达完实按如及")  # where a status phrase can start
_STATUS_DONE = re.compile(
    r"(?:(?:已经?|均已|全部|全面|超额|圆满)?(?:达成|完成|达到|实现|达标)"
    r"|(?:按时|按期|如期|及时)(?:完成|发放|办结|到位))"
    r"了?(?:预期|年度|既定|计划)?(?:指标|目标)?值?(?:[,，;；。并].*)?")

# 2024年10月底前, 11月前, 1、4、7、10月10日前, 25日之前
_DATE = re.compile(
    r"[0-9](?<![0-9.][0-9])(?:[0-9]{3}年(?:[0-9]{1,2}月)?(?:[0-9]{1,2}[日号])?"
    r"|[0-9]?(?:[、,，][0-9]{1,2})*月(?:[0-9]{1,2}[日号])?|[0-9]?[日号])"
    r"(?:底|末|初|上旬|中旬|下旬)?(?:之?前|以前|之内|内)?")
_DEADLINE_HINT = re.compile("[年月日号季周旬天]")  # every _DATE and _SCHEDULE match has one
_DATE_PREFIXES = ("每季度", "每个月", "每月", "每年", "每周", "每")  # kept with the date in note
_SCHEDULE = re.compile(r"按每?个?(?:季度|半年|月|年|周|日|天|旬)|每个?(?:季度|半年|月)(?![0-9])"
                       r"|全年|年(?<![0-9]年)[底末初中]|月(?<![0-9]月)[底末初]|季[末初]|当月|次月")

QUALITATIVE_MAX_CHARS = 20  # a longer phrase without a number is free text, not a judgement
_BRACKETS = re.compile(r"\([^()]*\)")
_SEPARATORS = re.compile(r"[,，;；。:：]")  # clauses; 合格、有效 is still one judgement

# Full-width ASCII (＝ ＞ （ ） ％ １００) and a few look-alikes → ASCII. The full-width comma stays:
# it separates list items, never digits.
_WIDE = re.compile(r"[\uff01-\uff0b\uff0d-\uff5e〜﹪≧≦⩾⩽]")
_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_ASCII.update({"〜": "~", "﹪": "%", "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤"})


# ---------------------------------------------------------------------------------------------
# Steps.

def _normalise(text: str) -> str:
    """Full-width → ASCII; all whitespace dropped, so a number wrapped across lines in a narrow
    cell (150000.0 / 0(人次)) is whole again — at the price of joining two numbers that only a
    space separates."""
    if _WIDE.search(text):
        text = _WIDE.sub(lambda m: _ASCII[m.group()], text)
    text = "".join(text.split()).strip("。;；")
    return text.replace("(含)", "") if "(含)" in text else text  # 20万元(含)以上: 以上 says it


def _number(s: str) -> float:
    return float(s.replace(",", "")) if "," in s else float(s)


def _read_tail(tail: str) -> tuple | None:
    """What follows the number in a one-quantity cell → (unit, suffix op, base unit, factor), or
    None when it is not a unit (then the cell is not a plain quantity)."""
    sfx = None
    if tail and tail[-1] in "上下内":
        for k in (3, 2, 1):
            sfx = _SUFFIX_OPS.get(tail[-k:])
            if sfx:
                tail = tail[:-k]
                break
    if not tail:
        return None, sfx, None, 1.0
    if tail[0] == "(" and tail[-1] == ")":
        unit = tail[1:-1]
        ok = 0 < len(unit) <= 8 and "(" not in unit and ")" not in unit
    else:
        unit = tail
        ok = unit in _UNIT_INFO or (len(unit) <= 2 and unit[0] not in _NOT_A_UNIT_START
                                    and all("\u4e00" <= ch <= "\u9fff" for ch in unit))
    if not ok:
        return None
    return (unit, sfx, *(_UNIT_INFO.get(unit) or _unit_info(unit)))


# The tails real cells print, read once: '(%)', '%', '万人次', '人以上', …
_TAILS = {t: _read_tail(t) for u in [""] + list(_KNOWN_UNITS)
          for t in (u, f"({u})", *(u + w for w in _SUFFIX_OPS)) if t != "()"}


_UNREAD = object()  # a tail not in _TAILS
_new_tuple = tuple.__new__


def _numeric(op, value, unit, upper=None, note=None) -> Value:
    base_unit, factor = (None, 1.0) if unit is None else (_UNIT_INFO.get(unit) or _unit_info(unit))
    return Value("numeric", op, value, unit, value * factor, base_unit,
                 upper, None if upper is None else upper * factor, None, note)


def _quantity(s: str) -> Value | None:
    m = _QUANTITY.fullmatch(s)
    if m is not None:
        word, num, tail = m.groups()
        op = _OPS.get(word) if word else None
        read = _TAILS.get(tail, _UNREAD)
        if read is _UNREAD:
            read = _read_tail(tail)
        if read is None or (word and op is None):
            return None
        unit, sfx, base_unit, factor = read
        value = float(num) if "," not in num else _number(num)
        if unit in _DATE_UNITS and not sfx and (unit != "年" or 1900 <= value <= 2100):
            return None  # a date (11月, 2024年), not an amount (3日内): left to _deadline
        # tuple.__new__ skips NamedTuple's Python-level __new__: this is the hot path
        return _new_tuple(Value, ("numeric", sfx or op, value, unit, value * factor, base_unit,
                                  None, None, None, None))
    m = _RANGE.fullmatch(s)
    if m is not None:
        word, num, tail, num2, tail2 = m.group("op", "num", "tail", "num2", "tail2")
        read1, read2 = _read_tail(tail), _read_tail(tail2)
        value, upper = _number(num), _number(num2)
        if word or read1 is None or read2 is None or read1[1] or read2[1] or upper < value:
            return None  # an operator on a range, or 2024-03 (not a range)
        unit1, unit2 = read1[0], read2[0]  # (unit, sfx, base unit, factor)
        if unit1 is None or unit2 is None or unit1 == unit2:
            return _numeric(None, value, unit2 or unit1, upper=upper)
    return None


def _status(s: str) -> Value | None:
    if s[0] not in _STATUS_FIRST:
        return None
    if _STATUS_NOT.match(s):
        return _STATUS_VALUES["not_achieved"]
    if _STATUS_PARTIAL.match(s):
        return _STATUS_VALUES["partial"]
    if _STATUS_DONE.fullmatch(s):
        return _STATUS_VALUES["achieved"]
    return None


def _lenient(s: str) -> Value | None:
    m = _LENIENT.fullmatch(s) if s[0] in "无为" else None
    return Value("qualitative", note=f"lenient: {m['word']} {m['num']}") if m else None


def _cn_number(s: str) -> float | None:
    """Chinese numerals: 一百 → 100, 两千 → 2000, 十五 → 15, 一万二千 → 12000; else None."""
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
    small = {"十": 10, "百": 100, "千": 1000}
    big = {"万": 10_000, "亿": 100_000_000}
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in digits:
            if digit:  # 一二: two digits in a row is not a numeral
                return None
            digit = digits[ch]
        elif ch in small:
            section += (1 if digit is None else digit) * small[ch]
            digit = None
        elif total == section == 0 and digit is None:  # a bare 万 / 亿
            return None
        else:
            total = (total + section + (digit or 0)) * big[ch]
            section, digit = 0, None
    return float(total + section + (digit or 0))


def _cn_quantity(s: str) -> Value | None:
    if s in _HUNDRED:
        return _numeric(None, 100.0, "%")
    m = _CN_QUANTITY.fullmatch(s) if s[0] in _CN_FIRST else None
    if m is None:
        return None
    word, pct, cn, tail = m.group("op", "pct", "cn", "tail")
    op = _OPS.get(word) if word else None
    if word and op is None:
        return None
    if pct is not None:
        value = _cn_number(pct) if pct[0] in _CN_DIGITS else _number(pct)
        return None if value is None else _numeric(op, value, "%")
    read = _read_tail(tail)
    if read is None or (read[0] is not None and read[0] not in _UNIT_INFO):
        return None  # 十分满意 is not ten 分满意
    unit, sfx = read[:2]
    value = _cn_number(cn)
    if value is None or (len(cn) == 1 and not (unit or op or sfx)):
        return None  # a lone 一 or 百 is a word
    return _numeric(sfx or op, value, unit)


def _deadline(s: str) -> Value | None:
    """Dates and schedules anywhere in the text; their words, in order, go to `note`."""
    if not _DEADLINE_HINT.search(s):  # one quick scan instead of two on most long texts
        return None
    spans = []
    for m in _DATE.finditer(s):
        start, end = m.span()
        if start and s[start - 1] in "每月年度周":  # 每月25日前: the 每月 belongs to the date
            for prefix in _DATE_PREFIXES:
                if start >= len(prefix) and s.startswith(prefix, start - len(prefix)):
                    start -= len(prefix)
                    break
        spans.append((start, end))
    spans += [m.span() for m in _SCHEDULE.finditer(s)]
    if not spans:
        return None
    spans.sort()
    return Value("deadline", note="; ".join(dict.fromkeys([s[a:b] for a, b in spans])))


def _token_unit(tail: str) -> tuple[str | None, str | None, int]:
    """Longest known unit at the start of `tail`, a suffix op after it, and their length."""
    unit, used = None, 0
    for candidate in _UNITS_BY_FIRST.get(tail[:1], ()):
        if tail.startswith(candidate):
            unit, used = candidate, len(candidate)
            break
    if tail[used:used + 1] in ("以", "及", "之", "内"):
        for word in ("及以上", "及以下", "以上", "以下", "以内", "之内", "内"):
            if tail.startswith(word, used):
                return unit, _SUFFIX_OPS[word], used + len(word)
    return unit, None, used


def _op_before(s: str, start: int) -> tuple[str | None, int]:
    """An operator written right before position `start` → (op, where it begins)."""
    if start == 0 or s[start - 1] not in _OP_LAST_CHARS:
        return None, start
    for k in range(min(5, start), 0, -1):
        op = _OPS.get(s[start - k:start])
        if op:
            return op, start - k
    return None, start


def _mixed(s: str) -> Value | None:
    """Quantities inside words. One, or several equal ones → numeric; a list of different
    quantities → text. Quantities inside brackets are detail of the one before them."""
    outside = _BRACKETS.sub(lambda m: " " * len(m.group()), s) if "(" in s else s
    first = None
    for m in _NUMBER_IN_TEXT.finditer(outside):
        start, end = m.span()
        value = _number(m.group())
        if start and s[start - 1] == "-" and (start == 1 or not s[start - 2].isdigit()):
            value, start = -value, start - 1  # -5%, but not the 16 of 0-16岁
        op, start = _op_before(s, start)
        unit, sfx, used = _token_unit(s[end:end + _LONGEST_UNIT + 3])
        quantity = (sfx or op, value, unit)
        if first is None:
            first, span = quantity, (start, end + used)
        elif quantity != first:
            return _TEXT  # a list of different quantities
        else:
            span = None  # several equal quantities: the whole text is the note
    if first is None:
        return None
    rest = s if span is None else _tidy(s[:span[0]] + " " + s[span[1]:])
    return _numeric(*first, note=rest or None)


def _tidy(rest: str) -> str:
    rest = rest.strip(" ,，;；:：、。")
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1]
    return rest.replace(" ", "")


def _words(s: str) -> Value:
    """No number: a short phrase is a judgement (qualitative), prose or a list is free text."""
    if len(s) <= QUALITATIVE_MAX_CHARS and not _SEPARATORS.search(s):
        return _QUALITATIVE_VALUE
    return _TEXT


def _parse_words(s: str) -> Value:
    """A normalised cell that is not a plain quantity."""
    if s.lower() in _NONE_WORDS:
        return _NONE
    return (_status(s) or _lenient(s) or _cn_quantity(s) or _deadline(s) or _mixed(s)
            or _words(s))


# The phrases that fill most non-numeric cells, read once by the steps above (a vocabulary
# table, not a cache of inputs: any other text takes the full path).
_PHRASES = {p: _parse_words(p) for p in (
    "达成指标", "达成预期指标", "达成年度指标", "已完成", "完成", "已达成", "达标", "已达标",
    "部分达成指标并具有一定效果", "部分达成指标", "基本达成", "未达成指标", "未达成", "未完成",
    "无", "百分百", "百分之百", "合格", "是", "否", "提升", "提高", "改善", "有效", "健全",
    "建立健全", "完善", "良好", "明显", "效果明显", "显著", "按时完成", "及时", "准确", "满意",
    "稳定", "正常", "到位", "", "/", "-")}


# ---------------------------------------------------------------------------------------------
# Public API.

def parse_value(text: str | None) -> Value:
    """One cell's text → Value. Never raises; what it cannot read becomes kind `text`."""
    if type(text) is not str:
        if text is None:
            return _NONE
        text = str(text)
    return _parse_cached(text)


CACHE_SIZE = 8192  # cells remembered; one report has a few hundred, most repeated (=100.00(%))


def clear_cache() -> None:
    """Forget the cells parsed so far (benchmarks measure cold)."""
    _parse_cached.cache_clear()


def _parse(text: str) -> Value:
    v = _PHRASES.get(text) or _quantity(text)  # most cells: a clean phrase or quantity
    if v is not None:
        return v
    s = _normalise(text)
    v = _PHRASES.get(s)
    if v is not None:
        return v
    if s != text:
        v = _quantity(s)
        if v is not None:
            return v
    return _parse_words(s)


_parse_cached = functools.lru_cache(maxsize=CACHE_SIZE)(_parse)  # Values are immutable


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def is_met(target: Value | None, actual: Value | None) -> bool | None:
    """Whether `actual` meets `target`; None when that cannot be known. Rule: module doc."""
    if actual is None or actual.kind == "none":
        return None
    if actual.status is not None:
        return actual.status == "achieved"
    if target is None:
        return None
    if target.kind == actual.kind == "deadline":  # 每月25日前 / 每月25日前完成: kept
        return True if target.note == actual.note else None
    if target.kind != "numeric" or actual.kind != "numeric":
        return None
    if target.unit is None or actual.unit is None:  # one side omits the unit: compare as written
        t, t_up, a = target.value, target.upper, actual.value
        unit = target.base_unit if target.unit is not None else actual.base_unit
    elif target.base_unit == actual.base_unit:
        t, t_up, a = target.base_value, target.upper_base, actual.base_value
        unit = target.base_unit
    else:
        return None
    if t_up is not None:
        return (a > t or _close(a, t)) and (a < t_up or _close(a, t_up))
    op = target.op or "="
    if op == ">=":
        return a > t or _close(a, t)
    if op == ">":
        return a > t and not _close(a, t)
    if op == "<=":
        return a < t or _close(a, t)
    if op == "<":
        return a < t and not _close(a, t)
    return _close(a, t) or (a > t and unit in AT_LEAST_UNITS)


def combined_target(value: str | None, nature: str | None = None, unit: str | None = None) -> str | None:
    """A target printed over three columns as one string: 指标性质 (a comparison, or 定性) +
    指标值 + 度量单位. `≥ | 7 | 种` → `≥7种`; a 定性 row is its value alone; a value that
    prints its comparison or unit itself does not get them twice. None without a value."""
    value = (value or "").strip()
    if not value:
        return None
    nature = "".join((nature or "").split())
    unit = "".join((unit or "").split())
    if vocab.QUALITATIVE_NATURE.match(nature):
        return value
    v = parse_value(value)
    out = value
    if unit and v.kind == "numeric" and v.unit is None and not value.endswith(unit):
        out = out + unit
    if nature and vocab.COMPARISON.match(nature) and v.op is None and not _OP_START.match(value):
        out = nature + out
    return out


_OP_START = re.compile(r"^\s*(?:[=<>≥≤＝＜＞≧≦⩾⩽]|不低于|不高于|不少于|不多于|不超过|大于|小于|等于)")
