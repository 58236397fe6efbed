"""The value grammar on the shapes real reports print, the met rule, and properties over
generated strings (hypothesis)."""
from __future__ import annotations

import math
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from normalize import Value, is_met, parse_value, values
from normalize.values import AT_LEAST_UNITS, KINDS, STATUSES

P = parse_value


def fields(v: Value, *names: str) -> tuple:
    return tuple(getattr(v, n) for n in names)


# --- operators ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, op", [
    ("=90%", "="), ("＝90%", "="), ("≥90%", ">="), (">=90%", ">="), ("＞90%", ">"), (">90%", ">"),
    ("≤90%", "<="), ("<=90%", "<="), ("<90%", "<"), ("不少于90%", ">="), ("不低于90%", ">="),
    ("至少90%", ">="), ("90%以上", ">="), ("90%及以上", ">="), ("不高于90%", "<="),
    ("不超过90%", "<="), ("90%以内", "<="), ("90%以下", "<="), ("低于90%", "<"), ("高于90%", ">"),
    ("达到90%", ">="), ("90%", None), ("≧90%", ">="), ("90(%)以上", ">="), ("90%（含）以上", ">="),
])
def test_operators_in_symbols_and_words(text, op):
    assert fields(P(text), "kind", "op", "value", "unit") == ("numeric", op, 90.0, "%")


# --- numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, unit", [
    ("2,940.05", 2940.05, None),
    ("263,083,287.96元", 263083287.96, "元"),
    ("１００", 100.0, None),
    ("＝１００（％）", 100.0, "%"),
    ("一百", 100.0, None),
    ("两千人", 2000.0, "人"),
    ("十五项", 15.0, "项"),
    ("一万二千人次", 12000.0, "人次"),
    ("百分百", 100.0, "%"),
    ("百分之百", 100.0, "%"),
    ("百分之九十", 90.0, "%"),
    ("-5%", -5.0, "%"),
    ("－5％", -5.0, "%"),
    ("0.5", 0.5, None),
    ("150000.0\n0(人次)", 150000.0, "人次"),  # a number wrapped in a narrow cell
])
def test_number_forms(text, value, unit):
    v = P(text)
    assert v.kind == "numeric"
    assert v.value == pytest.approx(value) and v.unit == unit


@pytest.mark.parametrize("text, lo, hi, unit", [
    ("90%-95%", 90, 95, "%"), ("90～95%", 90, 95, "%"), ("90~95", 90, 95, None),
    ("90%至95%", 90, 95, "%"), ("3-5个工作日", 3, 5, "个工作日"), ("1-2万元", 1, 2, "万元"),
])
def test_ranges_have_two_bounds(text, lo, hi, unit):
    v = P(text)
    assert fields(v, "kind", "op", "value", "upper", "unit") == ("numeric", None, lo, hi, unit)
    factor = 1e4 if unit == "万元" else 1
    assert (v.base_value, v.upper_base) == (lo * factor, hi * factor)


def test_a_descending_pair_is_not_a_range():
    assert P("95-90").upper is None


# --- units ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, unit, base_value, base_unit", [
    ("=350.00(万)", "万", 3_500_000, None),
    ("=679.00(人次)", "人次", 679, "人次"),
    ("100（%）", "%", 100, "%"),
    ("47 套", "套", 47, "套"),
    ("≥50个", "个", 50, "个"),
    ("≤90万元", "万元", 900_000, "元"),
    ("≥100百分比", "百分比", 100, "%"),
    ("15万人次", "万人次", 150_000, "人次"),
    ("1.5亿元", "亿元", 150_000_000, "元"),
    ("20人/次", "人/次", 20, "人次"),
    ("3千元", "千元", 3000, "元"),
    ("5千克", "千克", 5, "千克"),  # 千克 is a unit of its own, not 千 × 克
    ("≤3个工作日", "个工作日", 3, "个工作日"),
    ("3日内", "日", 3, "日"),  # a duration; 3日前 would be a date
    ("≥900客", "客", 900, "客"),
    ("146恒研", "恒研", 146, "恒研"),  # an unlisted unit word of one or two characters
    ("5‰", "‰", 0.5, "%"),
])
def test_units_as_written_and_base(text, unit, base_value, base_unit):
    v = P(text)
    assert v.kind == "numeric" and v.unit == unit and v.base_unit == base_unit
    assert v.base_value == pytest.approx(base_value)


