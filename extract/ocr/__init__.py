"""Scanned pages: the OCR stage (page.py), the text recogniser behind it (engine.py), and the
rules and table grid found on the page image (grid.py)."""
