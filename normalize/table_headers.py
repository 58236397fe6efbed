"""Multi-row table headers → where the header ends and one name per column.

部门决算/部门预算 tables stack their headers (项目 / 支出功能分类 / 科目编码 / 类 款 项 over
本年支出合计 / 基本支出 …); merged header cells repeat per column in `Table.grid()`, so each
column reads its header top-down as a *path*, e.g. ['本年支出', '小计'].
"""
from __future__ import annotations

from dataclasses import dataclass

from normalize.amounts import parse_number
from normalize.vocab import (
    CARRY_OVER, COLUMN_NUMBER_LABEL, GRID_CAPTION, GROUP_SUM_WORDS, KIND_TOTALS, LIST_MARKER, MEASURE_QUALIFIER,
    NAMED_TOTAL, PERIOD_QUALIFIER, SUB_MEASURE, SUM_WORDS, YEAR_FLOWS_WORD, squash,
)

# A row holding one of these is data, not header: an enumerated label (一、… / 1.… / （一）…).
_ENUMERATED = LIST_MARKER
# A caption line inside the grid: a table's name (…表) or its unit line (单位：万元).
_CAPTION = GRID_CAPTION


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


def header_end(text_grid: list[list[str]], settings: HeaderSettings = DEFAULT,
               number_rows: frozenset[int] | set[int] = frozenset()) -> int:
    """Index of the first data row (= number of header rows). `number_rows` are 栏次 rows
    (栏次 1 2 3 / ** 1 2 3): header, not data."""
    limit = min(len(text_grid), settings.max_header_rows)
    for r in range(limit):
        texts = [squash(t) for t in text_grid[r]]
        if r in number_rows:
            continue
        if is_data_row(texts) and not (texts and COLUMN_NUMBER_LABEL.match(texts[0])):
            return r
    return limit


def is_title_row(texts: list[str]) -> bool:
    """A caption printed inside the grid (预算03表支出总表; 预算单位：长春市信访局 | 单位：万元): a row
    of a table wider than two columns holding only caption texts. It names the table, never a
    measure."""
    squashed = [squash(t) for t in texts]
    distinct = {t for t in squashed if t}
    return len(squashed) > 2 and bool(distinct) and all(_CAPTION.search(t) for t in distinct)


def column_paths(text_grid: list[list[str]], end: int,
                 skip: frozenset[int] | set[int] = frozenset()) -> list[list[str]]:
    """Each column's header texts top-down, repeats (merged cells) and blanks dropped; 栏次 rows,
    title rows and rows in `skip` name nothing."""
    n_cols = max((len(row) for row in text_grid), default=0)
    paths: list[list[str]] = [[] for _ in range(n_cols)]
    for r in range(end):
        row = [squash(t) for t in text_grid[r]]
        if r in skip or (row and COLUMN_NUMBER_LABEL.match(row[0])) or is_title_row(row):
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


def qualifiers(path: list[str], periods: bool = True) -> list[str]:
    """The headers above a column that qualify its amounts: a change block (增减变化), the year
    before (上年), and a year where `periods` (the table prints two side by side)."""
    return [t for t in path[:-1] if MEASURE_QUALIFIER.match(t) and (periods or not PERIOD_QUALIFIER.match(t))]


def measure_names(paths: list[list[str]]) -> list[str | None]:
    """One name per column, with the headers that qualify it in front (增减变化情况·公务接待费,
    2025年预算数·公务接待费 beside 2026年); where two columns share a name, their parent header is
    kept in front (['年初结转和结余', '基本支出'] and ['年末结转和结余', '基本支出'] →
    '年初结转和结余·基本支出')."""
    periods = len({t for p in paths for t in p[:-1] if PERIOD_QUALIFIER.match(t)}) > 1
    names = []
    for p in paths:
        name, above = specific_name(p), qualifiers(p, periods)
        names.append("·".join([*above, name]) if name is not None and above and name not in above else name)
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


# ---- measure hierarchy ---------------------------------------------------------------------

# The year's 本年…合计 leaves the carry-overs beside it (年初结转和结余, 上年结转) out.
_BESIDE_FLOWS = CARRY_OVER


def _key(path: list[str]) -> tuple[str, ...]:
    """The header group a column totals: ['基本支出', '小计'] → ('基本支出',); a named total
    of its group, ['项目支出', '项目支出总数'] → ('项目支出',)."""
    p = list(path)
    while p and p[-1] in GROUP_SUM_WORDS:
        p.pop()
    if len(p) > 1 and len(p) == len(path) and NAMED_TOTAL.search(p[-1]):
        p.pop()
    return tuple(p)


