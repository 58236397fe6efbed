"""Every target and result string of the seed report, and of the samples' truth, parses to the
kind a reader would give it; the met judgement agrees with the report's own verdicts."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import CORPUS
from normalize import is_met, parse_value

ROOT = Path(__file__).resolve().parents[1]
SEED = CORPUS.parent / "seed" / "hongqiao-2024-unit-self-evaluation.txt"  # ../shared, wherever conftest found it
SAMPLES = ROOT / "samples"

# A plain quantity: [op] number [unit in brackets, %, or a unit word].
PLAIN_QUANTITY = re.compile(r"[=≥>≤<]?\s*[0-9][0-9.,]*\s*(?:\([^()]+\)|%|[^\s0-9]{1,3})?")

# The cells that are not a plain quantity, by their text or its first characters (whitespace
# removed): expected kind, fields, and a piece of the note.
TRICKY = {
    # a count with its breakdown in brackets → the count, the breakdown in note
    "11项（就业困难人员补贴": ("numeric", dict(value=11, unit="项"), "就业困难人员补贴110人"),
    "11项就业补贴发放准确": ("numeric", dict(value=11, unit="项"), "就业补贴发放准确"),
    # several items all at 100 % → one 100 % target, the list in note
    "关爱功臣活动完成质量达标": ("numeric", dict(value=100, unit="%"), "关爱功臣活动"),
    "各项老龄活动质量达标率1": ("numeric", dict(value=100, unit="%"), "各项老龄活动"),
    "各项残疾人补贴发放准确率": ("numeric", dict(value=100, unit="%"), "各项残疾人补贴"),
    "补贴发放准确率100%，": ("numeric", dict(value=100, unit="%"), "癌症俱乐部"),
    "补贴发放及时率100%，": ("numeric", dict(value=100, unit="%"), "未成年人保护"),
    "15万人次": ("numeric", dict(value=15, unit="万人次", base_value=150000, base_unit="人次"), None),
    "不少于100件": ("numeric", dict(op=">=", value=100, unit="件"), None),
    "百分百": ("numeric", dict(value=100, unit="%", op=None), None),
    # lists of different quantities, or prose: no single comparison stands for them
    "招聘会5项：退役军人专场": ("text", {}, None),
    "完成600人次加班费发放，": ("text", {}, None),
    "完成10次关爱功臣活动，完": ("text", {}, None),
    "完成1000人以上老年人关": ("text", {}, None),
    "发放974人次残疾人康复补": ("text", {}, None),
    "养老机构床位补贴应补尽补，": ("text", {}, None),
    # deadlines and schedules: the date words in note
    "11项就业补贴在11月底前": ("deadline", {}, "11月底前"),
    "2024年10月底前": ("deadline", {}, "2024年10月底前"),
    "每月25日前": ("deadline", {}, "每月25日前"),
    "11月前": ("deadline", {}, "11月前"),
    "加班费、伙食补贴按季度发放": ("deadline", {}, "按季度; 年末; 全年; 按月"),
    "按每季度的第一个月准时发放": ("deadline", {}, "按每季度"),
    "按月发放补贴": ("deadline", {}, "按月"),
    "关爱功臣活动、双拥共建活动": ("deadline", {}, "每月10日"),
    "全年（按日完成）": ("deadline", {}, "全年; 按日"),
    "老年人、离退休干部、老干部": ("deadline", {}, "每年1、4、7、10月10日前"),
    "0-16岁儿童康复补贴每半": ("deadline", {}, "每半年"),  # and 0-16 is no range
    # short phrases: judgements
    "合格": ("qualitative", {}, None),
    "根据区级下发目标": ("qualitative", {}, None),
    "无信访": ("qualitative", {}, None),
    "提升": ("qualitative", {}, None),
    "改善": ("qualitative", {}, None),
    "建立健全": ("qualitative", {}, None),
    "有效": ("qualitative", {}, None),
    "健全": ("qualitative", {}, None),
    "无": ("qualitative", {}, None),
    "无100": ("qualitative", dict(value=None), "lenient: 无 100"),
    "为100": ("qualitative", dict(value=None), "lenient: 为 100"),
    # results
    "达成指标": ("qualitative", dict(status="achieved"), None),
    "部分达成指标并具有一定效果": ("qualitative", dict(status="partial"), None),
}


def tricky(text: str) -> tuple | None:
    """The TRICKY entry for a cell: its whole text (whitespace removed), or a prefix of 6+."""
    s = "".join(text.split())
    if s in TRICKY:
        return TRICKY[s]
    prefixes = [k for k in TRICKY if len(k) >= 6 and s.startswith(k)]
    return TRICKY[max(prefixes, key=len)] if prefixes else None


def seed_cells() -> tuple[list[str], list[tuple[str, str, str]]]:
    """(指标目标值 of the 年度分目标 tables, (name, 计划, 完成) of the 指标名称 tables)."""
    targets, pairs, mode = [], [], None
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 4:
            mode = None if line.strip() else mode
            continue
        if cols[3] == "指标目标值":
            mode = "targets"
        elif cols[0] == "指标名称":
            mode = "pairs"
        elif mode == "targets":
            targets.append(cols[3])
        elif mode == "pairs" and (cols[2] or cols[3]):  # not the `平` continuation line
            pairs.append((cols[1], cols[2], cols[3]))
    return targets, pairs


def check_kind(text: str) -> None:
    v = parse_value(text)
    expected = tricky(text)
    if expected is None:
        assert PLAIN_QUANTITY.fullmatch(text.strip()), f"unforeseen cell {text!r}: add it to TRICKY"
        assert v.kind == "numeric", (text, v)
        return
    kind, fields, note = expected
    assert v.kind == kind, (text, v)
    for name, want in fields.items():
        assert getattr(v, name) == want, (text, name, v)
    if note is not None:
        assert v.note is not None and note in v.note, (text, v.note)


needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"seed text not here: {SEED}")


@needs_seed
def test_every_seed_cell_parses_to_its_kind():
    targets, pairs = seed_cells()
    assert len(targets) == 79 and len(pairs) == 82  # what the seed prints
    cells = targets + [c for _, plan, done in pairs for c in (plan, done)]
    for text in cells:
        check_kind(text)
    kinds = [parse_value(t).kind for t in cells]
    # free text only where the cell is prose or a list of different quantities
    assert kinds.count("text") == 6
    assert kinds.count("none") == 0


@needs_seed
def test_seed_met_matches_the_reports_own_verdicts():
    """The report names 受理大厅日常受理量 and 政策知晓率 as missed (三、存在问题); the typed comparison
    finds exactly those, plus 服装 (40 of 47 套), 职工满意度 (90 < 95 %) and the two partial results."""
    _, pairs = seed_cells()
    missed = []
    for name, plan, done in pairs:
        met = is_met(parse_value(plan), parse_value(done))
        assert met is not None, (name, plan, done)  # every pair of the seed can be judged
        if not met:
            missed.append(name)
    assert sorted(missed) == sorted([
        "服装购置清洗计划完成量", "政策知晓度", "受理大厅日常受理量", "职工满意度",
        "提升未成年人保护工作站的服务能力", "提升社会组织发展能力",
    ])


@pytest.mark.parametrize("plan, done, met", [
    ("=47.00(套)", "40.00(套)", False),
    (">80.00(%)", "80.00(%)", False),
    ("=150000.00(人次)", "120000.00(人次)", False),
    (">95.00(%)", "90.00(%)", False),
    (">90.00(%)", "91.00(%)", True),
    ("=100(%)", "100.00(%)", True),
    ("≥460.00(人)", "460.00(人)", True),
    ("=350.00(万)", "350.00(万)", True),
    ("无 100", "达成指标", True),
    ("为 100", "部分达成指标并具有一定效果", False),
    ("百分百", "达成指标", True),
    ("无", "达成指标", True),
])
def test_seed_pairs_named_in_the_brief(plan, done, met):
    assert is_met(parse_value(plan), parse_value(done)) is met


def truth_indicators(name: str) -> list[dict]:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample truth not here: {path}")
    return json.loads(path.read_text(encoding="utf-8"))["indicators"]


def test_sample_seed_truth_cells_parse_to_their_kind():
    """The same seed typeset as a PDF: its truth holds the cell texts as extraction should give
    them (CJK spaces removed, the 改善补助对象生活水/平 row joined)."""
    rows = truth_indicators("hongqiao-2024-unit-self-evaluation.truth.json")
    assert len(rows) == 161
    for row in rows:
        for text in (row["target_raw"], row["actual_raw"]):
            if text is not None:
                check_kind(text)


PROJECT_KINDS = {  # the project sample's cells that are not a plain quantity
    "每月25日前": "deadline", "每月25日前完成": "deadline", "每年1、4、7、10月10日前": "deadline",
    "受理后15个工作日内": "numeric", "控制在区下达指标内": "qualitative", "有效促进": "qualitative",
    "达成预期指标": "qualitative", "部分达成预期指标并具有一定效果": "qualitative",
    "部分达成预期指标，覆盖24个": "qualitative", "按时发放": "qualitative",
    "26000人以上": "numeric", "24小时内": "numeric", "不少于100件": "numeric",
    "不少于190项": "numeric",
}


def test_project_sample_met_agrees_with_the_scores():
    """In the project sample a row scores its full 分值 exactly when its target was met."""
    rows = truth_indicators("project-self-evaluation-2024.truth.json")
    assert len(rows) == 31
    for row in rows:
        target, actual = parse_value(row["target_raw"]), parse_value(row["actual_raw"])
        for text, v in ((row["target_raw"], target), (row["actual_raw"], actual)):
            want = PROJECT_KINDS.get("".join(text.split()))
            if want is None:
                assert PLAIN_QUANTITY.fullmatch(text.strip()), f"unforeseen cell {text!r}"
                want = "numeric"
            assert v.kind == want, (text, v)
        assert is_met(target, actual) is (row["score"] == row["weight"]), row
