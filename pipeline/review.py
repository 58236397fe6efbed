"""`python -m pipeline review --out OUT [REPORT_ID ...]`: a static HTML site for reviewers.

OUT/review/index.html lists every report (landed, quarantined, failed) with its status, its failed
error checks and its publisher issues (failed warning checks). OUT/review/r/<report_id>.html puts
the failed checks first (what was compared, observed vs expected, page), then the report's headline
figures (value, period, source, and `agrees`: whether the other tables printing them agree), then
each extracted table as a grid beside the image of its page region, with the cells a failed check
compared highlighted in both, then the indicator rows, each linked to its page view. OUT/review/r/<report_id>-issues.csv
holds the failed checks the way reviewers pass them on.

Page images are rendered with pypdfium2 from the report's source PDF, only for pages a report page
shows, and cached as OUT/review/img/<report_id>/p<NNN>.png: the report id is the PDF's content
hash, so an image never goes stale and a re-run over an unchanged OUT renders nothing. A table's
region is the cached page image cropped by CSS to the table's box (the union of its cells' boxes),
so a re-extraction that moves a box needs no new image either.
"""
from __future__ import annotations

import html
import os
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from pipeline import load
from pipeline.manifest import file_sha256


@dataclass(frozen=True)
class ReviewSettings:
    scale: float = 2.0  # image pixels per PDF point (144 dpi): small print stays legible
    view: float = 1.25  # CSS pixels per PDF point on the review page
    margin: float = 6.0  # points of page around a table's crop
    folder: str = "review"


@dataclass
class ReviewResult:
    index: Path
    reports: list[str] = field(default_factory=list)
    pages_rendered: int = 0
    pages_cached: int = 0
    missing_sources: list[str] = field(default_factory=list)


class UnknownReport(ValueError):
    pass


# --- which cells a failed check compared (pure) --------------------------------------------------

_NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")
_ANNOTATION = re.compile(r"\([^()]*\)")  # "(9 lines)", "(…, table p.9)": notes, not compared figures


def figures(text: str | None) -> set[Decimal]:
    """The non-zero numbers a check printed (1,521.89 → 1521.89), parenthesised notes left out."""
    if not text:
        return set()
    found = set()
    for m in _NUMBER.findall(_ANNOTATION.sub(" ", text)):
        try:
            value = Decimal(m.replace(",", ""))
        except InvalidOperation:
            continue
        if value != 0:  # 0.00 summands are everywhere in a budget table: highlighting them all is noise
            found.add(value)
    return found


def cell_number(text: str | None) -> Decimal | None:
    """A cell's number when the cell holds nothing else (1,511.89 / 99.93% / -3.5)."""
    if not text:
        return None
    t = re.sub(r"[\s,，%]", "", str(text))
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", t):
        return None
    return Decimal(t)


def _inside(x: float, y: float, c) -> bool:
    return c.x0 - 0.5 <= x <= c.x1 + 0.5 and c.top - 0.5 <= y <= c.bottom + 0.5


_BOX = ["page", "row", "col", "x0", "top", "x1", "bottom", "row_span", "text"]


def _cell_of(box, cells: list) -> tuple[int, int] | None:
    """The (row, col) of the cell holding a budget line's box: same page, centre inside."""
    x, y = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
    for c in cells:
        if c.page == box.page and _inside(x, y, c):
            return int(c.row), int(c.col)
    return None


