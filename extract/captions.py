"""What the text around a table says about it: title (caption above), unit (单位：万元), section heading."""
from __future__ import annotations

from collections.abc import Sequence

import regex

from extract.model import Table, TextLine
from extract.settings import ExtractSettings

UNIT = regex.compile(r"(?:金额|计量)?单位\s*[:：]\s*([^\s,，;；)）]+)")
# Numbered headings of Chinese documents: 第二部分 / 一、 / （一） / 1. / (1)
HEADING = regex.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇]+部分|[一二三四五六七八九十]+[、.．]"
    r"|[（(][一二三四五六七八九十]+[)）]|\d{1,2}\s*[.．、](?!\d)|[（(]\d{1,2}[)）])"
)
_NOT_TITLE = regex.compile(r"^\s*(?:注|说明|备注|部门|单位|编制单位)\s*[:：]")
_SENTENCE_END = ("。", "；", "，", ";", ",", "：", ":")


def unit_of(text: str) -> str | None:
    m = UNIT.search(text)
    return m.group(1) if m else None


def is_heading(line: TextLine, settings: ExtractSettings) -> bool:
    text = line.text.strip()
    return (
        not line.in_table
        and len(text) <= settings.heading_max_chars
        and not text.endswith(_SENTENCE_END)
        and HEADING.match(text) is not None
    )


def lines_above(
    table_top: float, lines: Sequence[TextLine], floor: float, settings: ExtractSettings
) -> list[TextLine]:
    """Non-table lines between `floor` (bottom of the table above, or page top) and the table."""
    return [
        ln for ln in lines
        if not ln.in_table and ln.bottom <= table_top + 1 and ln.top >= max(floor, table_top - settings.caption_window)
    ]


def title_of(candidates: Sequence[TextLine], settings: ExtractSettings) -> str | None:
    """The caption: the nearest line above the table that is not a unit, note, heading or prose line.

    Nearest, not biggest: a part title (上海市XX局2024年度部门决算表) often sits just above the
    caption in a bigger font."""
    pool = [
        ln for ln in candidates
        if unit_of(ln.text) is None and not _NOT_TITLE.match(ln.text) and not HEADING.match(ln.text)
        and len(ln.text) <= settings.heading_max_chars
        and not ln.text.endswith(_SENTENCE_END)
        and not any(p in ln.text for p in ("。", "，", "；"))  # prose, not a caption
        and any(ch.isalpha() for ch in ln.text)
    ]
    if not pool:
        return None
    return max(pool, key=lambda ln: ln.bottom).text


def unit_near(table: Table, candidates: Sequence[TextLine]) -> str | None:
    """Unit from a line just above the table, else from its first two rows (some tables print it inside)."""
    for ln in sorted(candidates, key=lambda ln: -ln.bottom):
        unit = unit_of(ln.text)
        if unit:
            return unit
    for cell in table.cells:
        if cell.row < 2:
            unit = unit_of(cell.text)
            if unit:
                return unit
    return None
