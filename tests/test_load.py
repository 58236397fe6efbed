"""pipeline.load on a real output folder: the seed sample landed, and the same sample with one
wrong 执行数 (tests/pdf_edit.py) quarantined beside it."""
import json
from decimal import Decimal

import pandas as pd
import pytest

from pdf_edit import replace_text
from pipeline import load
from pipeline.cli import main

WRONG_OLD, WRONG_NEW = "257,394,820.86", "257,394,000.86"  # seed p.9, the table's cell (match 1)


@pytest.fixture(scope="module")
def out(seed_pdf, tmp_path_factory):
    root = tmp_path_factory.mktemp("load")
    wrong = root / "in" / "hongqiao-wrong.pdf"
    wrong.parent.mkdir()
    replace_text(seed_pdf, wrong, 9, WRONG_OLD, WRONG_NEW, occurrence=1)
    out = root / "out"
    code = main(["ingest", str(seed_pdf), str(wrong), "--out", str(out), "--workers", "1",
                 "--no-progress"])
    assert code == 1  # the wrong one is quarantined
    return out


@pytest.fixture(scope="module")
def n_landed(out):
    """Indicator rows as plain pandas reads the files: what every loader must agree with."""
    n = len(pd.read_parquet(out / "indicators"))
    assert n > 100  # the seed has 150-odd indicator rows over four tables
    return n


@pytest.fixture(scope="module")
def truth(seed_pdf):
    return json.loads(seed_pdf.with_name(seed_pdf.stem + ".truth.json").read_text("utf-8"))


def test_indicators_are_the_landed_seed_with_nullable_and_categorical_dtypes(out, truth, n_landed):
    ind = load.indicators(out)
    assert len(ind) == n_landed
    assert ind.report_id.nunique() == 1 and not ind.quarantined.any()
    assert isinstance(ind.level1.dtype, pd.CategoricalDtype)
    assert isinstance(ind.level2.dtype, pd.CategoricalDtype)
    assert set(ind.level1.cat.categories) >= {"产出指标", "效益指标"}
    assert ind.fiscal_year.dtype == "Int16" and set(ind.fiscal_year) == {2024}
    assert ind.met.dtype == "boolean" and ind.target_value.dtype == "Float64"
    assert ind.page.dtype == "Int32" and ind.name.dtype == "string"
    assert set(ind.unit_name) == {truth["unit_name"]}
    # nullable: a target declaration row has no actual, and reads as <NA>, not NaN or None
    assert ind.actual_raw.isna().sum() > 0 and ind.actual_raw.dtype == "string"


def test_quarantined_rows_only_on_request(out, n_landed):
    landed = load.indicators(out)
    both = load.indicators(out, include_quarantined=True)
    assert len(landed) == n_landed and len(both) == 2 * n_landed  # the edit touched no indicator
    assert both.quarantined.sum() == n_landed
    reports = load.reports(out, include_quarantined=True)
    assert sorted(reports.status) == ["ok", "quarantined"]
    assert (reports.quarantined == (reports.status == "quarantined")).all()
    assert list(load.reports(out).status) == ["ok"]


def test_money_as_float_or_exact_decimal(out, truth):
    def project_spent(lines):
        row = lines[(lines.line_item == "项目支出") & (lines.measure == "全年执行数")]
        return dict(zip(row.quarantined, row.value))

    floats = load.budget_lines(out, include_quarantined=True)
    assert floats.value.dtype == "Float64"
    assert project_spent(floats) == {False: pytest.approx(257394820.86), True: pytest.approx(257394000.86)}
    exact = load.budget_lines(out, money="decimal", include_quarantined=True)
    assert project_spent(exact) == {False: Decimal("257394820.86"), True: Decimal("257394000.86")}
    landed = load.budget_lines(out, money="decimal")
    want = {(b["line_label"], b["measure"]): Decimal(b["value"]) for b in truth["budget_lines"]}
    assert dict(zip(zip(landed.line_label, landed.measure), landed.value)) == want
    with pytest.raises(ValueError, match="money must be"):
        load.budget_lines(out, money="yuan")


