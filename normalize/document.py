"""Document → ReportRows: each table's anatomy → the family that fits it best → typed rows.

What normalize decided for each table (family, blocks, unit) is kept in the `tables` dataset,
so validate keys on it instead of recognising tables again; what could not be read becomes a
note that validate/coverage.py reports as a warning.
"""
from __future__ import annotations

import dataclasses
import json

from extract.model import Document, Table
from normalize import vocab
from normalize.amounts import parse_number, to_yuan
from normalize.anatomy import Anatomy, anatomy
from normalize.families import best_family
from normalize.headlines import headlines_frame
from normalize.report_meta import contents, report_metadata
from normalize.rows import ReportRows, frame
from normalize.vocab import squash


def table_kind(table: Table, an: Anatomy | None = None) -> str:
    """The name of the family that reads the table (indicators | project_form | funding | form |
    packed_indicators | budget_table …), or other."""
    an = an or anatomy(table)
    family, _ = best_family(table, an)
    return _kind(family)


def _kind(family) -> str:
    """A table's kind is the name of the family that read it; none → other."""
    return family.name if family is not None else "other"


def _blocks_json(an: Anatomy) -> str:
    return json.dumps([{"kind": b.kind, "start": b.start, "stop": b.stop, "header": list(b.header),
                        "columns": {str(k): v for k, v in b.columns.items()}} for b in an.blocks],
                      ensure_ascii=False)


def _is_numeric_table(table: Table) -> bool:
    texts = [c.text for c in table.cells if c.text and c.text.strip()]
    return len(texts) >= 6 and sum(parse_number(t) is not None for t in texts) >= len(texts) / 3


def _table_frames(tables: list[Table], kinds: list[str], anatomies: list[Anatomy], report_id: str):
    table_rows, cell_rows = [], []
    for i, (t, kind, an) in enumerate(zip(tables, kinds, anatomies), 1):
        tid = f"{report_id}-t{i:02d}"
        table_rows.append({"report_id": report_id, "table_id": tid, "title": t.title,
                           "section": t.section, "kind": kind, "strategy": t.strategy,
                           "unit": an.unit or t.unit, "page_start": t.page_start,
                           "page_end": t.page_end, "n_rows": t.n_rows, "n_cols": t.n_cols,
                           "blocks": _blocks_json(an),
                           "row_number_cols": json.dumps(an.row_number_cols),
                           "column_number_rows": json.dumps(an.column_number_rows)})
        for c in t.cells:
            cell_rows.append({"report_id": report_id, "table_id": tid, "row": c.row, "col": c.col,
                              "text": c.text, **c.location(), "row_span": c.row_span,
                              "col_span": c.col_span, "confidence": c.confidence})
    return frame("tables", table_rows), frame("cells", cell_rows)


def _unit_from_prose(out, table: Table, doc: Document) -> None:
    """A money table that declares no unit takes the unit its own figures carry in the prose
    that introduces it (全年预算263,254,643.42元 … 如下表); without such evidence the amounts
    stay as printed with a null unit (and the family's note says so)."""
    loose = [l for l in out.budget_lines if l.get("unit") is None and l.get("raw")]
    if not loose:
        return
    pages = range(table.page_start - 1, table.page_end + 1)
    text = "".join("".join(l.text.split()) for l in doc.lines if l.page in pages and not l.in_table)
    printed = {m.group(1).replace(",", "").replace("，", ""): m.group(2) for m in vocab.PROSE_AMOUNT.finditer(text)}
    units = {printed.get("".join(l["raw"].split()).replace(",", "")) for l in loose} - {None}
    if len(units) != 1:
        return
    unit = units.pop()
    for line in loose:  # scaled from the printed text, never from a rounded value
        line["value"], line["unit"] = to_yuan(parse_number(line["raw"]), unit), vocab.YUAN


