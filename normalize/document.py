"""Document → ReportRows: recognise each table by its header and turn it into typed rows."""
from __future__ import annotations

from extract.model import Document, Table
from normalize import final_accounts
from normalize.amounts import parse_number
from normalize.budget import budget_measure_columns, budget_rows
from normalize.headers import is_indicator_header, squash
from normalize.indicators import indicator_rows
from normalize.report_meta import report_metadata
from normalize.rows import ReportRows, frame

PROJECT_NAME, TOTAL_SCORE = "项目名称", "总分"


def _texts(grid, r: int) -> list[str]:
    return [c.text if c else "" for c in grid[r]]


def _find_rows(grid, predicate) -> list[int]:
    return [r for r in range(len(grid)) if predicate(_texts(grid, r))]


def _is_budget_header(texts: list[str]) -> bool:
    measures = set(budget_measure_columns(texts).values())
    return len(measures) >= 2 and bool(measures & {"全年预算数", "预算数", "年初预算数"})


def table_kind(table: Table) -> str:
    grid = table.grid()
    if any(squash(t) == PROJECT_NAME for r in range(min(3, len(grid))) for t in _texts(grid, r)) \
            and _find_rows(grid, is_indicator_header):
        return "project"
    if grid and is_indicator_header(_texts(grid, 0)):
        return "indicators"
    if grid and _is_budget_header(_texts(grid, 0)):
        return "budget"
    if final_accounts.is_final_accounts_table(table):
        return "final_accounts"
    return "other"


def _project_blocks(grid) -> list[tuple[int, int]]:
    """A stitched table may hold several projects: each starts at a 项目名称 row."""
    starts = _find_rows(grid, lambda t: any(squash(x) == PROJECT_NAME for x in t))
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(grid)])]


def _cell_right_of(texts: list[str], label: str) -> str | None:
    for i, t in enumerate(texts):
        if squash(t) == label:
            rest = [x for x in texts[i + 1:] if squash(x) and squash(x) != label]
            return rest[0].strip() if rest else None
    return None


def project_rows(table: Table, context: dict) -> tuple[list[dict], list[dict]]:
    """One 项目支出绩效自评表: its 项目资金 block → budget lines, its 指标 block → indicators."""
    grid = table.grid()
    indicators, lines = [], []
    for start, stop in _project_blocks(grid):
        name = _cell_right_of(_texts(grid, start), PROJECT_NAME)
        ctx = {**context, "project": name}
        budget_headers = [r for r in range(start, stop) if _is_budget_header(_texts(grid, r))]
        ind_headers = [r for r in range(start, stop) if is_indicator_header(_texts(grid, r))]
        totals = [r for r in range(start, stop)
                  if any(squash(t) == TOTAL_SCORE for t in _texts(grid, r))]
        ind_stop = totals[0] if totals else stop
        for h in budget_headers:
            block_end = min([r for r in ind_headers + totals + [stop] if r > h])
            lines += budget_rows(grid, h, h + 1, _funding_end(grid, h, block_end),
                                 table.unit, ctx)
        for h in ind_headers:
            indicators += indicator_rows(grid, h, h + 1, ind_stop, ctx)
        for r in totals:
            lines += _total_score_lines(grid, r, ctx)
    return indicators, lines


def _funding_end(grid, header_row: int, limit: int) -> int:
    """The funding block ends at the first row without a number under its measure columns."""
    cols = budget_measure_columns(_texts(grid, header_row))
    r = header_row + 1
    while r < limit and any(grid[r][c] and parse_number(grid[r][c].text) is not None for c in cols):
        r += 1
    return r


def _total_score_lines(grid, r: int, ctx: dict) -> list[dict]:
    """The 总分 row: its numbers are 分值 (100) then 得分, kept as budget lines in 分."""
    row = grid[r]
    seen, out = set(), []
    for cell in row:
        if cell is None or id(cell) in seen:
            continue
        seen.add(id(cell))
        value = parse_number(cell.text)
        if value is None:
            continue
        measure = ("分值", "得分")[min(len(out), 1)]
        out.append({**ctx, "row": r, "line_label": "总分", "line_group": None, "line_item": "总分",
                    "code": None, "measure": measure, "value": value, "unit": "分",
                    "raw": cell.text, **cell.location()})
    return out


def _table_frames(tables: list[Table], kinds: list[str], report_id: str):
    table_rows, cell_rows = [], []
    for i, (t, kind) in enumerate(zip(tables, kinds), 1):
        tid = f"{report_id}-t{i:02d}"
        table_rows.append({"report_id": report_id, "table_id": tid, "title": t.title,
                           "section": t.section, "kind": kind, "strategy": t.strategy,
                           "unit": t.unit, "page_start": t.page_start, "page_end": t.page_end,
                           "n_rows": t.n_rows, "n_cols": t.n_cols})
        for c in t.cells:
            cell_rows.append({"report_id": report_id, "table_id": tid, "row": c.row, "col": c.col,
                              "text": c.text, **c.location(), "row_span": c.row_span,
                              "col_span": c.col_span, "confidence": c.confidence})
    return frame("tables", table_rows), frame("cells", cell_rows)


def normalize_document(doc: Document, report: dict) -> ReportRows:
    """All rows of one report. `report` holds report_id/source_path/hash; metadata is added."""
    report_id = report["report_id"]
    report = {**report, **report_metadata(doc), "page_count": doc.page_count,
              "text_source": doc.text_source,
              "warnings": "; ".join(doc.warnings) if doc.warnings else None}
    kinds = [table_kind(t) for t in doc.tables]
    indicators, lines = [], []
    for i, (table, kind) in enumerate(zip(doc.tables, kinds), 1):
        context = {"report_id": report_id, "table_id": f"{report_id}-t{i:02d}",
                   "section": table.section}
        grid = table.grid()
        if kind == "indicators":
            indicators += indicator_rows(grid, 0, 1, len(grid), context)
        elif kind == "budget":
            lines += budget_rows(grid, 0, 1, len(grid), table.unit,
                                 {**context, "table_title": table.title})
        elif kind == "project":
            ind, bl = project_rows(table, {**context, "table_title": table.title})
            indicators += ind
            lines += bl
        elif kind == "final_accounts":
            lines += final_accounts.budget_lines(table, {**context, "table_title": table.title})
    tables, cells = _table_frames(doc.tables, kinds, report_id)
    if not doc.tables:
        report["warnings"] = "; ".join(filter(None, [report["warnings"], "no tables found"]))
    report.update(n_tables=len(doc.tables), n_indicators=len(indicators),
                  n_budget_lines=len(lines))
    return ReportRows(report=report, tables=tables, cells=cells,
                      indicators=frame("indicators", indicators),
                      budget_lines=frame("budget_lines", lines))