# --- words ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "无", "合格", "提升", "改善", "健全", "建立健全", "有效", "效果明显", "严格执行相关制度规定",
    "无信访", "根据区级下发目标", "控制在区下达指标内", "十分满意",
])
def test_qualitative_targets(text):
    v = P(text)
    assert v.kind == "qualitative" and v.value is None and v.status is None


@pytest.mark.parametrize("text, status", [
    ("达成指标", "achieved"), ("达成预期指标", "achieved"), ("已完成", "achieved"),
    ("完成", "achieved"), ("按时完成", "achieved"), ("按时发放", "achieved"),
    ("全部完成，效果良好", "achieved"),
    ("部分达成指标并具有一定效果", "partial"), ("部分达成预期指标，覆盖 24 个", "partial"),
    ("基本完成", "partial"), ("未达成", "not_achieved"), ("未完成预期目标", "not_achieved"),
    ("尚未达到", "not_achieved"),
])
def test_result_statuses(text, status):
    v = P(text)
    assert (v.kind, v.status) == ("qualitative", status)


@pytest.mark.parametrize("text, note", [
    ("每月 25 日前", "每月25日前"),
    ("11 月底前", "11月底前"),
    ("2024 年 10 月底前", "2024年10月底前"),
    ("按季度", "按季度"),
    ("按月发放", "按月"),
    ("全年（按日完成）", "全年; 按日"),
    ("11 月前", "11月前"),
    ("2024年", "2024年"),
    ("每年 1、4、7、10 月 10 日前发放老年津贴", "每年1、4、7、10月10日前"),
    ("交通补贴每季度第一个月的25日之前发放到位", "每季度; 25日之前"),
])
def test_deadlines_keep_their_date_words(text, note):
    v = P(text)
    assert (v.kind, v.note, v.value) == ("deadline", note, None)


def test_ages_in_free_text_are_no_range():
    v = P("0-16岁儿童康复补贴每半年发放一次")
    assert v.kind == "deadline" and v.note == "每半年" and v.upper is None


@pytest.mark.parametrize("text, op, value, unit, note", [
    ("11 项（就业困难人员补贴 110 人、新增就业岗位 1600 人）", None, 11, "项",
     "就业困难人员补贴110人、新增就业岗位1600人"),
    ("受理后 15 个工作日内", "<=", 15, "个工作日", "受理后"),
    ("补贴发放准确率 100%，达标率 100%", None, 100, "%", "补贴发放准确率100%，达标率100%"),
    ("为100%", None, 100, "%", "为"),
    ("完成 1000 人以上慰问", ">=", 1000, "人", "完成慰问"),
])
def test_a_quantity_inside_words(text, op, value, unit, note):
    assert fields(P(text), "kind", "op", "value", "unit", "note") == ("numeric", op, value, unit, note)


def test_a_list_of_different_quantities_is_text():
    assert P("完成 600 人次加班费发放，完成 57 人伙食补贴发放").kind == "text"
    assert P("招聘会 5 项：专场招聘会 1 次").kind == "text"


def test_long_prose_without_numbers_is_text():
    assert P("养老机构床位补贴应补尽补，肇事肇祸补贴应补尽补，开展癌症俱乐部活动").kind == "text"


@pytest.mark.parametrize("text, note", [("无 100", "lenient: 无 100"), ("为 100", "lenient: 为 100"),
                                        ("无\n100", "lenient: 无 100")])