def _layout(table: Table) -> tuple[str, ...]:
    """A table's column headings (its rows above the first number), as its layout's signature."""
    out = []
    for row in table.text_grid():
        texts = [squash(t) for t in row]
        if any(parse_number(t) is not None for t in texts if t):
            break
        out.append("|".join(texts))
    return tuple(out)


def units_from_layout(tables: list[Table], anatomies: list[Anatomy]) -> list[Anatomy]:
    """A money table whose page declares no unit takes the unit of a table of the same layout in
    the same document that does (one template prints both; 苏州 prints 单位 on one page of two)."""
    known: dict[tuple, set] = {}
    for t, an in zip(tables, anatomies):
        if an.unit:
            known.setdefault(_layout(t), set()).add(an.unit)
    out = []
    for t, an in zip(tables, anatomies):
        units = known.get(_layout(t)) if not an.unit else None
        if units and len(units) == 1 and _layout(t):
            an = dataclasses.replace(an, unit=next(iter(units)))
        out.append(an)
    return out


def units_from_overflow(tables: list[Table], anatomies: list[Anatomy]) -> list[Anatomy]:
    """A table too wide for its page, printed down then over (Excel's page order: its left columns
    for every row, then the columns that did not fit, on the pages after), declares its unit where
    the last columns start (上海: 单位：元 above 其他收入 only). The overflow piece has no caption
    and no row labels, and its rows are the rows of the table it belongs to, line for line on the
    page: that table (and the pieces continuing it) takes the overflow's unit when it has none."""
    out = list(anatomies)
    for j, (piece, piece_an) in enumerate(zip(tables, anatomies)):
        if not piece_an.unit or piece.title or _has_row_labels(piece):
            continue
        rows = _row_tops(piece)
        for i in range(j - 1, -1, -1):
            left = tables[i]
            span = left.page_end - left.page_start + 1
            if not 0 < piece.page_start - left.page_start <= span:
                continue
            if not out[i].unit and len(rows) >= 3 and rows <= _row_tops(left):
                out[i] = dataclasses.replace(out[i], unit=piece_an.unit)
                break
    return out


def _row_tops(table: Table) -> set[float]:
    """The tops of the table's rows on its first page, to the half point."""
    return {round(c.top * 2) / 2 for c in table.cells if c.page == table.page_start}


def _has_row_labels(table: Table) -> bool:
    """Text other than its header's and numbers below its first row: a table of its own."""
    grid = table.text_grid()
    return any(squash(t) and parse_number(t) is None for row in grid[1:] for t in row)