def _of_kind(total: list[str], part: list[str], members: list[list[str]] = ()) -> bool:
    """A total whose name says what it totals (“三公”经费合计) takes only parts of that kind: a
    column named as one, or a group whose columns are (当年预算 / 小计 over 因公出国 …)."""
    name = "".join(total)
    for total_words, part_words in KIND_TOTALS:
        if total_words.search(name):
            return any(any(w.match(t) for w in part_words) or total_words.search(t)
                       for path in (part, *members) for t in path)
    return True


def measure_parents(paths: dict[int, list[str]]) -> tuple[dict[int, int], list[int]]:
    """Which measure column adds into which, read from the header alone (a proposal: validate
    keeps it only where the printed numbers confirm it).

    `paths`: col → header path of each measure column (the block's shared prefix removed).
    Returns (col → the column it is a part of, columns that look like totals whose parts the
    header does not tell). 基本支出/小计 is the total of 基本支出/人员经费 and 基本支出/日常公用支出;
    a top-level 合计/总计/本年支出合计 is the total of the top-level groups beside it (each group
    by its own total column where it has one). A sub-measure (其中：…, 含…, 扣除基建项目后预算数)
    is a part of the column beside it, never an addend; a group of only sub-measures is a memo
    (小计 / 其中：基本支出 / 项目支出; 政府采购 / 小计 over 其中 columns). A total that names its
    kind (“三公”经费合计) takes only parts of that kind. Two total columns over the same group
    (预算数/合计 and 预算数/小计) leave that group unexplained."""
    parents: dict[int, int] = {}
    unexplained: list[int] = []
    keys = {c: _key(p) for c, p in paths.items()}
    is_total = {c: bool(p) and (p[-1] in GROUP_SUM_WORDS or bool(NAMED_TOTAL.search(p[-1])))
                for c, p in paths.items()}
    sub = {c for c, p in paths.items() if p and SUB_MEASURE.search(p[-1])}
    groups: dict[int, list[int]] = {}
    for c, p in paths.items():
        k = keys[c]
        if not k or len(p) == len(k) and not is_total[c] and len(p) > 1:
            continue
        members = [d for d in paths if d != c and tuple(paths[d][:len(k)]) == k and len(paths[d]) > len(k)]
        if members and len(p) >= len(k):
            groups[c] = members
    by_key: dict[tuple, list[int]] = {}
    for c in groups:
        by_key.setdefault(keys[c], []).append(c)
    for k, cols in by_key.items():
        if len(cols) > 1:  # 预算数/合计 beside 预算数/小计: which covers what?
            unexplained += cols
            for c in cols:
                del groups[c]
    # a group of only sub-measures is a memo, not a partition; its bare 小计 is no part of the
    # whole (政府采购 / 小计), but a group total named for the group (项目支出总数) is
    memo = {c for c, members in groups.items() if all(m in sub for m in members)}
    named = {c for c in memo if paths[c][-1] not in GROUP_SUM_WORDS}
    for d in paths:
        covering = [c for c, members in groups.items() if d in members]
        if covering:
            inner = max(covering, key=lambda c: len(keys[c]))
            if inner not in memo and _of_kind(paths[inner], paths[d]):
                parents[d] = inner
    grouped = {d for members in groups.values() for d in members} | set(unexplained)
    tops = [c for c in paths if is_total[c] and c not in grouped and c not in groups]
    if len(tops) > 1:
        return parents, unexplained + tops
    for top in tops:
        name = paths[top][-1]
        for d in paths:
            if d == top or d in grouped or (d in sub and d not in groups) or (d in memo and d not in named):
                continue
            if YEAR_FLOWS_WORD in name and _BESIDE_FLOWS.search(paths[d][0] if paths[d] else ""):
                continue  # 本年支出合计 leaves the carry-overs beside it out; a plain 合计 has them
            if _of_kind(paths[top], paths[d], [paths[m] for m in groups.get(d, ())]):
                parents[d] = top
        if not any(v == top for v in parents.values()):
            unexplained.append(top)
    for c, members in groups.items():
        if not any(parents.get(m) == c for m in members) and c not in unexplained and c not in named:
            unexplained.append(c)
    return parents, unexplained