def test_year_and_unit_filters(out, n_landed):
    assert len(load.checks(out, year=2024)) == len(load.checks(out)) > 0
    none = load.indicators(out, year=2023)
    assert none.empty and list(none.columns) == list(load.indicators(out).columns)
    assert none.level1.dtype == "category" and none.fiscal_year.dtype == "Int16"
    assert len(load.indicators(out, year=[2023, 2024])) == n_landed
    assert len(load.indicators(out, unit="虹桥镇")) == n_landed
    assert load.indicators(out, unit="普陀区").empty


def test_cells_and_tables_trace_an_indicator_to_its_cell(out):
    ind = load.indicators(out)
    cells = load.cells(out)
    tables = load.tables(out)
    assert set(ind.table_id) <= set(tables.table_id)
    first = ind.iloc[0]
    row = cells[(cells.table_id == first.table_id) & (cells.row == first.row)]
    assert first["name"] in "".join(row.text.dropna()).replace(" ", "")


def test_duckdb_views_match_the_pandas_loaders(out, n_landed):
    con = load.duckdb(out)
    assert con.execute("SELECT count(*) FROM indicators").fetchone()[0] == n_landed
    assert con.execute("SELECT count(*) FROM budget_lines").fetchone()[0] == len(load.budget_lines(out))
    spent = con.execute("""SELECT b.value FROM budget_lines b JOIN reports r USING (report_id)
                       WHERE b.line_item = '项目支出' AND b.measure = '全年执行数'""").fetchall()
    assert spent == [(Decimal("257394820.86"),)]
    both = load.duckdb(out, include_quarantined=True)
    assert both.execute("SELECT quarantined, count(*) FROM indicators GROUP BY 1 ORDER BY 1").fetchall() \
        == [(False, n_landed), (True, n_landed)]


def test_an_empty_folder_reads_as_empty_frames_and_views(tmp_path):
    for name in load.DATASETS:
        df = load.read(name, tmp_path)
        assert df.empty and "report_id" in df.columns
    assert load.duckdb(tmp_path).execute("SELECT count(*) FROM checks").fetchone()[0] == 0
    with pytest.raises(ValueError, match="unknown dataset"):
        load.read("rows", tmp_path)


def test_a_file_written_before_a_column_existed_reads_it_as_null(out, tmp_path, n_landed):
    """The contract lets columns be added: files an older version wrote must still load."""
    import shutil

    import pyarrow.parquet as pq

    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (path,) = (copy / "indicators").rglob("*.parquet")
    old = pq.read_table(path)
    pq.write_table(old.drop_columns(["deviation_note", "weight"]), path)
    ind = load.indicators(copy)
    assert len(ind) == n_landed
    assert ind.deviation_note.isna().all() and ind.weight.isna().all()
    assert ind.weight.dtype == "Float64" and ind.deviation_note.dtype == "string"
    assert (ind.name == load.indicators(out).name).all()


def test_headlines_long_and_wide(out):
    heads = load.headlines(out, include_quarantined=True)
    assert {"item", "value", "period", "source", "agrees", "unit_name", "quarantined"} <= set(heads.columns)
    assert heads.value.dtype == "Float64" and heads.agrees.dtype == "boolean"
    # the seed is a unit self-evaluation: its execution rate and total score
    landed = load.headlines(out)
    assert set(landed.item) >= {"budget_execution_rate"}
    wide = load.headlines(out, wide=True, include_quarantined=True)
    assert len(wide) == heads.report_id.nunique() and wide.report_id.is_unique
    assert list(wide.columns[:5]) == ["report_id", "unit_name", "fiscal_year", "report_kind", "quarantined"]
    assert "budget_execution_rate" in wide.columns
    exact = load.headlines(out, wide=True, money="decimal")
    assert all(isinstance(v, Decimal) for v in exact.budget_execution_rate.dropna())
    con = load.duckdb(out)
    n = con.execute("SELECT count(*) FROM headlines").fetchone()[0]
    assert n == len(landed)
