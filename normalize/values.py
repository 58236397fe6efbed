"""The value grammar: one indicator cell (a target or a result) → a typed `Value`.

`parse_value(text)` reads what real 绩效自评 tables print in their 指标值 / 实际完成值 columns
(`≥90.00(%)`, `不少于 100 件`, `15万人次`, `百分百`, `达成指标`, `每月 25 日前`, …) in five small pure
steps, each a function below:

    _normalise   full-width → ASCII, spaces dropped (kept only between two digits)
    _status      result phrases: 达成指标 → achieved, 部分达成… → partial, 未达成 → not_achieved
    _quantity    the whole cell is one quantity: [op] number [unit] [suffix op], or a range
    _deadline    dates and schedules: 每月25日前, 2024年10月底前, 按季度, 全年(按日完成)
    _mixed       a quantity inside words: 11项(就业困难人员补贴110人、…) → 11 项, rest in note

Kinds: `numeric` (value is set), `qualitative` (a short judgement: 无, 合格, 提升, 建立健全, or a
result status), `deadline` (date parts in `note`), `text` (free text, or a list of several
different quantities that no single comparison can stand for), `none` (empty, `/`, `-`).
Invariant: `value` is not None exactly when `kind == "numeric"`.

Fields: `value` and `unit` are as written (15万人次 → 15, '万人次'); `base_value` has the scale
prefix 万/亿/千/百万/千万 applied and `base_unit` is the unit without it, canonical (15万人次 →
150000 '人次'; 350(万) → 3500000 None; ≥100百分比 → 100 '%'; 人/次 → '人次'). A range
(90%-95%, 90～95%) keeps its lower bound in `value`/`base_value`, its upper bound in
`upper`/`upper_base` and has `op` None. `op` is None when the text writes no comparison.

Artefacts: `无 100` and `为 100` (a stray score/percentage next to a word, seen in real reports)
parse as `qualitative`, no number, note `lenient: 无 100`; `百分百` / `百分之百` is numeric 100 %.

Met rule (`is_met(target, actual)`):
1. no actual (None or kind none) → None.
2. the actual states a status → True for achieved, False for partial / not_achieved, whatever
   the target's kind (a 达成指标 result beside `=100.00(%)` or `无` is met).
3. otherwise only numeric vs numeric is judged; anything else → None.
4. units must agree: equal `base_unit`, where a side with no unit written borrows the other side's
   unit (`≥460` vs `460(人)`), and then values as written are compared; different units → None.
5. `>=`, `>`, `<=`, `<` compare base values; a range needs lower ≤ actual ≤ upper.
6. `=` (or no op) is met when the actual equals the target; an actual above it is also met when
   the unit is a count or a percentage (`AT_LEAST_UNITS`), since a plan of 679 人次 or 70 % is a
   floor by nature. Money, time and physical units must match exactly (within 1e-9 relative).
   The rule cannot know lower-is-better rates (失业率) written with `=`; those read as floors.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Value", "parse_value", "is_met", "AT_LEAST_UNITS"]


@dataclass(frozen=True, slots=True)
class Value:
    kind: str  # numeric | qualitative | deadline | text | none
    op: str | None = None  # = >= > <= < or None
    value: float | None = None  # as written (lower bound of a range)
    unit: str | None = None  # as written, e.g. '万人次'
    base_value: float | None = None  # scale prefix applied
    base_unit: str | None = None  # canonical unit without scale prefix
    upper: float | None = None  # upper bound of a range, as written
    upper_base: float | None = None  # upper bound, scale prefix applied
    status: str | None = None  # achieved | partial | not_achieved
    note: str | None = None  # leftover text, deadline parts, artefact flags


NONE = Value("none")

# ---------------------------------------------------------------------------------------------
# Vocabulary. Longest alternatives first so the regex engine prefers them.

_OPS = {
    "=": "=", "==": "=", "≥": ">=", ">=": ">=", "=>": ">=", "≧": ">=", "⩾": ">=",
    ">": ">", "≤": "<=", "<=": "<=", "=<": "<=", "≦": "<=", "⩽": "<=", "<": "<",
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "大于等于": ">=", "大于或等于": ">=",
    "至少": ">=", "最少": ">=", "达到": ">=", "不高于": "<=", "不超过": "<=", "不大于": "<=",
    "不多于": "<=", "小于等于": "<=", "小于或等于": "<=", "至多": "<=", "最多": "<=",
    "大于": ">", "高于": ">", "超过": ">", "多于": ">", "小于": "<", "低于": "<", "少于": "<",
    "等于": "=",
}
_SUFFIX_OPS = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=",
               "之内": "<=", "内": "<="}

# unit as written → (base unit, factor) for units that are not a scale prefix + a base unit.
_BASE_UNITS = {
    "%": ("%", 1.0), "百分比": ("%", 1.0), "‰": ("%", 0.1), "百分点": ("百分点", 1.0),
    "人/次": ("人次", 1.0), "人·次": ("人次", 1.0), "人.次": ("人次", 1.0),
    "千克": ("千克", 1.0), "公斤": ("千克", 1.0), "千米": ("千米", 1.0), "公里": ("千米", 1.0),
    "千瓦": ("千瓦", 1.0), "千瓦时": ("千瓦时", 1.0), "万": (None, 1e4), "亿": (None, 1e8),
    "千": (None, 1e3), "百万": (None, 1e6), "千万": (None, 1e7), "十万": (None, 1e5),
}
_COUNT_UNITS = ("人次 人 次 件 个 项 户 家 套 场 期 批 名 位 台 辆 所 处 份 篇 本 册 张 床 座 栋 幢 间 "
                "家次 户次 场次 批次 课时 课 班 支 株 棵 只 头 条 部 类 门 本次 单 笔 例 起 宗 客 餐 "
                "箱 瓶 袋 盒 组 队 团 站 点 村 社 所次 车次 架次").split()
_OTHER_UNITS = ("元 元/人 元/月 元/年 元/人·月 分 岁 天 日 小时 分钟 秒 月 个月 年 周 工作日 个工作日 "
                "自然日 平方米 平米 m2 ㎡ 立方米 m3 米 公顷 亩 吨 克 千克 公斤 千米 公里 度 千瓦 "
                "千瓦时 万平方米 %").split()
# Units for which an actual above an '=' target still meets it (see rule 6 above).
AT_LEAST_UNITS = frozenset(_COUNT_UNITS) | {"%"}

_SCALES = {"百万": 1e6, "千万": 1e7, "十万": 1e5, "亿": 1e8, "万": 1e4, "千": 1e3}
_KNOWN_UNITS = sorted(
    set(_COUNT_UNITS) | set(_OTHER_UNITS) | set(_BASE_UNITS)
    | {s + u for s in ("万", "亿", "千", "百万", "千万") for u in ("元", "人", "人次", "户", "件",
                                                              "个", "次", "平方米", "吨")},
    key=len, reverse=True)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------------------------------------
# Patterns, compiled once.

_NUM = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+"
_OP = _alt(_OPS)
_SFX = _alt(_SUFFIX_OPS)
_KNOWN = _alt(_KNOWN_UNITS)
# An unlisted unit word (146恒研): one or two CJK characters that start no suffix operator, range
# word or date (11月前 is a deadline).
_GENERIC = r"(?![以及之内至到月日号年前后左])[\u4e00-\u9fff]{1,2}"
_UNIT = rf"(?:{_KNOWN}|\((?:{_KNOWN}|[^()]{{1,6}})\)|{_GENERIC})"
_RANGE_SEP = r"(?:-|~|—|–|至|到)"

_QUANTITY = re.compile(
    rf"(?P<op>{_OP})?(?P<num>{_NUM})(?P<unit>{_UNIT})?"
    rf"(?:{_RANGE_SEP}(?P<num2>{_NUM})(?P<unit2>{_UNIT})?)?(?P<sfx>{_SFX})?")
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_CN_QUANTITY = re.compile(
    rf"(?P<op>{_OP})?(?:百分之(?P<pct>[{_CN_DIGITS}]+|{_NUM})|(?P<cn>[{_CN_DIGITS}]+)"
    rf"(?P<unit>{_KNOWN})?)(?P<sfx>{_SFX})?")
# In running text only listed units count, and a minus needs no digit before it (0-16岁).
_TOKEN = re.compile(
    rf"(?P<op>{_OP})?(?P<num>(?<![\d.])-?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)"
    rf"(?P<unit>{_KNOWN})?(?P<sfx>{_SFX})?")
_LENIENT = re.compile(r"(?P<word>无|为)(?P<num>\d+(?:\.\d+)?)")
_HUNDRED = {"百分百", "百分之百", "百分之一百"}
_NONE_WORDS = {"", "/", "-", "--", "—", "——", "－", "\\", "n/a", "na", "null", "none", "nan",
               "无数据", "不适用", "空"}

_STATUS_NOT = re.compile(r"(?:未|没有|尚未|未能)(?:达成|完成|达到|实现|达标)")
_STATUS_PARTIAL = re.compile(r"(?:部分|基本|大部分)(?:达成|完成|达到|实现|达标)")
_STATUS_DONE = re.compile(
    r"(?:已经?|均已|全部|全面|超额|圆满)?(?:达成|完成|达到|实现|达标)了?(?:预期|年度|既定|计划)?"
    r"(?:指标|目标)?值?(?:[,，;；。并].*)?")

_DATE = (r"(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}[日号])?|\d{1,2}(?:[、,，]\d{1,2})*月(?:\d{1,2}[日号])?"
         r"|\d{1,2}[日号])(?:底|末|初|上旬|中旬|下旬)?(?:之?前|以前|之内|内)?")
_SCHEDULE = (r"按每?(?:个)?(?:季度|半年|月|年|周|日|天|旬)|每个?(?:季度|半年|月)"
             r"|全年|年底|年末|年初|年中|月底|月末|月初|季末|季初|当月|次月")
_DEADLINE = re.compile(rf"(?:每|按)?(?:年|个?月|季度)?(?:的第.个月的?)?{_DATE}|{_SCHEDULE}")

_QUALITATIVE = re.compile(
    "无|有|合格|达标|提升|提高|改善|健全|完善|建立|有效|明显|显著|良好|优秀|较好|按时|及时|准确|完成|"
    "落实|执行|规范|满意|稳定|保障|增强|加强|降低|减少|增加|增长|持续|确保|符合|达到|实现|到位|"
    "正常|安全|杜绝|覆盖|优化|是|否|好|高|强")
_BRACKETS = re.compile(r"\([^()]*\)")
_SEPARATORS = re.compile(r"[,，;；。:：、]")
_DIRTY = re.compile(r"[\s\uff01-\uff5e\u3000≧≦⩾⩽〜﹪]")
_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")
_SPACE = re.compile(r"\s+")

_TRANSLATE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
del _TRANSLATE[0xFF0C]  # keep the full-width comma: it separates list items, never digits
_TRANSLATE.update({0x3000: " ", ord("〜"): "~", ord("﹪"): "%", ord("≧"): "≥", ord("≦"): "≤",
                   ord("⩾"): "≥", ord("⩽"): "≤"})

QUALITATIVE_MAX_CHARS = 20  # longer phrases without a number are free text


# ---------------------------------------------------------------------------------------------
# Steps.

def _normalise(text: str) -> str:
    if _DIRTY.search(text):
        text = text.translate(_TRANSLATE)
        # a space between two digits survives as one space so 1 2 never reads as 12
        text = _SPACE.sub("", _SPACE_BETWEEN_DIGITS.sub("\ue000", text)).replace("\ue000", " ")
    return text.strip("。;；")


def _number(s: str) -> float:
    return float(s.replace(",", ""))


def _cn_number(s: str) -> float | None:
    """Chinese numerals: 一百 → 100, 两千 → 2000, 十五 → 15, 一万二千 → 12000."""
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
    small = {"十": 10, "百": 100, "千": 1000}
    big = {"万": 10_000, "亿": 100_000_000}
    total, section, digit, seen = 0, 0, None, False
    for ch in s:
        if ch in digits:
            if digit is not None and digit != 0:
                return None  # 一二: not a numeral
            digit = digits[ch]
        elif ch in small:
            section += (1 if digit is None else digit) * small[ch]
            digit = None
        elif ch in big:
            if digit is None and section == 0 and total == 0:
                return None
            total = (total + section + (digit or 0)) * big[ch]
            section, digit = 0, None
        else:
            return None
        seen = True
    return float(total + section + (digit or 0)) if seen else None


def _unit_info(unit: str | None) -> tuple[str | None, float]:
    """Unit as written → (base unit, scale factor)."""
    if unit is None:
        return None, 1.0
    if unit in _BASE_UNITS:
        return _BASE_UNITS[unit]
    for prefix, factor in _SCALES.items():
        if unit.startswith(prefix) and len(unit) > len(prefix):
            base, inner = _unit_info(unit[len(prefix):])
            return base, factor * inner
    return unit, 1.0


def _strip_parens(unit: str | None) -> str | None:
    if unit and unit[0] == "(":
        unit = unit[1:-1].strip() or None
    return unit


def _numeric(op, value, unit, upper=None, note=None) -> Value:
    base_unit, factor = _unit_info(unit)
    return Value("numeric", op, value, unit, value * factor, base_unit,
                 upper, None if upper is None else upper * factor, None, note)


def _status(s: str) -> Value | None:
    if _STATUS_NOT.match(s):
        return Value("qualitative", status="not_achieved")
    if _STATUS_PARTIAL.match(s):
        return Value("qualitative", status="partial")
    if _STATUS_DONE.fullmatch(s):
        return Value("qualitative", status="achieved")
    return None


def _quantity(s: str) -> Value | None:
    m = _QUANTITY.fullmatch(s)
    if m:
        op = _OPS[m["op"]] if m["op"] else None
        if m["sfx"]:
            op = _SUFFIX_OPS[m["sfx"]]
        unit = _strip_parens(m["unit"])
        value = _number(m["num"])
        if m["num2"] is None:
            if unit in ("月", "日", "号") or (unit == "年" and 1900 <= value <= 2100):
                return None  # a date, not an amount: left to _deadline
            return _numeric(op, value, unit)
        unit2 = _strip_parens(m["unit2"])
        if unit and unit2 and unit != unit2:
            return None
        upper = _number(m["num2"])
        if upper < value:
            return None  # 2024-03 or similar: not a range
        return _numeric(None, value, unit2 or unit, upper=upper)
    m = _CN_QUANTITY.fullmatch(s)
    if m:
        op = _SUFFIX_OPS[m["sfx"]] if m["sfx"] else (_OPS[m["op"]] if m["op"] else None)
        if m["pct"] is not None:
            pct = m["pct"]
            value = _cn_number(pct) if pct[0] in _CN_DIGITS else _number(pct)
            return None if value is None else _numeric(op, value, "%")
        value = _cn_number(m["cn"])
        if value is not None and (m["unit"] or m["op"] or m["sfx"] or len(m["cn"]) > 1):
            return _numeric(op, value, m["unit"])
    return None


def _deadline(s: str) -> Value | None:
    parts = [m.group() for m in _DEADLINE.finditer(s)]
    return Value("deadline", note="; ".join(dict.fromkeys(parts))) if parts else None


def _mixed(s: str) -> Value | None:
    """Quantities inside words. One (or several equal ones) → numeric, else a list → text."""
    outside = _BRACKETS.sub(" ", s)
    tokens = list(_TOKEN.finditer(outside))
    if not tokens:
        return None
    keys = {(t["op"], t["sfx"], _number(t["num"]), t["unit"]) for t in tokens}
    if len(keys) > 1:
        return Value("text")
    t = tokens[0]
    op = _SUFFIX_OPS[t["sfx"]] if t["sfx"] else (_OPS[t["op"]] if t["op"] else None)
    if len(tokens) == 1:
        rest = s.replace(t.group(), " ", 1)
    else:
        rest = s
    rest = _tidy(rest)
    return _numeric(op, _number(t["num"]), t["unit"], note=rest or None)


def _tidy(rest: str) -> str:
    rest = rest.strip(" ,，;；:：、。")
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1]
    return rest.replace(" ", "")


def _words(s: str) -> Value:
    """No number: a short judgement is qualitative, anything longer is free text."""
    if len(s) <= QUALITATIVE_MAX_CHARS and not _SEPARATORS.search(s) and _QUALITATIVE.search(s):
        return Value("qualitative")
    return Value("text")


# ---------------------------------------------------------------------------------------------
# Public API.

def parse_value(text: str | None) -> Value:
    """One cell's text → Value. Never raises; anything unreadable becomes kind `text`."""
    if not isinstance(text, str):
        return NONE if text is None else parse_value(str(text))
    s = _normalise(text)
    if s.lower() in _NONE_WORDS:
        return NONE
    if s in _HUNDRED:
        return _numeric(None, 100.0, "%")
    status = _status(s)
    if status is not None:
        return status
    m = _LENIENT.fullmatch(s)
    if m:
        return Value("qualitative", note=f"lenient: {m['word']} {m['num']}")
    return _quantity(s) or _deadline(s) or _mixed(s) or _words(s)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def is_met(target: Value | None, actual: Value | None) -> bool | None:
    """Whether `actual` meets `target`, or None when that cannot be known. Rule: module doc."""
    if actual is None or actual.kind == "none":
        return None
    if actual.status is not None:
        return actual.status == "achieved"
    if target is None or target.kind != "numeric" or actual.kind != "numeric":
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
    if _close(a, t):
        return True
    return a > t and unit in AT_LEAST_UNITS