def check_cells(check, cells: pd.DataFrame, lines: pd.DataFrame,
                indicators: pd.DataFrame) -> set[tuple[int, int]]:
    """(row, col) of the cells of `check.table_id` that the check compared.

    Checks name their table and page but not their cells, so the cells are found from what the
    check printed: for each of its figures the budget-line cells printing it, and where several do,
    those in the rows (label, item, code) and then the columns (measure) the check names; else the
    cells of indicator rows whose name the check quotes; else any cell holding only a figure.
    """
    text = " ".join(str(v) for v in (check.message, check.observed, check.expected) if pd.notna(v))
    nums = figures(f"{check.observed or ''} {check.expected or ''}") if pd.notna(check.observed) \
        or pd.notna(check.expected) else set()
    hits: set[tuple[int, int]] = set()
    boxes = list(cells[_BOX].itertuples(index=False))  # one pass: itertuples per line is slow
    if len(lines):
        # the printed figure (raw): checks print amounts in the table's unit (万元), values are in 元
        printed = lines.raw.map(cell_number)
        value = lines.value.map(lambda v: Decimal(str(v)) if pd.notna(v) else None)
        kept = []
        for n in nums:
            cand = lines[(printed == n) | (value == n)]
            # a figure printed in several cells: the ones in the rows the check names, then its columns
            for keys in (("line_item", "line_label", "code"), ("measure",)):
                if len(cand) > 1:
                    named = cand[cand.apply(lambda r: any(
                        pd.notna(r[k]) and str(r[k]) in text for k in keys), axis=1)]
                    cand = named if len(named) else cand
            kept.append(cand)
        matched = pd.concat(kept) if kept else lines.iloc[:0]
        for box in matched[["page", "x0", "top", "x1", "bottom"]].itertuples():
            rc = _cell_of(box, boxes)
            if rc:
                hits.add(rc)
    if not hits and len(indicators):
        quoted = indicators[indicators.name.map(lambda n: pd.notna(n) and len(str(n)) >= 2
                                                and str(n) in text)]
        rows = set(quoted.row.dropna().astype(int))
        # a merged 一级/二级 label spans other rows too: boxing it would point at them as well
        hits |= {(int(c.row), int(c.col)) for c in boxes
                 if int(c.row) in rows and not (pd.notna(c.row_span) and c.row_span > 1)}
    if not hits and nums:
        hits = {(int(c.row), int(c.col)) for c in boxes if cell_number(c.text) in nums}
    return hits


# --- page images ---------------------------------------------------------------------------------

def page_image(img_dir: Path, page: int) -> Path:
    return img_dir / f"p{page:03d}.png"


def render_pages(pdf_path: Path, pages: list[int], img_dir: Path, scale: float) -> int:
    """Render the pages not cached yet; returns how many were rendered. Written to a temp file
    and renamed, so an interrupted run never leaves a half image that looks cached."""
    import pypdfium2 as pdfium

    todo = [p for p in pages if not page_image(img_dir, p).exists()]
    if not todo:
        return 0
    img_dir.mkdir(parents=True, exist_ok=True)
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for p in todo:
            if not 1 <= p <= len(pdf):
                continue
            image = pdf[p - 1].render(scale=scale, grayscale=True).to_pil()
            fd, tmp = tempfile.mkstemp(prefix=".p", suffix=".png.tmp", dir=img_dir)
            with os.fdopen(fd, "wb") as f:
                image.save(f, format="PNG")
            os.replace(tmp, page_image(img_dir, p))
    finally:
        pdf.close()
    return len(todo)


def _image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image

    if not path.exists():
        return None
    with Image.open(path) as im:  # reads the header only
        return im.size