def test_artefacts_are_read_leniently_and_flagged(text, note):
    assert fields(P(text), "kind", "value", "note") == ("qualitative", None, note)


@pytest.mark.parametrize("text", ["不少于 100 件", "不少于\n100\n件", " 不少于100件 ", "不少于　100　件"])
def test_spaces_and_line_breaks_anywhere(text):
    assert fields(P(text), "op", "value", "unit") == (">=", 100, "件")


@pytest.mark.parametrize("text", ["", "   ", "\n", "/", "-", "—", "——", "N/A", None])
def test_empty_cells(text):
    assert P(text) == Value("none")


def test_non_string_input():
    assert fields(P(100), "kind", "value") == ("numeric", 100)
    assert fields(P(19.5), "kind", "value") == ("numeric", 19.5)


# --- met ------------------------------------------------------------------------------------

@pytest.mark.parametrize("target, actual, met", [
    ("≥90%", "90%", True), ("≥90%", "89.99%", False), (">90%", "90.01%", True),
    (">90%", "90%", False), ("≤5%", "5%", True), ("≤5%", "5.1%", False), ("<5%", "5%", False),
    ("<5%", "4%", True), ("90%以上", "90%", True), ("30天以内", "31天", False),
    # '=' and no op: equal, or above for counts and percentages only
    ("=100%", "100.00%", True), ("100%", "99%", False), ("=70%", "75%", True),
    ("=679人次", "700人次", True), ("=47套", "40套", False), ("26个", "26个", True),
    ("=100万元", "120万元", False), ("=100万元", "100万元", True), ("=10天", "12天", False),
    ("350", "351", False),  # no unit: not known to be a count
    # scale prefixes and units
    ("≥15万人次", "150000人次", True), ("=350.00(万)", "3500000", False),
    ("≥460", "460.00(人)", True), ("350", "350.00(万)", True),
    ("≥90%", "90人", None), ("≥90人", "90人次", None), ("≤178.20万元", "176.43万元", True),
    # ranges
    ("90%-95%", "92%", True), ("90%-95%", "95%", True), ("90%-95%", "96%", False),
    ("90%-95%", "89%", False),
    # statuses decide whatever the target is
    ("无", "达成指标", True), ("无 100", "达成指标", True), ("百分百", "达成指标", True),
    ("=100.00(%)", "达成预期指标", True), ("26个", "部分达成预期指标，覆盖 24 个", False),
    ("无", "未达成", False), ("每月 25 日前", "按时发放", True),
    # deadlines
    ("每月 25 日前", "每月 25 日前完成", True), ("每月 25 日前", "每月 28 日", None),
    # nothing to compare
    ("合格", "合格", None), ("≥90%", "", None), ("≥90%", "/", None), ("", "90%", None),
    ("≥90%", "良好", None), ("完成 600 人次加班费发放，完成 57 人伙食补贴发放", "600人次", None),
])
def test_is_met(target, actual, met):
    assert is_met(P(target), P(actual)) is met


def test_is_met_without_values():
    assert is_met(P("≥90%"), None) is None
    assert is_met(None, P("90%")) is None
    assert is_met(None, P("达成指标")) is True


def test_at_least_units_are_counts_and_percentages():
    assert {"%", "人", "人次", "件", "次", "个", "项", "户", "家", "套"} <= AT_LEAST_UNITS
    assert not {"元", "万元", "天", "小时", "平方米", None} & AT_LEAST_UNITS


# --- properties -----------------------------------------------------------------------------

def check_invariants(v: Value) -> None:
    assert isinstance(v, Value)
    assert v.kind in KINDS and v.status in (None, *STATUSES)
    assert v.op in (None, "=", ">=", ">", "<=", "<")
    assert (v.value is not None) == (v.kind == "numeric") == (v.base_value is not None)
    assert (v.upper is None) == (v.upper_base is None)
    if v.kind == "numeric":
        assert not math.isnan(v.value)
    if v.status is not None:
        assert v.kind == "qualitative"


