"""Which column holds what, read from a table's header row."""
from __future__ import annotations

import regex

# role → header texts that mean it (whole-cell matches after spaces are removed)
ROLES = {
    "level1": regex.compile(r"^一级(?:指标|目标)"),
    "level2": regex.compile(r"^二级(?:指标|目标)"),
    "name": regex.compile(r"^(?:三级(?:指标|目标)|指标名称|绩效指标|指标内容)$"),
    "target": regex.compile(r"^(?:指标目标值|年度指标值|计划|目标值|指标值|计划值|年度目标值|预期目标值)"),
    "actual": regex.compile(r"^(?:实际完成值|完成|实际完成|完成值|实际值|完成情况|实际完成情况)$"),
    "weight": regex.compile(r"^(?:分值|权重)"),
    "score": regex.compile(r"^得分"),
    "deviation": regex.compile(r"^偏差(?:原因)?"),
}
BUDGET_MEASURES = regex.compile(r"^(?:年初预算数|全年预算数|调整后预算数?|全年执行数|执行数|预算数|执行率|分值|得分)$")


def squash(text: str | None) -> str:
    return "".join((text or "").split())


def column_roles(header: list[str]) -> dict[str, int]:
    """Map roles to column indexes. `header` is one grid row, merged cells repeated per column.

    指标名称 spanning two columns (the 计划/完成 tables) means 二级 label + name.
    """
    roles: dict[str, int] = {}
    spans: dict[str, list[int]] = {}
    for col, text in enumerate(header):
        key = squash(text)
        for role, pattern in ROLES.items():
            if pattern.match(key):
                spans.setdefault(role, []).append(col)
                break
    for role, cols in spans.items():
        roles[role] = cols[-1] if role == "name" else cols[0]
    if "level2" not in roles and len(spans.get("name", [])) == 2:
        roles["level2"] = spans["name"][0]
    return roles


def is_indicator_header(header: list[str]) -> bool:
    roles = column_roles(header)
    return "name" in roles and ("target" in roles or "actual" in roles)


def is_header_like(row: list[str], header: list[str]) -> bool:
    """A repeated header row that survived stitching."""
    return [squash(t) for t in row] == [squash(t) for t in header]
