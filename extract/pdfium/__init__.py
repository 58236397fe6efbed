"""Pages read with PDFium instead of pdfminer: the page's frame and objects (page.py), its glyphs
(glyphs.py) and its ruling lines (rules.py), as pdfplumber would give them."""
