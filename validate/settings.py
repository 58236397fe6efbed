"""Tolerances and switches of the validate stage, each named and explained once."""
from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal


@dataclass(frozen=True)
class ValidateSettings:
    # A printed rate may be rounded or truncated: |printed - computed| ≤ this many percentage points.
    rate_tolerance_points: float = 0.01
    # A printed score (分) is usually rounded to 2 decimals; allow this much either way.
    score_tolerance: float = 0.01
    # Money printed without a raw text to tell its precision: assume 0.01 of 万元 (= 100 元),
    # so half a unit is 50 元 per line involved.
    default_half_unit_yuan: Decimal = Decimal("50")
    # Prose figures are compared with table figures printed in the same unit; both rounded.
    prose_amount_half_unit: Decimal = Decimal("0.005")  # 万元, half of the printed 0.01
    # Placeholder text that must not survive in a published report.
    placeholder_pattern: str = r"XX+|ＸＸ+|××+|xx[局部委办处科]|某某"
    # Years in the text this far from the report year (e.g. 2023 in a 2024 report) are only
    # suspect in a heading or a period-end date; comparisons with last year are normal prose.
    check_years: bool = True
    # Severities: arithmetic of our own rows blocks landing; doubtful text only warns.
    table_severity: str = "error"
    prose_severity: str = "warning"
    document_severity: str = "warning"
    placeholder_severity: str = "error"
    # An OCR cell read with a lower mean confidence gets an ocr.low_confidence warning check.
    ocr_min_confidence: float = 0.8
    # Run the GX suites (False: same checks evaluated in plain Python; for tests of the rules alone).
    use_gx: bool = True
    # A structure the header proposes stands when it holds on at least this many rows that print
    # figures, and on this share of them; else it is our misreading: not applied (structure.py).
    structure_min_held: int = 2
    structure_min_share: float = 2 / 3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_severity") and value not in ("error", "warning"):
                raise ValueError(f"ValidateSettings.{f.name} must be 'error' or 'warning', not {value!r}")
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"ValidateSettings.{f.name} must be ≥ 0, not {value!r}")
        if self.ocr_min_confidence > 1:
            raise ValueError(f"ValidateSettings.ocr_min_confidence must be in [0, 1], not {self.ocr_min_confidence!r}")


DEFAULT = ValidateSettings()
