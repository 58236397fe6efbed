"""The output folder: hive-partitioned Parquet per dataset, one file per report, written atomically.

Layout (see CONTRACT.md):  OUT/<dataset>/fiscal_year=YYYY/<report_id>.parquet, and the same under
OUT/quarantine/ for reports that failed an error check. A report whose year is unknown (a failed
file, say) goes to fiscal_year=0: pandas cannot read a null hive partition.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    import pandas as pd

# pandas and the row schemas are imported where used: a no-op re-run (manifest, temp-file sweep)
# must not pay ~1 s of pandas import before it knows there is work.

DATASETS = ("reports", "tables", "cells", "indicators", "budget_lines", "headlines", "checks")
NULL_PARTITION = "0"  # year unknown (e.g. a failed file); a null partition breaks pandas readers


def partition_dir(out: Path, dataset: str, fiscal_year: int | None, quarantined: bool) -> Path:
    import pandas as pd

    root = out / "quarantine" if quarantined else out
    year = NULL_PARTITION if fiscal_year is None or pd.isna(fiscal_year) else str(int(fiscal_year))
    return root / dataset / f"fiscal_year={year}"


def to_arrow(dataset: str, df: pd.DataFrame) -> pa.Table:
    """A frame → a table with exactly the contract's schema (the partition column left out)."""
    from normalize.rows import SCHEMAS

    schema = SCHEMAS[dataset]
    names = [n for n in schema.names if n != "fiscal_year"]  # it lives in the path: a second copy confuses readers
    columns = [_column(df[n] if n in df.columns else None, schema.field(n).type, len(df)) for n in names]
    return pa.Table.from_arrays(columns, schema=pa.schema([schema.field(n) for n in names],
                                                          metadata=schema.metadata))


def _column(values: pd.Series | None, kind: pa.DataType, n: int) -> pa.Array:
    """One column in its contract type, pandas' missing values (NaN, None, NA, NaT) as null, built
    from the column's Python values (a whole frame cast to object cost more than the write). Not
    from its numpy array: that casts (int64 → int32) through Arrow's compute layer, which starts a
    thread pool, and a worker under its memory limit may not be able to start threads."""
    if values is None:
        return pa.nulls(n, kind)
    try:
        return pa.array(values.tolist(), type=kind, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
        return pa.array(values.astype(object).where(values.notna(), None), type=kind, from_pandas=True)


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write to a temp file in the same folder, fsync, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            pq.write_table(table, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


TEMP_GLOB = ".*.tmp"  # write_atomic's temp names: hidden, and not *.parquet, so readers skip them


def remove_temp_files(out: Path) -> int:
    """Delete temp files a killed run left behind. Only call while holding the run lock."""
    n = 0
    for p in out.rglob(TEMP_GLOB):
        if p.is_file():
            p.unlink(missing_ok=True)
            n += 1
    return n


def report_files(out: Path, report_id: str) -> list[Path]:
    """Every file of one report, landed or quarantined, in any partition."""
    name = f"{report_id}.parquet"
    found = []
    for root in (out, out / "quarantine"):
        for dataset in DATASETS:
            base = root / dataset
            if base.is_dir():
                found.extend(p for p in base.glob(f"fiscal_year=*/{name}"))
    return found


def landed_files(out: Path, report_id: str) -> list[Path]:
    """The report's files if a report row of this id that is not a failure is among them (landed
    or quarantined); [] otherwise."""
    files = report_files(out, report_id)
    rows = [p for p in files if p.parts[-3] == "reports"]
    landed = any(status != "failed"
                 for p in rows for status in pq.read_table(p, columns=["status"])["status"].to_pylist())
    return files if landed else []


def remove_report(out: Path, report_id: str) -> None:
    for p in report_files(out, report_id):
        p.unlink(missing_ok=True)


def write_report(out: Path, report_id: str, fiscal_year: int | None, quarantined: bool,
                 frames: dict[str, pd.DataFrame]) -> list[Path]:
    """Replace every file of this report with the given frames; returns the paths written.

    The reports row is written last, so a report row on disk means its other files are whole.
    """
    written = []
    stale = set(report_files(out, report_id))
    for dataset in sorted(frames, key=lambda d: d == "reports"):
        path = partition_dir(out, dataset, fiscal_year, quarantined) / f"{report_id}.parquet"
        write_atomic(to_arrow(dataset, frames[dataset]), path)
        written.append(path)
        stale.discard(path)
    for p in stale:
        p.unlink(missing_ok=True)
    return written


def read_dataset(out: Path, dataset: str) -> pd.DataFrame:
    """Read one dataset back (tests and the summary use it)."""
    import pandas as pd

    from normalize.rows import SCHEMAS

    base = out / dataset
    if not base.is_dir() or not any(base.rglob("*.parquet")):
        return pd.DataFrame(columns=SCHEMAS[dataset].names)
    return pd.read_parquet(base)
