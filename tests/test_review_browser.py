"""The review page of a quarantined report in headless Chromium (Debian's /usr/bin/chromium, which
.ci/run installs; playwright drives it and never downloads a browser of its own): the failed sum
check and the cell it found wrong are visible, highlighted, and the page is screenshotted."""
import hashlib
import os
from pathlib import Path

import pytest

from pdf_edit import replace_text
from pipeline.cli import main
from pipeline.review import build_review

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WRONG = "257,394,000.86"  # the seed's 项目支出 全年执行数 (257,394,820.86 as published), p.9


@pytest.fixture(scope="module")
def site(seed_pdf, tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    pdf = root / "hongqiao-wrong-execution.pdf"
    replace_text(seed_pdf, pdf, 9, "257,394,820.86", WRONG, occurrence=1)
    out = root / "out"
    assert main(["ingest", str(pdf), "--out", str(out), "--workers", "1", "--no-progress"]) == 1
    rid = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
    result = build_review(out, [rid])
    return result.index.parent, rid


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    view = page.viewport_size
    return box is not None and box["width"] > 0 and box["height"] > 0 and \
        0 <= box["y"] < view["height"] and box["y"] + box["height"] > 0


def test_the_failed_check_and_its_highlighted_cell_are_visible(site, browser, tmp_path):
    folder, rid = site
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto((folder / "r" / f"{rid}.html").as_uri())

    check = page.locator("tr.check.error[data-check='budget.sources_equal_structure']")
    assert check.count() == 1 and check.is_visible() and _in_viewport(page, check)
    assert "项目支出 257,394,000.86" in check.inner_text()
    assert "quarantined" in page.locator("h1 + p").inner_text()

    cell = page.locator("table.grid td.hl", has_text=WRONG)
    assert cell.count() == 1
    cell.scroll_into_view_if_needed()
    assert cell.is_visible() and _in_viewport(page, cell)
    colour = cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 226, 77)"  # the highlight, not the grid's white
    # the same cell boxed on the page image beside the grid, and the image really loaded
    row, col = cell.get_attribute("data-row"), cell.get_attribute("data-col")
    box = page.locator(f".crop .box.hl[data-row='{row}'][data-col='{col}']")
    assert box.count() == 1 and box.is_visible() and _in_viewport(page, box)
    image = box.locator("xpath=../img")  # the crop the box is drawn on
    assert image.evaluate("i => i.complete && i.naturalWidth") > 1000  # 2 px per point
    shot = tmp_path / "review-seed.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:4] == b"\x89PNG"
    if os.environ.get("REVIEW_SCREENSHOT_TO"):  # how the README's docs/review-page.png is made
        page.evaluate("window.scrollTo(0, 0)")  # the failed checks first, then the tables
        page.screenshot(path=os.environ["REVIEW_SCREENSHOT_TO"])


def test_an_indicator_link_opens_its_page_with_the_row_boxed(site, browser, tmp_path):
    folder, rid = site
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto((folder / "r" / f"{rid}.html").as_uri())
    link = page.locator("table.indicators a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(href)
    row = page.locator(".pageview .row:target")
    assert row.count() == 1 and row.is_visible()
    assert page.locator(".pageview img").evaluate("i => i.complete && i.naturalWidth") > 1000
    page.screenshot(path=str(tmp_path / "page-view.png"))
