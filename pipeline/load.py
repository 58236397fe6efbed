"""Read an output folder back as analysts want it: `from pipeline import load`.

    load.indicators("outputs", year=2024, unit="虹桥镇")
    load.budget_lines("outputs", money="decimal")
    load.headlines("outputs", wide=True)  # one row per report, one column per headline item
    con = load.duckdb("outputs"); con.sql("SELECT * FROM indicators")

Every loader returns a pandas DataFrame with the contract's columns (normalize.rows.SCHEMAS) in
nullable dtypes (string, Int32, Float64, boolean), `fiscal_year` as an integer (Int16; the
`fiscal_year=0` partition of year-unknown reports reads as <NA>), level1/level2 and a few other
low-cardinality labels as categoricals, plus two columns of our own: `quarantined` (the row comes
from OUT/quarantine/) and, outside `reports`, the report's `unit_name`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from normalize.rows import SCHEMAS

DATASETS = ("reports", "tables", "cells", "indicators", "budget_lines", "headlines", "checks")
MONEY = ("float", "decimal")


@dataclass(frozen=True)
class LoadSettings:
    # Labels an analyst groups by: categoricals make groupby and plots cheap and ordered.
    categorical: tuple[str, ...] = ("level1", "level2", "target_kind", "actual_kind",
                                    "actual_status", "measure", "unit", "severity", "status",
                                    "report_kind", "text_source", "kind", "check")
    quarantine_dir: str = "quarantine"


SETTINGS = LoadSettings()

# Arrow type → pandas nullable dtype; decimals are handled by `money`, timestamps stay as they are.
_NULLABLE = {
    pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
    pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(), pa.float32(): pd.Float32Dtype(), pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _file_schema(dataset: str) -> pa.Schema:
    """What one Parquet file holds: the contract's columns without the partition column."""
    schema = SCHEMAS[dataset]
    if "fiscal_year" in schema.names:
        schema = schema.remove(schema.get_field_index("fiscal_year"))
    return schema


def _years(year: int | Iterable[int] | None) -> list[int] | None:
    if year is None:
        return None
    return [int(year)] if isinstance(year, (int, str)) else [int(y) for y in year]


def _read_root(root: Path, dataset: str, years: list[int] | None) -> pa.Table:
    """One dataset under one root (OUT or OUT/quarantine) as Arrow, year-filtered on the folders.

    Reading with the contract's schema makes files written before a column was added read that
    column as null instead of failing; hidden temp files (`.<name>.*.tmp`) are skipped by pyarrow.
    """
    schema = _file_schema(dataset).append(pa.field("fiscal_year", pa.int32()))
    base = root / dataset
    if not base.is_dir() or not any(base.rglob("*.parquet")):
        return schema.empty_table()
    part = ds.partitioning(pa.schema([("fiscal_year", pa.int32())]), flavor="hive")
    data = ds.dataset(base, format="parquet", schema=schema, partitioning=part)
    flt = ds.field("fiscal_year").isin(years) if years is not None else None
    return data.to_table(filter=flt)


def _to_pandas(table: pa.Table, money: str, settings: LoadSettings) -> pd.DataFrame:
    for i, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type) and money == "float":
            table = table.set_column(i, field.name, pc.cast(table[field.name], pa.float64()))
    df = table.to_pandas(types_mapper=_NULLABLE.get)
    df["fiscal_year"] = df["fiscal_year"].astype("Int16").mask(df["fiscal_year"] == 0)
    for col in settings.categorical:
        if col in df.columns:
            df[col] = df[col].astype("category")
    return df


def _unit_names(out: Path, include_quarantined: bool) -> pd.DataFrame:
    roots = [out] + ([out / SETTINGS.quarantine_dir] if include_quarantined else [])
    tables = [_read_root(r, "reports", None).select(["report_id", "unit_name"]) for r in roots]
    names = pa.concat_tables(tables).to_pandas(types_mapper=_NULLABLE.get)
    return names.drop_duplicates("report_id")


