"""The words of performance and budget tables: the only module that spells header words.

Every pattern matches a whole header cell after `squash` (spaces removed) and `bare` (circled
numbers, formulas such as ③=①+②, and unit parentheses such as （万元） / (%) removed). A new
province's synonym is one alternative here.
"""
from __future__ import annotations

import regex


def squash(text: str | None) -> str:
    return "".join((text or "").split())


_CIRCLED = regex.compile(r"[①-⑳]")
_FORMULA = regex.compile(r"[①-⑳]?=[^=]*$")
_UNIT_PAREN = regex.compile(r"[（(](?:%|％|万元|元|亿元|千元|分|个|人|次)[）)]")
_SCORE_PAREN = regex.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[）)]$")
_NUMERIC_PREFIX = regex.compile(r"^(?:\d+\s*[-－—.、．]\s*)+")


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
                     r"(?:年度)?(?:绩效)?指标值(?:（含单位）)?", r"计划", r"目标", r"指标目标",
                     r"预期指标值", r"年度目标"),
    "actual": _whole(r"实际完成值", r"实际完成", r"完成值", r"实际值", r"全年实际值",
                     r"全年实际完成值", r"完成情况", r"实际完成情况", r"实际完成指标值",
                     r"完成", r"实际完成数", r"完成指标值"),
    "weight": _whole(r"分值", r"权重", r"指标分值", r"权重分值", r"权重分", r"标准分值", r"标准分",
                     r"指标权重", r"权重（%）", r"权重\(%\)"),
    "score": _whole(r"得分", r"自评得分", r"评价得分", r"实际得分", r"考核得分"),
    "deviation": regex.compile(r"^偏差(?:原因|说明)?"),
    "unit": _whole(r"度量单位", r"计量单位", r"单位", r"指标单位"),
    "nature": _whole(r"指标性质", r"指标方向", r"指标值方向", r"指标属性"),
    "value_type": _whole(r"指标值类型", r"指标类型"),
    "scoring_rule": regex.compile(r"^评[（(]?扣[）)]?分标准|^评分标准|^评分规则"),
    "core": _whole(r"是否核心指标", r"是否核心", r"核心指标"),
    "explanation": _whole(r"指标解释", r"指标说明", r"指标内涵", r"指标定义"),
    "project": _whole(r"项目名称", r"专项名称", r"二级项目名称", r"项目"),
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
# Parent header + sum word → measure: 预算安排 / 小计 is the year's whole budget.
MONEY_PARENT_SUM = {"预算安排": "全年预算数", "拨付情况": "全年执行数"}
AMOUNT_MEASURES = ("年初预算数", "年中调整数", "全年预算数", "全年执行数", "结余数")
RATE_MEASURES = ("执行率", "结余率")
SCORE_MEASURES = ("分值", "得分", "总分")

# Funding lines of a money block: the total line, groups, item prefixes (其中：/（1）/①)
FUNDING_TOTAL = regex.compile(r"^(?:年度资金总额|资金总额|合计|总计|资金合计)[:：]?$")
FUNDING_GROUP = regex.compile(r"^(资金来源|资金结构|收入|支出)[:：]")
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
               r"项目绩效目标", r"年度目标")
GOAL_PARTS = {"expected": _whole(r"预期目标", r"年度目标"),
              "achieved": _whole(r"(?:目标)?实际完成情况", r"实际完成", r"完成情况")}
TOTAL_SCORE = regex.compile(r"^(?:总分|总分值、?评价总分(?:[（(]S[）)])?|评价总分|自评总分|合计得分|综合得分|总得分)")
GRADE = _whole(r"评价等级", r"自评等级", r"等级", r"绩效等级", r"评价结果")
GRADES = regex.compile(r"^(优秀|优|良好|良|中|合格|差|不合格)")
# The footer's own money line in project forms (总分 row): its numbers are 分值 then 得分.

# Packed indicators: `1、1-产出指标；11-数量指标；名称；实施周期指标值:…；年度指标值:…。`
PACKED_ITEM = regex.compile(r"(?:^|(?<=[。；;\s]))(\d{1,3})、(?=\d+[-－]\p{Han})")
# A target table titled after its project: 知创大厦泉州知识产权馆建设费用项目绩效目标表.
PROJECT_TITLE = regex.compile(r"^(?P<project>\p{Han}[^年]{3,60}?)项目(?:支出)?绩效目标(?:申报)?表$")
GENERIC_TITLE = regex.compile(r"部门|单位|整体|支出|年度|[0-9]{4}")
PACKED_FIELDS = {"period_target": regex.compile(r"^实施周期(?:指标值|目标值)[:：]"),
                 "target": regex.compile(r"^(?:年度)?(?:指标值|目标值)[:：]")}

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
# 三公经费: canonical parts, from the header words of a 三公 table.
THREE_PUBLIC_PARTS: dict[str, regex.Pattern] = {
    "合计": regex.compile(r"^(?:“?三公”?经费)?(?:合计|总计)$"),
    "因公出国（境）费": regex.compile(r"^因公出国[（(]?境[）)]?费(?:用)?$"),
    "公务用车购置及运行费": regex.compile(r"^公务用车购置及运行(?:维护)?费(?:小计)?$"),
    "公务用车购置费": regex.compile(r"^公务用车购置费$"),
    "公务用车运行费": regex.compile(r"^公务用车运行(?:维护)?费$"),
    "公务接待费": regex.compile(r"^公务接待费(?:用)?$"),
}


def budget_title_key(title: str | None) -> str:
    """'2024年度收支预算总表' → '2024年度收入支出决算总表': one spelling for 预算 and 决算 titles."""
    t = regex.sub(r"[\s“”\"'‘’]", "", str(title or ""))
    t = regex.sub(r"[（(](?:预算|决算)?表?\d+[）)]$", "", t)  # 收入总表(预算表2): the number, not the name
    t = t.replace("预算表", "决算表").replace("收支", "收入支出").replace("预算总表", "决算总表")
    return t