# Characters the grammar reacts to, so random strings reach deep into it.
GRAMMAR_CHARS = ("0123456789０１２３.,-~～%％()（）=＝<>＞＜≥≤ \n　万亿千百十人次个项件套元天日月年号"
                 "以上下内及不少于低超过高达到至每按季度底前无为达成未部分百分之一二两三九")


@settings(max_examples=400, deadline=None)
@given(st.text())
@example("")
@example("(((((")
@example("9" * 400)
@example("1" + "," * 50 + "2")
@example("\x00\ud800")
def test_any_text_returns_a_value(text):
    check_invariants(P(text))


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=GRAMMAR_CHARS, max_size=30))
def test_grammar_like_text_returns_a_consistent_value(text):
    v = P(text)
    check_invariants(v)
    assert values._parse(text) == v  # the cache hands out what the grammar gives


# Round trip: render operator × number × unit × spacing, parse, get the parts back.
PREFIX_OPS = {"": None, "=": "=", "＝": "=", "≥": ">=", ">=": ">=", "＞": ">", ">": ">",
              "≤": "<=", "<=": "<=", "<": "<", "不少于": ">=", "不低于": ">=", "至少": ">=",
              "不高于": "<=", "不超过": "<=", "低于": "<", "高于": ">", "达到": ">="}
SUFFIX_OPS = {"以上": ">=", "及以上": ">=", "以下": "<=", "以内": "<="}
UNITS = [  # written, unit, base unit, factor
    ("", None, None, 1), ("%", "%", "%", 1), ("(%)", "%", "%", 1), ("（%）", "%", "%", 1),
    ("％", "%", "%", 1), ("人次", "人次", "人次", 1), ("(人次)", "人次", "人次", 1),
    ("万人次", "万人次", "人次", 1e4), ("万元", "万元", "元", 1e4), ("(万元)", "万元", "元", 1e4),
    ("(万)", "万", None, 1e4), ("亿元", "亿元", "元", 1e8), ("个", "个", "个", 1),
    ("套", "套", "套", 1), ("件", "件", "件", 1), ("百分比", "百分比", "%", 1),
    ("个工作日", "个工作日", "个工作日", 1), ("人/次", "人/次", "人次", 1),
]
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
SPACE = st.sampled_from(["", "", "", " ", "\n", "  "])