def read(dataset: str, out: str | Path = "outputs", year: int | Iterable[int] | None = None,
         unit: str | None = None, money: str = "float", include_quarantined: bool = False,
         settings: LoadSettings = SETTINGS) -> pd.DataFrame:
    """One dataset as a DataFrame. `year`: one year or several; `unit`: part of the unit's name
    (reports.unit_name, e.g. "虹桥镇"); `money`: budget_lines.value as float (yuan or %) or as
    exact `decimal.Decimal`; `include_quarantined` adds OUT/quarantine/'s rows (see `quarantined`)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; one of {', '.join(DATASETS)}")
    if money not in MONEY:
        raise ValueError(f"money must be 'float' or 'decimal', not {money!r}")
    out = Path(out)
    years = _years(year)
    parts = []
    for root, quarantined in [(out, False)] + ([(out / settings.quarantine_dir, True)]
                                                if include_quarantined else []):
        t = _read_root(root, dataset, years)
        parts.append(t.append_column("quarantined", pa.array([quarantined] * len(t), pa.bool_())))
    df = _to_pandas(pa.concat_tables(parts), money, settings)
    if dataset != "reports":
        names = _unit_names(out, include_quarantined)
        df = df.merge(names, on="report_id", how="left")
        df["unit_name"] = df["unit_name"].astype("category")
    if unit is not None:
        df = df[df["unit_name"].astype("string").str.contains(unit, regex=False, na=False)]
    return df.reset_index(drop=True)


def reports(out="outputs", year=None, unit=None, money="float", include_quarantined=False):
    return read("reports", out, year, unit, money, include_quarantined)


def tables(out="outputs", year=None, unit=None, money="float", include_quarantined=False):
    return read("tables", out, year, unit, money, include_quarantined)


def cells(out="outputs", year=None, unit=None, money="float", include_quarantined=False):
    return read("cells", out, year, unit, money, include_quarantined)


def indicators(out="outputs", year=None, unit=None, money="float", include_quarantined=False):
    return read("indicators", out, year, unit, money, include_quarantined)


def budget_lines(out="outputs", year=None, unit=None, money="float", include_quarantined=False):
    return read("budget_lines", out, year, unit, money, include_quarantined)


def checks(out="outputs", year=None, unit=None, money="float", include_quarantined=False):
    return read("checks", out, year, unit, money, include_quarantined)


def headlines(out="outputs", year=None, unit=None, money="float", include_quarantined=False,
              wide: bool = False, period: str = "budget_year"):
    """The headline figures (one row per report and item), or with `wide=True` one row per report
    and one column per item (normalize.headlines.ITEMS order, items no report prints left out),
    for `period` (budget_year, or prior_year where tables print the year before too), beside the
    report's unit_name, fiscal_year and report_kind:

        load.headlines("outputs", wide=True)[["unit_name", "three_public_total", "basic_expenditure"]]
    """
    long = read("headlines", out, year, unit, money, include_quarantined)
    if not wide:
        return long
    from normalize.headlines import ITEMS

    keys = ["report_id", "unit_name", "fiscal_year", "quarantined"]
    reports = read("reports", out, year, unit, money, include_quarantined)
    reports = reports[["report_id", "unit_name", "fiscal_year", "report_kind", "quarantined"]]
    rows = long[long["period"] == period]
    if len(rows):
        table = rows.drop_duplicates(["report_id", "item"]).pivot(index="report_id", columns="item",
                                                                   values="value")
        table.columns = [str(c) for c in table.columns]
    else:
        table = pd.DataFrame(index=pd.Index([], name="report_id", dtype="string"))
    items = [i for i in ITEMS if i in table.columns]
    wide_rows = reports[reports["report_id"].isin(long["report_id"])].merge(
        table[items].reset_index(), on="report_id", how="left")
    wide_rows["unit_name"] = wide_rows["unit_name"].astype("string")
    return wide_rows[[*keys[:3], "report_kind", "quarantined", *items]].reset_index(drop=True)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def duckdb(out: str | Path = "outputs", include_quarantined: bool = False):
    """A DuckDB connection (in memory) with a view per dataset over the Parquet files, so
    `SELECT * FROM indicators` works; `quarantined` says where a row came from. DuckDB is imported
    here only: it is an optional dependency (the `test` and `notebook` extras)."""
    import duckdb as _duckdb

    out = Path(out)
    con = _duckdb.connect()
    for dataset in DATASETS:
        selects = []
        for root, quarantined in [(out, False)] + ([(out / SETTINGS.quarantine_dir, True)]
                                                    if include_quarantined else []):
            base = root / dataset
            if base.is_dir() and any(base.rglob("*.parquet")):
                selects.append(f"SELECT *, {str(quarantined).lower()} AS quarantined FROM read_parquet("
                               f"{_sql_path(base / '**' / '*.parquet')}, hive_partitioning = true,"
                               f" union_by_name = true)")
        if selects:
            con.execute(f"CREATE VIEW {dataset} AS " + " UNION ALL BY NAME ".join(selects))
        else:  # no files yet: an empty view with the contract's columns, so queries still parse
            empty = _file_schema(dataset).append(pa.field("fiscal_year", pa.int32())) \
                .append(pa.field("quarantined", pa.bool_())).empty_table()
            con.register(f"_{dataset}_empty", empty)
            con.execute(f"CREATE VIEW {dataset} AS SELECT * FROM _{dataset}_empty")
    return con
