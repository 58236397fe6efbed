"""Render the sample PDFs and write their truth JSON, both from the same plain data.

    .venv/bin/python samples/make_samples.py            # writes into samples/
    .venv/bin/python samples/make_samples.py --out DIR  # somewhere else

Needs python-docx, LibreOffice (`soffice`) and the Noto Serif CJK SC font; the pipeline itself
needs none of them, because the PDFs are committed. samples/README.md explains the rules the
truth follows (merged cells, CJK spacing, how split rows and level labels are treated).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed_data  # noqa: E402  (a sibling module; samples/ is not a package)

SEED_PDF = "hongqiao-2024-unit-self-evaluation.pdf"
PROJECT_PDF = "project-self-evaluation-2024.pdf"


# ----------------------------------------------------------------------------- settings

@dataclass(frozen=True)
class RenderSettings:
    """How the documents are typeset. Defaults follow common Chinese government Word reports."""

    font: str = "Noto Serif CJK SC"  # Debian fonts-noto-cjk; `fc-list | grep -i cjk`
    page_cm: tuple[float, float] = (21.0, 29.7)  # A4
    margins_cm: tuple[float, float, float, float] = (2.54, 3.17, 2.54, 3.17)  # top, right, bottom, left: Word's Chinese default
    body_pt: float = 12.0  # 小四, running text
    table_pt: float = 10.5  # 五号, table cells
    line_spacing: float = 1.2  # running text; tables are single-spaced
    soffice: str = "soffice"
    timeout_s: int = 180  # one conversion; LibreOffice's first start is slow

    def __post_init__(self) -> None:
        if not self.font.strip():
            raise ValueError("RenderSettings.font must name a font family")
        width = self.page_cm[0] - self.margins_cm[1] - self.margins_cm[3]
        if width < 8 or min(self.margins_cm) < 0:
            raise ValueError(f"RenderSettings margins leave {width:.2f} cm of text width; need at least 8")
        if not (6 <= self.table_pt <= self.body_pt <= 22):
            raise ValueError("RenderSettings needs 6 <= table_pt <= body_pt <= 22")
        if self.timeout_s <= 0:
            raise ValueError("RenderSettings.timeout_s must be positive")

    @property
    def text_width_cm(self) -> float:
        return self.page_cm[0] - self.margins_cm[1] - self.margins_cm[3]


SEED_SETTINGS = RenderSettings()
# The 8-column national template needs a wider text block and a smaller table font.
PROJECT_SETTINGS = RenderSettings(margins_cm=(2.2, 2.0, 2.2, 2.0), table_pt=9.0)


# ----------------------------------------------------------------------------- table layout

@dataclass(frozen=True)
class Cell:
    """One printed cell. `merge` is None, "restart" (top of a vertical merge) or "continue"."""

    text: str = ""
    span: int = 1  # grid columns covered
    merge: str | None = None
    bold: bool = False
    align: str = "left"  # left | center | right


@dataclass
class Layout:
    """A table as it should look, plus what the truth needs to know about it.

    Row 0 is the header row. `cuts` start a new Word table at a row index:
    "page": forced page break, and that row is the tail of the row above (the seed's `平`);
    "joined": a new table drawn flush below the previous one whose first row repeats on
    each page (the indicator header of a project table).
    """

    kind: str  # indicators | budget | project | other
    section: str | None
    title: str | None
    widths_cm: tuple[float, ...]
    rows: list[list[Cell]]
    repeat_rows: int = 1  # leading rows LibreOffice repeats at the top of each page
    cuts: dict[int, str] = field(default_factory=dict)
    project: str | None = None
    # Rows allowed to break across a page (Word's default for every row). Elsewhere rows are kept
    # whole: a row split at a page bottom looks like a new row on the next page and, where both
    # halves have text in every column, nothing tells them apart.
    splittable: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if sum(c.span for c in row) != len(self.widths_cm):
                raise ValueError(f"row {i} covers {sum(c.span for c in row)} columns, grid has {len(self.widths_cm)}")
        if any(mode not in ("page", "joined") or not 0 < i < len(self.rows) for i, mode in self.cuts.items()):
            raise ValueError(f"bad cuts {self.cuts}")


def label_cells(labels: list[str]) -> list[Cell]:
    """Printed level labels → cells. A label covers its row down to the row before the next
    printed label, as one vertically merged cell."""
    out: list[Cell] = []
    started = False
    for i, label in enumerate(labels):
        if label:
            started = True
            nxt = next((j for j in range(i + 1, len(labels)) if labels[j]), len(labels))
            out.append(Cell(label, merge="restart" if nxt - i > 1 else None, align="center"))
        else:
            out.append(Cell("", merge="continue") if started else Cell(""))
    return out


def header_cells(texts, spans=None) -> list[Cell]:
    spans = spans or [1] * len(texts)
    return [Cell(t, span=s, bold=True, align="center") for t, s in zip(texts, spans)]


# ----------------------------------------------------------------------------- truth helpers

# Han plus CJK punctuation and fullwidth forms: a space between two of these is a typesetting
# artefact (`敬 老 院`, `工作； 完成`), a space next to a digit or Latin letter is kept (`无 100`).
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")


def repair_cjk_spacing(text: str) -> str:
    return _CJK_GAP.sub("", text)


def truth_grid(layout: Layout) -> list[list[str]]:
    """The stitched table an extractor should return: one string per grid position (a merged
    cell's text at every position it covers), CJK spacing repaired, the row continued after a
    "page" cut joined onto the row above."""
    grid: list[list[str]] = []
    merged: list[list[bool]] = []  # position filled from the cell above
    for r, row in enumerate(layout.rows):
        texts, flags = [], []
        for cell in row:
            cont = cell.merge == "continue"
            for _ in range(cell.span):
                texts.append(grid[r - 1][len(texts)] if cont else cell.text)
                flags.append(cont)
        grid.append(texts)
        merged.append(flags)
    out: list[list[str]] = []
    for r, texts in enumerate(grid):
        if layout.cuts.get(r) == "page":
            out[-1] = [a if m else a + b for a, b, m in zip(out[-1], texts, merged[r])]
        else:
            out.append(list(texts))
    return [[repair_cjk_spacing(t) for t in row] for row in out]


def plain_number(raw: str) -> Decimal:
    return Decimal(raw.replace(",", "").rstrip("%"))


def money(raw: str, factor: int = 1) -> str:
    """A printed amount as a decimal string in yuan with 2 places."""
    return str((plain_number(raw) * factor).quantize(Decimal("0.01")))


# ----------------------------------------------------------------------------- seed report

LEVEL1_OF_LEVEL2 = {  # the national 三级 framework: which 一级 each printed 二级 label belongs to
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
    "社会效益指标": "效益指标", "经济效益指标": "效益指标", "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标", "可持续指标": "效益指标", "服务对象满意度指标": "满意度指标",
}
LEVEL1_LABELS = {"产出指标", "效益指标", "满意度指标"}


def relabel_annual_targets(rows):
    """The seed prints 质量指标 / 时效指标 in the 一级目标 column; they are 二级 labels of 产出指标."""
    out = []
    for l1, l2, name, target in rows:
        if l1 and l1 not in LEVEL1_LABELS and not l2:
            l1, l2 = "", l1
        out.append((l1, l2, name, target))
    return out


def seed_layouts(settings: RenderSettings) -> dict[str, Layout]:
    s = seed_data
    w = settings.text_width_cm
    sections = _sections_of_tables(s.BODY)

    work = Layout(
        "other", sections["WORK_TASKS"], None, (1.3, 2.6, w - 3.9),
        [header_cells(s.WORK_TASKS_HEADER)]
        + [[Cell(a, align="center"), Cell(b, align="center"), Cell(c)] for a, b, c in s.WORK_TASKS],
    )

    targets = relabel_annual_targets(s.ANNUAL_TARGETS)
    l1 = label_cells([r[0] for r in targets])
    l2 = label_cells([r[1] for r in targets])
    annual = Layout(
        "indicators", sections["ANNUAL_TARGETS"], None, (2.2, 2.6, 4.4, w - 9.2),
        [header_cells(s.ANNUAL_TARGETS_HEADER)]
        + [[a, b, Cell(r[2]), Cell(r[3])] for a, b, r in zip(l1, l2, targets)],
    )

    budget = Layout(
        "budget", sections["BUDGET_EXECUTION"], None, (4.6, 3.6, 3.6, w - 11.8),
        [header_cells(s.BUDGET_EXECUTION_HEADER)]
        + [[Cell(r[0])] + [Cell(v, align="right") for v in r[1:]] for r in s.BUDGET_EXECUTION],
    )

    def plan_done(name: str) -> Layout:
        rows = getattr(s, name)
        labels = label_cells([r[0] for r in rows])
        cuts = {i + 1: "page" for i, r in enumerate(rows) if r[1] == "平"}  # +1: row 0 is the header
        return Layout(
            "indicators", sections[name], None, (2.6, w - 9.4, 3.4, 3.4),
            [header_cells(("指标名称", "计划", "完成"), (2, 1, 1))]
            + [[lab, Cell(r[1]), Cell(r[2]), Cell(r[3])] for lab, r in zip(labels, rows)],
            cuts=cuts,
        )

    return {
        "WORK_TASKS": work, "ANNUAL_TARGETS": annual, "BUDGET_EXECUTION": budget,
        "FULFILMENT": plan_done("FULFILMENT"), "EFFECTS": plan_done("EFFECTS"),
        "SATISFACTION": plan_done("SATISFACTION"),
    }


def _sections_of_tables(body) -> dict[str, str | None]:
    """Each table's section: the text of the nearest heading above it."""
    out, heading = {}, None
    for kind, text in body:
        if kind in ("h1", "h2", "h3"):
            heading = text
        elif kind == "table":
            out[text] = heading
    return out


def seed_truth(layouts: dict[str, Layout], order: list[str]) -> dict:
    tables, indicators, budget_lines = [], [], []
    for i, name in enumerate(order):
        lay = layouts[name]
        grid = truth_grid(lay)
        header, rows = grid[0], grid[1:]
        tables.append({"section": lay.section, "title": lay.title, "kind": lay.kind, "header": header, "rows": rows})
        if name == "ANNUAL_TARGETS":
            for l1, l2, nm, target in rows:
                indicators.append(_indicator(i, lay.section, None, l1, l2, nm, target, None))
        elif lay.kind == "indicators":
            for l2, nm, plan, done in rows:
                indicators.append(_indicator(i, lay.section, None, LEVEL1_OF_LEVEL2[l2], l2, nm, plan, done))
        elif lay.kind == "budget":
            group = None
            for label, *values in rows:
                group, item = split_budget_label(label, group)
                for measure, raw in zip(header[1:], values):
                    unit = "%" if measure == "执行率" else "元"
                    budget_lines.append({
                        "table_index": i, "project": None, "line_label": label, "line_group": group,
                        "line_item": item, "measure": measure, "raw": raw, "value": money(raw), "unit": unit,
                    })
    return {
        "file": SEED_PDF, "title": "".join(seed_data.TITLE_LINES), "unit_name": seed_data.UNIT_NAME,
        "fiscal_year": seed_data.FISCAL_YEAR, "report_kind": "unit_self_evaluation",
        "tables": tables, "indicators": indicators, "budget_lines": budget_lines,
    }


def split_budget_label(label: str, group: str | None) -> tuple[str | None, str]:
    """`资金来源：（1）财政拨款` → (资金来源, 财政拨款); `（2）其他资金` keeps the group above."""
    head, sep, rest = label.partition("：")
    if sep:
        group, label = head, rest
    return group, re.sub(r"^[（(]\d+[）)]", "", label)


def _indicator(table_index, section, project, level1, level2, name, target, actual,
               weight=None, score=None, note=None) -> dict:
    return {
        "table_index": table_index, "section": section, "project": project,
        "level1": re.sub(r"（[\d.]+分）$", "", level1), "level2": level2, "name": name,
        "target_raw": target, "actual_raw": actual, "weight": weight, "score": score,
        "deviation_note": note or None,
    }


def build_seed_docx(path: Path, settings: RenderSettings) -> tuple[dict, dict[str, Layout]]:
    layouts = seed_layouts(settings)
    doc = new_document(settings, title="".join(seed_data.TITLE_LINES), author=seed_data.UNIT_NAME)
    for line in seed_data.TITLE_LINES:
        add_par(doc, line, settings, size=18, bold=True, align="center", indent=False)
    add_par(doc, "", settings)
    order = []
    for kind, text in seed_data.BODY:
        if kind == "table":
            add_layout(doc, layouts[text], settings)
            order.append(text)
        elif kind == "h1":
            add_par(doc, text, settings, size=14, bold=True, indent=False, before=6)
        elif kind in ("h2", "h3"):
            add_par(doc, text, settings, bold=True, indent=kind == "h3", before=3)
        else:
            add_par(doc, text, settings, align="justify")
    doc.save(path)
    return seed_truth(layouts, order), layouts


# ----------------------------------------------------------------------------- project sample

PROJECT_HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
FUNDING_MEASURES = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
FUNDING_WEIGHT = Decimal(10)
DEPARTMENT = "上海市闵行区虹桥镇人民政府"

# Invented but realistic: three projects of the same 受理中心, amounts in 万元 (年初, 全年预算, 全年执行)
# per funding source; indicators (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因).
PROJECTS = [
    {
        "name": "就业援助补贴",
        "funding": {"当年财政拨款": ("186.50", "178.20", "176.43"), "上年结转资金": ("0.00", "0.00", "0.00"),
                    "其他资金": ("0.00", "0.00", "0.00")},
        "goal": ("对本镇户籍就业困难人员、长期失业青年及创业人员实施就业援助，按规定发放就业困难人员补贴、"
                 "自主创业补贴、录用启航人员补贴和见习实习补贴，开展招聘会、创业指导和政策宣讲，"
                 "调处劳动纠纷，帮助困难人员实现就业，稳定和扩大就业，全年困难人员再就业率不低于 70%。"),
        "done": ("全年发放各类就业补贴 11 项，惠及就业困难人员 112 人；举办招聘会 5 场、创业活动 8 场；"
                 "调处劳动纠纷案件 104 件；困难人员再就业率 72%。自主创业补贴因部分申请人不符合条件，"
                 "实际发放 26 户，未达年度目标。"),
        "indicators": [
            ("产出指标（50分）", "数量指标", "就业困难人员补贴发放人数", "≥110人", "112人", "5", "5", ""),
            ("产出指标（50分）", "数量指标", "新增就业岗位", "≥1600个", "1652个", "5", "5", ""),
            ("产出指标（50分）", "数量指标", "自主创业补贴发放户数", "30户", "26户", "5", "4",
             "部分申请人经审核不符合补贴条件，实际发放 26 户。改进措施：前移政策宣传和资格预审，"
             "2025 年起每季度梳理一次创业补贴申请名单。"),
            ("产出指标（50分）", "数量指标", "劳动纠纷调解案件数", "不少于 100 件", "104 件", "5", "5", ""),
            ("产出指标（50分）", "数量指标", "招聘会及创业活动场次", "≥12次", "13次", "3", "3", ""),
            ("产出指标（50分）", "质量指标", "补贴发放准确率", "100%", "100%", "6", "6", ""),
            ("产出指标（50分）", "质量指标", "劳动纠纷调解成功率", "≥90%", "93%", "4", "4", ""),
            ("产出指标（50分）", "时效指标", "补贴发放及时性", "每月 25 日前", "每月 25 日前完成", "4", "4", ""),
            ("产出指标（50分）", "时效指标", "劳动纠纷调处时限", "受理后 15 个工作日内", "达成预期指标", "3", "3", ""),
            ("产出指标（50分）", "成本指标", "项目成本控制", "≤178.20万元", "176.43万元", "10", "10", ""),
            ("效益指标（30分）", "社会效益指标", "困难人员再就业率", "≥70%", "72%", "10", "10", ""),
            ("效益指标（30分）", "社会效益指标", "社区登记失业率", "控制在区下达指标内", "达成预期指标", "10", "10", ""),
            ("效益指标（30分）", "社会效益指标", "促进社区和谐稳定", "有效促进", "部分达成预期指标并具有一定效果", "10", "8",
             "个别劳动纠纷调处周期较长，群众反映不够及时。改进措施：依托基层工作站开展先行调解，"
             "推动调解力量下沉村居。"),
            ("满意度指标（10分）", "服务对象满意度指标", "补贴对象满意度", "≥90%", "93.5%", "10", "10", ""),
        ],
    },
    {
        "name": "为老服务",
        "funding": {"当年财政拨款": ("500.00", "486.60", "485.90"), "上年结转资金": ("12.00", "12.00", "12.00"),
                    "其他资金": ("0.00", "0.00", "0.00")},
        "goal": ("以老年人需求为出发点，开展老年人关爱慰问和离休干部走访，发放老年综合津贴，"
                 "保障社区食堂日常供餐，推进居家养老服务，扩大为老服务覆盖面，提高老年人生活质量。"),
        "done": ("完成老年人关爱慰问 1086 人次，按季度发放老年综合津贴 26315 人，社区食堂日均供餐 926 客；"
                 "为老服务站点覆盖 24 个居委，两个新建小区尚未设点。"),
        "indicators": [
            ("产出指标（50分）", "数量指标", "老年人关爱慰问人次", "≥1000人次", "1086人次", "10", "10", ""),
            ("产出指标（50分）", "数量指标", "社区食堂日均供餐", "≥900客", "926客", "10", "10", ""),
            ("产出指标（50分）", "数量指标", "老年综合津贴发放人数", "26000人以上", "26315人", "5", "5", ""),
            ("产出指标（50分）", "质量指标", "老龄活动质量达标率", "100%", "100%", "10", "10", ""),
            ("产出指标（50分）", "时效指标", "老年津贴发放及时性", "每年 1、4、7、10 月 10 日前", "按时发放", "5", "5", ""),
            ("产出指标（50分）", "成本指标", "项目成本控制", "≤498.60万元", "497.90万元", "10", "10", ""),
            ("效益指标（30分）", "社会效益指标", "提高老年人生活质量", ">90%", "91%", "15", "15", ""),
            ("效益指标（30分）", "社会效益指标", "为老服务覆盖居委数", "26个", "部分达成预期指标，覆盖 24 个", "15", "13",
             "两个新建小区居委尚无服务场地。改进措施：与物业协商临时场地，2025 年一季度完成设点。"),
            ("满意度指标（10分）", "服务对象满意度指标", "老年人满意度", "≥90%", "92%", "10", "10", ""),
        ],
    },
    {
        "name": "受理大厅运行保障",
        "funding": {"当年财政拨款": ("85.00", "92.40", "92.40"), "上年结转资金": ("0.00", "0.00", "0.00"),
                    "其他资金": ("0.00", "0.00", "0.00")},
        "goal": "保障社区事务受理大厅软硬件设备正常运行，完成“一网通办”业务受理，提升办事群众满意度。",
        "done": "受理大厅全年正常运行，设备完好率 98%，全年受理 12 万人次，办事群众满意度 99.6%。",
        "indicators": [
            ("产出指标（50分）", "数量指标", "受理大厅日常受理量", "15万人次", "12万人次", "10", "8",
             "“一网通办”线上办理分流了部分线下业务。改进措施：按线上线下合计口径调整 2025 年指标。"),
            ("产出指标（50分）", "数量指标", "可受理事项数", "不少于 190 项", "196 项", "10", "10", ""),
            ("产出指标（50分）", "质量指标", "设备完好率", "≥95%", "98%", "10", "10", ""),
            ("产出指标（50分）", "时效指标", "设备故障修复时限", "24小时内", "达成预期指标", "10", "10", ""),
            ("产出指标（50分）", "成本指标", "运行维护成本", "≤92.40万元", "92.40万元", "10", "10", ""),
            ("效益指标（30分）", "社会效益指标", "保障受理大厅日常运行", "100%", "100%", "15", "15", ""),
            ("效益指标（30分）", "社会效益指标", "“一网通办”一次办成率", "≥95%", "96.2%", "15", "15", ""),
            ("满意度指标（10分）", "服务对象满意度指标", "办事群众满意度", "≥95%", "99.6%", "10", "10", ""),
        ],
    },
]


def funding_lines(project: dict) -> list[tuple[str, list[str]]]:
    """(label, six printed cells) for 年度资金总额 and its parts; 执行率 rounded half-up to 0.01 %,
    得分 = 分值 × 执行率, capped at 分值; 分值/得分 only on the total line, `—` elsewhere."""
    parts = {k: [Decimal(v) for v in vals] for k, vals in project["funding"].items()}
    total = [sum(col, Decimal(0)) for col in zip(*parts.values())]

    def rate(budget: Decimal, spent: Decimal) -> Decimal | None:
        return None if budget == 0 else (spent / budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def amounts(vals):
        return [f"{v:.2f}" for v in vals]

    r = rate(total[1], total[2])
    score = min(FUNDING_WEIGHT, (FUNDING_WEIGHT * r / 100).quantize(Decimal("0.01"), ROUND_HALF_UP))
    lines = [("年度资金总额", amounts(total) + [str(FUNDING_WEIGHT), f"{r}%", f"{score:.2f}"])]
    for i, (label, vals) in enumerate(parts.items()):
        pr = rate(vals[1], vals[2])
        shown = ("其中：" if i == 0 else "") + label
        lines.append((shown, amounts(vals) + ["—", "—" if pr is None else f"{pr}%", "—"]))
    return lines


def project_layout(project: dict, settings: RenderSettings) -> Layout:
    w = settings.text_width_cm
    widths = (1.9, 2.6, 2.6, 1.9, 2.0, 1.0, 1.5, w - 13.5)
    lines = funding_lines(project)
    n_fund = 1 + len(lines)
    rows: list[list[Cell]] = [
        [Cell("项目名称", align="center"), Cell(project["name"], span=7)],
        [Cell("主管部门", align="center"), Cell(DEPARTMENT, span=3), Cell("实施单位", align="center"),
         Cell(seed_data.UNIT_NAME, span=3)],
    ]
    fund_label = label_cells(["项目资金（万元）"] + [""] * (n_fund - 1))
    rows.append([fund_label[0], Cell("")] + [Cell(m, align="center") for m in FUNDING_MEASURES])
    for lab, (label, cells) in zip(fund_label[1:], lines):
        rows.append([lab, Cell(label)] + [Cell(c, align="right") for c in cells])
    goal_label = label_cells(["年度总体目标", ""])
    rows.append([goal_label[0], Cell("预期目标", span=4, align="center"), Cell("实际完成情况", span=3, align="center")])
    rows.append([goal_label[1], Cell(project["goal"], span=4), Cell(project["done"], span=3)])

    cut = len(rows)
    rows.append(header_cells(PROJECT_HEADER))
    inds = project["indicators"]
    l1 = label_cells([r[0] if i == 0 or r[0] != inds[i - 1][0] else "" for i, r in enumerate(inds)])
    l2 = label_cells([r[1] if i == 0 or r[:2] != inds[i - 1][:2] else "" for i, r in enumerate(inds)])
    for a, b, r in zip(l1, l2, inds):
        rows.append([a, b, Cell(r[2]), Cell(r[3]), Cell(r[4]), Cell(r[5], align="center"),
                     Cell(r[6], align="center"), Cell(r[7])])
    total = sum(Decimal(r[6]) for r in inds) + Decimal(lines[0][1][5])
    weights = sum(Decimal(r[5]) for r in inds) + FUNDING_WEIGHT
    if weights != 100:
        raise ValueError(f"{project['name']}: weights sum to {weights}, not 100")
    # Tall rows (a deviation note) may break across a page, so the note wraps over the break.
    splittable = frozenset(cut + 1 + i for i, r in enumerate(inds) if r[7])
    rows.append([Cell("总分", span=5, align="center"), Cell("100", align="center"),
                 Cell(f"{total:.2f}", align="center"), Cell("")])
    return Layout("project", None, "项目支出绩效自评表", widths, rows, repeat_rows=0,
                  cuts={cut: "joined"}, project=project["name"], splittable=splittable)


def project_truth(layouts: list[Layout]) -> dict:
    tables, indicators, budget_lines = [], [], []
    for i, lay in enumerate(layouts):
        grid = truth_grid(lay)
        tables.append({"section": lay.section, "title": lay.title, "kind": lay.kind, "header": grid[0], "rows": grid[1:]})
        start = grid.index(list(PROJECT_HEADER))
        for row in grid[start + 1:]:
            if row[0] == "总分":
                break
            l1, l2, name, target, actual, weight, score, note = row
            indicators.append(_indicator(i, lay.section, lay.project, l1, l2, name, target, actual,
                                         float(weight), float(score), note))
        for row in grid:
            if row[0] != "项目资金（万元）" or row[2] == FUNDING_MEASURES[0]:
                continue
            label = row[1]
            for measure, raw in zip(FUNDING_MEASURES, row[2:]):
                if raw in ("", "—"):
                    continue
                unit = {"执行率": "%", "分值": "分", "得分": "分"}.get(measure, "元")
                budget_lines.append({
                    "table_index": i, "project": lay.project, "line_label": label, "line_group": "项目资金",
                    "line_item": label.removeprefix("其中："), "measure": measure, "raw": raw,
                    "value": money(raw, 10000 if unit == "元" else 1), "unit": unit,
                })
    return {
        "file": PROJECT_PDF, "title": "项目支出绩效自评表", "unit_name": seed_data.UNIT_NAME,
        "fiscal_year": seed_data.FISCAL_YEAR, "report_kind": "project_self_evaluation",
        "tables": tables, "indicators": indicators, "budget_lines": budget_lines,
    }


def build_project_docx(path: Path, settings: RenderSettings) -> tuple[dict, list[Layout]]:
    layouts = [project_layout(p, settings) for p in PROJECTS]
    doc = new_document(settings, title="项目支出绩效自评表", author=seed_data.UNIT_NAME)
    for k, lay in enumerate(layouts):
        add_par(doc, "项目支出绩效自评表", settings, size=16, bold=True, align="center", indent=False,
                page_break=k > 0)
        add_par(doc, f"（{seed_data.FISCAL_YEAR}年度）", settings, align="center", indent=False, after=6)
        add_layout(doc, lay, settings)
    doc.save(path)
    return project_truth(layouts), layouts


# ----------------------------------------------------------------------------- docx writing

def _set(el, tag: str, **attrs):
    """Get or create child `tag` of `el` and set its w: attributes."""
    child = el.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        el.append(child)
    for k, v in attrs.items():
        child.set(qn(f"w:{k}"), str(v))
    return child


def _fonts(rpr, font: str) -> None:
    _set(rpr, "w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font)
    _set(rpr, "w:lang", val="zh-CN", eastAsia="zh-CN")


def new_document(settings: RenderSettings, title: str, author: str):
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(settings.page_cm[0]), Cm(settings.page_cm[1])
    top, right, bottom, left = settings.margins_cm
    sec.top_margin, sec.right_margin, sec.bottom_margin, sec.left_margin = Cm(top), Cm(right), Cm(bottom), Cm(left)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(settings.body_pt)
    _fonts(normal.element.get_or_add_rPr(), settings.font)
    doc.core_properties.title = title
    doc.core_properties.author = author
    return doc


def add_par(doc, text: str, settings: RenderSettings, size: float | None = None, bold: bool = False,
            align: str = "left", indent: bool = True, before: float = 0, after: float = 0,
            page_break: bool = False):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                     "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt.line_spacing = settings.line_spacing
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.page_break_before = page_break
    if indent:
        fmt.first_line_indent = Pt(2 * settings.body_pt)  # two characters, as Chinese prose is set
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    return p


def _separator(doc, mode: str) -> None:
    """What sits between two Word tables (Word would fuse adjacent tables): a 1 pt paragraph."""
    p = doc.add_paragraph()
    ppr = p._p.get_or_add_pPr()
    _set(ppr, "w:spacing", before=0, after=0, line=20, lineRule="exact")
    if mode == "page":
        _set(ppr, "w:pageBreakBefore")
    _set(_set(ppr, "w:rPr"), "w:sz", val=2)


def add_layout(doc, layout: Layout, settings: RenderSettings) -> None:
    bounds = sorted(layout.cuts) + [len(layout.rows)]
    start = 0
    for end in bounds:
        mode = layout.cuts.get(start)
        if mode:
            _separator(doc, mode)
        tbl = _new_table(doc, layout.widths_cm)
        flush_below = layout.cuts.get(end) == "joined"
        for r in range(start, end):
            if mode == "joined":
                header = r == start
            else:
                header = start == 0 and r < layout.repeat_rows
            cells = layout.rows[r]
            if r == start and mode:  # a merge cut by a table break restarts, empty, as Word prints it
                cells = [Cell("", c.span, "restart", c.bold, c.align) if c.merge == "continue" else c for c in cells]
            _add_row(tbl, cells, layout.widths_cm, header, settings, open_bottom=flush_below and r == end - 1,
                     can_split=r in layout.splittable)
        start = end


def _new_table(doc, widths_cm):
    tbl = doc.add_table(rows=0, cols=len(widths_cm))._tbl
    tblpr = tbl.tblPr
    _set(tblpr, "w:tblW", w=int(sum(widths_cm) * 567), type="dxa")
    _set(tblpr, "w:tblLayout", type="fixed")
    borders = _set(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set(borders, f"w:{side}", val="single", sz=4, space=0, color="000000")
    margins = _set(tblpr, "w:tblCellMar")
    for side in ("left", "right"):
        _set(margins, f"w:{side}", w=85, type="dxa")  # 0.15 cm
    for col, w in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(w * 567)))
    return tbl


def _add_row(tbl, cells: list[Cell], widths_cm, header: bool, settings: RenderSettings,
             open_bottom: bool = False, can_split: bool = False) -> None:
    """`open_bottom` leaves out the bottom rule, so a table drawn flush below shows one line."""
    tr = OxmlElement("w:tr")
    trpr = _set(tr, "w:trPr")
    if not can_split:
        _set(trpr, "w:cantSplit")
    if header:
        _set(trpr, "w:tblHeader")
    col = 0
    for cell in cells:
        tc = OxmlElement("w:tc")
        tcpr = _set(tc, "w:tcPr")
        _set(tcpr, "w:tcW", w=int(sum(widths_cm[col:col + cell.span]) * 567), type="dxa")
        if cell.span > 1:
            _set(tcpr, "w:gridSpan", val=cell.span)
        if cell.merge == "restart":
            _set(tcpr, "w:vMerge", val="restart")
        elif cell.merge == "continue":
            _set(tcpr, "w:vMerge")
        if open_bottom:
            _set(_set(tcpr, "w:tcBorders"), "w:bottom", val="nil")
        _set(tcpr, "w:vAlign", val="center")
        p = _set(tc, "w:p")
        ppr = _set(p, "w:pPr")
        _set(ppr, "w:spacing", before=0, after=0, line=240, lineRule="auto")
        _set(ppr, "w:jc", val={"left": "left", "center": "center", "right": "right"}[cell.align])
        if cell.text and cell.merge != "continue":
            r = OxmlElement("w:r")
            rpr = _set(r, "w:rPr")
            if cell.bold:
                _set(rpr, "w:b")
            _set(rpr, "w:sz", val=int(settings.table_pt * 2))
            t = OxmlElement("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = cell.text
            r.append(t)
            p.append(r)
        tr.append(tc)
        col += cell.span
    tbl.append(tr)


# ----------------------------------------------------------------------------- conversion

def to_pdf(docx: Path, out_dir: Path, settings: RenderSettings) -> Path:
    """LibreOffice headless conversion, with a private profile so parallel runs do not collide."""
    if shutil.which(settings.soffice) is None:
        raise SystemExit(f"error: {settings.soffice} not found; install LibreOffice to regenerate the samples")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [settings.soffice, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=settings.timeout_s)
    pdf = out_dir / (docx.stem + ".pdf")
    if done.returncode != 0 or not pdf.exists():
        raise SystemExit(f"error: LibreOffice failed on {docx.name}: {done.stderr.strip() or done.stdout.strip()}")
    return pdf


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output folder (default: samples/)")
    ap.add_argument("--keep-docx", action="store_true", help="also keep the intermediate .docx files")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = [(SEED_PDF, build_seed_docx, SEED_SETTINGS), (PROJECT_PDF, build_project_docx, PROJECT_SETTINGS)]
    with tempfile.TemporaryDirectory() as work:
        for pdf_name, build, settings in jobs:
            docx = Path(work) / pdf_name.replace(".pdf", ".docx")
            truth, _ = build(docx, settings)
            pdf = to_pdf(docx, Path(work), settings)
            shutil.move(str(pdf), args.out / pdf_name)
            if args.keep_docx:
                shutil.copy(docx, args.out / docx.name)
            write_json(args.out / pdf_name.replace(".pdf", ".truth.json"), truth)
            print(f"wrote {args.out / pdf_name}: {len(truth['tables'])} tables, "
                  f"{len(truth['indicators'])} indicators, {len(truth['budget_lines'])} budget lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
