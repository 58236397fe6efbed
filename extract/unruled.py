"""Tables without ruling lines, found from text alignment (placeholder, filled in below)."""
from __future__ import annotations


def find_unruled_tables(lines, page_no, settings):
    return []
