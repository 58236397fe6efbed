"""bench/audit.py on a real ingest of the two sample PDFs: the sheet, one crop per sampled row, the
sample size asked for, the same sample for the same seed."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def _audit_module():
    spec = importlib.util.spec_from_file_location("audit", ROOT / "bench" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("audit", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


pytestmark = pytest.mark.slow  # a real ingest of samples/: about 30 s on a busy machine


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit") / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(SAMPLES), "--out", str(out),
                           "--workers", "1"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr  # 1: a sample quarantined; the rest still landed
    return out


def test_audit_writes_sheet_crops_and_csv_of_the_asked_size(ingested):
    audit = _audit_module()
    budget = pd.read_parquet(ingested / "budget_lines")
    indicators = pd.read_parquet(ingested / "indicators")
    assert len(budget) >= 6 and len(indicators) >= 5  # the samples land both kinds of rows
    sample = audit.build(ingested, audit.AuditSettings(n_budget=6, n_indicators=5, seed=3))

    assert sample["dataset"].value_counts().to_dict() == {"budget_lines": 6, "indicators": 5}
    folder = ingested / "audit"
    html = (folder / "index.html").read_text("utf-8")
    assert html.count("<img ") == 11
    for name in sample["image"]:
        image = Image.open(folder / name).convert("L")
        assert image.width > 100 and image.height > 20
        assert image.getextrema()[0] < 100  # something is printed on it, not a blank render
    csv = pd.read_csv(folder / "sample.csv", dtype=str, keep_default_na=False)
    assert len(csv) == 11 and set(csv["verdict"]) == {""}
    # every sampled budget value is a landed one, written exactly (Decimal text, not a float)
    landed = set(budget["value"].map(str))
    assert set(csv.loc[csv["dataset"] == "budget_lines", "value"]) <= landed
    # each crop's row is a landed row of its report, on its page
    for _, row in sample[sample["dataset"] == "indicators"].iterrows():
        match = indicators[(indicators["report_id"] == row["report_id"]) & (indicators["page"] == row["page"])
                           & (indicators["name"] == row["name"])]
        assert len(match) >= 1


def test_audit_sample_is_seeded_and_capped(ingested):
    audit = _audit_module()
    settings = audit.AuditSettings(n_budget=4, n_indicators=3, seed=11, folder="audit-a")
    first = audit.build(ingested, settings)
    again = audit.build(ingested, audit.AuditSettings(n_budget=4, n_indicators=3, seed=11, folder="audit-b"))
    keys = ["dataset", "report_id", "table_id", "row", "x0"]
    assert first[keys].equals(again[keys])
    indicators = pd.read_parquet(ingested / "indicators")
    assert len(audit.draw_sample(indicators, 10_000, seed=1)) == len(indicators)  # all, when fewer
    shuffled = indicators.sample(frac=1, random_state=5)  # files read in another order: same draw
    assert audit.draw_sample(shuffled, 7, 2)[keys[1:]].equals(audit.draw_sample(indicators, 7, 2)[keys[1:]])
