"""notebooks/explore.ipynb executes headless (nbclient) on the samples and the real corpus's text
PDFs, writes its five plots as PNG files, and its answers hold the samples' known facts."""
import json
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

pytestmark = pytest.mark.slow  # ingests 15 PDFs (~340 pages) before it plots

PLOTS = ("indicators_not_met.png", "execution_rate.png", "target_kinds.png", "checks_per_report.png",
         "headlines_by_unit.png")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notebook")
    # A kernel spec of our own, so the kernel is this interpreter whatever else is installed.
    spec = tmp / "jupyter" / "kernels" / "budgetperf"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "budgetperf", "language": "python"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(tmp / "jupyter"))
        mp.setenv("EXPLORE_OUT", str(tmp / "out"))
        mp.setenv("EXPLORE_PLOTS", str(tmp / "plots"))
        nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="budgetperf",
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return nb, tmp / "plots"


def _text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", "") if o.output_type == "stream" else o.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_every_plot_is_a_non_empty_png(executed):
    from PIL import Image

    _, plots = executed
    for name in PLOTS:
        path = plots / name
        assert path.is_file() and path.stat().st_size > 10_000, name
        with Image.open(path) as im:
            assert im.format == "PNG" and im.width > 400 and im.height > 200


def test_the_answers_hold_the_samples_known_facts(executed):
    nb, _ = executed
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    text = _text(nb)
    # the seed's missed daily-intake target (15万人次 planned, 12万人次 done) is among the unmet ones
    assert "受理大厅日常受理量" in text and "12万人次" in text
    # the seed's 财政拨款 line: 263,083,287.96 of 263,254,643.42 spent, 99.93% printed and recomputed
    assert "263254643.42" in text and "99.93" in text
    assert "all reports: {'numeric'" in text  # the share of target kinds
    assert "failed error" in text and "quarantined" in text  # the check summary
    # the headline section: every unit side by side; 无锡's 三公 total is 3.00 万元, its 培训费 19.03
    assert "headline rows by source:" in text and "'printed'" in text
    assert "无锡市统计局" in text and "19.03" in text
