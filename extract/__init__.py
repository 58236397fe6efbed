"""PDF → Document: tables with cells, page and box for every cell, and running text lines."""
from extract.document import OcrPage, read_document
from extract.errors import ExtractError
from extract.model import Cell, Document, Table, TextLine
from extract.settings import DEFAULT, ExtractSettings

__all__ = [
    "Cell", "Document", "Table", "TextLine",
    "DEFAULT", "ExtractError", "ExtractSettings", "OcrPage", "read_document",
]
