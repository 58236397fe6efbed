"""Page furniture: running headers, footers and page numbers, told apart from running text.

A page number printed at the foot of one page must not join the figure that starts the next
(`7` + `3,307.07万元` read as `73,307.07`). Furniture is found two ways, both only among lines
outside tables that sit in the top or bottom band of their page (_BAND × ExtractSettings.page_margin_ratio):
- by shape: `- 7 -`, `— 7 —`, `第 7 页`, `第7页 共20页`, `7 / 20`, `Page 7 of 20`; a bare `7` when the
  document's bare numbers agree with their pages (same printed-minus-page offset on two pages);
- by repetition: the same text (digits aside) in the same band on several pages, e.g. a running
  title `2024年度部门决算` or `上海市普陀区财政局` printed on every page.
Lines are only flagged (TextLine.furniture), never dropped: captions and report metadata may still
read them; prose (extract/prose_lines.py, Document.paragraphs) leaves them out.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence

import regex

from extract.model import TextLine
from extract.settings import ExtractSettings

_DASH = r"[-－—–―~～·•\s]*"
_N = r"\d(?:\s?\d){0,3}"  # up to 4 digits; a text layer may space them out (`2 1`)
_PAGE_NUMBER = regex.compile(
    r"^(?:"
    + _DASH + _N + _DASH  # 7, - 7 -, — 7 —
    + r"|第\s*" + _N + r"\s*页(?:\s*[,，/、]?\s*共\s*" + _N + r"\s*页)?"  # 第 7 页, 第7页 共20页
    + r"|共\s*" + _N + r"\s*页\s*[,，/、]?\s*第\s*" + _N + r"\s*页"  # 共20页 第7页
    + r"|" + _N + r"\s*/\s*" + _N  # 7 / 20
    + r"|(?i:page)\s*" + _N + r"(?:\s*(?i:of)\s*" + _N + ")?"  # Page 7 of 20
    + r")$"
)
# A running title repeats on this many pages (fewer in a document that short).
_MIN_REPEATS = 3
# Footers sit lower than the margin that stitching ignores: page numbers were found at 86–91% of
# the page height (Jiangsu 768/842, Changsha 760/840), so furniture is looked for in a wider band.
_BAND = 1.5


_BARE = regex.compile(r"^\s*" + _N + r"\s*$")
# A bare number alone on a page (no other to agree with) is a page number only this close to the count.
_LONE_SLACK = 20


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _bare_value(text: str) -> int | None:
    return int(regex.sub(r"\s", "", text)) if _BARE.match(text) else None


def _numbering_agrees(candidates: list[TextLine], page_count: int) -> set[int]:
    """ids of bare-number lines (`7`) that number their pages: printed number − page is the same
    on another page too (a cover page shifts it, a book excerpt starts at 12), or, for a lone one,
    the number is within reach of the page count. A lone 2489 at a page's foot is a figure."""
    offsets: dict[int, set[int]] = defaultdict(set)
    for ln in candidates:
        offsets[_bare_value(ln.text) - ln.page].add(ln.page)
    ok = set()
    for ln in candidates:
        value = _bare_value(ln.text)
        if len(offsets[value - ln.page]) >= 2 or (len(candidates) == 1 and value <= page_count + _LONE_SLACK):
            ok.add(id(ln))
    return ok


def _band(line: TextLine, height: float, settings: ExtractSettings) -> str | None:
    """'top' or 'bottom' when the line lies in that margin band of its page."""
    margin = _BAND * settings.page_margin_ratio * height
    if line.bottom <= margin:
        return "top"
    if line.top >= height - margin:
        return "bottom"
    return None


def _key(text: str) -> str:
    """Text of a repeated line with the parts that change page to page (numbers, spaces) taken out."""
    return regex.sub(r"\d+", "#", regex.sub(r"\s+", "", text))


def furniture_flags(
    lines: Sequence[TextLine], heights: Mapping[int, float], settings: ExtractSettings
) -> list[bool]:
    """For each line, whether it is a page header, footer or page number."""
    bands: list[str | None] = []
    for ln in lines:
        height = heights.get(ln.page)
        ok = height and not ln.in_table and ln.text.strip() and len(ln.text.strip()) <= settings.heading_max_chars
        bands.append(_band(ln, height, settings) if ok else None)
    pages_of: dict[tuple[str, str], set[int]] = defaultdict(set)
    for ln, band in zip(lines, bands):
        if band:
            pages_of[(band, _key(ln.text))].add(ln.page)
    need = min(_MIN_REPEATS, max(2, len(heights)))
    bare = [ln for ln, band in zip(lines, bands) if band and _bare_value(ln.text) is not None]
    numbering = _numbering_agrees(bare, max(heights, default=0))
    flags = []
    for ln, band in zip(lines, bands):
        if band is None:
            flags.append(False)
            continue
        repeated = len(pages_of[(band, _key(ln.text))]) >= need and _key(ln.text).strip("#") != ""
        number = id(ln) in numbering if _bare_value(ln.text) is not None else is_page_number(ln.text)
        flags.append(number or repeated)
    return flags


def off_page(lines: Sequence[TextLine], height: float) -> list[TextLine]:
    """Lines past the top or bottom edge of the page, wholly or in part, marked as furniture: never
    prose, a heading or a caption. Printed text keeps a margin; these are a cell's overflowing
    text that an export left where no reader sees it (北京's 绩效目标 cells, cut at the page)."""
    return [dataclasses.replace(ln, furniture=True) if ln.top < 0 or ln.bottom > height else ln
            for ln in lines]


def mark(lines: Sequence[TextLine], heights: Mapping[int, float], settings: ExtractSettings) -> list[TextLine]:
    """The lines with TextLine.furniture set on headers, footers and page numbers."""
    flags = furniture_flags(lines, heights, settings)
    return [dataclasses.replace(ln, furniture=True) if f else ln for ln, f in zip(lines, flags)]
