"""Document-level checks in plain Python: report year, placeholders, contents page, blank totals."""
from __future__ import annotations

import regex

from normalize import vocab
from validate.result import CheckResult
from validate.settings import ValidateSettings

# A heading naming the report's own year, or a period-end date: these must be the report year.
_YEAR_IN_HEADING = vocab.YEAR_IN_HEADING
_PERIOD_END = vocab.PERIOD_END


def _text_lines(doc):
    return [l for l in (getattr(doc, "lines", None) or [])]


def year_checks(doc, year: int | None, settings: ValidateSettings) -> list[CheckResult]:
    if not year or not settings.check_years:
        return []
    out = []
    seen = set()
    for line in _text_lines(doc):
        text = "".join(line.text.split())
        for pattern, what in ((_YEAR_IN_HEADING, "heading"), (_PERIOD_END, "period end")):
            for m in pattern.finditer(text):
                y = int(m.group(1))
                if what == "heading" and any(word in text[:m.start()][-before:]
                                             for word, before in vocab.YEAR_COMPARISON_WORDS):
                    continue  # 与2023年度相比: a comparison, not a heading
                if y == year or (line.page, m.group()) in seen:
                    continue
                seen.add((line.page, m.group()))
                if what == "heading" and y == year + 1 and vocab.BUDGET_WORD in m.group():
                    continue  # a final-accounts report may announce next year's budget
                out.append(CheckResult("document.year", settings.document_severity, False,
                                       observed=m.group(), expected=f"{year}",
                                       message=f"The {what} 「{m.group()}」 names {y} in a {year} report.",
                                       page=line.page))
    return out


def placeholder_checks(doc, settings: ValidateSettings) -> list[CheckResult]:
    pattern = regex.compile(settings.placeholder_pattern)
    out, pages = [], {}
    for line in _text_lines(doc):
        m = pattern.search(line.text)
        if m:
            pages.setdefault(line.page, (m.group(), line.text.strip()))
    for table in getattr(doc, "tables", None) or []:
        for c in table.cells:
            m = pattern.search(c.text or "")
            if m:
                pages.setdefault(c.page, (m.group(), c.text.strip()))
    for page, (hit, text) in sorted(pages.items()):
        out.append(CheckResult("document.placeholder", settings.placeholder_severity, False, observed=text[:60],
                               expected="no template placeholder",
                               message=f"Placeholder text 「{hit}」 left in the report: 「{text[:40]}」.", page=page))
    return out


def contents_checks(report, settings: ValidateSettings) -> list[CheckResult]:
    """Every table the contents page lists (normalize read the list and each entry's standard
    kind) is among the tables normalize read: the same title, the same standard kind, or named in
    the text."""
    rows, doc = report.rows, report.doc
    squashed = {"".join((t.title or "").split()) for t in getattr(doc, "tables", None) or []} - {""}
    lines = rows.budget_lines
    kinds = set(lines["budget_table"].dropna()) if lines is not None and "budget_table" in lines else set()
    body = "".join("".join(ln.text.split()) for ln in _text_lines(doc) if ln.page > 3)
    out = []
    for entry in getattr(rows, "contents", None) or []:
        listed, kind = entry["title"], entry["kind"]
        present = any(listed in t or t in listed for t in squashed) or \
            (kind is not None and kind != "fund" and kind in kinds) or listed in body
        out.append(CheckResult("document.contents_tables_present", settings.document_severity, present,
                               observed="present" if present else "missing", expected=listed,
                               message=(f"The contents lists {listed} and the report has it." if present else
                                        f"The contents lists {listed} but no such table was found."),
                               page=entry["page"]))
    return out


def checks(report, settings: ValidateSettings) -> list[CheckResult]:
    rows, doc = report.rows, report.doc
    year = rows.report.get("fiscal_year") if isinstance(rows.report, dict) else None
    try:
        year = int(year) if year is not None and year == year else None
    except (TypeError, ValueError):
        year = None
    return year_checks(doc, year, settings) + placeholder_checks(doc, settings) + \
        contents_checks(report, settings)
