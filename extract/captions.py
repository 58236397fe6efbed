"""What the text around a table says about it: title (caption above), unit (单位：万元), section heading.

Headings are numbered lines (第二部分 / 一、 / （一） / 1. / (1)), joined with their wrapped second
line, or a short stand-alone line just above a table (工作任务). The title is a line centred over
the table just above it; the unit comes from a 单位：万元 line above it or in its first rows.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import regex

from extract.model import Table, TextLine
from extract.settings import ExtractSettings

# The colon may be drawn apart from its line (重庆: `单位万元` with `:` a line below it): without
# one, only a money unit right after 单位 counts (not 单位名称…).
UNIT = regex.compile(r"(?:金额|计量)?单位\s*(?:[:：]\s*|(?=(?:亿元|万元|千元|元)(?!\p{Han})))([^\s,，;；)）]+)")
# `\d.` is a heading number unless a short number follows (2.5万元); `2.2024年…` is a heading
HEADING = regex.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇]+部分|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十]+[)）]|\d{1,2}\s*[.．、](?!\d{1,3}(?!\d))|[（(]\d{1,2}[)）])"
)
_NOTE = regex.compile(r"^\s*(?:注|说明|备注|部门|单位|编制单位)\s*[:：]")
_WRAPPED = regex.compile(r"^[（(].*[)）]$")  # （2024年度）: a subtitle, not the caption
_SENTENCE_END = ("。", "；", "，", ";", ",", "：", ":")
_PROSE = ("。", "，", "；")
_STANDALONE_MAX = 20  # an unnumbered heading (工作任务) is short


_MONEY = regex.compile(r"^(?:亿元|万元|千元|元)")


def unit_of(text: str) -> str | None:
    """What 单位 names on a line; a money unit wins over an organisation printed on the same
    line (`编制单位：上海市审计局   单位：元`, `单位：无锡市教育局（本级）  单位：万元`)."""
    found = [m.group(1) for m in UNIT.finditer(text)]
    return next((u for u in found if _MONEY.match(u)), found[0] if found else None)


def _box(table: Table, page: int) -> tuple[float, float, float, float]:
    cells = [c for c in table.cells if c.page == page] or table.cells
    return min(c.x0 for c in cells), min(c.top for c in cells), max(c.x1 for c in cells), max(c.bottom for c in cells)


def headings(lines: Sequence[TextLine], settings: ExtractSettings) -> list[TextLine]:
    """Numbered heading lines of a page (outside tables), each joined with its wrapped second line."""
    text_lines = [ln for ln in lines if not ln.in_table and not ln.furniture]
    right = max((ln.x1 for ln in text_lines), default=0.0)
    out = []
    for i, ln in enumerate(text_lines):
        text = ln.text.strip()
        if len(text) > settings.heading_max_chars or text.endswith(_SENTENCE_END) or not HEADING.match(text):
            continue
        nxt = text_lines[i + 1] if i + 1 < len(text_lines) else None
        if (
            nxt is not None
            and ln.x1 >= right - 2 * ln.size  # the heading ran to the right margin: it wraps
            and nxt.top - ln.bottom < ln.size
            and not HEADING.match(nxt.text)
            and len(nxt.text) < len(text)
        ):
            ln = dataclasses.replace(ln, text=text + nxt.text.strip(), x1=max(ln.x1, nxt.x1), bottom=nxt.bottom)
        out.append(ln)
    return out


def _is_caption_like(ln: TextLine, settings: ExtractSettings) -> bool:
    text = ln.text.strip()
    return (
        unit_of(text) is None
        and not _NOTE.match(text)
        and not HEADING.match(text)
        and len(text) <= settings.heading_max_chars
        and not text.endswith(_SENTENCE_END)
        and not any(p in text for p in _PROSE)
        and any(ch.isalpha() for ch in text)
    )


def _centred(ln: TextLine, x0: float, x1: float, body_size: float = 0.0) -> bool:
    """Centred over the table. A title wider than 80% of the table (泉州's project titles) must be
    centred closely and either stop short of the table's edges or be set larger than the prose,
    so that a justified line of prose (edge to edge) is not taken for one."""
    width = x1 - x0
    off = abs((ln.x0 + ln.x1) / 2 - (x0 + x1) / 2)
    span = ln.x1 - ln.x0
    wide_title = off <= 0.05 * width and (span <= 0.92 * width or ln.size > 1.05 * body_size)
    return off <= 0.15 * width and (span <= 0.8 * width or wide_title)


def describe(
    tables: Sequence[Table], lines: Sequence[TextLine], section: str | None, settings: ExtractSettings
) -> tuple[list[Table], str | None]:
    """Title, unit and section of each table of one page (top to bottom); also the section in
    force after the page, carried to the next page."""
    heads = headings(lines, settings)
    text_lines = [ln for ln in lines if not ln.in_table and not ln.furniture]  # so far: text no reader sees
    sizes = sorted(ln.size for ln in text_lines)
    body = sizes[len(sizes) // 2] if sizes else 0.0
    out = []
    floor = 0.0
    for t in tables:
        x0, top, x1, bottom = _box(t, t.page_start)
        above = [
            ln for ln in text_lines
            if ln.bottom <= top + 1 and ln.top >= max(floor, top - settings.caption_window)
        ]
        above.sort(key=lambda ln: ln.bottom)
        current = section
        for h in heads:
            if h.bottom <= top + 1:
                current = h.text
        candidates = [ln for ln in above if _is_caption_like(ln, settings)]
        titles = [ln for ln in candidates if _centred(ln, x0, x1, body) and not _WRAPPED.match(ln.text.strip())]
        title = titles[-1].text if titles else None
        if title is None and candidates and candidates[-1] is (above[-1] if above else None):
            ln = candidates[-1]
            before = [b for b in text_lines if b.bottom <= ln.top + 1 and b is not ln]
            prev = max(before, key=lambda b: b.bottom) if before else None
            in_heading = any(h.top <= ln.top and ln.bottom <= h.bottom for h in heads)  # its wrapped tail
            if len(ln.text) <= _STANDALONE_MAX and not in_heading and (prev is None or prev.text.endswith(_SENTENCE_END[:2])):
                current = ln.text.strip()  # a stand-alone label right above the table heads it
        out.append(dataclasses.replace(t, title=title, unit=_unit_near(t, above), section=current))
        floor = bottom
    for h in heads:
        section = h.text
    return out, section


def _unit_near(table: Table, above: Sequence[TextLine]) -> str | None:
    """Unit from a line just above the table (left, centre or right: `编制单位：X` and `单位：元` may
    be two text lines at one height), else from its first two rows (some print it inside). A money
    unit anywhere there wins over an organisation (单位：杭州市气象局) nearer the table."""
    texts = [ln.text for ln in sorted(above, key=lambda ln: -ln.bottom)]
    texts += [c.text for c in table.cells if c.row < 2]
    units = [u for u in map(unit_of, texts) if u]
    return next((u for u in units if _MONEY.match(u)), units[0] if units else None)
