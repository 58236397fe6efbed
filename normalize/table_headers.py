"""Multi-row table headers → where the header ends and one name per column.

部门决算/部门预算 tables stack their headers (项目 / 支出功能分类 / 科目编码 / 类 款 项 over
本年支出合计 / 基本支出 …); merged header cells repeat per column in `Table.grid()`, so each
column reads its header top-down as a *path*, e.g. ['本年支出', '小计'].
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from normalize.amounts import parse_number
from normalize.headers import squash

# A row holding one of these is data, not header: an enumerated label (一、… / 1.… / （一）…).
_ENUMERATED = regex.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.．、](?!\d)|[（(][一二三四五六七八九十\d]+[）)])")
# Rows of column numbers (栏次 1 2 3 …) belong to the header but name nothing.
_COLUMN_NUMBERS = regex.compile(r"^栏次$")
# Sum words name no measure of their own: 本年支出 / 小计 is the 本年支出 column.
SUM_WORDS = frozenset({"小计", "合计"})
# Headers that name the kind of amount rather than what it is an amount of.
MEASURE_WORDS = regex.compile(r"^(?:金额|决算数|预算数|执行数|年初预算数|调整预算数|全年预算数|全年执行数|\S*率)$")


@dataclass(frozen=True)
class HeaderSettings:
    # Real 决算 headers take at most 5 rows (Putuo 三公: 5); a blank template has no number to
    # end its header, so the header is cut here instead of swallowing the whole table.
    max_header_rows: int = 6

    def __post_init__(self):
        if self.max_header_rows < 1:
            raise ValueError(f"max_header_rows must be >= 1, got {self.max_header_rows}")


DEFAULT = HeaderSettings()


def is_data_row(texts: list[str]) -> bool:
    """A row with a number (amount or code) or an enumerated label is data."""
    return any(parse_number(t) is not None or _ENUMERATED.match(t) for t in texts if t)


def header_end(text_grid: list[list[str]], settings: HeaderSettings = DEFAULT) -> int:
    """Index of the first data row (= number of header rows)."""
    limit = min(len(text_grid), settings.max_header_rows)
    for r in range(limit):
        texts = [squash(t) for t in text_grid[r]]
        if is_data_row(texts) and not (texts and _COLUMN_NUMBERS.match(texts[0])):
            return r
    return limit


def column_paths(text_grid: list[list[str]], end: int) -> list[list[str]]:
    """Each column's header texts top-down, repeats (merged cells) and blanks dropped."""
    n_cols = max((len(row) for row in text_grid), default=0)
    paths: list[list[str]] = [[] for _ in range(n_cols)]
    for r in range(end):
        row = [squash(t) for t in text_grid[r]]
        if row and _COLUMN_NUMBERS.match(row[0]):
            continue
        for c, text in enumerate(row):
            if text and text not in paths[c]:
                paths[c].append(text)
    return paths


def common_prefix(paths: list[list[str]]) -> list[str]:
    """The header texts shared by all given columns from the top, e.g. ['收入']."""
    out: list[str] = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        out.append(parts[0])
    return out


def specific_name(path: list[str]) -> str | None:
    """The most specific header that is not a sum word: ['本年支出', '小计'] → '本年支出'."""
    for text in reversed(path):
        if text not in SUM_WORDS:
            return text
    return path[-1] if path else None


def measure_names(paths: list[list[str]]) -> list[str | None]:
    """One name per column; where two columns share a name, their parent header is kept in front
    (['年初结转和结余', '基本支出'] and ['年末结转和结余', '基本支出'] → '年初结转和结余·基本支出')."""
    names = [specific_name(p) for p in paths]
    shared = {n for n in names if n is not None and names.count(n) > 1}
    for i, name in enumerate(list(names)):
        if name not in shared:
            continue
        path = paths[i]
        idx = len(path) - 1 - path[::-1].index(name) if name in path else len(path)
        parents = [t for t in path[:idx] if t not in SUM_WORDS]
        if parents:
            names[i] = f"{parents[-1]}·{name}"
    return names
