"""PDF → Document: tables with cells, page and box for every cell, and running text lines."""
from extract.model import Cell, Document, Table, TextLine

__all__ = ["Cell", "Document", "Table", "TextLine"]