def evaluated_projects(doc: Document) -> list[tuple[int, str]]:
    """(page, project) where a project's evaluation report begins: its title, printed larger than
    the prose, possibly over two lines (…维护费项目 / 绩效评价报告)."""
    body = sorted(l.size for l in doc.lines if not l.in_table and l.size)
    if not body:
        return []
    prose = body[len(body) // 2]
    big = [l for l in doc.lines if not l.in_table and l.size > prose * 1.05]
    out = []
    for a, b in zip(big, big[1:] + [None]):
        for text in filter(None, ["".join(a.text.split()),
                                  "".join((a.text + b.text).split()) if b is not None and b.page == a.page else None]):
            m = vocab.EVALUATION_TITLE.match(text)
            if m:
                out.append((a.page, m.group("project")))
    return out


def narrative_score(doc: Document) -> tuple[float | None, str | None]:
    """An evaluation report's score and grade from its prose: 综合得分为92.25分，评价等级为"优"."""
    text = "".join("".join(line.text.split()) for line in doc.lines if not line.in_table)
    score = grade = None
    # the conclusion comes last; earlier mentions may be parts (决策 得分为18分)
    scores = list(vocab.NARRATIVE_SCORE.finditer(text))
    if scores:
        score = float(scores[-1].group(1))
    grades = list(vocab.NARRATIVE_GRADE.finditer(text))
    if grades:
        grade = grades[-1].group(1)
    return score, grade


def normalize_document(doc: Document, report: dict) -> ReportRows:
    """All rows of one report. `report` holds report_id/source_path/hash; metadata is added."""
    report_id = report["report_id"]
    report = {**report, **report_metadata(doc), "page_count": doc.page_count,
              "text_source": doc.text_source,
              "warnings": "; ".join(doc.warnings) if doc.warnings else None}
    indicators, lines, notes, kinds, anatomies = [], [], [], [], []
    scores, grades, units = [], [], []
    state: dict = {}
    evaluated = evaluated_projects(doc)
    layouts = units_from_layout(doc.tables, units_from_overflow(doc.tables, [anatomy(t) for t in doc.tables]))
    for i, (table, an) in enumerate(zip(doc.tables, layouts), 1):
        family, best = best_family(table, an)
        kinds.append(_kind(family))
        anatomies.append(an)
        tid = f"{report_id}-t{i:02d}"
        if family is None:
            if best > 0:
                notes.append({"table_id": tid, "page": table.page_start,
                              "message": f"p.{table.page_start}: a table ({table.title or 'untitled'}) that no family explains well (the best explains {best:.0%} of its rows and columns) is `other`; its cells are kept in `cells` only"})
            elif _is_numeric_table(table):
                notes.append({"table_id": tid, "page": table.page_start,
                              "message": f"a table of numbers ({table.title or 'untitled'}) fits no known table family; its cells are kept in `cells` only"})
            continue
        context = {"report_id": report_id, "table_id": tid, "section": table.section,
                   "table_title": table.title, "state": state,
                   "project": next((p for page, p in reversed(evaluated) if page <= table.page_start), None)}
        out = family.rows(table, an, context)
        _unit_from_prose(out, table, doc)
        indicators += out.indicators
        lines += out.budget_lines
        notes += [{"table_id": tid, "page": table.page_start, "message": n} for n in out.notes]
        if "total_score" in out.report:
            scores.append(out.report["total_score"])
        if "grade" in out.report:
            grades.append(out.report["grade"])
        if out.report.get("unit_name"):
            units.append(out.report["unit_name"])
    if not report.get("unit_name") and units:
        report["unit_name"] = units[0]
    report["report_kind"] = _report_kind(report.get("report_kind"), indicators)
    report["total_score"], report["grade"] = _report_score(report, scores, grades, doc)
    tables, cells = _table_frames(doc.tables, kinds, anatomies, report_id)
    if not doc.tables:
        report["warnings"] = "; ".join(filter(None, [report["warnings"], "no tables found"]))
    report.update(n_tables=len(doc.tables), n_indicators=len(indicators),
                  n_budget_lines=len(lines))
    rows = ReportRows(report=report, tables=tables, cells=cells, contents=contents(doc),
                      indicators=frame("indicators", indicators),
                      budget_lines=frame("budget_lines", lines), notes=notes)
    rows.headlines = headlines_frame(rows.budget_lines, tables, report, cells)
    return rows


def _report_kind(title_kind: str | None, indicators: list[dict]) -> str | None:
    """The kind from what the document holds, not only its title or first table: a document
    titled as a self-evaluation (部门整体支出绩效…) whose indicator tables print targets and no
    actual, score or weight achieved is a set of target tables."""
    if title_kind in ("unit_self_evaluation", "project_self_evaluation") and indicators \
            and not any(i.get("actual_raw") or i.get("score") is not None for i in indicators):
        return "performance_targets"
    return title_kind


def _report_score(report: dict, scores: list, grades: list, doc: Document):
    """One form's 总分 and 评价等级 are the report's; a 决算 with several project forms has no
    single score. Evaluation reports print theirs in prose."""
    score = scores[0] if len(scores) == 1 else None
    grade = grades[0] if len(grades) == 1 else None
    if report.get("report_kind") in ("performance_evaluation", "unit_self_evaluation",
                                     "project_self_evaluation") and (score is None or grade is None):
        s, g = narrative_score(doc)
        score = score if score is not None else s
        grade = grade if grade is not None else g
    return score, grade
