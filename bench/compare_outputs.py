"""Are two ingests' datasets the same? Every dataset's rows (landed and quarantined), compared as
text, column for column, after sorting; columns that name a run (times, versions, workers) are
left out. Used to prove an optimisation changes no table, cell, row or check:

    git worktree add /tmp/before <commit>          # the commit you start from
    (cd /tmp/before && python -m pipeline ingest ../shared/corpus samples --out /tmp/before-out)
    python -m pipeline ingest ../shared/corpus samples --out /tmp/after-out
    .venv/bin/python bench/compare_outputs.py /tmp/before-out /tmp/after-out [/tmp/rerun-out ...]

Extra folders after the two hold reports re-run for the "before" side (a scan that timed out on a
loaded machine, say): their rows replace that report's failed row. Only reports present on both
sides are compared; exit status 1 when anything differs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

DATASETS = ("reports", "tables", "cells", "budget_lines", "indicators", "checks", "headlines")
VOLATILE = {"ingested_at", "seconds", "run_id", "pipeline_version", "worker"}


def load(roots: list[Path], dataset: str) -> pd.DataFrame:
    files = []
    for root in roots:
        files += sorted(root.glob(f"{dataset}/**/*.parquet")) + sorted(root.glob(f"quarantine/{dataset}/**/*.parquet"))
    frames = [pd.read_parquet(f) for f in files]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def compare(before: list[Path], after: Path) -> bool:
    same_all = True
    for dataset in DATASETS:
        x, y = load(before, dataset), load([after], dataset)
        if dataset == "reports" and len(before) > 1 and len(x):
            x = x.drop_duplicates("report_id", keep="last")
        if "report_id" in x and "report_id" in y and len(x) and len(y):
            ids = set(x.report_id) & set(y.report_id)
            x, y = x[x.report_id.isin(ids)].copy(), y[y.report_id.isin(ids)].copy()
        cols = [c for c in x.columns if c not in VOLATILE and c in y.columns]
        for c in cols:  # ints read back as floats where a failed report left a null
            for f in (x, y):
                if pd.api.types.is_numeric_dtype(f[c]) and not pd.api.types.is_bool_dtype(f[c]):
                    f[c] = f[c].astype(float)
        xs = x[cols].astype(str).sort_values(cols).reset_index(drop=True) if cols else x
        ys = y[cols].astype(str).sort_values(cols).reset_index(drop=True) if cols else y
        same = xs.equals(ys)
        same_all &= same
        reports = x.report_id.nunique() if "report_id" in x else 0
        print(f"{dataset:13s} rows {len(x):7d} vs {len(y):7d}  reports {reports:3d}  identical: {same}"
              f"  (only before: {sorted(set(x.columns) - set(y.columns))}, only after: {sorted(set(y.columns) - set(x.columns))})")
        if not same:
            merged = xs.merge(ys, how="outer", indicator=True)
            print(merged[merged["_merge"] != "both"].head(6).to_string()[:2000])
    print("ALL IDENTICAL" if same_all else "DIFFERENCES")
    return same_all


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    before, after, *rerun = (Path(a) for a in sys.argv[1:])
    sys.exit(0 if compare([before, *rerun], after) else 1)
