"""Indicator tables (年度分目标, 计划/完成, the project template's 指标 block) → indicator rows."""
from __future__ import annotations

import regex

from extract.cell_text import tighten
from extract.model import Cell
from normalize.headers import column_roles, is_header_like, squash
from normalize.values import Value, is_met, parse_value

_SCORE_SUFFIX = regex.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[）)]\s*$")
# The national framework's 二级 → 一级; used only when a table prints no 一级 column.
_LEVEL1_OF = (
    (regex.compile(r"数量|质量|时效|成本"), "产出指标"),
    (regex.compile(r"效益|可持续"), "效益指标"),
    (regex.compile(r"满意"), "满意度指标"),
)


def clean_level(text: str | None) -> str | None:
    """'产出指标（50分）' → '产出指标'; blanks → None."""
    text = _SCORE_SUFFIX.sub("", squash(text))
    return text or None


def level1_from_level2(level2: str | None) -> str | None:
    for pattern, level1 in _LEVEL1_OF:
        if level2 and pattern.search(level2):
            return level1
    return None


def _value_columns(prefix: str, v: Value) -> dict:
    cols = {f"{prefix}_op": v.op, f"{prefix}_value": v.value, f"{prefix}_unit": v.unit,
            f"{prefix}_base_value": v.base_value, f"{prefix}_kind": v.kind,
            f"{prefix}_note": v.note}
    if prefix == "target":
        cols["target_upper"] = v.upper
    else:
        cols["actual_status"] = v.status
    return cols


def _row_box(cells: list[Cell]) -> dict:
    """Page and box of the row's first line: the union of its cells on the first cell's page."""
    first = min(cells, key=lambda c: (c.page, c.top))
    on_page = [c for c in cells if c.page == first.page]
    return {"page": first.page, "x0": min(c.x0 for c in on_page),
            "top": min(c.top for c in on_page), "x1": max(c.x1 for c in on_page),
            "bottom": max(c.bottom for c in on_page)}


def _number(text: str | None) -> float | None:
    v = parse_value(text or "")
    return v.value if v.kind == "numeric" else None


def indicator_rows(grid: list[list[Cell | None]], header_row: int, start: int, stop: int,
                   context: dict) -> list[dict]:
    """Rows start..stop-1 of a table grid under the header at `header_row`.

    Level labels fill down: a label merged over several rows covers each of them, and a merge
    split by a page break leaves the continuation's label cell empty.
    """
    header = [c.text if c else "" for c in grid[header_row]]
    roles = column_roles(header)
    out: list[dict] = []
    level1 = level2 = None
    for r in range(start, stop):
        row = grid[r]
        text = {role: (row[col].text if row[col] else "") for role, col in roles.items()}
        if is_header_like([c.text if c else "" for c in row], header):
            continue
        if "level1" in roles and squash(text["level1"]):
            level1 = clean_level(text["level1"])
        if "level2" in roles and squash(text["level2"]):
            level2 = clean_level(text["level2"])
        name = squash(text.get("name")) or None
        target_raw = tighten(text.get("target", "").strip()) or None
        actual_raw = tighten(text.get("actual", "").strip()) or None if "actual" in roles else None
        if not (name or target_raw or actual_raw):
            continue
        target, actual = parse_value(target_raw or ""), parse_value(actual_raw or "")
        own = [c for c in row if c is not None and c.row == r]  # not labels merged from above
        out.append({
            **context,
            "row": r,
            "level1": level1 if "level1" in roles else level1_from_level2(level2),
            "level2": level2,
            "name": name,
            "target_raw": target_raw,
            "actual_raw": actual_raw,
            **_value_columns("target", target),
            **_value_columns("actual", actual),
            "met": is_met(target, actual) if actual_raw else None,
            "weight": _number(text.get("weight")),
            "score": _number(text.get("score")),
            "deviation_note": tighten((text.get("deviation") or "").strip()) or None,
            **_row_box(own or [c for c in row if c is not None]),
        })
    return out
