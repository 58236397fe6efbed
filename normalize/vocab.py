"""The words of performance and budget tables: the only module that spells header words, and the
words around them that code matches against a page (row labels such as 合计 / 人员经费合计, money
units 元 / 万元, list markers 一、 / （一） / 1., cover and caption fields). tests/test_vocabulary.py
keeps Han literals out of the rest of normalize/ and validate/.

A header pattern matches a whole header cell after `squash` (spaces removed) and `bare` (circled
numbers, formulas such as ③=①+②, and unit parentheses such as （万元） / (%) removed). A new
province's synonym is one alternative here.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import regex


@lru_cache(maxsize=1 << 16)  # the same cell texts are read by every family and check
def squash(text: str | None) -> str:
    return "".join((text or "").split())


_CIRCLED = regex.compile(r"[①-⑳]")
_FORMULA = regex.compile(r"[①-⑳]?=[^=]*$")
_UNIT_PAREN = regex.compile(r"[（(](?:%|％|万元|元|亿元|千元|分|个|人|次)[）)]")
_SCORE_PAREN = regex.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[）)]$")
_NUMERIC_PREFIX = regex.compile(r"^(?:\d+\s*[-－—.、．]\s*)+")


@lru_cache(maxsize=1 << 16)
def bare(text: str | None) -> str:
    """'支出实现率(%)⑤=④/③' → '支出实现率'; '年初部门预算安排金额（含历年结余结转）①' keeps its words."""
    s = _FORMULA.sub("", squash(text))
    s = _CIRCLED.sub("", s)
    return _UNIT_PAREN.sub("", s)


def level_label(text: str | None) -> str | None:
    """'产出指标（50分）' → '产出指标'; '1-产出指标' / '11-数量指标' → without the numeric code."""
    s = _SCORE_PAREN.sub("", squash(text))
    s = _NUMERIC_PREFIX.sub("", s)
    return s or None


def _whole(*alternatives: str) -> regex.Pattern:
    return regex.compile(r"^(?:" + "|".join(alternatives) + r")$")


# ---- indicator tables: column role → header words -----------------------------------------
INDICATOR_ROLES: dict[str, regex.Pattern] = {
    "level1": _whole(r"一级(?:指标|目标)?(?:名称)?"),
    "level2": _whole(r"二级(?:指标|目标)?(?:名称)?"),
    "name": _whole(r"三级(?:指标|目标)?(?:名称)?", r"指标名称", r"绩效指标名称", r"指标内容",
                   r"具体指标", r"指标", r"三级指标（指标内容）"),
    "period_target": _whole(r"实施周期(?:指标值|目标值|目标|指标)?", r"中期(?:指标值|目标值)"),
    "target": _whole(r"(?:年度)?(?:指标值|目标值|指标目标值|绩效目标值|预期目标值|计划值|标准值)",
                     r"本年(?:绩效)?(?:指标值|目标值)",
                     r"(?:年度)?(?:绩效)?指标值(?:（含单位）)?", r"计划", r"目标", r"指标目标",
                     r"预期指标值", r"年度目标"),
    "actual": _whole(r"实际完成值", r"实际完成", r"完成值", r"实际值", r"全年实际值",
                     r"全年实际完成值", r"完成情况", r"实际完成情况", r"实际完成指标值",
                     r"完成", r"实际完成数", r"完成指标值"),
    "weight": _whole(r"分值", r"权重", r"指标分值", r"权重分值", r"权重分", r"标准分值", r"标准分",
                     r"指标权重", r"权重（%）", r"权重\(%\)",
                     r"分值权重(?:[（(]\d+(?:\.\d+)?分?[）)])?"),
    "score": _whole(r"得分", r"自评得分", r"评价得分", r"实际得分", r"考核得分"),
    "deviation": regex.compile(r"^偏差(?:原因|说明)?"),
    "unit": _whole(r"(?:绩效)?度量单位", r"(?:绩效)?计量单位", r"单位", r"指标单位"),
    "nature": _whole(r"(?:绩效)?指标性质", r"指标方向", r"指标值方向", r"指标属性"),
    "value_type": _whole(r"指标值类型", r"指标类型"),
    "scoring_rule": regex.compile(r"^评[（(]?扣[）)]?分标准|^评分标准|^评分规则"),
    "core": _whole(r"是否核心指标", r"是否核心", r"核心指标"),
    "explanation": _whole(r"指标解释", r"指标说明", r"指标内涵", r"指标定义"),
    "project": _whole(r"项目名称", r"专项名称", r"二级项目名称", r"项目"),
    "activity": _whole(r"活动", r"活动名称", r"履职活动"),  # 部门整体 tables: the activity a row serves
}
# A column whose header is only a block label (宁德's 绩效指标 column beside 一级指标).
BLOCK_LABELS = _whole(r"绩效指标", r"绩效目标", r"年度绩效指标", r"项目绩效指标")
# Roles that make a row an indicator header when the name column is there too.
TARGET_ROLES = ("target", "period_target", "actual")

# ---- money blocks of performance forms and self-evaluation execution tables ----------------
# canonical measure → printed header words (after `bare`)
MONEY_MEASURES: dict[str, regex.Pattern] = {
    "年初预算数": _whole(r"年初预算数?", r"年初部门预算安排金额.*", r"年初预算安排(?:金额)?.*",
                         r"年初预算金额"),
    "年中调整数": _whole(r"年中调整(?:金额|数)?", r"调整(?:金额|数)"),
    "全年预算数": _whole(r"全年预算数?", r"调整后预算数?", r"全年预算金额", r"预算安排小计",
                         r"预算数"),
    "全年执行数": _whole(r"全年执行数", r"执行数", r"年度拨付金额", r"拨付金额", r"实际支出(?:数|金额)?",
                         r"全年支出数?", r"支出数"),
    "执行率": _whole(r"(?:预算)?执行率", r"支出实现率", r"资金执行率"),
    "结余数": _whole(r"(?:本年度)?结余(?:金额|数)"),
    "结余率": _whole(r"(?:资金)?结余率"),
    "分值": _whole(r"分值"),
    "得分": _whole(r"得分"),
}
# A project's money printed as columns of an indicator table, one merged cell per project
# (北京 预算12: 项目名称 | 项目总额 | 其中：财政资金 | 其他资金 | 绩效目标 | 一级指标 …).
PROJECT_FUNDS: dict[str, regex.Pattern] = {
    "项目总额": _whole(r"项目(?:资金)?总额", r"(?:年度)?资金总额", r"项目资金", r"项目预算(?:金额|数)?"),
    "财政资金": _whole(r"(?:其中[:：]?)?财政(?:资金|拨款)"),
    "其他资金": _whole(r"(?:其中[:：]?)?其他资金"),
}
# Parent header + sum word → measure: 预算安排 / 小计 is the year's whole budget.
MONEY_PARENT_SUM = {"预算安排": "全年预算数", "拨付情况": "全年执行数"}
# A money header names at least two measures, one of them the year's budget or its spending.
MONEY_HEADER_ANCHORS = frozenset({"全年预算数", "年初预算数", "全年执行数"})
AMOUNT_MEASURES = ("年初预算数", "年中调整数", "全年预算数", "全年执行数", "结余数")
RATE_MEASURES = ("执行率", "结余率")
SCORE_MEASURES = ("分值", "得分", "总分")

# Funding lines of a money block: the total line, groups, item prefixes (其中：/（1）/①)
FUNDING_TOTAL = regex.compile(r"^(?:年度资金总额|资金总额|合计|总计|资金合计)[:：]?$")
# Groups of funding lines a money block prints (资金来源：… / 资金结构：…): never budget-table lines.
FUNDING_SOURCE_GROUPS = ("资金来源", "资金结构")
FUNDING_GROUP = regex.compile(r"^(" + "|".join(FUNDING_SOURCE_GROUPS) + r"|收入|支出)[:：]")
ITEM_PREFIX = regex.compile(r"^(?:其中[:：]?)?\s*(?:[（(]\s*\d+\s*[）)]|\d+[.、]|[①-⑳])?\s*")

# ---- form blocks ---------------------------------------------------------------------------
FIELDS: dict[str, regex.Pattern] = {
    "project": _whole(r"项目名称", r"专项名称", r"项目(?:支出)?名称（资金使用单位）", r"二级项目名称"),
    "unit": _whole(r"部门（单位）名称", r"部门\(单位\)名称", r"部门名称", r"单位名称", r"预算单位",
                   r"预算部门", r"资金使用单位"),
    "department": _whole(r"主管部门", r"主管部门及代码"),
    "implementer": _whole(r"实施单位"),
    "budget_code": _whole(r"(?:部门)?预算编码", r"项目编码", r"单位编码"),
}
GOALS = _whole(r"年度总体目标", r"总体绩效目标", r"年度绩效目标", r"总体目标", r"绩效目标",
               r"项目绩效目标", r"年度目标", r"整体绩效目标", r"部门整体绩效目标")
GOAL_PARTS = {"expected": _whole(r"预期目标", r"年度目标"),
              "achieved": _whole(r"(?:目标)?实际完成情况", r"实际完成", r"完成情况")}
TOTAL_SCORE = regex.compile(r"^(?:总分|总分值、?评价总分(?:[（(]S[）)])?|评价总分|自评总分|合计得分|综合得分|总得分)")
GRADE = _whole(r"评价等级", r"自评等级", r"等级", r"绩效等级", r"评价结果")
GRADES = regex.compile(r"^(优秀|优|良好|良|中|合格|差|不合格)")
# The footer's own money line in project forms (总分 row): its numbers are 分值 then 得分.

# Packed indicators: `1、1-产出指标；11-数量指标；名称；实施周期指标值:…；年度指标值:…。`
# An item opens with its number (1、 / 1. / 1．) before a level code (1-产出指标 / 1－产出指标); the
# numbers may restart, so only the shape counts. Fields are separated by ；/ ; or ，/ , .
PACKED_ITEM = regex.compile(r"(?:^|(?<=[。；;，,\s]))(\d{1,3})[、.．](?=\d+\s*[-－—]\s*\p{Han})")
PACKED_START = regex.compile(r"^\s*\d{1,3}\s*[、.．]\s*\d+\s*[-－—]\s*\p{Han}")
PACKED_SEPARATORS = regex.compile(r"[；;，,]")
# A target table titled after its project: 知创大厦泉州知识产权馆建设费用项目绩效目标表.
PROJECT_TITLE = regex.compile(r"^(?P<project>\p{Han}[^年]{3,60}?)项目(?:支出)?绩效目标(?:申报)?表$")
GENERIC_TITLE = regex.compile(r"部门|单位|整体|支出|年度|[0-9]{4}")
PACKED_FIELDS = {"period_target": regex.compile(r"^实施周期(?:指标值|目标值)[:：]"),
                 "target": regex.compile(r"^(?:年度)?(?:指标值|目标值)[:：]")}

# ---- performance indicators: levels, comparisons, numbered names -----------------------------
# 一级 / 二级 names of the national framework and its provincial variants: a cell that runs them
# together with the name (产出指标数量指标开展监测工作) is split by these, 一级 optional.
LEVEL1_WORD = r"(?:产出|效益|效果|满意度|成本|影响|管理)指标"
LEVEL2_WORD = (r"(?:数量|质量|时效|进度|成本|经济成本|社会成本|生态环境成本|生态成本|经济效益|社会效益|"
               r"生态效益|环境效益|可持续影响|可持续发展|服务对象满意度|社会公众满意度|满意度|"
               r"社会公众或服务对象满意度|履职效能|管理效率)指标")
LEVELS_RUN_TOGETHER = regex.compile(
    r"^(?P<level1>" + LEVEL1_WORD + r")?(?P<level2>" + LEVEL2_WORD + r")(?P<name>.+)$")
LEVEL1_CELL = regex.compile(r"^(?:\d+[-－—.、．]\s*)?" + LEVEL1_WORD + r"(?:[（(]\s*\d+(?:\.\d+)?\s*分?\s*[）)])?$")
LEVEL2_CELL = regex.compile(r"^(?:\d+[-－—.、．]\s*)?" + LEVEL2_WORD + r"$")
# 指标性质 / 绩效指标性质 cells: a comparison printed apart from its value, or 定性 (the value is
# words) / 定量.
COMPARISON = regex.compile(r"^(?:[≥≤=<>＝＜＞≧≦⩾⩽]|>=|<=|大于等于|小于等于|大于|小于|等于|不低于|不高于|"
                           r"不少于|不多于|不超过)$")
QUALITATIVE_NATURE = _whole(r"定性", r"定性指标")
# 指标1：… numbered names (older target tables number them per 二级 block): the number and the name.
NUMBERED_NAME = regex.compile(r"^指标\s*(?P<number>\d{1,3})\s*[:：]\s*(?P<rest>.+)$")
# A project name that opens with its code (11000024T000002854244-…, 2026-01-0012 …).
PROJECT_CODE = regex.compile(r"^[0-9A-Z]{8,}(?:[-－—]|\p{Han})|^\d{2,}[-－]\d{2,}[-－]?\d*")
# A placeholder row of an empty template (…… / ——): not an indicator.
PLACEHOLDER = regex.compile(r"^[.。…·—\-－_、\s]*$")
# A table title printed inside the grid (a one-cell row): never an indicator row.
TABLE_TITLE = regex.compile(r"(?:绩效目标(?:申报)?表|绩效自评表|目标表)(?:[（(].*[）)])?$")

# ---- 行次 / 栏次 -----------------------------------------------------------------------------
COLUMN_NUMBER_LABEL = _whole(r"栏次", r"\*+", r"栏号")

# ---- report kinds: title words (first match wins) -----------------------------------------
REPORT_KINDS = (
    ("project_self_evaluation", regex.compile(r"项目支出(?:绩效)?自评")),
    ("unit_self_evaluation", regex.compile(r"(?:单位|部门)整体(?:支出)?(?:绩效|预算绩效)?.*?自评|整体支出绩效")),
    ("performance_evaluation", regex.compile(r"绩效评价报告|评价报告|绩效评价结果|评价结果")),
    ("performance_targets", regex.compile(r"绩效目标(?:申报)?表")),
    ("final_accounts", regex.compile(r"决算")),
    ("budget", regex.compile(r"预算")),
)
# When the title says nothing (or OCR garbled it), the first page's prose may: 长沙市财政局绩效评价
# 工作组对…实施了绩效评价。现将评价情况报告如下.
REPORT_KIND_HINTS = (
    ("performance_evaluation", regex.compile(r"(?:实施|开展|组织)了?(?:重点)?绩效评价|绩效评价工作组|现将(?:绩效)?评价情况报告如下")),
)
# The title of a project's evaluation report inside a longer document (国家信访局's 决算 attaches
# 2024年度全国信访信息系统维护费项目绩效评价报告): its tables belong to that project.
EVALUATION_TITLE = regex.compile(r"^(?:(?:19|20)\d{2}年度?)?(?P<project>\p{Han}.{1,60}?)项目(?:支出)?(?:绩效)?评价报告$")
# Narrative score and grade of evaluation reports: 综合得分为92.25分，评价等级为"优".
NARRATIVE_SCORE = regex.compile(
    r"(?:综合|总|评价|自评|最终|绩效评价)?(?:得分|评分|分数)(?:为|是|达到)?\s*[:：]?\s*(\d{2,3}(?:\.\d{1,2})?)\s*分"
    r"(?!\s*(?:以上|及以上|以下|至|-|～))")
NARRATIVE_GRADE = regex.compile(
    r"(?:评价|绩效|综合)?(?:等级|级别|级次|结果)(?:为|是|评定为|确定为)\s*[:：]?\s*[“\"「『]?(优秀|优|良好|良|中|合格|差)")

# ---- report metadata: cover and caption words (normalize/report_meta.py) ----------------------
COVER_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")
# 部门：… / 单位名称：… on the cover: the unit's name (单位：万元 is a money unit, see MONEY_UNIT_WORD).
UNIT_NAME_FIELD = regex.compile(r"(?:部门|单位|实施单位|部门名称|单位名称)\s*[:：]\s*(\S+?)(?:\s|单位[:：]|$)")
# 上海市普陀区财政局 / 上海市 XX 局 (the template's placeholder) before the year and the kind.
UNIT_BEFORE_KIND = regex.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?\s*(\p{Han}[\p{Han}A-Za-z（）()]{2,40}?)\s*(?:(?:19|20)\d{2}\s*年度?)?\s*"
    r"(?:单位整体支出|部门整体支出|项目支出|年度部门决算|年度部门预算|部门决算|部门预算)")
# Where the cover ends: the table of contents and the first part heading.
COVER_END = regex.compile(r"^(?:目\s*录|第[一二三四五六七八九十]+部分)")
# Lines under a table caption that are not part of a title: 部门：… / 单位：万元.
CAPTION_FIELD_LINE = regex.compile(r"^(?:部门|单位|编制单位|金额单位)\s*[:：]")

# ---- document checks: years in headings (validate/document.py) ------------------------------
# A heading naming the report's own year, or a period-end date: these must be the report year.
YEAR_IN_HEADING = regex.compile(r"((?:19|20)\d{2})\s*年度?\s*(?:部门|单位)?(?:决算|预算|绩效|整体)")
PERIOD_END = regex.compile(r"截至\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
# A year this close after one of these words is a comparison (与2023年度相比), not a heading:
# (word, how many characters before the year it may stand).
YEAR_COMPARISON_WORDS = (("与", 6), ("比", 3))
# A heading of a final-accounts report may announce next year's 预算.
BUDGET_WORD = "预算"

# ---- money units -----------------------------------------------------------------------------
# The unit of every money value landed (budget_lines.unit, the contract's): amounts are in yuan.
YUAN = "元"
TEN_THOUSAND_YUAN = "万元"
# Units a table declares (单位：万元) and what one printed unit is worth in yuan.
YUAN_PER_UNIT = {YUAN: Decimal(1), "千元": Decimal(1000), TEN_THOUSAND_YUAN: Decimal(10000),
                 "亿元": Decimal(100000000)}
_MONEY_UNITS = r"亿元|万元|千元|元"
# The unit field of a caption: 单位：杭州市气象局 names an organisation, 单位：万元 a money unit.
UNIT_WORD = "单位"
UNIT_FIELD_LABEL = UNIT_WORD + "："
# A money unit declared in a caption or header: 单位：万元 / 金额单位:元 / （万元）.
UNIT_DECLARATION = regex.compile(
    r"(?:金额)?单位\s*[:：]\s*(" + _MONEY_UNITS + r")|[（(](" + _MONEY_UNITS + r")[）)]")
# A money unit as a whole field value: never a unit's name.
MONEY_UNIT_WORD = regex.compile(r"^(?:" + _MONEY_UNITS + r")$")
# An amount in prose with its unit: 全年预算263,254,643.42元.
PROSE_AMOUNT = regex.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(" + _MONEY_UNITS + r")")

# ---- list markers of row labels: 一、 / （一） / 1. / （1） / ① ---------------------------------
_NUMERALS = "一二三四五六七八九十"
# A list number opening a row label: 一、 / 1. / 1、 / （一） / （1）; 1.5 is a number, not one.
_LIST_MARKER_WORDS = (r"[" + _NUMERALS + r"]+、|\d+[.．、](?!\d)|[（(][" + _NUMERALS + r"\d]+[）)]")
LIST_MARKER = regex.compile(r"^(?:" + _LIST_MARKER_WORDS + r")")
# What a line item drops in front of its name: 其中： and one list marker (其中：1. 工资 → 工资).
LINE_ITEM_PREFIX = regex.compile(r"^(?:其中[:：]\s*)?(?:" + _LIST_MARKER_WORDS + r")?\s*")
# validate's label key (validate/budget_table.norm_label) drops a narrower numbering: 一、 / （一） /
# 1. / 1、 — a （1） or 1． stays part of the label, so a row matched across tables by its label
# ((1)工资福利支出 …) keeps matching as before.
LABEL_NUMBERING = regex.compile(r"^\s*(?:[" + _NUMERALS + r"]+、|[（(][" + _NUMERALS + r"]+[）)]|\d+[.、])")
# …and a 三公 row label, after its memo word, drops （1） / （一） / 1. / 1、 before its part's name.
THREE_PUBLIC_ROW_NUMBER = regex.compile(r"^(?:[（(][\d" + _NUMERALS + r"]+[）)]|\d+[.、])")

# ---- sum words and row labels of budget tables ---------------------------------------------------
SUBTOTAL_WORD = "小计"
TOTAL_WORD = "合计"
GRAND_TOTAL_WORD = "总计"
# Row labels validate finds printed figures by: the year's totals of a 收支总表 and its detail tables,
# the appropriation's line, the two totals of a 基本支出 table (人员经费 / 公用经费), the two sides of
# a balance, and the ending of an expenditure class (一般公共服务支出).
YEAR_SPENT_TOTAL = "本年支出合计"
YEAR_INCOME_TOTAL = "本年收入合计"
APPROPRIATION_INCOME = "一般公共预算财政拨款收入"
APPROPRIATION = "一般公共预算财政拨款"
GENERAL_PUBLIC_BUDGET = "一般公共预算"
PERSONNEL_TOTAL = "人员经费合计"
PUBLIC_USE_TOTAL = "公用经费合计"
INCOME_GRAND_TOTALS = ("收入总计", "收入合计")
SPENT_GRAND_TOTALS = ("支出总计", "支出合计")
EXPENDITURE_WORD = "支出"
# Measure (column) names validate reads a figure from, in order of preference.
BASIC_EXPENDITURE = "基本支出"
FINAL_AMOUNT = "决算数"
YEAR_SPENT = "本年支出"
YEAR_SPENT_COLUMNS = (YEAR_SPENT_TOTAL, TOTAL_WORD, FINAL_AMOUNT, YEAR_SPENT)
YEAR_INCOME_COLUMNS = (YEAR_INCOME_TOTAL, TOTAL_WORD, FINAL_AMOUNT)
APPROPRIATION_COLUMNS = (APPROPRIATION, GENERAL_PUBLIC_BUDGET, TOTAL_WORD)
# The parts of 三公经费 by their canonical names (the keys of THREE_PUBLIC_PARTS).
OUTBOUND_FEES = "因公出国（境）费"
VEHICLE_FEES = "公务用车购置及运行费"
VEHICLE_PURCHASE_FEES = "公务用车购置费"
VEHICLE_OPERATION_FEES = "公务用车运行费"
RECEPTION_FEES = "公务接待费"

# ---- 部门决算 / 部门预算 tables (budget families) --------------------------------------------
# 行次 / 行号 / 序号 columns number the lines: metadata, never amounts.
ROW_NUMBER_COLUMN = _whole(r"行次", r"行号", r"序号")
# Standard tables, from a title normalised by `budget_title_key` (预算 read as 决算, 收支 as 收入支出);
# first match wins. The kind a continuation piece inherits from its first piece.
_TABLE_END = r"(?:决算|预算)?(?:执行)?(?:总体)?(?:情况)?(?:总|明细)?表"
BUDGET_TABLE_KINDS: tuple[tuple[str, regex.Pattern], ...] = (
    ("three_public", regex.compile(r"三公")),
    ("appropriation_summary", regex.compile(r"财政拨款收入支出.*总(?:体情况)?表")),
    ("summary", regex.compile(r"收入支出.*总(?:体情况)?表")),
    ("gpb_basic", regex.compile(r"一般公共预算.*基本支出")),
    ("gpb_expenditure", regex.compile(r"一般公共预算(?:财政拨款)?(?:项目)?支出")),
    ("fund", regex.compile(r"政府性基金|国有资本经营")),
    ("project_expenditure", regex.compile(r"项目支出" + _TABLE_END)),
    ("basic", regex.compile(r"基本支出.*表")),
    ("income", regex.compile(r"收入" + _TABLE_END + r"$")),
    ("expenditure", regex.compile(r"支出" + _TABLE_END + r"(?:[（(].*[）)])?$")),
)
# Header cells that tell a kind when the title does not (a continuation without caption).
BUDGET_HEADER_KINDS: tuple[tuple[str, regex.Pattern], ...] = (
    ("three_public", regex.compile(r"因公出国|公务接待|公务用车")),
    ("gpb_basic", regex.compile(r"^(?:人员经费|公用经费|人员支出|日常公用支出)$")),
    ("income", regex.compile(r"^本年收入合计$")),
    ("expenditure", regex.compile(r"^本年支出合计$")),
)
# 三公经费: canonical parts, from the header words of a 三公 table (费 / 经费 / 费用 alike).
_FEE = r"(?:经?费(?:用)?)"
THREE_PUBLIC_PARTS: dict[str, regex.Pattern] = {
    TOTAL_WORD: regex.compile(r"^(?:[“\"]?三公[”\"]?经费)?(?:合计|总计)$"),
    OUTBOUND_FEES: regex.compile(r"^因公出国[（(]?境[）)]?" + _FEE + r"$"),
    VEHICLE_FEES: regex.compile(r"^公务用车购置及运行(?:维护)?" + _FEE + r"(?:小计)?$"),
    VEHICLE_PURCHASE_FEES: regex.compile(r"^公务用车购置" + _FEE + r"$"),
    VEHICLE_OPERATION_FEES: regex.compile(r"^公务用车运行(?:维护)?" + _FEE + r"$"),
    RECEPTION_FEES: regex.compile(r"^公务接待" + _FEE + r"$"),
}
# Printed beside the 三公 columns (一般公共预算“三公”经费、会议费、培训费支出表), never parts of them.
BESIDE_THREE_PUBLIC: dict[str, regex.Pattern] = {
    "会议费": regex.compile(r"^会议" + _FEE + r"$"),
    "培训费": regex.compile(r"^培训" + _FEE + r"$"),
}

# What makes a table a 决算 / 预算 table (normalize/families/budget_table.py): its caption, …
BUDGET_TABLE_TITLE = regex.compile(r"(?:决算|预算)总?表|“?三公”?经费|收支总表")
# … or at least two header cells typical of 决算/预算 tables (whole cell, spaces removed).
BUDGET_HEADER_WORDS = regex.compile(
    r"^(?:(?:支出)?功能分类(?:科目编码)?|(?:功能|经济)?(?:分类)?科目编码|功能科目编码|经济分类|"
    r"(?:功能|经济|支出功能|支出经济)?(?:分类)?科目名称|功能科目名称|[类款项]|本年(?:收入|支出)合计|基本支出|项目支出|决算数|"
    r"年[初末](?:财政拨款)?结转和结余|支出用途|上缴上级支出|对附属单位补助支出)$")
# Self-evaluation budget tables are read before the budget family is asked; it never claims them.
SELF_EVALUATION_MEASURES = regex.compile(r"^(?:全年预算数|全年执行数|执行率|分值|得分)$")
# Code columns: one 编码 column, or 类 / 款 / 项 columns (the code's pieces, outermost first).
CODE_WORD = "编码"
CODE_PARTS = ("类", "款", "项")
CODE_HEADER = regex.compile(r"编码|代码|^[" + "".join(CODE_PARTS) + r"]$")
# Label columns: 项目 / 科目 / …名称.
LABEL_HEADER = regex.compile(r"名称$|^项目$|^科目$")
# Headers that name the kind of amount rather than what it is an amount of; a column whose header
# names no kind is measured in 金额. A rate (执行率 …) is a percentage, not money.
AMOUNT_WORD = "金额"
RATE_WORD = "率"
MEASURE_WORDS = regex.compile(r"^(?:金额|决算数|预算数|执行数|年初预算数|调整预算数|全年预算数|全年执行数|\S*率)$")
# A caption line inside the grid: a table's name (…表) or its unit line (单位：万元).
GRID_CAPTION = regex.compile(r"表$|表[（(].*[）)]$|^(?:金额|预算|编制|填报)?单位(?:名称)?[:：]|^部门[:：]")

# ---- the header tree of money tables --------------------------------------------------------
# Bare sum words: 本年支出 / 小计 is the 本年支出 column.
SUM_WORDS = frozenset({SUBTOTAL_WORD, TOTAL_WORD})
# Sum words that may end a column path: the column is the total of its header group.
GROUP_SUM_WORDS = frozenset({SUBTOTAL_WORD, TOTAL_WORD, GRAND_TOTAL_WORD})
# A total of the year's flows (本年支出合计) leaves the carry-overs beside it out (年初结转和结余,
# 上年结转); a plain 合计 has them.
YEAR_FLOWS_WORD = "本年"
CARRY_OVER = regex.compile(r"结转|结余|年初|年末")
# A named total of its group: 项目支出 / 项目支出总数, 支出 / 支出总额.
NAMED_TOTAL = regex.compile(r"(?:合计|总计|总数|总额)$")
# A sub-measure: a part of the column beside it, never another addend of the row's total
# (其中：…, 含…, 扣除基建项目后预算数, 不含…).
SUB_MEASURE = regex.compile(r"^(?:其中|含|不含|扣除|剔除)|后(?:预算|决算)?数$")
# A total whose name says what it totals takes only parts of that kind: “三公”经费合计 takes
# 因公出国 / 公务用车 / 公务接待, never the 会议费 / 培训费 printed beside it.
KIND_TOTALS: tuple[tuple[regex.Pattern, tuple[regex.Pattern, ...]], ...] = (
    (regex.compile(r"三公"), tuple(p for k, p in THREE_PUBLIC_PARTS.items() if k != "合计")),
)
# A contents page (目录) and the tables it lists: 一、收支总表.
CONTENTS_HEADING = regex.compile(r"目录")
CONTENTS_ITEM = regex.compile(r"^[一二三四五六七八九十]+、(.+?表)$")
CONTENTS_NOISE = regex.compile(r"[\s“”\"]")
# Headers that qualify the amounts under them rather than name what they are amounts of: a year,
# the year before, a change block. A cell under one keeps it in its measure (增减变化·公务接待费),
# so a change or a prior-year figure never reads as the budget amount.
# A period qualifies only where the table prints two side by side (2025年 | 2026年).
PERIOD_QUALIFIER = regex.compile(r"^(?:(?:19|20)\d{2}年(?:度)?|(?:本|当)年(?:度)?)(?:预算|决算|执行)?数?$")
MEASURE_QUALIFIER = regex.compile(
    r"^(?:(?:19|20)\d{2}年(?:度)?(?:预算|决算|执行)?数?|(?:上|本|当)年(?:度)?(?:预算|决算|执行)?数?|上年同期"
    r"|.*(?:增减|变化|增长|比上年|同比).*)$")
# Parts the budget system itself defines: a total of these is a known structure.
KNOWN_PARTS = regex.compile(r"^(?:基本支出|项目支出|人员经费|公用经费|日常公用(?:经费|支出)|人员支出)$")
# Numbered lines and their nesting depth: 一、 > （一） > 1. > （1） > ①.
LINE_NUMBERS: tuple[regex.Pattern, ...] = (
    regex.compile(r"^[一二三四五六七八九十]+、"),
    regex.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
    regex.compile(r"^\d+[.．、](?!\d)"),
    regex.compile(r"^[（(]\d+[）)]"),
    regex.compile(r"^[①-⑳]"),
)
# A memo line: 其中：… is a part of the line above, not another line of the list.
MEMO_LINE = regex.compile(r"^其中[:：]?")
# Row labels of totals: the table's whole (总计 / 合计) and the year's flows (本年收入合计 …).
TOTAL_LINE = regex.compile(r"(?:合计|总计|小计)[:：]?$")


def budget_title_key(title: str | None) -> str:
    """'2024年度收支预算总表' → '2024年度收入支出决算总表': one spelling for 预算 and 决算 titles."""
    t = regex.sub(r"[\s“”\"'‘’]", "", str(title or ""))
    t = regex.sub(r"[（(](?:预算|决算)?表?\d+[）)]$", "", t)  # 收入总表(预算表2): the number, not the name
    t = t.replace("预算表", "决算表").replace("收支", "收入支出").replace("预算总表", "决算总表")
    return t


# ==== headline figures (normalize/headlines.py) ===============================================
# Standard tables the headlines need told apart: 政府采购支出表 (was read as an `expenditure` table)
# and 国有资本经营预算支出表 (was `fund` with the 政府性基金 table). Placed after 三公, before the rest.
BUDGET_TABLE_KINDS = tuple(k for k in BUDGET_TABLE_KINDS if k[0] == "three_public") + (
    ("procurement", regex.compile(r"政府采购")),
    ("state_capital", regex.compile(r"国有资本经营")),
) + tuple(k for k in BUDGET_TABLE_KINDS if k[0] != "three_public")
# List numbers in front of a row label: 其中：（一）因公出国（境）支出, 1、因公出国（境）费用.
HEADLINE_LIST_PREFIX = regex.compile(r"^(?:其中[:：]?)?(?:" + _LIST_MARKER_WORDS + r"|[①-⑳])*")
# The items of a 三公 table, from a header or row label (list numbers removed); first match wins,
# so the parts come before the totals that contain their words.
HEADLINE_THREE_PUBLIC: tuple[tuple[str, regex.Pattern], ...] = (
    ("meeting_fees", regex.compile(r"^会议(?:经)?费")),
    ("training_fees", regex.compile(r"^培训(?:经)?费")),
    ("three_public_vehicle_purchase", regex.compile(r"^(?:公务)?用?车(?:辆)?购置(?:经)?费")),
    ("three_public_vehicle_operation", regex.compile(r"^(?:公务)?用?车(?:辆)?运行(?:维护|维修)?(?:经)?费")),
    ("three_public_vehicles", regex.compile(r"^公务用车(?:购置及运行(?:维护)?)?(?:经)?(?:费|支出)")),
    ("three_public_outbound", regex.compile(r"^因公出国[（(]?境[）)]?")),
    ("three_public_reception", regex.compile(r"^公务接待")),
    ("three_public_total", regex.compile(r"三公")),
)
# A sum word as a whole header or row label.
HEADLINE_SUM = regex.compile(r"^(?:合计|总计|小计)$")
# Row labels of a 收支总表's totals: the whole (收入总计 / 总计 / 收入合计 / 合计) and the year's
# flows only (本年收入合计 / 当年收入小计).
HEADLINE_GRAND_TOTAL = regex.compile(r"^(?:收入|支出)?(?:总计|合计)$")
HEADLINE_YEAR_TOTAL = regex.compile(r"^(?:本年|当年)(?:收入|支出)(?:合计|小计)$")
# Periods in a header or row label: 2025年 (the year before the report's), 上年, 当年 / 本年; a
# change column (增减变化) is no period.
HEADLINE_YEAR = regex.compile(r"^((?:19|20)\d{2})年")
HEADLINE_PRIOR = regex.compile(r"^(?:上年|上一年|上年度)(?!结转|结余)")
HEADLINE_CURRENT = regex.compile(r"^(?:当年|本年|本年度)(?!结转|结余)")
HEADLINE_CHANGE = regex.compile(r"增减|变化|变动|增长|比上年|差额|增幅")
# A funding source (or carry-over) that qualifies a column: one part of the money, not all of it.
HEADLINE_FUNDING = regex.compile(r"一般公共预算|政府性基金|国有资本经营|财政拨款|财政专户|事业收入|"
                                 r"事业单位经营|其他收入|其他资金|结转|结余|补助")
# The kind of amount: an actual (决算数 / 执行数) or a budget (预算数, 年初预算 …).
HEADLINE_ACTUAL = regex.compile(r"决算|执行数|实际")
HEADLINE_BUDGET_AMOUNT = regex.compile(r"^(?:\d{4}年)?(?:年初|全年|调整后?|本年|当年)?预算(?:数)?$")
# Columns (or rows) of the 支出总表.
HEADLINE_BASIC = regex.compile(r"^基本支出$")
HEADLINE_PROJECT = regex.compile(r"^项目支出$")
HEADLINE_PERSONNEL = regex.compile(r"^(?:人员经费|人员支出)$")
HEADLINE_PUBLIC_USE = regex.compile(r"^(?:公用经费|日常公用(?:经费|支出)|公用支出)$")
# A caption printed in a table's first rows (预算07表政府性基金预算支出表, 本年…支出表(预算表8)).
HEADLINE_CAPTION = regex.compile(r"表(?:[（(][^）)]*[）)])?$")
# 栏次 numbers printed in a header row (1 2 3): not amounts.
HEADLINE_COLUMN_NUMBER = regex.compile(r"^(?:栏次|\d{1,2})$")
# Counts printed beside money (数量 in a 政府采购 table): never a headline amount.
HEADLINE_NOT_MONEY = regex.compile(r"^(?:数量|人数|编制数|实有人数|个数|车辆数)$")
# Provincial names of the 支出总表's two parts (西安: 人员经费和公用经费支出 / 专项业务经费支出).
HEADLINE_BASIC_ROW = regex.compile(r"^(?:基本支出|人员经费和公用经费(?:支出)?)$")
HEADLINE_PROJECT_ROW = regex.compile(r"^(?:项目支出|专项业务经费(?:支出)?)$")
# A column group of the 支出总表 holding the year's 政府采购 (深圳: 2026年政府采购项目 / 小计).
HEADLINE_PROCUREMENT = regex.compile(r"政府采购")
# Under a 公务用车购置及运行费 header, its parts may be printed bare (上海: 购置费 / 运行费).
HEADLINE_VEHICLE_PARTS = (("three_public_vehicle_purchase", regex.compile(r"^购置(?:经)?费$")),
                          ("three_public_vehicle_operation", regex.compile(r"^运行(?:维护)?(?:经)?费$")))