# --- HTML ----------------------------------------------------------------------------------------

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:1.2em;color:#222}
table.list{border-collapse:collapse;margin:.5em 0 1.5em}
table.list th,table.list td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;font-size:13px}
table.list th{background:#f2f2f2;text-align:left}
.status-ok{color:#176b1e}.status-quarantined{color:#a15c00;font-weight:bold}.status-failed{color:#b00;font-weight:bold}
tr.error td:first-child{border-left:4px solid #c00}tr.warning td:first-child{border-left:4px solid #e0a000}
.accepted{color:#555;font-style:italic}
.tablebox{display:flex;gap:1.5em;align-items:flex-start;margin:.5em 0 2em;flex-wrap:wrap}
table.grid{border-collapse:collapse;font-size:12px}
table.grid td{border:1px solid #bbb;padding:2px 4px;vertical-align:top;max-width:22em}
td.hl,table.grid td.hl{background:#ffe24d;outline:2px solid #d40000}
.crop{position:relative;overflow:hidden;border:1px solid #888;margin-bottom:.5em}
.crop img,.pageview img{position:absolute;max-width:none}
.box{position:absolute;box-sizing:border-box}
.box.hl{border:3px solid #d40000;background:rgba(255,226,77,.35)}
.pageview{position:relative}
.pageview .row{display:none;border:3px solid #0055d4;background:rgba(0,85,212,.12)}
.pageview .row:target{display:block}
.muted{color:#777}
table.headlines td.num{text-align:right;white-space:nowrap}
table.headlines tr.disagrees td{background:#fff1d6}
"""


def _e(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else html.escape(str(v))


def _doc(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{_e(title)}</title>"
            f"<style>{CSS}</style></head><body>{body}</body></html>\n")


def _failed(checks: pd.DataFrame) -> pd.DataFrame:
    f = checks[checks.passed.fillna(True) == False]  # noqa: E712 (nullable: null is not a failure)
    order = f.severity.astype(str).map({"error": 0, "warning": 1}).fillna(2)
    return f.assign(_o=order).sort_values(["_o", "page", "check"], na_position="last").drop(columns="_o")


def _counts(checks: pd.DataFrame) -> tuple[int, int, int]:
    """(failed error checks, publisher issues = failed warnings, of those failures accepted)."""
    f = _failed(checks)
    sev = f.severity.astype(str)
    return int((sev == "error").sum()), int((sev == "warning").sum()), int(f.accepted.fillna(False).sum())


def _grid(cells: pd.DataFrame, hl: set[tuple[int, int]]) -> str:
    rows: dict[int, list[str]] = {}
    for c in cells.sort_values(["row", "col"])[["row", "col", "row_span", "col_span", "text"]] \
            .itertuples(index=False):
        span = (f" rowspan='{int(c.row_span)}'" if pd.notna(c.row_span) and c.row_span > 1 else "") + \
               (f" colspan='{int(c.col_span)}'" if pd.notna(c.col_span) and c.col_span > 1 else "")
        cls = " class='hl'" if (int(c.row), int(c.col)) in hl else ""
        rows.setdefault(int(c.row), []).append(
            f"<td{span}{cls} data-row='{int(c.row)}' data-col='{int(c.col)}'>{_e(c.text)}</td>")
    return "<table class='grid'>" + "".join(f"<tr>{''.join(tds)}</tr>" for tds in rows.values()) + "</table>"


def _crop(cells: pd.DataFrame, page: int, hl: set[tuple[int, int]], img: str,
          size: tuple[int, int], s: ReviewSettings) -> str:
    """The page image cropped to the table's box on `page`, highlighted cells boxed on top."""
    on = cells[cells.page == page]
    x0, top = on.x0.min() - s.margin, on.top.min() - s.margin
    x1, bottom = on.x1.max() + s.margin, on.bottom.max() + s.margin
    v = s.view
    width_pt = size[0] / s.scale
    boxes = "".join(
        f"<div class='box hl' data-row='{int(c.row)}' data-col='{int(c.col)}' style='left:{(c.x0 - x0) * v:.1f}px;"
        f"top:{(c.top - top) * v:.1f}px;width:{(c.x1 - c.x0) * v:.1f}px;height:{(c.bottom - c.top) * v:.1f}px'></div>"
        for c in on[_BOX].itertuples(index=False) if (int(c.row), int(c.col)) in hl)
    return (f"<div class='crop' data-page='{page}' style='width:{(x1 - x0) * v:.0f}px;height:{(bottom - top) * v:.0f}px'>"
            f"<img src='{img}' alt='page {page}' style='left:{-x0 * v:.1f}px;top:{-top * v:.1f}px;"
            f"width:{width_pt * v:.1f}px'>{boxes}</div>")


def _page_link(rid: str, page) -> str:
    return f"<a href='{rid}-p{int(page)}.html'>p.{int(page)}</a>" if pd.notna(page) else ""


def _indicator_rows(ind: pd.DataFrame, rid: str) -> str:
    cols = ["level1", "level2", "name", "target_raw", "actual_raw", "met"]
    head = "".join(f"<th>{c}</th>" for c in ["table", "row", *cols, "page"])
    body = []
    for r in ind.itertuples():
        link = (f"<a href='{rid}-p{int(r.page)}.html#ind-{_e(r.table_id)}-{int(r.row)}'>p.{int(r.page)}</a>"
                if pd.notna(r.page) else "")
        vals = "".join(f"<td>{_e(getattr(r, c))}</td>" for c in cols)
        body.append(f"<tr><td>{_e(str(r.table_id).rsplit('-', 1)[-1])}</td><td>{_e(r.row)}</td>{vals}"
                    f"<td>{link}</td></tr>")
    return f"<table class='list indicators'><tr>{head}</tr>{''.join(body)}</table>"


def _headline_rows(heads: pd.DataFrame, rid: str) -> str:
    """The report's headline figures: value, period, source, whether the other tables that print
    it agree (a disagreement is marked, and is a headline.agrees warning among the checks)."""
    from normalize.headlines import ITEMS

    order = {item: i for i, item in enumerate(ITEMS)}
    heads = heads.assign(_o=heads["item"].astype(str).map(order).fillna(len(order))) \
        .sort_values(["_o", "period"], ascending=[True, True])
    head = "".join(f"<th>{c}</th>" for c in ["item", "period", "value", "source", "agrees", "table", "page",
                                             "how it was found"])
    body = []
    for h in heads.itertuples():
        agrees = "" if pd.isna(h.agrees) else ("yes" if bool(h.agrees) else "<b>no</b>")
        cls = " class='disagrees'" if pd.notna(h.agrees) and not bool(h.agrees) else ""
        unit = {"budget_execution_rate": " %", "total_score": " 分"}.get(str(h.item), " 元")
        value = f"{Decimal(str(h.value)):,.2f}{unit}" if pd.notna(h.value) else ""
        table = (f"<a href='#{_e(h.table_id)}'>{_e(str(h.table_id).rsplit('-', 1)[-1])}</a>"
                 if pd.notna(h.table_id) else "")
        body.append(f"<tr{cls} data-item='{_e(h.item)}'><td>{_e(h.item)}</td><td>{_e(h.period)}</td>"
                    f"<td class='num'>{_e(value)}</td><td>{_e(h.source)}</td><td class='agrees'>{agrees}</td>"
                    f"<td>{table}</td><td>{_page_link(rid, h.page)}</td><td class='muted'>{_e(h.message)}</td></tr>")
    return f"<table class='list headlines'><tr>{head}</tr>{''.join(body)}</table>"


def _checks_table(failed: pd.DataFrame, rid: str, hl_text: dict) -> str:
    head = "<tr><th>severity</th><th>check</th><th>what was compared</th><th>observed</th>" \
           "<th>expected</th><th>page</th><th>table</th><th>cells</th></tr>"
    body = []
    for i, c in failed.iterrows():
        acc = " <span class='accepted'>(accepted)</span>" if c.accepted is True else ""
        table = (f"<a href='#{_e(c.table_id)}'>{_e(str(c.table_id).rsplit('-', 1)[-1])}</a>"
                 if pd.notna(c.table_id) else "")
        body.append(f"<tr class='check {_e(c.severity)}' data-check='{_e(c.check)}'><td>{_e(c.severity)}{acc}</td>"
                    f"<td>{_e(c.check)}</td><td>{_e(c.message)}</td><td>{_e(c.observed)}</td>"
                    f"<td>{_e(c.expected)}</td><td>{_page_link(rid, c.page)}</td><td>{table}</td>"
                    f"<td>{_e(hl_text.get(i, ''))}</td></tr>")
    return f"<table class='list checks'>{head}{''.join(body)}</table>"


# --- the site ------------------------------------------------------------------------------------

@dataclass
class _Data:
    reports: pd.DataFrame
    checks: pd.DataFrame
    tables: pd.DataFrame
    cells: pd.DataFrame
    indicators: pd.DataFrame
    lines: pd.DataFrame
    headlines: pd.DataFrame = field(default_factory=pd.DataFrame)


def _read(out: Path) -> _Data:
    kw = dict(include_quarantined=True)
    checks = load.checks(out, **kw)
    for col in ("table_id", "accepted"):  # ours, not the contract's: an older or newer writer may lack them
        if col not in checks.columns:
            checks[col] = pd.NA
    return _Data(load.reports(out, **kw), checks, load.tables(out, **kw),
                 load.cells(out, **kw), load.indicators(out, **kw),
                 load.budget_lines(out, money="decimal", **kw),
                 load.headlines(out, money="decimal", **kw))


def _resolve(ids: list[str], known: list[str]) -> list[str]:
    """Report ids as given, or unique prefixes of them."""
    chosen = []
    for i in ids:
        found = [k for k in known if k.startswith(i)]
        if len(found) != 1:
            raise UnknownReport(f"{'no report' if not found else 'several reports'} match {i!r}")
        chosen.append(found[0])
    return chosen


def _highlights(d: _Data, failed: pd.DataFrame) -> dict[str, set[tuple[int, int]]]:
    """table_id → cells to highlight, and per failed check the texts of its cells."""
    out: dict[str, set] = {}
    for i, c in failed.iterrows():
        if pd.isna(c.table_id):
            continue
        tid = c.table_id
        cells = d.cells[d.cells.table_id == tid]
        lines = d.lines[d.lines.table_id == tid]
        ind = d.indicators[d.indicators.table_id == tid]
        if pd.notna(c.page) and (cells.page == c.page).any():  # the check's page, when the table is on it
            cells, lines, ind = cells[cells.page == c.page], lines[lines.page == c.page], ind[ind.page == c.page]
        hits = check_cells(c, cells, lines, ind)
        out.setdefault(tid, set()).update(hits)
        failed.at[i, "_cells"] = "; ".join(
            f"{t} (p.{int(p)})" for t, p in cells[[(int(r), int(k)) in hits for r, k in zip(cells.row, cells.col)]]
            [["text", "page"]].itertuples(index=False) if pd.notna(t) and str(t).strip())
    return out


def _issues_frame(failed: pd.DataFrame, report) -> pd.DataFrame:
    cols = ["report_id", "check", "severity", "accepted", "page", "table_id", "observed", "expected",
            "message", "cells"]
    f = failed.rename(columns={"_cells": "cells"}).reindex(columns=cols)
    f.insert(1, "unit_name", report.unit_name)
    f.insert(2, "source_path", report.source_path)
    return f


def _report_page(rid: str, report, d: _Data, site: Path, s: ReviewSettings,
                 result: ReviewResult) -> pd.DataFrame:
    checks = d.checks[d.checks.report_id == rid]
    failed = _failed(checks).copy()
    failed["_cells"] = ""
    tables = d.tables[d.tables.report_id == rid].sort_values("table_id")
    cells = d.cells[d.cells.report_id == rid]
    ind = d.indicators[d.indicators.report_id == rid].sort_values(["table_id", "row"])
    mine = _Data(d.reports, checks, tables, cells, d.indicators[d.indicators.report_id == rid],
                 d.lines[d.lines.report_id == rid], d.headlines)
    hl = _highlights(mine, failed)

    pages = sorted({int(p) for p in pd.concat([cells.page, ind.page, failed.page]).dropna()})
    img_dir = site / "img" / rid
    src = Path(str(report.source_path)) if pd.notna(report.source_path) else None
    missing = [p for p in pages if not page_image(img_dir, p).exists()]
    if missing:
        if src is not None and src.is_file() and file_sha256(src)[:16] == rid:
            result.pages_rendered += render_pages(src, missing, img_dir, s.scale)
        else:
            result.missing_sources.append(rid)
    result.pages_cached += len(pages) - len(missing)
    sizes = {p: _image_size(page_image(img_dir, p)) for p in pages}
    img = lambda p: f"../img/{rid}/p{p:03d}.png"  # noqa: E731

    e, w, a = _counts(checks)
    head = (f"<p><a href='../index.html'>← all reports</a></p><h1>{_e(report.unit_name)}</h1>"
            f"<p>{_e(report.title)} · {_e(report.fiscal_year)} · {_e(report.report_kind)} · "
            f"<span class='status-{_e(report.status)}'>{_e(report.status)}</span> · "
            f"{e} failed checks, {w} publisher issues{f', {a} accepted' if a else ''} · "
            f"<a href='{rid}-issues.csv'>issues as CSV</a></p>"
            f"<p class='muted'>{_e(report.source_path)} · report {rid}</p>")
    if pd.notna(report.error) and report.error:
        head += f"<details><summary>error</summary><p class='muted'>{_e(report.error)}</p></details>"
    if rid in result.missing_sources:
        head += f"<p class='status-failed'>source PDF not found (or changed) at {_e(report.source_path)}: no page images</p>"
    body = [head, "<h2 id='failed-checks'>Failed checks</h2>",
            _checks_table(failed, rid, failed["_cells"].to_dict()) if len(failed) else "<p>none</p>"]

    heads = d.headlines[d.headlines.report_id == rid] if len(d.headlines) else d.headlines
    if len(heads):
        n_no = int((heads.agrees.notna() & (heads.agrees == False)).sum())  # noqa: E712
        body.append(f"<h2 id='headlines'>Headlines ({len(heads)}{f', {n_no} disagree' if n_no else ''})</h2>"
                    f"{_headline_rows(heads, rid)}")
    body.append("<h2>Tables</h2>")
    for t in tables.itertuples():
        tc = cells[cells.table_id == t.table_id]
        if tc.empty:
            continue
        marks = hl.get(t.table_id, set())
        crops = "".join(_crop(tc, p, marks, img(p), sizes[p], s) for p in sorted(set(tc.page.dropna().astype(int)))
                        if sizes.get(p))
        title = " · ".join(_e(v) for v in (t.title, t.section, t.kind) if pd.notna(v) and v)
        body.append(f"<section class='table' id='{_e(t.table_id)}'><h3>{_e(str(t.table_id).rsplit('-', 1)[-1])}"
                    f" {title} <span class='muted'>p.{t.page_start}–{t.page_end}</span></h3>"
                    f"<div class='tablebox'><div>{_grid(tc, marks)}</div><div>{crops}</div></div></section>")
    if len(ind):
        body.append(f"<h2>Indicators ({len(ind)})</h2>{_indicator_rows(ind, rid)}")
    _write(site / "r" / f"{rid}.html", _doc(f"{report.unit_name} — review", "".join(body)))

    # one page view per page shown: the full image, each indicator row and highlighted cell boxed
    for p in pages:
        if not sizes.get(p):
            continue
        v = s.view
        w_pt = sizes[p][0] / s.scale
        h_pt = sizes[p][1] / s.scale
        rows = "".join(
            f"<div class='box row' id='ind-{_e(r.table_id)}-{int(r.row)}' style='left:{r.x0 * v:.1f}px;"
            f"top:{r.top * v:.1f}px;width:{(r.x1 - r.x0) * v:.1f}px;height:{(r.bottom - r.top) * v:.1f}px'></div>"
            for r in ind[ind.page == p][["table_id", "row", "x0", "top", "x1", "bottom"]].itertuples()
            if pd.notna(r.x0))
        marks = "".join(
            f"<div class='box hl' style='left:{c.x0 * v:.1f}px;top:{c.top * v:.1f}px;"
            f"width:{(c.x1 - c.x0) * v:.1f}px;height:{(c.bottom - c.top) * v:.1f}px'></div>"
            for c in cells[cells.page == p][["table_id", *_BOX]].itertuples(index=False)
            if (int(c.row), int(c.col)) in hl.get(c.table_id, ()))
        page_checks = failed[failed.page == p]
        notes = "".join(f"<li>{_e(c.severity)} {_e(c.check)}: {_e(c.message)}</li>" for c in page_checks.itertuples())
        _write(site / "r" / f"{rid}-p{p}.html", _doc(
            f"{report.unit_name} p.{p}",
            f"<p><a href='{rid}.html'>← {_e(report.unit_name)}</a> · page {p} of {_e(report.page_count)}</p>"
            f"<ul>{notes}</ul><div class='pageview' style='width:{w_pt * v:.0f}px;height:{h_pt * v:.0f}px'>"
            f"<img src='{img(p)}' alt='page {p}' style='left:0;top:0;width:{w_pt * v:.1f}px'>{marks}{rows}</div>"))

    issues = _issues_frame(failed, report)
    _write_csv(site / "r" / f"{rid}-issues.csv", issues)
    return issues


def _write(path: Path, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return  # unchanged: keep its mtime, so a re-run touches nothing
    path.write_bytes(data)


def _write_csv(path: Path, df: pd.DataFrame) -> None:
    # utf-8 with a BOM: Excel, which most reviewers open CSV files in, then reads the Chinese right
    _write(path, df.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))


def _index(d: _Data, site: Path) -> str:
    order = {"quarantined": 0, "failed": 1, "ok": 2}
    reports = d.reports.assign(_o=d.reports.status.astype(str).map(order).fillna(3)) \
        .sort_values(["_o", "unit_name", "report_id"])
    rows = []
    for r in reports.itertuples():
        e, w, a = _counts(d.checks[d.checks.report_id == r.report_id])
        page = site / "r" / f"{r.report_id}.html"
        name = _e(r.unit_name) or _e(Path(str(r.source_path)).name)
        link = f"<a href='r/{r.report_id}.html'>{name}</a>" if page.exists() else name
        csv = f"<a href='r/{r.report_id}-issues.csv'>csv</a>" if page.exists() else ""
        file = f"<br><span class='muted'>{_e(Path(str(r.source_path)).name)}</span>"  # units repeat
        rows.append(f"<tr class='report' data-report='{r.report_id}'><td>{link}{file}</td><td>{_e(r.title)}</td>"
                    f"<td>{_e(r.fiscal_year)}</td><td>{_e(r.report_kind)}</td>"
                    f"<td class='status-{_e(r.status)}'>{_e(r.status)}</td><td>{e}</td><td>{w}</td>"
                    f"<td>{a or ''}</td><td>{_e(r.error)[:160]}</td><td>{csv}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ["unit", "title", "year", "kind", "status", "failed checks",
                                             "publisher issues", "accepted", "error", "issues"])
    body = (f"<h1>Review: {len(reports)} reports</h1><p><a href='issues.csv'>all issues as CSV</a></p>"
            f"<table class='list reports'><tr>{head}</tr>{''.join(rows)}</table>")
    return _doc("budgetperf review", body)


def build_review(out: str | Path, report_ids: list[str] | None = None,
                 settings: ReviewSettings = ReviewSettings()) -> ReviewResult:
    """Write OUT/review/ for the given reports (all when none); returns what was rendered."""
    out = Path(out)
    site = out / settings.folder
    d = _read(out)
    known = list(d.reports.report_id.astype(str))
    chosen = _resolve(report_ids, known) if report_ids else known
    result = ReviewResult(index=site / "index.html", reports=chosen)
    issues = []
    for rid in chosen:
        report = d.reports[d.reports.report_id == rid].iloc[0]
        issues.append(_report_page(rid, report, d, site, settings, result))
    _write(result.index, _index(d, site))
    all_issues = [i for i in issues if len(i)]
    if not report_ids:  # the site-wide CSV only from a full build, so it never lists a subset
        _write_csv(site / "issues.csv", pd.concat(all_issues) if all_issues else _issues_frame(
            _failed(d.checks).assign(_cells=""), pd.Series({"unit_name": None, "source_path": None})))
    return result


def run_review(out: Path, report_ids: list[str]) -> int:
    """The `review` command: 0 when the site is written, 2 on bad usage (no such folder or report)."""
    import sys
    import time

    out = Path(out)
    if not out.is_dir():
        print(f"error: no output folder at {out}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        result = build_review(out, report_ids or None)
    except UnknownReport as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"review: {len(result.reports)} reports, {result.pages_rendered} pages rendered, "
          f"{result.pages_cached} cached, {time.perf_counter() - start:.1f} s → {result.index}")
    for rid in result.missing_sources:
        print(f"  {rid}: source PDF missing or changed, no page images", file=sys.stderr)
    return 0
