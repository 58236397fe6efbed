"""Report metadata from the cover and headings: title, unit name, fiscal year, report kind."""
from __future__ import annotations

from collections import Counter

import regex

from extract.cell_text import tighten
from extract.model import Document
from normalize import vocab

KINDS = vocab.REPORT_KINDS  # first match wins; the order matters (项目支出绩效自评 before 自评报告)
_YEAR = vocab.COVER_YEAR
_BARE_YEAR = regex.compile(r"^\s*((?:19|20)\d{2})\s*$")
_UNIT_FIELD = vocab.UNIT_NAME_FIELD
# 上海市普陀区财政局 / 上海市 XX 局 (the template's placeholder) before the year and the kind.
_UNIT_BEFORE_KIND = vocab.UNIT_BEFORE_KIND
# Where the cover ends: the table of contents and the first part heading.
_COVER_END = vocab.COVER_END
# Lines under a table caption that are not part of a title: 部门：… / 单位：万元.
_FIELD_LINE = vocab.CAPTION_FIELD_LINE
# A page number or a sentence is never part of a title (an OCRed book page starts '12').
_PAGE_NUMBER = regex.compile(r"^[-—\s]*\d{1,4}[-—\s]*$")
_SENTENCE = regex.compile(r"[。；]")
# A money unit, never a unit name: 单位：万元.
_MONEY_UNIT = vocab.MONEY_UNIT_WORD


def _squash(text: str) -> str:
    """Layout spaces around CJK removed: '上海市 XX 局' → '上海市XX局', '2024 年度' → '2024年度'."""
    return tighten(text.strip())


def cover_lines(doc: Document, pages: int = 2, limit: int = 12) -> list[str]:
    """The first lines of the document that are not inside a table (the cover and title)."""
    out = [_squash(line.text) for line in doc.lines if line.page <= pages and line.text.strip()
           and not line.in_table]
    return out[:limit]


def report_kind(text: str) -> str:
    for kind, pattern in KINDS:
        if pattern.search(text):
            return kind
    return "other"


def fiscal_year(lines: list[str], doc: Document) -> int | None:
    """The year on the cover; else the year most often named in headings and table captions
    (a tables-only 部门预算 prints it only in 2019年政府采购预算表)."""
    for line in lines:
        m = _YEAR.search(line) or _BARE_YEAR.match(line)
        if m:
            return int(m.group(1))
    texts = [t.title for t in doc.tables if t.title] + \
        [line.text for line in doc.lines if not line.in_table]
    years = Counter(int(m.group(1)) for text in texts for m in _YEAR.finditer(_squash(text)))
    return years.most_common(1)[0][0] if years else None


def unit_name(lines: list[str]) -> str | None:
    for line in lines:
        m = _UNIT_FIELD.search(line)
        if m and not _MONEY_UNIT.match(m.group(1)):
            return m.group(1)
    for i in range(min(3, len(lines))):
        m = _UNIT_BEFORE_KIND.match("".join(lines[i:i + 2]))
        if m:
            return m.group(1)
    return None


def title_of(lines: list[str]) -> str | None:
    """The cover's title lines (at most two) before the table of contents; year-only lines,
    page numbers and 部门：/单位： fields are not part of it, and prose (a sentence) ends it."""
    out = []
    for line in lines[:3]:
        if _COVER_END.match(line) or _SENTENCE.search(line):
            break
        if _BARE_YEAR.match(line) or _FIELD_LINE.match(line) or _PAGE_NUMBER.match(line):
            continue
        out.append(line)
    return "".join(out[:2]) or None


def report_metadata(doc: Document) -> dict:
    """Best-effort title/unit/year/kind; every field may be None when the cover does not say."""
    lines = cover_lines(doc)
    head = "".join(lines[:4])
    table_text = " ".join([t.title for t in doc.tables[:1] if t.title] +
                          [c.text for t in doc.tables[:1] for c in t.cells[:20]])
    kind = report_kind(head) if report_kind(head) != "other" else report_kind(head + table_text)
    if kind == "other":
        kind = next((k for k, p in vocab.REPORT_KIND_HINTS if p.search("".join(lines))), "other")
    year = fiscal_year(lines + [table_text], doc)
    unit = unit_name(lines)
    if unit is None and kind == "project_self_evaluation":
        unit = _project_unit(doc)
    return {"title": title_of(lines), "unit_name": unit, "fiscal_year": year, "report_kind": kind}


def _project_unit(doc: Document) -> str | None:
    """项目支出绩效自评表 name their unit in the table: the cell right of 实施单位."""
    for table in doc.tables:
        grid = table.text_grid()
        for row in grid:
            for i, text in enumerate(row[:-1]):
                if vocab.FIELDS["implementer"].fullmatch(text.replace(" ", "")) and row[i + 1]:
                    return row[i + 1]
    return None


def contents(doc) -> list[dict]:
    """The tables a contents page (目录, on the first three pages) lists: their page, title and
    standard kind (the budget family's reading of the title), for validate to find among the
    tables normalize read."""
    from normalize.families.budget_table import budget_table_kind

    lines = [ln for ln in doc.lines if ln.page <= 3]
    if not any(vocab.CONTENTS_HEADING.search(_squash(ln.text)) for ln in lines):
        return []
    out = []
    for ln in lines:
        m = vocab.CONTENTS_ITEM.match(vocab.CONTENTS_NOISE.sub("", ln.text))
        if m:
            out.append({"page": ln.page, "title": m.group(1), "kind": budget_table_kind(m.group(1), [])})
    return out
