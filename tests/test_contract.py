"""Every dataset of a real ingest has the columns and types ../shared/CONTRACT.md promises.

The contract's tables are parsed here (column | type | meaning), so a column the contract adds,
renames or retypes fails this test until the pipeline writes it. Every Parquet file of every
dataset is read, landed and quarantined, and `fiscal_year` as the hive partition a reader sees."""
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import regex

from conftest import CORPUS, SAMPLES, corpus_pdf
from pipeline.cli import main
from pipeline.store import DATASETS

CONTRACT = CORPUS.parent / "CONTRACT.md"
TYPES = {
    "string": pa.string(), "int16": pa.int16(), "int32": pa.int32(), "float64": pa.float64(),
    "bool": pa.bool_(), "timestamp[us, UTC]": pa.timestamp("us", tz="UTC"),
    "decimal128(20,2)": pa.decimal128(20, 2),
}
INPUTS = [  # every report kind the corpus has a cheap example of, and one file that fails
    SAMPLES / "hongqiao-2024-unit-self-evaluation.pdf",
    SAMPLES / "project-self-evaluation-2024.pdf",
    "putuo-2024-finance-bureau-final-accounts.pdf",  # quarantined: the publisher's own errors
    "jiangsu-2019-party-office-budget-tables.pdf",
    "real/ningde-2024-government-office-unit-self-evaluation-form.pdf",
    "real/guangzhou-2026-data-bureau-unit-performance-targets.pdf",
]


def contract_columns(text: str) -> dict[str, dict[str, pa.DataType | None]]:
    """dataset → column → type, from the `### <dataset>` tables; `tables` and `cells` list their
    columns in prose, without types (None)."""
    out: dict[str, dict] = {}
    seen: dict[str, pa.DataType] = {}  # for rows typed "as above"
    for section in regex.split(r"(?m)^### ", text)[1:]:
        heading, body = section.split("\n", 1)
        if heading.startswith("tables and cells"):
            for name, cols in regex.findall(r"`(tables|cells)`: one row per [^(]*\(([^)]*)\)", body):
                out[name] = {c.strip(): None for c in cols.split(",")}
            continue
        name = heading.split()[0]
        columns = {}
        for line in body.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2 or cells[0] in ("column", "") or set(cells[0]) <= set("-"):
                continue
            for col in regex.split(r"\s*[/,]\s*", cells[0]):
                kind = TYPES.get(cells[1]) if cells[1] else seen[col]
                assert kind is not None, f"{name}.{col}: unknown contract type {cells[1]!r}"
                columns[col] = seen.setdefault(col, kind)
        out[name] = columns
    return out


@pytest.fixture(scope="module")
def contract() -> dict:
    return contract_columns(CONTRACT.read_text(encoding="utf-8"))


def test_the_contract_parses_into_every_dataset(contract):
    assert sorted(contract) == sorted(DATASETS)
    assert contract["reports"]["fiscal_year"] == pa.int16()
    assert contract["reports"]["total_score"] == pa.float64() and contract["reports"]["grade"] == pa.string()
    assert contract["indicators"]["period_target_raw"] == pa.string()
    assert contract["budget_lines"]["value"] == pa.decimal128(20, 2)
    assert contract["budget_lines"]["page"] == pa.int32()  # "as above"
    assert contract["indicators"]["actual_base_value"] == pa.float64()  # "a / b" rows
    assert list(contract["cells"]) == ["report_id", "table_id", "row", "col", "text", "page", "x0",
                                       "top", "x1", "bottom", "row_span", "col_span"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("in")
    for src in INPUTS:
        path = src if isinstance(src, Path) else corpus_pdf(src)
        shutil.copy(path, inbox / path.name)
    (inbox / "empty.pdf").write_bytes(b"")
    out = tmp_path_factory.mktemp("out")
    assert main(["ingest", str(inbox), "--out", str(out), "--workers", "2", "--no-progress"]) == 1
    return out


def _files(out: Path, dataset: str) -> list[Path]:
    return sorted(p for root in (out, out / "quarantine") for p in (root / dataset).glob("fiscal_year=*/*.parquet"))


@pytest.mark.slow
@pytest.mark.parametrize("dataset", DATASETS)
def test_every_file_of_every_dataset_has_the_contract_columns_and_types(ingested, contract, dataset):
    files = _files(ingested, dataset)
    assert len(files) >= 6, files  # one per report that has rows: landed and quarantined alike
    year = ds.partitioning(pa.schema([("fiscal_year", pa.int16())]), flavor="hive")
    for root in (ingested, ingested / "quarantine"):
        if not (root / dataset).is_dir():
            continue
        table = ds.dataset(root / dataset, format="parquet", partitioning=year).to_table()
        for col, kind in contract[dataset].items():
            assert col in table.column_names, f"{dataset}.{col} missing"
            if kind is not None:
                assert table.schema.field(col).type == kind, (dataset, col, table.schema.field(col).type)
    # every file has one schema (the partition column is in the path, never in the file)
    schemas = {str(pq.read_schema(p).remove_metadata()) for p in files}
    assert len(schemas) == 1
    assert "fiscal_year" not in pq.read_schema(files[0]).names


def _read(out: Path, dataset: str):
    """A dataset, landed and quarantined, as pandas (fiscal_year from the path)."""
    import pandas as pd

    frames = [ds.dataset(root / dataset, format="parquet", partitioning="hive").to_table().to_pandas()
              for root in (out, out / "quarantine") if (root / dataset).is_dir()]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.slow
def test_the_new_report_and_indicator_columns_carry_printed_values(ingested):
    reports = _read(ingested, "reports")
    by_name = reports.set_index(reports.source_path.map(lambda p: Path(p).name))
    assert len(by_name) == len(INPUTS) + 1 and by_name.loc["empty.pdf", "status"] == "failed"
    # the Ningde form prints 总分值、评价总分(S) 92.33 and 评价等级 优（S≥90）
    ningde = by_name.loc["ningde-2024-government-office-unit-self-evaluation-form.pdf"]
    assert (ningde.total_score, ningde.grade) == (92.33, "优")
    # the Guangzhou target form prints 实施周期指标值 beside 年度指标值 on all 21 indicator rows of p.2
    indicators = _read(ingested, "indicators")
    gz = indicators[indicators.report_id == by_name.loc[
        "guangzhou-2026-data-bureau-unit-performance-targets.pdf", "report_id"]]
    assert len(gz) == 6 + 2 + 2 + 7 + 2 + 2 and gz.period_target_raw.notna().all()
    assert gz.iloc[0][["name", "period_target_raw"]].tolist() == ["提出“十五五”规划任务举措数量（条）", "≥20"]
    # where a form prints no 实施周期 column the column is null, not a copy of the target
    seed = indicators[indicators.report_id == by_name.loc["hongqiao-2024-unit-self-evaluation.pdf", "report_id"]]
    assert len(seed) == 161 and seed.period_target_raw.isna().all()
