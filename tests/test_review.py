"""`python -m pipeline review` on real reports made wrong in one number (tests/pdf_edit.py): the seed
with a wrong 项目支出 全年执行数 and Putuo with a wrong 本年支出合计, both quarantined by a sum check."""
import hashlib
import os
import shutil
import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from conftest import PUTUO, corpus_pdf
from pdf_edit import replace_text
from pipeline import load
from pipeline.cli import main
from pipeline.review import build_review, cell_number, figures

pytestmark = pytest.mark.slow  # two ingests and page renders


def _rid(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@pytest.fixture(scope="module")
def inputs(seed_pdf, tmp_path_factory):
    folder = tmp_path_factory.mktemp("review-in")
    seed = folder / "hongqiao-wrong-execution.pdf"
    replace_text(seed_pdf, seed, 9, "257,394,820.86", "257,394,000.86", occurrence=1)
    putuo = folder / "putuo-wrong-total.pdf"
    replace_text(corpus_pdf(PUTUO), putuo, 10, "1,511.89", "1,521.89")
    return {"seed": seed, "putuo": putuo}


@pytest.fixture(scope="module")
def out(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("review-out") / "out"
    assert main(["ingest", *map(str, inputs.values()), "--out", str(out), "--workers", "1",
                 "--no-progress"]) == 1
    return out


@pytest.fixture(scope="module")
def first(out):
    start = time.perf_counter()
    result = build_review(out)
    return result, time.perf_counter() - start


class _Page(HTMLParser):
    """What a test needs of a review page: highlighted cells per table section, the failed-check
    rows in order, crops with their boxes, links."""

    def __init__(self):
        super().__init__()
        self.section = None
        self.hl_cells: dict[str, list[str]] = {}
        self.checks: list[tuple[str, str]] = []  # (severity, check)
        self.crops: dict[str, list[dict]] = {}
        self.links: list[str] = []
        self._td = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "section":
            self.section = a.get("id")
        elif tag == "td" and "hl" in cls:
            self._td = []
        elif tag == "tr" and "check" in cls:
            self.checks.append((cls[1], a["data-check"]))
        elif tag == "div" and "crop" in cls:
            self.crops.setdefault(self.section, []).append({"page": int(a["data-page"]), "boxes": 0})
        elif tag == "div" and "box" in cls and "hl" in cls and self.crops.get(self.section):
            self.crops[self.section][-1]["boxes"] += 1
        elif tag == "img" and self.crops.get(self.section):
            self.crops[self.section][-1]["src"] = a["src"]
        elif tag == "a":
            self.links.append(a["href"])

    def handle_data(self, data):
        if self._td is not None:
            self._td.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._td is not None:
            self.hl_cells.setdefault(self.section, []).append("".join(self._td))
            self._td = None


def _page(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text("utf-8"))
    return p


def _table_id(out, rid, title=None, kind=None):
    tables = load.tables(out, include_quarantined=True)
    t = tables[(tables.report_id == rid) & ((tables.title == title) if title else (tables.kind == kind))]
    return t.table_id.iloc[0]


def test_the_index_lists_both_quarantined_reports_with_their_failed_checks(out, inputs, first):
    result, _ = first
    assert sorted(result.reports) == sorted(_rid(p) for p in inputs.values())
    index = result.index.read_text("utf-8")
    checks = load.checks(out, include_quarantined=True)
    for path in inputs.values():
        rid = _rid(path)
        assert f"href='r/{rid}.html'" in index
        failed = checks[(checks.report_id == rid) & (checks.passed == False)]  # noqa: E712
        errors = int((failed.severity == "error").sum())
        warnings = int((failed.severity == "warning").sum())
        row = index.split(f"data-report='{rid}'")[1].split("</tr>")[0]
        assert "quarantined" in row and f"<td>{errors}</td><td>{warnings}</td>" in row
        assert errors >= 1


def test_the_seed_page_shows_its_failed_sum_check_first_and_the_wrong_cell_highlighted(out, inputs, first):
    rid = _rid(inputs["seed"])
    page = _page(first[0].index.parent / "r" / f"{rid}.html")
    severities = [s for s, _ in page.checks]
    assert severities == sorted(severities, key=lambda s: s != "error")  # errors first
    assert ("error", "budget.sources_equal_structure") in page.checks
    budget = _table_id(out, rid, kind="funding")
    marked = page.hl_cells[budget]
    # the wrong figure the sum check printed is highlighted; the line's budget figure is not
    assert "257,394,000.86" in marked and "257,424,688.42" not in marked
    assert "5,688,467.10" in marked  # the other summand of 资金结构
    assert all(cell_number(t) is not None for t in marked)
    crops = page.crops[budget]
    assert [c["page"] for c in crops] == [9]
    assert crops[0]["boxes"] == len(marked)  # each highlighted cell boxed on the image too
    image = first[0].index.parent / "r" / crops[0]["src"]
    assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_putuo_highlights_the_row_whose_total_was_made_wrong(out, inputs, first):
    rid = _rid(inputs["putuo"])
    page = _page(first[0].index.parent / "r" / f"{rid}.html")
    assert ("error", "budget_table.row_sums") in page.checks
    marked = page.hl_cells[_table_id(out, rid, title="支出决算表")]
    assert {"1,521.89", "1,503.52", "8.37"} <= set(marked)  # printed total and its two parts


def test_every_indicator_row_links_to_its_page_view(out, inputs, first):
    rid = _rid(inputs["seed"])
    site = first[0].index.parent
    page = _page(site / "r" / f"{rid}.html")
    ind = load.indicators(out, include_quarantined=True)
    ind = ind[ind.report_id == rid]
    links = [h for h in page.links if "#ind-" in h]
    assert len(links) == len(ind) > 100
    for href in links[:: max(1, len(links) // 10)]:
        target, anchor = href.split("#")
        view = (site / "r" / target).read_text("utf-8")
        assert f"id='{anchor}'" in view
        src = view.split("<img src='")[1].split("'")[0]
        assert (site / "r" / src).is_file()


def test_issues_csv_has_every_failed_check_of_the_report(out, inputs, first):
    site = first[0].index.parent
    checks = load.checks(out, include_quarantined=True)
    for path in inputs.values():
        rid = _rid(path)
        raw = (site / "r" / f"{rid}-issues.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese
        csv = pd.read_csv(site / "r" / f"{rid}-issues.csv", encoding="utf-8-sig", dtype=str)
        failed = checks[(checks.report_id == rid) & (checks.passed == False)]  # noqa: E712
        assert len(csv) == len(failed)
        assert sorted(csv.check) == sorted(failed.check.astype(str))
        assert set(csv.unit_name) == set(load.reports(out, include_quarantined=True)
                                         .set_index("report_id").unit_name[[rid]])
    seed = pd.read_csv(site / "r" / f"{_rid(inputs['seed'])}-issues.csv", encoding="utf-8-sig", dtype=str)
    row = seed[seed.check == "budget.sources_equal_structure"].iloc[0]
    assert "257,394,000.86 (p.9)" in row.cells and row.expected.endswith("= 263,082,467.96 元")
    everything = pd.read_csv(site / "issues.csv", encoding="utf-8-sig", dtype=str)
    assert len(everything) == int((checks.passed == False).sum())  # noqa: E712


def test_a_second_run_over_the_unchanged_output_renders_nothing(out, first):
    result, seconds = first
    assert result.pages_rendered > 0 and result.pages_cached == 0
    images = sorted((out / "review" / "img").rglob("*.png"))
    assert len(images) == result.pages_rendered
    before = {p: p.stat().st_mtime_ns for p in (out / "review").rglob("*") if p.is_file()}
    start = time.perf_counter()
    again = build_review(out)
    assert (again.pages_rendered, again.pages_cached) == (0, result.pages_rendered)
    after = {p: p.stat().st_mtime_ns for p in (out / "review").rglob("*") if p.is_file()}
    assert after == before  # not one file rewritten
    print(f"review: first {seconds:.1f} s ({result.pages_rendered} pages), "
          f"second {time.perf_counter() - start:.1f} s")


def test_a_chosen_report_by_prefix_and_an_unknown_one(out, inputs, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("review"))
    rid = _rid(inputs["putuo"])
    result = build_review(copy, [rid[:6]])
    assert result.reports == [rid]
    assert {p.parent.name for p in (copy / "review" / "img").rglob("*.png")} == {rid}
    index = result.index.read_text("utf-8")
    assert f"href='r/{rid}.html'" in index and f"data-report='{_rid(inputs['seed'])}'" in index
    assert main(["review", "--out", str(copy), "0000000000"]) == 2
    assert main(["review", "--out", str(tmp_path / "nowhere")]) == 2
    assert main(["review", "--out", str(copy)]) == 0


def test_a_moved_source_pdf_leaves_the_page_without_images_but_written(out, inputs, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("review"))
    seed = inputs["seed"]
    moved = seed.with_suffix(".moved")
    os.rename(seed, moved)
    try:
        result = build_review(copy, [_rid(moved)])
    finally:
        os.rename(moved, seed)
    assert result.missing_sources == [_rid(seed)] and result.pages_rendered == 0
    html = (copy / "review" / "r" / f"{_rid(seed)}.html").read_text("utf-8")
    assert "source PDF not found" in html and "budget.sources_equal_structure" in html


def test_figures_are_the_compared_numbers_not_the_notes():
    assert figures("资金来源 财政拨款 263,083,287.96 + 其他资金 0.00 = 263,083,287.96 元") == \
        {Decimal("263083287.96")}
    assert figures("0.01 + 0.49 + … (9 lines) = 0.53 万元") == {Decimal("0.01"), Decimal("0.49"), Decimal("0.53")}
    assert figures("263,082,467.96 元 (资金结构 基本支出 + 项目支出 全年执行数, table p.9)") == \
        {Decimal("263082467.96")}
    assert figures(None) == set()
    assert [cell_number(t) for t in ("1,511.89", "99.93%", "-3.5", "（1）", "100.00(%)", None)] == \
        [Decimal("1511.89"), Decimal("99.93"), Decimal("-3.5"), None, None, None]


def test_each_report_page_shows_its_headlines_with_agrees(out, inputs, first):
    rid = _rid(inputs["putuo"])
    html = (out / "review" / "r" / f"{rid}.html").read_text("utf-8")
    assert "<h2 id='headlines'>Headlines (" in html
    section = html.split("<table class='list headlines'>")[1].split("</table>")[0]
    heads = load.headlines(out, include_quarantined=True)
    mine = heads[heads.report_id == rid]
    assert len(mine) >= 5 and section.count("<tr data-item=") == len(mine)
    assert "<th>agrees</th>" in section
    # the 决算's 三公 actuals are printed blank: 0, source blank, at the table's page
    row = section.split("data-item='three_public_total'")[1].split("</tr>")[0]
    assert "0.00 元" in row and "<td>blank</td>" in row and "p.18" in row
