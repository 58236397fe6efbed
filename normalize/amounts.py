"""Money and percentages as printed in budget tables → exact decimals."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import regex

# Units a table declares (单位：万元) and what one printed unit is worth in yuan (vocab.YUAN_PER_UNIT,
# importable from here too).
from normalize.vocab import UNIT_DECLARATION, YUAN, YUAN_PER_UNIT

_NUMBER = regex.compile(r"^[-−]?\d[\d,，]*(?:\.\d+)?$")
_BLANK = {"", "-", "—", "－", "–", "/", "／", "——"}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－％", "0123456789.,-%")


def declared_unit(text: str | None) -> str | None:
    """The money unit a caption or header declares: 单位：万元, （万元） …"""
    if not text:
        return None
    m = UNIT_DECLARATION.search(text)
    return (m.group(1) or m.group(2)) if m else None


def parse_number(text: str | None) -> Decimal | None:
    """'2,940.05' → Decimal('2940.05'); '99.93%' → Decimal('99.93'); blanks and dashes → None."""
    if text is None:
        return None
    s = "".join(text.translate(_FULLWIDTH).split()).rstrip("%")
    if s in _BLANK or not _NUMBER.match(s):
        return None
    try:
        return Decimal(s.replace(",", "").replace("，", "").replace("−", "-"))
    except InvalidOperation:
        return None


FEN = Decimal("0.01")
# decimal128(20, 2), the contract's type of every money column: 18 digits before the point.
_LIMIT = Decimal(10) ** 18


def fit_value(value) -> Decimal | None:
    """The one place a value enters a decimal128(20, 2) column: to the fen (yuan, or the printed
    scale where the unit is unknown; `raw` keeps every printed digit), None if no column could
    hold it. A printed number of any shape never fails a report."""
    if value is None or value != value:
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        d = d.quantize(FEN)
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() and abs(d) < _LIMIT else None


def to_yuan(amount: Decimal, unit: str | None) -> Decimal:
    """An amount printed in `unit` (default 元) → yuan, to the fen."""
    return (amount * YUAN_PER_UNIT.get(unit or YUAN, Decimal(1))).quantize(Decimal("0.01"))
