"""The typed rows of one report, still in memory: what normalize/ hands to validate/ and pipeline/.

Column names and types follow ../shared/CONTRACT.md; `SCHEMAS` is the single source of both.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from normalize.amounts import fit_value

_BOX = [("page", pa.int32()), ("x0", pa.float64()), ("top", pa.float64()),
        ("x1", pa.float64()), ("bottom", pa.float64())]

SCHEMAS: dict[str, pa.Schema] = {
    "reports": pa.schema([
        ("report_id", pa.string()), ("source_path", pa.string()), ("file_sha256", pa.string()),
        ("page_count", pa.int32()), ("title", pa.string()), ("unit_name", pa.string()),
        ("fiscal_year", pa.int16()), ("report_kind", pa.string()), ("text_source", pa.string()),
        ("status", pa.string()), ("error", pa.string()), ("warnings", pa.string()),
        ("pipeline_version", pa.string()), ("ingested_at", pa.timestamp("us", tz="UTC")),
        ("n_tables", pa.int32()), ("n_indicators", pa.int32()), ("n_budget_lines", pa.int32()),
        ("n_checks_failed", pa.int32()), ("seconds", pa.float64()),
        ("total_score", pa.float64()), ("grade", pa.string()),
    ]),
    "tables": pa.schema([
        ("report_id", pa.string()), ("table_id", pa.string()), ("title", pa.string()),
        ("section", pa.string()), ("kind", pa.string()), ("strategy", pa.string()),
        ("unit", pa.string()), ("page_start", pa.int32()), ("page_end", pa.int32()),
        ("n_rows", pa.int32()), ("n_cols", pa.int32()),
        # what normalize decided (JSON): blocks with their rows and columns, 行次 columns, 栏次 rows
        ("blocks", pa.string()), ("row_number_cols", pa.string()), ("column_number_rows", pa.string()),
    ]),
    "cells": pa.schema([
        ("report_id", pa.string()), ("table_id", pa.string()), ("row", pa.int32()),
        ("col", pa.int32()), ("text", pa.string()), *_BOX,
        ("row_span", pa.int32()), ("col_span", pa.int32()), ("confidence", pa.float64()),
    ]),
    "indicators": pa.schema([
        ("report_id", pa.string()), ("table_id", pa.string()), ("row", pa.int32()),
        ("section", pa.string()), ("project", pa.string()),
        ("level1", pa.string()), ("level2", pa.string()), ("name", pa.string()),
        ("name_number", pa.int32()),  # N of a name printed 指标N：…, which keeps its number as printed
        ("target_raw", pa.string()), ("period_target_raw", pa.string()), ("actual_raw", pa.string()),
        ("target_combined", pa.string()),
        ("target_op", pa.string()), ("target_value", pa.float64()), ("target_upper", pa.float64()),
        ("target_unit", pa.string()), ("target_base_value", pa.float64()),
        ("target_kind", pa.string()), ("target_note", pa.string()),
        ("actual_op", pa.string()), ("actual_value", pa.float64()), ("actual_unit", pa.string()),
        ("actual_base_value", pa.float64()), ("actual_kind", pa.string()),
        ("actual_status", pa.string()), ("actual_note", pa.string()), ("met", pa.bool_()),
        ("weight", pa.float64()), ("score", pa.float64()), ("deviation_note", pa.string()),
        ("target_unit_column", pa.string()), ("indicator_nature", pa.string()),
        ("value_type", pa.string()), ("scoring_rule", pa.string()), ("is_core", pa.string()),
        ("explanation", pa.string()),
        *_BOX,
    ]),
    "budget_lines": pa.schema([
        ("report_id", pa.string()), ("table_id", pa.string()), ("row", pa.int32()),
        ("section", pa.string()), ("table_title", pa.string()), ("project", pa.string()),
        ("line_label", pa.string()), ("line_group", pa.string()), ("line_item", pa.string()),
        ("code", pa.string()), ("measure", pa.string()), ("measure_raw", pa.string()),
        ("value", pa.decimal128(20, 2)), ("unit", pa.string()), ("raw", pa.string()),
        *_BOX,
        # What the budget-table anatomy decided (null for other families): the standard table
        # (summary, expenditure, three_public …), the table_id of the first piece of a table
        # continued over pages, the column's header path, the path of the total it adds into,
        # and its role (total / part / unexplained: a total whose parts the header does not tell).
        ("budget_table", pa.string()), ("logical_table", pa.string()),
        ("measure_path", pa.string()), ("parent_path", pa.string()), ("measure_role", pa.string()),
        # The sub-table of a grid printing several side by side (收入 | 支出, classifications),
        # and the row's role in its list: total / memo (其中) / line, with a numbered line's depth.
        ("block", pa.int32()), ("row_role", pa.string()), ("row_level", pa.int32()),
    ]),
    # Headline figures comparable across provinces: one row per report and item (CONTRACT.md).
    "headlines": pa.schema([
        ("report_id", pa.string()), ("item", pa.string()), ("value", pa.decimal128(20, 2)),
        ("period", pa.string()), ("source", pa.string()), ("agrees", pa.bool_()),
        ("table_id", pa.string()), ("row", pa.int32()), ("col", pa.int32()), *_BOX,
        ("message", pa.string()),
    ]),
    "checks": pa.schema([
        ("report_id", pa.string()), ("check", pa.string()), ("severity", pa.string()),
        ("passed", pa.bool_()), ("accepted", pa.bool_()), ("observed", pa.string()),
        ("expected", pa.string()), ("message", pa.string()), ("page", pa.int32()),
        ("table_id", pa.string()),
    ]),
}


def empty_frame(dataset: str) -> pd.DataFrame:
    """A frame with the dataset's columns and no rows."""
    return SCHEMAS[dataset].empty_table().to_pandas()


