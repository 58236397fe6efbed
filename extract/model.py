"""Plain data passed from extract/ to the later stages. Nothing here knows budgets."""
from __future__ import annotations

from dataclasses import dataclass, field

from extract.prose_lines import Paragraph, paragraphs


@dataclass(frozen=True)
class Cell:
    """One cell of a table after merged cells are resolved.

    `row`/`col` are 0-based positions in the table grid; a merged cell sits at its top-left
    position and covers `row_span` × `col_span` grid positions. `page` is 1-based; the box is in
    PDF points of that page (top-left origin, as pdfplumber reports it).
    """

    row: int
    col: int
    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    row_span: int = 1
    col_span: int = 1
    confidence: float | None = None  # OCR confidence in [0, 1]; None for text PDFs

    def location(self) -> dict:
        """page and box, as every derived row carries them."""
        return {"page": self.page, "x0": self.x0, "top": self.top, "x1": self.x1,
                "bottom": self.bottom}


class CellList(list):
    """A table's cells: a list that counts its changes, so a Table knows when its grid is stale."""

    __slots__ = ("version",)

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.version = 0

    def __reduce_ex__(self, protocol):  # pickles (pool workers) and copies as a CellList
        return CellList, (list(self),)


def _counting(method):
    def changed(self, *args, **kwargs):
        self.version += 1
        return method(self, *args, **kwargs)

    changed.__name__ = method.__name__
    return changed


for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append", "extend", "insert",
              "pop", "remove", "clear", "sort", "reverse"):
    setattr(CellList, _name, _counting(getattr(list, _name)))
del _name


@dataclass
class Table:
    """A table, possibly stitched from pieces on several pages.

    Its shape, grid and per-page boxes are computed once and kept until `cells` changes (a new
    list, or the list appended to or edited): callers ask for them many times per table, and a
    stitched table over a hundred pages holds tens of thousands of cells.
    """

    cells: list[Cell]
    page_start: int
    page_end: int
    strategy: str = "ruled"  # ruled | unruled | ocr
    title: str | None = None  # caption printed above the table, e.g. 支出决算表
    section: str | None = None  # nearest heading above the table, e.g. （一）履职完成情况
    unit: str | None = None  # from a 单位：万元 line near the table, e.g. 万元

    def __setattr__(self, name, value) -> None:
        if name == "cells":
            if not isinstance(value, CellList):
                value = CellList(value)
            self.__dict__.pop("_derived", None)
        object.__setattr__(self, name, value)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_derived"}

    def _memo(self) -> dict:
        """Values derived from the cells, dropped whenever the cells change."""
        key = self.cells.version
        memo = self.__dict__.get("_derived")
        if memo is None or memo["key"] != key:
            memo = {"key": key}
            self.__dict__["_derived"] = memo
        return memo

    def derived(self, key, compute):
        """compute(), kept with the grid until the cells change: a later stage's reading of the
        table that several of its steps ask for (normalize's budget blocks: scored, then read)."""
        memo = self._memo()
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def _shape(self) -> tuple[int, int]:
        memo = self._memo()
        if "shape" not in memo:
            memo["shape"] = (
                max((c.row + c.row_span for c in self.cells), default=0),
                max((c.col + c.col_span for c in self.cells), default=0),
            )
        return memo["shape"]

    @property
    def n_rows(self) -> int:
        return self._shape()[0]

    @property
    def n_cols(self) -> int:
        return self._shape()[1]

    def _grid(self) -> list[list[Cell | None]]:
        memo = self._memo()
        if "grid" not in memo:
            n_rows, n_cols = self._shape()
            out: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
            for c in self.cells:
                for r in range(c.row, c.row + c.row_span):
                    out[r][c.col:c.col + c.col_span] = [c] * c.col_span
            memo["grid"] = out
        return memo["grid"]

    def grid(self) -> list[list[Cell | None]]:
        """Rows × cols of cells; a merged cell appears at every position it covers. A fresh copy:
        the caller may change it."""
        return [row[:] for row in self._grid()]

    def text_grid(self) -> list[list[str]]:
        memo = self._memo()
        if "text_grid" not in memo:
            memo["text_grid"] = [[c.text if c else "" for c in row] for row in self._grid()]
        return [row[:] for row in memo["text_grid"]]

    def page_box(self, page: int) -> tuple[float, float, float, float] | None:
        """(x0, top, x1, bottom) around the table's cells on `page`; None if it has none there."""
        memo = self._memo()
        if "page_boxes" not in memo:
            boxes: dict[int, list[float]] = {}
            for c in self.cells:
                b = boxes.get(c.page)
                if b is None:
                    boxes[c.page] = [c.x0, c.top, c.x1, c.bottom]
                else:
                    b[0], b[1], b[2], b[3] = min(b[0], c.x0), min(b[1], c.top), max(b[2], c.x1), max(b[3], c.bottom)
            memo["page_boxes"] = {p: tuple(b) for p, b in boxes.items()}
        return memo["page_boxes"].get(page)


@dataclass(frozen=True)
class TextLine:
    """One line of running text (outside or inside tables), with its place on the page."""

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 0.0  # dominant font size, helps tell headings from prose
    in_table: bool = False
    furniture: bool = False  # page header, footer or page number (extract/furniture.py); not prose


@dataclass
class Document:
    """Everything extract/ learned from one PDF."""

    path: str
    page_count: int
    lines: list[TextLine] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    text_source: str = "text"  # text | ocr | mixed
    warnings: list[str] = field(default_factory=list)
    pages_without_text: list[int] = field(default_factory=list)  # 1-based; image-only pages, OCR candidates

    def page_text(self, page: int) -> str:
        return "\n".join(line.text for line in self.lines if line.page == page)

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The report's prose: its lines outside tables and page furniture, figures set as a
        separate run put back in place, joined into paragraphs across lines and pages
        (extract/prose_lines.py). Read from `lines` each time it is asked for."""
        return paragraphs(self.lines)
