"""No value, however printed, sinks a report: every family's rows write to the contract's types.

A printed number of 0 to 8 decimals, signed, with thousands separators or full-width digits, in a
budget table of unknown or known unit, a self-evaluation's funding block and a packed target grid,
goes through normalize and is written as Parquet with the contract's schema (decimal128(20, 2))."""
from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
from hypothesis import HealthCheck, given, settings, strategies as st

from extract.model import Document
from normalize.amounts import fit_value, parse_number
from normalize.document import normalize_document
from pipeline.store import to_arrow
from tables import make_table

_FULL = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@st.composite
def printed_numbers(draw) -> str:
    whole = draw(st.integers(min_value=0, max_value=10 ** 13))
    decimals = draw(st.integers(min_value=0, max_value=8))
    frac = draw(st.integers(min_value=0, max_value=10 ** decimals - 1)) if decimals else 0
    text = f"{whole:,}" if draw(st.booleans()) else str(whole)
    if decimals:
        text += "." + str(frac).zfill(decimals)
    if draw(st.booleans()):
        text = "-" + text
    return text.translate(_FULL) if draw(st.booleans()) else text


def _tables(number: str, unit: str | None):
    budget = make_table([["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                         ["201", "一般公共服务支出", number, number, "0"],
                         ["20101", "人大事务", number, number, "0"]],
                        title="一般公共预算支出表", unit=unit, page=1)
    funding = make_table([["项目名称", "某项目", "", "", ""],
                          ["资金", "年初预算数", "全年预算数", "全年执行数", "执行率"],
                          ["年度资金总额", number, number, number, "100%"]],
                         spans={(0, 1): (1, 4)}, title="项目支出绩效自评表", page=2)
    packed = make_table([["项目名称", "总计", "财政拨款", "绩效目标", "绩效指标"],
                         ["某项目", number, number, "目标",
                          "1、1-产出指标；11-数量指标；培训人次；年度指标值:≥" + number.lstrip("-") + "人次。"]],
                        title="项目支出绩效目标表", page=3)
    return [budget, funding, packed]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=printed_numbers(), unit=st.sampled_from([None, "元", "万元", "亿元"]))
def test_every_family_writes_any_printed_number(number, unit):
    doc = Document(path="x.pdf", page_count=3, tables=_tables(number, unit))
    rows = normalize_document(doc, {"report_id": "r", "source_path": "x.pdf"})
    assert len(rows.budget_lines) > 0
    for dataset, frame in (("budget_lines", rows.budget_lines), ("indicators", rows.indicators),
                           ("headlines", rows.headlines)):
        table = to_arrow(dataset, frame)  # raises if a value does not fit the contract's type
        assert isinstance(table, pa.Table)
    printed = parse_number(number)
    lines = rows.budget_lines
    mine = lines[(lines.code == "201") & (lines.measure_path == "合计")]
    if len(mine):  # the amount is the printed one, to the fen, at the table's unit
        scale = {"元": 1, "万元": 10000, "亿元": 100000000}.get(unit, 1)
        assert mine.value.iloc[0] == fit_value(printed * scale)
        assert (mine.unit.iloc[0] == "元") if unit else mine.unit.isna().all()


def test_values_beyond_the_column_are_null_not_a_failed_report():
    assert fit_value(Decimal("1e30")) is None
    assert fit_value(Decimal("12.345678")) == Decimal("12.35")
    assert fit_value(Decimal("-0.004")) == Decimal("0.00")


def test_a_numbered_indicator_name_lands_with_its_number():
    """`指标N：` names are kept as printed, and N lands in indicators.name_number (int32)."""
    t = make_table([["一级指标", "二级指标", "三级指标", "指标值"],
                    ["产出指标", "数量指标", "指标1：开展培训", "≥2次"],
                    ["产出指标", "数量指标", "指标2：印发资料", "≥100份"]], title="部门整体支出绩效目标表")
    rows = normalize_document(Document(path="x.pdf", page_count=1, tables=[t]), {"report_id": "r"})
    table = to_arrow("indicators", rows.indicators)
    assert table.column("name").to_pylist() == ["指标1：开展培训", "指标2：印发资料"]
    assert table.column("name_number").to_pylist() == [1, 2]
