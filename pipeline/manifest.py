"""What has been ingested into an output folder: one row per input path, so re-runs can skip."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.store import write_atomic

MANIFEST = "manifest.parquet"
SCHEMA = pa.schema([
    ("source_path", pa.string()), ("file_sha256", pa.string()), ("report_id", pa.string()),
    ("size", pa.int64()), ("mtime_ns", pa.int64()), ("pipeline_version", pa.string()),
    ("status", pa.string()), ("fiscal_year", pa.int16()), ("ingested_at", pa.timestamp("us", tz="UTC")),
    ("files", pa.list_(pa.string())),  # the report's Parquet files, relative to --out
])


def load(out: Path) -> dict[str, dict]:
    """source_path → its manifest row."""
    path = out / MANIFEST
    if not path.exists():
        return {}
    # via pyarrow, not pandas: nulls stay None (pandas turns a null int16 into NaN, which then
    # cannot be written back as int16)
    rows = pq.read_table(path).to_pylist()
    return {r["source_path"]: r for r in rows}


def save(out: Path, entries: dict[str, dict]) -> None:
    rows = [{k: e.get(k) for k in SCHEMA.names} for e in entries.values()]
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    write_atomic(table, out / MANIFEST)
