"""Plain data passed from extract/ to the later stages. Nothing here knows budgets."""
from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class Table:
    """A table, possibly stitched from pieces on several pages."""

    cells: list[Cell]
    page_start: int
    page_end: int
    strategy: str = "ruled"  # ruled | unruled | ocr
    title: str | None = None  # caption printed above the table, e.g. 支出决算表
    section: str | None = None  # nearest heading above the table, e.g. （一）履职完成情况
    unit: str | None = None  # from a 单位：万元 line near the table, e.g. 万元

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """Rows × cols of cells; a merged cell appears at every position it covers."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    out[r][k] = c
        return out

    def text_grid(self) -> list[list[str]]:
        return [[c.text if c else "" for c in row] for row in self.grid()]


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