@st.composite
def quantities(draw):
    cents = draw(st.integers(min_value=0, max_value=10**10))
    style = draw(st.sampled_from(["int", "2dp", "thousands", "full-width"]))
    if style == "int":
        value, number = float(cents // 100), str(cents // 100)
    elif style == "2dp":
        value, number = cents / 100, f"{cents / 100:.2f}"
    elif style == "thousands":
        value, number = cents / 100, f"{cents / 100:,.2f}"
    else:
        value, number = float(cents // 100), str(cents // 100).translate(FULL_WIDTH)
    written, unit, base_unit, factor = draw(st.sampled_from(UNITS))
    if draw(st.booleans()):
        prefix, op = draw(st.sampled_from(sorted(PREFIX_OPS.items())))
        suffix = ""
    else:
        suffix, op = draw(st.sampled_from(sorted(SUFFIX_OPS.items())))
        prefix = ""
    s = [draw(SPACE) for _ in range(5)]
    text = f"{s[0]}{prefix}{s[1]}{number}{s[2]}{written}{s[3]}{suffix}{s[4]}"
    return text, op, value, unit, base_unit, factor


@settings(max_examples=1500, deadline=None)
@given(quantities())
def test_round_trip_operator_number_unit_spacing(case):
    text, op, value, unit, base_unit, factor = case
    v = P(text)
    assert (v.kind, v.op, v.unit, v.base_unit) == ("numeric", op, unit, base_unit), text
    assert v.value == pytest.approx(value) and v.base_value == pytest.approx(value * factor)
    assert v.upper is None


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(["-", "~", "～", "至"]),
       st.sampled_from(["%", "个", "万元", ""]), st.booleans(), SPACE)
def test_round_trip_ranges(a, b, sep, unit, unit_on_both, space):
    lo, hi = min(a, b), max(a, b)
    text = f"{lo}{unit if unit_on_both else ''}{space}{sep}{space}{hi}{unit}"
    v = P(text)
    assert (v.kind, v.op, v.value, v.upper, v.unit) == ("numeric", None, lo, hi, unit or None)


def chinese_numeral(n: int) -> str:
    """1 ≤ n < 10**8 written out: 1005 → 一千零五, 10001 → 一万零一."""
    digits = "零一二三四五六七八九"

    def below_10k(n: int) -> str:
        out, gap = "", False
        for place, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = n // place % 10
            if d:
                out += ("零" if gap else "") + digits[d] + name
                gap = False
            elif out:
                gap = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return below_10k(low)
    return below_10k(high) + "万" + ("零" if 0 < low < 1000 else "") + below_10k(low)


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 10**8 - 1), st.sampled_from(["人", "项", "万元", "人次"]))
def test_round_trip_chinese_numerals(n, unit):
    text = chinese_numeral(n) + unit
    v = P(text)
    # 一万元 reads as 10000 元 (not 1 万元): the amount is the same either way
    base_unit, factor = {"万元": ("元", 1e4)}.get(unit, (unit, 1))
    assert (v.kind, v.base_value, v.base_unit) == ("numeric", n * factor, base_unit), text


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 10**7), st.sampled_from(["%", "(%)", "件", "(人次)"]))
def test_negative_numbers(n, unit):
    assert P(f"-{n}{unit}").value == -n


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["≥", ">", "≤", "<"]), st.integers(0, 10**6), st.integers(0, 10**6),
       st.sampled_from(["%", "人次", "万元", "天"]))
def test_is_met_is_the_arithmetic_comparison(op, t, a, unit):
    met = is_met(P(f"{op}{t}{unit}"), P(f"{a}{unit}"))
    assert met is {"≥": a >= t, ">": a > t, "≤": a <= t, "<": a < t}[op]


# A target written with `=` or with no operator: the amount promised. Reaching it meets it and
# falling short does not, whatever the unit; going beyond it meets a count or a percentage (more
# people served, a higher rate: more was done than promised), but not money or a duration (spending
# more than the 万元 budgeted, or taking longer than the 天 allowed, is not a target met).
BEYOND_MEETS = {"%": True, "人次": True, "万元": False, "天": False}


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["=", ""]), st.integers(0, 10**6), st.integers(1, 10**6),
       st.sampled_from(sorted(BEYOND_MEETS)))
def test_an_equals_target_is_met_when_reached_and_beyond_it_only_by_counts_and_percentages(op, t, d, unit):
    target = P(f"{op}{t}{unit}")
    assert is_met(target, P(f"{t}{unit}")) is True  # reached
    assert is_met(target, P(f"{t + d}{unit}")) is BEYOND_MEETS[unit]  # beyond
    if t >= d:
        assert is_met(target, P(f"{t - d}{unit}")) is False  # short of it


def test_no_pattern_is_compiled_per_call():
    """Parsing uses the module's precompiled patterns only: re's compile cache stays empty."""
    if not hasattr(re, "_cache"):
        pytest.skip("this Python keeps no re._cache")
    samples = ["=100.00(%)", "每月 25 日前", "11 项（补贴 110 人）", "百分百", "达成指标", "无 100",
               "完成 600 人次，完成 57 人", "90%-95%", "两千人", "合格", ""]
    values.clear_cache()  # else earlier tests' results answer from parse_value's cache
    re.purge()
    for text in samples:
        P(text)
    assert values._parse_cached.cache_info().misses == len(samples)  # every one parsed afresh
    assert len(re._cache) == 0 and len(getattr(re, "_cache2", {})) == 0
