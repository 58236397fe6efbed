"""Report metadata from the first pages: title, unit name, fiscal year, report kind."""
from __future__ import annotations

import regex

from extract.model import Document

KINDS = (  # first match wins; the order matters (项目支出绩效自评 before 自评报告)
    ("project_self_evaluation", regex.compile(r"项目支出(?:绩效)?自评")),
    ("unit_self_evaluation", regex.compile(r"(?:单位|部门)整体支出.*?自评|整体支出绩效")),
    ("final_accounts", regex.compile(r"决算")),
    ("budget", regex.compile(r"预算")),
)
_YEAR = regex.compile(r"((?:19|20)\d{2})\s*年")
_BARE_YEAR = regex.compile(r"^\s*((?:19|20)\d{2})\s*$")
_UNIT_FIELD = regex.compile(r"(?:部门|单位|实施单位|部门名称|单位名称)\s*[:：]\s*(\S+?)(?:\s|单位[:：]|$)")
_UNIT_BEFORE_KIND = regex.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?\s*(\p{Han}[\p{Han}（）()]{2,40}?)\s*(?:(?:19|20)\d{2}\s*年度?)?\s*"
    r"(?:单位整体支出|部门整体支出|项目支出|年度部门决算|年度部门预算|部门决算|部门预算)")
_SPACE_BETWEEN_HAN = regex.compile(r"(?<=[\p{Han}\d])\s+(?=[\p{Han}])|(?<=[\p{Han}])\s+(?=\d)")


def _squash(text: str) -> str:
    return _SPACE_BETWEEN_HAN.sub("", text.strip())


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


def report_metadata(doc: Document) -> dict:
    """Best-effort title/unit/year/kind; every field may be None when the cover does not say."""
    lines = cover_lines(doc)
    head = "".join(lines[:4])
    table_text = " ".join(c.text for t in doc.tables[:1] for c in t.cells[:20])
    kind = report_kind(head) if report_kind(head) != "other" else report_kind(head + table_text)
    year = None
    for line in lines + [table_text]:
        m = _YEAR.search(line) or _BARE_YEAR.match(line)
        if m:
            year = int(m.group(1))
            break
    unit = None
    for line in lines:
        m = _UNIT_FIELD.search(line)
        if m:
            unit = m.group(1)
            break
    if unit is None:
        for i in range(min(3, len(lines))):
            m = _UNIT_BEFORE_KIND.match("".join(lines[i:i + 2]))
            if m:
                unit = m.group(1)
                break
    if unit is None and kind == "project_self_evaluation":
        unit = _project_unit(doc)
    title_lines = [ln for ln in lines[:3] if not _BARE_YEAR.match(ln)]
    title = "".join(title_lines[:2]) if title_lines else None
    return {"title": title, "unit_name": unit, "fiscal_year": year, "report_kind": kind}


def _project_unit(doc: Document) -> str | None:
    """项目支出绩效自评表 name their unit in the table: the cell right of 实施单位."""
    for table in doc.tables:
        grid = table.text_grid()
        for row in grid:
            for i, text in enumerate(row[:-1]):
                if text.replace(" ", "") == "实施单位" and row[i + 1]:
                    return row[i + 1]
    return None