_MONEY_COLUMNS = {name: [f.name for f in schema if pa.types.is_decimal(f.type)] for name, schema in SCHEMAS.items()}


def frame(dataset: str, rows: list[dict]) -> pd.DataFrame:
    """Rows (dicts) → a frame with exactly the dataset's columns, missing keys as null; every
    decimal column fitted to its type (to the fen), whichever family wrote it."""
    cols = SCHEMAS[dataset].names
    if not rows:
        return empty_frame(dataset)
    df = pd.DataFrame([[r.get(c) for c in cols] for r in rows], columns=cols)
    for c in _MONEY_COLUMNS[dataset]:
        df[c] = pd.Series([fit_value(v) for v in df[c]], index=df.index, dtype=object)
    return df


def present(v) -> bool:
    """A value of records() that is there: not None (an extension column's NA) nor NaN (a
    missing float, or a missing value of a str column)."""
    return v is not None and v is not pd.NA and v == v


def records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The frame's rows as dicts of those columns, as `to_dict("records")` gives them (an extension
    column's NA as None), column by column: to_dict boxes value by value, at several times the cost."""
    lists = []
    for c in columns:
        values = df[c].tolist()
        if isinstance(df[c].dtype, pd.api.extensions.ExtensionDtype):
            values = [None if v is pd.NA else v for v in values]
        lists.append(values)
    return [dict(zip(columns, row)) for row in zip(*lists)]


@dataclass
class ReportRows:
    """Everything derived from one Document. Money in budget_lines.value is Decimal yuan."""

    report: dict
    tables: pd.DataFrame = field(default_factory=lambda: empty_frame("tables"))
    cells: pd.DataFrame = field(default_factory=lambda: empty_frame("cells"))
    indicators: pd.DataFrame = field(default_factory=lambda: empty_frame("indicators"))
    budget_lines: pd.DataFrame = field(default_factory=lambda: empty_frame("budget_lines"))
    headlines: pd.DataFrame = field(default_factory=lambda: empty_frame("headlines"))
    # the tables a contents page lists: {page, title, kind}
    contents: list[dict] = field(default_factory=list)
    # what could not be read: {table_id, page, message}; validate/coverage.py reports them
    notes: list[dict] = field(default_factory=list)
