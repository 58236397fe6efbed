"""The whole path on the generated samples, compared with the truth written next to them."""
import json
from collections import Counter
from decimal import Decimal

import pdfplumber
import pytest

from extract.cell_text import tighten
from pipeline.process import process

FIELDS = ["section", "level1", "level2", "name", "target_raw", "actual_raw"]


def _truth(pdf):
    return json.loads(pdf.with_name(pdf.stem + ".truth.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def seed(seed_pdf):
    return process(seed_pdf), _truth(seed_pdf)


@pytest.fixture(scope="module")
def project(project_pdf):
    return process(project_pdf), _truth(project_pdf)


def _records(df, fields):
    return [tuple(None if v != v else v for v in row) for row in df[fields].itertuples(index=False)]


def _truth_records(truth, fields):
    """The truth's rows as the pipeline writes them: the free-text cells hold the text as
    typed (`完成 600 人次`); the pipeline drops spaces beside CJK characters (see tighten)."""
    raw = {"target_raw", "actual_raw", "deviation_note"}
    return [tuple(tighten(i[f]) if f in raw and i[f] else i[f] for f in fields) for i in truth["indicators"]]


def _assert_same_rows(got, want):
    assert len(got) == len(want)
    assert [g for g, w in zip(got, want) if g != w] == []


def test_seed_report_metadata(seed):
    result, truth = seed
    r = result.report
    assert r["status"] == "ok", r.get("error")
    assert (r["unit_name"], r["fiscal_year"], r["report_kind"]) == (
        truth["unit_name"], truth["fiscal_year"], truth["report_kind"])
    assert r["text_source"] == "text"


def test_seed_indicator_rows_match_the_truth(seed):
    result, truth = seed
    got = _records(result.rows.indicators, FIELDS)
    want = _truth_records(truth, FIELDS)
    assert len(got) == len(want) == 79 + 82
    _assert_same_rows(got, want)
    assert "改善补助对象生活水平" in result.rows.indicators.name.values
    assert "平" not in result.rows.indicators.name.values


def test_seed_budget_lines_are_exact(seed):
    result, truth = seed
    lines = result.rows.budget_lines
    got = {(r.line_label, r.measure): (r.value, r.unit, r.line_group, r.line_item)
           for r in lines.itertuples()}
    want = {(b["line_label"], b["measure"]): (Decimal(b["value"]), b["unit"], b["line_group"],
                                              b["line_item"]) for b in truth["budget_lines"]}
    assert len(lines) == 12
    assert got == want


def test_seed_met_is_false_for_exactly_the_missed_numeric_targets(seed):
    ind = seed[0].rows.indicators
    numeric = ind[(ind.target_kind == "numeric") & (ind.actual_kind == "numeric")]
    assert len(numeric) > 50
    assert sorted(numeric[numeric.met == False].name) == sorted(  # noqa: E712
        ["服装购置清洗计划完成量", "政策知晓度", "受理大厅日常受理量", "职工满意度"])
    partial = ind[ind.actual_raw.fillna("").str.startswith("部分达成")]
    assert len(partial) == 2
    assert set(partial.actual_status) == {"partial"} and not partial.met.any()


def _printed(pdf, page: int, box: tuple) -> str:
    """The glyphs pdfplumber finds inside a box of a page (PDF points, top-left origin), no spaces."""
    x0, top, x1, bottom = box
    found = pdf.pages[int(page) - 1].within_bbox((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5))
    return "".join((found.extract_text() or "").split())


def _box(row) -> tuple:
    return (row.x0, row.top, row.x1, row.bottom)


@pytest.fixture(scope="module")
def seed_page_text(seed, seed_pdf):
    """The glyphs inside each indicator row's box, and inside each budget line's box."""
    rows = seed[0].rows
    with pdfplumber.open(seed_pdf) as pdf:
        inside = [_printed(pdf, r.page, _box(r)) for r in rows.indicators.itertuples()]
        lines = [_printed(pdf, r.page, _box(r)) for r in rows.budget_lines.itertuples()]
    return inside, lines


def test_seed_every_row_is_traceable_to_its_page_and_box(seed, seed_page_text):
    result, _ = seed
    inside, lines = seed_page_text
    # a budget line's box holds exactly its printed figure
    assert [raw.replace(" ", "") for raw in result.rows.budget_lines.raw] == lines
    # an indicator row's box holds its name, target and result as printed
    split = []
    for row, text in zip(result.rows.indicators.itertuples(), inside):
        printed = "".join("".join(t.split()) for t in (row.name, row.target_raw, row.actual_raw)
                          if isinstance(t, str))
        missing = Counter(printed) - Counter(text)  # cells wrap, so their lines interleave
        if missing:
            split.append((row.name, row.page, "".join(missing.elements())))
    # but the one row a page break cuts: its box is on its first page (p.10), 平 is on p.11
    assert split == [("改善补助对象生活水平", 10, "平")]
    cells = result.rows.cells
    assert cells.page.between(1, result.report["page_count"]).all()


def test_seed_indicator_boxes_hold_only_their_own_row(seed, seed_page_text):
    """The box of a row holds no glyph of another row: only its own cells' text (and that of
    merged label cells covering it)."""
    result, _ = seed
    inside, _ = seed_page_text
    cells = result.rows.cells
    foreign = []
    for row, text in zip(result.rows.indicators.itertuples(), inside):
        own = cells[(cells.table_id == row.table_id) & (cells.row <= row.row)
                    & (cells.row + cells.row_span > row.row)]
        extra = Counter(text) - Counter("".join("".join(t.split()) for t in own.text.dropna()))
        if extra:
            foreign.append((row.page, row.name))
    assert foreign == []


def test_seed_checks_all_pass(seed):
    result, _ = seed
    errors = [c for c in result.checks if c.severity == "error" and not c.passed]
    assert errors == []
    names = {c.check for c in result.checks}
    assert {"budget.execution_rate"} <= names


def test_project_sample_indicators_and_funding(project):
    result, truth = project
    fields = ["project", "level1", "level2", "name", "target_raw", "actual_raw", "weight",
              "score", "deviation_note"]
    got = _records(result.rows.indicators, fields)
    want = _truth_records(truth, fields)
    _assert_same_rows(got, want)
    lines = result.rows.budget_lines
    funding = lines[lines.line_label != "总分"]
    got = {(r.project, r.line_label, r.measure): (r.value, r.unit) for r in funding.itertuples()}
    want = {(b["project"], b["line_label"], b["measure"]): (Decimal(b["value"]), b["unit"])
            for b in truth["budget_lines"]}
    assert got == want


def test_project_sample_lands(project):
    result, truth = project
    assert result.report["report_kind"] == "project_self_evaluation"
    assert result.report["fiscal_year"] == truth["fiscal_year"]
    failed = [c for c in result.checks if c.severity == "error" and not c.passed]
    assert failed == [], failed


def _seed_pairs_with_level2() -> list[tuple[str, str]]:
    """(二级指标, 指标名称) of the seed's 计划/完成 tables, the 二级 label carried down as printed."""
    from conftest import CORPUS

    seed = CORPUS.parent / "seed" / "hongqiao-2024-unit-self-evaluation.txt"
    level2, in_pairs, out = None, False, []
    for line in seed.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 4:
            continue
        if cols[0] == "指标名称" or cols[3] == "指标目标值":
            in_pairs = cols[0] == "指标名称"
            continue
        if in_pairs:
            level2 = cols[0] or level2
            out.append((level2, cols[1]))
    return out


def test_seed_rates_filed_under_timeliness_are_warnings(seed):
    """The publisher filed accuracy and pass rates (准确率, 合格率) under 时效指标 in its 计划/完成
    table: each is one warning naming the row; nothing blocks the report."""
    result, _ = seed
    misfiled = [name for level2, name in _seed_pairs_with_level2()
                if level2 == "时效指标" and name.endswith(("准确率", "合格率"))]
    assert misfiled == ["福利费发放准确率", "服装验收合格率", "和谐贡献奖发放准确率",
                        "各类社会保障补贴发放准确率", "特困医疗补助发放准确率", "岗位补贴发放准确率"]
    warned = [c for c in result.checks if c.check == "indicator.level2_matches_name"]
    assert [c.observed for c in warned] == [f"时效指标: {name}" for name in misfiled]
    assert all(c.severity == "warning" and not c.passed and not c.blocking for c in warned)
    assert [c.page for c in warned] == [9, 9, 10, 10, 10, 10]  # the 计划/完成 table (p.5 files them under 质量指标)
    assert result.report["status"] == "ok"
