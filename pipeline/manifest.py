"""What has been ingested into an output folder: one row per input path, so re-runs can skip."""
from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from pipeline.store import write_atomic

MANIFEST = "manifest.parquet"
SCHEMA = pa.schema([
    ("source_path", pa.string()), ("file_sha256", pa.string()), ("report_id", pa.string()),
    ("size", pa.int64()), ("mtime_ns", pa.int64()), ("pipeline_version", pa.string()),
    ("status", pa.string()), ("fiscal_year", pa.int16()), ("ingested_at", pa.timestamp("us", tz="UTC")),
    ("files", pa.list_(pa.string())),  # the report's Parquet files, relative to --out
])


def file_sha256(path: Path) -> str:
    """The file's identity: unchanged bytes under a new mtime are still skipped."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(out: Path) -> dict[str, dict]:
    """source_path → its manifest row."""
    path = out / MANIFEST
    if not path.exists():
        return {}
    # via pyarrow, not pandas: nulls stay None (pandas turns a null int16 into NaN, which then
    # cannot be written back as int16)
    # Neither read_table (pyarrow.dataset) nor a tz-aware timestamp's as_py: both import pandas,
    # a second of a no-op run. The UTC timestamps are read naive and made aware again.
    table = pq.ParquetFile(path).read(use_threads=False)  # one small file: no thread pool
    at = table.schema.get_field_index("ingested_at")
    naive = pa.timestamp("us")  # a zero-copy view, not a cast: cast imports pyarrow.compute (0.5 s)
    table = table.set_column(at, "ingested_at", pa.chunked_array(
        [chunk.view(naive) for chunk in table.column(at).chunks], naive))
    rows = table.to_pylist()
    for r in rows:
        if r["ingested_at"] is not None:
            r["ingested_at"] = r["ingested_at"].replace(tzinfo=timezone.utc)
    return {r["source_path"]: r for r in rows}


def save(out: Path, entries: dict[str, dict]) -> None:
    """Write the manifest. The rows go through pyarrow's JSON reader, not pa.Table.from_pylist:
    every array pyarrow builds from Python objects first imports pandas (to ask whether the input
    is a pandas object), ~0.75 CPU s of a coordinator that otherwise never needs it."""
    lines = "".join(json.dumps({k: _json_value(e.get(k)) for k in SCHEMA.names}, ensure_ascii=False) + "\n"
                    for e in entries.values())
    table = pa_json.read_json(io.BytesIO(lines.encode()), read_options=pa_json.ReadOptions(use_threads=False),
                              parse_options=pa_json.ParseOptions(explicit_schema=SCHEMA))
    write_atomic(table, out / MANIFEST)


def _json_value(v):
    """A manifest value as JSON: datetimes in ISO 8601 with their offset (microseconds, also of a
    pandas Timestamp), numpy scalars as Python ones, NaN as null."""
    if isinstance(v, datetime):
        return datetime.isoformat(v)
    if hasattr(v, "item"):
        v = v.item()
    return None if isinstance(v, float) and v != v else v
