"""Domain knowledge: the value grammar, table recognition, rows. Nothing here knows PDFs."""
from normalize.values import Value, is_met, parse_value

__all__ = ["Value", "parse_value", "is_met"]
